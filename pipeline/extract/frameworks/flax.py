"""Flax handler: `flax.linen` (`nn`), `jax.nn`, `jax.numpy` (`jnp`), optax, and flax's
`TrainState`.

Declaring a model: a subclass of `nn.Module`, a dataclass whose annotated fields are its
constructor's arguments, with its submodules made in `setup()` and applied in
`__call__`, or made where they are applied inside an `@nn.compact __call__`; and
`nn.Sequential([...])`, whose list may hold activation functions (`nn.relu`). Layers:
`nn.Dense`, `nn.Conv` (1-, 2- or 3-D by its `kernel_size`), `nn.Embed`, recurrent cells
run over a sequence by `nn.RNN(nn.LSTMCell(...))` or by a lifted `nn.scan`,
`nn.Bidirectional`, and functions applied to arrays (`nn.relu(x)`, `nn.max_pool(x,
window_shape=(2, 2))`, `jnp.mean(x, axis=1)`, `jnp.concatenate`, `x.reshape((b, -1))`).
Training: optax optimizers (`optax.adam(1e-3)`, with `optax.chain` of clipping and
weight decay, and schedules as learning rates) and losses
(`optax.softmax_cross_entropy`), tied to a model by `TrainState.create(apply_fn=
model.apply, params=..., tx=...)`.

Flax's NNX API (`flax.nnx`: `nnx.Module` subclasses whose `__init__` makes the
submodules, with the input width given and `rngs=`) is read as the linen modules it
corresponds to (`_nnx`), and `nnx.Optimizer(model, tx)` ties `tx` to the model.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import libcst as cst

from exnet import layertypes
from exnet.extract import hyperparameters as hp
from exnet.extract import layers
from exnet.extract import vocabulary as vocab
from exnet.extract.frameworks.base import Framework, Host
from exnet.extract.program import Frame
from exnet.extract.values import (
    Const,
    FunctionRef,
    LayerObj,
    ListVal,
    Qualified,
    SequentialObj,
    Tagged,
    Tensor,
    Value,
    argument,
    is_model_object,
    plain,
    source_text,
)

_LINEN = "flax.linen."
#: Lifted transforms: `nn.scan(nn.LSTMCell, ...)` is still an LSTM cell's constructor.
_TRANSFORMS = frozenset({"scan", "remat", "checkpoint", "jit", "vmap", "map_variables"})
#: Transforms of a function that return a function computing the same (or its gradient).
_FUNCTION_TRANSFORMS = frozenset({"jax.jit", "jax.grad", "jax.value_and_grad", "jax.vmap",
                                  "jax.pmap", "jax.checkpoint", "jax.remat"})
#: For a dimension-generic name (`nn.Conv`, `nn.max_pool`), the canonical argument whose
#: length is its rank, from the layer-type table.
_RANK_FROM = {spelling.name: spelling.rank_from for row in layertypes.TYPES
              for spelling in row.flax + row.flax_functional if spelling.rank}
#: Optimizers optax names that the canonical table does not (it knows adam, sgd, ...).
_OPTAX_OPTIMIZERS = frozenset({"adabelief", "yogi", "novograd", "fromage", "lars",
                               "noisy_sgd", "sm3", "amsgrad", "adan", "polyak_sgd",
                               "optimistic_gradient_descent", "rprop", "adamaxw", "nadamw"})
_OPTAX_LOSSES = {
    "softmax_cross_entropy": "cross_entropy",
    "softmax_cross_entropy_with_integer_labels": "cross_entropy",
    "safe_softmax_cross_entropy": "cross_entropy",
    "sigmoid_binary_cross_entropy": "binary_cross_entropy",
    "l2_loss": "mse", "squared_error": "mse", "huber_loss": "huber", "hinge_loss": "hinge",
    "kl_divergence": "kl_divergence", "cosine_distance": "cosine", "ctc_loss": "ctc",
    "sigmoid_focal_loss": "focal",
}
_OPTAX_SCHEDULES = {
    "exponential_decay": "exponential", "cosine_decay_schedule": "cosine",
    "warmup_cosine_decay_schedule": "cosine_warmup",
    "warmup_exponential_decay_schedule": "exponential_warmup",
    "linear_schedule": "linear", "piecewise_constant_schedule": "piecewise",
    "polynomial_schedule": "polynomial", "join_schedules": "custom",
    "linear_onecycle_schedule": "one_cycle", "cosine_onecycle_schedule": "one_cycle",
    "constant_schedule": "constant",
}


_NNX = "flax.nnx."
#: `flax.nnx` modules as their `flax.linen` counterparts: (linen name, the leading
#: positional arguments nnx adds, nnx keyword -> linen keyword). nnx names the input
#: width too (`nnx.Linear(784, 128, rngs=rngs)` is linen's `nn.Dense(128)`).
_NNX_AS_LINEN: dict[str, tuple[str, int, dict[str, str]]] = {
    "Linear": ("Dense", 1, {"out_features": "features"}),
    "LinearGeneral": ("DenseGeneral", 1, {"out_features": "features"}),
    "Conv": ("Conv", 1, {"out_features": "features"}),
    "ConvTranspose": ("ConvTranspose", 1, {"out_features": "features"}),
    "BatchNorm": ("BatchNorm", 1, {}),
    "LayerNorm": ("LayerNorm", 1, {}),
    "RMSNorm": ("RMSNorm", 1, {}),
    "GroupNorm": ("GroupNorm", 1, {}),
    "MultiHeadAttention": ("MultiHeadDotProductAttention", 0, {}),
    "LSTMCell": ("LSTMCell", 1, {"hidden_features": "features"}),
    "OptimizedLSTMCell": ("OptimizedLSTMCell", 1, {"hidden_features": "features"}),
    "GRUCell": ("GRUCell", 1, {"hidden_features": "features"}),
    "SimpleCell": ("SimpleCell", 1, {"hidden_features": "features"}),
}


class Flax(Framework):
    name = "flax"
    modules = ("flax", "jax", "optax")
    model_bases = {"flax.linen.Module": "model", "flax.linen.module.Module": "model",
                   "flax.nnx.Module": "model", "flax.nnx.module.Module": "model"}
    setup_methods = ("setup",)
    model_constructors = frozenset({"flax.linen.Sequential", "flax.nnx.Sequential"})
    fields_are_arguments = True

    def library_call(self, host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                     node: cst.Call, frame: Frame) -> Value | None:
        last = name.rsplit(".", 1)[-1]
        if name.startswith(_LINEN) and name.count(".") == 2:
            return _linen(host, last, pos, kw, node, frame)
        if name.startswith(_NNX) and name.count(".") == 2:
            return _nnx(host, last, pos, kw, node, frame)
        if name in _FUNCTION_TRANSFORMS:
            # `jax.grad(loss_fn)(params)` runs loss_fn: to us the transform is the function
            return pos[0] if pos and isinstance(pos[0], FunctionRef) else None
        if name.startswith("jax.nn.") and name.count(".") == 2:
            return layers.functional_op(host.state, host.graph, "flax", last,
                                        source_text(node.func), pos, kw, node, frame)
        if name.startswith("jax.numpy.") and name.count(".") == 2:
            return _array_function(host, last, pos, kw, node, frame)
        if name.startswith("optax.") and name.count(".") == 1:
            return _optax(host, last, pos, kw, node, frame)
        if name.endswith("TrainState.create"):
            _train_state(host, kw, node, frame)
        if name in _TREE_MAPS:
            _descent_by_hand(host, node, frame)
        return None

    def star_import(self, name: str, module: str) -> str | None:
        if module.startswith("flax.linen") and name in vocab.FLAX:
            return f"flax.linen.{name}"
        if module.split(".")[0] in self.modules:
            return f"{module}.{name}"
        return None

    def bare_name(self, name: str) -> str | None:
        return f"flax.linen.{name}" if name in vocab.FLAX else None


# ----------------------------------------------------------------- layers, models
def _linen(host: Host, last: str, pos: list[Value], kw: dict[str, Value], node: cst.Call,
           frame: Frame) -> Value | None:
    """`nn.<Name>(...)` modules and containers, `nn.<name>(x)` functions."""
    state, api = host.state, source_text(node.func)
    if last == "Sequential":
        return _sequential(host, pos, kw, node, frame)
    if last in _TRANSFORMS:
        return pos[0] if pos and isinstance(pos[0], Qualified) else None
    if last in ("RNN", "Bidirectional"):
        return _recurrent_wrapper(last, api, pos, kw, node, frame)
    if last in vocab.FLAX:
        kind = vocab.FLAX[last]
        return layers.make_layer(state, "flax", kind.type, api,
                                 layers.canonical_args(kind, pos, kw), node, frame)
    if last in _RANK_FROM and last[:1].isupper():
        return _ranked(host, last, api, vocab.FLAX_RANKED, pos, kw, node, frame)
    if last in vocab.FLAX_FUNCTIONS or last in _RANK_FROM:
        deps = layers.deps_of(argument(pos, kw, 0, "inputs", "x"))
        if deps is None:
            return None
        layer = _ranked(host, last, api, vocab.FLAX_FUNCTIONS_RANKED, pos, kw, node, frame) \
            if last in _RANK_FROM else layers.make_layer(
                state, "flax", vocab.FLAX_FUNCTIONS[last].type, api,
                layers.canonical_args(vocab.FLAX_FUNCTIONS[last], pos, kw), node, frame)
        return host.graph.apply_layer(layer, deps, frame.module, layer.line)
    if last[:1].isupper() and last not in ("Module", "Variable"):
        return layers.make_layer(state, "flax", last, api, {}, node, frame)
    return None


def _nnx(host: Host, last: str, pos: list[Value], kw: dict[str, Value], node: cst.Call,
         frame: Frame) -> Value | None:
    """`nnx.<Name>(...)` of Flax's NNX API, read as the linen module it corresponds to;
    `nnx.Optimizer(model, tx)` trains `model` with the optax optimizer `tx`."""
    kw = {k: v for k, v in kw.items() if k != "rngs"}
    if last == "Optimizer":
        model, tx = argument(pos, kw, 0, "model"), argument(pos, kw, 1, "tx")
        if isinstance(tx, Tagged) and tx.kind == "optimizer":
            owner = model if model is not None and is_model_object(model) else None
            hp.emit_optimizer(host.state, tx, node, frame, owner,
                              rank=0 if owner is not None else 1)
        return None
    if last == "Sequential":   # `nnx.Sequential(*layers)`: linen's takes a list
        return _sequential(host, [ListVal(list(pos))], {}, node, frame)
    if last in _NNX_AS_LINEN:
        linen, extra, renamed = _NNX_AS_LINEN[last]
        # the input width is dropped only when it is there: `nnx.Conv(32, (3, 3))`, written
        # in linen's style, has none (its second argument is the kernel)
        written = len(pos) - (1 if last.startswith("Conv") and len(pos) == 2 and
                              isinstance(plain(pos[1]), (list, tuple)) else 0)
        pos = pos[extra:] if written > extra else pos
        kw = {renamed.get(k, k): v for k, v in kw.items()
              if k not in ("in_features", "num_features")}
        last = linen
    return _linen(host, last, pos, kw, node, frame)


def _ranked(host: Host, last: str, api: str, table: dict[str, vocab.Kind],
            pos: list[Value], kw: dict[str, Value], node: cst.Call, frame: Frame) -> LayerObj:
    """A dimension-generic layer (`nn.Conv`, `nn.max_pool`): its type by the rank of its
    kernel or window; its own name when that is not known."""
    for rank in (1, 2, 3):
        kind = table.get(f"{last}/{rank}")
        if kind is None:
            continue
        args = layers.canonical_args(kind, pos, kw)
        size = args.get(_RANK_FROM[last])
        if isinstance(size, list) and len(size) == rank:
            args.pop("inputs", None)
            return layers.make_layer(host.state, "flax", kind.type, api, args, node, frame)
    return layers.make_layer(host.state, "flax", last, api, {}, node, frame)


def _sequential(host: Host, pos: list[Value], kw: dict[str, Value], node: cst.Call,
                frame: Frame) -> SequentialObj:
    """`nn.Sequential([nn.Dense(128), nn.relu, nn.Dense(10)])`: an activation function
    in the list is an Activation layer."""
    first = argument(pos, kw, 0, "layers")
    items: list[Value] = []
    for item in first.items if isinstance(first, ListVal) else []:
        fn = item.name.rsplit(".", 1)[-1] if isinstance(item, Qualified) else ""
        if isinstance(item, Qualified) and fn in vocab.FLAX_FUNCTIONS and \
                item.name.startswith((_LINEN, "jax.nn.")):
            kind = vocab.FLAX_FUNCTIONS[fn]
            item = layers.make_layer(host.state, "flax", kind.type,
                                     item.name.replace(_LINEN, "nn."), dict(kind.fixed), node,
                                     frame)
        items.append(item)
    seq = SequentialObj("flax", items, frame.module.line(node), source_text(node.func),
                        layers.site(frame, node), last_line=frame.module.end_line(node))
    if not frame.in_model:
        host.state.add_candidate(seq, frame.module, seq.line)
    return seq


def _recurrent_wrapper(last: str, api: str, pos: list[Value], kw: dict[str, Value],
                       node: cst.Call, frame: Frame) -> Value | None:
    """`nn.RNN(nn.LSTMCell(128))` runs the cell over the sequence: the recurrent layer;
    `nn.Bidirectional(forward_rnn, backward_rnn)` the same, both ways."""
    inner = argument(pos, kw, 0, "cell" if last == "RNN" else "forward_rnn")
    if not isinstance(inner, LayerObj):
        return None
    args = {**inner.args, "bidirectional": True} if last == "Bidirectional" else inner.args
    return LayerObj("flax", inner.type, f"{api}({inner.api})", inner.line, dict(args),
                    layers.site(frame, node))


def _array_function(host: Host, last: str, pos: list[Value], kw: dict[str, Value],
                    node: cst.Call, frame: Frame) -> Value | None:
    """jax.numpy functions that are layers: `jnp.concatenate([a, b])`, `jnp.mean(x,
    axis=1)` (global pooling), `jnp.reshape(x, (b, -1))` (Flatten)."""
    api = source_text(node.func)
    if last in ("concatenate", "concat"):
        return layers.functional_op(host.state, host.graph, "flax", last, api, pos, kw, node,
                                    frame)
    data = argument(pos, kw, 0, "a", "x")
    if not isinstance(data, Tensor):
        return None
    if last in ("mean", "max", "amax"):
        dims = layers.pooled_dims(pos[1:], kw, "axis")
        if not dims:
            return None
        layer = layers.make_layer(host.state, "flax", layers.global_pool(last, dims), api, {},
                                  node, frame)
        return host.graph.apply_layer(layer, data.deps, frame.module, layer.line)
    if last == "reshape" and len(pos) > 1:
        return layers.tensor_method(host.state, host.graph, data, "reshape", pos[1:], {},
                                    node, frame)
    return None


# ----------------------------------------------------------------- training
_TREE_MAPS = ("jax.tree_map", "jax.tree_util.tree_map", "jax.tree.map")


def _descent_by_hand(host: Host, node: cst.Call, frame: Frame) -> None:
    """`jax.tree_map(lambda p, g: p - step_size * g, params, grads)`, the JAX tutorials'
    update: gradient descent written by hand, an SGD whose learning rate is the factor
    of the gradient."""
    fn = node.args[0].value if node.args else None
    if not isinstance(fn, cst.Lambda) or len(fn.params.params) != 2:
        return
    param, grad = (p.name.value for p in fn.params.params)
    body = fn.body
    if not (isinstance(body, cst.BinaryOperation) and isinstance(body.operator, cst.Subtract)
            and isinstance(body.left, cst.Name) and body.left.value == param
            and isinstance(body.right, cst.BinaryOperation)
            and isinstance(body.right.operator, cst.Multiply)):
        return
    sides = [body.right.left, body.right.right]
    is_grad = [isinstance(side, cst.Name) and side.value == grad for side in sides]
    if is_grad.count(True) != 1:
        return
    rate = host.eval(sides[is_grad.index(False)], frame)
    tag = hp.tagged("optimizer", "sgd", node, frame, learning_rate=rate)
    hp.emit_optimizer(host.state, tag, node, frame, None, rank=2)


def _optax(host: Host, last: str, pos: list[Value], kw: dict[str, Value], node: cst.Call,
           frame: Frame) -> Value | None:
    state = host.state
    if hp.known_optimizer(last) or last in _OPTAX_OPTIMIZERS:
        tag = hp.tagged("optimizer", hp.canonical_optimizer(last), node, frame,
                        learning_rate=argument(pos, kw, 0, "learning_rate"),
                        weight_decay=kw.get("weight_decay"),
                        momentum=argument(pos, kw, 1, "momentum") if last == "sgd"
                        else kw.get("momentum"))
        # made apart from the model: `TrainState.create(tx=...)` ties it
        hp.emit_optimizer(state, tag, node, frame, None, rank=2)
        return tag
    if last in _OPTAX_LOSSES:
        hp.emit(state, "loss", Tagged("loss", _OPTAX_LOSSES[last], frame.module.line(node),
                                      frame.module.rel, api=source_text(node.func)),
                node, frame)
        return None
    if last in _OPTAX_SCHEDULES:
        kind = _OPTAX_SCHEDULES[last]
        hp.emit(state, "lr_scheduler", Const(kind, frame.module.line(node), "literal",
                                             frame.module.rel), node, frame)
        return hp.tagged("scheduler", kind, node, frame)
    if last in ("clip_by_global_norm", "clip", "clip_by_block_rms"):
        bound = argument(pos, kw, 0, "max_norm", "max_delta", "threshold")
        value = bound if bound is not None else Const(True, frame.module.line(node))
        hp.emit(state, "gradient_clipping", value, node, frame)
        return hp.tagged("transform", "gradient_clipping", node, frame,
                         gradient_clipping=value)
    if last == "add_decayed_weights":
        return hp.tagged("transform", "weight_decay", node, frame,
                         weight_decay=argument(pos, kw, 0, "weight_decay"))
    if last == "chain":
        return _chain(pos)
    return None


def _chain(pos: list[Value]) -> Tagged | None:
    """`optax.chain(optax.clip_by_global_norm(1.0), optax.adam(lr))`: the optimizer,
    carrying the clipping and weight decay chained with it."""
    tags = [p for p in pos if isinstance(p, Tagged)]
    optimizer = next((t for t in tags if t.kind == "optimizer"), None)
    if optimizer is None:
        return None
    extra: dict[str, Any] = dict(optimizer.extra)
    for tag in tags:
        if tag.kind == "transform":
            extra.update(tag.extra)
    return replace(optimizer, extra=extra)


def _train_state(host: Host, kw: dict[str, Value], node: cst.Call, frame: Frame) -> None:
    """`TrainState.create(apply_fn=model.apply, params=params, tx=tx)`: the optimizer
    trains the model whose `apply` it is given."""
    tx = kw.get("tx")
    if not isinstance(tx, Tagged) or tx.kind != "optimizer":
        return
    target: Value | None = None
    for arg in node.args:
        value = arg.value
        if arg.keyword is not None and arg.keyword.value == "apply_fn" and \
                isinstance(value, cst.Attribute) and value.attr.value == "apply":
            target = host.eval(value.value, frame)
    model = target if target is not None and is_model_object(target) else None
    hp.emit_optimizer(host.state, tx, node, frame, model, rank=0 if model is not None else 1)


FLAX = Flax()
