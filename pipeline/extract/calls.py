"""Calls: library calls (handed to the settings files, datasets and framework handlers),
builtins, methods on abstract values, project functions inlined with their arguments
bound, and project classes instantiated by running their `__init__` (or, for a Flax
module, binding its fields and running its `setup()`).

`Calls` holds the project (`Program`), the shared `State`, the `Graph`, the `Evaluator`
it evaluates arguments and function bodies with, and the `Host` it hands library calls
to (the handlers' view of the interpreter, `frameworks.base.Host`).
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Any

import libcst as cst

from exnet.extract import datasets, frameworks, hyperparameters, layers, settings_files
from exnet.extract.frameworks.base import Host
from exnet.extract.graph import Graph, tensor_deps
from exnet.extract.names import dotted, fold
from exnet.extract.program import (
    MAX_DEPTH,
    ClassInfo,
    Evaluator,
    Event,
    Frame,
    FunctionInfo,
    ModuleInfo,
    Program,
)
from exnet.extract.state import State
from exnet.extract.values import (
    MAX_SEQUENCE,
    UNKNOWN,
    ArgParser,
    Choice,
    ClassRef,
    Const,
    DictVal,
    FileHandle,
    FunctionalModel,
    FunctionRef,
    Globals,
    IniConfig,
    Instance,
    Lambda,
    LayerObj,
    ListVal,
    Namespace,
    Partial,
    Qualified,
    SequentialObj,
    Super,
    Tagged,
    Tensor,
    Unbound,
    Unknown,
    Value,
    all_of,
    is_model_object,
    plain,
    source_text,
)

#: Methods that run a model object on its input, whatever the framework.
FORWARD_METHODS = ("forward", "call", "__call__")


class Calls:
    """Call evaluation."""

    def __init__(self, program: Program, state: State, graph: Graph, evaluator: Evaluator,
                 host: Host) -> None:
        self.program = program
        self.state = state
        self.graph = graph
        self.evaluator = evaluator
        self.host = host

    def arguments(self, call: cst.Call, frame: Frame) -> tuple[list[Value], dict[str, Value]]:
        pos: list[Value] = []
        kw: dict[str, Value] = {}
        for arg in call.args:
            value = self.evaluator.eval(arg.value, frame)
            if arg.keyword is not None:
                kw[arg.keyword.value] = value
            elif arg.star == "*" and isinstance(value, ListVal):
                pos.extend(value.items)
            elif arg.star == "**" and isinstance(value, DictVal):
                kw.update((k, v) for k, v in value.items.items() if isinstance(k, str))
            elif not arg.star:
                pos.append(value)
        return pos, kw

    def call(self, node: cst.Call, frame: Frame) -> Value:
        func = node.func
        receiver: Value | None = None
        if isinstance(func, cst.Attribute):
            receiver = self.evaluator.eval(func.value, frame)
            method = func.attr.value
            if isinstance(receiver, Qualified):
                imported = self.program.imported_value(f"{receiver.name}.{method}")
                callee: Value = imported if imported is not None else \
                    Qualified(fold(f"{receiver.name}.{method}"))
            elif isinstance(receiver, Instance) and method in receiver.attrs:
                callee = receiver.attrs[method]
            elif isinstance(receiver, Namespace) and method in receiver.attrs:
                callee = receiver.attrs[method]
            elif isinstance(receiver, Choice) and receiver.options and \
                    all(isinstance(o, Qualified) for o in receiver.options):
                callee = self.evaluator.eval(func, frame)   # `x.Model` of a module choice
            else:
                pos, kw = self.arguments(node, frame)
                return self.method_call(receiver, method, pos, kw, node, frame)
        else:
            callee = self.evaluator.eval(func, frame)
        pos, kw = self.arguments(node, frame)
        return self.call_value(callee, pos, kw, node, frame)

    def call_value(self, callee: Value, pos: list[Value], kw: dict[str, Value],
                   node: cst.Call, frame: Frame) -> Value:
        line = frame.module.line(node)
        if isinstance(callee, Choice):   # `MODELS[args.model](vocab, ...)`
            return self.state.make_choice([self.call_value(option, pos, kw, node, frame)
                                           for option in callee.options],
                                          callee.line, callee.file)
        if isinstance(callee, Qualified):
            return self.library_call(callee.name, pos, kw, node, frame)
        if isinstance(callee, ClassRef):
            base = _optimizer_base(callee.cls)
            if base is not None:
                # a project's own optimizer (`class RAdam(Optimizer)` copied into utils/):
                # an optimizer of its class's name, made as the framework's are
                made = frameworks.library_call(self.host, f"{base}.{callee.cls.name}", pos,
                                               kw, node, frame)
                if made is not None:
                    return made
            chosen = _model_choice(pos, kw) if callee.cls.framework is not None and \
                not frame.in_model else None
            if chosen is not None:
                # `Classifier(model)` of a model picked at run time (a LightningModule
                # around `if args.model == "cnn": ... elif ...`): a wrapper for each option
                key, choice = chosen
                return self.state.make_choice(
                    [self.instantiate(callee.cls, *_with(pos, kw, key, option), node, frame,
                                      variant=i + 1)
                     for i, option in enumerate(choice.options)], choice.line, choice.file)
            return self.instantiate(callee.cls, pos, kw, node, frame)
        if isinstance(callee, FunctionRef):
            return self.call_function(callee, pos, kw, frame, line)
        if isinstance(callee, Lambda):
            return self.call_lambda(callee, pos, kw, frame)
        if isinstance(callee, Partial):
            return self.call_value(callee.func, [*callee.pos, *pos], {**callee.kw, **kw},
                                   node, replace(frame, depth=frame.depth + 1)) \
                if frame.depth < MAX_DEPTH else UNKNOWN
        if isinstance(callee, Namespace):
            return callee          # `cfg = Config()` of a configuration class
        if isinstance(callee, (LayerObj, SequentialObj, Instance, FunctionalModel)):
            if self.state.loaders and not frame.in_model and is_model_object(callee):
                hyperparameters.tie_loader(self.state, self.state.loaders[-1], callee, node,
                                           frame)
            return self.graph.apply(callee, pos, kw, frame, line)
        return _passed_through(pos, kw, node)

    def library_call(self, name: str, pos: list[Value], kw: dict[str, Value], node: cst.Call,
                     frame: Frame) -> Value:
        if pos and isinstance(pos[0], Tagged) and pos[0].kind == "loader" and \
                name.rsplit(".", 1)[-1] in _BATCH_WRAPPERS:
            return pos[0]   # `tqdm(train_loader)` still yields that loader's batches
        settings = settings_files.on_library_call(self.program.root, frame.module.rel, name,
                                                  pos, kw)
        if settings is not None:
            return settings
        # datasets only records findings, so it sees every call first, including
        # preprocessing layers that a framework handler turns into LayerObjs.
        datasets.on_library_call(self.state, name, pos, kw, node, frame)
        made = frameworks.library_call(self.host, name, pos, kw, node, frame)
        if made is not None:
            return made
        if name.startswith("builtins."):
            return self.builtin(name[9:], pos, kw, node, frame)
        if name == "functools.partial" and pos:
            return Partial(node, pos[0], pos[1:], kw)
        if name in ("pathlib.Path", "pathlib.PurePath", "os.path.join") and pos and \
                all(isinstance(plain(v), str) for v in pos) and \
                sum(len(plain(v)) for v in pos) < 10_000:
            # a path as its string: `Path("config") / "c.yaml"`, `.open()` reads it
            return Const(posixpath.join(*(plain(v) for v in pos)),
                         line=pos[0].line if isinstance(pos[0], Const) else 0)
        if name == "importlib.import_module" and pos and node.args:
            return self.import_by_name(pos[0], node.args[0].value, frame)
        if name == "argparse.ArgumentParser":
            parser = ArgParser()
            parents = kw.get("parents")
            for parent in (parents.items if isinstance(parents, ListVal) else []):
                if isinstance(parent, ArgParser):
                    parser.options.update(parent.options)
            return parser
        if name in ("collections.OrderedDict", "builtins.dict"):
            return self.builtin("dict", pos, kw, node, frame)
        if name.endswith(".deepcopy") or name.endswith(".copy"):
            return pos[0] if pos else UNKNOWN
        return _passed_through(pos, kw, node)

    def builtin(self, name: str, pos: list[Value], kw: dict[str, Value], node: cst.Call,
                frame: Frame) -> Value:
        line = frame.module.line(node)
        if name == "getattr" and len(pos) >= 2 and isinstance(pos[0], Qualified):
            return self.getattr_of_module(pos[0].name, pos[1], frame, line) or \
                _library_attribute(pos[0], pos[1]) or Unknown(node)
        if name == "open" and pos and isinstance(plain(pos[0]), str):
            return FileHandle(plain(pos[0]))
        if name == "dict":
            return _dict(pos, kw, line)
        if name == "globals" and not pos and not kw:
            return Globals(frame.module)
        if name == "vars" and len(pos) == 1 and isinstance(pos[0], Namespace):
            # `train(**vars(parser.parse_args()))`: the options as keyword arguments
            return DictVal(dict(pos[0].attrs), line)
        if name == "super":
            if frame.self_val is None:
                return UNKNOWN
            return Super(frame.self_val, frame.cls) if frame.cls is not None \
                else frame.self_val
        return _builtin_value(name, pos, line, node)

    # ----------------------------------------------------------------- methods
    def method_call(self, receiver: Value, method: str, pos: list[Value],
                    kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
        line = frame.module.line(node)
        if method in _TRAINING_STEPS or method == "step" and isinstance(receiver, Tagged) \
                and receiver.kind == "optimizer":
            loops = self.state.loops
            self.state.step_loops.append(max((k for k, data in enumerate(loops) if data),
                                             default=-1))
        if isinstance(receiver, Const) and isinstance(receiver.value, str) and \
                method in ("open", "read_text"):
            return FileHandle(receiver.value)   # `Path("config.yaml").open()`
        datasets.on_reader_method(self.state, method, pos, kw, node, frame)
        hooked = frameworks.training_method(self.host, receiver, method, pos, kw, node, frame)
        if hooked is not None:
            return hooked
        if method in frameworks.WEIGHT_LOADERS and is_model_object(receiver):
            # Weights loaded into a rebuilt model: inference code, not a new model.
            self.state.clock += 1
            self.state.emit(Event("load", method, None, line, "literal", frame.module,
                                  self.state.unit, self.state.clock, target=receiver,
                                  file=frame.module.rel))
        ran = self.project_method(receiver, method, pos, kw, node, frame)
        if ran is not None:
            return ran
        if method == "submit" and pos and isinstance(pos[0], (FunctionRef, ClassRef)):
            # `executor.submit(run_model, ...)` runs run_model(...) (threads, processes)
            return self.call_value(pos[0], pos[1:], kw, node, frame)
        if isinstance(receiver, FileHandle) and method in ("read", "__enter__"):
            return receiver   # `json.loads(open(path).read())`
        framework = frameworks.object_method(self.host, receiver, method, pos, kw, node, frame)
        if framework is not None:
            return framework
        if isinstance(receiver, LayerObj) and receiver.type == "Pretrained" and \
                method not in ("state_dict", "load_state_dict", "save", "save_weights",
                               "summary", "predict", "evaluate", "requires_grad_"):
            return self.graph.apply(receiver, pos, kw, frame, line)   # backbone.features(x)
        if isinstance(receiver, Tensor) or isinstance(receiver, Unbound) and \
                layers.is_layer_method(method, pos, kw):
            data = receiver if isinstance(receiver, Tensor) else Tensor(())
            return layers.tensor_method(self.state, self.graph, data, method, pos, kw,
                                        node, frame)
        contained = self.container_method(receiver, method, pos, kw, node, frame)
        if contained is not None:
            return contained
        if isinstance(receiver, ArgParser):
            return hyperparameters.argparse_call(self.state, receiver, method, pos, kw, node,
                                                 frame)
        return self.data_path_method(receiver, method, pos, kw, node, frame)

    def project_method(self, receiver: Value, method: str, pos: list[Value],
                       kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
        """A method the project defines, called on a class (a static or class method:
        `Config.from_yaml(path)`), on an instance, or through `super()`."""
        line = frame.module.line(node)
        if isinstance(receiver, Super):
            for base in receiver.cls.bases:   # the next class in line that defines it
                found = base.method(method)
                if found is not None:
                    owner, fn = found
                    return self.call_function(
                        FunctionRef(FunctionInfo(method, fn, owner.module, owner),
                                    receiver.instance), pos, kw, frame, line)
            return UNKNOWN if method != "__init__" else Const(None, line)
        if not isinstance(receiver, (ClassRef, Instance)):
            return None
        found = receiver.cls.method(method)
        if found is None:
            return None
        cls, fn = found
        bound = receiver if isinstance(receiver, Instance) else None
        return self.call_function(FunctionRef(FunctionInfo(method, fn, cls.module, cls), bound),
                                  pos, kw, frame, line)

    def container_method(self, receiver: Value, method: str, pos: list[Value],
                         kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
        """Methods of containers: a Sequential grown by `add`/`append`/`extend`, a list,
        a dict."""
        line = frame.module.line(node)
        if isinstance(receiver, SequentialObj) and method == "extend" and pos and \
                isinstance(pos[0], (ListVal, SequentialObj)):
            receiver.items.extend(pos[0].items)   # nn.Sequential.extend (PyTorch 2)
            self.state.built += 1
            receiver.last_line = max(receiver.last_line, frame.module.end_line(node))
            return Const(None, line)
        if isinstance(receiver, SequentialObj) and method in ("add", "append", "add_module"):
            item = pos[-1] if pos else kw.get("module", kw.get("layer", UNKNOWN))
            receiver.items.append(item)
            self.state.built += 1
            receiver.last_line = max(receiver.last_line, frame.module.end_line(node))
            return Const(None, line)
        if isinstance(receiver, ListVal):
            if method == "append" and pos:
                receiver.items[:] = self.state.capped(receiver.items + [pos[0]], node, frame)
            elif method == "extend" and pos and isinstance(pos[0], ListVal):
                receiver.items[:] = self.state.capped(receiver.items + pos[0].items, node,
                                                      frame)
            elif method == "insert" and len(pos) == 2:
                index = plain(pos[0])
                if isinstance(index, int):
                    receiver.items.insert(index, pos[1])
            return Const(None, line)
        if isinstance(receiver, IniConfig):
            return settings_files.ini_method(self.program.root, frame.module.rel, receiver,
                                             method, pos, kw)
        if isinstance(receiver, DictVal):
            return _dict_method(receiver, method, pos, line)
        return None

    def data_path_method(self, receiver: Value, method: str, pos: list[Value],
                         kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
        """What is left: running a model object (`self.encoder.forward(x)`), a module's
        `add_module`, a class's library method, string methods, else a tensor passed
        through or an unknown value."""
        line = frame.module.line(node)
        if isinstance(receiver, Instance):
            if method == "add_module" and len(pos) == 2 and isinstance(plain(pos[0]), str):
                receiver.attrs[plain(pos[0])] = pos[1]
            if method in FORWARD_METHODS:
                return self.graph.apply(receiver, pos, kw, frame, line)
            return UNKNOWN
        if isinstance(receiver, FunctionRef) and method in ("forward", "call"):
            return UNKNOWN
        if isinstance(receiver, ClassRef):
            return self.library_call(f"{receiver.cls.name}.{method}", pos, kw, node, frame)
        if isinstance(receiver, (LayerObj, SequentialObj)) and method in FORWARD_METHODS:
            return self.graph.apply(receiver, pos, kw, frame, line)
        if isinstance(receiver, Const) and isinstance(receiver.value, str):
            return _string_method(receiver, method, pos, node)
        return _passed_through(pos, kw, node, receiver)

    def getattr_of_module(self, module_name: str, key: Value, frame: Frame,
                          line: int) -> Value | None:
        """`getattr(models, args.model)` on a project module: the named class or builder,
        or, when the name is chosen at run time, a Choice of the module's model classes
        and builders (every one the command line can reach)."""
        module = self.program.project_module(module_name)
        if module is None:
            return None
        if isinstance(key, Const) and key.how != "argparse" and isinstance(key.value, str):
            return self.program.imported_value(f"{module_name}.{key.value}")
        # a package offers what its modules define (`models/__init__.py` re-exports them)
        folder = module.rel.rsplit("/", 1)[0] + "/" \
            if module.rel.endswith("__init__.py") else None
        mine = {id(m) for m in self.program.modules
                if m is module or folder is not None and m.rel.startswith(folder)}
        options: list[Value] = [ClassRef(c) for c in self.program.every_class()
                                if id(c.module) in mine and c.framework is not None]
        if folder is None:
            options += [FunctionRef(f) for infos in self.program.functions.values()
                        for f in infos if f.module is module and not f.name.startswith("_")]
        if isinstance(key, Const) and isinstance(key.value, str):   # the default first
            options.sort(key=lambda o: getattr(getattr(o, "cls", None) or
                                               getattr(o, "func", None), "name", "")
                         != key.value)
        return self.state.make_choice(options, line, frame.module.rel) if options else None

    def import_by_name(self, key: Value, expr: cst.BaseExpression, frame: Frame) -> Value:
        """`importlib.import_module(name)`: the project module a constant name names; a
        name built at run time (`"models." + args.model`, `f"models.{name}"`) may be any
        module of that package, so it is a Choice of them (the default first)."""
        value = key.value if isinstance(key, Const) and isinstance(key.value, str) else None
        if value is not None and isinstance(key, Const) and key.how != "argparse":
            found = self.program.project_module(value)
            return Qualified(value) if found is not None else Unknown(expr)
        package = _literal_prefix(expr).strip(".")
        if not package:
            return Unknown(expr)
        names = sorted(n for n in self.program.by_dotted if "." in n and not
                       n.endswith(".__init__") and (n.rsplit(".", 1)[0] == package or
                                                    n.rsplit(".", 1)[0].endswith("." + package)))
        if value is not None:   # an argparse default names the module run by default
            names.sort(key=lambda n: not n.endswith("." + value.rsplit(".", 1)[-1]))
        if not names:
            return Unknown(expr)
        return Choice([Qualified(n) for n in names], frame.module.line(expr), frame.module.rel)

    # ----------------------------------------------------------------- functions, classes
    def call_function(self, ref: FunctionRef, pos: list[Value], kw: dict[str, Value],
                      frame: Frame, line: int, standalone: bool = False) -> Value:
        func = ref.func
        if frame.depth >= MAX_DEPTH:
            return UNKNOWN
        self.state.executed.add(id(func.node))
        env: dict[str, Value] = {}
        self_val = ref.bound_self if isinstance(ref.bound_self, Instance) else None
        decorators = {dotted(d.decorator) for d in func.node.decorators}
        if "staticmethod" in decorators:
            self_val = None
        has_self = self_val is not None or "classmethod" in decorators or \
            func.cls is not None and "staticmethod" not in decorators and ref.bound_self is None \
            and standalone
        self.bind_params(func.node.params, func.module, pos, kw, env, has_self, standalone)
        if not pos and not kw:
            self.hydra_config(func, env)
        if not standalone:
            hyperparameters.on_project_call(self.state, func, env, frame)
        params = func.node.params.params
        if "classmethod" in decorators and func.cls is not None and params:
            env[params[0].name.value] = ClassRef(func.cls)   # `cls` in a classmethod
        in_model = frame.in_model or (self_val is not None and self_val.cls.framework is not None)
        local = Frame(func.module, env, self_val, func.cls, in_model, func, None, frame.depth + 1)
        self.evaluator.exec_block(func.node.body.body, local)
        result = local.returned if local.returned is not None else UNKNOWN
        given = any(v is result for v in [*pos, *kw.values()])
        if (func.cls is None or func.cls.framework is None) and not given:
            # (`train_model(model)` returning the model it was given does not name it)
            for cand in reversed(self.state.candidates[-50:]):
                if cand.obj is result and cand.func_name is None:
                    # A builder method of a plain class (`LeNet.build()`) names the model
                    # after its class, as its author does.
                    cand.func_name = func.cls.name if func.cls is not None else func.name
                    cand.method = func.name if func.cls is not None else None
                    break
        return result

    def call_lambda(self, fn: Lambda, pos: list[Value], kw: dict[str, Value],
                    frame: Frame) -> Value:
        """A lambda's body, its parameters bound to the arguments, its other names looked
        up where it was written (the method that assigned `self.flatten = lambda ...`)."""
        where = fn.frame
        if frame.depth >= MAX_DEPTH or not isinstance(where, Frame):
            return UNKNOWN
        env = dict(where.env)
        self.bind_params(fn.node.params, where.module, pos, kw, env, False, False)
        local = Frame(where.module, env, where.self_val, where.cls,
                      frame.in_model or where.in_model, where.function, None, frame.depth + 1)
        return self.evaluator.eval(fn.node.body, local)

    def hydra_config(self, func: FunctionInfo, env: dict[str, Value]) -> None:
        """`@hydra.main(config_path="conf", config_name="config") def main(cfg)`, called
        with no arguments as Hydra's entry point is: `cfg` is the composed configuration."""
        params = func.node.params.params
        for decorator in func.node.decorators:
            call = decorator.decorator
            if not params or not isinstance(call, cst.Call) or \
                    func.module.imports.qualify(call.func) != "hydra.main":
                continue
            frame = Frame(func.module, func.module.env)
            pos, kw = self.arguments(call, frame)
            where, name = (plain(kw[k]) if k in kw else plain(pos[i]) if i < len(pos) else None
                           for i, k in enumerate(("config_path", "config_name")))
            config = settings_files.hydra_config(
                self.program.root, func.module.rel, where if isinstance(where, str) else None,
                name if isinstance(name, str) else None)
            if config is not None:
                env[params[0].name.value] = config
            return

    def bind_params(self, params: cst.Parameters, module: ModuleInfo, pos: list[Value],
                    kw: dict[str, Value], env: dict[str, Value], has_self: bool,
                    standalone: bool) -> None:
        """A function's or lambda's parameters in `env`, bound to the arguments of a call
        (`standalone`: nobody called it, so module globals of the same name stand in)."""
        ordered = list(params.posonly_params) + list(params.params)
        if has_self and ordered:
            ordered = ordered[1:]
        for i, param in enumerate(ordered):
            name = param.name.value
            if i < len(pos):
                env[name] = pos[i]
            elif name in kw:
                env[name] = kw[name]
            elif param.default is not None:
                env[name] = self.default(param, module)
            elif standalone and name in module.env and \
                    not isinstance(module.env[name], (Unknown, Tensor)):
                # Nobody called it; learners pass module globals of the same name
                # (`model = BERT(bert, ...)` with `bert = BertModel.from_pretrained(...)`).
                env[name] = module.env[name]
            else:
                env[name] = Unbound(name)
        for param in params.kwonly_params:
            name = param.name.value
            env[name] = kw.get(name) or (self.default(param, module) if param.default
                                         is not None else Unbound(name))
        if isinstance(params.star_arg, cst.Param):
            env[params.star_arg.name.value] = ListVal(pos[len(ordered):])
        if params.star_kwarg is not None:
            env[params.star_kwarg.name.value] = DictVal(
                {k: v for k, v in kw.items() if k not in env})

    def default(self, param: cst.Param, module: ModuleInfo) -> Value:
        value = self.evaluator.eval(param.default, Frame(module, module.env, is_module=True))
        if isinstance(value, Const) and value.how == "literal":
            return Const(value.value, value.line, "constant")
        return value

    def instantiate(self, cls: ClassInfo, pos: list[Value], kw: dict[str, Value],
                    node: cst.CSTNode | None, frame: Frame, variant: int = 0) -> Instance:
        line = frame.module.line(node) if node is not None else cls.module.line(cls.node)
        self.state.count_instance()
        inst = Instance(cls, line=line, site=(cls.module.rel, cls.module.line(cls.node), 0),
                        variant=variant)
        self.state.instantiated.add(id(cls.node))
        self.state.instances[inst.uid] = inst
        framework = frameworks.get(cls.framework)
        if cls.framework is None:
            datasets.on_project_dataset(self.state, [source_text(b) for b in cls.base_names],
                                        pos, kw, node, frame)
        found = cls.method("__init__")
        if found is None and (_is_dataclass(cls) or framework is not None and
                              framework.fields_are_arguments):
            self.dataclass_fields(cls, inst, pos, kw)
        if found is not None:
            owner, init = found
            self.call_function(FunctionRef(FunctionInfo("__init__", init, owner.module, owner),
                                           inst), pos, kw, frame, line, standalone=node is None)
        for name in framework.setup_methods if framework is not None else ():
            setup = cls.method(name)
            if setup is not None:   # Flax's `setup()`: the submodules, as __init__ makes them
                owner, fn = setup
                self.call_function(FunctionRef(FunctionInfo(name, fn, owner.module, owner),
                                               inst), [], {}, frame, line)
        if cls.framework is not None and not frame.in_model:
            self.state.add_candidate(inst, cls.module, cls.module.line(cls.node))
        return inst

    def dataclass_fields(self, cls: ClassInfo, inst: Instance, pos: list[Value],
                         kw: dict[str, Value]) -> None:
        """`TrainingConfig(**cfg["training"])` of a `@dataclass` (or a Flax module): its
        fields, in order, take the arguments, else the defaults written in the class
        body."""
        fields = [(first.target.value, first) for stmt in cls.node.body.body
                  if isinstance(stmt, cst.SimpleStatementLine)
                  for first in stmt.body[:1]
                  if isinstance(first, cst.AnnAssign) and isinstance(first.target, cst.Name)]
        frame = Frame(cls.module, cls.module.env)
        i = 0
        for name, field in fields:
            default, in_init = _field_default(field.value)
            if in_init and name in kw:
                inst.attrs[name] = kw[name]
            elif in_init and i < len(pos):
                inst.attrs[name] = pos[i]
            elif default is not None:
                value = self.evaluator.eval(default, frame)
                inst.attrs[name] = Const(value.value, value.line, "config", value.file) \
                    if isinstance(value, Const) else value
            i += in_init
        found = cls.method("__post_init__")
        if found is not None:   # fields computed from others (`self.LR = lr_map[...]`)
            owner, fn = found
            self.call_function(FunctionRef(FunctionInfo("__post_init__", fn, owner.module,
                                                        owner), inst),
                               [], {}, frame, cls.module.line(fn))


def _field_default(value: cst.BaseExpression | None) -> tuple[cst.BaseExpression | None, bool]:
    """(default expression, whether the field is an argument of __init__) of a dataclass
    field: `lr: float = 1e-3`, `lr: float = field(default=1e-3)`; `field(init=False)`
    (set by __post_init__) and `field(default_factory=...)` have no default here."""
    if not (isinstance(value, cst.Call) and dotted(value.func) in ("field",
                                                                   "dataclasses.field")):
        return value, True
    args = {a.keyword.value: a.value for a in value.args if a.keyword is not None}
    init = args.get("init")
    in_init = not (isinstance(init, cst.Name) and init.value == "False")
    return args.get("default"), in_init


def _library_attribute(library: Qualified, key: Value) -> Value | None:
    """`getattr(optim, "Adam")`, `getattr(nn, cfg["activation"])`: the library's member
    a known name (a literal, a config value, an option's default) names."""
    name = key.value if isinstance(key, Const) else None
    if isinstance(name, str) and name.isidentifier():
        return Qualified(f"{library.name}.{name}")
    return None


#: Calls that yield the batches of the DataLoader they are given.
_BATCH_WRAPPERS = ("tqdm", "enumerate", "iter", "zip")
#: Methods that take one training step on a batch (and `step` of an optimizer).
_TRAINING_STEPS = ("backward", "train_on_batch")


def _passed_through(pos: list[Value], kw: dict[str, Value], node: cst.Call,
                    receiver: Value | None = None) -> Value:
    """The value of a call nothing models: the tensors its arguments carry (a data-flow
    step the model does not name, `torch.matmul(a, b)`), else an unknown value (an
    `Unbound` one when computed from one)."""
    tensors = tensor_deps(pos, kw)
    if tensors is not None:
        return Tensor(tensors)
    if any(isinstance(v, Unbound) for v in [receiver, *pos, *kw.values()]):
        return Unbound(source_text(node))
    return Unknown(node)


def _is_dataclass(cls: ClassInfo) -> bool:
    """A class whose fields are its constructor's arguments: a `@dataclass`, a pydantic
    model or settings class, a typed NamedTuple."""
    if any((dotted(d.decorator.func) if isinstance(d.decorator, cst.Call)
            else dotted(d.decorator)) in ("dataclass", "dataclasses.dataclass")
           for d in cls.node.decorators):
        return True
    bases = (cls.module.imports.qualify(b) or "" for b in cls.base_names)
    return any(q.startswith(("pydantic.", "pydantic_settings.")) or q == "typing.NamedTuple"
               for q in bases)


#: Optimizer base classes (folded names) -> the module whose optimizers a subclass joins.
_OPTIMIZER_BASES = {"torch.optim.Optimizer": "torch.optim",
                    "torch.optim.optimizer.Optimizer": "torch.optim",
                    "keras.optimizers.Optimizer": "keras.optimizers"}


def _optimizer_base(cls: ClassInfo) -> str | None:
    """The optimizer module of a project class that subclasses a framework's optimizer
    base (`class RAdam(Optimizer)` with `from torch.optim.optimizer import Optimizer`)."""
    for base in cls.base_names:
        found = _OPTIMIZER_BASES.get(cls.module.imports.qualify(base) or "")
        if found is not None:
            return found
    return None


def _model_choice(pos: list[Value], kw: dict[str, Value]) -> tuple[int | str, Choice] | None:
    """The first argument that is a run-time choice among models: (its index or keyword,
    the choice)."""
    keyed: list[tuple[int | str, Value]] = [*enumerate(pos), *kw.items()]
    for key, value in keyed:
        if isinstance(value, Choice) and len(value.options) >= 2 and \
                all(is_model_object(o) for o in value.options):
            return key, value
    return None


def _with(pos: list[Value], kw: dict[str, Value], key: int | str,
          value: Value) -> tuple[list[Value], dict[str, Value]]:
    """The arguments with the one at `key` (an index or a keyword) replaced by `value`."""
    if isinstance(key, int):
        return [value if i == key else v for i, v in enumerate(pos)], kw
    return pos, {**kw, key: value}


def _dict(pos: list[Value], kw: dict[str, Value], line: int) -> DictVal:
    """`dict(...)` of a dict, of pairs, or of keyword arguments (configuration)."""
    items: dict[str, Value] = {}
    if pos and isinstance(pos[0], DictVal):
        items.update(pos[0].items)
    elif pos and isinstance(pos[0], ListVal):
        for pair in pos[0].items:
            if isinstance(pair, ListVal) and len(pair.items) == 2 and \
                    isinstance(plain(pair.items[0]), str):
                items[plain(pair.items[0])] = pair.items[1]
    for key, value in kw.items():
        items[key] = Const(value.value, value.line, "config") \
            if isinstance(value, Const) and value.how == "literal" else value
    return DictVal(items, line)


def _builtin_value(name: str, pos: list[Value], line: int, node: cst.Call) -> Value:
    """The builtins computed on abstract values: range, list and friends, len, int and
    float of a constant, zip, enumerate, min and max."""
    if name == "range":
        bounds = [plain(p) for p in pos]
        if bounds and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
            rng = range(*bounds[:3]) if len(bounds) <= 3 else range(0)
            if 0 <= len(rng) <= MAX_SEQUENCE:
                return ListVal([Const(i, line) for i in rng], line)
        return Unknown(node)
    if name in ("list", "tuple", "reversed", "sorted"):
        if pos and isinstance(pos[0], ListVal):
            return ListVal(list(pos[0].items), line)
        return ListVal([], line) if not pos else Unknown(node)
    if name == "len" and pos and isinstance(pos[0], ListVal):
        return Const(len(pos[0].items), line, "literal")
    if name in ("int", "float") and pos and isinstance(pos[0], Const):
        try:
            return Const((int if name == "int" else float)(pos[0].value), pos[0].line,
                         pos[0].how, pos[0].file)
        except (TypeError, ValueError, OverflowError):
            return Unknown(node)
    lists = all_of(ListVal, pos) if name == "zip" and pos else None
    if lists is not None:
        return ListVal([ListVal(list(group)) for group in zip(*(p.items for p in lists))])
    if name == "enumerate" and pos and isinstance(pos[0], ListVal):
        return ListVal([ListVal([Const(i, line), v]) for i, v in enumerate(pos[0].items)])
    consts = all_of(Const, pos) if name in ("min", "max") and pos else None
    if consts is not None:
        try:
            values = [p.value for p in consts]
            return Const((min if name == "min" else max)(values), line, "literal")
        except (TypeError, ValueError):
            return Unknown(node)
    return Unknown(node)


def _dict_method(receiver: DictVal, method: str, pos: list[Value], line: int) -> Value:
    if method == "get" and pos and isinstance(plain(pos[0]), str):
        return receiver.items.get(plain(pos[0]), pos[1] if len(pos) > 1 else UNKNOWN)
    if method in ("values",):
        return ListVal(list(receiver.items.values()))
    if method == "items":
        return ListVal([ListVal([Const(k, line), v]) for k, v in receiver.items.items()])
    if method == "update" and pos and isinstance(pos[0], DictVal):
        receiver.items.update(pos[0].items)
    return UNKNOWN


def _string_method(receiver: Const, method: str, pos: list[Value], node: cst.Call) -> Value:
    """The few str methods learners use on option strings (`"2,3,4".split(",")`), computed
    on the constant; anything else stays unknown."""
    text = receiver.value
    args = [plain(p) for p in pos]
    if not all(isinstance(a, str) for a in args) or len(text) > 10_000:
        return Unknown(node)
    def const(v: Any) -> Const:
        return Const(v, receiver.line, receiver.how, receiver.file)
    if method == "split" and len(args) <= 1:
        parts: list[Value] = [const(part) for part in text.split(*args)]
        return ListVal(parts[:MAX_SEQUENCE], receiver.line)
    if method in ("strip", "lower", "upper", "lstrip", "rstrip") and len(args) <= 1:
        return const(getattr(text, method)(*args))
    if method == "replace" and len(args) == 2:
        return const(text.replace(args[0], args[1]))
    return Unknown(node)


def _literal_prefix(expr: cst.BaseExpression) -> str:
    """The constant text a built string starts with: `"models." + x`, `f"models.{x}"`."""
    while isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        expr = expr.left
    if isinstance(expr, cst.SimpleString):
        text = expr.evaluated_value
        return text if isinstance(text, str) else ""
    if isinstance(expr, cst.FormattedString) and expr.parts and \
            isinstance(expr.parts[0], cst.FormattedStringText):
        return expr.parts[0].value
    return ""
