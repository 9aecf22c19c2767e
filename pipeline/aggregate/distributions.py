"""Aggregate stage: hyperparameter and layer-argument distributions.

Only resolved values count: a hyperparameter found as an unresolved expression
(`how == "expression"`, its value is source text) is counted as "unresolved", and a
value of the wrong kind (text where a number is expected) as "non_numeric"; neither
enters the statistics. Layer arguments count once per layer (a model with three Conv2D
layers gives three filter values); "models" says how many models contributed.

Numeric entries carry min, quartiles and max (linear interpolation, pandas' default),
the most common values, and a histogram whose bins suit the variable: powers of ten for
learning rate and weight decay, powers of two for sizes and counts (batch size, epochs,
units, filters), fixed widths for rates and kernel sizes. Bins are left-closed [a, b).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

#: (name, kind, histogram scale, bin width for "linear")
HYPERPARAMETERS: tuple[tuple[str, str, str, float], ...] = (
    ("optimizer", "categorical", "", 0),
    ("learning_rate", "numeric", "log10", 0),
    ("batch_size", "numeric", "log2", 0),
    ("epochs", "numeric", "log2", 0),
    ("loss", "categorical", "", 0),
    ("weight_decay", "numeric", "log10", 0),
    ("momentum", "numeric", "linear", 0.1),
    ("max_sequence_length", "numeric", "log2", 0),
    ("pretrained_embeddings", "categorical", "", 0),
)
_CONV = ("Conv1D", "Conv2D", "Conv3D")
#: (name, layer types, argument, histogram scale, bin width for "linear")
LAYER_ARGUMENTS: tuple[tuple[str, tuple[str, ...], str, str, float], ...] = (
    ("LSTM.units", ("LSTM",), "units", "log2", 0),
    ("GRU.units", ("GRU",), "units", "log2", 0),
    ("Dense.units", ("Dense",), "units", "log2", 0),
    ("Dropout.rate", ("Dropout",), "rate", "linear", 0.1),
    ("Conv.filters", _CONV, "filters", "log2", 0),
    ("Conv.kernel_size", _CONV, "kernel_size", "linear", 1),
    ("Embedding.output_dim", ("Embedding",), "output_dim", "log2", 0),
    ("Embedding.input_dim", ("Embedding",), "input_dim", "log10", 0),
)
_TOP = 10
_MAX_BINS = 60


def clean_number(x: float) -> int | float:
    """10 significant digits (so 0.1 + 0.2 prints as 0.3); integral values as int."""
    v = float(f"{float(x):.10g}")
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


def _is_number(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v))


def histogram(values: Sequence[float], scale: str, width: float = 0) -> dict[str, Any]:
    """Left-closed bins; "log10"/"log2" bins are [b^k, b^(k+1)) and skip values <= 0."""
    v = np.asarray([x for x in values if scale == "linear" or x > 0], dtype=np.float64)
    if not len(v):
        return {"scale": scale, "edges": [], "counts": []}
    if scale == "linear":
        w = width
        while (math.floor(v.max() / w + 1e-9) - math.floor(v.min() / w + 1e-9)) >= _MAX_BINS:
            w *= 10
        k = np.floor(v / w + 1e-9).astype(np.int64)
        edges = [clean_number(i * w) for i in range(int(k.min()), int(k.max()) + 2)]
    else:
        base = 10.0 if scale == "log10" else 2.0
        k = np.floor(np.log(v) / np.log(base) + 1e-9).astype(np.int64)
        edges = [clean_number(base ** i) for i in range(int(k.min()), int(k.max()) + 2)]
    counts = np.bincount(k - k.min(), minlength=len(edges) - 1)
    return {"scale": scale, "edges": edges, "counts": [int(c) for c in counts]}


def _top(values: Sequence[Any]) -> list[list[Any]]:
    counts = pd.Series(list(values), dtype=object).value_counts(sort=False)
    items = sorted(counts.items(), key=lambda kv: (-kv[1], str(type(kv[0])), kv[0]))
    return [[k, int(n)] for k, n in items]


def numeric_summary(values: Sequence[float], scale: str, width: float = 0) -> dict[str, Any]:
    """Count, min, quartiles, max, most common values and histogram of numbers."""
    if not values:
        return {"n": 0}
    s = pd.Series(values, dtype=np.float64)
    q = s.quantile([0.25, 0.5, 0.75]).tolist()
    return {
        "n": len(values),
        "min": clean_number(s.min()), "q1": clean_number(q[0]),
        "median": clean_number(q[1]), "q3": clean_number(q[2]),
        "max": clean_number(s.max()),
        "top": [[clean_number(k), n] for k, n in _top([clean_number(x) for x in values])][:_TOP],
        "histogram": histogram(values, scale, width),
    }


def hyperparameter_distributions(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One entry per name in HYPERPARAMETERS (see module docstring)."""
    out: dict[str, Any] = {}
    for name, kind, scale, width in HYPERPARAMETERS:
        values: list[Any] = []
        unresolved = non_numeric = 0
        for rec in records:
            hp = (rec.get("hyperparameters") or {}).get(name)
            if not isinstance(hp, Mapping):
                continue
            v = hp.get("value")
            if hp.get("how") == "expression":
                unresolved += 1
            elif kind == "numeric" and _is_number(v):
                values.append(v)
            elif kind == "categorical" and isinstance(v, (str, int, float, bool)):
                values.append(v.lower() if isinstance(v, str) else v)
            else:
                non_numeric += 1
        entry: dict[str, Any] = {"kind": kind, "models": len(values),
                                 "missing": len(records) - len(values) - unresolved - non_numeric,
                                 "unresolved": unresolved, "non_numeric": non_numeric}
        if kind == "numeric":
            entry.update(numeric_summary(values, scale, width))
        else:
            entry["n"] = len(values)
            entry["top"] = _top(values)
        out[name] = entry
    return out


def _arg_value(name: str, v: Any) -> Any:
    """kernel_size 3 and [3, 3] are the same kernel; [1, 7] stays "1x7" (not numeric)."""
    if name.endswith("kernel_size") and isinstance(v, list) and v and all(
            _is_number(x) for x in v):
        return v[0] if len(set(v)) == 1 else "x".join(str(x) for x in v)
    return v


def layer_argument_distributions(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One entry per name in LAYER_ARGUMENTS (see module docstring)."""
    specs_of: dict[str, list[int]] = {}
    for k, (_, types, _, _, _) in enumerate(LAYER_ARGUMENTS):
        for t in types:
            specs_of.setdefault(t, []).append(k)
    numbers: list[list[float]] = [[] for _ in LAYER_ARGUMENTS]
    other: list[list[Any]] = [[] for _ in LAYER_ARGUMENTS]
    layers = [0] * len(LAYER_ARGUMENTS)
    models: list[set[int]] = [set() for _ in LAYER_ARGUMENTS]
    for i, rec in enumerate(records):               # one pass over all layers
        for layer in rec["layers"]:
            for k in specs_of.get(layer["type"], ()):
                name, _, arg, _, _ = LAYER_ARGUMENTS[k]
                layers[k] += 1
                v = _arg_value(name, (layer.get("args") or {}).get(arg))
                if _is_number(v):
                    numbers[k].append(v)
                    models[k].add(i)
                elif isinstance(v, str) and "x" in v and name.endswith("kernel_size"):
                    other[k].append(v)
                    models[k].add(i)
    out: dict[str, Any] = {}
    for k, (name, _, _, scale, width) in enumerate(LAYER_ARGUMENTS):
        entry: dict[str, Any] = {"kind": "numeric", "layers": layers[k],
                                 "models": len(models[k]),
                                 "missing": layers[k] - len(numbers[k]) - len(other[k])}
        entry.update(numeric_summary(numbers[k], scale, width))
        if other[k]:
            entry["non_square"] = _top(other[k])
        out[name] = entry
    return out
