"""PyTorch handler: `torch.*` (`nn`, `F`, `optim`), torchvision, timm, torch.hub,
Lightning, and the PyTorch side of `transformers` and `sentence_transformers`.

Declaring a model: a subclass of `nn.Module` (or a `LightningModule`) whose `__init__`
makes the submodules and whose `forward()` applies them, and `nn.Sequential`. Training:
optimizers built on `model.parameters()` (which ties them to the model), loss modules
and functional losses, `DataLoader(batch_size=...)`, schedulers, gradient clipping,
Lightning's `Trainer` and Hugging Face's `TrainingArguments`.
"""

from __future__ import annotations

import re

import libcst as cst

from exnet.extract import hyperparameters as hp
from exnet.extract import layers
from exnet.extract import vocabulary as vocab
from exnet.extract.frameworks.base import Framework, Host
from exnet.extract.program import Frame
from exnet.extract.values import (
    UNKNOWN,
    Const,
    DictVal,
    Instance,
    LayerObj,
    ListVal,
    Namespace,
    Parameter,
    Parameters,
    SequentialObj,
    Tagged,
    Tensor,
    Value,
    argument,
    is_model_object,
    json_safe,
    plain,
    source_text,
)

_OPTIMIZER_MODULES = re.compile(r"^(torch\.optim|torch_optimizer|timm\.optim)\.")
_TORCHTEXT_ITERATORS = ("BucketIterator", "Iterator", "BPTTIterator")
_HUB_OPTIMIZERS = ("transformers.AdamW", "transformers.Adafactor", "lion_pytorch.Lion",
                   "transformers.optimization.AdamW")
#: Methods that return the module they are called on (`model.to(device)`).
_SAME_MODULE = ("to", "cuda", "cpu", "double", "float", "half", "train", "eval",
                "requires_grad_", "share_memory", "type")


class PyTorch(Framework):
    name = "pytorch"
    modules = ("torch", "timm", "pytorch_lightning", "lightning")
    model_bases = {"torch.nn.Module": "model", "torch.nn.modules.module.Module": "model",
                   "pytorch_lightning.LightningModule": "model",
                   "lightning.LightningModule": "model",
                   "lightning.pytorch.LightningModule": "model"}
    model_constructors = frozenset({"torch.nn.Sequential"})
    weight_loaders = ("load_state_dict",)

    def library_call(self, host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                     node: cst.Call, frame: Frame) -> Value | None:
        made = _layer_call(host, name, pos, kw, node, frame)
        if made is not None:
            return made
        if name == "torch.nn.utils.rnn.pad_packed_sequence":
            # (padded output, lengths): the lengths are bookkeeping, not the data
            data = argument(pos, kw, 0, "sequence")
            return ListVal([data if isinstance(data, Tensor) else UNKNOWN, UNKNOWN])
        return _training_call(host, name, pos, kw, node, frame)

    def object_method(self, host: Host, receiver: Value, method: str, pos: list[Value],
                      kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
        if method == "save_hyperparameters" and isinstance(receiver, Instance):
            # Lightning: `self.hparams.lr` reads the arguments of __init__.
            receiver.attrs["hparams"] = Namespace(
                {k: v for k, v in frame.env.items() if isinstance(v, Const)})
            return UNKNOWN
        if method == "from_pretrained" and isinstance(receiver, LayerObj) and \
                receiver.type == "Embedding":
            return _pretrained_embedding(receiver, kw)
        if method == "requires_grad_" and plain(pos[0] if pos else Const(True, 0)) is False:
            _freeze(receiver)   # `backbone.requires_grad_(False)`, `p.requires_grad_(False)`
        if method in _SAME_MODULE and not isinstance(receiver, Tensor):
            return receiver
        if method == "parameters" or method == "named_parameters":
            return Parameters(receiver, named=method == "named_parameters")
        if method in ("children", "modules") and isinstance(receiver, LayerObj):
            return ListVal([receiver])
        return None

    def star_import(self, name: str, module: str) -> str | None:
        if module.startswith("torch.nn") and (name in vocab.TORCH or name in (
                "Sequential", "ModuleList", "Module")):
            return f"torch.nn.{name}"
        if module.split(".")[0] in ("torch", "torchvision"):
            return f"{module}.{name}"
        return None

    def bare_name(self, name: str) -> str | None:
        return f"torch.nn.{name}" if name in vocab.TORCH else None


# ----------------------------------------------------------------- layers, models
def _layer_call(host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                node: cst.Call, frame: Frame) -> Value | None:
    last = name.rsplit(".", 1)[-1]
    if name.startswith("torch.nn.functional.") or \
            name.startswith("torch.") and name.count(".") == 1:
        return layers.functional_op(host.state, host.graph, "pytorch", last,
                                    source_text(node.func), pos, kw, node, frame,
                                    reductions=True)
    if name.startswith("torch.nn."):
        return _torch_module(host, name, last, pos, kw, node, frame)
    return _pretrained(host, name, last, pos, kw, node, frame)


def _torch_module(host: Host, name: str, last: str, pos: list[Value], kw: dict[str, Value],
                  node: cst.Call, frame: Frame) -> Value | None:
    state = host.state
    api = source_text(node.func)
    if last == "Sequential":
        items = list(pos)
        if len(items) == 1 and isinstance(items[0], DictVal):
            items = list(items[0].items.values())
        seq = SequentialObj("pytorch", items, frame.module.line(node), api,
                            layers.site(frame, node), last_line=frame.module.end_line(node))
        if not frame.in_model:
            state.add_candidate(seq, frame.module, seq.line)
        return seq
    if last == "ModuleList":
        first = pos[0] if pos else kw.get("modules")
        return ListVal(list(first.items) if isinstance(first, ListVal) else [],
                       frame.module.line(node))
    if last == "ModuleDict":
        first = pos[0] if pos else None
        return DictVal(dict(first.items) if isinstance(first, DictVal) else {})
    if name in ("torch.nn.Embedding.from_pretrained", "torch.nn.EmbeddingBag.from_pretrained"):
        freeze = plain(kw["freeze"]) if "freeze" in kw else True
        args: dict[str, object] = {"pretrained": True}
        if isinstance(freeze, bool):
            args["trainable"] = not freeze
        return layers.make_layer(state, "pytorch", "Embedding", api, dict(args), node, frame)
    if name.count(".") != 2 or not last[:1].isupper() or last.endswith("Loss") or \
            last in ("Module", "Parameter", "ParameterList", "ParameterDict"):
        return None
    if last in vocab.TORCH_ADAPTIVE:
        size = plain(pos[0]) if pos else plain(kw.get("output_size")) if kw else None
        if size == 1 or size in ([1, 1], [1]):
            return layers.make_layer(state, "pytorch", vocab.TORCH_ADAPTIVE[last], api, {},
                                     node, frame)
        return layers.make_layer(state, "pytorch", last, api, {"output_size": json_safe(size)}
                                 if size is not None else {}, node, frame)
    if last in vocab.TORCH_NOT_LAYERS:
        return layers.make_layer(state, "pytorch", "Identity", api, {}, node, frame)
    kind = vocab.TORCH.get(last)
    if kind is None:
        return layers.make_layer(state, "pytorch", last, api, {}, node, frame)
    return layers.make_layer(state, "pytorch", kind.type, api,
                             layers.canonical_args(kind, pos, kw), node, frame)


def _pretrained(host: Host, name: str, last: str, pos: list[Value], kw: dict[str, Value],
                node: cst.Call, frame: Frame) -> Value | None:
    """Pretrained backbones: torchvision and timm models, torch.hub, hub checkpoints."""
    state = host.state
    first = plain(pos[0]) if pos else None
    if vocab.torchvision_backbone(name):
        # `models.__getattribute__(args.arch)`: a torchvision model chosen at run time
        return layers.pretrained(state, "pytorch", None if last.startswith("_") else last,
                                 node, frame)
    if name == "timm.create_model":
        model_name = first if isinstance(first, str) else plain(kw.get("model_name"))
        return layers.pretrained(state, "pytorch",
                                 model_name if isinstance(model_name, str) else None, node, frame)
    if name == "torch.hub.load" and len(pos) > 1:
        model_name = plain(pos[1])
        return layers.pretrained(state, "pytorch",
                                 model_name if isinstance(model_name, str) else None, node, frame)
    hub = layers.hub_checkpoint(name, pos, kw)
    if hub is not None and not hub[0].startswith("TF"):
        return layers.pretrained(state, "pytorch", hub[1], node, frame)
    if name == "sentence_transformers.SentenceTransformer":
        return layers.pretrained(state, "pytorch", first if isinstance(first, str) else None,
                                 node, frame)
    return None


def _freeze(value: Value) -> None:
    """A layer, or a parameter of one, whose weights training leaves as they are."""
    if isinstance(value, Parameter):
        value = value.owner
    if isinstance(value, LayerObj):
        value.trainable_attr = False


def _pretrained_embedding(receiver: LayerObj, kw: dict[str, Value]) -> LayerObj:
    """`self.embedding.from_pretrained(vectors, freeze=...)` of an `nn.Embedding`."""
    freeze = plain(kw["freeze"]) if "freeze" in kw else True
    args = {**receiver.args, "pretrained": True}
    if isinstance(freeze, bool):
        args["trainable"] = not freeze
    return LayerObj(receiver.framework, "Embedding", receiver.api, receiver.line, args,
                    receiver.site)


# ----------------------------------------------------------------- training
def _loader(host: Host, api: str, size: Value | None, train: bool, node: cst.Call,
            frame: Frame) -> Tagged:
    """A batch loader: its batch size is a finding, and a loop over it ties that size to
    the model it feeds (hp.tie_loader)."""
    hp.emit(host.state, "batch_size", size, node, frame, train=train)
    return hp.loader(size, train, node, frame, api)


def _torchtext_iterators(host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                         node: cst.Call, frame: Frame) -> Value | None:
    """torchtext's (legacy) batch iterators, loaders like DataLoader:
    `BucketIterator(train_data, batch_size=16)`, and `BucketIterator.splits((train, test),
    batch_size=16)`, whose first split is the training one."""
    parts = name.split(".")
    splits = parts[-1] == "splits"
    kind = parts[-2] if splits and len(parts) > 1 else parts[-1]
    if parts[0] != "torchtext" or kind not in _TORCHTEXT_ITERATORS:
        return None
    if not splits:
        dataset = source_text(node.args[0].value) if node.args else ""
        train = "train" in dataset.lower() or plain(kw.get("train", Const(False, 0))) is True
        return _loader(host, name, kw.get("batch_size", pos[1] if len(pos) > 1 else None),
                       train, node, frame)
    sets = pos[0] if pos else kw.get("datasets")
    count = len(sets.items) if isinstance(sets, ListVal) else 0
    sizes = kw.get("batch_sizes")
    each = sizes.items if isinstance(sizes, ListVal) else [kw.get("batch_size")] * count
    return ListVal([_loader(host, name, size, k == 0, node, frame)
                    for k, size in enumerate(each[:count])], frame.module.line(node))


def _groups_owner(host: Host, groups: list[Value]) -> Value | None:
    """The model whose parameters optimizer groups hold: a group's `model.parameters()`,
    or the model one of whose parts gives a group's (`model.bert.parameters()`)."""
    for group in groups:
        params = group.items.get("params") if isinstance(group, DictVal) else None
        if not isinstance(params, Parameters):
            continue
        for inst in host.state.instances.values():   # the model a part belongs to first
            if is_model_object(inst) and any(v is params.owner for v in inst.attrs.values()):
                return inst
        if is_model_object(params.owner):
            return params.owner
    return None


def _training_call(host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                   node: cst.Call, frame: Frame) -> Value | None:
    state = host.state
    last = name.rsplit(".", 1)[-1]
    if _is_optimizer(name, last):
        return _optimizer(host, last, pos, kw, node, frame)
    if name.startswith("torch.nn.") and last.endswith("Loss") and name.count(".") == 2 or \
            name.startswith("timm.loss.") and hp.known_loss(last):
        tag = hp.tagged("loss", hp.canonical_loss(last), node, frame)
        hp.emit(state, "loss", tag, node, frame)
        return tag
    if name.startswith("torch.nn.functional.") and hp.known_loss(last) and \
            last not in ("softmax", "log_softmax", "sigmoid"):
        hp.emit(state, "loss", Tagged("loss", hp.canonical_loss(last), frame.module.line(node),
                                      frame.module.rel, api=source_text(node.func)),
                node, frame)
        return None
    if last in ("clip_grad_norm_", "clip_grad_value_", "clip_grad_norm") and \
            name.startswith("torch.nn.utils"):
        bound = argument(pos, kw, 1, "max_norm", "clip_value")
        hp.emit(state, "gradient_clipping", bound if bound is not None else
                Const(True, frame.module.line(node)), node, frame)
        return None
    callback = hp.early_stopping(state, name, node, frame) or \
        hp.scheduler(state, name, node, frame)
    if callback is not None:
        return callback
    if last == "DataLoader" and name.startswith("torch"):
        dataset = source_text(node.args[0].value) if node.args else ""
        # shuffled data is training data, unless it is named as held out (a shuffled
        # `DataLoader(test_data, shuffle=True)` is still an evaluation loader)
        train = "train" in dataset.lower() or not hp.held_out(dataset) and \
            plain(kw.get("shuffle", Const(False, 0))) is True
        return _loader(host, name, kw.get("batch_size", pos[1] if len(pos) > 1 else None),
                       train, node, frame)
    iterators = _torchtext_iterators(host, name, pos, kw, node, frame)
    if iterators is not None:
        return iterators
    lightning = last == "Trainer" and "lightning" in name
    if lightning and "gradient_clip_val" in kw:
        hp.emit(state, "gradient_clipping", kw["gradient_clip_val"], node, frame, train=True)
    if last in ("TrainingArguments", "TFTrainingArguments"):
        for key, canonical in (("lr_scheduler_type", "lr_scheduler"),
                               ("max_grad_norm", "gradient_clipping")):
            if key in kw:
                hp.emit(state, canonical, kw[key], node, frame, train=True)
    if lightning or last in ("TrainingArguments", "TFTrainingArguments"):
        hp.training_arguments(state, kw, node, frame)
    return None


def _is_optimizer(name: str, last: str) -> bool:
    if not last[:1].isupper():
        return False
    if _OPTIMIZER_MODULES.match(name) and "lr_scheduler" not in name:
        return last != "Optimizer"
    return name in _HUB_OPTIMIZERS


def _optimizer(host: Host, last: str, pos: list[Value], kw: dict[str, Value],
               node: cst.Call, frame: Frame) -> Tagged:
    """`optim.Adam(model.parameters(), lr=1e-3)`: tied to the model whose parameters it
    is given."""
    lr = kw.get("lr", kw.get("learning_rate"))
    if lr is None and len(pos) > 1:
        lr = pos[1]
    params = pos[0] if pos else kw.get("params")
    owner = params.owner if isinstance(params, Parameters) else None
    if isinstance(params, ListVal) and params.items and isinstance(params.items[0], DictVal):
        owner = _groups_owner(host, params.items)
        if lr is None and owner is not None:
            # parameter groups, each with its own rate and no default: the first group's
            # (`[{"params": model.bert.parameters(), "lr": 1e-5}, {... "lr": 1e-3}]`),
            # only when the groups say whose parameters they are: a rate that is not
            # tied would pass to every model the script trains
            lr = params.items[0].items.get("lr")
    tag = hp.tagged("optimizer", hp.canonical_optimizer(last), node, frame, learning_rate=lr,
                    weight_decay=kw.get("weight_decay"), momentum=kw.get("momentum"),
                    gradient_clipping=kw.get("clipnorm", kw.get("clipvalue",
                                                                 kw.get("global_clipnorm"))))
    hp.emit_optimizer(host.state, tag, node, frame, owner)
    return tag


PYTORCH = PyTorch()
