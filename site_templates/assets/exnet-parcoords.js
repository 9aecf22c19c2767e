/* exnet gallery: parallel coordinates of hyperparameters, one line per model.
 *
 * Our own small component rather than plotly's parcoords: plotly draws those with
 * WebGL through code generated at run time (new Function), which the pages'
 * Content-Security-Policy (script-src 'self', no 'unsafe-eval') forbids, and which
 * fails where WebGL is missing. Lines go on a 2-D canvas (one path per colour, so
 * 10,000 models draw in a few milliseconds); axes, labels and brushes are SVG.
 *
 * Brushing: drag along an axis to keep the models in a range; a click on the axis
 * clears it. By keyboard: Tab to an axis, Enter starts a range, Up/Down move it,
 * Shift+Up/Down grows or shrinks it, Escape clears it.
 */
(function () {
  "use strict";
  var E = window.EXNET;
  var SVG = "http://www.w3.org/2000/svg";
  var M = { top: 56, bottom: 28, left: 56, right: 56 };

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  /**
   * container: an empty element; options.axes: [{key, label, range: [lo, hi], na,
   * tickvals, ticktext}]; options.onBrush(key, [lo, hi] | null).
   */
  function Parcoords(container, options) {
    this.axes = options.axes;
    this.onBrush = options.onBrush;
    this.brushes = {};
    this.brushEls = {};
    this.rows = [];
    this.values = [];
    this.colors = [];
    this.inside = null;
    this.el = container;
    container.textContent = "";
    container.classList.add("parcoords");
    this.stage = E.el("div", { cls: "pc-stage" });
    this.canvas = E.el("canvas", { attrs: { "aria-hidden": "true" } });
    this.svg = svg("svg", { "class": "pc-axes", role: "group", "aria-label": "Axes of the parallel coordinates" });
    this.stage.appendChild(this.canvas);
    this.stage.appendChild(this.svg);
    container.appendChild(E.el("div", { cls: "pc-stage-wrap" }, [this.stage]));
    var self = this;
    if ("ResizeObserver" in window) {
      this.width = 0;
      new ResizeObserver(function () {
        if (self.stage.clientWidth !== self.width) self.draw();
      }).observe(this.stage);
    }
  }

  Parcoords.prototype.y = function (axis, v) {
    var h = this.height - M.top - M.bottom;
    var t = (v - axis.range[0]) / ((axis.range[1] - axis.range[0]) || 1);
    return M.top + h * (1 - Math.max(0, Math.min(1, t)));
  };

  Parcoords.prototype.value = function (axis, py) {
    var h = this.height - M.top - M.bottom;
    var t = 1 - (py - M.top) / h;
    return axis.range[0] + Math.max(0, Math.min(1, t)) * (axis.range[1] - axis.range[0]);
  };

  Parcoords.prototype.x = function (i) {
    var n = this.axes.length;
    return n < 2 ? this.width / 2 : M.left + i * (this.width - M.left - M.right) / (n - 1);
  };

  /** rows: model rows to draw; values[axis][row]; color(row) -> css colour; inside(row)
   *  -> whether the row passes the brushes (null: all do). */
  Parcoords.prototype.setData = function (rows, values, color, inside) {
    this.rows = rows;
    this.values = values;
    this.color = color;
    this.inside = inside;
    this.draw();
  };

  Parcoords.prototype.draw = function () {
    var width = Math.max(this.stage.clientWidth, 320), height = 380;
    this.width = width;
    this.height = height;
    var ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = width + "px";
    this.canvas.style.height = height + "px";
    this.svg.setAttribute("width", width);
    this.svg.setAttribute("height", height);
    this.svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    this.drawLines(ratio);
    this.drawAxes();
  };

  Parcoords.prototype.drawLines = function (ratio) {
    var ctx = this.canvas.getContext("2d"), self = this, axes = this.axes;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    if (!axes.length) return;
    var groups = {}, out = [];
    this.rows.forEach(function (r) {
      if (self.inside && !self.inside(r)) { out.push(r); return; }
      var c = self.color(r);
      (groups[c] = groups[c] || []).push(r);
    });
    var xs = axes.map(function (_, i) { return self.x(i); });
    // Many models share a category (or "n/a"): spread their lines a little around it,
    // the same way for a model on every draw, so that a thick bundle reads as many.
    var spread = axes.map(function (axis) { return axis.kind === "categorical" ? 0.18 : 0; });
    function jitter(r) { return ((r * 2654435761) % 1000) / 500 - 1; }
    function stroke(rows, style, alpha) {
      if (!rows.length) return;
      ctx.beginPath();
      rows.forEach(function (r) {
        var j = jitter(r);
        axes.forEach(function (axis, i) {
          var py = self.y(axis, self.values[i][r] + spread[i] * j);
          if (i === 0) ctx.moveTo(xs[i], py); else ctx.lineTo(xs[i], py);
        });
      });
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = style;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
    var n = this.rows.length;
    stroke(out, "#c4cbd3", n > 2000 ? 0.08 : 0.35);
    var alpha = Math.max(0.06, Math.min(0.8, 12 / Math.sqrt(Math.max(1, n))));
    Object.keys(groups).sort().forEach(function (c) { stroke(groups[c], c, alpha); });
    ctx.globalAlpha = 1;
  };

  Parcoords.prototype.drawAxes = function () {
    var self = this, root = this.svg;
    // Redrawing replaces the axes: keep the keyboard focus on the same axis.
    var focused = Array.prototype.indexOf.call(root.querySelectorAll(".pc-hit"), document.activeElement);
    while (root.firstChild) root.removeChild(root.firstChild);
    var gapX = this.axes.length > 1 ? this.x(1) - this.x(0) : this.width;
    var stagger = this.axes.some(function (a) { return 7.5 * a.label.length > gapX - 10; });
    this.axes.forEach(function (axis, i) {
      var x = self.x(i), g = svg("g", { "class": "pc-axis" });
      var top = self.y(axis, axis.range[1]), bottom = self.y(axis, axis.range[0]);
      g.appendChild(svg("line", { x1: x, x2: x, y1: top, y2: bottom, "class": "pc-line" }));
      // Labels are centred on their axis, kept inside the figure, and staggered on two
      // rows when neighbours would overlap.
      var w = 7.5 * axis.label.length, lx = x, anchor = "middle";
      if (x - w / 2 < 2) { lx = 2; anchor = "start"; }
      if (x + w / 2 > self.width - 2) { lx = self.width - 2; anchor = "end"; }
      var ly = stagger ? (i % 2 ? M.top - 16 : M.top - 36) : M.top - 22;
      g.appendChild(svg("text", { x: lx, y: ly, "text-anchor": anchor, "class": "pc-label" }, axis.label));
      axis.tickvals.forEach(function (tv, k) {
        var py = self.y(axis, tv);
        g.appendChild(svg("line", { x1: x - 4, x2: x, y1: py, y2: py, "class": "pc-tick" }));
        g.appendChild(svg("text", { x: x - 7, y: py + 4, "text-anchor": "end", "class": "pc-ticktext" }, axis.ticktext[k]));
      });
      var range = self.brushes[axis.key];
      var brush = svg("rect", { x: x - 7, y: top, width: 14, height: 0, "class": "pc-brush" });
      g.appendChild(brush);
      self.brushEls[axis.key] = brush;
      self.showBrush(axis);
      var hit = svg("rect", { x: x - 16, y: top - 6, width: 32, height: bottom - top + 12, "class": "pc-hit",
        tabindex: 0, role: "slider", "aria-label": axis.label + (range ? ": range set" : ": no range; press Enter to set one"),
        "aria-valuetext": range ? self.rangeLabel(axis, range) : "all values" });
      self.bindAxis(hit, axis);
      g.appendChild(hit);
      root.appendChild(g);
    });
    if (focused >= 0) {
      var hits = root.querySelectorAll(".pc-hit");
      if (hits[focused]) hits[focused].focus();
    }
  };

  /** Place (or hide) the rectangle of an axis' range, without redrawing anything else:
   *  during a drag the axis element must stay, as it holds the pointer capture. */
  Parcoords.prototype.showBrush = function (axis) {
    var el = this.brushEls[axis.key], range = this.brushes[axis.key];
    if (!el) return;
    if (!range) { el.setAttribute("visibility", "hidden"); return; }
    var y1 = this.y(axis, Math.max(range[0], range[1])), y2 = this.y(axis, Math.min(range[0], range[1]));
    el.setAttribute("visibility", "visible");
    el.setAttribute("y", String(y1));
    el.setAttribute("height", String(Math.max(2, y2 - y1)));
  };

  Parcoords.prototype.rangeLabel = function (axis, range) {
    return (axis.format ? axis.format(range) : range[0].toFixed(2) + " – " + range[1].toFixed(2));
  };

  Parcoords.prototype.setBrush = function (axis, range, quiet) {
    if (range) {
      var lo = Math.max(axis.range[0], Math.min(range[0], range[1]));
      var hi = Math.min(axis.range[1], Math.max(range[0], range[1]));
      range = [lo, hi];
    }
    this.brushes[axis.key] = range || null;
    if (!quiet) this.onBrush(axis.key, range || null);
  };

  Parcoords.prototype.bindAxis = function (hit, axis) {
    var self = this, start = null;
    function local(ev) {
      var box = self.svg.getBoundingClientRect();
      return ev.clientY - box.top;
    }
    hit.addEventListener("pointerdown", function (ev) {
      start = local(ev);
      hit.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    hit.addEventListener("pointermove", function (ev) {
      if (start === null) return;
      var now = local(ev);
      if (Math.abs(now - start) < 3) return;
      self.brushes[axis.key] = [self.value(axis, Math.max(start, now)), self.value(axis, Math.min(start, now))];
      self.showBrush(axis);
    });
    hit.addEventListener("pointerup", function (ev) {
      if (start === null) return;
      var now = local(ev), from = start;
      start = null;
      if (Math.abs(now - from) < 3) self.setBrush(axis, null);
      else self.setBrush(axis, [self.value(axis, Math.max(from, now)), self.value(axis, Math.min(from, now))]);
    });
    hit.addEventListener("keydown", function (ev) {
      var span = axis.range[1] - axis.range[0], step = span / 8, r = self.brushes[axis.key];
      var key = ev.key, next = null;
      if (key === "Escape" || key === "Delete" || key === "Backspace") {
        if (r) self.setBrush(axis, null);
        ev.preventDefault();
        return;
      }
      if (key === "Enter" || key === " ") {
        next = r || [axis.range[0] + span * 0.375, axis.range[0] + span * 0.625];
      } else if (key === "ArrowUp" || key === "ArrowDown") {
        var dir = key === "ArrowUp" ? 1 : -1;
        r = r || [axis.range[0] + span * 0.375, axis.range[0] + span * 0.625];
        if (ev.shiftKey) next = [r[0], Math.max(r[0] + step / 4, r[1] + dir * step)];
        else {
          var d = dir * step;
          if (r[1] + d > axis.range[1]) d = axis.range[1] - r[1];
          if (r[0] + d < axis.range[0]) d = axis.range[0] - r[0];
          next = [r[0] + d, r[1] + d];
        }
      } else {
        return;
      }
      ev.preventDefault();
      self.setBrush(axis, next);
    });
  };

  E.Parcoords = Parcoords;
})();
