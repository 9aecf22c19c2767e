"""Layer distribution: models per type, share, occurrences, per framework."""

from __future__ import annotations

from typing import Any

from exnet.aggregate.layer_counts import layer_distribution


def model(framework: str, types: str) -> dict[str, Any]:
    return {"framework": framework,
            "layers": [{"type": t, "api": t, "line": 1, "args": {}} for t in types.split()]}


def test_layer_distribution_exact() -> None:
    records = [model("keras", "Embedding LSTM Dense Dense"),
               model("keras", "Conv2D MaxPool2D Conv2D MaxPool2D Flatten Dense"),
               model("keras", "Embedding GRU Dropout Dense"),
               model("pytorch", "Embedding LSTM Dense Activation")]
    out = {d["type"]: d for d in layer_distribution(records)}
    assert [d["type"] for d in layer_distribution(records)] == [
        "Dense", "Embedding", "LSTM", "Activation", "Conv2D", "Dropout", "Flatten", "GRU",
        "MaxPool2D"]
    assert out["Dense"] == {"type": "Dense", "models": 4, "share": 1.0, "layers": 5,
                            "core": True, "by_framework": {
                                "keras": {"models": 3, "share": 1.0},
                                "pytorch": {"models": 1, "share": 1.0}}}
    assert out["Embedding"]["models"] == 3 and out["Embedding"]["share"] == 0.75
    assert out["Embedding"]["by_framework"]["keras"] == {"models": 2, "share": 0.6667}
    assert out["LSTM"]["by_framework"] == {"keras": {"models": 1, "share": 0.3333},
                                           "pytorch": {"models": 1, "share": 1.0}}
    assert (out["Conv2D"]["models"], out["Conv2D"]["layers"]) == (1, 2)
    assert out["Activation"]["core"] is False and out["Dropout"]["core"] is False


def test_no_layers() -> None:
    assert layer_distribution([model("keras", "")]) == []
    assert layer_distribution([]) == []
