// Shared helpers for every page: building DOM and SVG, accessible tables, a diverging colour scale and a line chart.
// Scripts only draw what the page's data holds; they compute no number a learner reads.
"use strict";
const Page = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const dataElement = document.getElementById("page-data");
  const data = dataElement ? JSON.parse(dataElement.textContent) : null;
  const main = document.getElementById("page");

  function build(element, attrs, children) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") element.textContent = v;
      else if (k.startsWith("on")) element.addEventListener(k.slice(2), v);
      else element.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }
  /** An HTML element: el("p", {class: "note"}, "text", child...). */
  const el = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
  /** An SVG element. */
  const svg = (tag, attrs, ...children) => build(document.createElementNS(SVG, tag), attrs, children);

  /** A section of the page: a heading (with an id for links) and what follows it. */
  function section(title, ...children) {
    const id = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    const s = el("section", { "aria-labelledby": id }, el("h2", { id }, title), ...children);
    main.append(s);
    return s;
  }

  /** A table with a caption, column headers and rows; a row's first cell is its header. Cells are strings as given. */
  function table(caption, headers, rows, attrs) {
    return el("table", attrs || {},
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, headers.map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map(r => el("tr", {}, r.map((c, i) => i === 0 ? el("th", { scope: "row" }, c) : el("td", { class: "num" }, c))))));
  }

  /** A colour for v on a scale from -max (vermillion) through white to +max (blue). */
  function colour(v, max) {
    if (!isFinite(v) || !max) return "#ffffff";
    const t = Math.min(1, Math.abs(v) / max);
    const [r, g, b] = v >= 0 ? [0, 114, 178] : [213, 94, 0];
    const mix = c => Math.round(255 + (c - 255) * t);
    return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
  }

  /** A short number for axis ticks (the data's own strings are used wherever a value is read as a result). */
  const tick = v => Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(3));

  /**
   * A line chart: opts = { title, xLabel, yLabel, series: [{ name, values, dashed }], marks: [{ x, label }], width, height }.
   * x is 1-based (epoch 1 is the first value). Returns { element, update(series, marks) } to redraw as data grows.
   */
  function lineChart(opts) {
    const width = opts.width || 640, height = opts.height || 300, m = { l: 64, r: 16, t: 28, b: 44 };
    const element = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": opts.title });
    const colours = ["var(--pos)", "var(--neg)", "#009E73", "#CC79A7", "#56B4E9", "#000"];
    function draw(series, marks) {
      element.replaceChildren(svg("title", {}, opts.title));
      const all = series.flatMap(s => s.values).filter(v => v !== null && isFinite(v));
      const n = Math.max(1, ...series.map(s => s.values.length));
      let lo = all.length ? Math.min(...all) : 0, hi = all.length ? Math.max(...all) : 1;
      if (lo === hi) { lo -= 0.5; hi += 0.5; }
      const x = i => m.l + (n === 1 ? 0 : (i - 1) / (n - 1)) * (width - m.l - m.r);
      const y = v => m.t + (hi - v) / (hi - lo) * (height - m.t - m.b);
      const axis = svg("g", { class: "axis" });
      for (let k = 0; k <= 4; k++) {
        const v = lo + (hi - lo) * k / 4;
        axis.append(svg("line", { class: "grid", x1: m.l, x2: width - m.r, y1: y(v), y2: y(v) }),
          svg("text", { x: m.l - 6, y: y(v) + 4, "text-anchor": "end" }, tick(v)));
      }
      const step = Math.max(1, Math.ceil(n / 8));
      for (let i = 1; i <= n; i += step) axis.append(svg("text", { x: x(i), y: height - m.b + 16, "text-anchor": "middle" }, String(i)));
      axis.append(svg("text", { x: (m.l + width - m.r) / 2, y: height - 6, "text-anchor": "middle" }, opts.xLabel || "epoch"),
        svg("text", { x: 14, y: (m.t + height - m.b) / 2, transform: `rotate(-90 14 ${(m.t + height - m.b) / 2})`, "text-anchor": "middle" }, opts.yLabel || ""),
        svg("text", { x: m.l, y: 16, "font-weight": "600" }, opts.title));
      element.append(axis);
      for (const mark of marks || []) {
        element.append(svg("line", { class: "mark", x1: x(mark.x), x2: x(mark.x), y1: m.t, y2: height - m.b }),
          // Labelled at the foot of its line, clear of the legend at the top right.
          svg("text", { x: x(mark.x) + 4, y: height - m.b - 6 }, mark.label));
      }
      series.forEach((s, k) => {
        const points = s.values.map((v, i) => v === null || !isFinite(v) ? null : `${x(i + 1)},${y(v)}`).filter(p => p);
        element.append(svg("polyline", { class: "series", points: points.join(" "), stroke: colours[k % colours.length], "stroke-dasharray": s.dashed ? "6 4" : null }, svg("title", {}, s.name)));
        element.append(svg("text", { x: width - m.r - 4, y: m.t + 14 + 16 * k, "text-anchor": "end", fill: colours[k % colours.length] }, (s.dashed ? "- - " : "—— ") + s.name));
      });
    }
    draw(opts.series || [], opts.marks);
    return { element, update: draw };
  }

  return { data, main, el, svg, section, table, colour, lineChart };
})();

// Added for the explain and train pages: heat maps whose values the page's C# rounded to levels (PageJson.Levels).
/** The levels packed one character a value by PageJson.Levels, as numbers from -steps to +steps (for drawing only). */
Page.levels = function (text, steps) {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  return Array.from(text, ch => alphabet.indexOf(ch) - steps);
};

/**
 * A heat map on a canvas: rows x columns cells (levels row by row) of opts.cell px (or opts.cellWidth x opts.cellHeight),
 * coloured with Page.colour(level, steps). Negative cells are also hatched (a dark diagonal) when cells are at least
 * 6 px, so that the sign does not rest on colour alone; { hatched } says whether they could be.
 * Returns { element, cellWidth, cellHeight, hatched }.
 */
Page.heatCanvas = function (levels, rows, columns, steps, opts) {
  opts = opts || {};
  const cw = opts.cellWidth || opts.cell || 4, ch = opts.cellHeight || opts.cell || 4;
  const element = Page.el("canvas", { width: columns * cw, height: rows * ch, role: "img", "aria-label": opts.label || "heat map" });
  const g = element.getContext("2d");
  const hatched = cw >= 6 && ch >= 6;
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) {
    const v = levels[i * columns + j];
    g.fillStyle = Page.colour(v, steps);
    g.fillRect(j * cw, i * ch, cw, ch);
    if (hatched && v < 0) {
      g.strokeStyle = "rgba(0,0,0,.55)";
      g.beginPath(); g.moveTo(j * cw + 1, (i + 1) * ch - 1); g.lineTo((j + 1) * cw - 1, i * ch + 1); g.stroke();
    }
  }
  return { element, cellWidth: cw, cellHeight: ch, hatched };
};

/**
 * Pictures of levels, one a figure: items = [{ name, levels, label }], each height x width values row by row (an image's
 * pixels), drawn with Page.heatCanvas at up to 6 px a pixel. Returns a div.images.
 */
Page.pictures = function (items, height, width, steps) {
  const cell = Math.max(1, Math.min(6, Math.floor(112 / Math.max(width, height))));
  return Page.el("div", { class: "images" }, items.map(item => Page.el("figure", {},
    Page.heatCanvas(Page.levels(item.levels, steps), height, width, steps, { cell, label: item.label || item.name }).element,
    Page.el("figcaption", {}, item.name))));
};
