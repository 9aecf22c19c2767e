"""Tricks: one rule per trick, and their counts overall and per framework."""

from __future__ import annotations

from typing import Any

import pytest

from exnet.aggregate.tricks import TRICKS, model_tricks, summarise_tricks


def layer(kind: str, api: str = "", **args: Any) -> dict[str, Any]:
    return {"type": kind, "api": api or kind, "line": 1, "args": args}


def hp(value: Any, how: str = "literal") -> dict[str, Any]:
    return {"value": value, "file": "train.py", "line": 1, "how": how}


def rec(layers: list[dict[str, Any]] | None = None, hyper: dict[str, Any] | None = None,
        preprocessing: list[dict[str, Any]] | None = None, name: str = "Net",
        blocks: list[str] | None = None) -> dict[str, Any]:
    return {"name": name, "layers": layers or [], "hyperparameters": hyper or {},
            "preprocessing": preprocessing or [], "blocks": blocks or []}


@pytest.mark.parametrize(("record", "tricks"), [
    (rec([layer("Dense")]), []),
    (rec([layer("Dropout", rate=0.5)]), ["dropout"]),
    (rec([layer("LSTM", units=8, recurrent_dropout=0.2)]), ["dropout"]),
    (rec([layer("LSTM", units=8, dropout=0)]), []),
    (rec([layer("BatchNorm")]), ["batch_norm"]),
    (rec([layer("LayerNorm")]), ["layer_norm"]),
    (rec([layer("Conv2D"), layer("Add")]), ["residual"]),
    (rec([layer("MultiheadAttention")]), ["attention"]),
    (rec([layer("SelfAttn")]), ["attention"]),
    (rec([layer("LSTM"), layer("Dense")], name="BiLSTMAttention"), ["attention"]),
    (rec([layer("LSTM"), layer("Dense")], blocks=["AdditiveAttention"]), ["attention"]),
    (rec([layer("Dense")], blocks=["ResidualBlock"]), []),
    (rec(hyper={"gradient_clipping": hp(1.0)}), ["gradient_clipping"]),
    (rec([layer("GRU", bidirectional=True)]), ["bidirectional"]),
    (rec([layer("Dense", bidirectional=True)]), []),
    (rec([layer("TransformerEncoder")]), ["attention"]),
    (rec([layer("Attention")]), ["attention"]),
    (rec([layer("Embedding", "nn.Embedding.from_pretrained")]), ["pretrained_embeddings"]),
    (rec([layer("Embedding", weights="embedding_matrix")]), ["pretrained_embeddings"]),
    (rec(hyper={"pretrained_embeddings": hp("glove")}), ["pretrained_embeddings"]),
    (rec(preprocessing=[{"kind": "embeddings", "api": "KeyedVectors.load", "file": "a.py",
                         "line": 1, "args": {}}]), ["pretrained_embeddings"]),
    (rec([layer("Pretrained", name="resnet50")]), ["pretrained_backbone"]),
    (rec(hyper={"early_stopping": hp(True)}), ["early_stopping"]),
    (rec(hyper={"early_stopping": hp(False)}), []),
    (rec(hyper={"lr_scheduler": hp("ReduceLROnPlateau")}), ["lr_schedule"]),
    (rec(hyper={"weight_decay": hp(1e-4)}), ["weight_decay"]),
    (rec(hyper={"weight_decay": hp(0)}), []),
    (rec(hyper={"weight_decay": hp("cfg.wd", "expression")}), ["weight_decay"]),
    (rec(hyper={"optimizer": hp("AdamW")}), ["weight_decay"]),
    (rec([layer("Dense", kernel_regularizer="l2")]), ["weight_decay"]),
    (rec([layer("RandomFlip"), layer("Conv2D")]), ["data_augmentation"]),
    (rec([layer("Randomizer")]), []),
    (rec(preprocessing=[{"kind": "augmentation", "api": "T.RandomCrop", "file": "a.py",
                         "line": 1, "args": {}}]), ["data_augmentation"]),
    (rec([layer("Dropout"), layer("BatchNorm"), layer("LSTM", bidirectional=True)],
         {"early_stopping": hp(True)}), ["dropout", "batch_norm", "bidirectional",
                                         "early_stopping"]),
])
def test_rules(record: dict[str, Any], tricks: list[str]) -> None:
    assert model_tricks(record) == tricks


def test_summary_per_framework() -> None:
    out = summarise_tricks([["dropout"], ["dropout", "batch_norm"], [], ["dropout"]],
                           ["keras", "keras", "pytorch", "pytorch"])
    assert list(out) == list(TRICKS)
    assert out["dropout"] == {"models": 3, "share": 0.75, "by_framework": {
        "keras": {"models": 2, "share": 1.0}, "pytorch": {"models": 1, "share": 0.5}}}
    assert out["batch_norm"]["by_framework"]["pytorch"] == {"models": 0, "share": 0.0}
    assert out["attention"]["models"] == 0
