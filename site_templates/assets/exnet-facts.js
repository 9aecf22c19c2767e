/* exnet gallery: the charts of the projects' facts.
 *
 * Task page: the reported results scatter (#chart-results) — accuracy each project
 * reports for a model against the model's estimated size or printed training time, one
 * dataset at a time (a dataset selector), because numbers on different datasets do not
 * compare, and only for the models the page's filters select (the "exnet:selection"
 * event of exnet-task.js). Model page: the training curves (#chart-curves) — loss and accuracy per
 * epoch, training solid and validation dashed, the model's own runs in colour and those
 * of its nearest neighbours in grey.
 *
 * Like every chart of the task page, a chart is drawn only once it is shown (its
 * section open and the chart near the viewport: an IntersectionObserver), and drawn
 * again on a change of its controls only while it is shown. Corpus strings go to plotly
 * escaped (E.esc) and to the page as text only.
 */
(function () {
  "use strict";
  var E = window.EXNET;
  if (!E || !window.Plotly) return;
  var CONFIG = { displaylogo: false, responsive: true, showSendToCloud: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  var FONT = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 13, color: "#1f2328" };
  var PALETTE = ["#0969da", "#bc4c00", "#1a7f37", "#8250df", "#bf3989", "#4d2d00", "#0a7480", "#6e7781"];

  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  /** Call draw() when el is first shown, and on later requests only while it is. */
  function lazily(el, draw) {
    var shown = false, wanted = true;
    function run() { if (shown && wanted) { wanted = false; draw(); el.setAttribute("data-drawn", "true"); } }
    if ("IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        entries.forEach(function (e) { shown = e.isIntersecting; });
        run();
      }, { rootMargin: "200px" }).observe(el);
    } else { shown = true; run(); }
    return function () { wanted = true; run(); };
  }

  function table(box, head, rows) {
    var tbl = E.el("table", { cls: "data-table" }, [
      E.el("thead", {}, [E.el("tr", {}, head.map(function (h) { return E.el("th", { text: h, attrs: { scope: "col" } }); }))]),
      E.el("tbody", {}, rows.map(function (cells) {
        return E.el("tr", {}, cells.map(function (c) { return E.el("td", {}, [c === null ? "" : c]); }));
      }))
    ]);
    box.textContent = "";
    box.appendChild(tbl);
  }

  function fmtTime(s) { return s === null || s === undefined ? "" : E.fmt(s) + " s"; }

  /* ------------------------------------------------------- results scatter */
  function results() {
    var el = document.getElementById("chart-results"), data = json("exnet-results");
    if (!el || !data) return;
    var select = document.getElementById("results-dataset");
    var colour = {};
    data.datasets.forEach(function (d, i) { colour[d] = PALETTE[i % PALETTE.length]; });
    function axisKey() {
      var on = document.querySelector("input[name=results-x]:checked");
      return on ? on.value : "params";
    }
    function draw() {
      var dataset = select.value, key = axisKey();
      var axis = data.axes.filter(function (a) { return a.key === key; })[0] || data.axes[0];
      // Only the models the task page's filters select (E.selection, from exnet-task.js).
      var sel = E.selection && E.selection.n < E.selection.total ? E.selection : null;
      var all = data.points.filter(function (p) {
        return p.dataset === dataset && (!sel || sel.mask[p.row]);
      });
      var points = all.filter(function (p) { return p[key] !== null && p[key] !== undefined; });
      var title = document.getElementById("t-chart-results");
      title.textContent = "Reported accuracy on " + dataset + " against " +
        (key === "params" ? "model size" : "training time") + " (one dataset only: results on different datasets do not compare)";
      table(document.getElementById("tbl-chart-results"),
        ["Model", "Project", "Accuracy", "Split", "Parameters", "Training time"],
        all.map(function (p) {
          return [E.el("a", { text: p.name, href: p.href, internal: true }), p.project, p.text, p.split,
            p.params === null ? "" : E.fmt(p.params), fmtTime(p.seconds)];
        }));
      E.clearMessage(el);
      var among = sel ? " among the " + E.plural(sel.n, "selected model", "selected models") : "";
      if (!points.length) {
        E.message(el, "No model with a reported accuracy on " + dataset + among + " has a known " +
          (key === "params" ? "size" : "training time") + ".");
        return;
      }
      el.style.height = "";
      var trace = {
        type: "scatter", mode: "markers", name: E.esc(dataset),
        x: points.map(function (p) { return p[key]; }),
        y: points.map(function (p) { return 100 * p.score; }),
        customdata: points.map(function (p) { return p.href; }),
        text: points.map(function (p) {
          return "<b>" + E.esc(p.name) + "</b> (" + E.esc(p.project) + ")<br>" + E.esc(p.text) +
            (p.split ? " " + E.esc(p.split) : "") + " on " + E.esc(dataset);
        }),
        hovertemplate: "%{text}<br>" + E.esc(axis.label) + ": %{x}<extra></extra>",
        marker: { size: 10, color: colour[dataset], line: { width: 1, color: "#fff" } }
      };
      var layout = {
        font: FONT, height: 360, margin: { l: 60, r: 20, t: 34, b: 60 }, showlegend: true,
        legend: { title: { text: "Dataset" } }, hovermode: "closest",
        xaxis: { title: { text: E.esc(axis.label) }, type: key === "params" ? "log" : "linear", zeroline: false },
        yaxis: { title: { text: "Reported accuracy (%)" }, range: [0, 101], zeroline: false },
        annotations: [{ xref: "paper", yref: "paper", x: 0, y: 1, xanchor: "left", yanchor: "bottom",
          showarrow: false, font: { size: 12, color: "#57606a" },
          text: "Only " + E.esc(dataset) + " results" + E.esc(among) + "; reported by the projects, not reproduced" +
            (points.length < all.length ? "; " + (all.length - points.length) + " without a known " +
              (key === "params" ? "size" : "training time") + " are in the table only" : "") }]
      };
      Plotly.react(el, [trace], layout, CONFIG);
      if (!el._exnetFactsBound) {
        el._exnetFactsBound = true;
        el.on("plotly_click", function (ev) {
          var href = ev.points && ev.points[0] && E.internalHref(ev.points[0].customdata);
          if (href) window.location.href = href;
        });
      }
    }
    var redraw = lazily(el, draw);
    select.addEventListener("change", redraw);
    document.addEventListener("exnet:selection", redraw);
    document.querySelectorAll("input[name=results-x]").forEach(function (r) { r.addEventListener("change", redraw); });
  }

  /* -------------------------------------------------------- training curves */
  var SERIES = [["loss", "training loss", "solid", "loss"], ["val_loss", "validation loss", "dash", "loss"],
    ["accuracy", "training accuracy", "solid", "accuracy"], ["val_accuracy", "validation accuracy", "dash", "accuracy"],
    ["test_loss", "test loss", "dot", "loss"], ["test_accuracy", "test accuracy", "dot", "accuracy"]];
  var PANELS = ["loss", "accuracy"];

  /** One panel per quantity printed (loss, accuracy), side by side by explicit domains
   *  (the partial plotly bundle has no layout.grid): axis suffixes "" and "2". */
  function panels(data) {
    var used = PANELS.filter(function (panel) {
      return data.models.some(function (m) {
        return m.runs.some(function (run) {
          return SERIES.some(function (s) { return s[3] === panel && run.series[s[0]]; });
        });
      });
    });
    var out = {}, layout = { annotations: [] }, gap = 0.12, width = (1 - gap * (used.length - 1)) / used.length;
    var last = 1;
    data.models.forEach(function (m) { m.runs.forEach(function (run) { last = Math.max.apply(null, [last].concat(run.epochs)); }); });
    var step = Math.max(1, Math.ceil(last / 10));      // whole epochs, at most ~10 ticks
    used.forEach(function (panel, i) {
      var n = i ? String(i + 1) : "", lo = i * (width + gap);
      out[panel] = n;
      layout["xaxis" + n] = { title: { text: "epoch" }, dtick: step, zeroline: false,
        domain: [lo, lo + width], anchor: "y" + n };
      layout["yaxis" + n] = { title: { text: panel }, zeroline: false, anchor: "x" + n };
      layout.annotations.push({ text: panel === "loss" ? "Loss" : "Accuracy", xref: "x" + n + " domain",
        yref: "y" + n + " domain", x: 0.5, y: 1.08, showarrow: false });
    });
    return { axis: out, layout: layout };
  }

  function curves() {
    var el = document.getElementById("chart-curves"), data = json("exnet-curves");
    if (!el || !data) return;
    function draw() {
      var traces = [], rows = [], grey = 0, grid = panels(data);
      data.models.forEach(function (m) {
        var colour = m.own ? PALETTE[0] : ["#8c959f", "#afb8c1", "#6e7781"][grey++ % 3];
        m.runs.forEach(function (run, k) {
          var who = E.esc(m.name) + (m.own ? "" : " (" + E.esc(m.project) + ")") + (m.runs.length > 1 ? " · run " + (k + 1) : "");
          SERIES.forEach(function (s) {
            var ys = run.series[s[0]], n = grid.axis[s[3]];
            if (!ys) return;
            traces.push({ type: "scatter", mode: "lines+markers", name: who + " · " + s[1],
              legendgroup: who, x: run.epochs, y: ys, xaxis: "x" + n, yaxis: "y" + n,
              connectgaps: false, opacity: m.own ? 1 : 0.7,
              line: { color: colour, dash: s[2], width: m.own ? 2.5 : 1.5 }, marker: { size: m.own ? 5 : 3 },
              hovertemplate: who + "<br>" + s[1] + ", epoch %{x}: %{y}<extra></extra>" });
          });
          run.epochs.forEach(function (epoch, i) {
            rows.push([m.name + (m.own ? "" : " (" + m.project + ")"), String(k + 1), String(epoch)].concat(
              SERIES.map(function (s) { var ys = run.series[s[0]]; return ys && ys[i] !== null ? E.fmt(ys[i]) : ""; })));
          });
        });
      });
      table(document.getElementById("tbl-chart-curves"),
        ["Model", "Run", "Epoch"].concat(SERIES.map(function (s) { return s[1]; })), rows);
      var layout = Object.assign({
        font: FONT, height: 440, margin: { l: 55, r: 20, t: 30, b: 40 }, hovermode: "closest",
        legend: { orientation: "h", y: -0.22, yanchor: "top" }
      }, grid.layout);
      Plotly.react(el, traces, layout, CONFIG);
    }
    lazily(el, draw);
  }

  results();
  curves();
})();
