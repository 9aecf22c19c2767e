/* exnet gallery: distributions a learner can read (the task page's hyperparameter,
 * dataset and preparation charts).
 *
 * - Sizes and counts (batch size, epochs, sequence length, momentum): one bar per value,
 *   the most common values at their own place on the axis.
 * - Rates (learning rate, weight decay, parameters): a log axis, in bins of a decade or
 *   of a third of one (edges 1, 2, 5 x a power of ten).
 * - The median and the middle half (first to third quartile) of each group of models
 *   are marked on the chart and given in its caption.
 * - Split by a facet (framework, dataset, era): one group of bars per facet value, side
 *   by side, as the share of that group's models, so unequal groups compare.
 * Every chart has its numbers in a table under it (its text alternative).
 */
(function () {
  "use strict";
  var E = window.EXNET;
  if (!E) return;
  var D = E.dist = {};
  var MAX_VALUES = 14;
  var FINE = [1, 2, 5];
  /** Okabe-Ito colours for split groups (colour-blind safe), then a grey for "all". */
  D.GROUP_COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7"];
  D.ALL = "#c4cbd3";
  D.SELECTED = "#0b5cad";

  /** Quantile by linear interpolation between sorted values (as exnet.figures). */
  D.quantile = function (sorted, q) {
    if (!sorted.length) return null;
    var pos = q * (sorted.length - 1), lo = Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  };

  function log10(v) { return Math.log(v) / Math.LN10; }
  function tick(v) {
    if (v >= 1000) return E.fmt(v);
    if (v < 1e-3) { var e = Math.round(log10(v)); if (Math.abs(Math.pow(10, e) - v) < v * 1e-9) return "1e" + e; }
    return String(Number(v.toPrecision(3)));
  }

  /** The bins of a numeric hyperparameter over all models: [{label, lo, hi, x, width}]
   *  in axis units (log10 for "log" axes and for "discrete" ones too, so that 32 and 64
   *  are as far apart as 64 and 128), and a function from a value to its bin. */
  D.bins = function (h, mode) {
    var values = h.values.filter(function (v) { return typeof v === "number" && v > 0; });
    if (h.axis === "log") {
      var steps = mode === "decade" ? [1] : FINE, seen = {};
      values.forEach(function (v) { seen[binOf(v, steps)] = true; });
      var keys = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
      var bins = keys.map(function (key) {
        var k = Math.floor(key / 10), j = key - 10 * k;
        var lo = steps[j] * Math.pow(10, k), hi = j + 1 < steps.length ? steps[j + 1] * Math.pow(10, k) : Math.pow(10, k + 1);
        return { key: key, label: tick(lo) + "–" + tick(hi), lo: log10(lo), hi: log10(hi) };
      });
      var index = {};
      bins.forEach(function (b, i) { index[b.key] = i; b.x = (b.lo + b.hi) / 2; b.width = (b.hi - b.lo) * 0.92; });
      return { bins: bins, of: function (v) { return typeof v === "number" && v > 0 ? (index[binOf(v, steps)] !== undefined ? index[binOf(v, steps)] : -1) : -1; } };
    }
    var counts = {};
    values.forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
    var distinct = Object.keys(counts).map(Number);
    var kept = distinct.sort(function (a, b) { return counts[b] - counts[a] || a - b; }).slice(0, MAX_VALUES)
      .sort(function (a, b) { return a - b; });
    var pos = {};
    var list = kept.map(function (v, i) { pos[v] = i; return { label: E.fmt(v), value: v, x: log10(v), width: 0 }; });
    // Bars as wide as the closest neighbours allow.
    list.forEach(function (b, i) {
      var gaps = [];
      if (i > 0) gaps.push(b.x - list[i - 1].x);
      if (i + 1 < list.length) gaps.push(list[i + 1].x - b.x);
      b.width = Math.min(0.25, 0.8 * (gaps.length ? Math.min.apply(null, gaps) : 0.25));
    });
    var other = distinct.length > kept.length;
    return { bins: list, other: other, of: function (v) {
      if (typeof v !== "number" || v <= 0) return -1;
      return pos[v] !== undefined ? pos[v] : (other ? -2 : -1);
    } };
  };

  function binOf(v, steps) {
    var k = Math.floor(log10(v) + 1e-9), j = 0;
    for (var i = 0; i < steps.length; i++) if (v >= steps[i] * Math.pow(10, k) * (1 - 1e-9)) j = i;
    return 10 * k + j;
  }

  /** Median and quartiles of the values of the rows in `mask` (null when none). */
  D.stats = function (h, mask) {
    var v = [];
    for (var r = 0; r < h.values.length; r++) {
      var x = h.values[r];
      if (mask[r] && typeof x === "number" && x > 0) v.push(x);
    }
    v.sort(function (a, b) { return a - b; });
    if (!v.length) return null;
    return { n: v.length, q1: D.quantile(v, 0.25), median: D.quantile(v, 0.5), q3: D.quantile(v, 0.75) };
  };

  /** A table under a chart: caption, head, rows of text (its text alternative). */
  D.table = function (box, caption, head, rows) {
    if (!box) return;
    box.textContent = "";
    var thead = E.el("thead", {}, [E.el("tr", {}, head.map(function (h, i) {
      return E.el("th", { text: h, attrs: { scope: "col" }, cls: i ? "num" : "" });
    }))]);
    var tbody = E.el("tbody", {}, rows.map(function (row) {
      return E.el("tr", {}, row.map(function (cell, i) {
        return i ? E.el("td", { cls: "num", text: cell }) : E.el("th", { text: cell, attrs: { scope: "row" } });
      }));
    }));
    box.appendChild(E.el("table", { cls: "data-table" }, [E.el("caption", { text: caption }), thead, tbody]));
  };

  /** Shapes and labels marking the median (line) and middle half (band) of a group. */
  function marks(layout, s, color, row) {
    if (!s) return;
    var x = function (v) { return log10(v); };
    layout.shapes = layout.shapes || [];
    layout.annotations = layout.annotations || [];
    layout.shapes.push({ type: "rect", xref: "x", yref: "paper", x0: x(s.q1), x1: x(s.q3) + (s.q3 === s.q1 ? 0.01 : 0),
      y0: 0, y1: 1, fillcolor: E.rgba(color, 0.12), line: { width: 0 }, layer: "below" });
    layout.shapes.push({ type: "line", xref: "x", yref: "paper", x0: x(s.median), x1: x(s.median), y0: 0, y1: 1,
      line: { color: color, width: 2, dash: "dash" } });
    layout.annotations.push({ xref: "x", yref: "paper", x: x(s.median), y: 1 - 0.09 * row, yanchor: "bottom",
      text: "median " + E.esc(E.fmt(s.median)), showarrow: false, font: { size: 11, color: color },
      bgcolor: "rgba(255,255,255,0.85)" });
  }

  /**
   * Draw a numeric distribution. opts: {h, spec, mask (selected rows), groups: null or
   * [{name, mask}] (split), mode ("decade" | "fine"), tableBox, caption(el, text)}.
   */
  D.numeric = function (el, opts) {
    var h = opts.h, spec = opts.spec, b = D.bins(h, opts.mode), N = h.values.length;
    var bins = b.bins, size = bins.length + (b.other ? 1 : 0);
    function countBy(mask) {
      var c = new Array(size).fill(0);
      for (var r = 0; r < N; r++) {
        if (mask && !mask[r]) continue;
        var i = b.of(h.values[r]);
        if (i >= 0) c[i]++; else if (i === -2) c[size - 1]++;
      }
      return c;
    }
    var xs = bins.map(function (bin) { return bin.x; }), widths = bins.map(function (bin) { return bin.width; });
    var labels = bins.map(function (bin) { return bin.label; });
    var otherX = null;
    if (b.other) {
      otherX = (bins.length ? bins[bins.length - 1].x : 0) + 0.35;
      xs.push(otherX); widths.push(0.2); labels.push("other values");
    }
    var layout = E.clone(spec.layout), data = [], rows = [], head = [h.label], stats = [];
    var all = countBy(null);
    if (!opts.groups) {
      var sel = countBy(opts.mask);
      data.push(bar("models in all", all, D.ALL), bar("selected models", sel, D.SELECTED));
      var s = D.stats(h, opts.mask);
      marks(layout, s, D.SELECTED, 0);
      stats.push(["selected models", s]);
      head.push("all models", "selected");
      labels.forEach(function (l, i) { rows.push([l, String(all[i]), String(sel[i])]); });
      layout.yaxis = layout.yaxis || {};
    } else {
      layout.barmode = "group";
      layout.showlegend = true;
      layout.height = (layout.height || 300) + 40;
      layout.legend = { orientation: "h", y: -0.42, x: 0, yanchor: "top" };
      layout.yaxis = Object.assign(layout.yaxis || {}, { title: { text: "% of the group's models" }, ticksuffix: "%" });
      opts.groups.forEach(function (g, gi) {
        var c = countBy(g.mask), total = c.reduce(function (a, v) { return a + v; }, 0);
        var color = D.GROUP_COLORS[gi % D.GROUP_COLORS.length];
        var pct = c.map(function (v) { return total ? 100 * v / total : 0; });
        var t = bar(g.name, pct, color);
        t.width = widths.map(function (w) { return w / opts.groups.length; });
        t.offset = widths.map(function (w) { return -w / 2 + gi * w / opts.groups.length; });
        t.customdata = c;
        t.hovertemplate = "%{text}: %{y:.0f}% (%{customdata} models) " + E.esc(g.name) + "<extra></extra>";
        data.push(t);
        var s2 = D.stats(h, g.mask);
        marks(layout, s2, color, gi);
        stats.push([g.name, s2]);
        head.push(g.name + " (models, %)");
        c.forEach(function (v, i) {
          rows[i] = rows[i] || [labels[i]];
          rows[i].push(v + " (" + Math.round(pct[i]) + "%)");
        });
      });
    }
    function bar(name, values, color) {
      return { type: "bar", name: E.esc(name), x: xs, y: values, width: widths, text: labels,
        textposition: "none", marker: { color: color },
        hovertemplate: "%{text}: %{y} " + E.esc(name) + "<extra></extra>" };
    }
    layout.xaxis = Object.assign(layout.xaxis || {}, axisTicks(h, bins, otherX));
    E.clearMessage(el);
    Plotly.react(el, data, layout, opts.config);
    var summary = stats.filter(function (s) { return s[1]; }).map(function (s) {
      return s[0] + ": median " + E.fmt(s[1].median) + ", middle half " + E.fmt(s[1].q1) + "–" + E.fmt(s[1].q3);
    }).join("; ");
    el.setAttribute("data-median", stats[0] && stats[0][1] ? String(stats[0][1].median) : "");
    D.table(opts.tableBox, h.label + (summary ? " (" + summary + ")" : ""), head, rows);
    return summary;
  };

  function axisTicks(h, bins, otherX) {
    var vals = [], text = [];
    if (h.axis === "log" && bins.length) {
      var lo = Math.floor(bins[0].lo), hi = Math.ceil(bins[bins.length - 1].hi);
      for (var k = lo; k <= hi; k++) { vals.push(k); text.push(tick(Math.pow(10, k))); }
      return { tickvals: vals, ticktext: text, range: [lo - 0.05, hi + 0.05], minor: { tickvals: minors(lo, hi), ticklen: 3 } };
    }
    var every = Math.max(1, Math.ceil(bins.length / 10));
    bins.forEach(function (b, i) { if (i % every === 0) { vals.push(b.x); text.push(b.label); } });
    if (otherX !== null) { vals.push(otherX); text.push("other"); }
    var left = bins.length ? bins[0].x - 0.3 : -1, right = otherX !== null ? otherX + 0.2 : (bins.length ? bins[bins.length - 1].x + 0.3 : 1);
    return { tickvals: vals, ticktext: text, range: [left, right] };
  }

  function minors(lo, hi) {
    var out = [];
    for (var k = lo; k < hi; k++) [2, 5].forEach(function (m) { out.push(k + log10(m)); });
    return out;
  }

  /**
   * Draw a categorical distribution (horizontal bars). opts: {labels, all: counts over
   * every model, sel: counts over the selection, groups: null or [{name, counts, total}],
   * spec, tableBox, title}.
   */
  D.categorical = function (el, opts) {
    var layout = E.clone(opts.spec.layout), data = [], head = [opts.title], rows = [];
    var labels = opts.labels.map(function (l) { return E.esc(E.short(l, 28)); });
    if (!opts.groups) {
      data.push(hbar("models in all", opts.all, D.ALL), hbar("selected models", opts.sel, D.SELECTED));
      head.push("all models", "selected");
      opts.labels.forEach(function (l, i) { rows.push([l, String(opts.all[i]), String(opts.sel[i])]); });
    } else {
      layout.barmode = "group";
      layout.showlegend = true;
      layout.legend = { orientation: "h", y: -0.25, x: 0, yanchor: "top" };
      layout.xaxis = Object.assign(layout.xaxis || {}, { title: { text: "% of the group's models" }, ticksuffix: "%" });
      opts.groups.forEach(function (g, gi) {
        var pct = g.counts.map(function (v) { return g.total ? 100 * v / g.total : 0; });
        var t = hbar(g.name, pct, D.GROUP_COLORS[gi % D.GROUP_COLORS.length]);
        t.customdata = g.counts;
        t.hovertemplate = "%{y}: %{x:.0f}% (%{customdata} models) " + E.esc(g.name) + "<extra></extra>";
        data.push(t);
        head.push(g.name + " (models, %)");
        g.counts.forEach(function (v, i) {
          rows[i] = rows[i] || [opts.labels[i]];
          rows[i].push(v + " (" + Math.round(pct[i]) + "%)");
        });
      });
    }
    function hbar(name, values, color) {
      return { type: "bar", orientation: "h", name: E.esc(name), y: labels, x: values, marker: { color: color },
        hovertemplate: "%{y}: %{x} " + E.esc(name) + "<extra></extra>" };
    }
    layout.height = Math.max(220, 110 + (opts.groups ? 12 * opts.groups.length + 14 : 26) * labels.length);
    E.clearMessage(el);
    Plotly.react(el, data, layout, opts.config);
    D.table(opts.tableBox, opts.title, head, rows);
  };
})();
