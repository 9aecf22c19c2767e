"""Aggregate stage: tricks — which models use dropout, batch norm, attention, ...

Each trick is a rule over one model, documented next to it; the summary gives the
number and share of models per trick, overall and per framework, and each model row
lists its tricks (the site filters on them). A record's layers are scanned once into
`Facts`, which the rules read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

Record = Mapping[str, Any]


def _positive(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0


@dataclass
class Facts:
    """What the rules need from one record, gathered in one pass over its layers."""

    types: set[str] = field(default_factory=set)
    rnn_dropout: bool = False          # dropout / recurrent_dropout > 0 on a layer
    bidirectional: bool = False        # a recurrent layer with bidirectional = true
    pretrained_embedding: bool = False  # Embedding.from_pretrained, weights=[...]
    regularizer: bool = False          # a kernel_regularizer argument
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    preprocessing: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, rec: Record) -> Facts:
        f = cls(hyperparameters=rec.get("hyperparameters") or {})
        f.preprocessing = {str(p.get("kind")) for p in rec.get("preprocessing") or ()
                           if isinstance(p, Mapping)}
        for layer in rec.get("layers") or ():
            kind = layer["type"]
            f.types.add(kind)
            if kind == "Embedding" and "from_pretrained" in str(layer.get("api", "")):
                f.pretrained_embedding = True
            args = layer.get("args") or {}
            if not args:
                continue
            f.rnn_dropout |= _positive(args.get("dropout")) or _positive(
                args.get("recurrent_dropout"))
            f.bidirectional |= kind in ("LSTM", "GRU", "RNN") and args.get(
                "bidirectional") is True
            f.regularizer |= "kernel_regularizer" in args
            f.pretrained_embedding |= kind == "Embedding" and (
                "weights" in args or args.get("pretrained") is True)
        return f

    def hp(self, name: str) -> Mapping[str, Any] | None:
        v = self.hyperparameters.get(name)
        return v if isinstance(v, Mapping) else None


def dropout(f: Facts) -> bool:
    """A Dropout layer, or a layer with dropout / recurrent_dropout > 0 (LSTM, GRU)."""
    return "Dropout" in f.types or f.rnn_dropout


def batch_norm(f: Facts) -> bool:
    """A BatchNorm layer."""
    return "BatchNorm" in f.types


def bidirectional(f: Facts) -> bool:
    """An LSTM, GRU or RNN with bidirectional = true."""
    return f.bidirectional


def attention(f: Facts) -> bool:
    """An explicit Attention or TransformerEncoder/Decoder layer (attention inside a
    pretrained backbone counts as a pretrained backbone, not here)."""
    return bool(f.types & {"Attention", "TransformerEncoder", "TransformerDecoder"})


def pretrained_embeddings(f: Facts) -> bool:
    """The pretrained_embeddings hyperparameter, an "embeddings" preprocessing step, or
    an Embedding built from pretrained weights (from_pretrained, weights=[...])."""
    return (f.hp("pretrained_embeddings") is not None or "embeddings" in f.preprocessing
            or f.pretrained_embedding)


def pretrained_backbone(f: Facts) -> bool:
    """A Pretrained layer (BERT, keras.applications, torchvision/timm models, hub)."""
    return "Pretrained" in f.types


def early_stopping(f: Facts) -> bool:
    """The early_stopping hyperparameter, unless its value is false or 0."""
    hp = f.hp("early_stopping")
    return hp is not None and hp.get("value") not in (False, 0)


def lr_schedule(f: Facts) -> bool:
    """The lr_scheduler hyperparameter (any scheduler or callback)."""
    return f.hp("lr_scheduler") is not None


def weight_decay(f: Facts) -> bool:
    """weight_decay > 0 (or unresolved), the AdamW optimizer (decoupled decay is on by
    default in both frameworks), or a layer with a kernel_regularizer (Keras' L2)."""
    hp = f.hp("weight_decay")
    if hp is not None and (hp.get("how") == "expression" or _positive(hp.get("value"))):
        return True
    opt = f.hp("optimizer")
    return (opt is not None and str(opt.get("value", "")).lower() == "adamw") or f.regularizer


def data_augmentation(f: Facts) -> bool:
    """An "augmentation" preprocessing step, or a Keras Random* preprocessing layer
    (RandomFlip, RandomRotation, ...) in the model."""
    return "augmentation" in f.preprocessing or any(
        t.startswith("Random") and t[6:7].isupper() for t in f.types)


TRICKS: dict[str, Callable[[Facts], bool]] = {
    "dropout": dropout, "batch_norm": batch_norm, "bidirectional": bidirectional,
    "attention": attention, "pretrained_embeddings": pretrained_embeddings,
    "pretrained_backbone": pretrained_backbone, "early_stopping": early_stopping,
    "lr_schedule": lr_schedule, "weight_decay": weight_decay,
    "data_augmentation": data_augmentation,
}


def model_tricks(rec: Record) -> list[str]:
    """Names of the tricks a model uses, in TRICKS order."""
    facts = Facts.of(rec)
    return [name for name, rule in TRICKS.items() if rule(facts)]


def summarise_tricks(tricks: Sequence[Sequence[str]],
                     frameworks: Sequence[str]) -> dict[str, Any]:
    """Per trick: models, share, and the same per framework (share of that framework)."""
    total = len(tricks)
    per_fw = pd.Series(list(frameworks), dtype=object).value_counts().to_dict()
    rows = [(t, fw) for ts, fw in zip(tricks, frameworks) for t in ts]
    df = pd.DataFrame(rows, columns=["trick", "framework"])
    counts = df.groupby(["trick", "framework"]).size().to_dict()
    out: dict[str, Any] = {}
    for name in TRICKS:
        by_fw = {fw: int(counts.get((name, fw), 0)) for fw in per_fw}
        used = sum(by_fw.values())
        out[name] = {
            "models": used,
            "share": round(used / total, 4) if total else 0.0,
            "by_framework": {fw: {"models": by_fw[fw], "share": round(by_fw[fw] / n, 4)}
                             for fw, n in sorted(per_fw.items())},
        }
    return out
