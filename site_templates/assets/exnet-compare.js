/* exnet gallery: the compare page. The chosen models (2 to 4, kept in the URL as
 * #m=slug,slug) have their full layer lists loaded from details/<k>.js, aligned
 * progressively (Needleman-Wunsch against the growing profile) and shown side by side. */
(function () {
  "use strict";
  var E = window.EXNET, D = window.EXNET_DATA;
  if (!E || !D) return;
  var P = E.page(), MAX = P.max || 4, M = D.models, N = D.n;
  var slugRow = {};
  M.slug.forEach(function (s, r) { slugRow[s] = r; });
  var picked = [];

  function readHash() {
    var m = /(?:^|[#&])m=([^&]*)/.exec(location.hash);
    picked = [];
    if (!m) return;
    m[1].split(",").forEach(function (slug) {
      var r = slugRow[slug];
      if (r !== undefined && picked.indexOf(r) < 0 && picked.length < MAX) picked.push(r);
    });
  }

  function writeHash() {
    var hash = "#m=" + picked.map(function (r) { return M.slug[r]; }).join(",");
    try { history.replaceState(null, "", hash); } catch (e) { location.hash = hash; }
  }

  function label(r) { return M.name[r] + " · " + D.projects.name[M.project[r]]; }

  function renderPicked() {
    var list = document.getElementById("picked");
    list.textContent = "";
    picked.forEach(function (r) {
      var remove = E.el("button", { text: "×", attrs: { type: "button", "aria-label": "Remove " + label(r) } });
      remove.addEventListener("click", function () {
        picked.splice(picked.indexOf(r), 1);
        changed();
      });
      list.appendChild(E.el("li", {}, [E.el("a", { text: label(r), href: E.modelHref(D, r), internal: true }), remove]));
    });
    var status = document.getElementById("pick-status");
    status.textContent = picked.length < 2 ? "Pick at least 2 models (up to " + MAX + ")." :
      picked.length >= MAX ? "Comparing " + picked.length + " models (the most at once)." :
        "Comparing " + picked.length + " models.";
  }

  function renderResults() {
    var q = document.getElementById("pick-search").value.trim().toLowerCase();
    var list = document.getElementById("pick-results");
    list.textContent = "";
    if (!q || picked.length >= MAX) return;
    var terms = q.split(/\s+/), shown = 0;
    for (var k = 0; k < N && shown < 20; k++) {
      var r = M.order[k];
      if (picked.indexOf(r) >= 0) continue;
      var text = (M.name[r] + " " + D.projects.name[M.project[r]] + " " + D.files[M.file[r]]).toLowerCase();
      if (terms.some(function (t) { return text.indexOf(t) < 0; })) continue;
      (function (row) {
        var button = E.el("button", { attrs: { type: "button" } },
          [E.el("strong", { text: M.name[row] }), " " + D.projects.name[M.project[row]] + " · " + E.where(D, row)]);
        button.addEventListener("click", function () {
          picked.push(row);
          document.getElementById("pick-search").value = "";
          changed();
          document.getElementById("pick-search").focus();
        });
        list.appendChild(E.el("li", {}, [button]));
      })(r);
      shown++;
    }
    if (!shown) list.appendChild(E.el("li", { cls: "muted", text: "No model matches." }));
  }

  /** Align sequences of [type, brief, line] progressively; columns of element indices. */
  function align(seqs) {
    var cols = (seqs[0] || []).map(function (_, i) { return [i]; });
    for (var s = 1; s < seqs.length; s++) {
      var seq = seqs[s], n = cols.length, m = seq.length;
      var score = [], move = [];
      for (var i = 0; i <= n; i++) { score.push(new Float64Array(m + 1)); move.push(new Uint8Array(m + 1)); }
      for (i = 1; i <= n; i++) { score[i][0] = -i; move[i][0] = 1; }
      for (var j = 1; j <= m; j++) { score[0][j] = -j; move[0][j] = 2; }
      for (i = 1; i <= n; i++) {
        for (j = 1; j <= m; j++) {
          var match = -1;
          for (var k = 0; k < s; k++) {
            var e = cols[i - 1][k];
            if (e !== undefined && e >= 0 && seqs[k][e][0] === seq[j - 1][0]) { match = 2; break; }
          }
          var diag = score[i - 1][j - 1] + match, up = score[i - 1][j] - 1, left = score[i][j - 1] - 1;
          if (diag >= up && diag >= left) { score[i][j] = diag; move[i][j] = 0; }
          else if (up >= left) { score[i][j] = up; move[i][j] = 1; }
          else { score[i][j] = left; move[i][j] = 2; }
        }
      }
      var out = [];
      i = n; j = m;
      while (i > 0 || j > 0) {
        var mv = i === 0 ? 2 : j === 0 ? 1 : move[i][j];
        if (mv === 0) { out.push(cols[i - 1].concat([j - 1])); i--; j--; }
        else if (mv === 1) { out.push(cols[i - 1].concat([-1])); i--; }
        else {
          var gap = [];
          for (k = 0; k < s; k++) gap.push(-1);
          out.push(gap.concat([j - 1])); j--;
        }
      }
      cols = out.reverse();
    }
    return cols;
  }

  function header(rows, first) {
    return E.el("thead", {}, [E.el("tr", {}, [E.el("th", { text: first, attrs: { scope: "col" } })].concat(rows.map(function (r) {
      var src = E.sourceUrl(D, r);
      return E.el("th", { attrs: { scope: "col" } }, [
        E.el("a", { text: M.name[r], href: E.modelHref(D, r), internal: true }), E.el("br"),
        E.el("span", { cls: "muted", text: D.projects.name[M.project[r]] + " · " + D.frameworks[M.fw[r]] }), E.el("br"),
        src ? E.el("a", { text: E.where(D, r), href: src, attrs: { rel: "noopener noreferrer" } }) : E.el("code", { text: E.where(D, r) })
      ]);
    })))]);
  }

  function familyClass(type) {
    var f = D.typeFamily[type];
    return "chip fam-" + (f === undefined ? "other" : D.families[f]);
  }

  /** Arguments that say where a layer's input comes from, or whether it is frozen:
   *  not part of the design (exnet.extract.identity ignores them too). */
  var NOT_DESIGN = { input_shape: 1, input_length: 1, batch_input_shape: 1, in_features: 1,
    in_channels: 1, input_size: 1, num_features: 1, normalized_shape: 1, trainable: 1,
    batch_first: 1 };

  /** Names of the arguments whose values differ among layers of one type: an argument
   *  counts when at least two of the layers give it (one left unresolved is unknown,
   *  not different). */
  function argDiffs(type, argsList) {
    var names = {};
    argsList.forEach(function (args) { Object.keys(args).forEach(function (k) { names[k] = true; }); });
    return Object.keys(names).sort().filter(function (k) {
      if (NOT_DESIGN[k] || (k === "name" && type !== "Pretrained")) return false;
      var given = argsList.filter(function (a) { return k in a; }).map(function (a) { return a[k]; });
      return given.length >= 2 && given.some(function (v) { return v !== given[0]; });
    });
  }

  function renderAligned(get) {
    var box = document.getElementById("aligned");
    box.textContent = "";
    var seqs = picked.map(function (r) { return get(r) || []; });
    var cols = align(seqs);
    var body = E.el("tbody"), agree = 0, argsOnly = 0;
    cols.forEach(function (col, c) {
      var layers = col.map(function (e, k) { return e >= 0 ? seqs[k][e] : null; });
      var sameType = layers.every(function (l) { return l !== null && l[0] === layers[0][0]; });
      var diffs = sameType ? argDiffs(layers[0][0], layers.map(function (l) { return l[3] || {}; })) : [];
      var same = sameType && !diffs.length;
      agree += same ? 1 : 0;
      argsOnly += sameType && !same ? 1 : 0;
      var mark = same ? "= " : sameType ? "≠ args " : "";
      var tr = E.el("tr", {}, [E.el("th", { cls: "step", text: mark + (c + 1), attrs: { scope: "row",
        title: same ? "same type and arguments" : sameType ? "same type, different arguments" : "" } })]);
      col.forEach(function (e, k) {
        if (e < 0) { tr.appendChild(E.el("td", { cls: "gap", attrs: { "aria-label": "no layer" } })); return; }
        var layer = seqs[k][e], url = E.sourceUrl(D, picked[k], layer[2]), args = layer[3] || {};
        tr.appendChild(E.el("td", { cls: same ? "same" : sameType ? "args-differ" : "" }, [
          E.el("span", { cls: familyClass(layer[0]), text: layer[0] }),
          layer[1] ? E.el("span", { cls: "brief", text: layer[1] }) : null,
          diffs.length ? E.el("span", { cls: "arg-diff", text: diffs.map(function (d) {
            return d + "=" + (d in args ? args[d] : "?");
          }).join(", ") }) : null,
          url && layer[2] ? E.el("a", { cls: "brief", text: "line " + layer[2], href: url, attrs: { rel: "noopener noreferrer" } }) : null
        ]));
      });
      body.appendChild(tr);
    });
    box.appendChild(E.el("table", { cls: "data-table aligned" }, [
      E.el("caption", { text: cols.length + " aligned positions; " + agree + " where all models agree " +
        "(type and arguments, marked =); " + argsOnly + " of the same type with different arguments " +
        "(marked ≠ args, the differing arguments shown)" }), header(picked, "#"), body]));
  }

  function renderHyper() {
    var box = document.getElementById("compare-hyper");
    box.textContent = "";
    var body = E.el("tbody");
    function row(name, values) {
      var differs = values.some(function (v) { return v !== values[0]; });
      body.appendChild(E.el("tr", {}, [E.el("th", { text: name, attrs: { scope: "row" } })].concat(values.map(function (v) {
        return E.el("td", { cls: differs ? "differs" : "", text: v });
      }))));
    }
    row("Framework", picked.map(function (r) { return D.frameworks[M.fw[r]]; }));
    row("Dataset", picked.map(function (r) { return D.datasets[M.dataset[r]]; }));
    D.hyper.forEach(function (h) {
      row(h.label, picked.map(function (r) {
        var v = h.values[r];
        return v === null || v === undefined ? "–" : h.kind === "categorical" ? h.cats[v] : E.fmt(v);
      }));
    });
    box.appendChild(E.el("table", { cls: "data-table hp-compare" }, [
      E.el("caption", { cls: "visually-hidden", text: "Hyperparameters of the compared models" }),
      header(picked, "Hyperparameter"), body]));
  }

  function changed() {
    writeHash();
    renderPicked();
    renderResults();
    var aligned = document.getElementById("aligned"), hyper = document.getElementById("compare-hyper");
    if (picked.length < 2) {
      E.message(aligned, "Pick at least 2 models to align their layers.");
      E.message(hyper, "Pick at least 2 models to compare their hyperparameters.");
      document.body.setAttribute("data-compared", "0");
      return;
    }
    renderHyper();
    var want = picked.slice();
    E.loadDetails(D, want, function (get) {
      if (want.join() !== picked.join()) return;
      renderAligned(get);
      document.body.setAttribute("data-compared", String(picked.length));
    });
  }

  var timer = 0;
  document.getElementById("pick-search").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(renderResults, 120);
  });
  window.addEventListener("hashchange", function () { readHash(); changed(); });
  readHash();
  changed();
})();
