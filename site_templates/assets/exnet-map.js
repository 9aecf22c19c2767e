/* exnet gallery: the model map. One point per model at its 2-D coordinates (models
 * with the same core sequence share a place, so they are spread in a small spiral);
 * colours by framework or dataset; a click opens the model's page.
 *
 * The view is robust (render/mapview.py): each axis is centred on its median and
 * compressed far from it (asinh of the distance in interquartile ranges), so a few
 * far-out models (drawn as triangles) do not squeeze the rest into a corner; "plain
 * distances" shows the projection as it is. Clusters carry the name of their dominant
 * architecture.
 * Drag to zoom, or switch to "select" and draw a box or lasso: the selected models are
 * listed, with a link that opens them in the overview. The state (colour, whole view,
 * selection) lives in the URL's hash.
 */
(function () {
  "use strict";
  var E = window.EXNET, D = window.EXNET_DATA, el = document.getElementById("chart-map");
  if (!E || !D || !el) return;
  var P = E.page(), M = D.models, N = D.n, V = P.view || {};
  var PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7b3294", "#a6761d"];
  var xs = new Float64Array(N), ys = new Float64Array(N), far = new Uint8Array(N);
  if (V.tx) V.tx = V.tx.map(function (v) { return v === null ? NaN : v; });
  if (V.ty) V.ty = V.ty.map(function (v) { return v === null ? NaN : v; });
  (V.outside || []).forEach(function (r) { far[r] = 1; });
  var state = { color: "framework", all: false, selected: [] };
  var slugRow = {};
  M.slug.forEach(function (s, r) { slugRow[s] = r; });

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

  /** Compressed places, spread like the plain ones (models that share a place). */
  function place(r, robust) {
    if (!robust) return [xs[r], ys[r]];
    var dx = xs[r] - M.x[r], dy = ys[r] - M.y[r], k = 0.15;
    return [V.tx[r] + k * dx, V.ty[r] + k * dy];
  }

  function draw() {
    var by = state.color, g = groups(by), robust = !!V.tx && !state.all;
    var traces = g.names.map(function (name, i) {
      var last = by === "dataset" && i === g.names.length - 1;
      return { type: "scatter", mode: "markers", name: E.esc(name), x: [], y: [], customdata: [], text: [],
        marker: { size: 7, opacity: 0.8, color: last ? "#8c959f" : PALETTE[i % PALETTE.length],
          symbol: [], line: { width: 0.5, color: "#ffffff" } },
        hovertemplate: "%{text}<extra></extra>" };
    });
    for (var r = 0; r < N; r++) {
      if (isNaN(xs[r])) continue;
      var t = traces[g.of(r)], out = far[r], at = place(r, robust);
      t.x.push(at[0]); t.y.push(at[1]);
      t.customdata.push(r);
      t.marker.symbol.push(out ? "triangle-up" : "circle");
      var seq = (D.core[M.core[r]] || []).slice(0, 8).map(function (k) { return D.tokens[k]; }).join(" → ");
      t.text.push("<b>" + E.esc(M.name[r]) + "</b><br>" + E.esc(D.projects.name[M.project[r]]) + "<br>" +
        E.esc(D.archs[M.arch[r]]) + "<br>" + E.esc(seq) + (out ? "<br><i>far out from the rest</i>" : ""));
    }
    var layout = E.clone(P.layout);
    layout.legend = { title: { text: by === "dataset" ? "Dataset" : "Framework" } };
    layout.dragmode = document.getElementById("map-select").checked ? "select" : "zoom";
    if (robust) {
      layout.xaxis.title = { text: "map axis 1 (compressed far from the centre)" };
      layout.yaxis.title = { text: "map axis 2 (compressed far from the centre)" };
    }
    layout.annotations = (robust ? V.clusters || [] : []).map(function (c) {
      return { x: c.x, y: c.y, text: E.esc(c.label) + " (" + c.models + ")", showarrow: false,
        font: { size: 12, color: "#1f2328" }, bgcolor: "rgba(255,255,255,0.8)", bordercolor: "#8c959f",
        borderwidth: 1, borderpad: 2 };
    });
    Plotly.react(el, traces, layout, P.config).then(function () {
      document.body.setAttribute("data-map-points", String(traces.reduce(function (s, t2) { return s + t2.x.length; }, 0)));
    });
  }

  function showSelection() {
    var box = document.getElementById("map-selection");
    box.textContent = "";
    if (!state.selected.length) { box.hidden = true; return; }
    box.hidden = false;
    var slugs = state.selected.map(function (r) { return M.slug[r]; }).join(",");
    box.appendChild(E.el("p", {}, [E.el("strong", { text: E.plural(state.selected.length, "model", "models") + " selected. " }),
      E.el("a", { text: "Show them in the overview", href: "index.html#models&sel=" + slugs, internal: true }), " · ",
      E.el("a", { text: "Compare the first ones", href: "compare.html#m=" + state.selected.slice(0, 4).map(function (r) { return M.slug[r]; }).join(","), internal: true })]));
    box.appendChild(E.el("ol", {}, state.selected.slice(0, 200).map(function (r) {
      return E.el("li", {}, [E.el("a", { text: M.name[r], href: E.modelHref(D, r), internal: true }),
        " " + D.projects.name[M.project[r]] + " · " + D.archs[M.arch[r]]]);
    })));
    document.body.setAttribute("data-map-selected", String(state.selected.length));
  }

  function writeHash() {
    var params = [];
    if (state.color !== "framework") params.push("color=" + state.color);
    if (state.all) params.push("all=1");
    if (state.selected.length) params.push("sel=" + state.selected.map(function (r) { return M.slug[r]; }).join(","));
    var hash = params.length ? "#" + params.join("&") : "";
    if (hash === location.hash || (!hash && !location.hash)) return;
    try { history.pushState(null, "", hash || location.pathname); } catch (e) { /* file:// */ }
  }

  function readHash() {
    state.color = "framework"; state.all = false; state.selected = [];
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var kv = pair.split("=");
      if (kv[0] === "color" && (kv[1] === "dataset" || kv[1] === "framework")) state.color = kv[1];
      if (kv[0] === "all") state.all = kv[1] === "1";
      if (kv[0] === "sel") state.selected = (kv[1] || "").split(",").map(function (s) { return slugRow[s]; })
        .filter(function (r) { return r !== undefined; });
    });
    document.getElementById("map-color").value = state.color;
    document.getElementById("map-all").checked = state.all;
  }

  readHash();
  draw();
  showSelection();
  document.getElementById("map-color").addEventListener("change", function (ev) {
    state.color = ev.target.value; writeHash(); draw();
  });
  document.getElementById("map-all").addEventListener("change", function (ev) {
    state.all = ev.target.checked; writeHash(); draw();
  });
  document.getElementById("map-select").addEventListener("change", function () {
    Plotly.relayout(el, { dragmode: document.getElementById("map-select").checked ? "select" : "zoom" });
  });
  window.addEventListener("popstate", function () { readHash(); draw(); showSelection(); });
  el.on("plotly_selected", function (ev) {
    state.selected = ev && ev.points ? ev.points.map(function (pt) { return pt.customdata; }) : [];
    state.selected.sort(function (a, b) { return a - b; });
    writeHash();
    showSelection();
  });
  el.on("plotly_click", function (ev) {
    var pt = ev && ev.points && ev.points[0];
    if (!pt || document.getElementById("map-select").checked) return;
    var href = E.modelHref(D, pt.customdata);
    if (href) window.location.href = href;
  });
})();
