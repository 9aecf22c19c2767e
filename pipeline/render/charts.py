"""Render stage: plotly figure specs (layouts, titles, axis labels).

The browser computes the data of every chart from the current selection of models, so
Python prepares everything else: the layout of each figure as plotly JSON (title, axis
titles, margins, fonts), each distribution's kind of axis, and the parallel
coordinates axes. Keeping the specs here makes "every chart has a title and axis labels"
a property of one module that the tests check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from exnet.render.values import format_count, format_number, shorten

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        "size": 13, "color": "#1f2328"}
#: Plotly config shared by every chart: no logo, no link to plotly's cloud, responsive.
CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False,
          "modeBarButtonsToRemove": ["lasso2d", "select2d"], "toImageButtonOptions": {
              "format": "png", "scale": 2}}
#: The map zooms (drag, or the buttons) and selects an area (box or lasso) to filter.
MAP_CONFIG = {**CONFIG, "modeBarButtonsToRemove": ["autoScale2d"]}


def _layout(x_title: str | None, y_title: str | None, *, height: int = 300,
            **extra: Any) -> dict[str, Any]:
    """A plotly layout; the chart's title is a <figcaption> above it (it wraps on narrow
    screens, and screen readers announce it), so the layout carries axis titles only."""
    layout: dict[str, Any] = {
        "font": FONT, "height": height, "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff", "margin": {"l": 56, "r": 16, "t": 12, "b": 56},
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": "#1f2328"}, "align": "left"},
    }
    if x_title is not None:
        layout["xaxis"] = {"title": {"text": x_title}, "automargin": True,
                           "gridcolor": "#e6e8eb", "fixedrange": True}
    if y_title is not None:
        layout["yaxis"] = {"title": {"text": y_title}, "automargin": True,
                           "gridcolor": "#e6e8eb", "fixedrange": True}
    layout.update(extra)
    return layout


def _chart(title: str, layout: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"title": title, "layout": layout, **extra}


def _tick(v: float) -> str:
    """Bin edges: 1e-4 for small powers of ten, 10K / 1M for large numbers."""
    if v >= 1000:
        return format_count(v)
    if v != 0 and abs(v) < 1e-3:
        exponent = math.log10(abs(v))
        if abs(exponent - round(exponent)) < 1e-9:
            return f"1e{round(exponent)}"
        return f"{v:.0e}".replace("e-0", "e-")
    return format_number(v)


def layer_chart() -> dict[str, Any]:
    """Models using each layer type, stacked by framework (horizontal bars)."""
    return _chart("Layer types: how many models use each", _layout(
        "models", "layer type", height=480, barmode="stack",
        legend={"orientation": "h", "y": -0.15, "x": 0, "traceorder": "normal"},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True,
               "title": {"text": "layer type"}},
        margin={"l": 110, "r": 16, "t": 12, "b": 72}))


def sankey_chart() -> dict[str, Any]:
    """The structure overview: layer positions run left to right (its x axis)."""
    return _chart("Layer sequences: which layer follows which, position by position",
                  _layout(None, None, height=560, margin={"l": 8, "r": 8, "t": 8, "b": 8}),
                  axes="x: position in the layer sequence; band width: number of models")


def hyperparameter_chart(dim: Mapping[str, Any]) -> dict[str, Any]:
    """A distribution: one bar per value for sizes and counts ("discrete"), bins of a
    decade or a third of one on a log axis for rates ("log"), horizontal bars for
    categories. The browser draws the bars, the median and the middle half of the
    selected models, and their table."""
    name = dim.get("title") or dim["label"].lower()
    if dim["kind"] == "numeric":
        axis = dim.get("axis", "discrete")
        x_title = name + (" (log scale)" if axis == "log" else " (one bar per value)")
        return _chart(dim["label"], _layout(x_title, "models", barmode="overlay",
                                            showlegend=False, bargap=0.15), axis=axis)
    return _chart(dim["label"], _layout("models", name, barmode="overlay", showlegend=False,
                                        bargap=0.2, yaxis={
                                            "autorange": "reversed", "automargin": True,
                                            "fixedrange": True, "title": {"text": name}}))


#: An axis of the parallel coordinates needs a value for this share of the models.
PARCOORDS_MIN_SHARE = 0.1


def parcoords_axes(dims: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Axes of the parallel coordinates: transformed ranges, ticks, and the "n/a" stop
    below each axis where models without the value sit. Hyperparameters that few models
    set (under PARCOORDS_MIN_SHARE, or a single model) would be lines of "n/a" only;
    their histograms still show them."""
    axes = []
    for dim in dims:
        if dim.get("layer"):
            continue            # a layer's argument, not a training setting
        known = sum(v is not None for v in dim["values"])
        if known < max(2, PARCOORDS_MIN_SHARE * len(dim["values"])):
            continue
        if dim["kind"] == "categorical":
            cats = list(dim["cats"])
            axes.append({"key": dim["key"], "label": dim["label"], "kind": "categorical",
                         "na": -1, "range": [-1, max(len(cats) - 1, 0)],
                         "tickvals": [-1, *range(len(cats))],
                         "ticktext": ["n/a", *(shorten(c, 16) for c in cats)]})
            continue
        scale = dim.get("scale", "linear")
        values = [v for v in dim["values"] if v is not None and (scale == "linear" or v > 0)]
        if not values:
            continue
        t = [_transform(v, scale) for v in values]
        lo, hi = (min(t), max(t)) if scale == "linear" else (
            float(math.floor(min(t))), float(math.ceil(max(t))))
        if hi == lo:
            pad = abs(lo) / 2 if scale == "linear" and lo else 1
            lo, hi = (lo - pad, hi + pad) if scale == "linear" else (lo, hi + 1)
        step = (hi - lo) / 8
        na = lo - step
        if scale == "linear":
            tickvals = [lo + (hi - lo) * i / 4 for i in range(5)]
            ticktext = [format_number(round(v, 6)) for v in tickvals]
        else:
            every = max(1, math.ceil((hi - lo + 1) / 7))     # at most about 7 ticks
            tickvals = list(range(int(lo), int(hi) + 1, every))
            base = 10 if scale == "log10" else 2
            ticktext = [_tick(base ** k) if base == 10 else format_number(2 ** k)
                        for k in tickvals]
        axes.append({"key": dim["key"], "label": dim["label"], "kind": "numeric",
                     "scale": scale, "na": na, "range": [na, hi],
                     "tickvals": [na, *tickvals], "ticktext": ["n/a", *ticktext]})
    return axes


def _transform(v: float, scale: str) -> float:
    if scale == "log10":
        return math.log10(v)
    if scale == "log2":
        return math.log2(v)
    return float(v)


def parcoords_title() -> str:
    """The parallel coordinates are drawn by the site's own code (exnet-parcoords.js),
    not by plotly; only their title and axes come from here."""
    return "Hyperparameters per model"


def map_chart() -> dict[str, Any]:
    """The 2-D projection of the models by layer-sequence distance."""
    return _chart("Model map: models with similar layer sequences sit close together",
                  _layout("map axis 1 (similarity of layer sequences)", "map axis 2",
                          height=620, hovermode="closest",
                          legend={"title": {"text": "Framework"}},
                          xaxis={"title": {"text": "map axis 1 (similarity of layer sequences)"},
                                 "zeroline": False, "gridcolor": "#e6e8eb", "automargin": True},
                          yaxis={"title": {"text": "map axis 2"}, "zeroline": False,
                                 "gridcolor": "#e6e8eb", "automargin": True,
                                 "scaleanchor": "x"}))


#: Facets drawn as distributions in the "datasets and preprocessing" section.
FACET_CHARTS = (("dataset", "Datasets: which data the models are trained on", "dataset"),
                ("prep", "Input preparation: what is done to the data first", "step"))


def facet_chart(title: str, axis: str) -> dict[str, Any]:
    """Models per value of a facet (horizontal bars)."""
    return _chart(title, _layout("models", axis, barmode="overlay", showlegend=False,
                                 bargap=0.2, yaxis={"autorange": "reversed",
                                                    "automargin": True, "fixedrange": True,
                                                    "title": {"text": axis}}))


def task_charts(dims: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """All chart specs of the task page, as embedded for the browser code."""
    return {"config": CONFIG, "layers": layer_chart(), "sankey": sankey_chart(),
            "hyper": {d["key"]: hyperparameter_chart(d) for d in dims},
            "facets": {key: facet_chart(title, axis) for key, title, axis in FACET_CHARTS},
            "parcoords": {"title": parcoords_title(), "axes": parcoords_axes(dims)}}
