/* exnet gallery: the model map. One point per model at its 2-D coordinates (models
 * with the same core sequence share a place, so they are spread in a small spiral);
 * colours by framework or dataset; a click opens the model's page. */
(function () {
  "use strict";
  var E = window.EXNET, D = window.EXNET_DATA, el = document.getElementById("chart-map");
  if (!E || !D || !el) return;
  var P = E.page(), M = D.models, N = D.n;
  var PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7b3294", "#a6761d"];
  var xs = new Float64Array(N), ys = new Float64Array(N);

  (function spread() {
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, seen = {};
    for (var r = 0; r < N; r++) {
      if (M.x[r] === null) continue;
      minX = Math.min(minX, M.x[r]); maxX = Math.max(maxX, M.x[r]);
      minY = Math.min(minY, M.y[r]); maxY = Math.max(maxY, M.y[r]);
    }
    var unit = 0.006 * Math.max(maxX - minX, maxY - minY, 1e-6);
    for (r = 0; r < N; r++) {
      if (M.x[r] === null) { xs[r] = NaN; ys[r] = NaN; continue; }
      var key = M.x[r] + ":" + M.y[r], k = seen[key] = (seen[key] || 0) + 1;
      var radius = unit * Math.sqrt(k - 1), angle = 2.39996 * k;
      xs[r] = M.x[r] + radius * Math.cos(angle);
      ys[r] = M.y[r] + radius * Math.sin(angle);
    }
  })();

  function groups(by) {
    var names, of;
    if (by === "dataset") {
      var counts = D.datasets.map(function () { return 0; });
      for (var r = 0; r < N; r++) counts[M.dataset[r]]++;
      var top = counts.map(function (_, i) { return i; })
        .filter(function (i) { return D.datasets[i] !== "none"; })
        .sort(function (a, b) { return counts[b] - counts[a]; }).slice(0, 7);
      names = top.map(function (i) { return D.datasets[i]; }).concat(["other or none"]);
      of = function (row) { var i = top.indexOf(M.dataset[row]); return i < 0 ? top.length : i; };
    } else {
      names = D.frameworks.slice();
      of = function (row) { return M.fw[row]; };
    }
    return { names: names, of: of };
  }

  function draw() {
    var by = document.getElementById("map-color").value, g = groups(by);
    var traces = g.names.map(function (name, i) {
      var last = by === "dataset" && i === g.names.length - 1;
      return { type: "scatter", mode: "markers", name: E.esc(name), x: [], y: [], customdata: [], text: [],
        marker: { size: 7, opacity: 0.8, color: last ? "#8c959f" : PALETTE[i % PALETTE.length],
          line: { width: 0.5, color: "#ffffff" } },
        hovertemplate: "%{text}<extra></extra>" };
    });
    for (var r = 0; r < N; r++) {
      if (isNaN(xs[r])) continue;
      var t = traces[g.of(r)];
      t.x.push(xs[r]); t.y.push(ys[r]); t.customdata.push(r);
      var seq = (D.core[M.core[r]] || []).slice(0, 8).map(function (k) { return D.tokens[k]; }).join(" → ");
      t.text.push("<b>" + E.esc(M.name[r]) + "</b><br>" + E.esc(D.projects.name[M.project[r]]) + "<br>" + E.esc(seq));
    }
    var layout = E.clone(P.layout);
    layout.legend = { title: { text: by === "dataset" ? "Dataset" : "Framework" } };
    Plotly.react(el, traces, layout, P.config).then(function () {
      document.body.setAttribute("data-map-points", String(traces.reduce(function (s, t) { return s + t.x.length; }, 0)));
    });
  }

  draw();
  document.getElementById("map-color").addEventListener("change", draw);
  el.on("plotly_click", function (ev) {
    var pt = ev && ev.points && ev.points[0];
    if (!pt) return;
    var href = E.modelHref(D, pt.customdata);
    if (href) window.location.href = href;
  });
})();
