// The network as the notes draw it: units as circles in columns (layer_0 on the left), weights as lines whose colour is the
// sign (blue positive, vermillion and dashed negative) and whose width is the size. Shared by trace, train and the playground.
"use strict";
/**
 * Draws spec = { layers: [{ name: "layer_0", units: ["x1", ...] }, ...], weights: [{ name: "weights_0_1", values: [[w_ij]] }, ...] }
 * (values[i][j] joins unit i of layer k to unit j of layer k+1). Layers wider than opts.maxUnits (24) show that many units,
 * evenly spaced, and only the lines between them; the caption says so.
 * Returns { element, caption, setWeights(weights), highlight({ units: [[k, i]...], layers: [k...], weights: [k...], cells: [[k, i, j]...] }), setValues(k, strings), clear() }.
 */
Page.drawNetwork = function (spec, opts) {
  opts = opts || {};
  const maxUnits = opts.maxUnits || 24, width = opts.width || 640;
  const columns = spec.layers.length, shown = spec.layers.map(l => sample(l.units.length));
  const tallest = Math.max(...shown.map(s => s.length));
  const gap = 54, top = 40, height = top + tallest * gap + 10, r = 16;
  const x = k => 70 + k * (width - 140) / Math.max(1, columns - 1);
  const y = (k, row) => top + gap / 2 + row * gap + (tallest - shown[k].length) * gap / 2;
  const element = Page.svg("svg", { class: "network", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-labelledby": "network-title" });
  element.append(Page.svg("title", { id: "network-title" }, opts.title || "The network: units as circles, weights as lines (blue positive, dashed vermillion negative, width by size)"));
  const lines = [], units = [], values = [];
  const lineGroup = Page.svg("g", {}), unitGroup = Page.svg("g", {});
  element.append(lineGroup, unitGroup);
  for (let k = 0; k + 1 < columns; k++) {
    lines.push([]);
    for (const [a, i] of shown[k].entries()) for (const [b, j] of shown[k + 1].entries()) {
      const line = Page.svg("line", { class: "weight", x1: x(k), y1: y(k, a), x2: x(k + 1), y2: y(k + 1, b), "data-k": k, "data-i": i, "data-j": j });
      line.append(Page.svg("title", {}, ""));
      lines[k].push(line);
      lineGroup.append(line);
    }
  }
  spec.layers.forEach((layer, k) => {
    unitGroup.append(Page.svg("text", { class: "layer-name", x: x(k), y: 18, "text-anchor": "middle" }, layer.name));
    units.push([]); values.push([]);
    for (const [row, i] of shown[k].entries()) {
      const value = Page.svg("text", { class: "unit-value", x: x(k) + (k + 1 === columns ? r + 6 : 0), y: y(k, row) - r - 4, "text-anchor": k + 1 === columns ? "start" : "middle" }, "");
      const unit = Page.svg("g", { class: "unit", "data-layer": k, "data-unit": i },
        Page.svg("circle", { cx: x(k), cy: y(k, row), r }),
        Page.svg("text", { x: k === 0 ? x(k) - r - 6 : x(k), y: y(k, row) + (k === 0 ? 4 : r + 14), "text-anchor": k === 0 ? "end" : "middle" }, layer.units[i]),
        value, Page.svg("title", {}, `${layer.name}[${i}]: ${layer.units[i]}`));
      units[k].push(unit); values[k].push(value);
      unitGroup.append(unit);
    }
  });
  const cut = spec.layers.map((l, k) => shown[k].length < l.units.length ? `${l.name}: ${shown[k].length} of ${l.units.length} units` : null).filter(c => c);
  const caption = cut.length ? `Drawn: ${cut.join("; ")} (evenly spaced), with the lines between the units drawn only.` : "Every unit and every weight is drawn.";

  function sample(n) {
    if (n <= maxUnits) return [...Array(n).keys()];
    return [...Array(maxUnits).keys()].map(s => Math.round(s * (n - 1) / (maxUnits - 1)));
  }
  function setWeights(weights) {
    weights.forEach((w, k) => {
      let max = 0;
      for (const row of w.values) for (const v of row) max = Math.max(max, Math.abs(v));
      for (const line of lines[k]) {
        const v = w.values[+line.dataset.i][+line.dataset.j];
        line.setAttribute("stroke", v >= 0 ? "var(--pos)" : "var(--neg)");
        line.setAttribute("stroke-width", (0.6 + 5.4 * (max ? Math.abs(v) / max : 0)).toFixed(2));
        line.classList.toggle("neg", v < 0);
        line.firstChild.textContent = `${w.name}[${line.dataset.i}][${line.dataset.j}] = ${v}`;
      }
    });
  }
  function clear() {
    element.classList.remove("has-hl");
    for (const e of element.querySelectorAll(".hl")) e.classList.remove("hl");
  }
  function highlight(h) {
    clear();
    h = h || {};
    const on = e => { e.classList.add("hl"); element.classList.add("has-hl"); };
    for (const k of h.layers || []) for (const u of units[k] || []) on(u);
    for (const [k, i] of h.units || []) for (const u of units[k] || []) if (+u.dataset.unit === i) on(u);
    for (const k of h.weights || []) for (const l of lines[k] || []) on(l);
    for (const [k, i, j] of h.cells || []) for (const l of lines[k] || []) if (+l.dataset.i === i && +l.dataset.j === j) on(l);
  }
  /** Writes strings (one per unit of layer k, by unit index) beside the units; null clears them. */
  function setValues(k, strings) {
    for (const [row, i] of shown[k].entries()) values[k][row].textContent = strings ? strings[i] ?? "" : "";
  }
  if (spec.weights) setWeights(spec.weights);
  return { element, caption, lines, units, setWeights, highlight, setValues, clear };
};
