"""Making layers: what every framework handler shares to turn a call into model structure.

A handler (`frameworks`) knows which of its library's names make a layer; this module
makes it: a `LayerObj` with canonical type and arguments (`canonical_args`, through the
vocabulary), a pretrained backbone, a functional op (`F.relu(x)`, `tf.concat`,
`torch.flatten`) or a tensor method (`x.view(b, -1)`, `x.mean(dim=1)`) applied as a node
of the graph. Nothing here names a framework's modules.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from exnet.extract import vocabulary as vocab
from exnet.extract.graph import Graph
from exnet.extract.program import Frame
from exnet.extract.state import State
from exnet.extract.values import (
    LayerObj,
    ListVal,
    Qualified,
    Tensor,
    Unbound,
    Value,
    argument,
    json_safe,
    plain,
    source_text,
)


def site(frame: Frame, node: cst.CSTNode) -> tuple[str, int, int]:
    """Where a layer object is made: (file, line, the node's identity)."""
    return (frame.module.rel, frame.module.line(node), id(node))


def _activation(value: Value) -> str | None:
    if isinstance(value, Qualified):
        return vocab.activation_name(value.name.split(".")[-1])
    v = plain(value)
    return vocab.activation_name(v) if isinstance(v, str) else None


def canonical_args(kind: vocab.Kind, pos: list[Value], kw: dict[str, Value]) -> dict[str, Any]:
    """Constructor arguments under their canonical names; unresolved ones are left out."""
    raw: dict[str, Value] = {}
    for i, value in enumerate(pos[: len(kind.positional)]):
        raw[kind.positional[i]] = value
    for key, value in kw.items():
        if key in kind.rename:
            raw[kind.rename[key]] = value
    args: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("activation", "function"):
            act = _activation(value)
            if act is not None:
                args[key] = act
        elif key == vocab.INNER_LAYER:
            if isinstance(value, LayerObj):
                args.update({k: v for k, v in value.args.items() if k != "num_layers"})
        else:
            v = json_safe(plain(value))
            if v is not None:
                args[key] = v
    args.update(kind.fixed)
    return args


def make_layer(state: State, framework: str, type_: str, api: str, args: dict[str, Any],
               node: cst.Call, frame: Frame) -> LayerObj:
    state.built += 1
    return LayerObj(framework, type_, api, frame.module.line(node), args, site(frame, node))


def pretrained(state: State, framework: str, name: str | None, node: cst.Call,
               frame: Frame, trainable: Any = None) -> LayerObj:
    """A pretrained backbone: one `Pretrained` layer, and a model of its own when it is
    not made inside a model class."""
    args: dict[str, Any] = {}
    if name:
        args["name"] = name
    if isinstance(trainable, bool):
        args["trainable"] = trainable
    layer = make_layer(state, framework, "Pretrained", source_text(node.func), args, node,
                       frame)
    if not frame.in_model:
        state.add_candidate(layer, frame.module, layer.line)
    return layer


#: Hub checkpoints (`transformers`, and the libraries before it) loaded by class name.
_TRANSFORMERS_SKIP = ("Tokenizer", "Config", "Processor", "FeatureExtractor", "Pipeline")
_HUB_LIBRARIES = ("transformers.", "efficientnet_pytorch.", "pytorch_pretrained_bert",
                  "pytorch_transformers.", "simpletransformers")
_HUB_CLASSES = ("TF", "Bert", "Auto", "Distil", "Roberta", "XLNet", "Albert", "Electra")


def hub_checkpoint(name: str, pos: list[Value],
                   kw: dict[str, Value]) -> tuple[str, str | None] | None:
    """`X.from_pretrained("bert-base-uncased")` of a model class: (the class, the
    checkpoint if written), or None when `name` is no such call (a tokenizer's)."""
    if not name.endswith(".from_pretrained") or any(s in name for s in _TRANSFORMERS_SKIP):
        return None
    cls = name.rsplit(".", 2)[-2]
    if not name.startswith(_HUB_LIBRARIES) and not cls.startswith(_HUB_CLASSES):
        return None
    first = plain(pos[0]) if pos else None
    checkpoint = first if isinstance(first, str) else plain(
        kw.get("pretrained_model_name_or_path"))
    return cls, checkpoint if isinstance(checkpoint, str) else None


# ----------------------------------------------------------------- functional ops
def functional_op(state: State, graph: Graph, framework: str, last: str, api: str,
                  pos: list[Value], kw: dict[str, Value], node: cst.Call, frame: Frame,
                  reductions: bool = False) -> Value | None:
    """A function applied to tensors that is a layer of the model (`F.relu(x)`,
    `tf.nn.softmax(x)`, `torch.cat([a, b])`, `F.max_pool2d(x, 2)`), named by the last
    part of its name: a node of the graph, or None when it is not one. `reductions`:
    `mean`/`max` over a dimension are global pooling (`torch.mean(x, dim=1)`)."""
    deps = deps_of(argument(pos, kw, 0, "input", "x"))
    if last in ("cat", "concat", "concatenate"):
        layer = make_layer(state, framework, "Concatenate", api, {}, node, frame)
        return graph.apply_layer(layer, deps_of(pos[0] if pos else kw.get("tensors")) or (),
                                 frame.module, layer.line)
    if deps is None:
        return None
    made = _functional_type(last, pos, kw, reductions)
    if made is None:
        return None
    if isinstance(made, Tensor):
        return Tensor(deps)
    type_, args, more = made
    layer = make_layer(state, framework, type_, api, args, node, frame)
    return graph.apply_layer(layer, deps + more, frame.module, layer.line)


def _functional_type(last: str, pos: list[Value], kw: dict[str, Value], reductions: bool
                     ) -> tuple[str, dict[str, Any], tuple[int, ...]] | Tensor | None:
    """(type, args, other inputs) of a functional op; a Tensor for an op that passes its
    input through (an adaptive pool to another size), None for no layer."""
    args: dict[str, Any] = {}
    if last in vocab.ACTIVATION_FUNCTIONS:
        return "Activation", {"function": vocab.ACTIVATION_FUNCTIONS[last]}, ()
    if last == "dropout":
        rate = plain(kw.get("p", pos[1] if len(pos) > 1 else None)) if len(pos) > 1 or \
            "p" in kw else None
        if isinstance(rate, (int, float)) and not isinstance(rate, bool):
            args = {"rate": rate}
        return "Dropout", args, ()
    if last in vocab.FUNCTIONAL_POOLS:
        size = json_safe(plain(pos[1])) if len(pos) > 1 else None
        return vocab.FUNCTIONAL_POOLS[last], {"pool_size": size} if size is not None else {}, ()
    if last in vocab.FUNCTIONAL_GLOBAL:
        size = plain(pos[1]) if len(pos) > 1 else plain(kw.get("output_size")) \
            if "output_size" in kw else None
        if size not in (1, [1], [1, 1]):
            return Tensor(())
        return vocab.FUNCTIONAL_GLOBAL[last], {}, ()
    if last in ("flatten", "reshape"):
        return last.capitalize(), {}, ()
    if last in ("mean", "max", "amax") and reductions and pooled_dims(pos[1:], kw):
        return global_pool(last, pooled_dims(pos[1:], kw)), {}, ()
    if last in ("add", "mul", "multiply") and len(pos) > 1:
        return "Add" if last == "add" else "Multiply", {}, deps_of(pos[1]) or ()
    return None


def tensor_method(state: State, graph: Graph, receiver: Tensor, method: str,
                  pos: list[Value], kw: dict[str, Value], node: cst.Call,
                  frame: Frame) -> Value:
    """`x.view(...)`, `x.relu()` ...: a node for the methods that are layers, else the
    same tensor passed through (indexing, permute, squeeze are plumbing)."""
    deps = receiver.deps
    extra = deps_of(ListVal(list(pos) + list(kw.values())))
    if method in ("view", "reshape"):
        shape = [plain(p) for p in pos]
        if len(shape) == 1 and isinstance(pos[0], ListVal):
            shape = [plain(p) for p in pos[0].items]
        # Any 2-D view, `x.view(-1, 16 * 5 * 5)` or `x.view(x.size(0), -1)`, flattens the
        # features of each example for a Dense layer.
        type_ = "Flatten" if len(shape) == 2 or shape == [-1] else "Reshape"
    elif method == "flatten":
        type_ = "Flatten"
    elif method in ("mean", "max", "amax") and pooled_dims(pos, kw):
        type_ = global_pool(method, pooled_dims(pos, kw))
    elif method in vocab.ACTIVATION_FUNCTIONS:
        type_ = "Activation"
    else:
        return Tensor(deps + (extra or ()))
    args = {"function": vocab.ACTIVATION_FUNCTIONS[method]} if type_ == "Activation" else {}
    layer = LayerObj("pytorch", type_, f"Tensor.{method}", frame.module.line(node), args,
                     site(frame, node))
    return graph.apply_layer(layer, deps, frame.module, layer.line)


def pooled_dims(pos: list[Value], kw: dict[str, Value], name: str = "dim") -> list[int]:
    """The dimensions a `mean`/`max` reduces over, when given (`x.mean(dim=1)`)."""
    dim = plain(kw[name]) if name in kw else plain(pos[0]) if pos else None
    if isinstance(dim, int) and not isinstance(dim, bool):
        return [dim]
    if isinstance(dim, list) and dim and all(isinstance(d, int) for d in dim):
        return dim
    return []


def global_pool(method: str, dims: list[int]) -> str:
    """`x.mean(dim=1)` over a sequence is global average pooling, `x.mean([2, 3])` over an
    image's height and width the 2-D kind; `max` likewise."""
    kind = "GlobalAvgPool" if method == "mean" else "GlobalMaxPool"
    return f"{kind}{'2D' if len(dims) >= 2 else '1D'}"


def deps_of(value: Value | None) -> tuple[int, ...] | None:
    """The graph nodes a tensor (or a list of tensors) comes from; None for no tensor.
    An `Unbound` value used where a tensor is expected is an input: no nodes."""
    if isinstance(value, Unbound):
        return ()
    if isinstance(value, Tensor):
        return value.deps
    if isinstance(value, ListVal):
        deps: list[int] = []
        found = False
        for item in value.items:
            if isinstance(item, (Tensor, Unbound)):
                found = True
                deps.extend(item.deps if isinstance(item, Tensor) else ())
        return tuple(dict.fromkeys(deps)) if found else None
    return None


def is_layer_method(method: str, pos: list[Value], kw: dict[str, Value]) -> bool:
    """Whether `x.<method>(...)` is a layer when `x` is a tensor (`tensor_method`)."""
    return method in ("view", "reshape", "flatten") or \
        method in vocab.ACTIVATION_FUNCTIONS or \
        method in ("mean", "max", "amax") and bool(pooled_dims(pos, kw))
