// explain --html: the correlation table, and each dense layer's pressure as a heat map (rows: inputs, columns: outputs)
// whose weights, focused or pointed at, show their up, down and net pressure and the step each example asks of them.
// Every number shown is a string the C# wrote (PressureText, as the terminal prints it); colours come from levels.
"use strict";
(() => {
  const d = Page.data, { el } = Page;

  for (const line of d.lines.slice(0, 1)) Page.main.append(el("p", { class: "note" }, line));

  const c = d.correlation, cp = d.correlationPictures;
  const correlation = Page.table("inputs (rows) and targets (columns)", c.headers, c.rows, { id: "correlation" });
  Page.section("Correlation of each input with each target",
    el("p", { class: "note" }, "Before training. 1 or -1: the input alone predicts the target; near 0: no direct correlation, which a hidden layer may still find; - : a constant input."),
    el("p", {}, c.caption + ":"),
    cp ? [el("p", { class: "note", id: "correlation-pictures-note" }, cp.note),
      Page.pictures(cp.targets.map(t => ({ name: t.name, levels: t.levels, label: `correlation of each pixel with ${t.name}` })), cp.height, cp.width, d.levelSteps)] : null,
    c.rows.length > 40 ? el("details", {}, el("summary", {}, `The correlation table (${c.rows.length} inputs)`), correlation) : correlation);

  const pressure = Page.section("Pressure on each weight",
    el("p", {}, d.lines[1]),
    ...d.lines.slice(2).map(line => el("p", { class: "note" }, line)),
    el("p", { class: "note", id: "examples-note" }, d.examplesNote),
    el("p", { class: "legend" }, el("span", { class: "pos" }, "+ pushed up (net pressure above 0)"), el("span", { class: "neg" }, "- pushed down")));

  d.layers.forEach((layer, k) => pressure.append(...drawLayer(layer, k)));

  function drawLayer(layer, k) {
    const rows = layer.rows.length, columns = layer.columns.length;
    const levels = layer.levels ? Page.levels(layer.levels, d.levelSteps) : null;
    const panel = el("div", { class: "detail", id: `detail-${k}`, "aria-live": "polite" },
      el("p", { class: "note" }, layer.cells ? "Focus a cell (Tab, then the arrow keys) or point at it to see its numbers here."
        : "Focus the heat map (Tab) and move with the arrow keys, or point at it, to see a weight's numbers here."));
    const scale = el("p", { class: "note" }, "Rows: the layer's inputs (from); columns: its outputs (to). Colour: net pressure, from ",
      el("span", { class: "scale", role: "img", "aria-label": "colour scale from vermillion (down) through white to blue (up)" }),
      ` -${layer.maxNet} to +${layer.maxNet}, rounded to ${2 * d.levelSteps + 1} levels for drawing only (the numbers are exact).`);
    const t = layer.table;
    const table = el("details", {}, el("summary", {}, `The numbers as a table (${t.rows.length} weight${t.rows.length === 1 ? "" : "s"})`),
      el("p", { class: "note" }, t.caption), Page.table(layer.name, t.headers, t.rows, { class: "pressure-table" }));
    const heading = el("h3", {}, `${layer.name} (${rows} x ${columns})`);
    if (layer.notDrawn) return [heading, el("p", { class: "note" }, layer.notDrawn), table];
    const map = layer.cells ? cellMap(layer, k, levels, panel) : canvasMap(layer, k, levels, panel, scale);
    return [heading, scale, el("div", { class: "row" }, map, panel), table];
  }

  // Small layers: a grid of cells, one focusable cell a weight (one Tab stop; the arrow keys move between cells).
  function cellMap(layer, k, levels, panel) {
    const columns = layer.columns.length;
    const cells = [];
    const grid = el("table", { class: "heat", role: "grid", "aria-label": `${layer.name}: net pressure on each weight` },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "from \\ to"), layer.columns.map(n => el("th", { scope: "col" }, n)))),
      el("tbody", {}, layer.rows.map((name, i) => el("tr", {}, el("th", { scope: "row" }, name), layer.columns.map((_, o) => {
        const v = levels[i * columns + o];
        const cell = el("td", {
          class: "cell" + (Math.abs(v) > 0.6 * d.levelSteps ? " dark" : ""), role: "gridcell", tabindex: i + o === 0 ? 0 : -1,
          "data-layer": k, "data-i": i, "data-o": o, style: `background:${Page.colour(v, d.levelSteps)}`,
          "aria-label": `${name} to ${layer.columns[o]}: ` + (layer.weights ? `net ${layer.weights[i * columns + o][3]}` : v > 0 ? "pushed up" : v < 0 ? "pushed down" : "no pressure"),
          onfocus: () => show(layer, k, i, o, panel), onmouseenter: () => show(layer, k, i, o, panel),
        }, v > 0 ? "+" : v < 0 ? "\u2212" : "0");
        cells.push(cell);
        return cell;
      })))));
    grid.addEventListener("keydown", e => {
      const at = cells.indexOf(document.activeElement);
      if (at < 0) return;
      let i = Math.floor(at / columns), o = at % columns;
      if (e.key === "ArrowUp") i--; else if (e.key === "ArrowDown") i++; else if (e.key === "ArrowLeft") o--; else if (e.key === "ArrowRight") o++;
      else if (e.key === "Home") o = 0; else if (e.key === "End") o = columns - 1; else return;
      e.preventDefault();
      i = Math.max(0, Math.min(layer.rows.length - 1, i)); o = Math.max(0, Math.min(columns - 1, o));
      cells[at].tabIndex = -1;
      const next = cells[i * columns + o];
      next.tabIndex = 0;
      next.focus();
    });
    return grid;
  }

  // Large layers: the heat map on a canvas (too many weights for a cell each); it takes the focus as one element,
  // and the arrow keys move a cursor over its weights.
  function canvasMap(layer, k, levels, panel, scale) {
    const rows = layer.rows.length, columns = layer.columns.length;
    const cellWidth = Math.max(1, Math.min(28, Math.floor(720 / columns))), cellHeight = Math.max(1, Math.min(28, Math.floor(720 / rows)));
    const heat = Page.heatCanvas(levels, rows, columns, d.levelSteps, { cellWidth, cellHeight,
      label: `${layer.name}: net pressure on each of its ${rows * columns} weights as a heat map (rows: inputs, columns: outputs)` });
    scale.append(` This layer has ${rows * columns} weights: it is drawn on a canvas, not as cells to tab through; the table below lists ` +
      (layer.table.rows.length < rows * columns ? "its largest pressures." : "every weight.") +
      (heat.hatched ? " Negative cells are also hatched." : " Its cells are too small to mark their sign: the detail beside it gives each weight's sign, and the table the signs of the largest."));
    const cursor = el("div", { class: "heat-cursor", hidden: true });
    const wrap = el("div", { class: "heat-wrap", tabindex: 0, role: "group", "aria-label": `${layer.name}: heat map; arrow keys move between weights` }, heat.element, cursor);
    let at = [0, 0];
    const move = (i, o) => {
      at = [Math.max(0, Math.min(rows - 1, i)), Math.max(0, Math.min(columns - 1, o))];
      Object.assign(cursor.style, { left: `${at[1] * cellWidth}px`, top: `${at[0] * cellHeight}px`, width: `${cellWidth}px`, height: `${cellHeight}px` });
      cursor.hidden = false;
      show(layer, k, at[0], at[1], panel);
    };
    wrap.addEventListener("focus", () => move(...at));
    wrap.addEventListener("keydown", e => {
      const step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-10, 0], PageDown: [10, 0] }[e.key];
      if (!step) return;
      e.preventDefault();
      move(at[0] + step[0], at[1] + step[1]);
    });
    heat.element.addEventListener("mousemove", e => {
      const box = heat.element.getBoundingClientRect();
      const x = (e.clientX - box.left) * heat.element.width / box.width, y = (e.clientY - box.top) * heat.element.height / box.height;
      move(Math.floor(y / cellHeight), Math.floor(x / cellWidth));
    });
    return wrap;
  }

  // The detail panel: the weight's numbers, and each example's step (or "no blame" where its input was 0).
  function show(layer, k, i, o, panel) {
    const columns = layer.columns.length, w = i * columns + o;
    for (const c of document.querySelectorAll(`td.cell.current[data-layer="${k}"]`)) c.classList.remove("current");
    const cell = document.querySelector(`td.cell[data-layer="${k}"][data-i="${i}"][data-o="${o}"]`);
    if (cell) cell.classList.add("current");
    const from = layer.rows[i], to = layer.columns[o];
    let numbers = layer.weights ? layer.weights[w] : null;
    if (!numbers) {
      const row = layer.table.rows.find(r => r[0] === from && r[1] === to);
      numbers = row ? row.slice(2) : null;
    }
    const parts = [el("h4", {}, `${layer.name}: ${from} → ${to}`)];
    if (numbers) {
      const names = ["weight", "up", "down", "net", "zero input", "notes"];
      parts.push(el("table", { class: "weight-numbers" }, el("caption", {}, "Over all the examples"),
        el("tbody", {}, names.map((n, j) => el("tr", {}, el("th", { scope: "row" }, n), el("td", { class: "num", "data-name": n }, numbers[j] || "none"))))));
    } else {
      const v = Page.levels(layer.levels[w], d.levelSteps)[0];
      parts.push(el("p", { class: "note" }, "This weight's numbers are not on the page (the network is too large; see the note above). Its net pressure is " +
        (v > 0 ? "up (+)." : v < 0 ? "down (-)." : "0.")));
    }
    if (layer.steps) {
      const blamed = layer.noBlame.map(zero => !zero.includes(i));
      parts.push(el("table", { class: "per-example" },
        el("caption", {}, "The step each example asks for (-weight_delta, each example alone, at these weights)"),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "example"), el("th", { scope: "col" }, "step"))),
        el("tbody", {}, d.examples.map((name, e) => el("tr", {}, el("th", { scope: "row" }, name),
          blamed[e] ? el("td", { class: "num step" }, layer.steps[w][e])
            : el("td", { class: "num step no-blame", title: `${from} was 0 in this example: the error cannot be this weight's fault` }, `${layer.steps[w][e]} — no blame (input 0)`))))));
    }
    panel.replaceChildren(...parts);
  }
})();
