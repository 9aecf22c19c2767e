"""Hyperparameters: where the learning rate, batch size, epochs, optimizer and loss are read.

The interpreter calls these hooks as it walks the code; each finding becomes an `Event`
with a value, file, line and `how` (literal, constant, argparse, config, expression) and
a rank that says how directly it is tied to a model:

- rank 0: tied to a model by the code (`model.compile(...)`, `model.fit(...)`,
  `optim.Adam(model.parameters(), ...)`, the model called on the batches of a training
  DataLoader: `tie_loader`);
- rank 1: untied but in the training code (a loss object, a DataLoader, an epoch loop,
  an EarlyStopping callback), attached to the model the same file made last;
- rank 3: a name that says what it is (`EPOCHS = 10`, `--lr` default, `config["lr"]`)
  though nothing was seen using it.

`project.py` attaches events to models; the lowest rank wins, then the earliest.

This module is framework-neutral: the canonical names, recording a finding, and what
any training code shows (argparse options, epoch loops, batch-size parameters, names
that say what they hold). Which library objects and methods configure training is
each framework handler's knowledge (`frameworks`), which records through `emit`.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import libcst as cst
import libcst.matchers as m

from exnet.extract.names import dotted
from exnet.extract.program import Event, Frame, FunctionInfo
from exnet.extract.state import State
from exnet.extract.values import (
    UNKNOWN,
    ArgParser,
    Const,
    ListVal,
    Namespace,
    Qualified,
    Tagged,
    Unknown,
    Value,
    is_model_object,
    plain,
    source_text,
)

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
    # timm's losses for mixup / cutmix targets and label smoothing
    "softtargetcrossentropy": "cross_entropy", "labelsmoothingcrossentropy": "cross_entropy",
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


def key(name: str) -> str:
    """A name as the tables spell it: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def known_optimizer(name: str) -> bool:
    """Whether the optimizer table knows `name` (`adam`, `RMSprop`, `AdamW`)."""
    return key(name) in _OPTIMIZERS


def known_loss(name: str) -> bool:
    """Whether the loss table knows `name`, with or without a `loss` in it."""
    return key(name).replace("loss", "") in _LOSSES


def canonical_optimizer(name: str) -> str:
    spelled = key(name).removesuffix("optimizer")
    return _OPTIMIZERS.get(spelled, re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower())


def canonical_loss(name: str) -> str:
    spelled = key(name)
    return _LOSSES.get(spelled, _LOSSES.get(spelled.removesuffix("loss"),
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


def emit(state: State, name: str, value: Value | None, node: cst.CSTNode, frame: Frame,
         target: Value | None = None, rank: int | None = None, **extra: Any) -> None:
    """Record one hyperparameter finding (see the module docstring for ranks)."""

    if value is None:
        return
    if target is not None and not is_model_object(target):
        target = None
    if target is None and name == "loss" and frame.self_val is not None and \
            frame.self_val.cls.framework is not None and \
            frame.self_val.cls.method("training_step") is not None:
        # a loss made in the methods of a model that trains itself (a LightningModule's
        # `self.criterion = nn.CrossEntropyLoss()`, `F.cross_entropy` in its
        # `training_step`) is that model's; a loss module's own inner loss is not
        target = frame.self_val
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
    state.clock += 1
    state.emit(Event("hyper", name, found[0], found[1], found[2], module, state.unit,
                     state.clock, target, rank, found[3], dict(extra)))


def tagged(kind: str, name: str, node: cst.CSTNode, frame: Frame,
           **extra: Value | None) -> Tagged:
    """A recognised library object (an optimizer, a loss, a callback, a schedule) made
    at `node`, with the values it carries (`learning_rate`, ...)."""
    api = source_text(node.func) if isinstance(node, cst.Call) else ""
    return Tagged(kind, name, frame.module.line(node), frame.module.rel,
                  {k: v for k, v in extra.items() if v is not None}, api)


def emit_optimizer(state: State, tag: Tagged, node: cst.CSTNode, frame: Frame,
                   target: Value | None, rank: int | None = None) -> None:
    emit(state, "optimizer", tag, node, frame, target, rank)
    for name in ("learning_rate", "weight_decay", "momentum", "gradient_clipping"):
        value = tag.extra.get(name)
        if isinstance(value, Tagged):    # a schedule passed as learning rate
            continue
        emit(state, name, value, node, frame, target, rank)


#: Data named as held out: test, val(idation), eval, dev sets (not "interval").
_HELD_OUT = re.compile(r"(?<![a-z])(?:test|val|eval|dev)", re.I)


def held_out(text: str) -> bool:
    """Whether the source text of a data expression names held-out data."""
    return _HELD_OUT.search(text) is not None


def loader(size: Value | None, train: bool, node: cst.CSTNode, frame: Frame,
           api: str) -> Tagged:
    """A batch loader (a DataLoader, a Keras generator): a loop over it, or `fit` on
    it, ties its batch size to the model it feeds (`tie_loader`)."""
    return Tagged("loader", "DataLoader", frame.module.line(node), frame.module.rel,
                  extra={"batch_size": size if size is not None else UNKNOWN,
                         "train": Const(train, 0)}, api=api)


def tie_loader(state: State, loader: Tagged, target: Value, node: cst.CSTNode,
               frame: Frame) -> None:
    """A model called on the batches of a DataLoader (`for x, y in train_loader:
    out = model(x)`, in a training function every model of a notebook shares) has that
    loader's batch size, tied: found where the DataLoader was made, once per pair."""
    pair = (id(loader), id(target))
    size = loader.extra.get("batch_size")
    # only a loader of training data (shuffled, or made from a "train" set): a test
    # loader's batch size is an evaluation setting, and an evaluation script that
    # loops over one does not train the model
    if pair in state.loader_ties or not isinstance(size, Const) or \
            plain(loader.extra.get("train")) is not True:
        return
    state.loader_ties.add(pair)
    if not size.file:
        size = Const(size.value, size.line, size.how, loader.file)
    emit(state, "batch_size", size, node, frame, target, rank=0, loader=True)


def early_stopping(state: State, name: str, node: cst.Call, frame: Frame) -> Tagged | None:
    """An early-stopping callback (Keras's, Lightning's): a finding of its own, and a
    tag that `fit(callbacks=[...])` ties to the model; None when `name` is not one."""
    if name.rsplit(".", 1)[-1] != "EarlyStopping" or not (
            "callbacks" in name or name.startswith("pytorch_")):
        return None
    tag = tagged("callback", "early_stopping", node, frame)
    emit(state, "early_stopping", Const(True, frame.module.line(node), "literal",
                                        frame.module.rel), node, frame)
    return tag


def scheduler(state: State, name: str, node: cst.Call, frame: Frame) -> Tagged | None:
    """A learning-rate schedule (`lr_scheduler.StepLR`, a Keras schedule or callback,
    `transformers.get_linear_schedule_with_warmup`): a finding, and a tag that
    `fit(callbacks=[...])` ties to the model; None when `name` is not one."""
    kind = _SCHEDULERS.get(key(name.rsplit(".", 1)[-1]))
    if kind is None or not ("lr_scheduler" in name or "callbacks" in name or
                            "schedules" in name or name.startswith("transformers")):
        return None
    emit(state, "lr_scheduler", Const(kind, frame.module.line(node), "literal",
                                      frame.module.rel), node, frame)
    return tagged("scheduler", kind, node, frame)


def training_arguments(state: State, kw: dict[str, Value], node: cst.Call,
                       frame: Frame) -> None:
    """The keyword arguments of a call that sets up training for a model it is not
    given (`TrainingArguments(...)`, Lightning's `Trainer(...)`, a Keras dataset made
    from a folder)."""
    for name, canonical in (("batch_size", "batch_size"),
                            ("per_device_train_batch_size", "batch_size"),
                            ("num_train_epochs", "epochs"), ("max_epochs", "epochs"),
                            ("learning_rate", "learning_rate"),
                            ("weight_decay", "weight_decay")):
        if name in kw:
            emit(state, canonical, kw[name], node, frame, train=True)


def on_project_call(state: State, func: FunctionInfo, env: dict[str, Value],
                    frame: Frame) -> None:
    """A call of a project function with a batch-size parameter (`for x, y in
    batch_iter(data, config.batch_size):`, a custom batch iterator): its value is the
    batch size, ranked below a DataLoader's or fit()'s own."""
    if func.cls is not None and func.cls.framework is not None:
        return   # a model's own methods are not data pipelines
    for name, value in env.items():
        if _NAMES["batch_size"].match(name) and isinstance(value, Const) and \
                isinstance(value.value, int) and not isinstance(value.value, bool):
            state.clock += 1
            emit(state, "batch_size", value, func.node, frame, rank=2)
            return


def on_for_loop(state: State, stmt: cst.For, frame: Frame,
                evaluate: Callable[[cst.BaseExpression, Frame], Value]) -> Value | None:
    """`for epoch in range(n)`: the number of epochs, emitted (`evaluate` gives the value
    of the bounds). For a `range` loop whose names say nothing (`for ITER in
    range(MAX_ITER)`), the count it would stand for, for the caller to emit if training
    steps turn out to run in a loop within it (`unnamed_epochs`)."""
    target = source_text(stmt.target).lower()
    it = stmt.iter
    if isinstance(it, cst.Call) and dotted_name(it.func) in ("tqdm", "tqdm.tqdm", "trange",
                                                            "tqdm.trange", "enumerate") \
            and it.args and dotted_name(it.func) not in ("trange", "tqdm.trange"):
        it = it.args[0].value
    if not isinstance(it, cst.Call) or dotted_name(it.func) not in ("range", "trange",
                                                                   "tqdm.trange"):
        return None
    bound = [a.value for a in it.args if a.keyword is None][-1:]
    bound_name = re.findall(r"[A-Za-z_]\w*", source_text(bound[0]))[-1:] if bound else []
    # `for epoch in range(n)`, `for e in range(EPOCHS)`, `for i in range(args.num_epochs)`;
    # not `range(filter_epoch)` or `range(len(epoch_losses))`.
    named = "epoch" in target or target in ("e", "ep") or (
        bound_name and _NAMES["epochs"].match(bound_name[0]))
    if not named and any(m.findall(a.value, m.Call()) for a in it.args):
        return None
    count = _range_count([a.value for a in it.args if a.keyword is None], frame, evaluate)
    if count is not None and named:
        state.epoch_loops += 1
        emit(state, "epochs", count, stmt, frame)
        return None
    # an unnamed loop is only a candidate: its bounds plain (evaluating a call again
    # would run it twice, above) and known, and not a stride over batches
    return count if len(it.args) < 3 and isinstance(count, Const) and \
        isinstance(count.value, int) and not isinstance(count.value, bool) else None


def counting_loop(stmt: cst.For) -> bool:
    """`for i in range(n)` (or `range(a, b)`): a loop that counts, not one over data
    (a loader, a list of batches, or `range(0, n, batch_size)` over batch offsets)."""
    it = stmt.iter
    return isinstance(it, cst.Call) and dotted_name(it.func) in ("range", "trange",
                                                                 "tqdm.trange") \
        and len(it.args) < 3


def unnamed_epochs(state: State, stmt: cst.For, frame: Frame, count: Value,
                   trained_deeper: bool, epoch_loops_before: int) -> None:
    """A `range` loop that says nothing of epochs (`for ITER in range(MAX_ITER)`, `for i
    in range(10): train(model, train_iterator)`) is the epoch loop when training steps
    (`loss.backward()`, `optimizer.step()`, `train_on_batch`) ran in a loop over data
    within it (`counting_loop`: a GAN's `for _ in range(n_critic)` is not one), and no
    loop within it was named as the epoch loop (a loop over folds around `for epoch in
    ...` is not)."""
    if trained_deeper and state.epoch_loops == epoch_loops_before:
        state.epoch_loops += 1
        emit(state, "epochs", count, stmt, frame)


def _range_count(args: list[cst.BaseExpression], frame: Frame,
                 evaluate: Callable[[cst.BaseExpression, Frame], Value]) -> Value | None:
    """How many times `range(*args)` runs, as a value; None when unknown."""
    if len(args) == 1:
        return evaluate(args[0], frame)
    if len(args) < 2:
        return None
    start = plain(evaluate(args[0], frame))
    stop_node = args[1]
    if start == 1 and isinstance(stop_node, cst.BinaryOperation) and \
            isinstance(stop_node.operator, cst.Add) and source_text(stop_node.right) == "1":
        return evaluate(stop_node.left, frame)
    if start == 0:
        return evaluate(stop_node, frame)
    stop = evaluate(stop_node, frame)
    if isinstance(stop, Const) and isinstance(start, int) and \
            isinstance(stop.value, int) and stop.value > start:
        return Const(stop.value - start, stop.line, stop.how, stop.file)
    if isinstance(stop, Const) and not isinstance(start, int) and \
            re.search(r"start|begin|resume|init", source_text(args[0]), re.I):
        # `range(start_epoch, NUM_EPOCHS)`: start_epoch is 0 unless a checkpoint
        # is resumed, so a fresh run trains NUM_EPOCHS epochs
        return stop
    return None


def dotted_name(node: cst.BaseExpression) -> str:
    return dotted(node) or ""


def on_constant(state: State, name: str, value: Const, frame: Frame) -> None:
    """A module-level name such as EPOCHS = 10: a rank-3 finding, used only when nothing
    more direct says the same."""
    for hp, pattern in _NAMES.items():
        if pattern.match(name):
            emit(state, hp, value, frame.module.tree, frame, rank=3)
            return


def on_config_key(state: State, name: str, value: Const, frame: Frame) -> None:
    on_constant(state, name, value, frame)


def argparse_call(state: State, parser: ArgParser, method: str, pos: list[Value],
                  kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
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
    action = plain(kw.get("action"))
    if default is None and action in ("store_true", "store_false"):
        # a flag is off unless it is passed
        default = Const(action == "store_false", line, "literal", frame.module.rel)
    if isinstance(default, Const):
        written: Any = default.value
        kind = kw.get("type")
        if isinstance(written, str) and isinstance(kind, Qualified) and \
                kind.name in ("builtins.int", "builtins.float"):
            # argparse converts a string default with the option's type: `default='100'`
            try:
                written = int(written) if kind.name == "builtins.int" else float(written)
            except ValueError:
                pass
        option = Const(written, line, "argparse", frame.module.rel)
        parser.options[dest] = option
        on_constant(state, dest, option, frame)
    elif isinstance(default, ListVal) and all(isinstance(i, Const) for i in default.items):
        # `--filters default=[3, 4, 5]`: a model's kernel sizes, one branch each
        parser.options[dest] = ListVal([Const(i.value, line, "argparse", frame.module.rel)
                                        for i in default.items if isinstance(i, Const)],
                                       line)
    else:
        parser.options[dest] = Unknown(f"args.{dest}")
    return UNKNOWN
