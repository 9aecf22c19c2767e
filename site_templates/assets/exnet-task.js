/* exnet gallery: the task page. Filters select models; every view is recomputed from
 * the selection (a byte per model) over the columnar data of data.js.
 *
 * The page is in sections (tabs with anchors: #overview, #layers, #hyperparameters,
 * #data, #tricks, #models). Only the open section's views are drawn: those in the
 * viewport in the next animation frame, the rest of the section while the browser is
 * idle; a closed section's charts are drawn when it is opened, so the first chart
 * appears quickly even for 10,000 models. <body data-views-pending> counts the open
 * section's views still to draw.
 *
 * The state (section, filters, Sankey view, split, selected models, compare set) lives
 * in the URL's hash: every change is a history entry, so back and forward work and a
 * link shows what its sender saw (see readHash / stateHash).
 */
(function () {
  "use strict";
  var E = window.EXNET, D = window.EXNET_DATA;
  if (!E || !D || !E.dist) return;
  var P = E.page(), CH = P.charts, CONFIG = CH.config;
  var N = D.n, M = D.models;
  var PAGE = 50;
  var SECTIONS = ["overview", "layers", "hyperparameters", "data", "tricks", "models"];
  var SPLIT_GROUPS = 3;
  var FIRST_VIEW = "core.input";   // the Sankey view of the first screen (dataparts.py)

  /* ------------------------------------------------------------------ state */
  var state = {
    tab: "overview",
    facets: {},          // facet key -> {value index: true}
    search: "",
    structure: null,     // {label, mask, param}: a Sankey click, a skeleton, a map selection
    brushes: {},         // parallel-coordinates axis key -> [[lo, hi]]
    view: FIRST_VIEW,
    split: "",           // facet key the charts are split by ("" for none)
    bins: "fine",        // learning-rate bins: "fine" (1-2-5) or "decade"
    limit: PAGE,
    compare: []          // model rows picked for comparison
  };
  var facetRows = D.facets.map(function (f) {
    return f.rows.map(function (rows) { return Int32Array.from(rows); });
  });
  var facetIndex = {};
  D.facets.forEach(function (f, i) { facetIndex[f.key] = i; });
  var slugRow = {};
  M.slug.forEach(function (s, r) { slugRow[s] = r; });
  var haystack = null;   // lower-case words per model, built on first search

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

  /** Name, project, file, framework, layer types, architecture and datasets: the same
   *  words the site search finds a model by. */
  function searchMask() {
    var q = state.search.trim().toLowerCase();
    if (!q) return null;
    if (!haystack) {
      haystack = new Array(N);
      var ds = facetIndex.dataset, byRow = {};
      if (ds !== undefined) D.facets[ds].values.forEach(function (v, i) {
        D.facets[ds].rows[i].forEach(function (r) { (byRow[r] = byRow[r] || []).push(v); });
      });
      for (var r = 0; r < N; r++) {
        haystack[r] = [M.name[r], D.projects.name[M.project[r]], D.files[M.file[r]],
          D.frameworks[M.fw[r]], D.archs[M.arch[r]], (M.types[r] || []).join(" "),
          (byRow[r] || []).join(" ")].join(" ").toLowerCase();
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

  /** The groups a split divides the selection into: the facet's values with most
   *  selected models, at most SPLIT_GROUPS (null when not split). */
  function splitGroups() {
    var fi = facetIndex[state.split];
    if (fi === undefined) return null;
    var f = D.facets[fi];
    var groups = facetRows[fi].map(function (rows, v) {
      var mask = new Uint8Array(N), n = 0;
      for (var k = 0; k < rows.length; k++) if (current.mask[rows[k]]) { mask[rows[k]] = 1; n++; }
      return { name: f.labels[v], mask: mask, n: n };
    }).filter(function (g) { return g.n > 0 && g.name !== "unknown"; });
    groups.sort(function (a, b) { return b.n - a.n; });
    return groups.slice(0, SPLIT_GROUPS);
  }

  /* --------------------------------------------------------- scheduling */
  var views = {};        // name -> {el, draw, dirty, section}
  var visible = {};
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
    pump();
  }, { rootMargin: "200px" }) : null;
  var frame = 0, idle = 0;

  function addView(name, el, draw) {
    if (!el) return;
    var section = el.closest("[data-section]");
    views[name] = { el: el, draw: draw, dirty: true, section: section ? section.id : "" };
    if (observer) observer.observe(el); else visible[el.id] = true;
  }

  function open(v) { return v.section === state.tab; }

  function setPending() {
    var n = Object.keys(views).filter(function (k) { return views[k].dirty && open(views[k]); }).length;
    document.body.setAttribute("data-views-pending", String(n));
    // Marks for bench/site.py: first screen drawn, then every view of the section.
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
    if (!current.mask) return;   // nothing is drawn before the first update
    if (!frame) {
      frame = requestAnimationFrame(function () {
        frame = 0;
        Object.keys(views).forEach(function (k) {
          var v = views[k];
          if (v.dirty && open(v) && visible[v.el.id]) drawView(k);
        });
        drawnOnce = true;
        setPending();
        idleDraw();
      });
    }
  }

  function idleDraw() {
    if (idle) return;
    // Idle time, but at most 200 ms later: an open section must still finish its views.
    var later = window.requestIdleCallback ? function (f) { return window.requestIdleCallback(f, { timeout: 200 }); }
      : function (f) { return setTimeout(f, 30); };
    idle = later(function () {
      idle = 0;
      var next = Object.keys(views).filter(function (k) { return views[k].dirty && open(views[k]); })[0];
      if (next) { drawView(next); setPending(); idleDraw(); }
    });
  }

  var current = { mask: null, masks: null, n: N };

  /* ------------------------------------------------------ data parts */
  var waitingPush, modelsStale = false;

  /** The parts of the data a state needs beyond the first view's, not loaded yet. */
  function partsFor(st) {
    var parts = [];
    if (st.tab === "hyperparameters") parts.push("hyper");
    if (st.tab === "models") parts.push("models", "hyper");
    if (st.search.trim()) parts.push("models");
    if (Object.keys(st.brushes).some(function (k) { return st.brushes[k]; })) parts.push("hyper");
    if (st.view !== FIRST_VIEW) parts.push("sankey");
    return parts.filter(function (p) { return !E.hasData(D, p); });
  }

  /** The parts a link's hash needs before it can be read (a Sankey node or link may be
   *  of another view, a brush is on a hyperparameter). */
  function partsForHash(text) {
    var parts = [];
    text.replace(/^#/, "").split("&").forEach(function (pair) {
      var key = pair.split("=")[0];
      if (key === "hyperparameters" || key.indexOf("b.") === 0) parts.push("hyper");
      else if (key === "models") parts.push("models", "hyper");
      else if (key === "q") parts.push("models");
      else if (key === "sankey" || key === "node" || key === "link") parts.push("sankey");
    });
    return parts.filter(function (p) { return !E.hasData(D, p); });
  }

  /** Run `then` once `parts` are loaded: at once when they are. */
  function ensure(parts, then) {
    if (!parts.length) { then(); return; }
    document.body.setAttribute("data-loading", parts.join(" "));
    E.needData(D, parts, function () {
      document.body.removeAttribute("data-loading");
      then();
    });
  }

  /** Set the state from a hash, once the data it needs is there. */
  function fromHash(push) {
    var hash = location.hash;
    ensure(partsForHash(hash), function () { readHash(hash); update(push); });
  }

  /** Once the page has loaded, the other parts load in idle time, so that opening a
   *  section later does not wait. */
  function prefetch() {
    var rest = Object.keys(D.parts || {});
    var later = window.requestIdleCallback || function (f) { return setTimeout(f, 50); };
    later(function () {
      E.needData(D, rest, function () { if (modelsStale) drawModels(); });
    });
  }

  /** Recompute everything from the state; `push` (default true) records the new state
   *  as a history entry, "replace" overwrites the current one, false leaves the URL. */
  function update(push) {
    if (partsFor(state).length) {
      var first = waitingPush === undefined;
      waitingPush = push === undefined ? true : push;
      if (first) {
        ensure(partsFor(state), function () {
          var p = waitingPush;
          waitingPush = undefined;
          update(p);
        });
      }
      return;
    }
    current.masks = allMasks();
    current.mask = combine(current.masks, null);
    current.n = count(current.mask);
    // The selection, for the charts drawn by other scripts (the results scatter).
    E.selection = { mask: current.mask, n: current.n, total: N };
    document.dispatchEvent(new CustomEvent("exnet:selection"));
    updateCounts();
    updateFacets();
    updateActive();
    updateTricks();
    updateSkeletons();
    state.limit = PAGE;
    if (E.hasData(D, "models") && E.hasData(D, "hyper")) drawModels(); else modelsStale = true;
    Object.keys(views).forEach(function (k) { views[k].dirty = true; });
    setPending();
    pump();
    writeHash(push === undefined ? true : push);
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
    (CH.parcoords.axes || []).forEach(function (axis) {
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

  function filterSkeleton(i, quiet) {
    var seq = D.skeletons[i].sequence, mask = new Uint8Array(N);
    for (var r = 0; r < N; r++) mask[r] = M.core[r] === seq ? 1 : 0;
    var chips = (D.core[seq] || []).map(function (t) { return D.tokens[t]; }).join(" → ");
    state.structure = { label: "Skeleton: " + chips, mask: mask, param: "skeleton=" + i };
    if (!quiet) update();
  }

  /* --------------------------------------------------------- model list */
  var hyper = null;
  /** A hyperparameter's column (its part of the data is loaded by then: partsFor). */
  function hyperOf(key) {
    if (!hyper) {
      hyper = {};
      (D.hyper || []).forEach(function (h) { hyper[h.key] = h; });
    }
    return hyper[key];
  }

  /** A model's training settings, one per line (so the column stays narrow). */
  function hpLines(r) {
    var parts = [];
    function add(key, prefix, suffix) {
      var h = hyperOf(key);
      if (!h) return;
      var v = h.values[r];
      if (v === null || v === undefined) return;
      parts.push(prefix + (h.kind === "categorical" ? h.cats[v] : E.fmt(v)) + suffix);
    }
    add("optimizer", "", "");
    add("learning_rate", "lr ", "");
    add("batch_size", "batch ", "");
    add("epochs", "", " epochs");
    return parts.map(function (p) { return E.el("span", { cls: "hp", text: p }); });
  }

  function modelRow(r) {
    var m = M;
    var check = E.el("input", { attrs: { type: "checkbox", "aria-label": "Compare " + m.name[r],
      "data-row": r, checked: state.compare.indexOf(r) >= 0 } });
    check.addEventListener("change", function () { toggleCompare(r, check.checked); writeHash(true); });
    var projectPage = E.projectHref(D, r), project = D.projects.name[m.project[r]];
    var src = E.sourceUrl(D, r);
    return E.el("tr", { attrs: { "data-row": r } }, [
      E.el("td", { cls: "m-check" }, [check]),
      E.el("td", { cls: "m-model" }, [
        E.el("a", { cls: "m-name", text: m.name[r], href: E.modelHref(D, r), internal: true }),
        E.el("span", { cls: "m-arch", text: D.archs[m.arch[r]] }),
        projectPage ? E.el("a", { cls: "m-project", text: project, href: projectPage, internal: true })
          : E.el("span", { cls: "m-project", text: project })
      ]),
      E.el("td", { cls: "m-src" }, [src ? E.el("a", { text: E.where(D, r), href: src, attrs: { rel: "noopener noreferrer" } })
        : E.el("code", { text: E.where(D, r) })]),
      E.el("td", { cls: "m-fw", text: D.frameworks[m.fw[r]] }),
      E.el("td", { cls: "m-layers" }, [E.chips(D, r, 10)]),
      E.el("td", { cls: "m-hp" }, hpLines(r))
    ]);
  }

  function drawModels() {
    modelsStale = false;
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
    showCompare();
  }

  function showCompare() {
    var bar = document.getElementById("compare-bar");
    bar.hidden = state.compare.length === 0;
    document.getElementById("compare-count").textContent =
      E.plural(state.compare.length, "model", "models") + " picked" +
      (state.compare.length < 2 ? " (pick 2 to 4)" : "");
    var slugs = state.compare.map(function (row) { return M.slug[row]; });
    var link = document.getElementById("compare-link");
    var href = E.internalHref("compare.html#m=" + slugs.join(","));
    if (href) link.setAttribute("href", href);
    document.querySelectorAll("#model-rows input[type=checkbox]").forEach(function (b) {
      b.checked = state.compare.indexOf(Number(b.getAttribute("data-row"))) >= 0;
    });
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
    E.dist.table(document.getElementById("tbl-" + el.id), "Models of the selection using each layer type",
      ["layer type", "models", "share"].concat(D.frameworks),
      types.map(function (t) {
        return [t.label, String(t.n), E.share(t.n, current.n)].concat(t.byFw.map(String));
      }));
  }

  /* ---------------------------------------------------------- Sankey */
  /** The rows of the models through a node or link of a view, as a structure filter. */
  function sankeyFilter(viewName, kind, a, b) {
    var view = D.sankey[viewName];
    if (!view) return null;
    var nodes = view.nodes, want = {}, label;
    if (!nodes[a] || (kind === "link" && !nodes[b])) return null;
    if (kind === "node") {
      view.paths.forEach(function (path, p) { if (path.indexOf(a) >= 0) want[p] = 1; });
      label = "Layer " + nodes[a][1] + " at position " + nodes[a][0];
    } else {
      view.paths.forEach(function (path, p) {
        for (var i = 0; i + 1 < path.length; i++) if (path[i] === a && path[i + 1] === b) { want[p] = 1; break; }
      });
      label = nodes[a][1] + " → " + nodes[b][1] + " at position " + nodes[a][0];
    }
    var mask = new Uint8Array(N);
    for (var r = 0; r < N; r++) mask[r] = want[view.row[r]] ? 1 : 0;
    return { label: label, mask: mask,
      param: kind + "=" + viewName + ":" + (kind === "node" ? a : a + "-" + b) };
  }

  /** The Sankey of the selection, or one per group side by side when split. */
  function drawSankeys(box) {
    var groups = splitGroups(), first = document.getElementById("chart-sankey");
    box.querySelectorAll(".sankey-extra").forEach(function (fig) {
      var chart = fig.querySelector(".chart");
      if (chart && chart.data && window.Plotly) Plotly.purge(chart);
      fig.remove();
    });
    box.classList.toggle("split", !!groups);
    var tables = [];
    if (!groups) {
      tables.push(drawSankey(first, current.mask, ""));
    } else {
      groups.forEach(function (g, i) {
        var el = first;
        if (i > 0) {
          el = E.el("div", { cls: "chart chart-sankey", attrs: { id: "chart-sankey-" + i, role: "group",
            "aria-labelledby": "t-chart-sankey-" + i } });
          box.appendChild(E.el("figure", { cls: "chart-figure sankey-figure sankey-extra" }, [
            E.el("figcaption", { cls: "chart-title", attrs: { id: "t-chart-sankey-" + i } }),
            E.el("div", { cls: "scroll-x" }, [el])]));
        }
        tables.push(drawSankey(el, g.mask, g.name));
      });
    }
    sankeyTable(tables.filter(Boolean), groups);
  }

  function drawSankey(el, mask, group) {
    var view = D.sankey[state.view];
    if (!view) { E.message(el, "This view is not available."); return null; }
    var nodes = view.nodes, paths = view.paths, rowPath = view.row;
    var pathCount = new Int32Array(paths.length), pathEx = {}, selected = 0;
    for (var k = 0; k < N; k++) {
      var r = M.order[k];
      if (!mask[r]) continue;
      selected++;
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
    var title = CH.sankey.title, sub = "(" + (group ? group + ": " : "") + viewName() + "; " +
      E.plural(selected, "model", "models") + ")";
    if (!shown.length) {
      E.message(el, "No selected model has layers in this view.");
      el._shown = null;
      setTitle(el, title, sub);
      return null;
    }
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
    setTitle(el, title, sub);
    el.style.height = layout.height + "px";
    // Wide enough for the labels of every column; the figure scrolls in its own box.
    el.style.minWidth = Math.max(group ? 480 : 600, 90 * (span + 1)) + "px";
    el._shown = { nodes: shown, links: linkList.map(function (l) { return [l.s, l.t]; }), view: state.view };
    E.clearMessage(el);
    Plotly.react(el, data, layout, CONFIG).then(function () {
      el.setAttribute("data-nodes", String(shown.length));
    });
    if (!el._exnetBound) {
      el._exnetBound = true;
      el.on("plotly_click", function (ev) { onSankeyClick(el, ev); });
    }
    return { group: group, links: linkList, nodes: nodes };
  }

  /** The Sankey's links as a table, each with a button that filters to its models:
   *  the chart's numbers, and its filter, for keyboards and screen readers. */
  function sankeyTable(tables, groups) {
    var box = document.getElementById("tbl-chart-sankey");
    if (!box) return;
    box.textContent = "";
    tables.forEach(function (t) {
      var list = t.links.slice().sort(function (a, b) { return b.n - a.n || a.s - b.s || a.t - b.t; }).slice(0, 60);
      var body = E.el("tbody", {}, list.map(function (l) {
        var button = E.el("button", { cls: "link-button", text: "Show these models", attrs: { type: "button" } });
        button.addEventListener("click", function () {
          state.structure = sankeyFilter(state.view, "link", l.s, l.t);
          update();
        });
        return E.el("tr", {}, [E.el("th", { text: t.nodes[l.s][1] + " → " + t.nodes[l.t][1], attrs: { scope: "row" } }),
          E.el("td", { cls: "num", text: String(t.nodes[l.s][0]) }), E.el("td", { cls: "num", text: String(l.n) }),
          E.el("td", {}, [button])]);
      }));
      box.appendChild(E.el("table", { cls: "data-table" }, [
        E.el("caption", { text: (t.group ? t.group + ": " : "") + "the " + list.length + " most used steps (" + viewName() + ")" }),
        E.el("thead", {}, [E.el("tr", {}, ["step", "position", "models", ""].map(function (h) {
          return E.el("th", { text: h, attrs: { scope: "col" } });
        }))]), body]));
    });
    if (groups === null && !tables.length) box.appendChild(E.el("p", { text: "No selected model has layers in this view." }));
  }

  /** Whether the task has a Sankey view of this name (its data may not be loaded yet). */
  function hasView(name) { return Object.prototype.hasOwnProperty.call(D.sankey, name); }

  function viewName() {
    var parts = state.view.split(".");
    var align = { input: "from the input", output: "from the output", aligned: "multiple alignment",
      collapsed: "repeated blocks collapsed" }[parts[1]];
    return parts[0] + " layers, " + align;
  }

  function onSankeyClick(el, ev) {
    var pt = ev && ev.points && ev.points[0], shown = el._shown;
    if (!pt || !shown) return;
    var filter;
    if ("sourceLinks" in pt || "targetLinks" in pt) {
      var id = shown.nodes[pt.pointNumber];
      if (id === undefined) return;
      filter = sankeyFilter(shown.view, "node", id);
    } else {
      var st = shown.links[pt.pointNumber];
      if (!st) return;
      filter = sankeyFilter(shown.view, "link", st[0], st[1]);
    }
    if (filter) { state.structure = filter; update(); }
  }

  /** The Sankey controls show the state (after a back/forward or a link). */
  function showSankeyControls() {
    var parts = state.view.split(".");
    var layers = document.getElementById("sl-" + parts[0]), align = document.getElementById("sa-" + parts[1]);
    if (layers) layers.checked = true;
    if (align) align.checked = true;
    document.getElementById("sa-aligned").disabled = !hasView(parts[0] + ".aligned");
  }

  function readSankeyControls() {
    var layers = document.querySelector('input[name="sankey-layers"]:checked').value;
    var align = document.querySelector('input[name="sankey-align"]:checked');
    var aligned = document.getElementById("sa-aligned");
    aligned.disabled = !hasView(layers + ".aligned");
    if (align.disabled || (align.value === "aligned" && aligned.disabled)) {
      document.getElementById("sa-input").checked = true;
      align = document.getElementById("sa-input");
    }
    var view = layers + "." + align.value;
    state.view = hasView(view) ? view : layers + ".input";
    if (partsFor(state).length) { update(true); return; }
    views.sankey.dirty = true;
    setPending();
    pump();
    writeHash(true);
  }

  /* ------------------------------------------- distributions (exnet-dist.js) */
  function drawHyper(el) {
    var h = hyperOf(el.getAttribute("data-hyper")), spec = CH.hyper[h.key];
    var groups = splitGroups(), box = document.getElementById("tbl-" + el.id);
    var known = 0;
    for (var r = 0; r < N; r++) if (current.mask[r] && h.values[r] !== null && h.values[r] !== undefined) known++;
    if (h.kind === "numeric") {
      var summary = E.dist.numeric(el, { h: h, spec: spec, mask: current.mask, groups: groups,
        mode: h.axis === "log" ? state.bins : "", tableBox: box, config: CONFIG });
      setTitle(el, spec.title, "(" + known + " of " + current.n + " selected set it" +
        (summary ? "; " + summary : "") + ")");
      return;
    }
    var size = h.cats.length, all = new Array(size).fill(0), sel = new Array(size).fill(0);
    for (r = 0; r < N; r++) {
      var v = h.values[r];
      if (v === null || v === undefined) continue;
      all[v]++;
      if (current.mask[r]) sel[v]++;
    }
    categorical(el, h.cats, all, sel, groups, function (mask) {
      var c = new Array(size).fill(0);
      for (var r2 = 0; r2 < N; r2++) if (mask[r2] && h.values[r2] !== null && h.values[r2] !== undefined) c[h.values[r2]]++;
      return c;
    }, spec, h.label, box);
    setTitle(el, spec.title, "(" + known + " of " + current.n + " selected set it)");
  }

  /** Horizontal bars of categories: the ten most common, the rest as "other". */
  function categorical(el, cats, all, sel, groups, countsOf, spec, title, box) {
    var order = cats.map(function (_, i) { return i; }).sort(function (a, b) { return all[b] - all[a] || a - b; });
    var top = order.slice(0, order.length > 10 ? 9 : 10), rest = order.slice(top.length);
    function fold(arr) {
      var out = top.map(function (i) { return arr[i]; });
      if (rest.length) out.push(rest.reduce(function (s, i) { return s + arr[i]; }, 0));
      return out;
    }
    var labels = top.map(function (i) { return cats[i]; });
    if (rest.length) labels.push("other (" + rest.length + ")");
    var split = groups ? groups.map(function (g) {
      var c = fold(countsOf(g.mask));
      return { name: g.name, counts: c, total: count(g.mask) };
    }) : null;
    E.dist.categorical(el, { labels: labels, all: fold(all), sel: fold(sel), groups: split, spec: spec,
      title: title, tableBox: box, config: CONFIG });
  }

  /** A facet as a distribution (datasets, input preparation): models per value. */
  function drawFacet(el) {
    var key = el.getAttribute("data-facet-chart"), fi = facetIndex[key];
    if (fi === undefined) { E.message(el, "Nothing was found."); return; }
    var f = D.facets[fi], rows = facetRows[fi];
    var all = rows.map(function (r) { return r.length; });
    function countsOf(mask) {
      return rows.map(function (list) { var n = 0; for (var k = 0; k < list.length; k++) n += mask[list[k]]; return n; });
    }
    var spec = CH.facets[key];
    categorical(el, f.labels, all, countsOf(current.mask), splitGroups(), countsOf, spec, f.label,
      document.getElementById("tbl-" + el.id));
    setTitle(el, spec.title, "(" + E.plural(current.n, "selected model", "selected models") + ")");
  }

  /* ------------------------------------------ parallel coordinates */
  var axes = CH.parcoords.axes || [], axisValues = null;

  function axisValuesFor() {
    if (axisValues) return axisValues;
    axisValues = axes.map(function (axis) {
      var h = hyperOf(axis.key), out = new Float64Array(N);
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
  function rounded(v) { return String(Math.round(v * 1e4) / 1e4); }

  /** The hash of the current state: "#section&key=value&...", keys in a fixed order. */
  function stateHash() {
    var params = [];
    if (state.tab !== "overview") params.push(state.tab);
    D.facets.forEach(function (f) {
      Object.keys(state.facets[f.key] || {}).sort(function (a, b) { return a - b; }).forEach(function (v) {
        params.push(encodeURIComponent(f.key) + "=" + encodeURIComponent(f.values[v]));
      });
    });
    if (state.search.trim()) params.push("q=" + encodeURIComponent(state.search.trim()));
    if (state.view !== FIRST_VIEW) params.push("sankey=" + state.view);
    if (state.split) params.push("split=" + encodeURIComponent(state.split));
    if (state.bins !== "fine") params.push("bins=" + state.bins);
    if (state.structure && state.structure.param) params.push(state.structure.param);
    Object.keys(state.brushes).sort().forEach(function (k) {
      var r = state.brushes[k];
      if (r) params.push("b." + encodeURIComponent(k) + "=" + rounded(r[0][0]) + "~" + rounded(r[0][1]));
    });
    if (state.compare.length) params.push("cmp=" + state.compare.map(function (r) { return M.slug[r]; }).join(","));
    return params.length ? "#" + params.join("&") : "";
  }

  function writeHash(push) {
    if (push === false) return;
    var hash = stateHash();
    if (hash === location.hash || (!hash && !location.hash)) return;
    var url = hash || location.pathname + location.search;
    try {
      if (push === "replace") history.replaceState(null, "", url); else history.pushState(null, "", url);
    } catch (e) { /* some browsers refuse history on file:// */ }
  }

  /** Set the whole state from a hash (unknown keys and values are ignored). */
  function readHash(text) {
    state.tab = "overview"; state.facets = {}; state.search = ""; state.structure = null;
    state.brushes = {}; state.view = FIRST_VIEW; state.split = ""; state.bins = "fine";
    state.compare = [];
    var selected = null;
    text.replace(/^#/, "").split("&").forEach(function (pair) {
      if (!pair) return;
      var eq = pair.indexOf("="), key, value;
      try {
        key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
        value = eq < 0 ? null : decodeURIComponent(pair.slice(eq + 1));
      } catch (e) { return; }
      if (value === null) { if (SECTIONS.indexOf(key) >= 0) state.tab = key; return; }
      if (key === "q") { state.search = value; return; }
      if (key === "sankey") { if (hasView(value)) state.view = value; return; }
      if (key === "split") { if (facetIndex[value] !== undefined) state.split = value; return; }
      if (key === "bins") { if (value === "decade") state.bins = value; return; }
      if (key === "node" || key === "link") {
        var m = /^([a-z]+\.[a-z]+):(\d+)(?:-(\d+))?$/.exec(value);
        if (m) state.structure = sankeyFilter(m[1], key, Number(m[2]), Number(m[3]));
        return;
      }
      if (key === "skeleton") {
        if (D.skeletons[Number(value)]) selected = function () { filterSkeleton(Number(value), true); };
        return;
      }
      if (key === "sel" || key === "cmp") {
        var rows = value.split(",").map(function (s) { return slugRow[s]; }).filter(function (r) { return r !== undefined; });
        if (key === "cmp") { state.compare = rows.slice(0, 4); return; }
        var mask = new Uint8Array(N);
        rows.forEach(function (r) { mask[r] = 1; });
        state.structure = { label: E.plural(rows.length, "model", "models") + " chosen on the map", mask: mask,
          param: "sel=" + rows.map(function (r) { return M.slug[r]; }).join(",") };
        return;
      }
      if (key.indexOf("b.") === 0) {
        var range = /^(-?[\d.e+-]+)~(-?[\d.e+-]+)$/.exec(value);
        if (range && axes.some(function (a) { return a.key === key.slice(2); })) {
          state.brushes[key.slice(2)] = [[Number(range[1]), Number(range[2])]];
        }
        return;
      }
      var fi = facetIndex[key];
      if (fi === undefined) return;
      var v = D.facets[fi].values.indexOf(value);
      if (v >= 0) (state.facets[key] = state.facets[key] || {})[v] = true;
    });
    if (selected) selected();
    showState();
  }

  /** The controls show the state (checkboxes, search box, Sankey, split, section). */
  function showState() {
    document.querySelectorAll(".facet input[type=checkbox]").forEach(function (box) {
      var sel = state.facets[box.getAttribute("data-facet")];
      box.checked = !!(sel && sel[box.value]);
    });
    document.getElementById("search").value = state.search;
    showSankeyControls();
    document.querySelectorAll("[data-split]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-split") === state.split));
    });
    var bins = document.getElementById("lr-bins");
    if (bins) bins.value = state.bins;
    showCompare();
    showTab();
  }

  /* ------------------------------------------------------------ sections */
  function showTab() {
    SECTIONS.forEach(function (id) {
      var panel = document.getElementById(id), tab = document.getElementById("tab-" + id);
      if (!panel || !tab) return;
      var on = id === state.tab;
      panel.hidden = !on;
      tab.setAttribute("aria-selected", String(on));
      tab.setAttribute("tabindex", on ? "0" : "-1");
    });
    document.body.setAttribute("data-tab", state.tab);
  }

  function openTab(id, focus) {
    if (SECTIONS.indexOf(id) < 0 || !document.getElementById(id)) return;
    state.tab = id;
    showTab();
    if (focus) document.getElementById("tab-" + id).focus();
    if (partsFor(state).length) update(false);
    else {
      if (modelsStale && id === "models") drawModels();
      setPending();
      pump();
    }
    writeHash(true);
  }

  function wireTabs() {
    document.querySelector(".views").classList.add("tabbed");
    // Links into another section (the preprocessing glance): open its tab, keeping the
    // filters a plain "#data" would reset, then show the part they name.
    document.querySelectorAll("a[data-open-tab]").forEach(function (link) {
      link.addEventListener("click", function (ev) {
        ev.preventDefault();
        openTab(link.getAttribute("data-open-tab"), false);
        var target = document.getElementById(link.getAttribute("data-target") || "");
        if (target) target.scrollIntoView();
      });
    });
    document.querySelectorAll("#tabs [role=tab]").forEach(function (tab) {
      tab.addEventListener("click", function (ev) {
        ev.preventDefault();
        openTab(tab.getAttribute("aria-controls"), false);
      });
      tab.addEventListener("keydown", function (ev) {
        var i = SECTIONS.indexOf(state.tab), next = null;
        if (ev.key === "ArrowRight") next = SECTIONS[(i + 1) % SECTIONS.length];
        else if (ev.key === "ArrowLeft") next = SECTIONS[(i + SECTIONS.length - 1) % SECTIONS.length];
        else if (ev.key === "Home") next = SECTIONS[0];
        else if (ev.key === "End") next = SECTIONS[SECTIONS.length - 1];
        if (next) { ev.preventDefault(); openTab(next, true); }
      });
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
      timer = setTimeout(function () { state.search = search.value; update("replace"); }, 150);
    });
    document.getElementById("clear-filters").addEventListener("click", function () {
      state.facets = {}; state.search = ""; state.structure = null; state.brushes = {};
      showState();
      update();
    });
    document.querySelectorAll("[data-filter-skeleton]").forEach(function (button) {
      button.addEventListener("click", function () { filterSkeleton(Number(button.getAttribute("data-filter-skeleton"))); });
    });
    document.querySelectorAll('#sankey-controls input[type=radio]').forEach(function (radio) {
      radio.addEventListener("change", readSankeyControls);
    });
    document.querySelectorAll("[data-split]").forEach(function (button) {
      button.addEventListener("click", function () {
        state.split = button.getAttribute("data-split");
        showState();
        update();
      });
    });
    var bins = document.getElementById("lr-bins");
    if (bins) bins.addEventListener("change", function () { state.bins = bins.value; update(); });
    document.getElementById("show-more").addEventListener("click", function () {
      state.limit += PAGE;
      drawModels();
    });
    document.getElementById("compare-clear").addEventListener("click", function () {
      state.compare = [];
      showCompare();
      writeHash(true);
    });
    // Back and forward, and links to another state of this page.
    window.addEventListener("popstate", function () { fromHash(false); });
    window.addEventListener("hashchange", function () {
      if (location.hash !== stateHash()) fromHash(false);
    });
    // On narrow screens the filters start folded, so the views come first.
    if (window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
      document.getElementById("filters-box").open = false;
    }
  }

  addView("sankey", document.getElementById("sankeys"), drawSankeys);
  addView("layers", document.getElementById("chart-layers"), drawLayers);
  document.querySelectorAll("[data-hyper]").forEach(function (el) { addView("hyper:" + el.id, el, drawHyper); });
  document.querySelectorAll("[data-facet-chart]").forEach(function (el) { addView("facet:" + el.id, el, drawFacet); });
  addView("parcoords", document.getElementById("chart-parcoords"), drawParcoords);
  wireTabs();
  wire();
  E.task = { state: state, update: update, openTab: openTab };
  fromHash("replace");
  if (document.readyState === "complete") prefetch();
  else window.addEventListener("load", prefetch);
})();
