"""Hyperparameters: where the learning rate, batch size, epochs, optimizer and loss are read.

The interpreter calls these hooks as it walks the code; each finding becomes an `Event`
with a value, file, line and `how` (literal, constant, argparse, config, expression) and
a rank that says how directly it is tied to a model:

- rank 0: tied to a model by the code (`model.compile(...)`, `model.fit(...)`,
  `optim.Adam(model.parameters(), ...)`);
- rank 1: untied but in the training code (a loss object, a DataLoader, an epoch loop,
  an EarlyStopping callback), attached to the model the same file made last;
- rank 3: a name that says what it is (`EPOCHS = 10`, `--lr` default, `config["lr"]`)
  though nothing was seen using it.

`project.py` attaches events to models; the lowest rank wins, then the earliest.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import libcst as cst

from exnet.extract.graph import is_model_object
from exnet.extract.names import dotted
from exnet.extract.program import Event
from exnet.extract.values import (
    UNKNOWN,
    ArgParser,
    Const,
    DictVal,
    FunctionalModel,
    Instance,
    LayerObj,
    ListVal,
    Namespace,
    Parameters,
    Qualified,
    SequentialObj,
    Tagged,
    Unknown,
    Value,
    argument,
    plain,
    source_text,
)

if TYPE_CHECKING:
    from exnet.extract.program import Frame, InterpreterState

_OPTIMIZERS = {
    "sgd": "sgd", "adam": "adam", "adamw": "adamw", "rmsprop": "rmsprop",
    "adagrad": "adagrad", "adadelta": "adadelta", "adamax": "adamax", "nadam": "nadam",
    "radam": "radam", "sparseadam": "sparse_adam", "lbfgs": "lbfgs", "ftrl": "ftrl",
    "asgd": "asgd", "rprop": "rprop", "lamb": "lamb", "adafactor": "adafactor",
    "gradientdescent": "sgd", "momentum": "sgd", "adamweightdecay": "adamw", "lion": "lion",
}
_LOSSES = {
    "categoricalcrossentropy": "cross_entropy", "sparsecategoricalcrossentropy": "cross_entropy",
    "crossentropy": "cross_entropy", "crossentropyloss": "cross_entropy",
    "softmaxcrossentropywithlogits": "cross_entropy",
    "sparsesoftmaxcrossentropywithlogits": "cross_entropy",
    "binarycrossentropy": "binary_cross_entropy", "bceloss": "binary_cross_entropy",
    "bcewithlogitsloss": "binary_cross_entropy", "binarycrossentropywithlogits":
    "binary_cross_entropy", "sigmoidcrossentropywithlogits": "binary_cross_entropy",
    "nllloss": "nll", "nll": "nll", "mse": "mse", "meansquarederror": "mse", "mseloss": "mse",
    "mae": "mae", "meanabsoluteerror": "mae", "l1loss": "mae", "hinge": "hinge",
    "squaredhinge": "squared_hinge", "hingeembeddingloss": "hinge", "multimarginloss": "hinge",
    "categoricalhinge": "hinge", "kld": "kl_divergence", "kldivloss": "kl_divergence",
    "kullbackleiblerdivergence": "kl_divergence", "huber": "huber", "huberloss": "huber",
    "smoothl1loss": "huber", "cosinesimilarity": "cosine", "cosineembeddingloss": "cosine",
    "multilabelsoftmarginloss": "binary_cross_entropy", "focalloss": "focal",
}
_SCHEDULERS = {
    "steplr": "step", "multisteplr": "multi_step", "exponentiallr": "exponential",
    "cosineannealinglr": "cosine", "cosineannealingwarmrestarts": "cosine_warm_restarts",
    "reducelronplateau": "reduce_on_plateau", "onecyclelr": "one_cycle", "cycliclr": "cyclic",
    "lambdalr": "lambda", "linearlr": "linear", "polynomiallr": "polynomial",
    "learningratescheduler": "custom", "exponentialdecay": "exponential",
    "piecewiseconstantdecay": "piecewise", "cosinedecay": "cosine",
    "inversetimedecay": "inverse_time", "polynomialdecay": "polynomial",
    "getlinearschedulewithwarmup": "linear_warmup",
    "getcosineschedulewithwarmup": "cosine_warmup",
    "getconstantschedulewithwarmup": "constant_warmup",
}
_NAMES = {
    "epochs": re.compile(r"^(?:n_|num_|nb_|max_|total_|train_|n)?epochs?$|^epoch_?num$|"
                         r"^num_?train_?epochs$", re.I),
    "batch_size": re.compile(r"^(?:train_|training_)?batch_?size$|^bs$|^batchsize$", re.I),
    "learning_rate": re.compile(r"^(?:lr|learning_?rate|init_?lr|base_?lr|initial_?lr)$",
                                re.I),
    "max_sequence_length": re.compile(r"^max_?(?:seq(?:uence)?_?)?len(?:gth)?$|"
                                      r"^max_?sequence_?length$|^seq_?len(?:gth)?$|"
                                      r"^max_?words_?len$|^maxlen$", re.I),
}


MAX_EXPRESSION = 60


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def canonical_optimizer(name: str) -> str:
    key = _key(name).removesuffix("optimizer")
    return _OPTIMIZERS.get(key, re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower())


def canonical_loss(name: str) -> str:
    key = _key(name)
    return _LOSSES.get(key, _LOSSES.get(key.removesuffix("loss"),
                                        re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()))


def _typed(name: str, value: Any) -> Any:
    """A found value in the type its hyperparameter has, or None when it does not fit."""
    if name in ("epochs", "batch_size", "max_sequence_length"):
        if isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return value if isinstance(value, int) and value > 0 else None
    if name in ("learning_rate", "weight_decay", "momentum"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return float(value)
    if name == "optimizer":
        return canonical_optimizer(value) if isinstance(value, str) and value else None
    if name == "loss":
        return canonical_loss(value) if isinstance(value, str) and value else None
    if name == "metrics":
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return None
    return value


def emit(ix: "InterpreterState", name: str, value: Value | None, node: cst.CSTNode, frame: "Frame",
         target: Value | None = None, rank: int | None = None, **extra: Any) -> None:
    """Record one hyperparameter finding (see the module docstring for ranks)."""

    if value is None:
        return
    if target is not None and not is_model_object(target):
        target = None
    if rank is None:
        rank = 0 if target is not None else 1
    module = frame.module
    if isinstance(value, Const):
        typed = _typed(name, value.value)
        if typed is None:
            return
        found = (typed, value.line, value.how, value.file or module.rel)
        if name in ("loss", "optimizer") and isinstance(value.value, str):
            extra.setdefault("api", value.value)
    elif isinstance(value, Tagged):
        typed = _typed(name, value.name) if value.kind in ("optimizer", "loss") else value.name
        if typed is None:
            return
        found = (typed, value.line, "literal", value.file or module.rel)
        if value.api and name in ("loss", "optimizer"):
            extra.setdefault("api", value.api)
    elif isinstance(value, Qualified) and name in ("loss", "optimizer"):
        found = (_typed(name, value.name.rsplit(".", 1)[-1]), module.line(node), "literal",
                 module.rel)
        extra.setdefault("api", value.name)
    elif isinstance(value, ListVal) and name == "metrics":
        names = [m.name if isinstance(m, Tagged) else plain(m) if isinstance(plain(m), str)
                 else m.name.rsplit(".", 1)[-1] if isinstance(m, Qualified) else None
                 for m in value.items]
        if not names or None in names:
            return
        found = ([str(n).lower() for n in names], value.line or module.line(node), "literal",
                 module.rel)
    elif isinstance(value, Unknown) and value.text and name not in ("metrics",):
        # A reference (`args.lr`, `cfg["epochs"]`) says where the value lives; longer
        # source is cut, so records stay facts rather than copies of code.
        text = value.text if len(value.text) <= MAX_EXPRESSION else \
            value.text[: MAX_EXPRESSION - 1] + "…"
        found = (text, module.line(node), "expression", module.rel)
    else:
        return
    ix.clock += 1
    ix.emit(Event("hyper", name, found[0], found[1], found[2], module, ix.unit, ix.clock,
                  target, rank, found[3], dict(extra)))


def _tagged(kind: str, name: str, node: cst.CSTNode, frame: "Frame",
            **extra: Value | None) -> Tagged:
    api = source_text(node.func) if isinstance(node, cst.Call) else ""
    return Tagged(kind, name, frame.module.line(node), frame.module.rel,
                  {k: v for k, v in extra.items() if v is not None}, api)


def on_library_call(ix: "InterpreterState", name: str, pos: list[Value], kw: dict[str, Value],
                    node: cst.Call, frame: "Frame") -> Value | None:
    last = name.rsplit(".", 1)[-1]
    if _is_optimizer(name, last):
        torch = name.startswith(("torch", "transformers", "torch_optimizer"))
        lr = kw.get("lr", kw.get("learning_rate"))
        if lr is None and not torch and pos:
            lr = pos[0]
        if lr is None and torch and len(pos) > 1:
            lr = pos[1]
        tag = _tagged("optimizer", canonical_optimizer(last), node, frame, learning_rate=lr,
                      weight_decay=kw.get("weight_decay"), momentum=kw.get("momentum"),
                      gradient_clipping=kw.get("clipnorm", kw.get("clipvalue",
                                                                   kw.get("global_clipnorm"))))
        params = pos[0] if pos else kw.get("params")
        owner = params.owner if isinstance(params, Parameters) else None
        emit_optimizer(ix, tag, node, frame, owner, rank=None if torch else 2)
        return tag
    if _is_loss(name, last):
        tag = _tagged("loss", canonical_loss(last), node, frame)
        if plain(kw.get("from_logits", Const(False, 0))) is True:
            tag.api += "(from_logits=True)"   # `check` needs to know what the loss expects
        if name.startswith("torch"):
            emit(ix, "loss", tag, node, frame)
        return tag
    if name.startswith("torch.nn.functional.") and _key(last).replace("loss", "") in _LOSSES \
            and last not in ("softmax", "log_softmax", "sigmoid"):
        emit(ix, "loss", Tagged("loss", canonical_loss(last), frame.module.line(node),
                                frame.module.rel, api=source_text(node.func)), node, frame)
        return None
    if last in ("clip_grad_norm_", "clip_grad_value_", "clip_grad_norm") and \
            name.startswith("torch.nn.utils"):
        bound = argument(pos, kw, 1, "max_norm", "clip_value")
        emit(ix, "gradient_clipping", bound if bound is not None else
             Const(True, frame.module.line(node)), node, frame)
        return None
    if last in ("EarlyStopping",) and ("callbacks" in name or name.startswith("pytorch_")):
        tag = _tagged("callback", "early_stopping", node, frame)
        emit(ix, "early_stopping", Const(True, frame.module.line(node), "literal",
                                         frame.module.rel), node, frame)
        return tag
    if _key(last) in _SCHEDULERS and ("lr_scheduler" in name or "callbacks" in name or
                                      "schedules" in name or name.startswith("transformers")):
        emit(ix, "lr_scheduler", Const(_SCHEDULERS[_key(last)], frame.module.line(node),
                                       "literal", frame.module.rel), node, frame)
        return _tagged("scheduler", _SCHEDULERS[_key(last)], node, frame)
    if last == "DataLoader" and name.startswith("torch"):
        size = kw.get("batch_size", pos[1] if len(pos) > 1 else None)
        dataset = source_text(node.args[0].value) if node.args else ""
        train = "train" in dataset.lower() or plain(kw.get("shuffle", Const(False, 0))) is True
        emit(ix, "batch_size", size, node, frame, train=train)
        return None
    if last in ("KerasClassifier", "KerasRegressor"):
        # scikit-learn wrappers (keras.wrappers.scikit_learn, scikeras): the builder makes
        # the model, the wrapper's arguments train it.
        build = argument(pos, kw, 0, "build_fn", "model")
        model = ix.call_value(build, [], {}, node, frame) if build is not None else None
        target = model if model is not None and is_model_object(model) else None
        for key in ("epochs", "batch_size"):
            if key in kw:
                emit(ix, key, kw[key], node, frame, target)
        return model if target is not None else None
    if last == "Trainer" and "lightning" in name and "gradient_clip_val" in kw:
        emit(ix, "gradient_clipping", kw["gradient_clip_val"], node, frame, train=True)
    if last in ("TrainingArguments", "TFTrainingArguments"):
        for key, hp in (("lr_scheduler_type", "lr_scheduler"), ("max_grad_norm",
                                                                "gradient_clipping")):
            if key in kw:
                emit(ix, hp, kw[key], node, frame, train=True)
    if last in ("image_dataset_from_directory", "text_dataset_from_directory") or \
            last in ("TrainingArguments", "TFTrainingArguments") or \
            last == "Trainer" and "lightning" in name:
        for key, hp in (("batch_size", "batch_size"), ("per_device_train_batch_size",
                                                       "batch_size"),
                        ("num_train_epochs", "epochs"), ("max_epochs", "epochs"),
                        ("learning_rate", "learning_rate"), ("weight_decay", "weight_decay")):
            if key in kw:
                emit(ix, hp, kw[key], node, frame, train=True)
        return None
    if last == "pad_sequences" and "maxlen" in kw:
        emit(ix, "max_sequence_length", kw["maxlen"], node, frame)
    return None


def on_project_call(ix: "InterpreterState", func: Any, env: dict[str, Value], frame: "Frame",
                    line: int) -> None:
    """A call of a project function with a batch-size parameter (`for x, y in
    batch_iter(data, config.batch_size):`, a custom batch iterator): its value is the
    batch size, ranked below a DataLoader's or fit()'s own."""
    if func.cls is not None and func.cls.framework is not None:
        return   # a model's own methods are not data pipelines
    for name, value in env.items():
        if _NAMES["batch_size"].match(name) and isinstance(value, Const) and \
                isinstance(value.value, int) and not isinstance(value.value, bool):
            ix.clock += 1
            emit(ix, "batch_size", value, func.node, frame, rank=2)
            return


def _is_optimizer(name: str, last: str) -> bool:
    if name.startswith("keras.optimizers.") and name.count(".") == 2 and \
            _key(last) in _OPTIMIZERS:
        return True   # old Keras also spelled them as functions: optimizers.adam(lr=...)
    if not last[:1].isupper():
        return False
    if re.match(r"^(tensorflow\.train|tensorflow\.compat\.v1\.train)\.", name):
        return last.endswith("Optimizer") and last != "Optimizer"   # tf.train.AdamOptimizer
    if re.match(r"^(torch\.optim|keras\.optimizers|torch_optimizer|"
                r"tensorflow\.optimizers)\.", name) and \
            "lr_scheduler" not in name and "schedules" not in name:
        return last not in ("Optimizer",)
    return name in ("transformers.AdamW", "transformers.Adafactor",
                    "transformers.optimization.AdamW")


def _is_loss(name: str, last: str) -> bool:
    if name.startswith("torch.nn.") and last.endswith("Loss") and name.count(".") == 2:
        return True
    return name.startswith(("keras.losses.", "tensorflow.losses.")) and last[:1].isupper()


def emit_optimizer(ix: "InterpreterState", tag: Tagged, node: cst.CSTNode, frame: "Frame",
                   target: Value | None, rank: int | None = None) -> None:
    emit(ix, "optimizer", tag, node, frame, target, rank)
    for key in ("learning_rate", "weight_decay", "momentum", "gradient_clipping"):
        value = tag.extra.get(key)
        if isinstance(value, Tagged):    # a schedule passed as learning rate
            continue
        emit(ix, key, value, node, frame, target, rank)


def on_method_call(ix: "InterpreterState", receiver: Value, method: str, pos: list[Value],
                   kw: dict[str, Value], node: cst.Call, frame: "Frame") -> Value | None:
    if isinstance(receiver, Instance) and receiver.cls.method(method) is not None:
        return None
    if isinstance(receiver, (ArgParser, ListVal, DictVal)):
        return None
    if method == "compile":
        target = receiver
        optimizer = kw.get("optimizer", pos[0] if pos else None)
        if isinstance(optimizer, Tagged):
            emit_optimizer(ix, optimizer, node, frame, target, 0 if _modelish(target) else 1)
        elif optimizer is not None:
            emit(ix, "optimizer", optimizer, node, frame, target)
        emit(ix, "loss", kw.get("loss", pos[1] if len(pos) > 1 else None), node, frame, target)
        metrics = kw.get("metrics")
        if metrics is not None:
            emit(ix, "metrics", metrics, node, frame, target)
        return UNKNOWN
    if method in ("fit", "fit_generator", "train"):
        if method == "train" and not kw:
            return None
        target = receiver
        positional_bs = pos[2] if method == "fit" and len(pos) > 2 else None
        positional_ep = pos[3] if method == "fit" and len(pos) > 3 else None
        emit(ix, "epochs", kw.get("epochs", kw.get("nb_epoch", positional_ep)), node, frame,
             target)
        emit(ix, "batch_size", kw.get("batch_size", positional_bs), node, frame, target)
        callbacks = kw.get("callbacks")
        if isinstance(callbacks, ListVal):
            for cb in callbacks.items:
                if isinstance(cb, Tagged) and cb.kind == "callback":
                    emit(ix, cb.name, Const(True, cb.line, "literal", cb.file), node, frame,
                         target)
                elif isinstance(cb, Tagged) and cb.kind == "scheduler":
                    emit(ix, "lr_scheduler", Const(cb.name, cb.line, "literal", cb.file), node,
                         frame, target)
        return UNKNOWN
    if method in ("flow_from_directory", "flow", "flow_from_dataframe"):
        # also used to augment a few images for display: weaker than a DataLoader
        emit(ix, "batch_size", kw.get("batch_size"), node, frame, rank=2, train=True)
        return None
    if method == "batch" and pos and not isinstance(receiver, (SequentialObj, LayerObj)):
        emit(ix, "batch_size", pos[0], node, frame, rank=2)
        return None
    return None


def _modelish(value: Value) -> bool:
    return isinstance(value, (SequentialObj, FunctionalModel, Instance)) or \
        isinstance(value, LayerObj) and value.type == "Pretrained"


def on_for_loop(ix: "InterpreterState", stmt: cst.For, iterable: Value, frame: "Frame") -> None:
    target = source_text(stmt.target).lower()
    it = stmt.iter
    if isinstance(it, cst.Call) and dotted_name(it.func) in ("tqdm", "tqdm.tqdm", "trange",
                                                            "tqdm.trange", "enumerate") \
            and it.args and dotted_name(it.func) not in ("trange", "tqdm.trange"):
        it = it.args[0].value
    bound = [a.value for a in it.args if a.keyword is None][-1:] \
        if isinstance(it, cst.Call) else []
    bound_name = re.findall(r"[A-Za-z_]\w*", source_text(bound[0]))[-1:] if bound else []
    # `for epoch in range(n)`, `for e in range(EPOCHS)`, `for i in range(args.num_epochs)`;
    # not `range(filter_epoch)` or `range(len(epoch_losses))`.
    if "epoch" not in target and target not in ("e", "ep") and not (
            bound_name and _NAMES["epochs"].match(bound_name[0])):
        return
    if not isinstance(it, cst.Call) or dotted_name(it.func) not in ("range", "trange",
                                                                   "tqdm.trange"):
        return
    args = [a.value for a in it.args if a.keyword is None]
    if len(args) == 1:
        emit(ix, "epochs", ix.eval(args[0], frame), stmt, frame)
    elif len(args) >= 2:
        start = plain(ix.eval(args[0], frame))
        stop_node = args[1]
        if start == 1 and isinstance(stop_node, cst.BinaryOperation) and \
                isinstance(stop_node.operator, cst.Add) and \
                source_text(stop_node.right) == "1":
            emit(ix, "epochs", ix.eval(stop_node.left, frame), stmt, frame)
        elif start == 0:
            emit(ix, "epochs", ix.eval(stop_node, frame), stmt, frame)
        else:
            stop = ix.eval(stop_node, frame)
            if isinstance(stop, Const) and isinstance(start, int) and \
                    isinstance(stop.value, int) and stop.value > start:
                emit(ix, "epochs", Const(stop.value - start, stop.line, stop.how, stop.file),
                     stmt, frame)
            elif isinstance(stop, Const) and not isinstance(start, int) and \
                    re.search(r"start|begin|resume|init", source_text(args[0]), re.I):
                # `range(start_epoch, NUM_EPOCHS)`: start_epoch is 0 unless a checkpoint
                # is resumed, so a fresh run trains NUM_EPOCHS epochs
                emit(ix, "epochs", stop, stmt, frame)


def dotted_name(node: cst.BaseExpression) -> str:
    return dotted(node) or ""


def on_constant(ix: "InterpreterState", name: str, value: Const, frame: "Frame") -> None:
    """A module-level name such as EPOCHS = 10: a rank-3 finding, used only when nothing
    more direct says the same."""
    for hp, pattern in _NAMES.items():
        if pattern.match(name):
            emit(ix, hp, value, frame.module.tree, frame, rank=3)
            return


def on_config_key(ix: "InterpreterState", key: str, value: Const, frame: "Frame") -> None:
    on_constant(ix, key, value, frame)


def argparse_call(ix: "InterpreterState", parser: ArgParser, method: str, pos: list[Value],
                  kw: dict[str, Value], node: cst.Call, frame: "Frame") -> Value:
    if method in ("add_argument_group", "add_mutually_exclusive_group", "add_subparsers"):
        return parser
    if method == "add_parser":
        # A sub-command's options land in the one namespace parse_args returns; its
        # `parents=[...]` bring theirs.
        parents = kw.get("parents")
        for parent in (parents.items if isinstance(parents, ListVal) else []):
            if isinstance(parent, ArgParser):
                for key, value in parent.options.items():
                    parser.options.setdefault(key, value)
        return parser
    if method in ("parse_args",):
        return Namespace(dict(parser.options))
    if method == "parse_known_args":
        return ListVal([Namespace(dict(parser.options)), UNKNOWN])
    if method == "set_defaults":
        for key, value in kw.items():
            if isinstance(value, Const):
                parser.options[key] = Const(value.value, value.line, "argparse", value.file)
        return UNKNOWN
    if method != "add_argument":
        return UNKNOWN
    flags = [plain(p) for p in pos if isinstance(plain(p), str)]
    dest = plain(kw["dest"]) if "dest" in kw else None
    if not isinstance(dest, str):
        longs = [f for f in flags if f.startswith("--")]
        chosen = longs[0] if longs else (flags[0] if flags else "")
        dest = chosen.lstrip("-").replace("-", "_")
    if not dest:
        return UNKNOWN
    default = kw.get("default")
    line = frame.module.line(node)
    if isinstance(default, Const):
        option = Const(default.value, line, "argparse", frame.module.rel)
        parser.options[dest] = option
        on_constant(ix, dest, option, frame)
    else:
        parser.options[dest] = Unknown(f"args.{dest}")
    return UNKNOWN
