"""The program the interpreter walks: modules, classes, functions, frames, the graph's
nodes, and what interpretation finds (candidate models and events)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol

import libcst as cst

from exnet.extract.names import ImportMap
from exnet.extract.sources import Source
from exnet.extract.values import (
    Choice,
    FunctionRef,
    Instance,
    LayerObj,
    Tensor,
    Value,
)

MAX_DEPTH = 10            # nested inlined calls
STEP_BUDGET = 400_000     # statements and expressions evaluated per file


@dataclass
class Limits:
    """The work one project's interpretation may do (README, "Safety"). Hitting one
    stops that file's walk with a failure entry naming the bound and the line; models
    already complete are kept. `EXNET_TIME_BUDGET` (seconds) changes the time bound."""

    steps: int = STEP_BUDGET          # statements and expressions per file
    instances: int = 3_000            # project-class instantiations per project
    # CPU seconds of interpretation per project: CPU time, not wall-clock, so that a
    # busy machine (a parallel mine) does not cut a project short that an idle one reads.
    seconds: float = 5.0

    @classmethod
    def from_env(cls) -> Limits:
        import os

        try:
            seconds = float(os.environ.get("EXNET_TIME_BUDGET", cls.seconds))
        except ValueError:
            seconds = cls.seconds
        return cls(seconds=max(0.001, seconds))


class BudgetExceeded(Exception):
    """A bound of `Limits` was hit; the message names it."""

    def __init__(self, bound: str = "work budget") -> None:
        super().__init__(bound)
        self.bound = bound


@dataclass(eq=False)
class ModuleInfo:
    source: Source
    tree: cst.Module
    imports: ImportMap
    positions: Any                      # a project.LineIndex
    env: dict[str, Value] = field(default_factory=dict)
    frameworks: set[str] = field(default_factory=set)

    @property
    def rel(self) -> str:
        return self.source.rel

    def line(self, node: cst.CSTNode) -> int:
        return self.positions.start(node)

    def end_line(self, node: cst.CSTNode) -> int:
        return self.positions.end(node)


@dataclass(eq=False)
class ClassInfo:
    name: str
    node: cst.ClassDef
    module: ModuleInfo
    base_names: list[cst.BaseExpression]
    framework: str | None = None        # "pytorch" | "keras" for model classes
    base_kind: str = ""                 # "model" | "layer" for keras
    bases: list["ClassInfo"] = field(default_factory=list)
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)

    def method(self, name: str) -> tuple["ClassInfo", cst.FunctionDef] | None:
        if name in self.methods:
            return self, self.methods[name]
        for base in self.bases:
            found = base.method(name)
            if found:
                return found
        return None


@dataclass(eq=False)
class FunctionInfo:
    name: str
    node: cst.FunctionDef
    module: ModuleInfo
    cls: ClassInfo | None = None


@dataclass
class Node:
    """A layer applied once in a data-flow graph."""

    layer: LayerObj
    line: int
    module: ModuleInfo
    preds: tuple[int, ...]
    owners: tuple[int, ...]


@dataclass(eq=False)
class Frame:
    module: ModuleInfo
    env: dict[str, Value]
    self_val: Instance | None = None
    cls: ClassInfo | None = None
    in_model: bool = False              # inside a model class: what is built is a part
    function: FunctionInfo | None = None
    returned: Value | None = None
    depth: int = 0
    is_module: bool = False


@dataclass(eq=False)
class Candidate:
    """An object that may be a model record: where and in which unit it was made."""

    obj: Value
    unit: str                           # file whose interpretation created it
    clock: int
    module: ModuleInfo                  # module of its definition site
    line: int
    name: str | None = None
    func_name: str | None = None


@dataclass
class Event:
    """A hyperparameter, dataset or preprocessing finding during interpretation."""

    kind: str                           # "hyper" | "dataset" | "prep"
    name: str
    value: Any
    line: int
    how: str
    module: ModuleInfo
    unit: str
    clock: int
    target: Value | None = None
    rank: int = 1
    file: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class InterpreterState(Protocol):
    """What the parts of `interpreter.Interpreter` share: the state it keeps and the
    operations each part (`ExpressionsMixin`, `CallsMixin`, `GraphMixin`, the rest of
    `Interpreter`) offers the others. The mixins derive from it for the type checker
    only (at run time their base is `object`); the handlers (`layers`,
    `hyperparameters`, `datasets`) take it as the interpreter they report to."""

    modules: list[ModuleInfo]
    classes: dict[str, list[ClassInfo]]
    functions: dict[str, list[FunctionInfo]]
    nodes: list[Node]
    owner_stack: list[int]
    candidates: list[Candidate]
    events: list[Event]
    instantiated: set[int]
    executed: set[int]
    clock: int
    unit: str
    built: int
    instances: dict[int, Instance]
    choices: list[Choice]
    root: Path | None

    # interpreter.Interpreter: the project, statements, budgets
    def tick(self) -> None: ...
    def count_instance(self) -> None: ...
    def capped(self, items: list[Value], node: cst.CSTNode, frame: Frame) -> list[Value]: ...
    def project_module(self, dotted_name: str) -> ModuleInfo | None: ...
    def module_env(self, dotted_name: str) -> dict[str, Value] | None: ...
    def imported_value(self, qual: str, hops: int = 0) -> Value | None: ...
    def find_class(self, name: str, module: ModuleInfo) -> ClassInfo | None: ...
    def find_function(self, name: str, module: ModuleInfo) -> FunctionInfo | None: ...
    def exec_block(self, stmts: Iterable[cst.CSTNode], frame: Frame) -> None: ...
    def iter_items(self, iterable: Value, node: cst.BaseExpression) -> list[Value] | None: ...
    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame,
               value_node: cst.BaseExpression | None = None) -> None: ...

    # expressions.ExpressionsMixin
    def eval(self, node: cst.BaseExpression | None, frame: Frame) -> Value: ...

    # calls.CallsMixin
    def call(self, node: cst.Call, frame: Frame) -> Value: ...
    def call_value(self, callee: Value, pos: list[Value], kw: dict[str, Value],
                   node: cst.Call, frame: Frame) -> Value: ...
    def call_function(self, ref: FunctionRef, pos: list[Value], kw: dict[str, Value],
                      frame: Frame, line: int, standalone: bool = False) -> Value: ...
    def instantiate(self, cls: ClassInfo, pos: list[Value], kw: dict[str, Value],
                    node: cst.CSTNode | None, frame: Frame) -> Instance: ...

    # graph.GraphMixin
    def add_candidate(self, obj: Value, module: ModuleInfo, line: int) -> None: ...
    def make_choice(self, options: list[Value], line: int, file: str) -> Choice: ...
    def emit(self, event: Event) -> None: ...
    def apply_layer(self, layer: LayerObj, deps: tuple[int, ...], module: ModuleInfo,
                    line: int) -> Tensor: ...
    def apply(self, callee: Value, pos: list[Value], kw: dict[str, Value], frame: Frame,
              line: int) -> Value: ...
    def output_of(self, obj: Value, frame: Frame) -> Tensor: ...
