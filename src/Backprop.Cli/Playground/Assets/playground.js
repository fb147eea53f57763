// The playground page: the learner's settings and buttons, and what the server's events say. The server trains (the
// library's Trainer) and computes every number; this script only sends the buttons and draws the events.
"use strict";
(() => {
  const { el, svg, data } = Page;
  const SIZE = 360;

  // ---- settings and buttons
  const options = (values, label) => values.map(v => el("option", { value: v }, label ? label(v) : String(v)));
  const control = (id, label, input, hint) => el("div", { class: "field" }, el("label", { for: id }, label), " ", input, hint ? el("span", { class: "caption", id: id + "-hint" }, " " + hint) : null);
  const dataset = el("select", { id: "dataset", name: "dataset" }, options(data.sets.map(s => s.name)));
  const layers = el("input", { id: "layers", name: "layers", size: 8, "aria-describedby": "layers-hint" });
  const activation = el("select", { id: "activation", name: "activation" }, options(data.activations));
  const alpha = el("input", { id: "alpha", name: "alpha", size: 7, inputmode: "decimal" });
  const descent = el("select", { id: "descent", name: "descent" }, options(data.descents));
  const batch = el("input", { id: "batch", name: "batch", type: "number", min: 1, size: 4, value: 2 });
  const seed = el("input", { id: "seed", name: "seed", size: 7, inputmode: "numeric", value: "1" });
  const speed = el("select", { id: "speed", name: "speed" }, options(data.speeds, s => `${s} epoch${s === 1 ? "" : "s"} a second`));
  const setTitle = el("p", { class: "note", id: "set-title" });
  const button = (id, text, onclick, type) => el("button", { id, type: type || "button", onclick }, text);
  const reset = button("reset", "Reset", null, "submit");
  const start = button("start", "Start", () => post("/start", new URLSearchParams({ speed: speed.value })));
  const pause = button("pause", "Pause", () => post("/pause"));
  const step = button("step", "Step (one batch)", () => post("/step"));
  const status = el("p", { id: "status", role: "status" }, "connecting to the server…");
  const problem = el("p", { id: "problem", role: "alert", class: "problem" });
  // A dead relu layer (every unit off for every example of an epoch): the server's one line, until the next Reset.
  const dead = el("p", { id: "dead", role: "status", class: "problem", hidden: true });
  const form = el("form", { id: "settings", onsubmit: e => { e.preventDefault(); post("/reset", new URLSearchParams(new FormData(form))); } },
    el("div", { class: "controls" },
      control("dataset", "Dataset", dataset),
      control("layers", "Hidden layers", layers, "sizes, e.g. 4 or 8,8; empty for none"),
      control("activation", "Activation", activation),
      control("alpha", "Alpha", alpha),
      control("descent", "Descent", descent),
      control("batch", "Batch size", batch),
      control("seed", "Seed", seed)),
    setTitle,
    el("div", { class: "controls" }, reset, start, pause, step, control("speed", "Speed", speed)));
  Page.section("Settings", form,
    el("p", { class: "note" }, "Reset builds the network with these settings (the seed draws its weights). Start trains on the server, Pause stops, Step takes one batch: one update of the weights."),
    status, dead, problem);

  function presets() {
    const set = data.sets.find(s => s.name === dataset.value);
    layers.value = set.layers;
    alpha.value = set.alpha;
    batch.max = set.examples;
    setTitle.textContent = set.title;
  }
  dataset.addEventListener("change", presets);
  descent.addEventListener("change", () => { batch.disabled = descent.value !== "mini-batch"; });

  async function post(path, body) {
    try {
      const response = await fetch(path, { method: "POST", body: body || new URLSearchParams() });
      problem.textContent = response.ok ? "" : await response.text();
    } catch (e) {
      problem.textContent = "The server does not answer: is backprop playground still running?";
    }
  }

  // ---- what the events fill
  const networkLine = el("p", { class: "note", id: "network-line" });
  const drawingBox = el("div", { id: "drawing" });
  const drawingCaption = el("p", { class: "caption" });
  const networkSection = Page.section("Network", networkLine, drawingBox, drawingCaption,
    el("div", { class: "legend" }, el("span", { class: "pos" }, "positive weight"), el("span", { class: "neg" }, "negative weight (dashed)")));

  const chart = Page.lineChart({ title: "Loss per epoch", xLabel: "epoch", yLabel: "mean loss an example", series: [] });
  Page.section("Loss", chart.element,
    el("p", { class: "note" }, "Each epoch's loss: its batches' losses, each measured before its update, over the epoch's examples."));

  const surface = svg("svg", { class: "surface", viewBox: `0 0 ${SIZE} ${SIZE}`, width: SIZE, height: SIZE, role: "img", "aria-labelledby": "surface-title" },
    svg("title", { id: "surface-title" }, "The decision surface: the network's prediction over the plane, blue where it says 1, vermillion where it says 0; the points are the data, circles labelled 1, squares labelled 0."));
  const cells = svg("g", { class: "cells" }), points = svg("g", { class: "points" });
  surface.append(cells, points);
  const accuracy = el("p", { id: "accuracy" });
  const surfaceSection = Page.section("Decision surface", surface, accuracy,
    el("div", { class: "legend" }, el("span", { class: "pos" }, "label 1: circles, blue shade"), el("span", { class: "neg" }, "label 0: squares, vermillion shade")),
    el("p", { class: "note" }, "Shading: the network's prediction at each of a grid of points, computed on the server (white is 0.5, the boundary)."));

  // The drawing and the surface side by side where the page is wide enough.
  const pair = el("div", { class: "row pair" });
  networkSection.before(pair);
  pair.append(networkSection, surfaceSection);

  const progress = el("div", { id: "progress" }), matrices = el("div", { id: "matrices" });
  Page.section("Weights", progress, matrices);

  // Focusable, so that a keyboard can scroll them when they are wider than the page.
  const trace = el("pre", { id: "trace-command", tabindex: 0 }), csv = el("pre", { id: "csv", tabindex: 0 });
  Page.section("The same step in the terminal",
    el("p", {}, "After Reset, the first Step changes the weights exactly as this command prints them (save the data below as the file it names):"),
    trace, el("details", {}, el("summary", {}, "The data as CSV"), csv));

  let drawing = null, losses = [], gridSize = 0;

  function shape(s) {
    for (const [name, value] of Object.entries(s.settings)) if (form.elements[name]) form.elements[name].value = String(value);
    batch.disabled = s.settings.descent !== "mini-batch";
    setTitle.textContent = s.title;
    networkLine.textContent = s.network;
    drawing = Page.drawNetwork({ layers: s.layers }, { title: `The network ${s.network}: units as circles, weights as lines (blue positive, dashed vermillion negative, width by size)` });
    drawingBox.replaceChildren(drawing.element);
    drawingCaption.textContent = drawing.caption;
    trace.textContent = s.trace;
    csv.textContent = s.csv;
    surfaceSection.hidden = !s.twoD;
    cells.replaceChildren();
    points.replaceChildren();
    if (!s.twoD) return;
    gridSize = s.gridSize;
    const cell = SIZE / gridSize, at = v => (v + s.gridExtent) / (2 * s.gridExtent) * SIZE;
    for (let r = 0; r < gridSize; r++) for (let c = 0; c < gridSize; c++)
      cells.append(svg("rect", { x: c * cell, y: r * cell, width: cell + 0.5, height: cell + 0.5 }));
    for (const [x, y, label] of s.points) {
      const px = at(x), py = SIZE - at(y);
      points.append(label === 1
        ? svg("circle", { class: "point one", cx: px, cy: py, r: 4.5 })
        : svg("rect", { class: "point zero", x: px - 4, y: py - 4, width: 8, height: 8 }));
    }
  }

  function update(s) {
    if (s.shape) shape(s.shape);
    drawingBox.dataset.generation = s.generation;
    if (s.running) speed.value = String(s.speed);
    losses = losses.slice(0, s.lossesFrom).concat(s.losses);
    drawing.setWeights(s.weights);
    chart.update([{ name: "loss", values: losses }]);
    const state = s.problem ? `stopped: ${s.problem}` : s.running ? `running at ${s.speed} epochs a second` : "paused";
    status.textContent = `${state}; ${s.epochs} epochs done and ${s.position} of ${s.examples} examples into the next; ${s.steps} steps since the reset`;
    dead.textContent = s.dead || "";
    dead.hidden = !s.dead;
    progress.replaceChildren(Page.table("Progress", ["", "value"], [
      ["epochs done", String(s.epochs)],
      ["steps (weight updates) since the reset", String(s.steps)],
      ["examples done in this epoch", `${s.position} of ${s.examples}`],
      ["last epoch's loss", s.epochLoss ?? "none yet"],
      ["last step's loss", s.stepLoss ?? "none yet"],
    ], { id: "progress-table" }));
    matrices.replaceChildren(Page.table("The weights now, as trace prints them", ["matrix", "value"],
      s.matrices.map(m => [m.name, el("pre", { id: "matrix-" + m.name }, m.text)]), { id: "weights-table" }));
    if (s.surface) {
      s.surface.forEach((p, i) => cells.children[i].setAttribute("fill", Page.colour(p - 0.5, 0.5)));
      accuracy.textContent = `Accuracy on the points: ${s.accuracy}`;
    }
  }

  dataset.value = data.dataset;
  presets();
  speed.value = String(data.speeds[Math.min(1, data.speeds.length - 1)]);
  const events = new EventSource("/events");
  events.addEventListener("state", e => update(JSON.parse(e.data)));
  events.onerror = () => { status.textContent = "the server does not answer (is backprop playground still running?); trying again…"; };
})();
