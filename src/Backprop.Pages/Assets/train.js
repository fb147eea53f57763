// train --html: the run's lines, loss and accuracy per epoch (train against validation, the overfitting point marked),
// the learning rate under a schedule, the confusion matrix or a regression's errors, and image weights as pictures.
// Every number read is a string the C# wrote; the charts draw the library's numbers.
"use strict";
(() => {
  const d = Page.data, { el } = Page;

  Page.main.append(el("div", { id: "run-lines" }, d.lines.map(line => el("p", { class: "note" }, line))));

  const s = d.series, marks = d.overfit ? [{ x: d.overfit.epoch - d.epochNumbers[0] + 1, label: d.overfit.label }] : [];
  const x0 = d.epochNumbers[0];
  const charts = [];
  const chart = (title, yLabel, series) => {
    const c = Page.lineChart({ title, width: 520, xLabel: x0 === 1 ? "epoch" : `epoch (from ${x0})`, yLabel, series: series.filter(v => v.values), marks });
    c.element.id = "chart-" + title.split(" ")[0].toLowerCase();
    charts.push(c.element);
  };
  chart(`loss (${d.lossName}, mean an example)`, "loss", [{ name: "train", values: s.loss }, { name: "validation", values: s.validationLoss, dashed: true }]);
  if (s.accuracy || s.validationAccuracy)
    chart("accuracy", "accuracy", [{ name: "train", values: s.accuracy }, { name: "validation", values: s.validationAccuracy, dashed: true }]);
  if (s.validationMae) chart("mae on the validation data (mean absolute error)", "mae", [{ name: "validation", values: s.validationMae, dashed: true }]);
  if (s.lr) chart("learning rate (the rate each epoch used)", "lr", [{ name: "lr", values: s.lr }]);

  const t = d.epochs;
  Page.section("Loss and accuracy per epoch",
    el("p", { class: "note" }, "Train: measured while training through each epoch (each example before its batch's update); validation: after the epoch. " +
      "Solid lines: train; dashed: validation."),
    d.overfit ? el("p", { id: "overfit" }, d.overfit.text) : null,
    el("div", { class: "row" }, charts),
    el("details", {}, el("summary", {}, `The numbers as a table (${t.rows.length} epochs)`), el("p", { class: "note" }, t.caption),
      Page.table("Per epoch", t.headers, t.rows, { id: "epochs" })));

  if (d.confusion) {
    const c = d.confusion;
    const totals = c.counts.map(row => row.reduce((a, b) => a + b, 0));
    const table = el("table", { class: "confusion", id: "confusion" },
      el("caption", {}, "rows: actual class; columns: predicted class"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "actual \\ predicted"), c.classes.map(name => el("th", { scope: "col" }, name)))),
      el("tbody", {}, c.counts.map((row, a) => el("tr", {}, el("th", { scope: "row" }, c.classes[a]), row.map((count, p) => el("td", {
        class: "num" + (a === p ? " diag" : ""), style: `background:${Page.colour(totals[a] ? count / totals[a] : 0, 1.6)}`,
        title: `${count} example${count === 1 ? "" : "s"} of class ${c.classes[a]} predicted as ${c.classes[p]}`,
      }, String(count)))))));
    Page.section("Confusion matrix",
      el("p", {}, c.caption + "."),
      el("p", { id: "accuracy" }, c.accuracy),
      el("p", { class: "note" }, `Shading: the share of each actual class's examples (its row). The diagonal, outlined, is right; the rest are mistakes.`),
      table);
  }
  if (d.regression) {
    const r = d.regression;
    Page.section("Errors of the predictions", el("p", {}, r.caption + "."), Page.table("Each target column", r.headers, r.rows, { id: "regression" }));
  }

  if (d.images) {
    const im = d.images;
    const pictures = Page.pictures(im.units.map(u => ({ name: u.name, levels: u.levels,
      label: `${u.name}: its incoming weights as a ${im.width} x ${im.height} picture; smallest ${u.row[1]}, largest ${u.row[2]}` })), im.height, im.width, im.levelSteps);
    pictures.id = "images";
    Page.section(`The first layer's weights as pictures (${im.layer})`,
      el("p", { class: "note", id: "images-note" }, im.note),
      el("p", { class: "note" }, "Colour scale: ", el("span", { class: "scale", role: "img", "aria-label": "from vermillion (negative) through white (0) to blue (positive)" }),
        " negative to positive."),
      pictures,
      el("details", {}, el("summary", {}, "The smallest and largest weight of each unit"),
        Page.table(`${im.layer}: each unit's smallest and largest incoming weight`, ["unit", "smallest weight (pixel)", "largest weight (pixel)"], im.units.map(u => u.row))));
  }
})();
