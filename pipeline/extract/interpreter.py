"""A small abstract interpreter over libcst trees: the extractor's engine.

It walks a project's modules statement by statement, as Python would run them, but over
abstract values (`exnet.extract.values`) instead of real ones: a layer constructor makes
a `LayerObj`, calling a layer on a tensor adds a node to a data-flow graph, `forward()`
and `call()` are walked with `self` bound, helper methods and project functions are
inlined, loops over `range(N)` and module lists are unrolled. A model's layers are then
the graph nodes its output depends on, in creation order: the forward order.

The interpreter is made of collaborators, each an object holding references to what it
needs (docs/ARCHITECTURE.md, "The extractor"): `Program` (the project's modules and the
lookups across them), `State` (findings and budgets), `Graph`, `Expressions`, `Calls`
and `Statements`, and the framework handlers (`frameworks`) that calls to a library are
handed to. `Interpreter` wires them, and is the `Evaluator`, `Caller` and `Host` through
which they reach one another. Nothing is executed, imported or evaluated; work per file
is bounded by a step budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import libcst as cst

from exnet.extract import frameworks
from exnet.extract.calls import FORWARD_METHODS, Calls
from exnet.extract.expressions import Expressions
from exnet.extract.graph import Graph
from exnet.extract.program import ClassInfo, Frame, FunctionInfo, ModuleInfo, Program
from exnet.extract.state import BudgetExceeded, Limits, State
from exnet.extract.statements import Statements
from exnet.extract.values import FunctionRef, Instance, Value

#: Methods of a model class that are not training code: what builds or runs the model.
_MODEL_METHODS = ("__init__", "build", *FORWARD_METHODS,
                  *(m for framework in frameworks.FRAMEWORKS for m in framework.setup_methods))


class Interpreter:
    """Abstract interpretation of one project's modules."""

    def __init__(self, root: Path | None = None, limits: Limits | None = None) -> None:
        self.program = Program(root)
        self.state = State(limits)
        self.graph = Graph(caller=self)
        self.expressions = Expressions(self.program, self.state, self.graph, calls=self,
                                       evaluator=self, star_import=frameworks.star_import)
        self.calls = Calls(self.program, self.state, self.graph, evaluator=self, host=self)
        self.statements = Statements(self.program, self.state, self.graph, self.expressions)

    # ----------------------------------------------------------------- what parts ask
    def eval(self, node: cst.BaseExpression | None, frame: Frame) -> Value:
        return self.expressions.eval(node, frame)

    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame,
               value_node: cst.BaseExpression | None = None) -> None:
        self.statements.assign(target, value, frame, value_node)

    def exec_block(self, stmts: Iterable[cst.CSTNode], frame: Frame) -> None:
        self.statements.exec_block(stmts, frame)

    def iter_items(self, iterable: Value, node: cst.BaseExpression) -> list[Value] | None:
        return self.statements.iter_items(iterable, node)

    def call(self, node: cst.Call, frame: Frame) -> Value:
        return self.calls.call(node, frame)

    def call_value(self, callee: Value, pos: list[Value], kw: dict[str, Value],
                   node: cst.Call, frame: Frame) -> Value:
        return self.calls.call_value(callee, pos, kw, node, frame)

    def call_function(self, ref: FunctionRef, pos: list[Value], kw: dict[str, Value],
                      frame: Frame, line: int, standalone: bool = False) -> Value:
        return self.calls.call_function(ref, pos, kw, frame, line, standalone)

    def instantiate(self, cls: ClassInfo, pos: list[Value], kw: dict[str, Value],
                    node: cst.CSTNode | None, frame: Frame) -> Instance:
        return self.calls.instantiate(cls, pos, kw, node, frame)

    # ----------------------------------------------------------------- the project
    def add_module(self, module: ModuleInfo) -> None:
        module.frameworks = frameworks.mentioned(module.imports)
        self.program.add_module(module)

    def add_config_source(self, rel: str, text: str) -> None:
        self.program.add_config_source(rel, text)

    def link(self) -> None:
        """Once every module is added: star imports followed, model classes found."""
        self.program.link_star_imports()
        self.program.resolve_class_bases(frameworks.model_bases())

    # ----------------------------------------------------------------- running
    def run_module(self, module: ModuleInfo) -> None:
        self.state.unit = module.rel
        self.state.steps = 0
        frame = Frame(module, module.env, is_module=True)
        try:
            for stmt in module.tree.body:
                self.state.current = stmt
                def run(stmt: cst.CSTNode = stmt) -> None:
                    self.statements.exec_stmt(stmt, frame)
                self.guarded(module, stmt, run)
        except (BudgetExceeded, RecursionError) as exc:
            self.state.note_bound(module, exc)

    def guarded(self, module: ModuleInfo, node: cst.CSTNode, step: Callable[[], None]) -> None:
        """Run one top-level step; a construct the interpreter does not model costs that
        statement (recorded with its line in `errors`), never the file or the project."""
        self.state.current = node
        try:
            step()
        except (BudgetExceeded, RecursionError):
            raise
        except Exception as exc:   # noqa: BLE001 - a gap in the model, not a crash
            line = module.line(node)
            self.state.errors.append((module.rel, line, f"line {line}: not modelled, skipped "
                                      f"({type(exc).__name__}: {str(exc)[:80]})"))

    def run_uncalled(self, module: ModuleInfo) -> None:
        """Walk functions and model classes no code path reached, so a model defined in a
        function nobody calls (or a class never instantiated) is still found."""
        self.state.unit = module.rel
        self.state.steps = 0
        funcs = [f for infos in self.program.functions.values() for f in infos
                 if f.module is module]
        funcs.sort(key=lambda f: module.line(f.node), reverse=True)
        try:
            for func in funcs:
                if id(func.node) not in self.state.executed:
                    def call(func: FunctionInfo = func) -> None:
                        self.calls.call_function(FunctionRef(func), [], {},
                                                 Frame(module, module.env),
                                                 module.line(func.node), standalone=True)
                    self.guarded(module, func.node, call)
            # Plain classes that build models in their methods (`class LeNet:` with a
            # static `build()`, a wrapper whose __init__ sets `self.model = Sequential()`).
            for cls in self.program.every_class():
                if cls.module is module:
                    def methods(cls: ClassInfo = cls) -> None:
                        if cls.framework is None:
                            self.run_class_methods(cls, module)
                        else:
                            self.run_training_methods(cls, module)
                    self.guarded(module, cls.node, methods)
        except (BudgetExceeded, RecursionError) as exc:
            self.state.note_bound(module, exc)

    def run_training_methods(self, cls: ClassInfo, module: ModuleInfo) -> None:
        """Methods of a model class that no code called, such as Lightning's
        `configure_optimizers` and `training_step`: what they set up ties to the class."""
        pending = [(n, m) for n, m in cls.methods.items()
                   if n not in _MODEL_METHODS and id(m) not in self.state.executed]
        if not pending:
            return
        frame = Frame(module, module.env)
        # The instances the project made, with their arguments (`cell="gru"`), if it made
        # any: a fresh one built from unknown arguments would take another branch of
        # __init__. Each wrapper of a model picked at run time is one of them.
        made = [i for i in self.state.instances.values() if i.cls is cls]
        if not made:
            inst = Instance(cls, line=module.line(cls.node),
                            site=(module.rel, module.line(cls.node), 0))
            init = cls.method("__init__")
            if init is not None:
                owner, fn = init
                self.calls.call_function(
                    FunctionRef(FunctionInfo("__init__", fn, owner.module, owner), inst), [], {},
                    Frame(module, module.env, in_model=True), inst.line, standalone=True)
            self.state.add_candidate(inst, module, inst.line)
            made = [inst]
        for inst in made:
            for name, method in pending:
                self.calls.call_function(
                    FunctionRef(FunctionInfo(name, method, module, cls), inst), [], {}, frame,
                    module.line(method), standalone=True)

    def run_class_methods(self, cls: ClassInfo, module: ModuleInfo) -> None:
        pending = [m for m in cls.methods.values() if id(m) not in self.state.executed]
        if not pending:
            return
        frame = Frame(module, module.env)
        inst = Instance(cls, line=module.line(cls.node), site=(module.rel,
                                                               module.line(cls.node), 0))
        init = cls.methods.get("__init__")
        if init is not None and id(init) not in self.state.executed:
            self.calls.call_function(FunctionRef(FunctionInfo("__init__", init, module, cls),
                                                 inst), [], {}, frame, inst.line,
                                     standalone=True)
        for name, method in cls.methods.items():
            if id(method) not in self.state.executed:
                self.calls.call_function(FunctionRef(FunctionInfo(name, method, module, cls),
                                                     inst), [], {}, frame, module.line(method),
                                         standalone=True)
