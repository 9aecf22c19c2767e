"""Tricks: which models use dropout, normalization, attention, residual connections, ...

One definition for every stage that counts them: the aggregate stage (the site's trick
table and filters) and `exnet check` read these rules, so a share is the same number
everywhere. Each trick is a rule over one model record, documented next to it; a
record is scanned once into `Facts`, which the rules read. Which layer types signal
which trick is a column of the layer-type table (`exnet.layertypes`: a BatchNorm
signals batch_norm, any Attention or Transformer layer attention), so a new type that
signals a trick needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from exnet.layertypes import ATTENTION_NAME, RECURRENT, family_of, tricks_of

Record = Mapping[str, Any]


def _positive(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0


@dataclass
class Facts:
    """What the rules need from one record, gathered in one pass over its layers."""

    types: set[str] = field(default_factory=set)
    signals: set[str] = field(default_factory=set)  # tricks its layer types signal
    rnn_dropout: bool = False          # dropout / recurrent_dropout > 0 on a layer
    bidirectional: bool = False        # a recurrent layer with bidirectional = true
    pretrained_embedding: bool = False  # Embedding.from_pretrained, weights=[...]
    regularizer: bool = False          # a kernel_regularizer argument
    names: set[str] = field(default_factory=set)   # the model's and its blocks' names
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    preprocessing: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, rec: Record) -> Facts:
        f = cls(hyperparameters=rec.get("hyperparameters") or {})
        f.names = {str(n) for n in [rec.get("name"), *(rec.get("blocks") or ())] if n}
        f.preprocessing = {str(p.get("kind")) for p in rec.get("preprocessing") or ()
                           if isinstance(p, Mapping)}
        for layer in rec.get("layers") or ():
            kind = layer["type"]
            f.types.add(kind)
            embedding = family_of(kind) == "embedding"
            if embedding and "from_pretrained" in str(layer.get("api", "")):
                f.pretrained_embedding = True
            args = layer.get("args") or {}
            if not args:
                continue
            f.rnn_dropout |= _positive(args.get("dropout")) or _positive(
                args.get("recurrent_dropout"))
            f.bidirectional |= kind in RECURRENT and args.get("bidirectional") is True
            f.regularizer |= "kernel_regularizer" in args
            f.pretrained_embedding |= embedding and (
                "weights" in args or args.get("pretrained") is True)
        f.signals = {trick for kind in f.types for trick in tricks_of(kind)}
        return f

    def hp(self, name: str) -> Mapping[str, Any] | None:
        v = self.hyperparameters.get(name)
        return v if isinstance(v, Mapping) else None


def dropout(f: Facts) -> bool:
    """A Dropout layer, or a layer with dropout / recurrent_dropout > 0 (LSTM, GRU)."""
    return "dropout" in f.signals or f.rnn_dropout


def batch_norm(f: Facts) -> bool:
    """A BatchNorm layer."""
    return "batch_norm" in f.signals


def bidirectional(f: Facts) -> bool:
    """An LSTM, GRU or RNN with bidirectional = true."""
    return f.bidirectional


def attention(f: Facts) -> bool:
    """Attention of any kind: an Attention layer (Keras Attention, AdditiveAttention,
    MultiHeadAttention, PyTorch MultiheadAttention), a Transformer encoder or decoder, a
    custom attention layer type (by its name, `ATTENTION_NAME`), or a project's attention
    module inlined as a block (or the model itself, `class BiLSTMAttention`). Attention
    inside a pretrained backbone counts as a pretrained backbone, not here."""
    return "attention" in f.signals or any(ATTENTION_NAME.search(n) for n in f.names)


def layer_norm(f: Facts) -> bool:
    """A LayerNorm layer."""
    return "layer_norm" in f.signals


def residual(f: Facts) -> bool:
    """A residual (skip) connection: an Add of two branches (`out += x`, keras Add)."""
    return "residual" in f.signals


def gradient_clipping(f: Facts) -> bool:
    """The gradient_clipping hyperparameter (clip_grad_norm_, clipnorm=, clipvalue=)."""
    return f.hp("gradient_clipping") is not None


def pretrained_embeddings(f: Facts) -> bool:
    """The pretrained_embeddings hyperparameter, an "embeddings" preprocessing step, or
    an Embedding built from pretrained weights (from_pretrained, weights=[...])."""
    return (f.hp("pretrained_embeddings") is not None or "embeddings" in f.preprocessing
            or f.pretrained_embedding)


def pretrained_backbone(f: Facts) -> bool:
    """A Pretrained layer (BERT, keras.applications, torchvision/timm models, hub)."""
    return "pretrained_backbone" in f.signals


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
    return "augmentation" in f.preprocessing or "data_augmentation" in f.signals


TRICKS: dict[str, Callable[[Facts], bool]] = {
    "dropout": dropout, "batch_norm": batch_norm, "layer_norm": layer_norm,
    "bidirectional": bidirectional, "attention": attention, "residual": residual,
    "pretrained_embeddings": pretrained_embeddings,
    "pretrained_backbone": pretrained_backbone, "early_stopping": early_stopping,
    "lr_schedule": lr_schedule, "weight_decay": weight_decay,
    "gradient_clipping": gradient_clipping, "data_augmentation": data_augmentation,
}


def uses(rec: Record, trick: str) -> bool:
    """Whether one model uses one trick (the rule of TRICKS)."""
    return TRICKS[trick](Facts.of(rec))


def model_tricks(rec: Record) -> list[str]:
    """Names of the tricks a model uses, in TRICKS order."""
    facts = Facts.of(rec)
    return [name for name, rule in TRICKS.items() if rule(facts)]


