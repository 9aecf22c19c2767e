"""A small abstract interpreter over libcst trees: the extractor's engine.

It walks a project's modules statement by statement, as Python would run them, but over
abstract values (`exnet.extract.values`) instead of real ones: a layer constructor makes
a `LayerObj`, calling a layer on a tensor adds a node to a data-flow graph, `forward()`
and `call()` are walked with `self` bound, helper methods and project functions are
inlined, loops over `range(N)` and module lists are unrolled. A model's layers are then
the graph nodes its output depends on, in creation order: the forward order.

Library calls it recognises are delegated: layers to `layers`, hyperparameters to
`hyperparameters`, datasets and input preparation to `datasets`. Nothing is executed,
imported or evaluated; work per file is bounded by a step budget.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import libcst as cst

from exnet.extract import hyperparameters
from exnet.extract.calls import CallsMixin
from exnet.extract.configs import config_env
from exnet.extract.expressions import ExpressionsMixin
from exnet.extract.graph import GraphMixin, is_model_object
from exnet.extract.names import dotted
from exnet.extract.program import (
    BudgetExceeded,
    Candidate,
    ClassInfo,
    Event,
    Frame,
    FunctionInfo,
    Limits,
    ModuleInfo,
    Node,
)
from exnet.extract.values import (
    MAX_SEQUENCE,
    UNKNOWN,
    Choice,
    ClassRef,
    Const,
    DictVal,
    FunctionRef,
    Instance,
    LayerObj,
    ListVal,
    Namespace,
    Parameters,
    SequentialObj,
    Tagged,
    Tensor,
    Value,
    plain,
    source_text,
)

MODEL_BASES = {
    "torch.nn.Module": "pytorch", "torch.nn.modules.module.Module": "pytorch",
    "pytorch_lightning.LightningModule": "pytorch", "lightning.LightningModule": "pytorch",
    "lightning.pytorch.LightningModule": "pytorch",
    "keras.Model": "keras", "keras.models.Model": "keras", "keras.Sequential": "keras",
    "keras.layers.Layer": "keras", "keras.engine.base_layer.Layer": "keras",
    "keras.layers.Wrapper": "keras",
}

class Interpreter(ExpressionsMixin, CallsMixin, GraphMixin):
    """Abstract interpretation of one project's modules."""

    def __init__(self) -> None:
        self.modules: list[ModuleInfo] = []
        self.classes: dict[str, list[ClassInfo]] = {}
        self.functions: dict[str, list[FunctionInfo]] = {}
        self.nodes: list[Node] = []
        self.owner_stack: list[int] = []
        self.candidates: list[Candidate] = []
        self.events: list[Event] = []
        self.instantiated: set[int] = set()
        self.executed: set[int] = set()
        self.clock = 0
        self.steps = 0
        self.unit = ""
        self.model_frameworks: set[str] = set()
        self.by_dotted: dict[str, ModuleInfo] = {}
        self.built = 0          # layers constructed or added so far (for if/else branches)
        self.config_sources: dict[str, tuple[str, str]] = {}   # dotted -> (rel, text)
        self.config_envs: dict[str, dict[str, Value]] = {}
        self.errors: list[tuple[str, int, str]] = []   # (file, line, reason) of skipped code
        self.instances: dict[int, Instance] = {}       # uid -> every project-class instance
        self.choices: list[Choice] = []                # run-time model selections
        self.root: Path | None = None                  # the project folder, for its settings files
        self.limits = Limits.from_env()
        self.deadline = time.process_time() + self.limits.seconds
        self.instance_count = 0
        self.ticks = 0
        self.current: cst.CSTNode | None = None        # the top-level step being walked
        self.bounds: list[tuple[str, int, str]] = []   # (file, line, reason) of bounds hit

    def add_config_source(self, rel: str, text: str) -> None:
        stem = rel.rsplit(".", 1)[0]
        self.config_sources.setdefault(stem.replace("/", "."), (rel, text))
        self.config_sources.setdefault(stem.split("/")[-1], (rel, text))

    def project_module(self, dotted_name: str) -> ModuleInfo | None:
        """The project module an import names (`config`, `src.config`, `.config`)."""
        name = dotted_name.lstrip(".")
        if name in self.by_dotted:
            return self.by_dotted[name]
        parts = name.split(".")
        for n in range(len(parts) - 1, 0, -1):
            found = self.by_dotted.get(".".join(parts[-n:]))
            if found is not None:
                return found
        return None

    def module_env(self, dotted_name: str) -> dict[str, Value] | None:
        """The names a project module binds: a parsed module's environment, or the
        configuration read from a file that mentions no framework (`configs`)."""
        module = self.project_module(dotted_name)
        if module is not None:
            return module.env
        name = dotted_name.lstrip(".")
        parts = name.split(".")
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[-n:])
            if key in self.config_sources:
                rel, text = self.config_sources.pop(key)
                self.config_envs[key] = config_env(text, rel)
            if key in self.config_envs:
                return self.config_envs[key]
        return None

    def imported_value(self, qual: str, hops: int = 0) -> Value | None:
        """The value a name imported from another project module has there; a package
        that re-exports it (`models/__init__.py: from .vgg import VGG`) is followed."""
        module_name, _, attr = qual.rpartition(".")
        env = self.module_env(module_name) if module_name else None
        if env is not None and attr in env:
            return env[attr]
        module = self.project_module(module_name) if module_name else None
        if module is not None:   # `import train; train.train(model, args)`
            for info in self.functions.get(attr, []):
                if info.module is module:
                    return FunctionRef(info)
            for cls in self.classes.get(attr, []):
                if cls.module is module:
                    return ClassRef(cls)
            target = module.imports.aliases.get(attr)
            if target and hops < 3:
                if target.startswith("."):   # relative to the package that re-exports it
                    level = len(target) - len(target.lstrip("."))
                    package = module.rel.rsplit("/", level)[0].replace("/", ".") \
                        if module.rel.endswith("__init__.py") or level > 1 else \
                        module.rel.rsplit("/", 1)[0].replace("/", ".")
                    target = f"{package}.{target.lstrip('.')}"
                if target != qual:
                    return self.imported_value(target, hops + 1)
        return None

    # ----------------------------------------------------------------- registration
    def add_module(self, module: ModuleInfo) -> None:
        self.modules.append(module)
        stem = module.source.as_module.replace(".", "/") or module.rel.rsplit(".", 1)[0]
        if stem.endswith("/__init__"):
            stem = stem[: -len("/__init__")]
        self.by_dotted.setdefault(stem.replace("/", "."), module)
        self.by_dotted.setdefault(stem.split("/")[-1], module)
        for stmt in module.tree.body:
            self._register(stmt, module)

    def _register(self, stmt: cst.CSTNode, module: ModuleInfo) -> None:
        if isinstance(stmt, cst.ClassDef):
            info = ClassInfo(stmt.name.value, stmt, module, [a.value for a in stmt.bases])
            for item in stmt.body.body:
                if isinstance(item, cst.FunctionDef):
                    info.methods[item.name.value] = item
            self.classes.setdefault(info.name, []).append(info)
        elif isinstance(stmt, cst.FunctionDef):
            self.functions.setdefault(stmt.name.value, []).append(
                FunctionInfo(stmt.name.value, stmt, module))
        elif isinstance(stmt, cst.If):
            # `if __name__ == "__main__":` and try/except import blocks hold defs too
            for inner in stmt.body.body:
                self._register(inner, module)

    def link_star_imports(self) -> None:
        """`from src.cnn import *` of a project module brings in what that module
        imported too (`nn`, `F`, `torch`), as Python does without an `__all__`."""
        for _ in range(3):   # a chain of star imports, a few modules deep
            for module in self.modules:
                for star in module.imports.star_modules:
                    source = self.project_module(star)
                    if source is None or source is module:
                        continue
                    for name, target in source.imports.aliases.items():
                        if not name.startswith("_"):
                            module.imports.aliases.setdefault(name, target)
                    # A package's `__all__ = ["mymodel", ...]` star-imports its submodules.
                    package = star.lstrip(".")
                    for name in _dunder_all(source.tree):
                        if self.project_module(f"{package}.{name}") is not None:
                            module.imports.aliases.setdefault(name, f"{package}.{name}")

    def resolve_class_bases(self) -> None:
        """Link project classes to their bases and find which are model classes."""
        for infos in self.classes.values():
            for info in infos:
                for base in info.base_names:
                    qual = info.module.imports.qualify(base)
                    if qual in MODEL_BASES:
                        info.framework = MODEL_BASES[qual]
                        info.base_kind = "layer" if qual.endswith(("Layer", "Wrapper")) \
                            else "model"
                        continue
                    name = dotted(base)
                    if name:
                        found = self.find_class(name.split(".")[-1], info.module)
                        if found is not None and found is not info:
                            info.bases.append(found)
        changed = True
        while changed:   # a class deriving from a project model class is a model class
            changed = False
            for infos in self.classes.values():
                for info in infos:
                    if info.framework is None:
                        for parent in info.bases:
                            if parent.framework:
                                info.framework, info.base_kind = parent.framework, \
                                    parent.base_kind
                                changed = True
                                break

    def find_class(self, name: str, module: ModuleInfo) -> ClassInfo | None:
        infos = self.classes.get(name)
        if not infos:
            return None
        for info in infos:
            if info.module is module:
                return info
        qual = module.imports.aliases.get(name, "")
        stem = qual.rsplit(".", 1)[0].lstrip(".").replace(".", "/")
        for info in infos:
            if stem and info.module.rel[: -len(".py")].endswith(stem):
                return info
        return infos[0]

    def find_function(self, name: str, module: ModuleInfo) -> FunctionInfo | None:
        infos = self.functions.get(name)
        if not infos:
            return None
        for info in infos:
            if info.module is module:
                return info
        return infos[0]

    # ----------------------------------------------------------------- running
    def run_module(self, module: ModuleInfo) -> None:
        self.unit = module.rel
        self.steps = 0
        frame = Frame(module, module.env, is_module=True)
        try:
            for stmt in module.tree.body:
                self.current = stmt
                def run(stmt: cst.CSTNode = stmt) -> None:
                    self.exec_stmt(stmt, frame)
                self.guarded(module, stmt, run)
        except (BudgetExceeded, RecursionError) as exc:
            self.note_bound(module, exc)

    def note_bound(self, module: ModuleInfo, exc: BaseException) -> None:
        """Record where a bound stopped the walk of `module` (once per file)."""
        bound = exc.bound if isinstance(exc, BudgetExceeded) else "nesting too deep"
        node = self.current if self.current is not None else module.tree
        line = module.line(node) if node is not module.tree else 1
        if not any(rel == module.rel for rel, _, _ in self.bounds):
            self.bounds.append((module.rel, line, f"line {line}: stopped, {bound}; the "
                                                  f"models found before it are kept"))

    def guarded(self, module: ModuleInfo, node: cst.CSTNode, step: Callable[[], None]) -> None:
        """Run one top-level step; a construct the interpreter does not model costs that
        statement (recorded with its line in `errors`), never the file or the project."""
        self.current = node
        try:
            step()
        except (BudgetExceeded, RecursionError):
            raise
        except Exception as exc:   # noqa: BLE001 - a gap in the model, not a crash
            line = module.line(node)
            self.errors.append((module.rel, line, f"line {line}: not modelled, skipped "
                                                  f"({type(exc).__name__}: {str(exc)[:80]})"))

    def run_uncalled(self, module: ModuleInfo) -> None:
        """Walk functions and model classes no code path reached, so a model defined in a
        function nobody calls (or a class never instantiated) is still found."""
        self.unit = module.rel
        self.steps = 0
        funcs = [f for infos in self.functions.values() for f in infos if f.module is module]
        funcs.sort(key=lambda f: module.line(f.node), reverse=True)
        try:
            for func in funcs:
                if id(func.node) not in self.executed:
                    def call(func: FunctionInfo = func) -> None:
                        self.call_function(FunctionRef(func), [], {}, Frame(module, module.env),
                                           module.line(func.node), standalone=True)
                    self.guarded(module, func.node, call)
            # Plain classes that build models in their methods (`class LeNet:` with a
            # static `build()`, a wrapper whose __init__ sets `self.model = Sequential()`).
            for infos in list(self.classes.values()):
                for cls in infos:
                    if cls.module is module and cls.framework is None:
                        def methods(cls: ClassInfo = cls) -> None:
                            self.run_class_methods(cls, module)
                        self.guarded(module, cls.node, methods)
                    elif cls.module is module:
                        def training(cls: ClassInfo = cls) -> None:
                            self.run_training_methods(cls, module)
                        self.guarded(module, cls.node, training)
        except (BudgetExceeded, RecursionError) as exc:
            self.note_bound(module, exc)

    def run_training_methods(self, cls: ClassInfo, module: ModuleInfo) -> None:
        """Methods of a model class that no code called, such as Lightning's
        `configure_optimizers` and `training_step`: what they set up ties to the class."""
        skip = ("__init__", "forward", "call", "__call__", "build")
        pending = [(n, m) for n, m in cls.methods.items()
                   if n not in skip and id(m) not in self.executed]
        if not pending:
            return
        frame = Frame(module, module.env)
        inst = Instance(cls, line=module.line(cls.node),
                        site=(module.rel, module.line(cls.node), 0))
        init = cls.method("__init__")
        if init is not None:
            owner, fn = init
            self.call_function(FunctionRef(FunctionInfo("__init__", fn, owner.module, owner),
                                           inst), [], {}, Frame(module, module.env, in_model=True),
                               inst.line, standalone=True)
        self.add_candidate(inst, module, inst.line)
        for name, method in pending:
            self.call_function(FunctionRef(FunctionInfo(name, method, module, cls), inst),
                               [], {}, frame, module.line(method), standalone=True)

    def run_class_methods(self, cls: ClassInfo, module: ModuleInfo) -> None:
        pending = [m for m in cls.methods.values() if id(m) not in self.executed]
        if not pending:
            return
        frame = Frame(module, module.env)
        inst = Instance(cls, line=module.line(cls.node), site=(module.rel,
                                                               module.line(cls.node), 0))
        init = cls.methods.get("__init__")
        if init is not None and id(init) not in self.executed:
            self.call_function(FunctionRef(FunctionInfo("__init__", init, module, cls), inst),
                               [], {}, frame, inst.line, standalone=True)
        for name, method in cls.methods.items():
            if id(method) not in self.executed:
                self.call_function(FunctionRef(FunctionInfo(name, method, module, cls), inst),
                                   [], {}, frame, module.line(method), standalone=True)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limits.steps:
            raise BudgetExceeded(f"over {self.limits.steps} steps of work in one file")
        self.ticks += 1   # never reset, unlike `steps`: the clock is read every 1024
        if self.ticks & 0x3FF == 0 and time.process_time() > self.deadline:
            raise BudgetExceeded(f"over the {self.limits.seconds:g} s time budget")

    def grant(self, share: float) -> None:
        """A fresh share of the time budget, for a stage that must still run."""
        self.deadline = time.process_time() + max(0.5, self.limits.seconds * share)

    def capped(self, items: list[Value], node: cst.CSTNode, frame: Frame) -> list[Value]:
        """`items` cut at MAX_SEQUENCE, noting the bound (`L = L + L` twenty times)."""
        if len(items) <= MAX_SEQUENCE:
            return items
        line = frame.module.line(node)
        if not any(rel == frame.module.rel and "sequence" in why for rel, _, why in self.bounds):
            self.bounds.append((frame.module.rel, line, f"line {line}: a list grows past "
                                f"{MAX_SEQUENCE} items (sequence length bound); cut there"))
        return items[:MAX_SEQUENCE]

    def count_instance(self) -> None:
        self.instance_count += 1
        if self.instance_count > self.limits.instances:
            raise BudgetExceeded(f"over {self.limits.instances} class instantiations")

    def exec_block(self, stmts: Iterable[cst.CSTNode], frame: Frame) -> None:
        for stmt in stmts:
            if frame.returned is not None:
                return
            self.exec_stmt(stmt, frame)

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        self.tick()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, frame)
                if frame.returned is not None:
                    return
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, frame)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, frame)
        elif isinstance(stmt, cst.While):
            self.exec_block(stmt.body.body, frame)
        elif isinstance(stmt, cst.Match):
            self.exec_match(stmt, frame)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self.exec_block(stmt.body.body, frame)
            if stmt.orelse is not None:
                self.exec_block(stmt.orelse.body.body, frame)
            if stmt.finalbody is not None:
                self.exec_block(stmt.finalbody.body.body, frame)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = self.eval(item.item, frame)
                if item.asname is not None:
                    self.assign(item.asname.name, value, frame)
            self.exec_block(stmt.body.body, frame)
        elif isinstance(stmt, cst.FunctionDef):
            if not frame.is_module:
                frame.env[stmt.name.value] = FunctionRef(
                    FunctionInfo(stmt.name.value, stmt, frame.module))
            else:
                self.bind_redefinition(stmt, frame)
        elif isinstance(stmt, cst.ClassDef):
            self.bind_redefinition(stmt, frame)   # otherwise registered up front
        elif isinstance(stmt, (cst.IndentedBlock,)):
            self.exec_block(stmt.body, frame)
        elif isinstance(stmt, cst.BaseSmallStatement):   # the body of `if x: y = 1`
            self.exec_small(stmt, frame)

    def exec_if(self, stmt: cst.If, frame: Frame) -> None:
        if not frame.in_model and self.select_model(stmt, frame):
            return
        self.exec_chain(stmt, frame)

    def select_model(self, stmt: cst.If, frame: Frame) -> bool:
        """Run-time model selection: an if/elif chain on an option (`args.model`, with or
        without a default) or on an unknown value whose branches build different models.

        Each branch runs on its own copy of the names; a name (or a return value) that
        two or more branches bind to models becomes a `Choice` of them, so the training
        code after the chain trains every option. Other names take the branch the
        defaults choose. Branches that build no model leave nothing behind, findings
        included: `if args.optim == "sgd":` must not set the optimizer twice.
        False, having run nothing, when every test is a plain constant."""
        branches: list[tuple[Value | None, Sequence[cst.CSTNode]]] = []
        branch: cst.If | cst.Else | None = stmt
        while branch is not None:
            if isinstance(branch, cst.Else):
                branches.append((None, branch.body.body))
                break
            branches.append((self.eval(branch.test, frame), branch.body.body))
            branch = branch.orelse
        tests = [t for t, _ in branches if t is not None]
        if all(isinstance(t, Const) and t.how != "argparse" for t in tests):
            return False   # decided by the code as written (a literal at the call site)
        default = next((i for i, (t, _) in enumerate(branches)
                        if t is None or not isinstance(t, Const) or t.value), -1)
        snapshot = dict(frame.env)
        outcomes: list[tuple[dict[str, Value], Value | None]] = []
        for i, (_, body) in enumerate(branches):
            mark = len(self.events)
            shared = _shared_sequences(snapshot)
            self.exec_block(body, frame)
            changed = {k: v for k, v in frame.env.items() if snapshot.get(k) is not v}
            returned, frame.returned = frame.returned, None
            builds = any(is_model_object(v) for v in changed.values()) or \
                returned is not None and is_model_object(returned)
            if i != default:
                # An alternative branch must not grow a model made before the chain
                # (`model = Sequential()` then `if arch == "vgg": model.add(...)`).
                for obj, items in shared:
                    obj.items[:] = items
            if not builds and i != default:
                del self.events[mark:]
                changed, returned = {}, None
            outcomes.append((changed, returned))
            frame.env.clear()
            frame.env.update(snapshot)
        line = frame.module.line(stmt)
        chosen: tuple[dict[str, Value], Value | None] = outcomes[default] if default >= 0 \
            else ({}, None)
        frame.env.update(chosen[0])
        for name in {k for changed, _ in outcomes for k in changed}:
            # What the defaults bind first, then what the other branches would bind.
            values = [chosen[0].get(name, snapshot.get(name))] + \
                [changed[name] for changed, _ in outcomes if name in changed]
            options = _models_among(values)
            if len(options) >= 2:
                frame.env[name] = self.make_choice(options, line, frame.module.rel)
            elif options and not is_model_object(values[0] or UNKNOWN):
                frame.env[name] = options[0]   # the only model the code can reach here
        returns = _models_among([chosen[1]] + [r for _, r in outcomes])
        if len(returns) >= 2:
            frame.returned = self.make_choice(returns, line, frame.module.rel)
        elif chosen[1] is not None:
            frame.returned = chosen[1]
        elif returns:
            frame.returned = returns[0]
        return True

    def exec_chain(self, stmt: cst.If, frame: Frame) -> None:
        """An if/elif/else chain. A condition on known constants (`if v == 'M':` over a
        VGG config list, `if args.model == 'lstm':` with its default) picks its branch.
        Otherwise the first branch is followed, and a later one only when nothing was
        built before it in the chain, or when it builds a model of its own (an
        alternative architecture), so that two architectures never merge into one."""
        before = len(self.nodes), len(self.candidates), self.built
        branch: cst.If | cst.Else | None = stmt
        first = True
        while branch is not None and frame.returned is None:
            if isinstance(branch, cst.Else):
                body = branch.body.body
                if first or self._built_since(before) is False or \
                        MODEL_CONSTRUCTOR.search(source_text(branch.body)):
                    self.exec_block(body, frame)
                return
            test = self.eval(branch.test, frame)
            if isinstance(test, Const) and not isinstance(test.value, (list, tuple)):
                if test.value:
                    self.exec_block(branch.body.body, frame)
                    return
                branch = branch.orelse
                continue
            if first or not self._built_since(before) or \
                    MODEL_CONSTRUCTOR.search(source_text(branch.body)):
                self.exec_block(branch.body.body, frame)
            first = False
            branch = branch.orelse

    def bind_redefinition(self, stmt: cst.ClassDef | cst.FunctionDef, frame: Frame) -> None:
        """A class or function a module defines twice (a notebook cell that redefines
        `Net`): from here on the name means this definition, as in Python, so the
        training that follows uses the definition in force."""
        name = stmt.name.value
        table: dict[str, list[ClassInfo]] | dict[str, list[FunctionInfo]] = \
            self.classes if isinstance(stmt, cst.ClassDef) else self.functions
        infos = [i for i in table.get(name, []) if i.module is frame.module]
        if len(infos) < 2:
            return
        for info in infos:
            if info.node is stmt:
                frame.env[name] = ClassRef(info) if isinstance(stmt, cst.ClassDef) \
                    else FunctionRef(info)

    def exec_match(self, stmt: cst.Match, frame: Frame) -> None:
        """`match` chooses layers the way an if/elif chain does: on a known subject (a
        constant, an argparse default, a config attribute) the first case whose pattern
        and guard hold; otherwise the first case, and a later one only when nothing was
        built before it or when it builds a model of its own."""
        subject = self.eval(stmt.subject, frame)
        before = len(self.nodes), len(self.candidates), self.built
        first = True
        for case in stmt.cases:
            if frame.returned is not None:
                return
            decided = self.match_pattern(case.pattern, subject, frame)
            if decided is not False and case.guard is not None:
                guard = self.eval(case.guard, frame)
                if isinstance(guard, Const) and not isinstance(guard.value, (list, tuple)):
                    decided = decided and bool(guard.value)
                else:
                    decided = None
            if decided is False:
                continue
            if decided is True:
                self.exec_block(case.body.body, frame)
                return
            if first or not self._built_since(before) or \
                    MODEL_CONSTRUCTOR.search(source_text(case.body)):
                self.exec_block(case.body.body, frame)
            first = False

    def match_pattern(self, pattern: cst.MatchPattern, subject: Value,
                      frame: Frame) -> bool | None:
        """Whether `pattern` matches `subject`: True, False, or None when it cannot be
        decided statically. Capture names are bound as Python binds them."""
        if isinstance(pattern, cst.MatchAs):
            inner = True if pattern.pattern is None else \
                self.match_pattern(pattern.pattern, subject, frame)
            if pattern.name is not None and inner is not False:
                self.assign(pattern.name, subject, frame)
            return inner
        if isinstance(pattern, (cst.MatchValue, cst.MatchSingleton)):
            if not isinstance(subject, Const):
                return None
            value = self.eval(pattern.value, frame)
            if not isinstance(value, Const):
                return None
            return bool(subject.value == value.value)
        if isinstance(pattern, cst.MatchOr):
            results = [self.match_pattern(p.pattern, subject, frame) for p in pattern.patterns]
            return True if True in results else None if None in results else False
        for node in _capture_names(pattern):   # class, mapping and sequence patterns
            self.assign(node, UNKNOWN, frame)
        return None

    def _built_since(self, before: tuple[int, int, int]) -> bool:
        return (len(self.nodes), len(self.candidates), self.built) != before

    def exec_small(self, small: cst.BaseSmallStatement, frame: Frame) -> None:
        if isinstance(small, cst.Assign):
            value = self.eval(small.value, frame)
            for target in small.targets:
                self.assign(target.target, value, frame, small.value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, frame), frame, small.value)
        elif isinstance(small, cst.AugAssign):
            current = self.eval(small.target, frame)
            value = self.eval(small.value, frame)
            if isinstance(current, ListVal) and isinstance(value, ListVal):
                current.items[:] = self.capped(current.items + value.items, small, frame)
            else:
                op = _AUG_TO_BIN.get(type(small.operator))
                result = self.binary(op, current, value, frame, small) if op else UNKNOWN
                self.assign(small.target, result, frame)
        elif isinstance(small, cst.Expr):
            self.eval(small.value, frame)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, frame) if small.value is not None else Const(None, 0)
            frame.returned = value
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            pass   # imports are read up front (names.ImportMap)

    def exec_for(self, stmt: cst.For, frame: Frame) -> None:
        iterable = self.eval(stmt.iter, frame)
        if isinstance(iterable, Parameters) and isinstance(iterable.owner, LayerObj) and \
                re.search(r"requires_grad\s*=\s*False", source_text(stmt.body)):
            iterable.owner.trainable_attr = False   # the backbone is frozen
        hyperparameters.on_for_loop(self, stmt, iterable, frame)
        items = self.iter_items(iterable, stmt.iter)
        # A model's configuration list (VGG19: 21 entries) is unrolled whole; elsewhere
        # a long loop is data, walked once.
        limit = MAX_SEQUENCE if frame.in_model else 12
        if items is None or len(items) > limit or not frame.in_model and len(items) > 3 \
                and not self._builds_layers(stmt):
            items = [UNKNOWN if not isinstance(iterable, ListVal) or not iterable.items
                     else iterable.items[0]]
        for item in items:
            self.assign(stmt.target, item, frame)
            self.exec_block(stmt.body.body, frame)
            if frame.returned is not None:
                return

    def _builds_layers(self, stmt: cst.For) -> bool:
        text = source_text(stmt.body)
        return ".add(" in text or "append(" in text or "layer" in text.lower()

    def iter_items(self, iterable: Value, node: cst.BaseExpression) -> list[Value] | None:
        if isinstance(iterable, ListVal):
            return list(iterable.items[:MAX_SEQUENCE])
        if isinstance(iterable, DictVal):
            return [Const(k, 0) for k in iterable.items]
        if isinstance(iterable, SequentialObj):
            return list(iterable.items)
        if isinstance(iterable, Tensor):
            return [iterable]   # rows or channels of a tensor carry the same data flow
        if isinstance(iterable, LayerObj) and iterable.type == "Pretrained":
            return [iterable]   # `for layer in base.layers:` walks the backbone as one part
        return None

    # ----------------------------------------------------------------- assignment
    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame,
               value_node: cst.BaseExpression | None = None) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if isinstance(value, Const) and frame.function is None or \
                    isinstance(value, Const) and value.how == "literal":
                # A name bound to a literal: later uses are "constant" (docs/RECORDS.md, `how`).
                line = frame.module.line(target)
                value = Const(value.value, line if value.how == "literal" else value.line,
                              "constant" if value.how == "literal" else value.how, value.file)
                if frame.is_module:
                    hyperparameters.on_constant(self, name, value, frame)
            self.name_candidate(value, name)
            if isinstance(value, DictVal) and CONFIG_NAME.search(name):
                for key, item in value.items.items():   # `config = {"lr": 1e-3, ...}`
                    if isinstance(item, Const):
                        hyperparameters.on_config_key(self, key, item, frame)
            frame.env[name] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            if isinstance(value, ListVal) and len(value.items) == len(elements):
                for elt, item in zip(elements, value.items):
                    self.assign(elt, item, frame)
            else:
                for elt in elements:
                    self.assign(elt, value if isinstance(value, Tensor) else UNKNOWN, frame)
        elif isinstance(target, cst.Attribute):
            owner = self.eval(target.value, frame)
            attr = target.attr.value
            if isinstance(owner, Instance):
                if isinstance(value, Const) and owner.cls.framework is None:
                    value = Const(value.value, value.line, "config", value.file)
                owner.attrs[attr] = value
                self.name_candidate(value, attr)
            elif isinstance(owner, LayerObj):
                if attr == "trainable" and isinstance(plain(value), bool):
                    owner.trainable_attr = plain(value)
                elif isinstance(value, (LayerObj, SequentialObj, Instance)) and \
                        attr in HEAD_ATTRIBUTES:
                    owner.heads.append((attr, value))   # a new classifier head
            elif isinstance(owner, Namespace):
                owner.attrs[attr] = value
        elif isinstance(target, cst.Subscript):
            owner = self.eval(target.value, frame)
            key = self.subscript_key(target, frame)
            if isinstance(owner, DictVal) and isinstance(key, str):
                owner.items[key] = value
            elif isinstance(owner, (ListVal, SequentialObj)) and isinstance(key, int) and \
                    isinstance(value, (LayerObj, SequentialObj, Instance)):
                items = owner.items
                if -len(items) <= key < len(items):
                    items[key] = value
            elif isinstance(owner, LayerObj) and isinstance(value, (LayerObj, SequentialObj)):
                owner.heads.append((source_text(target), value))

    def name_candidate(self, value: Value, name: str) -> None:
        for cand in reversed(self.candidates[-50:]):
            if cand.obj is value:
                if cand.name is None:
                    cand.name = name
                return

    # ----------------------------------------------------------------- expressions


def _shared_sequences(env: dict[str, Value]) -> list[tuple[Any, list[Value]]]:
    """The containers bound before an if/elif chain, with their items at that point."""
    return [(v, list(v.items)) for v in env.values() if isinstance(v, (SequentialObj, ListVal))]


def _dunder_all(tree: cst.Module) -> list[str]:
    """The names of a module's literal `__all__`."""
    for stmt in tree.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                        isinstance(small.targets[0].target, cst.Name) and \
                        small.targets[0].target.value == "__all__":
                    if isinstance(small.value, (cst.List, cst.Tuple)):
                        return [e.value.evaluated_value for e in small.value.elements
                                if isinstance(e.value, cst.SimpleString)
                                and isinstance(e.value.evaluated_value, str)]
    return []


def _models_among(values: list[Value | None]) -> list[Value]:
    """The distinct model objects among `values`, in order, choices flattened."""
    out: list[Value] = []
    for value in values:
        options: Sequence[Value | None] = [value]
        if isinstance(value, Choice):
            options = value.options
        for option in options:
            if option is not None and is_model_object(option) and \
                    all(option is not o for o in out):
                out.append(option)
    return out


def _capture_names(pattern: cst.CSTNode) -> list[cst.Name]:
    """The names a structural pattern binds (`case Point(x=px, y=[*rest])`)."""
    found: list[cst.Name] = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.MatchAs) and node.name is not None:
            found.append(node.name)
        elif isinstance(node, cst.MatchStar) and node.name is not None:
            found.append(node.name)
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            found.append(node.rest)
        stack.extend(node.children)
    return found


MODEL_CONSTRUCTOR = re.compile(r"\b(?:Sequential|Model)\(")
CONFIG_NAME = re.compile(r"conf|cfg|param|setting|hyper|option|args", re.I)
#: Attributes through which transfer learning replaces a backbone's classifier; a layer
#: assigned to any other attribute (`backbone.conv1 = ...`) changes the backbone inside.
HEAD_ATTRIBUTES = frozenset({"fc", "classifier", "head", "heads", "last_linear", "top",
                             "output", "out", "logits", "linear", "classif", "_fc"})
_AUG_TO_BIN = {
    cst.AddAssign: cst.Add(), cst.SubtractAssign: cst.Subtract(),
    cst.MultiplyAssign: cst.Multiply(), cst.DivideAssign: cst.Divide(),
    cst.FloorDivideAssign: cst.FloorDivide(),
}


__all__ = ["Interpreter", "ModuleInfo", "ClassInfo", "Candidate", "Event", "Frame",
           "BudgetExceeded", "Node", "is_model_object", "Tagged"]
