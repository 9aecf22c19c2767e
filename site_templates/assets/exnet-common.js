/* exnet gallery: helpers shared by the task, compare and map pages.
 *
 * Safety rules kept by every page: text from the corpus is only ever set with
 * textContent (never innerHTML), passed to plotly escaped (plotly reads a few HTML tags
 * in labels), and a string becomes a link only through safeHref (http(s) only) or as a
 * page of this site built from a hex slug.
 */
(function () {
  "use strict";
  var E = window.EXNET = window.EXNET || {};

  /** The page's JSON block (<script type="application/json" id="exnet-page">). */
  E.page = function () {
    var el = document.getElementById("exnet-page");
    return el ? JSON.parse(el.textContent) : {};
  };

  /** An element: props.cls, props.text, props.attrs (no event handlers), children. */
  E.el = function (tag, props, children) {
    var node = document.createElement(tag);
    props = props || {};
    if (props.cls) node.className = props.cls;
    if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
    if (props.attrs) {
      Object.keys(props.attrs).forEach(function (name) {
        var value = props.attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (/^on/i.test(name) || name === "href" || name === "src") return;
        node.setAttribute(name, value === true ? "" : String(value));
      });
    }
    if (props.href) {
      var href = props.internal ? E.internalHref(props.href) : E.safeHref(props.href);
      if (href) node.setAttribute("href", href);
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  /** An absolute http(s) URL without spaces or control characters, else null. */
  E.safeHref = function (url) {
    if (typeof url !== "string" || /[\u0000-\u0020\u007f]/.test(url)) return null;
    return /^https?:\/\/[^/]/i.test(url) ? url : null;
  };

  /** A relative link inside the site: only letters, digits, "._-/#=,&%~" (no scheme;
   *  "&" separates the state in a hash, "%" escapes its values). */
  E.internalHref = function (url) {
    return typeof url === "string" && /^[A-Za-z0-9._\-\/#=,&%~]+$/.test(url) &&
      !/^[a-z]+:/i.test(url) && url.indexOf("//") < 0 ? url : null;
  };

  /** Text for plotly labels and hover templates: plotly reads <b>, <br>, <a> and
   *  entities in them, so every corpus string is escaped first. */
  E.esc = function (s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/%\{/g, "%&#123;");
  };

  /** At most n characters of s, with an ellipsis. */
  E.short = function (s, n) {
    s = String(s);
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  };

  E.clone = function (obj) { return JSON.parse(JSON.stringify(obj)); };

  E.fmt = function (v) {
    if (v === null || v === undefined) return "–";
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v)) return String(v);
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(1).replace(".0e", "e");
    return String(Number(v.toPrecision(4)));
  };

  E.share = function (n, total) {
    if (!total) return "0%";
    var pct = 100 * n / total;
    if (pct === 0 || pct >= 10) return Math.round(pct) + "%";
    return Number(pct.toPrecision(1)) + "%";
  };

  E.plural = function (n, one, many) { return n + " " + (n === 1 ? one : many); };

  var colorCache = {};
  /** A colour from the stylesheet's custom properties (--fam-*, --fw-*). */
  E.cssColor = function (name, fallback) {
    if (!(name in colorCache)) {
      var v = getComputedStyle(document.documentElement).getPropertyValue("--" + name).trim();
      colorCache[name] = v || fallback || "#3d3d3d";
    }
    return colorCache[name];
  };
  E.familyColor = function (D, family) { return E.cssColor("fam-" + D.families[family]); };
  E.frameworkColor = function (i) { return E.cssColor("fw-" + (i % 4)); };

  E.rgba = function (hex, alpha) {
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    if (!m) return "rgba(120,120,120," + alpha + ")";
    return "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," + parseInt(m[3], 16) +
      "," + alpha + ")";
  };

  /** Link to a model's page, relative to the task folder (slugs are hex). */
  E.modelHref = function (D, row) {
    var slug = D.models.slug[row];
    return /^[0-9a-f]+(-[0-9]+)?$/.test(slug) ? "models/" + slug + ".html" : null;
  };

  /** https://github.com/owner/name of a model's project, if it can be linked: Python
   *  checked the name when it gave the project a commit (ref); checked again here. */
  /** The page of a model's project, from the task page (null: no page). */
  E.projectHref = function (D, row) {
    var page = (D.projects.page || [])[D.models.project[row]];
    return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(page || "") ? "projects/" + page + ".html" : null;
  };

  E.repoUrl = function (D, row) {
    var p = D.models.project[row], name = D.projects.name[p], ref = D.projects.ref[p];
    if (!ref || !/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/.test(name) ||
        /\/\.\.?$/.test(name)) return null;
    return E.safeHref("https://github.com/" + name);
  };

  /** GitHub link to the model's definition at the mined commit (null if unknown). */
  E.sourceUrl = function (D, row, line) {
    var m = D.models, repo = E.repoUrl(D, row), ref = D.projects.ref[m.project[row]];
    if (!repo || !/^([0-9a-f]{7,40}|HEAD)$/.test(ref)) return null;
    var base = repo + "/blob/" + ref + "/";
    var file = D.files[m.file[row]];
    var parts = String(file).split("/");
    if (!file || file.charAt(0) === "/" || parts.some(function (p) {
      return p === "" || p === "." || p === "..";
    })) return null;
    var url = base + parts.map(encodeURIComponent).join("/");
    var at = line === undefined ? m.line[row] : line;
    var notebook = m.cell[row] !== null || /\.ipynb$/.test(file);
    if (!notebook && typeof at === "number" && at > 0) url += "#L" + at;
    return E.safeHref(url);
  };

  E.where = function (D, row) {
    var m = D.models, cell = m.cell[row];
    return D.files[m.file[row]] + (cell === null ? "" : " (cell " + cell + ")") + ":" + m.line[row];
  };

  /** A model's core sequence as chips ("block × N" tokens), at most `max` of them. */
  E.chips = function (D, row, max) {
    var seq = D.core[D.models.core[row]] || [];
    var box = E.el("span", { cls: "chips" });
    var shown = max && seq.length > max ? seq.slice(0, max - 1) : seq;
    shown.forEach(function (t) {
      box.appendChild(E.el("span", {
        cls: "chip fam-" + D.families[D.tokenFamily[t]], text: D.tokens[t]
      }));
    });
    if (shown.length < seq.length) {
      box.appendChild(E.el("span", { cls: "chip more", text: "+" + (seq.length - shown.length) }));
    }
    return box;
  };

  /** Load the layer details of some model rows (details/<k>.js files), then call back. */
  E.loadDetails = function (D, rows, callback) {
    var store = window.EXNET_DETAILS = window.EXNET_DETAILS || {};
    var size = D.details.size, needed = {};
    rows.forEach(function (r) { needed[Math.floor(r / size)] = true; });
    var missing = Object.keys(needed).filter(function (k) { return !store[k]; });
    var left = missing.length;
    function done() {
      callback(function (row) {
        var shard = store[Math.floor(row / size)];
        return shard ? shard.layers[row - shard.start] : null;
      });
    }
    if (!left) { done(); return; }
    missing.forEach(function (k) {
      var s = document.createElement("script");
      s.src = "details/" + Number(k) + ".js";
      s.onload = s.onerror = function () { if (--left === 0) done(); };
      document.head.appendChild(s);
    });
  };

  /* A task's data comes in parts (render/dataparts.py): data.js holds the first view's,
   * and names the files of each other part in `parts`. */
  var partState = {};   // part -> true when loaded, or the callbacks waiting for it

  /** Whether a part of the task data is there (a page that lists every file as a
   *  script has them all, and never asks). */
  E.hasData = function (D, name) {
    return !(D.parts && D.parts[name]) || partState[name] === true;
  };

  /** Load the parts of the task data that are not loaded yet (each part's files in
   *  order), then call back once. A file that fails to load is reported and skipped. */
  E.needData = function (D, names, callback) {
    var waiting = names.filter(function (p, i) {
      return names.indexOf(p) === i && !E.hasData(D, p);
    });
    var left = waiting.length;
    if (!left) { callback(); return; }
    function one() { if (--left === 0) callback(); }
    waiting.forEach(function (part) {
      if (partState[part]) { partState[part].push(one); return; }
      partState[part] = [one];
      var files = D.parts[part].slice();
      (function next() {
        var name = files.shift();
        if (name === undefined) {
          var waiters = partState[part];
          partState[part] = true;
          if (window.performance && performance.mark) performance.mark("exnet:data-" + part);
          waiters.forEach(function (f) { f(); });
          return;
        }
        var src = E.internalHref(String(name));
        if (!src) { console.error("exnet: bad data file name", name); next(); return; }
        var s = document.createElement("script");
        s.src = src;
        s.onload = next;
        s.onerror = function () { console.error("exnet: could not load " + src); next(); };
        document.head.appendChild(s);
      })();
    });
  };

  /** Show a message instead of a chart (the chart, and its event handlers, go). */
  /** Before drawing a chart where a message was: remove the message. */
  E.clearMessage = function (node) {
    node.querySelectorAll(":scope > .chart-message").forEach(function (m) { m.remove(); });
  };

  E.message = function (node, text) {
    if (node.data && window.Plotly) Plotly.purge(node);
    node._exnetBound = false;
    node.textContent = "";
    node.style.height = "auto";
    node.style.minWidth = "0";
    node.appendChild(E.el("p", { cls: "chart-message", text: text }));
  };
})();
