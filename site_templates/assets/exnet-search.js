/* exnet gallery: the site search. search.js holds one document per model, project,
 * layer type, dataset and file of every task; MiniSearch (vendored) indexes them when
 * the page opens and answers each query offline: every word counts (OR), documents
 * that hold all of them rank first, names weigh more than context, and prefixes and
 * small typos match. The query lives in the URL (#q=...). */
(function () {
  "use strict";
  var E = window.EXNET, S = window.EXNET_SEARCH;
  if (!E || !S || !window.MiniSearch) return;
  var docs = S.documents, LIMIT = 50;
  var RANK = { model: 0, project: 1, "layer type": 2, dataset: 3, file: 4 };
  var index = new window.MiniSearch({
    fields: ["title", "words", "kind"],
    storeFields: ["id"],
    searchOptions: { boost: { title: 3, words: 1, kind: 0.5 }, prefix: true, fuzzy: 0.15 }
  });
  index.addAll(docs);
  var box = document.getElementById("site-search"), list = document.getElementById("search-results");
  var status = document.getElementById("search-status");

  function run(q, push) {
    list.textContent = "";
    q = q.trim();
    if (!q) { status.textContent = docs.length + " documents to search."; return; }
    // Documents holding every word first (models before the rest), then any word.
    var seen = {}, hits = [];
    [["AND", 1], ["OR", 0]].forEach(function (pass) {
      index.search(q, { combineWith: pass[0] }).forEach(function (h) {
        if (seen[h.id]) return;
        seen[h.id] = true;
        hits.push({ doc: docs[h.id], score: h.score, all: pass[1], terms: h.terms.length });
      });
    });
    hits.sort(function (a, b) {
      return b.all - a.all || b.terms - a.terms || RANK[a.doc.kind] - RANK[b.doc.kind] ||
        b.score - a.score;
    });
    status.textContent = hits.length ? E.plural(hits.length, "result", "results") +
      (hits.length > LIMIT ? ", the first " + LIMIT + " shown" : "") : "Nothing matches.";
    hits.slice(0, LIMIT).forEach(function (h) {
      var d = h.doc, href = E.internalHref(d.href);
      list.appendChild(E.el("li", { attrs: { "data-kind": d.kind, "data-all": h.all } }, [
        E.el("span", { cls: "kind", text: d.kind }),
        E.el("a", { text: d.title, href: href, internal: true }),
        E.el("span", { cls: "context", text: d.task + " · " + d.context })
      ]));
    });
    var hash = "#q=" + encodeURIComponent(q);
    if (push && hash !== location.hash) {
      try { history.replaceState(null, "", hash); } catch (e) { /* file:// */ }
    }
    document.body.setAttribute("data-results", String(Math.min(hits.length, LIMIT)));
  }

  function fromHash() {
    var m = /(?:^#|&)q=([^&]*)/.exec(location.hash), q = "";
    try { q = m ? decodeURIComponent(m[1]) : ""; } catch (e) { q = ""; }
    box.value = q;
    run(q, false);
  }

  var timer = 0;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(box.value, true); }, 120);
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
  box.focus();
  document.body.setAttribute("data-search-ready", "1");
})();
