// The trace page (backprop trace --html): the one iteration of backpropagation the terminal prints, a step at a time, on a
// drawing of the network. Every expression and number comes from the page's data, the records the terminal printed.
"use strict";
(() => {
  const { el } = Page, d = Page.data, steps = d.steps;
  const phases = {
    "start": "Start: alpha, the example, the goal and the weights",
    "predict": "Predict: each layer's output, from layer_0 forward",
    "compare": "Compare: the error of the prediction",
    "learn": "Learn: each layer's delta, from the output back",
    "weight deltas": "Learn: each weight's delta, the delta times the input it came through",
    "update": "Update: the weights, the last layer's first",
  };

  // The data holds the drawn units only: an array-like of a layer's length with those units' items (iterated in order).
  function spread(size, shown, items) {
    const a = { length: size, [Symbol.iterator]: () => items[Symbol.iterator]() };
    shown.forEach((i, s) => { a[i] = items[s]; });
    return a;
  }
  const layers = d.layers;
  const matrices = list => list.map((m, k) => ({ name: m.name,
    values: spread(layers[k].size, layers[k].shown, m.values.map(row => spread(layers[k + 1].size, layers[k + 1].shown, row))) }));
  const before = matrices(d.before), after = matrices(d.after);
  const weightsAt = step => before.map((m, k) => step.updated.includes(k) ? after[k] : m);

  // The header: the lines the terminal prints before the steps (the network, the defaults chosen) as code, its notes as notes.
  Page.main.append(...d.lines.map(line => /^(note|warning): /.test(line)
    ? el("p", { class: "note" }, line) : el("p", {}, el("code", { class: "trace-line" }, line))));

  // One step at a time: the controls, the step's expression and value, and the drawing.
  const drawing = Page.drawNetwork({ layers: layers.map(l => ({ name: l.name, units: spread(l.size, l.shown, l.units) })), weights: before },
    { maxUnits: d.maxUnits, width: 520, title: "The network: units as circles, weights as lines (blue positive, dashed vermillion negative, width by size); the step's units and weights are highlighted" });
  drawing.units.forEach((drawn, k) => {
    if (drawn.map(u => +u.dataset.unit).join() !== layers[k].shown.join()) console.error(`trace page: the drawing's units of ${layers[k].name} are not the data's`);
  });
  const previous = el("button", { type: "button", id: "previous", onclick: () => go(current - 1) }, "← Previous");
  const next = el("button", { type: "button", id: "next", onclick: () => go(current + 1) }, "Next →");
  const counter = el("span", { id: "counter", class: "trace-counter" });
  const phase = el("h3", { id: "phase", class: "trace-phase" });
  const expression = el("pre", { class: "expr", id: "expression" });
  const value = el("pre", { id: "value" });
  const live = el("p", { class: "visually-hidden", "aria-live": "polite", id: "announce" });
  Page.section("Step by step",
    el("p", { class: "note" }, "Next and Previous (or the arrow keys → and ←, Home and End) walk through the iteration. ",
      "Each step shows its expression and its value as the terminal prints them; the units and weights it involves are highlighted, ",
      "and for one example its values are written beside the units."),
    el("div", { class: "controls" }, previous, next, counter),
    live,
    el("div", { class: "row" },
      el("div", { class: "trace-step" }, phase, expression, value),
      el("figure", { class: "trace-figure" }, drawing.element,
        el("figcaption", { class: "caption" }, drawing.caption, d.leftOut ? " " + d.leftOut : ""),
        el("div", { class: "legend" }, el("span", { class: "pos" }, "positive weight"), el("span", { class: "neg" }, "negative weight"),
          el("span", { class: "hl" }, "involved in the step")))));

  // Every step as text, for reading without the drawing.
  const items = steps.map((s, n) => el("li", { id: `step-${n + 1}` },
    el("button", { type: "button", class: "trace-show", onclick: () => { go(n); next.focus(); } }, `Show step ${n + 1}`),
    el("pre", { class: "expr" }, ">>> " + s.expression),
    s.text ? el("pre", {}, s.text) : null));
  Page.section("All steps", el("p", { class: "note" }, "The whole iteration as the terminal prints it, step by step."),
    el("ol", { class: "trace-steps" }, items));

  let current = -1, drawnWeights = null;
  function go(n) {
    n = Math.max(0, Math.min(steps.length - 1, n));
    if (n === current) return;
    if (current >= 0) { items[current].classList.remove("current"); items[current].removeAttribute("aria-current"); }
    current = n;
    const s = steps[n];
    items[n].classList.add("current");
    items[n].setAttribute("aria-current", "step");
    counter.textContent = `Step ${n + 1} of ${steps.length}`;
    phase.textContent = phases[s.phase] || s.phase;
    expression.textContent = ">>> " + s.expression;
    value.textContent = s.text;
    value.hidden = !s.text;
    const weights = weightsAt(s), key = s.updated.join();
    if (drawnWeights !== key) { drawing.setWeights(weights); drawnWeights = key; }
    drawing.highlight({ layers: s.layers, weights: s.weights });
    layers.forEach((l, k) => {
      const v = s.values.find(x => x.layer === k);
      drawing.setValues(k, v ? spread(l.size, l.shown, v.values) : null);
    });
    previous.disabled = n === 0;
    next.disabled = n === steps.length - 1;
    if (document.activeElement && document.activeElement.disabled) (n === 0 ? next : previous).focus();
    live.textContent = `Step ${n + 1} of ${steps.length}: ${s.expression}`;
  }
  document.addEventListener("keydown", e => {
    if (e.altKey || e.ctrlKey || e.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    const to = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: steps.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    go(to);
  });
  go(0);
})();
