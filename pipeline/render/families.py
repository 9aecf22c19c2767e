"""Render stage: layer families, the one colour key of the site.

Every layer type (and every "block × N" token) belongs to a family; chips, Sankey nodes
and the layer chart colour a type by its family, so that recurrent layers look alike on
every page. The colours live in the stylesheet (`--fam-<family>` variables); Python only
names the family.
"""

from __future__ import annotations

import functools
import re

#: Families in legend order; "other" takes every type not listed below.
FAMILIES = ("embedding", "recurrent", "convolution", "pooling", "dense", "attention",
            "pretrained", "normalization", "regularization", "activation", "reshape",
            "merge", "other", "marker")

_BY_TYPE = {
    "Embedding": "embedding",
    "LSTM": "recurrent", "GRU": "recurrent", "RNN": "recurrent",
    "Dense": "dense",
    "Attention": "attention", "TransformerEncoder": "attention",
    "TransformerDecoder": "attention", "Transformer": "attention",
    "Pretrained": "pretrained",
    "BatchNorm": "normalization", "LayerNorm": "normalization",
    "Dropout": "regularization",
    "Activation": "activation",
    "Flatten": "reshape", "Reshape": "reshape",
    "Concatenate": "merge", "Add": "merge", "Multiply": "merge",
    "(start)": "marker", "(end)": "marker", "…": "marker", "Other": "other",
}
_PATTERNS = (
    (re.compile(r"^(Separable|Depthwise)?Conv(Transpose)?\dD$"), "convolution"),
    (re.compile(r"^(Global)?(Max|Avg)Pool\dD$"), "pooling"),
)
_FIRST_TYPE = re.compile(r"^\(?\s*([^\s→×()]+)")


@functools.lru_cache(maxsize=4096)
def family_of(token: str) -> str:
    """The family of a layer type or of a collapsed token ("(Conv2D → MaxPool2D) × 3"
    belongs to its first type's family)."""
    if token in _BY_TYPE:
        return _BY_TYPE[token]
    match = _FIRST_TYPE.match(token)
    kind = match.group(1) if match else token
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    for pattern, family in _PATTERNS:
        if pattern.match(kind):
            return family
    return "other"
