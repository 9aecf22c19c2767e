"""Layer sequences of a model record: the full sequence and its core.

Shared by aggregate (the site's sequences, Sankey views, skeletons and map) and check
(rare layer orders, nearest corpus models), so that both read a model's structure the
same way.

The *full* sequence is the record's layer types in forward order, with one change that
makes the frameworks comparable: an activation passed as an argument (Keras
`Dense(64, activation="relu")`) becomes an `Activation` step after its layer, which is
how PyTorch code writes it (`nn.Linear` then `nn.ReLU`). Recurrent layers are the
exception: their `activation` argument is internal to the cell. For DAGs (`edges` not
null) the sequence is the layer list order, which is the forward order
(docs/ARCHITECTURE.md, "Layer order").

The *core* sequence drops the layers that decorate a structure rather than define it
(HIDDEN_IN_CORE: the decoration types of the layer-type table, `exnet.layertypes`), so
that `Dense → ReLU → Dropout` and `Dense` both read `Dense`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from exnet.layertypes import DECORATION, RECURRENT

__all__ = ["HIDDEN_IN_CORE", "RECURRENT", "NO_ACTIVATION", "Seq", "full_sequence",
           "core_sequence"]

#: Types hidden in the core view (activations, dropout, normalization, reshaping).
HIDDEN_IN_CORE = DECORATION

#: Activation argument values that compute nothing (Keras' default is "linear").
NO_ACTIVATION = frozenset({"", "linear", "none", "identity"})

Seq = tuple[str, ...]


def full_sequence(record: Mapping[str, Any]) -> Seq:
    """Layer types in forward order, with activation arguments as Activation steps."""
    out: list[str] = []
    for layer in record.get("layers") or ():
        kind = layer["type"]
        out.append(kind)
        act = (layer.get("args") or {}).get("activation")
        if (kind not in RECURRENT and kind != "Activation" and isinstance(act, str)
                and act.strip().lower() not in NO_ACTIVATION):
            out.append("Activation")
    return tuple(out)


def core_sequence(full: Sequence[str]) -> Seq:
    """The full sequence without the types hidden in the core view."""
    return tuple(t for t in full if t not in HIDDEN_IN_CORE)
