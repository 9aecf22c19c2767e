"""Aggregate stage: an estimated parameter count per model.

Estimated, never guessed: a model gets a count only when every layer's size is known
from the code, else None. Sizes come from the layer's own arguments (PyTorch writes
`in_features`, `input_size`, `in_channels`, `num_features`) or, failing that, from the
shape carried along the data flow, Keras-style: the first layer's `input_shape` /
`input_dim` / `input_length`, then each layer's output shape (the chain for
sequential models, `edges` for DAGs). Pretrained backbones and unknown layer types
have no known size, so their models get None.

Counts follow each framework's own bookkeeping: Keras LSTM/GRU/RNN have one bias
vector per gate (GRU with reset_after, the TF2 default, has two), PyTorch two; Keras
BatchNormalization counts its moving mean and variance (4 per channel), PyTorch 2.
A layer listed twice (a module called twice) is counted twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

#: Dims without the batch axis; None for an unknown dim. (None,) is "some tensor whose
#: size is unknown", and a bare None an output nothing is known about.
Shape = tuple[int | None, ...]
_GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
_NO_PARAMS = {"Dropout", "Activation", "Flatten", "Reshape", "Concatenate", "Add",
              "Multiply", "Subtract", "Average", "Maximum", "Minimum"}


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def _ints(v: Any, n: int) -> list[int] | None:
    """An int or a list of n ints (kernel_size 3 or [3, 3])."""
    if _int(v) is not None:
        return [v] * n
    if isinstance(v, (list, tuple)) and len(v) == n and all(_int(x) is not None for x in v):
        return list(v)
    return None


def _last(shape: Shape | None) -> int | None:
    return shape[-1] if shape else None


def _spatial(shape: Shape | None, n: int, kernel: list[int], strides: list[int],
             padding: Any, out_channels: int | None) -> Shape:
    dims = list(shape[:-1]) if shape and len(shape) == n + 1 else [None] * n
    out: list[int | None] = []
    for size, k, s in zip(dims, kernel, strides):
        if size is None or s == 0:
            out.append(None)
        elif padding == "same":
            out.append(math.ceil(size / s))
        elif padding in (None, "valid") or _int(padding) is not None:
            p = _int(padding) or 0
            out.append((size + 2 * p - k) // s + 1)
        else:
            out.append(None)
    return tuple(out) + (out_channels,)


def _input_shape(args: Mapping[str, Any], kind: str) -> Shape | None:
    """Input shape written on a model's first layer, if any."""
    for key in ("input_shape", "batch_input_shape"):
        v = args.get(key)
        if isinstance(v, (list, tuple)) and v:
            dims = list(v[1:] if key == "batch_input_shape" else v)
            return tuple(_int(x) for x in dims)
    if kind == "Embedding":
        return (_int(args.get("input_length")),)
    if _int(args.get("input_dim")) is not None:
        return (args["input_dim"],)
    return None


def layer_params(layer: Mapping[str, Any], shape: Shape | None,
                 framework: str) -> tuple[int | None, Shape | None]:
    """(parameter count or None, output shape or None) of one layer given its input."""
    kind = layer["type"]
    args = layer.get("args") or {}
    api = str(layer.get("api", ""))
    bias = args.get("use_bias", args.get("bias", True)) is not False
    d = _last(shape)
    out: Shape | None
    if kind == "Dense":
        u, n_in = _int(args.get("units")), _int(args.get("in_features")) or d
        out = (shape[:-1] if shape else (None,)) + (u,)
        return (n_in * u + (u if bias else 0) if u and n_in else None), out
    if kind == "Embedding":
        v, e = _int(args.get("input_dim")), _int(args.get("output_dim"))
        out = ((shape[0] if shape else None), e)
        return (v * e if v is not None and e is not None else None), out
    if kind in _GATES:
        h = _int(args.get("units"))
        n_in = _int(args.get("input_size")) or d
        dirs = 2 if args.get("bidirectional") is True else 1
        layers = _int(args.get("num_layers")) or 1
        if framework == "keras":
            biases = 2 if kind == "GRU" and args.get("reset_after", True) is not False else 1
        else:
            biases = 2
        seq_len = shape[0] if shape and len(shape) > 1 else None
        keep = framework != "keras" or args.get("return_sequences") is True
        out = None
        if h:
            out = (seq_len, h * dirs) if keep else (h * dirs,)
        if not h or not n_in:
            return None, out
        total, size = 0, n_in
        for _ in range(layers):
            total += dirs * _GATES[kind] * (size * h + h * h + biases * h)
            size = h * dirs
        return total, out
    if kind.startswith(("Conv", "SeparableConv", "DepthwiseConv")) and kind[-2:] in (
            "1D", "2D", "3D"):
        n = int(kind[-2])
        kernel = _ints(args.get("kernel_size"), n)
        strides = _ints(args.get("strides", 1), n) or [1] * n
        c = _int(args.get("in_channels")) or d
        f = _int(args.get("filters"))
        if kind.startswith("Depthwise"):
            mult = _int(args.get("depth_multiplier")) or 1
            f = c * mult if c else None
        out = (_spatial(shape, n, kernel, strides, args.get("padding"), f)
               if kernel else None)
        if not (kernel and c and f):
            return None, out
        k = math.prod(kernel)
        groups = _int(args.get("groups")) or 1
        if kind.startswith("Separable"):
            return c * k + c * f + (f if bias else 0), out
        if kind.startswith("Depthwise"):
            return c * k * (f // c) + (f if bias else 0), out
        return f * (c // groups) * k + (f if bias else 0), out
    if "Pool" in kind:
        if kind.startswith("Global"):
            return 0, (d,)
        n = int(kind[-2]) if kind[-2:] in ("1D", "2D", "3D") else 1
        pool = _ints(args.get("pool_size", 2), n)
        if pool is None:
            return 0, None
        steps = _ints(args.get("strides"), n) or pool
        return 0, _spatial(shape, n, pool, steps, args.get("padding"), d)
    if kind in ("BatchNorm", "LayerNorm"):
        norm = args.get("normalized_shape")
        c = _int(args.get("num_features")) or _int(norm)
        if c is None and isinstance(norm, list) and norm and _ints(norm, len(norm)):
            c = math.prod(norm)
        c = c or d
        per = 4 if kind == "BatchNorm" and framework == "keras" else 2
        return (per * c if c else None), shape
    if kind == "Flatten":
        if shape and all(x is not None for x in shape):
            return 0, (math.prod(x for x in shape if x is not None),)
        return 0, (None,)
    if kind == "Reshape":
        target = args.get("target_shape")
        if isinstance(target, (list, tuple)) and all(_int(x) is not None for x in target):
            return 0, tuple(target)
        return 0, None
    if kind == "Attention":
        e = _int(args.get("embed_dim"))
        if "MultiheadAttention" in api and e:            # PyTorch: q, k, v, out projections
            return 4 * e * e + 4 * e, shape
        heads, key = _int(args.get("num_heads")), _int(args.get("key_dim"))
        if "MultiHeadAttention" in api:                  # Keras
            return ((4 * d * heads * key + 3 * heads * key + d)
                    if heads and key and d else None), shape
        if api.split(".")[-1] == "Attention" and framework == "keras":
            return 0, shape                              # dot-product, no weights
        return None, shape
    if kind == "TransformerEncoder":
        e, ff = _int(args.get("d_model")), _int(args.get("dim_feedforward")) or 2048
        layers = _int(args.get("num_layers")) or 1
        if not e:
            return None, shape
        # attention 4E²+4E, feed-forward 2·E·FF + FF + E, two LayerNorms 4E
        return layers * (4 * e * e + 4 * e + 2 * e * ff + ff + e + 4 * e), shape
    if kind in _NO_PARAMS:
        return 0, shape
    return None, None


def _merge_inputs(kind: str, shapes: list[Shape | None]) -> Shape | None:
    if not shapes:
        return None
    if kind == "Concatenate" and len(shapes) > 1:
        lasts = [_last(s) for s in shapes]
        first = shapes[0]
        if first and all(x is not None for x in lasts):
            return tuple(first[:-1]) + (sum(x for x in lasts if x is not None),)
        return (None,)
    return shapes[0]


def estimate_params(record: Mapping[str, Any]) -> int | None:
    """Total estimated parameters of a model record, None if any layer is unknown."""
    layers: Sequence[Mapping[str, Any]] = record.get("layers") or ()
    if not layers:
        return None
    framework = record.get("framework", "")
    edges = record.get("edges")
    preds: dict[int, list[int]] = {}
    if edges:
        for e in edges:
            if isinstance(e, (list, tuple)) and len(e) == 2:
                preds.setdefault(e[1], []).append(e[0])
    outputs: list[Shape | None] = []
    total = 0
    for j, layer in enumerate(layers):
        src = preds.get(j, []) if edges else ([j - 1] if j else [])
        src = [i for i in src if 0 <= i < j]
        if src:
            shape = _merge_inputs(layer["type"], [outputs[i] for i in src])
        else:
            shape = _input_shape(layer.get("args") or {}, layer["type"])
        count, out = layer_params(layer, shape, framework)
        outputs.append(out)
        if count is None:
            return None
        total += count
    return total
