"""Keras (and TensorFlow) handler: `keras.*`, `tf.keras.*` (folded to `keras.*` by
`names.fold`), `tf.nn.*`, TF Hub and the TF classes of `transformers`.

Declaring a model: `Sequential([...])` or `.add()`, the functional `Model(inputs,
outputs)`, and subclasses of `keras.Model` (`call()`) or `keras.layers.Layer` (custom
layers). Training: optimizer and loss objects or strings, `model.compile(...)`,
`model.fit(...)` (epochs, batch size, callbacks), data pipelines (`.batch(n)`,
`flow_from_directory`), scikit-learn wrappers.
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
    ArgParser,
    Const,
    DictVal,
    FunctionalModel,
    Instance,
    LayerObj,
    ListVal,
    SequentialObj,
    Tagged,
    Tensor,
    Value,
    argument,
    is_model_object,
    plain,
    source_text,
)

_MODEL_NAMES = {"keras.Model", "keras.models.Model", "keras.engine.training.Model",
                "keras.engine.Model"}
_SEQUENTIAL = {"keras.Sequential", "keras.models.Sequential"}
#: Where Keras optimizers live, public and internal (`keras.optimizer_v2.adam.Adam`, TF 2.x)
_OPTIMIZER_MODULES = re.compile(r"^(keras\.optimizers|tensorflow\.optimizers|"
                                r"keras\.optimizer_v2\.\w+)\.")
_TF1_OPTIMIZERS = re.compile(r"^(tensorflow\.train|tensorflow\.compat\.v1\.train)\.")


class Keras(Framework):
    name = "keras"
    modules = ("keras", "tensorflow")
    model_bases = {"keras.Model": "model", "keras.models.Model": "model",
                   "keras.Sequential": "model", "keras.layers.Layer": "layer",
                   "keras.engine.base_layer.Layer": "layer", "keras.layers.Wrapper": "layer"}
    model_constructors = frozenset(_SEQUENTIAL | _MODEL_NAMES)
    weight_loaders = ("load_weights",)

    def library_call(self, host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                     node: cst.Call, frame: Frame) -> Value | None:
        made = _layer_call(host, name, pos, kw, node, frame)
        if made is not None:
            return made
        return _training_call(host, name, pos, kw, node, frame)

    def training_method(self, host: Host, receiver: Value, method: str, pos: list[Value],
                        kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
        if isinstance(receiver, Instance) and receiver.cls.method(method) is not None:
            return None
        if isinstance(receiver, (ArgParser, ListVal, DictVal)):
            return None
        if method == "compile":
            return _compile(host, receiver, pos, kw, node, frame)
        if method in ("fit", "fit_generator", "train"):
            if method == "train" and not kw:
                return None
            return _fit(host, receiver, method, pos, kw, node, frame)
        if method in ("flow_from_directory", "flow", "flow_from_dataframe"):
            # also used to augment a few images for display: weaker than a DataLoader
            # until `fit` is given it; a generator of held-out data trains nothing
            size = kw.get("batch_size")
            train = not hp.held_out(source_text(node)) and \
                plain(kw.get("shuffle", Const(True, 0))) is not False
            hp.emit(host.state, "batch_size", size, node, frame, rank=2, train=True)
            return hp.loader(size, train, node, frame, f"{method}")
        if method == "batch" and pos and not isinstance(receiver, (SequentialObj, LayerObj)):
            hp.emit(host.state, "batch_size", pos[0], node, frame, rank=2)
        return None

    def star_import(self, name: str, module: str) -> str | None:
        if module.startswith("keras") and name in ("Sequential", "Model"):
            return f"keras.models.{name}"
        if module.startswith("keras") and (name in vocab.KERAS or name in vocab.KERAS_WRAPPERS
                                           or name in vocab.KERAS_INPUTS):
            return f"keras.layers.{name}"
        if module.split(".")[0] in ("keras", "tensorflow"):
            return f"{module}.{name}"
        return None

    def bare_name(self, name: str) -> str | None:
        if name in vocab.KERAS or name in vocab.KERAS_WRAPPERS:
            return f"keras.layers.{name}"
        return None


# ----------------------------------------------------------------- layers, models
def _layer_call(host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                node: cst.Call, frame: Frame) -> Value | None:
    last = name.rsplit(".", 1)[-1]
    api = source_text(node.func)
    state, graph = host.state, host.graph
    if name.startswith("keras.activations.") or \
            name.startswith("keras.ops.") and last in vocab.ACTIVATION_FUNCTIONS:
        # `keras.activations.relu(x)` in a subclass's call() is an activation step; the
        # backend's tensor ops (K.softmax inside a custom layer) stay inside that layer
        return layers.functional_op(state, graph, "keras", last, api, pos, kw, node, frame)
    if name.startswith("keras."):
        return _keras_layer(host, name, last, api, pos, kw, node, frame)
    if name.startswith("tensorflow.nn.") or \
            name.startswith("tensorflow.") and name.count(".") == 1:
        return layers.functional_op(state, graph, "keras", last, api, pos, kw, node, frame)
    first = plain(pos[0]) if pos else None
    if name.startswith("tensorflow_hub.KerasLayer"):
        handle = first if isinstance(first, str) else plain(kw.get("handle"))
        return layers.pretrained(state, "keras", handle if isinstance(handle, str) else None,
                                 node, frame,
                                 plain(kw["trainable"]) if "trainable" in kw else None)
    hub = layers.hub_checkpoint(name, pos, kw)
    if hub is not None and hub[0].startswith("TF"):   # transformers' TFBertModel ...
        return layers.pretrained(state, "keras", hub[1], node, frame)
    return None


def _keras_layer(host: Host, name: str, last: str, api: str, pos: list[Value],
                 kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
    state = host.state
    if name in _SEQUENTIAL:
        first = pos[0] if pos else kw.get("layers")
        items = list(first.items) if isinstance(first, ListVal) else []
        seq = SequentialObj("keras", items, frame.module.line(node), api,
                            layers.site(frame, node), last_line=frame.module.end_line(node))
        if not frame.in_model:
            state.add_candidate(seq, frame.module, seq.line)
        return seq
    if name in _MODEL_NAMES:
        # (Keras 1 spelled the keywords `input=` and `output=`)
        outputs = kw.get("outputs", kw.get("output", pos[1] if len(pos) > 1 else None))
        deps = layers.deps_of(outputs)
        if deps is None:
            return None
        model = FunctionalModel(deps, frame.module.line(node), api, layers.site(frame, node))
        if not frame.in_model:
            state.add_candidate(model, frame.module, model.line)
        return model
    if last in vocab.KERAS_INPUTS:
        return Tensor(())
    if vocab.keras_backbone(name):
        return layers.pretrained(state, "keras", vocab.pretrained_name(last), node, frame,
                                 plain(kw["trainable"]) if "trainable" in kw else None)
    if last in vocab.KERAS_WRAPPERS:
        inner = pos[0] if pos else kw.get("layer")
        if isinstance(inner, LayerObj):
            flag = "bidirectional" if last == "Bidirectional" else "time_distributed"
            return LayerObj("keras", inner.type, f"{api}({inner.api})", inner.line,
                            {**inner.args, flag: True}, layers.site(frame, node))
        return inner
    if last in vocab.KERAS_MERGE_FUNCTIONS and ".layers" in name or \
            name == "keras.backend.concatenate":
        layer = layers.make_layer(state, "keras",
                                  vocab.KERAS_MERGE_FUNCTIONS.get(last, "Concatenate"), api, {},
                                  node, frame)
        return host.graph.apply_layer(layer, layers.deps_of(pos[0] if pos else None) or (),
                                      frame.module, layer.line)
    if ".layers" not in name or not last[:1].isupper() or last in ("Layer", "InputSpec"):
        return None
    kind = vocab.KERAS.get(last)
    if kind is None:
        return layers.make_layer(state, "keras", last, api, {}, node, frame)
    args = layers.canonical_args(kind, pos, kw)
    if kind.type == "Embedding" and ("weights" in kw or "embeddings_initializer" in kw):
        args["pretrained"] = True
    return layers.make_layer(state, "keras", kind.type, api, args, node, frame)


# ----------------------------------------------------------------- training
def _training_call(host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                   node: cst.Call, frame: Frame) -> Value | None:
    state = host.state
    last = name.rsplit(".", 1)[-1]
    if _is_optimizer(name, last):
        lr = kw.get("lr", kw.get("learning_rate"))
        tag = hp.tagged("optimizer", hp.canonical_optimizer(last), node, frame,
                        learning_rate=lr if lr is not None or not pos else pos[0],
                        weight_decay=kw.get("weight_decay"), momentum=kw.get("momentum"),
                        gradient_clipping=kw.get("clipnorm", kw.get(
                            "clipvalue", kw.get("global_clipnorm"))))
        # made apart from the model: `compile(optimizer=...)` ties it
        hp.emit_optimizer(state, tag, node, frame, None, rank=2)
        return tag
    if name.startswith(("keras.losses.", "tensorflow.losses.")) and last[:1].isupper():
        tag = hp.tagged("loss", hp.canonical_loss(last), node, frame)
        if plain(kw.get("from_logits", Const(False, 0))) is True:
            tag.api += "(from_logits=True)"   # `check` needs to know what the loss expects
        return tag
    callback = hp.early_stopping(state, name, node, frame) or \
        hp.scheduler(state, name, node, frame)
    if callback is not None:
        return callback
    if last in ("KerasClassifier", "KerasRegressor"):
        return _sklearn_wrapper(host, pos, kw, node, frame)
    if last in ("image_dataset_from_directory", "text_dataset_from_directory"):
        hp.training_arguments(state, kw, node, frame)
        return None
    if last == "pad_sequences" and "maxlen" in kw:
        hp.emit(state, "max_sequence_length", kw["maxlen"], node, frame)
    return None


def _is_optimizer(name: str, last: str) -> bool:
    if name.startswith("keras.optimizers.") and name.count(".") == 2 and \
            hp.known_optimizer(last):
        return True   # old Keras also spelled them as functions: optimizers.adam(lr=...)
    if not last[:1].isupper():
        return False
    if _TF1_OPTIMIZERS.match(name):
        return last.endswith("Optimizer") and last != "Optimizer"   # tf.train.AdamOptimizer
    return _OPTIMIZER_MODULES.match(name) is not None and "schedules" not in name and \
        last != "Optimizer"


def _sklearn_wrapper(host: Host, pos: list[Value], kw: dict[str, Value], node: cst.Call,
                     frame: Frame) -> Value | None:
    """scikit-learn wrappers (keras.wrappers.scikit_learn, scikeras): the builder makes
    the model, the wrapper's arguments train it."""
    build = argument(pos, kw, 0, "build_fn", "model")
    model = host.call_value(build, [], {}, node, frame) if build is not None else None
    target = model if model is not None and is_model_object(model) else None
    for key in ("epochs", "batch_size"):
        if key in kw:
            hp.emit(host.state, key, kw[key], node, frame, target)
    return model if target is not None else None


def _modelish(value: Value) -> bool:
    return isinstance(value, (SequentialObj, FunctionalModel, Instance)) or \
        isinstance(value, LayerObj) and value.type == "Pretrained"


def _compile(host: Host, target: Value, pos: list[Value], kw: dict[str, Value],
             node: cst.Call, frame: Frame) -> Value:
    state = host.state
    optimizer = kw.get("optimizer", pos[0] if pos else None)
    if isinstance(optimizer, Tagged):
        hp.emit_optimizer(state, optimizer, node, frame, target, 0 if _modelish(target) else 1)
    elif optimizer is not None:
        hp.emit(state, "optimizer", optimizer, node, frame, target)
    loss = kw.get("loss", pos[1] if len(pos) > 1 else None)
    hp.emit(state, "loss", _one_loss(loss), node, frame, target)
    metrics = kw.get("metrics")
    if metrics is not None:
        hp.emit(state, "metrics", metrics, node, frame, target)
    return UNKNOWN


def _one_loss(loss: Value | None) -> Value | None:
    """A model of several outputs compiled with one loss for each (`loss={"disease":
    "categorical_crossentropy", "drug": "categorical_crossentropy"}`): that loss when
    they are all the same, else the losses as given."""
    items = loss.items.values() if isinstance(loss, DictVal) else \
        loss.items if isinstance(loss, ListVal) else None
    if items:
        names = {hp.canonical_loss(v.value) if isinstance(v, Const) and
                 isinstance(v.value, str) else None for v in items}
        first = next(iter(items))
        if len(names) == 1 and None not in names and isinstance(first, Const):
            return first
    return loss


def _fit(host: Host, target: Value, method: str, pos: list[Value], kw: dict[str, Value],
         node: cst.Call, frame: Frame) -> Value:
    state = host.state
    positional_bs = pos[2] if method == "fit" and len(pos) > 2 else None
    positional_ep = pos[3] if method == "fit" and len(pos) > 3 else None
    hp.emit(state, "epochs", kw.get("epochs", kw.get("nb_epoch", positional_ep)), node,
            frame, target)
    hp.emit(state, "batch_size", kw.get("batch_size", positional_bs), node, frame, target)
    data = pos[0] if pos else kw.get("x", kw.get("generator"))
    if isinstance(data, Tagged) and data.kind == "loader":
        hp.tie_loader(state, data, target, node, frame)   # `fit(train_generator, ...)`
    callbacks = kw.get("callbacks")
    if isinstance(callbacks, ListVal):
        for cb in callbacks.items:
            if isinstance(cb, Tagged) and cb.kind == "callback":
                hp.emit(state, cb.name, Const(True, cb.line, "literal", cb.file), node, frame,
                        target)
            elif isinstance(cb, Tagged) and cb.kind == "scheduler":
                hp.emit(state, "lr_scheduler", Const(cb.name, cb.line, "literal", cb.file),
                        node, frame, target)
    return UNKNOWN


KERAS = Keras()
