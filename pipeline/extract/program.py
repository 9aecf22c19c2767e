"""The program the interpreter walks: modules, classes, functions, frames, the graph's
nodes, what interpretation finds (candidate models and events), and `Program`, the
project's modules with the lookups across them (which class or function a name means,
which value a name imported from another project module has).

The interpreter's collaborators see each other through the small protocols at the end
(`Evaluator`, `Caller`): each is an object holding references to the state and to the
evaluator it needs, never a mixin of one large class (docs/ARCHITECTURE.md, "The
extractor").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, TypeVar

import libcst as cst

from exnet.extract.configs import config_env
from exnet.extract.names import ImportMap, dotted
from exnet.extract.sources import Source
from exnet.extract.values import ClassRef, FunctionRef, Instance, LayerObj, Value

MAX_DEPTH = 10            # nested inlined calls


@dataclass(eq=False)
class ModuleInfo:
    source: Source
    tree: cst.Module
    imports: ImportMap
    positions: Any                      # a parsing.LineIndex
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
    framework: str | None = None        # "keras" | "pytorch" | "flax" for model classes
    base_kind: str = ""                 # "model" | "layer"
    bases: list["ClassInfo"] = field(default_factory=list)
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)
    nested: bool = False                # defined in a function's body: bound where it runs
    closure: dict[str, Value] | None = None   # that function's names, which methods see

    def method(self, name: str) -> tuple["ClassInfo", cst.FunctionDef] | None:
        if name in self.methods:
            return self, self.methods[name]
        for base in self.bases:
            found = base.method(name)
            if found:
                return found
        return None


class _Definition(Protocol):
    module: ModuleInfo


_Defined = TypeVar("_Defined", bound=_Definition)


def _imported(name: str, module: ModuleInfo, infos: list[_Defined]) -> _Defined:
    """Of the project's definitions of `name`, the one `module` sees: its own, else the
    one of the module it imports the name from (`from utils import train_model`, `from
    utils import *`), else one in a Python file (a notebook cannot be imported: two
    notebooks that each define `train_model` do not call each other's), else the first."""
    for info in infos:
        if info.module is module:
            return info
    qual = module.imports.aliases.get(name, "")
    stems = [qual.rsplit(".", 1)[0]] if qual else []
    stems += module.imports.star_modules
    for stem in stems:
        path = stem.lstrip(".").replace(".", "/")
        for info in infos:
            if path and info.module.rel.removesuffix(".py").endswith(path):
                return info
    return next((info for info in infos if info.module.rel.endswith(".py")), infos[0])


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
    globals: set[str] = field(default_factory=set)   # names a `global` statement declared


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
    method: str | None = None           # the builder method of a plain class that made it


@dataclass
class Event:
    """A hyperparameter, dataset or preprocessing finding during interpretation."""

    kind: str                           # "hyper" | "dataset" | "prep" | "load"
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


@dataclass
class Undecided:
    """A condition or loop count in code that builds layers which the extractor could
    not decide statically (docs/ARCHITECTURE.md, "Undecided code"): `what` says which
    construct and what was done instead; `uids` are the values made while it ran, so
    that the models built from them can say so."""

    module: ModuleInfo
    line: int
    what: str
    uids: range
    nodes: range


class Program:
    """The project's modules, classes and functions, and the lookups across them."""

    def __init__(self, root: Path | None = None) -> None:
        self.modules: list[ModuleInfo] = []
        self.classes: dict[str, list[ClassInfo]] = {}
        self.functions: dict[str, list[FunctionInfo]] = {}
        self.class_nodes: dict[int, ClassInfo] = {}     # id(ClassDef node) -> its info
        self.by_dotted: dict[str, ModuleInfo] = {}
        self._within: dict[str, ModuleInfo | None] = {}   # project_module's lookups
        self.config_sources: dict[str, tuple[str, str]] = {}   # dotted -> (rel, text)
        self.config_envs: dict[str, dict[str, Value]] = {}
        self.root = root                # the project folder, for its settings files

    # ----------------------------------------------------------------- registration
    def add_module(self, module: ModuleInfo) -> None:
        self.modules.append(module)
        self._within.clear()
        stem = module.source.as_module.replace(".", "/") or module.rel.rsplit(".", 1)[0]
        if stem.endswith("/__init__"):
            stem = stem[: -len("/__init__")]
        self.by_dotted.setdefault(stem.replace("/", "."), module)
        self.by_dotted.setdefault(stem.split("/")[-1], module)
        for stmt in module.tree.body:
            self._register(stmt, module)
        # after the module's own, so that a name means the module's class first
        for stmt in _nested_classes(module.tree.body):
            self._register(stmt, module, nested=True)

    def _register(self, stmt: cst.CSTNode, module: ModuleInfo, nested: bool = False) -> None:
        if isinstance(stmt, cst.ClassDef):
            info = ClassInfo(stmt.name.value, stmt, module, [a.value for a in stmt.bases],
                             nested=nested)
            for item in stmt.body.body:
                if isinstance(item, cst.FunctionDef):
                    info.methods[item.name.value] = item
            self.classes.setdefault(info.name, []).append(info)
            self.class_nodes[id(stmt)] = info
        elif isinstance(stmt, cst.FunctionDef):
            self.functions.setdefault(stmt.name.value, []).append(
                FunctionInfo(stmt.name.value, stmt, module))
        elif isinstance(stmt, cst.If):
            # `if __name__ == "__main__":` and try/except import blocks hold defs too
            for inner in stmt.body.body:
                self._register(inner, module)

    def add_config_source(self, rel: str, text: str) -> None:
        stem = rel.rsplit(".", 1)[0]
        self.config_sources.setdefault(stem.replace("/", "."), (rel, text))
        self.config_sources.setdefault(stem.split("/")[-1], (rel, text))

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

    def resolve_class_bases(self, model_bases: Mapping[str, tuple[str, str]]) -> None:
        """Link project classes to their bases and find which are model classes:
        `model_bases` maps a framework's base class (`torch.nn.Module`) to (framework,
        base kind)."""
        for info in self.every_class():
            for base in info.base_names:
                qual = info.module.imports.qualify(base)
                if qual is not None and qual in model_bases:
                    info.framework, info.base_kind = model_bases[qual]
                    continue
                name = dotted(base)
                if name:
                    found = self.find_class(name.split(".")[-1], info.module)
                    if found is not None and found is not info:
                        info.bases.append(found)
        changed = True
        while changed:   # a class deriving from a project model class is a model class
            changed = False
            for info in self.every_class():
                if info.framework is None:
                    for parent in info.bases:
                        if parent.framework:
                            info.framework, info.base_kind = parent.framework, \
                                parent.base_kind
                            changed = True
                            break

    def every_class(self) -> list[ClassInfo]:
        return [info for infos in self.classes.values() for info in infos]

    # ----------------------------------------------------------------- lookups
    def find_class(self, name: str, module: ModuleInfo) -> ClassInfo | None:
        infos = [i for i in self.classes.get(name) or () if not i.nested]
        if not infos:
            return None
        return _imported(name, module, infos)

    def find_function(self, name: str, module: ModuleInfo) -> FunctionInfo | None:
        infos = self.functions.get(name)
        if not infos:
            return None
        return _imported(name, module, infos)

    def project_module(self, dotted_name: str) -> ModuleInfo | None:
        """The project module an import names (`config`, `src.config`, `.config`)."""
        name = dotted_name.lstrip(".")
        if name in self.by_dotted:
            return self.by_dotted[name]
        # `import text_cnn.model` run from src/: src/text_cnn/model.py, before any other
        # folder's model.py that the name's last part alone would find
        if name not in self._within:
            tail = "." + name
            within = [key for key in self.by_dotted if key.endswith(tail)]
            self._within[name] = self.by_dotted[min(within, key=lambda k: (len(k), k))] \
                if within else None
        if self._within[name] is not None:
            return self._within[name]
        parts = name.split(".")
        for n in range(len(parts) - 1, 0, -1):
            found = self.by_dotted.get(".".join(parts[-n:]))
            if found is not None:
                return found
        return None

    def is_project_import(self, qual: str) -> bool:
        """Whether a qualified name is one of the project's own modules."""
        top = qual.split(".")[0]
        return any(m.rel.split("/")[0].removesuffix(".py") == top or
                   m.rel.removesuffix(".py").replace("/", ".").endswith(qual.rsplit(".", 1)[0])
                   for m in self.modules)

    def module_env(self, dotted_name: str) -> dict[str, Value] | None:
        """The names a project module binds: a parsed module's environment, or the
        configuration read from a file that mentions no framework (`configs`)."""
        module = self.project_module(dotted_name)
        if module is not None:
            return module.env
        name = dotted_name.lstrip(".")
        tail = "." + name    # `text_cnn.config` from src/: src/text_cnn/config.py first
        within = sorted((k for k in {*self.config_sources, *self.config_envs}
                         if k.endswith(tail)), key=lambda k: (len(k), k))
        parts = name.split(".")
        for key in within[:1] + [".".join(parts[-n:]) for n in range(len(parts), 0, -1)]:
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
        if module is None:
            return None
        for info in self.functions.get(attr, []):   # `import train; train.train(...)`
            if info.module is module:
                return FunctionRef(info)
        for cls in self.classes.get(attr, []):
            if cls.module is module:
                return ClassRef(cls)
        target = module.imports.aliases.get(attr)
        if target and hops < 3:
            if target.startswith("."):   # relative to the package that re-exports it
                target = absolute_import(module.rel, target)
            if target != qual:
                return self.imported_value(target, hops + 1)
        return None


def absolute_import(rel: str, target: str) -> str:
    """The dotted name a relative import (`.config`, `..nets.gru`) in the module at path
    `rel` names."""
    level = len(target) - len(target.lstrip("."))
    package = rel.rsplit("/", level)[0].replace("/", ".") \
        if rel.endswith("__init__.py") or level > 1 else \
        rel.rsplit("/", 1)[0].replace("/", ".")
    return f"{package}.{target.lstrip('.')}"


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


class Evaluator(Protocol):
    """Expressions and statements (`expressions.Expressions`, `statements.Statements`),
    as the other collaborators and the handlers ask for them."""

    def eval(self, node: cst.BaseExpression | None, frame: Frame) -> Value: ...
    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame,
               value_node: cst.BaseExpression | None = None) -> None: ...
    def exec_block(self, stmts: Iterable[cst.CSTNode], frame: Frame) -> None: ...
    def iter_items(self, iterable: Value, node: cst.BaseExpression) -> list[Value] | None: ...


class Caller(Protocol):
    """Calls (`calls.Calls`), as the expressions, the graph and the handlers ask for
    them: a call node, a callee with its arguments, a project function inlined, a
    project class instantiated."""

    def call(self, node: cst.Call, frame: Frame) -> Value: ...
    def call_value(self, callee: Value, pos: list[Value], kw: dict[str, Value],
                   node: cst.Call, frame: Frame) -> Value: ...
    def call_function(self, ref: FunctionRef, pos: list[Value], kw: dict[str, Value],
                      frame: Frame, line: int, standalone: bool = False) -> Value: ...
    def instantiate(self, cls: ClassInfo, pos: list[Value], kw: dict[str, Value],
                    node: cst.CSTNode | None, frame: Frame) -> Instance: ...


def _nested_classes(body: Iterable[cst.CSTNode], inside: bool = False
                    ) -> Iterable[cst.ClassDef]:
    """Classes defined in the body of a function or method (a `class Net(nn.Module)`
    inside `main()`, or inside a command's `handle()`), at any depth of blocks."""
    for stmt in body:
        if isinstance(stmt, cst.ClassDef):
            if inside:
                yield stmt
            yield from _nested_classes(_block(stmt.body), inside)
        elif isinstance(stmt, cst.FunctionDef):
            yield from _nested_classes(_block(stmt.body), True)
        elif isinstance(stmt, cst.BaseCompoundStatement):
            blocks = [getattr(stmt, "body", None), getattr(stmt, "orelse", None),
                      getattr(stmt, "finalbody", None),
                      *(h.body for h in getattr(stmt, "handlers", ())),
                      *(c.body for c in getattr(stmt, "cases", ()))]   # try, match
            for block in blocks:
                while isinstance(block, (cst.If, cst.Else)):      # elif / else chains
                    yield from _nested_classes(_block(block.body), inside)
                    block = getattr(block, "orelse", None)
                if block is not None:
                    yield from _nested_classes(_block(block), inside)


def _block(block: Any) -> list[cst.CSTNode]:
    return list(getattr(block, "body", ()) or ()) if isinstance(block, cst.IndentedBlock) \
        else []
