"""Render stage: how values, charts and families read (values.py, charts.py, families.py)."""

from __future__ import annotations

from typing import Any

import pytest

from exnet.render.charts import parcoords_axes, task_charts
from exnet.render.families import family_of
from exnet.render.values import format_count, format_share, format_value, label, layer_brief


@pytest.mark.parametrize("value, text", [
    (64, "64"), (0.001, "0.001"), (2e-05, "2e-05"), (1.0, "1"), (True, "true"), (None, "None"),
    ("relu", "relu"), ([3, 3], "(3, 3)"), ({"b": 1, "a": [1]}, '{"a": [1], "b": 1}'),
    ("x" * 100, "x" * 79 + "…"),
])
def test_format_value(value: Any, text: str) -> None:
    assert format_value(value) == text


@pytest.mark.parametrize("layer, brief", [
    ({"type": "LSTM", "args": {"units": 128, "bidirectional": True}}, "128 bi"),
    ({"type": "Conv2D", "args": {"filters": 64, "kernel_size": [3, 3], "activation": "relu"}},
     "64 k3×3 relu"),
    ({"type": "Embedding", "args": {"input_dim": 20000, "output_dim": 100}}, "20000→100"),
    ({"type": "Dropout", "args": {"rate": 0.5}}, "0.5"),
    ({"type": "Flatten", "args": {}}, ""), ({"type": "X", "args": "not a dict"}, ""),
])
def test_layer_brief(layer: dict[str, Any], brief: str) -> None:
    assert layer_brief(layer) == brief


def test_counts_shares_labels() -> None:
    assert [format_count(n) for n in (950, 12_300, 2_117_377, 1.2e9, None)] == \
        ["950", "12.3K", "2.12M", "1.2B", "unknown"]
    assert [format_share(s) for s in (0.5, 0.1667, 0.004, 0)] == ["50%", "17%", "0.4%", "0%"]
    assert label("learning_rate") == "Learning rate" and label("my_thing") == "My thing"


@pytest.mark.parametrize("token, family", [
    ("LSTM", "recurrent"), ("Conv2D", "convolution"), ("SeparableConv2D", "convolution"),
    ("GlobalMaxPool1D", "global_pooling"), ("MaxPool2D", "pooling"),
    ("AdaptiveAvgPool2d", "pooling"), ("(Conv2D → MaxPool2D) × 3", "convolution"),
    ("Dense × 2", "dense"), ("(start)", "marker"), ("CapsuleLayer", "other"),
    ("<script>", "other"), ("BatchNorm", "normalization"), ("GroupNorm", "normalization"),
    # a project's own classes, by their names, as the edit distance places them
    ("SelfAttention × 2", "attention"), ("DepthwiseSeparableConvolution", "convolution"),
])
def test_families(token: str, family: str) -> None:
    assert family_of(token) == family


def test_every_chart_has_a_title_and_axis_titles() -> None:
    dims = [{"key": "optimizer", "label": "Optimizer", "kind": "categorical",
             "cats": ["adam", "sgd"], "values": [0, 1, None]},
            {"key": "learning_rate", "label": "Learning rate", "kind": "numeric",
             "scale": "log10", "axis": "log", "values": [1e-3, 5e-3, None]}]
    charts = task_charts(dims)
    plotly_charts = [charts["layers"], *charts["hyper"].values(), *charts["facets"].values()]
    for chart in plotly_charts:
        assert chart["title"]
        layout = chart["layout"]
        assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]
    assert charts["sankey"]["title"] and charts["sankey"]["axes"]
    assert charts["parcoords"]["title"]
    assert [a["label"] for a in charts["parcoords"]["axes"]] == ["Optimizer", "Learning rate"]
    assert charts["hyper"]["learning_rate"]["axis"] == "log"
    assert "log scale" in charts["hyper"]["learning_rate"]["layout"]["xaxis"]["title"]["text"]


def test_parcoords_axes_put_missing_values_below_the_range() -> None:
    [axis] = parcoords_axes([{"key": "batch_size", "label": "Batch size", "kind": "numeric",
                              "scale": "log2", "values": [16, 64, None]}])
    assert axis["range"][1] == 6 and axis["na"] < 4
    assert axis["ticktext"][0] == "n/a" and "16" in axis["ticktext"] and "64" in axis["ticktext"]
