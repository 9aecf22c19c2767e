/* exnet gallery: the task page. Filters select models; every view is recomputed from
 * the selection (a byte per model) over the columnar data of data.js.
 *
 * Drawing is scheduled: views in the viewport are drawn in the next animation frame,
 * the others while the browser is idle, so the first screen appears quickly even for
 * 10,000 models. <body data-views-pending> counts the views still to draw.
 */
(function () {
  "use strict";
  var E = window.EXNET, D = window.EXNET_DATA;
  if (!E || !D) return;
  var P = E.page(), CH = P.charts, CONFIG = CH.config;
  var N = D.n, M = D.models;
  var PAGE = 200;
  var COLORS = { all: "#c4cbd3", selected: "#0b5cad" };

  /* ------------------------------------------------------------------ state */
  var state = {
    facets: {},          // facet key -> {value index: true}
    search: "",
    structure: null,     // {label, mask}: from a Sankey click or a skeleton
    brushes: {},         // parallel-coordinates axis key -> [[lo, hi], ...]
    view: "core.input",
    limit: PAGE,
    compare: []          // model rows picked for comparison
  };
  var facetRows = D.facets.map(function (f) {
    return f.rows.map(function (rows) { return Int32Array.from(rows); });
  });
  var haystack = null;   // lower-case "name project file" per model, built on first search

  /* ---------------------------------------------------------------- masks */
  function facetMask(fi) {
    var chosen = state.facets[D.facets[fi].key];
    if (!chosen || !Object.keys(chosen).length) return null;
    var mask = new Uint8Array(N);
    Object.keys(chosen).forEach(function (v) {
      var rows = facetRows[fi][v];
      for (var k = 0; k < rows.length; k++) mask[rows[k]] = 1;
    });
    return mask;
  }

  function searchMask() {
    var q = state.search.trim().toLowerCase();
    if (!q) return null;
    if (!haystack) {
      haystack = new Array(N);
      for (var r = 0; r < N; r++) {
        haystack[r] = (M.name[r] + " " + D.projects.name[M.project[r]] + " " +
          D.files[M.file[r]]).toLowerCase();
      }
    }
    var terms = q.split(/\s+/), mask = new Uint8Array(N);
    for (var i = 0; i < N; i++) {
      var ok = 1;
      for (var t = 0; t < terms.length && ok; t++) if (haystack[i].indexOf(terms[t]) < 0) ok = 0;
      mask[i] = ok;
    }
    return mask;
  }

  /** Every filter's mask (null: no constraint), by name. */
  function allMasks() {
    var masks = {};
    D.facets.forEach(function (f, fi) { masks["facet:" + f.key] = facetMask(fi); });
    masks.search = searchMask();
    masks.structure = state.structure ? state.structure.mask : null;
    masks.brush = brushMask();
    return masks;
  }

  function combine(masks, except) {
    var out = new Uint8Array(N).fill(1);
    Object.keys(masks).forEach(function (name) {
      var m = masks[name];
      if (!m || name === except) return;
      for (var r = 0; r < N; r++) out[r] &= m[r];
    });
    return out;
  }

  function count(mask) {
    var n = 0;
    for (var r = 0; r < N; r++) n += mask[r];
    return n;
  }

  /* --------------------------------------------------------- scheduling */
  var views = {};        // name -> {el, draw, dirty}
  var visible = {};
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
    pump();
  }, { rootMargin: "200px" }) : null;
  var frame = 0, idle = 0;

  function addView(name, el, draw) {
    if (!el) return;
    views[name] = { el: el, draw: draw, dirty: true };
    if (observer) observer.observe(el); else visible[el.id] = true;
  }

  function setPending() {
    var n = Object.keys(views).filter(function (k) { return views[k].dirty; }).length;
    document.body.setAttribute("data-views-pending", String(n));
    // Marks for bench/site.py: first screen drawn, then every view.
    if (drawnOnce && !marked.first) { marked.first = true; mark("exnet:first-render"); }
    if (drawnOnce && !n && !marked.all) { marked.all = true; mark("exnet:all-views"); }
  }
  var drawnOnce = false;
  var marked = {};
  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }

  function drawView(name) {
    var v = views[name];
    v.dirty = false;
    try { v.draw(v.el); } catch (err) { console.error("exnet: drawing " + name + " failed", err); }
  }

  function pump() {
    if (!frame) {
      frame = requestAnimationFrame(function () {
        frame = 0;
        Object.keys(views).forEach(function (k) {
          if (views[k].dirty && visible[views[k].el.id]) drawView(k);
        });
        drawnOnce = true;
        setPending();
        idleDraw();
      });
    }
  }

  function idleDraw() {
    if (idle) return;
    // Idle time, but at most 200 ms later: a busy page must still finish its views.
    var later = window.requestIdleCallback ? function (f) { return window.requestIdleCallback(f, { timeout: 200 }); }
      : function (f) { return setTimeout(f, 30); };
    idle = later(function () {
      idle = 0;
      var next = Object.keys(views).filter(function (k) { return views[k].dirty; })[0];
      if (next) { drawView(next); setPending(); idleDraw(); }
    });
  }

  var current = { mask: null, masks: null, n: N };

  function update() {
    current.masks = allMasks();
    current.mask = combine(current.masks, null);
    current.n = count(current.mask);
    updateCounts();
    updateFacets();
    updateActive();
    updateTricks();
    updateSkeletons();
    state.limit = PAGE;
    drawModels();
    Object.keys(views).forEach(function (k) { views[k].dirty = true; });
    setPending();
    pump();
    writeHash();
  }

  /* ------------------------------------------------------ counts, facets */
  function updateCounts() {
    document.getElementById("selected-count").textContent = String(current.n);
    document.getElementById("models-count").textContent =
      current.n === N ? "(" + N + ")" : "(" + current.n + " of " + N + ")";
  }

  function updateFacets() {
    D.facets.forEach(function (f, fi) {
      var base = combine(current.masks, "facet:" + f.key);
      facetRows[fi].forEach(function (rows, v) {
        var n = 0;
        for (var k = 0; k < rows.length; k++) n += base[rows[k]];
        var el = document.getElementById("f-" + f.key + "-" + v + "-n");
        if (el) {
          el.textContent = String(n);
          el.parentNode.classList.toggle("empty", n === 0);
        }
      });
    });
  }

  function updateActive() {
    var list = document.getElementById("active-filters");
    list.textContent = "";
    function item(text, clear) {
      var button = E.el("button", { text: "×", attrs: { type: "button", "aria-label": "Remove filter: " + text } });
      button.addEventListener("click", clear);
      list.appendChild(E.el("li", {}, [E.el("span", { text: text }), button]));
    }
    if (state.structure) {
      item(state.structure.label, function () { state.structure = null; update(); });
    }
    var brushList = document.getElementById("brush-filters");
    brushList.textContent = "";
    (CH.parcoords.axes || []).forEach(function (axis, i) {
      var ranges = state.brushes[axis.key];
      if (!ranges) return;
      var text = axis.label + ": " + ranges.map(function (r) { return rangeText(axis, r); }).join(" or ");
      var clear = function () { clearBrush(axis.key); };
      item(text, clear);
      var b = E.el("button", { text: "×", attrs: { type: "button", "aria-label": "Remove range: " + text } });
      b.addEventListener("click", clear);
      brushList.appendChild(E.el("li", {}, [E.el("span", { text: text }), b]));
    });
  }

  /* ------------------------------------------------------------- tricks */
  function updateTricks() {
    var fi = D.facets.findIndex(function (f) { return f.key === "trick"; });
    var fwTotal = {};
    for (var r = 0; r < N; r++) if (current.mask[r]) fwTotal[M.fw[r]] = (fwTotal[M.fw[r]] || 0) + 1;
    document.querySelectorAll("tr[data-trick]").forEach(function (tr) {
      var key = tr.getAttribute("data-trick"), n = 0, byFw = {};
      var v = fi < 0 ? -1 : D.facets[fi].values.indexOf(key);
      if (v >= 0) {
        var rows = facetRows[fi][v];
        for (var k = 0; k < rows.length; k++) {
          if (current.mask[rows[k]]) { n++; byFw[M.fw[rows[k]]] = (byFw[M.fw[rows[k]]] || 0) + 1; }
        }
      }
      tr.querySelector('[data-cell="models"]').textContent = String(n);
      var share = tr.querySelector('[data-cell="share"]');
      share.querySelector(".bar-text").textContent = E.share(n, current.n);
      share.querySelector(".bar").style.width = (current.n ? Math.round(100 * n / current.n) * 0.6 : 0) + "%";
      tr.querySelectorAll("[data-fw]").forEach(function (td) {
        var fw = D.frameworks.indexOf(td.getAttribute("data-fw"));
        td.textContent = E.share(byFw[fw] || 0, fwTotal[fw] || 0);
      });
      tr.classList.toggle("zero", n === 0);
    });
  }

  /* ---------------------------------------------------------- skeletons */
  function coreCounts() {
    var counts = {};
    for (var r = 0; r < N; r++) if (current.mask[r]) counts[M.core[r]] = (counts[M.core[r]] || 0) + 1;
    return counts;
  }

  function updateSkeletons() {
    var counts = coreCounts();
    D.skeletons.forEach(function (sk, i) {
      var li = document.querySelector('[data-skeleton="' + i + '"]');
      if (!li) return;
      var n = counts[sk.sequence] || 0, near = 0;
      sk.variations.forEach(function (seq, j) {
        var vn = counts[seq] || 0;
        near += vn;
        var vli = li.querySelector('[data-variation="' + i + "." + j + '"]');
        if (vli) {
          vli.querySelector(".v-models").textContent = E.plural(vn, "model", "models");
          vli.classList.toggle("zero", vn === 0);
        }
      });
      li.querySelector(".sk-models").textContent = E.plural(n, "model", "models");
      li.querySelector(".sk-share").textContent = "(" + E.share(n, current.n) + ")";
      li.querySelector(".sk-near").textContent = String(near);
      li.classList.toggle("zero", n === 0 && near === 0);
    });
  }

  function filterSkeleton(i) {
    var seq = D.skeletons[i].sequence, mask = new Uint8Array(N);
    for (var r = 0; r < N; r++) mask[r] = M.core[r] === seq ? 1 : 0;
    var chips = (D.core[seq] || []).map(function (t) { return D.tokens[t]; }).join(" → ");
    state.structure = { label: "Skeleton: " + chips, mask: mask };
    update();
  }

  /* --------------------------------------------------------- model list */
  var hyper = {};
  D.hyper.forEach(function (h) { hyper[h.key] = h; });

  function hpText(r) {
    var parts = [];
    function add(key, prefix, suffix) {
      var h = hyper[key];
      if (!h) return;
      var v = h.values[r];
      if (v === null || v === undefined) return;
      parts.push(prefix + (h.kind === "categorical" ? h.cats[v] : E.fmt(v)) + suffix);
    }
    add("optimizer", "", "");
    add("learning_rate", "lr ", "");
    add("batch_size", "batch ", "");
    add("epochs", "", " epochs");
    return parts.join(" · ");
  }

  function modelRow(r) {
    var m = M;
    var check = E.el("input", { attrs: { type: "checkbox", "aria-label": "Compare " + m.name[r],
      "data-row": r, checked: state.compare.indexOf(r) >= 0 } });
    check.addEventListener("change", function () { toggleCompare(r, check.checked); });
    var repo = E.repoUrl(D, r), project = D.projects.name[m.project[r]];
    var src = E.sourceUrl(D, r);
    return E.el("tr", { attrs: { "data-row": r } }, [
      E.el("td", { cls: "m-check" }, [check]),
      E.el("td", {}, [
        E.el("a", { cls: "m-name", text: m.name[r], href: E.modelHref(D, r), internal: true }),
        repo ? E.el("a", { cls: "m-project", text: project, href: repo, attrs: { rel: "noopener noreferrer" } })
          : E.el("span", { cls: "m-project", text: project })
      ]),
      E.el("td", { cls: "m-src" }, [src ? E.el("a", { text: E.where(D, r), href: src, attrs: { rel: "noopener noreferrer" } })
        : E.el("code", { text: E.where(D, r) })]),
      E.el("td", { text: D.frameworks[m.fw[r]] }),
      E.el("td", {}, [E.chips(D, r, 10)]),
      E.el("td", { cls: "m-hp", text: hpText(r) })
    ]);
  }

  function drawModels() {
    var body = document.getElementById("model-rows");
    var frag = document.createDocumentFragment(), shown = 0, total = current.n;
    for (var k = 0; k < N && shown < state.limit; k++) {
      var r = M.order[k];
      if (!current.mask[r]) continue;
      frag.appendChild(modelRow(r));
      shown++;
    }
    body.textContent = "";
    body.appendChild(frag);
    var more = document.getElementById("show-more");
    more.hidden = shown >= total;
    more.textContent = "Show " + Math.min(PAGE, total - shown) + " more of " + (total - shown);
  }

  function toggleCompare(r, on) {
    var i = state.compare.indexOf(r);
    if (on && i < 0) state.compare.push(r);
    if (!on && i >= 0) state.compare.splice(i, 1);
    if (state.compare.length > 4) {
      var dropped = state.compare.shift();
      var box = document.querySelector('#model-rows input[data-row="' + dropped + '"]');
      if (box) box.checked = false;
    }
    var bar = document.getElementById("compare-bar");
    bar.hidden = state.compare.length === 0;
    document.getElementById("compare-count").textContent =
      E.plural(state.compare.length, "model", "models") + " picked" +
      (state.compare.length < 2 ? " (pick 2 to 4)" : "");
    var slugs = state.compare.map(function (row) { return M.slug[row]; });
    var link = document.getElementById("compare-link");
    var href = E.internalHref("compare.html#m=" + slugs.join(","));
    if (href) link.setAttribute("href", href);
  }

  /** A chart's title lives in the <figcaption> "t-<chart id>": main text, a muted
   *  detail, and optionally a colour legend [[name, colour]]. */
  function setTitle(el, main, sub, legend) {
    var cap = document.getElementById("t-" + el.id);
    if (!cap) return;
    cap.textContent = main;
    if (sub) {
      cap.appendChild(document.createTextNode(" "));
      cap.appendChild(E.el("span", { cls: "sub", text: sub }));
    }
    (legend || []).forEach(function (item, i) {
      var swatch = E.el("span", { cls: "pc-swatch" });
      swatch.style.background = item[1];
      cap.appendChild(document.createTextNode(" "));
      cap.appendChild(swatch);
      cap.appendChild(E.el("span", { cls: "sub", text: item[0] + (i === legend.length - 1 ? ")" : "") }));
    });
  }

  /** Counts are whole numbers: no 0.5 ticks on short count axes. */
  function integerTicks(axis, max) {
    if (axis && max <= 6) { axis.dtick = 1; axis.tick0 = 0; }
  }

  /* ---------------------------------------------------- layer chart */
  function drawLayers(el) {
    var fi = D.facets.findIndex(function (f) { return f.key === "layer"; });
    if (fi < 0) { E.message(el, "No layers were found."); return; }
    var f = D.facets[fi], types = [];
    facetRows[fi].forEach(function (rows, v) {
      var byFw = D.frameworks.map(function () { return 0; }), n = 0;
      for (var k = 0; k < rows.length; k++) {
        if (current.mask[rows[k]]) { n++; byFw[M.fw[rows[k]]]++; }
      }
      types.push({ label: f.values[v], n: n, byFw: byFw, all: rows.length });
    });
    types.sort(function (a, b) { return b.n - a.n || b.all - a.all; });
    types = types.filter(function (t) { return t.n > 0; }).slice(0, 25);
    var layout = E.clone(CH.layers.layout);
    layout.height = Math.max(240, 110 + 24 * types.length);
    integerTicks(layout.xaxis, types.length ? types[0].n : 0);
    setTitle(el, CH.layers.title, "(" + E.plural(current.n, "selected model", "selected models") +
      "; top " + types.length + " types)");
    var labels = types.map(function (t) { return E.esc(E.short(t.label, 32)); });
    E.clearMessage(el);
    var data = D.frameworks.map(function (fw, i) {
      return {
        type: "bar", orientation: "h", name: E.esc(fw), y: labels,
        x: types.map(function (t) { return t.byFw[i]; }),
        marker: { color: E.frameworkColor(i) },
        customdata: types.map(function (t) { return E.share(t.n, current.n); }),
        hovertemplate: "%{y}: %{x} " + E.esc(fw) + " models<br>%{customdata} of the selection<extra></extra>"
      };
    });
    Plotly.react(el, data, layout, CONFIG);
  }

  /* ---------------------------------------------------------- Sankey */
  var sankeyShown = null;   // {nodes: [original ids], links: [[s, t]], view}

  function drawSankey(el) {
    var view = D.sankey[state.view];
    if (!view) { E.message(el, "This view is not available."); return; }
    var nodes = view.nodes, paths = view.paths, rowPath = view.row;
    var pathCount = new Int32Array(paths.length), pathEx = {};
    for (var k = 0; k < N; k++) {
      var r = M.order[k];
      if (!current.mask[r]) continue;
      var p = rowPath[r];
      if (p < 0) continue;
      pathCount[p]++;
      var ex = pathEx[p] || (pathEx[p] = []);
      if (ex.length < 3) ex.push(r);
    }
    var nodeCount = new Float64Array(nodes.length), nodeEx = {}, links = {};
    function addEx(list, rows) {
      for (var i = 0; i < rows.length && list.length < 3; i++) if (list.indexOf(rows[i]) < 0) list.push(rows[i]);
    }
    for (p = 0; p < paths.length; p++) {
      var c = pathCount[p];
      if (!c) continue;
      var path = paths[p];
      for (var i = 0; i < path.length; i++) {
        nodeCount[path[i]] += c;
        addEx(nodeEx[path[i]] || (nodeEx[path[i]] = []), pathEx[p]);
        if (i + 1 < path.length) {
          var key = path[i] + ":" + path[i + 1];
          var link = links[key] || (links[key] = { s: path[i], t: path[i + 1], n: 0, ex: [] });
          link.n += c;
          addEx(link.ex, pathEx[p]);
        }
      }
    }
    var shown = [], index = {};
    for (i = 0; i < nodes.length; i++) if (nodeCount[i] > 0) { index[i] = shown.length; shown.push(i); }
    if (!shown.length) { E.message(el, "No selected model has layers in this view."); sankeyShown = null; return; }
    // Nodes stay where we put them (arrangement "fixed": a draggable node would swallow
    // the click that filters). Columns by step; within a column the most used node
    // first, markers last; each node gets a slot of (its models / all models) of the
    // height, which plotly's node never exceeds, so nodes cannot overlap.
    var steps = {}, minStep = Infinity, maxStep = -Infinity, drawn = 0;
    for (p = 0; p < paths.length; p++) drawn += pathCount[p];
    shown.forEach(function (id) {
      var s = nodes[id][0];
      (steps[s] = steps[s] || []).push(id);
      minStep = Math.min(minStep, s); maxStep = Math.max(maxStep, s);
    });
    var xs = {}, ys = {}, tallest = 1, span = Math.max(1, maxStep - minStep);
    var marker = D.families.indexOf("marker");
    Object.keys(steps).forEach(function (s) {
      var col = steps[s].sort(function (a, b) {
        var ma = nodes[a][3] === marker ? 1 : 0, mb = nodes[b][3] === marker ? 1 : 0;
        return (ma - mb) || (nodeCount[b] - nodeCount[a]) || (a - b);
      });
      tallest = Math.max(tallest, col.length);
      var used = 0;
      col.forEach(function (id) { used += nodeCount[id] / drawn; });
      var gap = col.length > 1 ? Math.min(0.04, (1 - used) / (col.length - 1)) : 0;
      var acc = (1 - used - gap * (col.length - 1)) / 2;
      col.forEach(function (id) {
        var h = nodeCount[id] / drawn;
        xs[id] = 0.001 + 0.998 * (Number(s) - minStep) / span;
        ys[id] = Math.min(0.999, Math.max(0.001, acc + h / 2));
        acc += h + gap;
      });
    });
    function names(rows) {
      return rows.map(function (r) { return E.esc(M.name[r] + " (" + D.projects.name[M.project[r]] + ")"); }).join("<br>");
    }
    var height = Math.max(380, Math.min(1400, 60 + 34 * tallest)), plotHeight = height - 16;
    var linkList = Object.keys(links).map(function (k2) { return links[k2]; });
    var nodeColor = shown.map(function (id) { return E.familyColor(D, nodes[id][3]); });
    var data = [{
      type: "sankey", arrangement: "fixed", valueformat: "d",
      node: {
        // Only nodes tall enough for a line of text get a label (the others show theirs
        // on hover), so that labels do not pile up where many small nodes meet.
        label: shown.map(function (id) {
          return nodeCount[id] / drawn * plotHeight >= 12 ? E.esc(E.short(nodes[id][1], 28)) : "";
        }),
        x: shown.map(function (id) { return xs[id]; }),
        y: shown.map(function (id) { return ys[id]; }),
        color: nodeColor, pad: 8, thickness: 14, line: { width: 0.5, color: "#57606a" },
        customdata: shown.map(function (id) {
          return "<b>" + E.esc(nodes[id][1]) + "</b> (position " + nodes[id][0] + ")<br>" +
            E.plural(nodeCount[id], "model", "models") + "<br>e.g. " + names(nodeEx[id] || []);
        }),
        hovertemplate: "%{customdata}<extra></extra>"
      },
      link: {
        source: linkList.map(function (l) { return index[l.s]; }),
        target: linkList.map(function (l) { return index[l.t]; }),
        value: linkList.map(function (l) { return l.n; }),
        color: linkList.map(function (l) { return E.rgba(nodeColor[index[l.t]], 0.35); }),
        customdata: linkList.map(function (l) {
          return "<b>" + E.esc(nodes[l.s][1]) + " → " + E.esc(nodes[l.t][1]) + "</b><br>" +
            E.plural(l.n, "model", "models") + "<br>e.g. " + names(l.ex);
        }),
        hovertemplate: "%{customdata}<extra></extra>"
      }
    }];
    var layout = E.clone(CH.sankey.layout);
    layout.height = height;
    setTitle(el, CH.sankey.title, "(" + viewName() + "; " + E.plural(current.n, "model", "models") + ")");
    el.style.height = layout.height + "px";
    // Wide enough for the labels of every column; the figure scrolls sideways if needed.
    el.style.minWidth = Math.max(600, 90 * (span + 1)) + "px";
    sankeyShown = { nodes: shown, links: linkList.map(function (l) { return [l.s, l.t]; }), view: state.view };
    E.clearMessage(el);
    Plotly.react(el, data, layout, CONFIG).then(function () {
      el.setAttribute("data-nodes", String(shown.length));
    });
    if (!el._exnetBound) {
      el._exnetBound = true;
      el.on("plotly_click", onSankeyClick);
    }
  }

  function viewName() {
    var parts = state.view.split(".");
    var align = { input: "from the input", output: "from the output", aligned: "multiple alignment",
      collapsed: "repeated blocks collapsed" }[parts[1]];
    return parts[0] + " layers, " + align;
  }

  function onSankeyClick(ev) {
    var pt = ev && ev.points && ev.points[0];
    if (!pt || !sankeyShown) return;
    var view = D.sankey[sankeyShown.view], nodes = view.nodes, want = {}, label;
    if ("sourceLinks" in pt || "targetLinks" in pt) {
      var id = sankeyShown.nodes[pt.pointNumber];
      if (id === undefined) return;
      view.paths.forEach(function (path, p) { if (path.indexOf(id) >= 0) want[p] = 1; });
      label = "Layer " + nodes[id][1] + " at position " + nodes[id][0];
    } else {
      var st = sankeyShown.links[pt.pointNumber];
      if (!st) return;
      view.paths.forEach(function (path, p) {
        for (var i = 0; i + 1 < path.length; i++) if (path[i] === st[0] && path[i + 1] === st[1]) { want[p] = 1; break; }
      });
      label = nodes[st[0]][1] + " → " + nodes[st[1]][1] + " at position " + nodes[st[0]][0];
    }
    var mask = new Uint8Array(N);
    for (var r = 0; r < N; r++) mask[r] = want[view.row[r]] ? 1 : 0;
    state.structure = { label: label, mask: mask };
    update();
  }

  function readSankeyControls() {
    var layers = document.querySelector('input[name="sankey-layers"]:checked').value;
    var align = document.querySelector('input[name="sankey-align"]:checked');
    var aligned = document.getElementById("sa-aligned");
    aligned.disabled = !D.sankey[layers + ".aligned"];
    if (align.disabled || (align.value === "aligned" && aligned.disabled)) {
      document.getElementById("sa-input").checked = true;
      align = document.getElementById("sa-input");
    }
    var value = align.value;
    var view = layers + "." + value;
    state.view = D.sankey[view] ? view : layers + ".input";
    views.sankey.dirty = true;
    setPending();
    pump();
  }

  /* ------------------------------------------------ hyperparameters */
  var binsOf = {};

  function binIndex(h, v) {
    if (v === null || v === undefined || !h.edges.length) return -1;
    var e0 = h.edges[0], k, k0;
    if (h.scale === "linear") {
      var w = h.edges.length > 1 ? h.edges[1] - h.edges[0] : 1;
      k = Math.floor(v / w + 1e-9); k0 = Math.round(e0 / w);
    } else {
      if (v <= 0) return -1;
      var base = h.scale === "log10" ? 10 : 2;
      k = Math.floor(Math.log(v) / Math.log(base) + 1e-9); k0 = Math.round(Math.log(e0) / Math.log(base));
    }
    var i = k - k0;
    return i >= 0 && i < h.edges.length - 1 ? i : -1;
  }

  function binsFor(h) {
    if (!binsOf[h.key]) {
      var out = new Int32Array(N);
      for (var r = 0; r < N; r++) {
        out[r] = h.kind === "numeric" ? binIndex(h, h.values[r])
          : (h.values[r] === null || h.values[r] === undefined ? -1 : h.values[r]);
      }
      binsOf[h.key] = out;
    }
    return binsOf[h.key];
  }

  function drawHyper(el) {
    var h = hyper[el.getAttribute("data-hyper")], spec = CH.hyper[h.key];
    var bins = binsFor(h), size = h.kind === "numeric" ? h.edges.length - 1 : h.cats.length;
    var all = new Int32Array(Math.max(size, 0)), sel = new Int32Array(Math.max(size, 0)), known = 0;
    for (var r = 0; r < N; r++) {
      var b = bins[r];
      if (b < 0) continue;
      all[b]++;
      if (current.mask[r]) { sel[b]++; known++; }
    }
    var labels, allV = Array.from(all), selV = Array.from(sel);
    if (h.kind === "numeric") {
      labels = spec.bins;
    } else {
      labels = h.cats.map(function (c) { return E.esc(E.short(c, 28)); });
      if (labels.length > 10) {
        var order = labels.map(function (_, i) { return i; }).sort(function (a, c) { return all[c] - all[a]; });
        var top = order.slice(0, 9), rest = order.slice(9);
        labels = top.map(function (i) { return labels[i]; }).concat(["other (" + rest.length + ")"]);
        var sum = function (arr, idx) { return idx.reduce(function (s, i) { return s + arr[i]; }, 0); };
        allV = top.map(function (i) { return all[i]; }).concat([sum(all, rest)]);
        selV = top.map(function (i) { return sel[i]; }).concat([sum(sel, rest)]);
      }
    }
    var layout = E.clone(spec.layout);
    setTitle(el, spec.title, "(" + known + " of " + current.n + " selected set it)");
    var horizontal = h.kind !== "numeric";
    function trace(name, values, color) {
      var t = { type: "bar", name: name, marker: { color: color },
        hovertemplate: "%{" + (horizontal ? "y" : "x") + "}: %{" + (horizontal ? "x" : "y") + "} " + name + "<extra></extra>" };
      if (horizontal) { t.orientation = "h"; t.y = labels; t.x = values; } else { t.x = labels; t.y = values; }
      return t;
    }
    var data = [trace("models in all", allV, COLORS.all), trace("selected models", selV, COLORS.selected)];
    integerTicks(layout[horizontal ? "xaxis" : "yaxis"], Math.max.apply(null, allV.concat([0])));
    E.clearMessage(el);
    if (horizontal) layout.height = Math.max(220, 110 + 26 * labels.length);
    Plotly.react(el, data, layout, CONFIG);
  }

  /* ------------------------------------------ parallel coordinates */
  var axes = CH.parcoords.axes || [], axisValues = null;

  function axisValuesFor() {
    if (axisValues) return axisValues;
    axisValues = axes.map(function (axis) {
      var h = hyper[axis.key], out = new Float64Array(N);
      for (var r = 0; r < N; r++) {
        var v = h.values[r];
        if (v === null || v === undefined) { out[r] = axis.na; continue; }
        if (axis.kind === "categorical") out[r] = v;
        else if (axis.scale === "log10") out[r] = v > 0 ? Math.log10(v) : axis.na;
        else if (axis.scale === "log2") out[r] = v > 0 ? Math.log2(v) : axis.na;
        else out[r] = v;
      }
      return out;
    });
    return axisValues;
  }

  function brushMask() {
    var keys = Object.keys(state.brushes).filter(function (k) { return state.brushes[k]; });
    if (!keys.length) return null;
    var values = axisValuesFor(), mask = new Uint8Array(N).fill(1);
    axes.forEach(function (axis, i) {
      var ranges = state.brushes[axis.key];
      if (!ranges) return;
      for (var r = 0; r < N; r++) {
        if (!mask[r]) continue;
        var v = values[i][r], ok = 0;
        for (var j = 0; j < ranges.length; j++) if (v >= ranges[j][0] - 1e-9 && v <= ranges[j][1] + 1e-9) ok = 1;
        mask[r] = ok;
      }
    });
    return mask;
  }

  function rangeText(axis, range) {
    function back(v) {
      if (axis.kind === "categorical") return null;
      if (v <= axis.na + 1e-9) return "n/a";
      return E.fmt(axis.scale === "log10" ? Math.pow(10, v) : axis.scale === "log2" ? Math.pow(2, v) : v);
    }
    if (axis.kind === "categorical") {
      var names = [];
      axis.tickvals.forEach(function (tv, i) { if (tv >= range[0] - 1e-9 && tv <= range[1] + 1e-9) names.push(axis.ticktext[i]); });
      return names.join(", ") || "none";
    }
    return back(range[0]) + " – " + back(range[1]);
  }

  var pc = null;

  function drawParcoords(el) {
    if (!axes.length) { E.message(el, "No hyperparameters were found for these models."); return; }
    if (!pc) {
      axes.forEach(function (axis) { axis.format = function (range) { return rangeText(axis, range); }; });
      pc = new E.Parcoords(el, { axes: axes, onBrush: function (key, range) {
        state.brushes[key] = range ? [range] : null;
        update();
      } });
    }
    var base = combine(current.masks, "brush"), rows = [], brushed = current.masks.brush;
    for (var r = 0; r < N; r++) if (base[r]) rows.push(r);
    axes.forEach(function (axis) {
      pc.brushes[axis.key] = state.brushes[axis.key] ? state.brushes[axis.key][0] : null;
    });
    setTitle(el, CH.parcoords.title, "(" + E.plural(rows.length, "model", "models") +
      (brushed ? ", " + current.n + " in the ranges" : "") + "; colour:",
      D.frameworks.map(function (fw, i) { return [fw, E.frameworkColor(i)]; }));
    pc.setData(rows, axisValuesFor(), function (row) { return E.frameworkColor(M.fw[row]); },
      brushed ? function (row) { return brushed[row] === 1; } : null);
    el.setAttribute("data-lines", String(rows.length));
  }

  function clearBrush(key) {
    state.brushes[key] = null;
    update();
  }

  /* --------------------------------------------------- URL state */
  function writeHash() {
    var params = [];
    D.facets.forEach(function (f) {
      Object.keys(state.facets[f.key] || {}).forEach(function (v) {
        params.push(encodeURIComponent(f.key) + "=" + encodeURIComponent(f.values[v]));
      });
    });
    if (state.search.trim()) params.push("q=" + encodeURIComponent(state.search.trim()));
    var hash = params.length ? "#" + params.join("&") : " ";
    try { history.replaceState(null, "", hash === " " ? location.pathname + location.search : hash); } catch (e) { /* file:// in some browsers */ }
  }

  function readHash() {
    var text = location.hash.replace(/^#/, "");
    if (!text) return;
    text.split("&").forEach(function (pair) {
      var kv = pair.split("="), key, value;
      try { key = decodeURIComponent(kv[0]); value = decodeURIComponent(kv.slice(1).join("=")); } catch (e) { return; }
      if (key === "q") { state.search = value; document.getElementById("search").value = value; return; }
      var f = D.facets.filter(function (x) { return x.key === key; })[0];
      if (!f) return;
      var v = f.values.indexOf(value);
      if (v < 0) return;
      (state.facets[key] = state.facets[key] || {})[v] = true;
      var box = document.getElementById("f-" + key + "-" + v);
      if (box) box.checked = true;
    });
  }

  /* ------------------------------------------------------- wiring */
  function wire() {
    document.querySelectorAll(".facet input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () {
        var key = box.getAttribute("data-facet"), sel = state.facets[key] = state.facets[key] || {};
        if (box.checked) sel[box.value] = true; else delete sel[box.value];
        update();
      });
    });
    var timer = 0, search = document.getElementById("search");
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.search = search.value; update(); }, 150);
    });
    document.getElementById("clear-filters").addEventListener("click", function () {
      state.facets = {}; state.search = ""; state.structure = null;
      search.value = "";
      document.querySelectorAll(".facet input[type=checkbox]").forEach(function (b) { b.checked = false; });
      state.brushes = {};
      update();
    });
    document.querySelectorAll("[data-filter-skeleton]").forEach(function (button) {
      button.addEventListener("click", function () { filterSkeleton(Number(button.getAttribute("data-filter-skeleton"))); });
    });
    document.querySelectorAll('#sankey-controls input[type=radio]').forEach(function (radio) {
      radio.addEventListener("change", readSankeyControls);
    });
    document.getElementById("show-more").addEventListener("click", function () {
      state.limit += PAGE;
      drawModels();
    });
    document.getElementById("compare-clear").addEventListener("click", function () {
      state.compare.slice().forEach(function (r) { toggleCompare(r, false); });
      document.querySelectorAll("#model-rows input[type=checkbox]").forEach(function (b) { b.checked = false; });
    });
    // A link to another filter state (#framework=keras...) or the back button.
    window.addEventListener("hashchange", function () {
      state.facets = {};
      state.search = "";
      search.value = "";
      document.querySelectorAll(".facet input[type=checkbox]").forEach(function (b) { b.checked = false; });
      readHash();
      update();
    });
    // On narrow screens the filters start folded, so the views come first.
    if (window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
      document.getElementById("filters-box").open = false;
    }
  }

  addView("sankey", document.getElementById("chart-sankey"), drawSankey);
  addView("layers", document.getElementById("chart-layers"), drawLayers);
  document.querySelectorAll("[data-hyper]").forEach(function (el) { addView("hyper:" + el.id, el, drawHyper); });
  addView("parcoords", document.getElementById("chart-parcoords"), drawParcoords);
  wire();
  readHash();
  document.getElementById("sa-aligned").disabled = !D.sankey["core.aligned"];
  update();
  E.task = { state: state, update: update };
})();
