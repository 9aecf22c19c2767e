"""Skeletons: the most common core sequences and their variations as edits."""

from __future__ import annotations

from typing import Any

from exnet.aggregate import Options, build_summary


def model(project: str, types: str) -> dict[str, Any]:
    return {"schema": "exnet.model/1", "project": project, "file": "m.py", "cell": None,
            "span": [1, 2], "name": "m", "framework": "keras", "style": "sequential",
            "layers": [{"type": t, "api": t, "line": 1, "args": {}} for t in types.split()],
            "edges": None, "hyperparameters": {}, "datasets": []}


CORPUS = [
    model("a/1", "Embedding LSTM Dense"),
    model("a/2", "Embedding LSTM Dropout Dense"),       # same core as the first
    model("a/3", "Embedding LSTM Dense Activation"),
    model("b/1", "Embedding Conv1D LSTM Dense"),
    model("b/2", "Embedding Conv1D Activation LSTM Dense"),
    model("c/1", "Embedding GRU Dense"),
    model("d/1", "Embedding LSTM Dense Dense"),
    model("e/1", "Conv2D MaxPool2D Conv2D MaxPool2D Flatten Dense"),
    model("f/1", ""),                                  # no layers: never a skeleton
]


def test_sequence_table_is_ordered_by_count() -> None:
    rows = build_summary(CORPUS)["sequences"]["core"]["rows"]
    assert [(r[0], r[2]) for r in rows] == [
        (["Embedding", "LSTM", "Dense"], 3),
        (["Embedding", "Conv1D", "LSTM", "Dense"], 2),
        ([], 1),
        (["Conv2D", "MaxPool2D", "Conv2D", "MaxPool2D", "Dense"], 1),
        (["Embedding", "GRU", "Dense"], 1),
        (["Embedding", "LSTM", "Dense", "Dense"], 1),
    ]


def test_skeletons_and_their_variations() -> None:
    skeletons = build_summary(CORPUS)["skeletons"]
    assert [s["sequence"] for s in skeletons] == [0, 1, 3, 4, 5]
    first = skeletons[0]
    assert first["collapsed"] == ["Embedding", "LSTM", "Dense"]
    assert (first["models"], first["share"], first["support"]) == (3, 0.3333, 7)
    # radius = min(2.0, 3 / 2): neighbours up to 1.5 edits; nearest, then most common
    assert first["variations"] == [
        {"sequence": 4, "models": 1, "distance": 0.5,
         "edits": [["replace", 1, "LSTM", "GRU"]]},
        {"sequence": 1, "models": 2, "distance": 1.0, "edits": [["insert", 1, "Conv1D"]]},
        {"sequence": 5, "models": 1, "distance": 1.0, "edits": [["insert", 3, "Dense"]]},
    ]
    second = skeletons[1]
    assert second["support"] == 7
    assert second["variations"] == [
        {"sequence": 0, "models": 3, "distance": 1.0, "edits": [["remove", 1, "Conv1D"]]},
        {"sequence": 4, "models": 1, "distance": 1.5,
         "edits": [["remove", 1, "Conv1D"], ["replace", 2, "LSTM", "GRU"]]},
        {"sequence": 5, "models": 1, "distance": 2.0,
         "edits": [["remove", 1, "Conv1D"], ["insert", 4, "Dense"]]},
    ]
    cnn = skeletons[2]
    assert cnn["collapsed"] == ["(Conv2D → MaxPool2D) × 2", "Dense"]
    assert (cnn["support"], cnn["variations"]) == (1, [])


def test_skeleton_and_variation_limits() -> None:
    summary = build_summary(CORPUS, options=Options(skeletons=1, variations=1,
                                                    variation_radius=0.5))
    assert len(summary["skeletons"]) == 1
    assert summary["skeletons"][0]["support"] == 4
    assert [v["sequence"] for v in summary["skeletons"][0]["variations"]] == [4]
