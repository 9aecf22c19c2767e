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

Which formula a layer type follows is a column of the layer-type table
(`exnet.layertypes`, with its constants: an LSTM has 4 gates); FORMULAS implements each
formula by name. A type with no row, or whose formula is "unknown", has no known size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exnet import layertypes

#: Dims without the batch axis; None for an unknown dim. (None,) is "some tensor whose
#: size is unknown", and a bare None an output nothing is known about.
Shape = tuple[int | None, ...]
#: (parameter count or None, output shape or None)
Estimate = tuple[int | None, Shape | None]


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
    if _formula(kind).name == "embedding":
        return (_int(args.get("input_length")),)
    if _int(args.get("input_dim")) is not None:
        return (args["input_dim"],)
    return None


@dataclass(frozen=True)
class LayerIn:
    """What a formula reads: one layer, the shape that reaches it, and the constants of
    its type's formula in the table."""

    kind: str
    args: Mapping[str, Any]
    api: str
    framework: str
    shape: Shape | None
    constants: Mapping[str, int]

    @property
    def d(self) -> int | None:
        """The size of the input's last axis (features, channels)."""
        return _last(self.shape)

    @property
    def bias(self) -> bool:
        return self.args.get("use_bias", self.args.get("bias", True)) is not False


def _dense(x: LayerIn) -> Estimate:
    u, n_in = _int(x.args.get("units")), _int(x.args.get("in_features")) or x.d
    out = (x.shape[:-1] if x.shape else (None,)) + (u,)
    return (n_in * u + (u if x.bias else 0) if u and n_in else None), out


def _embedding(x: LayerIn) -> Estimate:
    v, e = _int(x.args.get("input_dim")), _int(x.args.get("output_dim"))
    out = ((x.shape[0] if x.shape else None), e)
    return (v * e if v is not None and e is not None else None), out


def _recurrent(x: LayerIn) -> Estimate:
    """`gates` weight blocks per direction and layer, each input·h + h·h + biases·h."""
    args, shape = x.args, x.shape
    h = _int(args.get("units"))
    n_in = _int(args.get("input_size")) or x.d
    dirs = 2 if args.get("bidirectional") is True else 1
    layers = _int(args.get("num_layers")) or 1
    if x.framework == "keras":
        # a Keras GRU with reset_after (the TF2 default) has two bias vectors per gate
        reset_after = x.constants.get("keras_reset_after") and \
            args.get("reset_after", True) is not False
        biases = 2 if reset_after else 1
    else:
        biases = 2
    seq_len = shape[0] if shape and len(shape) > 1 else None
    keep = x.framework != "keras" or args.get("return_sequences") is True
    out = None
    if h:
        out = (seq_len, h * dirs) if keep else (h * dirs,)
    if not h or not n_in:
        return None, out
    total, size = 0, n_in
    for _ in range(layers):
        total += dirs * x.constants["gates"] * (size * h + h * h + biases * h)
        size = h * dirs
    return total, out


def _conv_parts(x: LayerIn, f: int | None) -> tuple[Shape | None, list[int] | None]:
    """(output shape, kernel) of a convolution with f filters."""
    n = x.constants["rank"]
    kernel = _ints(x.args.get("kernel_size"), n)
    strides = _ints(x.args.get("strides", 1), n) or [1] * n
    out = _spatial(x.shape, n, kernel, strides, x.args.get("padding"), f) if kernel else None
    return out, kernel


def _channels(x: LayerIn) -> int | None:
    return _int(x.args.get("in_channels")) or x.d


def _conv(x: LayerIn) -> Estimate:
    c, f = _channels(x), _int(x.args.get("filters"))
    out, kernel = _conv_parts(x, f)
    if not (kernel and c and f):
        return None, out
    groups = _int(x.args.get("groups")) or 1
    return f * (c // groups) * math.prod(kernel) + (f if x.bias else 0), out


def _separable_conv(x: LayerIn) -> Estimate:
    c, f = _channels(x), _int(x.args.get("filters"))
    out, kernel = _conv_parts(x, f)
    if not (kernel and c and f):
        return None, out
    return c * math.prod(kernel) + c * f + (f if x.bias else 0), out


def _depthwise_conv(x: LayerIn) -> Estimate:
    c = _channels(x)
    f = c * (_int(x.args.get("depth_multiplier")) or 1) if c else None
    out, kernel = _conv_parts(x, f)
    if not (kernel and c and f):
        return None, out
    return c * math.prod(kernel) * (f // c) + (f if x.bias else 0), out


def _pool(x: LayerIn) -> Estimate:
    n = x.constants["rank"]
    pool = _ints(x.args.get("pool_size", 2), n)
    if pool is None:
        return 0, None
    steps = _ints(x.args.get("strides"), n) or pool
    return 0, _spatial(x.shape, n, pool, steps, x.args.get("padding"), x.d)


def _global_pool(x: LayerIn) -> Estimate:
    return 0, (x.d,)


def _normalization(x: LayerIn) -> Estimate:
    """Scale and shift per channel; Keras' BatchNormalization also counts its moving
    mean and variance (keras_per_channel)."""
    norm = x.args.get("normalized_shape")
    c = _int(x.args.get("num_features")) or _int(norm)
    if c is None and isinstance(norm, list) and norm and _ints(norm, len(norm)):
        c = math.prod(norm)
    c = c or x.d
    per = x.constants.get("keras_per_channel", 2) if x.framework == "keras" else 2
    return (per * c if c else None), x.shape


def _flatten(x: LayerIn) -> Estimate:
    if x.shape and all(v is not None for v in x.shape):
        return 0, (math.prod(v for v in x.shape if v is not None),)
    return 0, (None,)


def _reshape(x: LayerIn) -> Estimate:
    target = x.args.get("target_shape")
    if isinstance(target, (list, tuple)) and all(_int(v) is not None for v in target):
        return 0, tuple(target)
    return 0, None


def _attention(x: LayerIn) -> Estimate:
    e, d = _int(x.args.get("embed_dim")), x.d
    if "MultiheadAttention" in x.api and e:             # PyTorch: q, k, v, out projections
        return 4 * e * e + 4 * e, x.shape
    heads, key = _int(x.args.get("num_heads")), _int(x.args.get("key_dim"))
    if "MultiHeadAttention" in x.api:                   # Keras
        return ((4 * d * heads * key + 3 * heads * key + d)
                if heads and key and d else None), x.shape
    if x.api.split(".")[-1] == "Attention" and x.framework == "keras":
        return 0, x.shape                               # dot-product, no weights
    return None, x.shape


def _transformer(x: LayerIn) -> Estimate:
    """Per layer: `attention_blocks` attentions of 4E²+4E, a feed-forward of
    2·E·FF + FF + E, and `norms` LayerNorms of 2E."""
    e, ff = _int(x.args.get("d_model")), _int(x.args.get("dim_feedforward")) or 2048
    layers = _int(x.args.get("num_layers")) or 1
    if not e:
        return None, x.shape
    attention = x.constants["attention_blocks"] * (4 * e * e + 4 * e)
    return layers * (attention + 2 * e * ff + ff + e + x.constants["norms"] * 2 * e), x.shape


def _passthrough(x: LayerIn) -> Estimate:
    return 0, x.shape


def _unknown(x: LayerIn) -> Estimate:
    return None, None


#: The formulas of the layer-type table, by name.
FORMULAS: dict[str, Callable[[LayerIn], Estimate]] = {
    "dense": _dense, "embedding": _embedding, "recurrent": _recurrent, "conv": _conv,
    "separable_conv": _separable_conv, "depthwise_conv": _depthwise_conv, "pool": _pool,
    "global_pool": _global_pool, "normalization": _normalization, "flatten": _flatten,
    "reshape": _reshape, "attention": _attention, "transformer": _transformer,
    "passthrough": _passthrough, "concatenate": _passthrough, "unknown": _unknown,
}


def _formula(kind: str) -> layertypes.Formula:
    """The type's formula in the table; "unknown" for a type with no row."""
    row = layertypes.get(kind)
    return row.params if row is not None else layertypes.UNKNOWN


def layer_params(layer: Mapping[str, Any], shape: Shape | None, framework: str) -> Estimate:
    """(parameter count or None, output shape or None) of one layer given its input."""
    kind = layer["type"]
    rule = _formula(kind)
    return FORMULAS[rule.name](LayerIn(kind, layer.get("args") or {},
                                       str(layer.get("api", "")), framework, shape,
                                       rule.constants))


def _merge_inputs(kind: str, shapes: list[Shape | None]) -> Shape | None:
    if not shapes:
        return None
    if _formula(kind).name == "concatenate" and len(shapes) > 1:
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
