"""Sankey: nodes (step, label), links with model rows, views, "Other", "…", alignment."""

from __future__ import annotations

from typing import Any

from exnet.aggregate import Options, build_summary


def layer(kind: str, **args: Any) -> dict[str, Any]:
    return {"type": kind, "api": kind, "line": 1, "args": args}


def model(project: str, layers: list[dict[str, Any]], framework: str = "keras") -> dict[str, Any]:
    return {"schema": "exnet.model/1", "project": project, "file": "model.py", "cell": None,
            "span": [1, 9], "name": "m", "framework": framework, "style": "sequential",
            "layers": layers, "edges": None, "hyperparameters": {}, "datasets": []}


KERAS_LSTM = model("a/keras", [layer("Embedding", input_dim=100, output_dim=8),
                               layer("LSTM", units=8),
                               layer("Dense", units=1, activation="sigmoid")])
TORCH_LSTM = model("b/torch", [layer("Embedding", input_dim=100, output_dim=8),
                               layer("LSTM", units=8, input_size=8),
                               layer("Dense", units=1, in_features=8),
                               layer("Activation", function="sigmoid")], "pytorch")
GRU = model("c/gru", [layer("Embedding"), layer("GRU"), layer("Dropout"), layer("Dense")])
CNN = model("d/cnn", [layer("Embedding"), layer("Conv1D"), layer("GlobalMaxPool1D"),
                      layer("Dense")])
CORPUS = [CNN, GRU, TORCH_LSTM, KERAS_LSTM]     # input order does not matter: rows by id


def view(records: list[dict[str, Any]], name: str, **options: Any) -> dict[str, Any]:
    return build_summary(records, options=Options(**options))["sankey"]["views"][name]


def readable(v: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Links as ((step, label), (step, label), rows) for order-free comparison."""
    nodes = v["nodes"]
    return {(tuple(nodes[s][:2]), tuple(nodes[t][:2]), tuple(rows)) for s, t, rows in v["links"]}


def test_core_input_view_exact() -> None:
    v = view(CORPUS, "core.input")
    assert v["nodes"] == [
        [-1, "(start)", 4], [0, "Embedding", 4], [1, "Conv1D", 1], [1, "GRU", 1],
        [1, "LSTM", 2], [2, "Dense", 3], [2, "GlobalMaxPool1D", 1], [3, "(end)", 3],
        [3, "Dense", 1], [4, "(end)", 1]]
    assert v["links"] == [
        [0, 1, [0, 1, 2, 3]], [1, 2, [3]], [1, 3, [2]], [1, 4, [0, 1]], [2, 6, [3]],
        [3, 5, [2]], [4, 5, [0, 1]], [5, 7, [0, 1, 2]], [6, 8, [3]], [8, 9, [3]]]


def test_keras_and_pytorch_models_of_one_structure_share_every_link() -> None:
    summary = build_summary(CORPUS)
    rows = summary["models"]["rows"]
    assert [r[0] for r in rows[:2]] == ["a/keras:model.py:1:m", "b/torch:model.py:1:m"]
    assert rows[0][8] == rows[1][8] and rows[0][9] == rows[1][9]   # same core, same full
    for name, v in summary["sankey"]["views"].items():
        on_path = [link for link in v["links"] if 0 in link[2]]
        assert on_path, name
        for link in v["links"]:
            assert (0 in link[2]) == (1 in link[2]), (name, link)
    full = readable(summary["sankey"]["views"]["full.input"])
    assert (((2, "Dense"), (3, "Activation"), (0, 1))) in full


def test_output_view_lines_up_the_classifier_head() -> None:
    v = view(CORPUS, "core.output")
    assert v["nodes"] == [
        [-5, "(start)", 1], [-4, "(start)", 3], [-4, "Embedding", 1], [-3, "Conv1D", 1],
        [-3, "Embedding", 3], [-2, "GRU", 1], [-2, "GlobalMaxPool1D", 1], [-2, "LSTM", 2],
        [-1, "Dense", 4], [0, "(end)", 4]]
    assert ((-1, "Dense"), (0, "(end)"), (0, 1, 2, 3)) in readable(v)


def test_long_models_are_cut_with_an_ellipsis_node() -> None:
    v = view(CORPUS, "core.input", max_depth=3)
    links = readable(v)
    assert ((2, "GlobalMaxPool1D"), (3, "…"), (3,)) in links
    assert ((3, "…"), (4, "(end)"), (3,)) in links
    assert ((2, "Dense"), (3, "(end)"), (0, 1, 2)) in links
    out = readable(view(CORPUS, "core.output", max_depth=3))
    assert ((-5, "(start)"), (-4, "…"), (3,)) in out
    assert ((-4, "…"), (-3, "Conv1D"), (3,)) in out


def test_rare_types_merge_into_other() -> None:
    summary = build_summary(CORPUS, options=Options(other_min_share=0.5))
    assert summary["sankey"]["other_min_models"] == 2
    assert summary["sankey"]["other"]["core"] == ["Conv1D", "GRU", "GlobalMaxPool1D"]
    assert summary["sankey"]["other"]["full"] == ["Conv1D", "Dropout", "GRU",
                                                  "GlobalMaxPool1D"]
    v = summary["sankey"]["views"]["core.input"]
    assert [1, "Other", 2] in v["nodes"] and [2, "Other", 1] in v["nodes"]
    assert ((1, "Other"), (2, "Dense"), (2,)) in readable(v)
    assert ((1, "Other"), (2, "Other"), (3,)) in readable(v)


def test_aligned_view_puts_corresponding_layers_in_one_column() -> None:
    conv = model("c/conv", [layer("Embedding"), layer("Conv1D"), layer("LSTM"), layer("Dense")])
    v = view([KERAS_LSTM, TORCH_LSTM, conv], "core.aligned")
    assert v["nodes"] == [[-1, "(start)", 3], [0, "Embedding", 3], [1, "Conv1D", 1],
                          [2, "LSTM", 3], [3, "Dense", 3], [4, "(end)", 3]]
    assert v["links"] == [[0, 1, [0, 1, 2]], [1, 2, [2]], [1, 3, [0, 1]], [2, 3, [2]],
                          [3, 4, [0, 1, 2]], [4, 5, [0, 1, 2]]]


def test_collapsed_views_show_repeated_blocks() -> None:
    vgg = model("v/vgg", [layer("Conv2D", activation="relu"), layer("MaxPool2D")] * 3
                + [layer("Flatten"), layer("Dense", activation="relu"), layer("Dense")])
    summary = build_summary([vgg])
    core = summary["sankey"]["views"]["core.collapsed"]
    assert [n[1] for n in core["nodes"]] == ["(start)", "(Conv2D → MaxPool2D) × 3",
                                             "Dense × 2", "(end)"]
    full = summary["sankey"]["views"]["full.collapsed"]
    assert [n[1] for n in full["nodes"]] == [
        "(start)", "(Conv2D → Activation → MaxPool2D) × 3", "Flatten", "Dense",
        "Activation", "Dense", "(end)"]
    assert summary["sequences"]["core"]["rows"] == [[
        ["Conv2D", "MaxPool2D"] * 3 + ["Dense", "Dense"],
        ["(Conv2D → MaxPool2D) × 3", "Dense × 2"], 1]]


def test_a_model_without_layers_still_goes_from_start_to_end() -> None:
    empty = model("e/empty", [])
    v = view([empty], "core.input")
    assert v == {"nodes": [[-1, "(start)", 1], [0, "(end)", 1]], "links": [[0, 1, [0]]]}
