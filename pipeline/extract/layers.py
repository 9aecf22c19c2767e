"""Layer constructors and tensor operations: library calls that build model structure.

Given a qualified name (`keras.layers.Dense`, `torch.nn.LSTM`, `torch.nn.functional.relu`,
`torchvision.models.resnet18` ...) and the abstract values of its arguments, return the
abstract value the call makes: a `LayerObj` with canonical type and arguments, a
Sequential container, a functional `Model`, a pretrained backbone, or a tensor that went
through a functional op (which adds a node to the interpreter's graph).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from exnet.extract import vocabulary as vocab
from exnet.extract.names import fold
from exnet.extract.values import (
    DictVal,
    FunctionalModel,
    Instance,
    LayerObj,
    ListVal,
    Qualified,
    SequentialObj,
    Tensor,
    Value,
    argument,
    as_int,
    json_safe,
    plain,
    source_text,
)

if TYPE_CHECKING:
    from exnet.extract.program import Frame, InterpreterState

_KERAS_MODEL_NAMES = {"keras.Model", "keras.models.Model", "keras.engine.training.Model",
                      "keras.engine.Model"}
_KERAS_SEQUENTIAL = {"keras.Sequential", "keras.models.Sequential"}
_TRANSFORMERS_SKIP = ("Tokenizer", "Config", "Processor", "FeatureExtractor", "Pipeline")


def star_import(name: str, star_modules: list[str], frameworks: set[str]) -> str | None:
    """The qualified name a bare name has through `from keras.layers import *` and the
    like; also the fallback for a notebook whose import cell could not be read."""
    if not name[:1].isupper() and name not in vocab.KERAS_MERGE_FUNCTIONS:
        return None
    for module in star_modules:
        folded = fold(module)
        if folded.startswith("keras") and (name in vocab.KERAS or name in vocab.KERAS_WRAPPERS
                                           or name in vocab.KERAS_INPUTS
                                           or name in ("Sequential", "Model")):
            return f"keras.layers.{name}" if name not in ("Sequential", "Model") \
                else f"keras.models.{name}"
        if folded.startswith("torch.nn") and (name in vocab.TORCH or name in (
                "Sequential", "ModuleList", "Module")):
            return f"torch.nn.{name}"
        if folded.split(".")[0] in ("keras", "torch", "tensorflow", "torchvision"):
            return f"{folded}.{name}"
    if frameworks == {"keras"} and (name in vocab.KERAS or name in vocab.KERAS_WRAPPERS):
        return f"keras.layers.{name}"
    if frameworks == {"pytorch"} and name in vocab.TORCH:
        return f"torch.nn.{name}"
    return None


def _site(frame: "Frame", node: cst.CSTNode) -> tuple[str, int, int]:
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


def make_layer(ix: "InterpreterState", framework: str, type_: str, api: str, args: dict[str, Any],
               node: cst.Call, frame: "Frame") -> LayerObj:
    ix.built += 1
    return LayerObj(framework, type_, api, frame.module.line(node), args, _site(frame, node))


def pretrained(ix: "InterpreterState", framework: str, name: str | None, node: cst.Call,
               frame: "Frame", trainable: Any = None) -> LayerObj:
    args: dict[str, Any] = {}
    if name:
        args["name"] = name
    if isinstance(trainable, bool):
        args["trainable"] = trainable
    layer = make_layer(ix, framework, "Pretrained", source_text(node.func), args, node, frame)
    if not frame.in_model:
        ix.add_candidate(layer, frame.module, layer.line)
    return layer


def on_library_call(ix: "InterpreterState", name: str, pos: list[Value], kw: dict[str, Value],
                    node: cst.Call, frame: "Frame") -> Value | None:
    """The value of a call to a library name, if it builds model structure; else None."""
    last = name.rsplit(".", 1)[-1]
    api = source_text(node.func)
    if name.startswith("keras.activations.") or \
            name.startswith("keras.ops.") and last in vocab.ACTIVATION_FUNCTIONS:
        # `keras.activations.relu(x)` in a subclass's call() is an activation step; the
        # backend's tensor ops (K.softmax inside a custom layer) stay inside that layer
        return _functional(ix, name, last, api, pos, kw, node, frame)
    if name.startswith("keras."):
        return _keras(ix, name, last, api, pos, kw, node, frame)
    if name.startswith("torch.nn.functional.") or name.startswith("tensorflow.nn.") or \
            name.startswith(("torch.", "tensorflow.")) and name.count(".") == 1:
        return _functional(ix, name, last, api, pos, kw, node, frame)
    if name.startswith("torch.nn."):
        return _torch(ix, name, last, api, pos, kw, node, frame)
    return _pretrained(ix, name, last, pos, kw, node, frame)


def _keras(ix: "InterpreterState", name: str, last: str, api: str, pos: list[Value],
           kw: dict[str, Value], node: cst.Call, frame: "Frame") -> Value | None:
    if name in _KERAS_SEQUENTIAL:
        first = pos[0] if pos else kw.get("layers")
        items = list(first.items) if isinstance(first, ListVal) else []
        seq = SequentialObj("keras", items, frame.module.line(node), api, _site(frame, node),
                            last_line=frame.module.end_line(node))
        if not frame.in_model:
            ix.add_candidate(seq, frame.module, seq.line)
        return seq
    if name in _KERAS_MODEL_NAMES:
        outputs = kw.get("outputs", pos[1] if len(pos) > 1 else None)
        deps = _deps_of(outputs)
        if deps is None:
            return None
        model = FunctionalModel(deps, frame.module.line(node), api, _site(frame, node))
        if not frame.in_model:
            ix.add_candidate(model, frame.module, model.line)
        return model
    if last in vocab.KERAS_INPUTS:
        return Tensor(())
    if name.startswith(vocab.KERAS_APPLICATIONS) and last[:1].isupper():
        return pretrained(ix, "keras", vocab.pretrained_name(last), node, frame,
                          plain(kw["trainable"]) if "trainable" in kw else None)
    if last in vocab.KERAS_WRAPPERS:
        inner = pos[0] if pos else kw.get("layer")
        if isinstance(inner, LayerObj):
            flag = "bidirectional" if last == "Bidirectional" else "time_distributed"
            return LayerObj("keras", inner.type, f"{api}({inner.api})", inner.line,
                            {**inner.args, flag: True}, _site(frame, node))
        return inner
    if last in vocab.KERAS_MERGE_FUNCTIONS and ".layers" in name or \
            name == "keras.backend.concatenate":
        layer = make_layer(ix, "keras", vocab.KERAS_MERGE_FUNCTIONS.get(last, "Concatenate"),
                           api, {}, node, frame)
        return ix.apply_layer(layer, _deps_of(pos[0] if pos else None) or (),
                              frame.module, layer.line)
    if ".layers" not in name or not last[:1].isupper() or last in ("Layer", "InputSpec"):
        return None
    kind = vocab.KERAS.get(last)
    if kind is None:
        return make_layer(ix, "keras", last, api, {}, node, frame)
    args = canonical_args(kind, pos, kw)
    if kind.type == "Embedding" and ("weights" in kw or "embeddings_initializer" in kw):
        args["pretrained"] = True
    return make_layer(ix, "keras", kind.type, api, args, node, frame)


def _torch(ix: "InterpreterState", name: str, last: str, api: str, pos: list[Value],
           kw: dict[str, Value], node: cst.Call, frame: "Frame") -> Value | None:
    if last == "Sequential":
        items = list(pos)
        if len(items) == 1 and isinstance(items[0], DictVal):
            items = list(items[0].items.values())
        seq = SequentialObj("pytorch", items, frame.module.line(node), api, _site(frame, node),
                            last_line=frame.module.end_line(node))
        if not frame.in_model:
            ix.add_candidate(seq, frame.module, seq.line)
        return seq
    if last == "ModuleList":
        first = pos[0] if pos else kw.get("modules")
        return ListVal(list(first.items) if isinstance(first, ListVal) else [],
                       frame.module.line(node))
    if last == "ModuleDict":
        first = pos[0] if pos else None
        return DictVal(dict(first.items) if isinstance(first, DictVal) else {})
    if name == "torch.nn.Embedding.from_pretrained" or \
            name == "torch.nn.EmbeddingBag.from_pretrained":
        freeze = plain(kw["freeze"]) if "freeze" in kw else True
        args: dict[str, Any] = {"pretrained": True}
        if isinstance(freeze, bool):
            args["trainable"] = not freeze
        return make_layer(ix, "pytorch", "Embedding", api, args, node, frame)
    if name.count(".") != 2 or not last[:1].isupper() or last.endswith("Loss") or \
            last in ("Module", "Parameter", "ParameterList", "ParameterDict"):
        return None
    if last in vocab.TORCH_ADAPTIVE:
        size = plain(pos[0]) if pos else plain(kw.get("output_size")) if kw else None
        if size == 1 or size in ([1, 1], [1]):
            return make_layer(ix, "pytorch", vocab.TORCH_ADAPTIVE[last], api, {}, node, frame)
        return make_layer(ix, "pytorch", last, api, {"output_size": json_safe(size)}
                          if size is not None else {}, node, frame)
    if last in vocab.TORCH_NOT_LAYERS:
        return make_layer(ix, "pytorch", "Identity", api, {}, node, frame)
    kind = vocab.TORCH.get(last)
    if kind is None:
        return make_layer(ix, "pytorch", last, api, {}, node, frame)
    return make_layer(ix, "pytorch", kind.type, api, canonical_args(kind, pos, kw), node, frame)


def _functional(ix: "InterpreterState", name: str, last: str, api: str, pos: list[Value],
                kw: dict[str, Value], node: cst.Call, frame: "Frame") -> Value | None:
    framework = "pytorch" if name.startswith("torch") else "keras"
    deps = _deps_of(argument(pos, kw, 0, "input", "x"))
    if last in ("cat", "concat", "concatenate"):
        layer = make_layer(ix, framework, "Concatenate", api, {}, node, frame)
        return ix.apply_layer(layer, _deps_of(pos[0] if pos else kw.get("tensors")) or (),
                              frame.module, layer.line)
    if deps is None:
        return None
    args: dict[str, Any] = {}
    if last in vocab.ACTIVATION_FUNCTIONS:
        type_, args = "Activation", {"function": vocab.ACTIVATION_FUNCTIONS[last]}
    elif last == "dropout":
        type_ = "Dropout"
        rate = plain(kw.get("p", pos[1] if len(pos) > 1 else None)) if len(pos) > 1 or \
            "p" in kw else None
        if isinstance(rate, (int, float)) and not isinstance(rate, bool):
            args = {"rate": rate}
    elif last in vocab.FUNCTIONAL_POOLS:
        type_ = vocab.FUNCTIONAL_POOLS[last]
        size = json_safe(plain(pos[1])) if len(pos) > 1 else None
        if size is not None:
            args = {"pool_size": size}
    elif last in vocab.FUNCTIONAL_GLOBAL:
        size = plain(pos[1]) if len(pos) > 1 else plain(kw.get("output_size")) \
            if "output_size" in kw else None
        if size not in (1, [1], [1, 1]):
            return Tensor(deps)
        type_ = vocab.FUNCTIONAL_GLOBAL[last]
    elif last == "flatten":
        type_ = "Flatten"
    elif last == "reshape":
        type_ = "Reshape"
    elif last in ("mean", "max", "amax") and framework == "pytorch" and \
            _pooled_dims(pos[1:], kw):
        type_ = _global_pool(last, _pooled_dims(pos[1:], kw))
    elif last in ("add",) and len(pos) > 1:
        type_, deps = "Add", deps + (_deps_of(pos[1]) or ())
    elif last in ("mul", "multiply") and len(pos) > 1:
        type_, deps = "Multiply", deps + (_deps_of(pos[1]) or ())
    else:
        return None
    layer = make_layer(ix, framework, type_, api, args, node, frame)
    return ix.apply_layer(layer, deps, frame.module, layer.line)


def tensor_method(ix: "InterpreterState", receiver: Tensor, method: str, pos: list[Value],
                  kw: dict[str, Value], node: cst.Call, frame: "Frame") -> Value:
    """`x.view(...)`, `x.relu()` ...: a node for the methods that are layers, else the
    same tensor passed through (indexing, permute, squeeze are plumbing)."""
    framework = "pytorch"
    deps = receiver.deps
    extra = _deps_of(ListVal(list(pos) + list(kw.values())))
    if method in ("view", "reshape"):
        shape = [plain(p) for p in pos]
        if len(shape) == 1 and isinstance(pos[0], ListVal):
            shape = [plain(p) for p in pos[0].items]
        # Any 2-D view, `x.view(-1, 16 * 5 * 5)` or `x.view(x.size(0), -1)`, flattens the
        # features of each example for a Dense layer.
        type_ = "Flatten" if len(shape) == 2 or shape == [-1] else "Reshape"
    elif method == "flatten":
        type_ = "Flatten"
    elif method in ("mean", "max", "amax") and _pooled_dims(pos, kw):
        type_ = _global_pool(method, _pooled_dims(pos, kw))
    elif method in vocab.ACTIVATION_FUNCTIONS:
        type_ = "Activation"
    else:
        return Tensor(deps + (extra or ()))
    args = {"function": vocab.ACTIVATION_FUNCTIONS[method]} if type_ == "Activation" else {}
    layer = LayerObj(framework, type_, f"Tensor.{method}", frame.module.line(node), args,
                     _site(frame, node))
    return ix.apply_layer(layer, deps, frame.module, layer.line)


def _pooled_dims(pos: list[Value], kw: dict[str, Value]) -> list[int]:
    """The dimensions a `mean`/`max` reduces over, when given (`x.mean(dim=1)`)."""
    dim = plain(kw["dim"]) if "dim" in kw else plain(pos[0]) if pos else None
    if isinstance(dim, int) and not isinstance(dim, bool):
        return [dim]
    if isinstance(dim, list) and dim and all(isinstance(d, int) for d in dim):
        return dim
    return []


def _global_pool(method: str, dims: list[int]) -> str:
    """`x.mean(dim=1)` over a sequence is global average pooling, `x.mean([2, 3])` over an
    image's height and width the 2-D kind; `max` likewise."""
    kind = "GlobalAvgPool" if method == "mean" else "GlobalMaxPool"
    return f"{kind}{'2D' if len(dims) >= 2 else '1D'}"


def _pretrained(ix: "InterpreterState", name: str, last: str, pos: list[Value],
                kw: dict[str, Value], node: cst.Call, frame: "Frame") -> Value | None:
    first = plain(pos[0]) if pos else None
    if name.startswith("tensorflow_hub.KerasLayer"):
        handle = first if isinstance(first, str) else plain(kw.get("handle"))
        return pretrained(ix, "keras", handle if isinstance(handle, str) else None, node,
                          frame, plain(kw["trainable"]) if "trainable" in kw else None)
    if name.startswith("torchvision.models.") and name == name.lower() and \
            name.count(".") <= 3 and not last.startswith(("get_", "list_", "load")) and \
            "weights" not in last:
        return pretrained(ix, "pytorch", last, node, frame)
    if name == "timm.create_model":
        model_name = first if isinstance(first, str) else plain(kw.get("model_name"))
        return pretrained(ix, "pytorch", model_name if isinstance(model_name, str) else None,
                          node, frame)
    if name == "torch.hub.load" and len(pos) > 1:
        model_name = plain(pos[1])
        return pretrained(ix, "pytorch", model_name if isinstance(model_name, str) else None,
                          node, frame)
    if last == "from_pretrained" and not any(s in name for s in _TRANSFORMERS_SKIP):
        cls = name.rsplit(".", 2)[-2] if name.count(".") >= 1 else ""
        if name.startswith(("transformers.", "efficientnet_pytorch.", "pytorch_pretrained_bert",
                            "pytorch_transformers.", "simpletransformers")) or \
                cls.startswith(("TF", "Bert", "Auto", "Distil", "Roberta", "XLNet", "Albert",
                                "Electra")):
            checkpoint = first if isinstance(first, str) else plain(
                kw.get("pretrained_model_name_or_path"))
            framework = "keras" if cls.startswith("TF") else "pytorch"
            return pretrained(ix, framework, checkpoint if isinstance(checkpoint, str) else None,
                              node, frame)
    if name == "sentence_transformers.SentenceTransformer":
        return pretrained(ix, "pytorch", first if isinstance(first, str) else None, node, frame)
    return None


def _deps_of(value: Value | None) -> tuple[int, ...] | None:
    if isinstance(value, Tensor):
        return value.deps
    if isinstance(value, ListVal):
        deps: list[int] = []
        found = False
        for item in value.items:
            if isinstance(item, Tensor):
                found = True
                deps.extend(item.deps)
        return tuple(dict.fromkeys(deps)) if found else None
    return None


__all__ = ["on_library_call", "tensor_method", "star_import", "canonical_args", "as_int",
           "Instance"]
