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
from dataclasses import dataclass, field
from typing import Any, Iterable

import libcst as cst

from exnet.extract import datasets, hyperparameters, layers
from exnet.extract.configs import config_env
from exnet.extract.names import ImportMap, dotted, fold
from exnet.extract.sources import Source
from exnet.extract.values import (
    MAX_SEQUENCE, UNKNOWN, ArgParser, ClassRef, Const, DictVal, FunctionalModel,
    FunctionRef, Instance, LayerObj, ListVal, Namespace, Parameters, Qualified,
    SequentialObj, Tagged, Tensor, Unknown, Value, arithmetic, literal, plain, source_text,
)

MAX_DEPTH = 10            # nested inlined calls
STEP_BUDGET = 400_000     # statements and expressions evaluated per file
MODEL_BASES = {
    "torch.nn.Module": "pytorch", "torch.nn.modules.module.Module": "pytorch",
    "pytorch_lightning.LightningModule": "pytorch", "lightning.LightningModule": "pytorch",
    "lightning.pytorch.LightningModule": "pytorch",
    "keras.Model": "keras", "keras.models.Model": "keras", "keras.Sequential": "keras",
    "keras.layers.Layer": "keras", "keras.engine.base_layer.Layer": "keras",
    "keras.layers.Wrapper": "keras",
}
BUILTINS = frozenset({
    "range", "len", "list", "tuple", "dict", "int", "float", "str", "bool", "enumerate",
    "zip", "print", "super", "min", "max", "abs", "round", "sum", "sorted", "reversed",
    "getattr", "setattr", "isinstance", "open", "map", "filter", "iter", "next", "type",
})


class BudgetExceeded(Exception):
    pass


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


class Interpreter:
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
        self.config_sources: dict[str, tuple[str, str]] = {}   # dotted -> (rel, text)
        self.config_envs: dict[str, dict[str, Value]] = {}

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

    def imported_value(self, qual: str) -> Value | None:
        """The value a name imported from another project module has there."""
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
        return None

    # ----------------------------------------------------------------- registration
    def add_module(self, module: ModuleInfo) -> None:
        self.modules.append(module)
        stem = module.rel.rsplit(".", 1)[0]
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
                        for base in info.bases:
                            if base.framework:
                                info.framework, info.base_kind = base.framework, base.base_kind
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
            self.exec_block(module.tree.body, frame)
        except (BudgetExceeded, RecursionError):
            pass

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
                    self.call_function(FunctionRef(func), [], {}, Frame(module, module.env),
                                       module.line(func.node), standalone=True)
            # Plain classes that build models in their methods (`class LeNet:` with a
            # static `build()`, a wrapper whose __init__ sets `self.model = Sequential()`).
            for infos in list(self.classes.values()):
                for cls in infos:
                    if cls.module is module and cls.framework is None:
                        self.run_class_methods(cls, module)
                    elif cls.module is module:
                        self.run_training_methods(cls, module)
        except (BudgetExceeded, RecursionError):
            pass

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
        if self.steps > STEP_BUDGET:
            raise BudgetExceeded()

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
            test = self.eval(stmt.test, frame)
            if isinstance(test, Const) and not isinstance(test.value, (list, tuple)):
                # A condition on known constants (`if v == 'M':` over a VGG config list,
                # `if args.model == 'lstm':` with its default) picks its branch.
                if test.value:
                    self.exec_block(stmt.body.body, frame)
                elif isinstance(stmt.orelse, cst.If):
                    self.exec_stmt(stmt.orelse, frame)
                elif stmt.orelse is not None:
                    self.exec_block(stmt.orelse.body.body, frame)
                return
            before = len(self.nodes), len(self.candidates)
            self.exec_block(stmt.body.body, frame)
            if stmt.orelse is not None and frame.returned is None and \
                    (len(self.nodes), len(self.candidates)) == before:
                orelse = stmt.orelse
                if isinstance(orelse, cst.If):
                    self.exec_stmt(orelse, frame)
                else:
                    self.exec_block(orelse.body.body, frame)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, frame)
        elif isinstance(stmt, cst.While):
            self.exec_block(stmt.body.body, frame)
        elif isinstance(stmt, cst.Try):
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
        elif isinstance(stmt, cst.ClassDef):
            pass   # registered up front
        elif isinstance(stmt, (cst.IndentedBlock,)):
            self.exec_block(stmt.body, frame)

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
                current.items.extend(value.items)
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
        if items is None or len(items) > 12 or not frame.in_model and len(items) > 3 \
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
        return None

    # ----------------------------------------------------------------- assignment
    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame,
               value_node: cst.BaseExpression | None = None) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if isinstance(value, Const) and frame.function is None or \
                    isinstance(value, Const) and value.how == "literal":
                # A name bound to a literal: later uses are "constant" (DESIGN.md).
                line = frame.module.line(target)
                value = Const(value.value, line if value.how == "literal" else value.line,
                              "constant" if value.how == "literal" else value.how, value.file)
                if frame.is_module:
                    hyperparameters.on_constant(self, name, value, frame)
            self.name_candidate(value, name)
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
                elif isinstance(value, (LayerObj, SequentialObj, Instance)):
                    owner.heads.append((attr, value))
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
    def eval(self, node: cst.BaseExpression | None, frame: Frame) -> Value:
        if node is None:
            return UNKNOWN
        self.tick()
        ok, value = literal(node)
        if ok:
            return Const(value, frame.module.line(node), "literal", frame.module.rel)
        if isinstance(node, cst.Name):
            return self.lookup(node, frame)
        if isinstance(node, cst.Attribute):
            return self.attribute(node, frame)
        if isinstance(node, cst.Call):
            return self.call(node, frame)
        if isinstance(node, cst.Subscript):
            return self.subscript(node, frame)
        if isinstance(node, cst.BinaryOperation):
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            return self.binary(node.operator, left, right, frame, node)
        if isinstance(node, cst.Comparison):
            return self.compare(node, frame)
        if isinstance(node, cst.UnaryOperation):
            inner = self.eval(node.expression, frame)
            if isinstance(node.operator, cst.Not):
                return Const(not inner.value, inner.line) if isinstance(inner, Const) \
                    else Unknown(source_text(node))
            if isinstance(inner, Const) and isinstance(node.operator, cst.Minus) and \
                    isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
                return Const(-inner.value, inner.line, inner.how, inner.file)
            return inner if isinstance(inner, Tensor) else Unknown(source_text(node))
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return ListVal(self.elements(node.elements, frame), frame.module.line(node))
        if isinstance(node, cst.Dict):
            return self.dict_literal(node, frame)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return self.comprehension(node, frame)
        if isinstance(node, cst.IfExp):
            self.eval(node.test, frame)
            return self.eval(node.body, frame)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.And):
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            if isinstance(left, Const):
                return left if not left.value else right
            return Unknown(source_text(node))
        if isinstance(node, cst.BooleanOperation):
            left = self.eval(node.left, frame)
            if isinstance(left, (Unknown, Const)) and not plain(left):
                return self.eval(node.right, frame)
            return left
        if isinstance(node, cst.Await):
            return self.eval(node.expression, frame)
        if isinstance(node, cst.NamedExpr):
            value = self.eval(node.value, frame)
            self.assign(node.target, value, frame)
            return value
        return Unknown(source_text(node))

    def compare(self, node: cst.Comparison, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        result = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            a, b = plain(left), plain(right)
            known = isinstance(left, Const) or isinstance(plain(left), list)
            known = known and (isinstance(right, Const) or isinstance(b, list))
            if not known:
                if isinstance(target.operator, (cst.Is, cst.IsNot)) and \
                        isinstance(right, Const) and right.value is None and \
                        not isinstance(left, (Unknown, Const)):
                    a, b = "object", None   # a layer or model is never None
                else:
                    return Unknown(source_text(node))
            try:
                ok = _COMPARE[type(target.operator)](a, b)
            except (TypeError, KeyError):
                return Unknown(source_text(node))
            result = result and bool(ok)
            left = right
        return Const(result, frame.module.line(node))

    def elements(self, elements: Iterable[cst.BaseElement], frame: Frame) -> list[Value]:
        out: list[Value] = []
        for element in elements:
            value = self.eval(element.value, frame)
            if isinstance(element, cst.StarredElement) and isinstance(value, ListVal):
                out.extend(value.items)
            else:
                out.append(value)
        return out

    def dict_literal(self, node: cst.Dict, frame: Frame) -> DictVal:
        items: dict[str, Value] = {}
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.eval(element.key, frame)
                value = self.eval(element.value, frame)
                if isinstance(key, Const) and isinstance(key.value, str):
                    if isinstance(value, Const) and value.how == "literal":
                        value = Const(value.value, value.line, "config")
                        hyperparameters.on_config_key(self, key.value, value, frame)
                    items[key.value] = value
            elif isinstance(element, cst.StarredDictElement):
                other = self.eval(element.value, frame)
                if isinstance(other, DictVal):
                    items.update(other.items)
        return DictVal(items, frame.module.line(node))

    def comprehension(self, node: cst.ListComp | cst.GeneratorExp | cst.SetComp,
                      frame: Frame) -> ListVal:
        loop = node.for_in
        iterable = self.eval(loop.iter, frame)
        items = self.iter_items(iterable, loop.iter)
        if items is None:
            items = [UNKNOWN]
        local = Frame(frame.module, dict(frame.env), frame.self_val, frame.cls, frame.in_model,
                      frame.function, None, frame.depth, False)
        if frame.is_module:
            local.env = dict(frame.env)
        out = []
        for item in items[:MAX_SEQUENCE]:
            self.assign(loop.target, item, local)
            out.append(self.eval(node.elt, local))
        return ListVal(out, frame.module.line(node))

    def lookup(self, node: cst.Name, frame: Frame) -> Value:
        name = node.value
        if name in frame.env:
            return frame.env[name]
        if not frame.is_module and name in frame.module.env:
            return frame.module.env[name]
        if name == "self" and frame.self_val is not None:
            return frame.self_val
        qual = frame.module.imports.qualify(node)
        if qual is not None:
            imported = self.imported_value(qual)
            if imported is not None:
                return imported
        if qual is not None and not qual.startswith("."):
            local_cls = self.classes.get(name)
            if local_cls is None or not self._is_project_import(qual):
                return Qualified(qual)
        cls = self.find_class(name, frame.module)
        if cls is not None:
            return ClassRef(cls)
        func = self.find_function(name, frame.module)
        if func is not None:
            return FunctionRef(func)
        if name in BUILTINS:
            return Qualified(f"builtins.{name}")
        for star_module in frame.module.imports.star_modules:
            env = self.module_env(star_module)
            if env is not None and name in env:
                return env[name]
        star = layers.star_import(name, frame.module.imports.star_modules, frame.module.frameworks)
        if star is not None:
            return Qualified(star)
        return Unknown(name)

    def _is_project_import(self, qual: str) -> bool:
        top = qual.split(".")[0]
        return any(m.rel.split("/")[0].removesuffix(".py") == top or
                   m.rel.removesuffix(".py").replace("/", ".").endswith(qual.rsplit(".", 1)[0])
                   for m in self.modules)

    def attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        attr = node.attr.value
        if isinstance(base, Qualified):
            imported = self.imported_value(f"{base.name}.{attr}")
            return imported if imported is not None else Qualified(fold(f"{base.name}.{attr}"))
        if isinstance(base, Instance):
            if attr in base.attrs:
                return base.attrs[attr]
            found = base.cls.method(attr)
            if found is not None:
                cls, method = found
                return FunctionRef(FunctionInfo(attr, method, cls.module, cls), base)
            class_attr = self.class_attribute(base.cls, attr, frame)
            return class_attr if class_attr is not None else Unknown(source_text(node))
        if isinstance(base, ClassRef):
            class_attr = self.class_attribute(base.cls, attr, frame)
            if class_attr is not None:
                return class_attr
            found = base.cls.method(attr)
            if found is not None:
                return FunctionRef(FunctionInfo(attr, found[1], found[0].module, found[0]))
            return Unknown(source_text(node))
        if isinstance(base, Namespace):
            return base.attrs.get(attr, Unknown(source_text(node)))
        if isinstance(base, (LayerObj, SequentialObj, FunctionalModel, Instance)):
            if attr == "output":
                return self.output_of(base, frame)
            if attr in ("input", "inputs"):
                return Tensor(())
            if attr == "layers" and isinstance(base, SequentialObj):
                return ListVal(base.items)
            if isinstance(base, LayerObj) and base.type == "Pretrained" and \
                    attr not in ("trainable", "name"):
                return base   # a part of a backbone (resnet.fc, vgg.features) is the backbone
        if isinstance(base, Tensor):
            return Unknown(source_text(node)) if attr in ("shape", "size", "dtype") else base
        return Unknown(source_text(node))

    def class_attribute(self, cls: ClassInfo, attr: str, frame: Frame) -> Value | None:
        for stmt in cls.node.body.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    target = None
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target, value_node = small.targets[0].target, small.value
                    elif isinstance(small, cst.AnnAssign) and small.value is not None:
                        target, value_node = small.target, small.value
                    if isinstance(target, cst.Name) and target.value == attr:
                        value = self.eval(value_node, Frame(cls.module, cls.module.env))
                        if isinstance(value, Const):
                            return Const(value.value, cls.module.line(value_node), "config",
                                         value.file)
                        return value
        return None

    def subscript_key(self, node: cst.Subscript, frame: Frame) -> Any:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        key = self.eval(node.slice[0].slice.value, frame)
        return plain(key) if isinstance(key, Const) else None

    def subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        if isinstance(base, Tensor):
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    self.eval(element.slice.value, frame)
            return base
        if isinstance(base, ListVal) and len(node.slice) == 1 and \
                isinstance(node.slice[0].slice, cst.Slice):
            if any(isinstance(v, LayerObj) and v.type == "Pretrained" for v in base.items):
                return base   # `list(backbone.children())[:-1]` still is the backbone
            bounds = [plain(self.eval(b, frame)) if b is not None else None for b in (
                node.slice[0].slice.lower, node.slice[0].slice.upper)]
            if all(b is None or isinstance(b, int) for b in bounds):
                return ListVal(base.items[bounds[0]:bounds[1]])
            return Unknown(source_text(node))
        key = self.subscript_key(node, frame)
        if isinstance(base, DictVal) and isinstance(key, str) and key in base.items:
            return base.items[key]
        if isinstance(base, (ListVal, SequentialObj)) and isinstance(key, int) and \
                not isinstance(key, bool) and -len(base.items) <= key < len(base.items):
            return base.items[key]
        if isinstance(base, Namespace) and isinstance(key, str) and key in base.attrs:
            return base.attrs[key]
        if isinstance(base, Const) and isinstance(base.value, (list, tuple, str)) and \
                isinstance(key, int) and -len(base.value) <= key < len(base.value):
            return Const(base.value[key], base.line, base.how, base.file)
        return Unknown(source_text(node))

    def binary(self, op: cst.BaseBinaryOp | None, left: Value, right: Value, frame: Frame,
               node: cst.CSTNode) -> Value:
        if isinstance(left, Const) and isinstance(right, Const) and op is not None:
            ok, value = arithmetic(op, left.value, right.value)
            if ok:
                lead = left if left.how != "literal" else right
                how = "literal" if lead.how == "literal" else lead.how
                return Const(value, lead.line, how, lead.file)
            return Unknown(source_text(node))
        if isinstance(left, ListVal) and isinstance(right, ListVal) and isinstance(op, cst.Add):
            return ListVal(left.items + right.items)
        if isinstance(left, Tensor) and isinstance(right, Tensor):
            kind = {cst.Add: "Add", cst.Multiply: "Multiply"}.get(type(op))
            if kind is not None:
                layer = LayerObj("", kind, "+" if kind == "Add" else "*",
                                 frame.module.line(node))
                return self.apply_layer(layer, left.deps + right.deps, frame.module,
                                        frame.module.line(node))
            return Tensor(left.deps + right.deps)
        if isinstance(left, Tensor):
            return left
        if isinstance(right, Tensor):
            return right
        return Unknown(source_text(node))

    # ----------------------------------------------------------------- calls
    def arguments(self, call: cst.Call, frame: Frame) -> tuple[list[Value], dict[str, Value]]:
        pos: list[Value] = []
        kw: dict[str, Value] = {}
        for arg in call.args:
            value = self.eval(arg.value, frame)
            if arg.keyword is not None:
                kw[arg.keyword.value] = value
            elif arg.star == "*" and isinstance(value, ListVal):
                pos.extend(value.items)
            elif arg.star == "**" and isinstance(value, DictVal):
                kw.update(value.items)
            elif not arg.star:
                pos.append(value)
        return pos, kw

    def call(self, node: cst.Call, frame: Frame) -> Value:
        func = node.func
        receiver: Value | None = None
        if isinstance(func, cst.Attribute):
            receiver = self.eval(func.value, frame)
            method = func.attr.value
            if isinstance(receiver, Qualified):
                imported = self.imported_value(f"{receiver.name}.{method}")
                callee: Value = imported if imported is not None else \
                    Qualified(fold(f"{receiver.name}.{method}"))
            elif isinstance(receiver, Instance) and method in receiver.attrs:
                callee = receiver.attrs[method]
            elif isinstance(receiver, Namespace) and method in receiver.attrs:
                callee = receiver.attrs[method]
            else:
                pos, kw = self.arguments(node, frame)
                return self.method_call(receiver, method, pos, kw, node, frame)
        else:
            callee = self.eval(func, frame)
        pos, kw = self.arguments(node, frame)
        return self.call_value(callee, pos, kw, node, frame)

    def call_value(self, callee: Value, pos: list[Value], kw: dict[str, Value],
                   node: cst.Call, frame: Frame) -> Value:
        line = frame.module.line(node)
        if isinstance(callee, Qualified):
            return self.library_call(callee.name, pos, kw, node, frame)
        if isinstance(callee, ClassRef):
            return self.instantiate(callee.cls, pos, kw, node, frame)
        if isinstance(callee, FunctionRef):
            return self.call_function(callee, pos, kw, frame, line)
        if isinstance(callee, Namespace):
            return callee          # `cfg = Config()` of a configuration class
        if isinstance(callee, (LayerObj, SequentialObj, Instance, FunctionalModel)):
            return self.apply(callee, pos, kw, frame, line)
        tensors = _tensor_deps(pos, kw)
        return Tensor(tensors) if tensors is not None else Unknown(source_text(node))

    def library_call(self, name: str, pos: list[Value], kw: dict[str, Value], node: cst.Call,
                     frame: Frame) -> Value:
        # datasets only records findings (it returns None), so it sees every call first,
        # including preprocessing layers that layers turns into LayerObjs.
        for handler in (datasets.on_library_call, layers.on_library_call,
                        hyperparameters.on_library_call):
            result = handler(self, name, pos, kw, node, frame)
            if result is not None:
                return result
        if name.startswith("builtins."):
            return self.builtin(name[9:], pos, kw, node, frame)
        if name == "argparse.ArgumentParser":
            return ArgParser()
        if name in ("collections.OrderedDict", "builtins.dict"):
            return self.builtin("dict", pos, kw, node, frame)
        if name.endswith(".deepcopy") or name.endswith(".copy"):
            return pos[0] if pos else UNKNOWN
        tensors = _tensor_deps(pos, kw)
        return Tensor(tensors) if tensors is not None else Unknown(source_text(node))

    def builtin(self, name: str, pos: list[Value], kw: dict[str, Value], node: cst.Call,
                frame: Frame) -> Value:
        line = frame.module.line(node)
        if name == "range":
            bounds = [plain(p) for p in pos]
            if bounds and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
                rng = range(*bounds[:3]) if len(bounds) <= 3 else range(0)
                if 0 <= len(rng) <= MAX_SEQUENCE:
                    return ListVal([Const(i, line) for i in rng], line)
            return Unknown(source_text(node))
        if name in ("list", "tuple", "reversed", "sorted"):
            if pos and isinstance(pos[0], ListVal):
                return ListVal(list(pos[0].items), line)
            return ListVal([], line) if not pos else Unknown(source_text(node))
        if name == "len" and pos and isinstance(pos[0], ListVal):
            return Const(len(pos[0].items), line, "literal")
        if name == "dict":
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
        if name in ("int", "float") and pos and isinstance(pos[0], Const):
            try:
                return Const((int if name == "int" else float)(pos[0].value), pos[0].line,
                             pos[0].how, pos[0].file)
            except (TypeError, ValueError, OverflowError):
                return Unknown(source_text(node))
        if name == "enumerate" and pos and isinstance(pos[0], ListVal):
            return ListVal([ListVal([Const(i, line), v]) for i, v in enumerate(pos[0].items)])
        if name in ("min", "max") and pos and all(isinstance(p, Const) for p in pos):
            try:
                values = [p.value for p in pos]  # type: ignore[union-attr]
                return Const((min if name == "min" else max)(values), line, "literal")
            except (TypeError, ValueError):
                return Unknown(source_text(node))
        if name == "super":
            return frame.self_val or UNKNOWN
        return Unknown(source_text(node))

    def method_call(self, receiver: Value, method: str, pos: list[Value],
                    kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
        line = frame.module.line(node)
        hooked = hyperparameters.on_method_call(self, receiver, method, pos, kw, node, frame)
        if hooked is not None:
            return hooked
        if method in ("to", "cuda", "cpu", "double", "float", "half", "train", "eval",
                      "requires_grad_", "share_memory", "type") and \
                not isinstance(receiver, Tensor):
            return receiver
        if method == "parameters" or method == "named_parameters":
            return Parameters(receiver)
        if method in ("children", "modules") and isinstance(receiver, LayerObj):
            return ListVal([receiver])
        if method == "requires_grad_" and isinstance(receiver, LayerObj) and \
                plain(pos[0] if pos else Const(True, 0)) is False:
            receiver.trainable_attr = False
        if isinstance(receiver, LayerObj) and receiver.type == "Pretrained" and \
                method not in ("state_dict", "load_state_dict", "save", "save_weights",
                               "summary", "predict", "evaluate", "requires_grad_"):
            return self.apply(receiver, pos, kw, frame, line)   # backbone.features(x)
        if isinstance(receiver, Tensor):
            return layers.tensor_method(self, receiver, method, pos, kw, node, frame)
        if isinstance(receiver, SequentialObj) and method in ("add", "append", "add_module"):
            item = pos[-1] if pos else kw.get("module", kw.get("layer", UNKNOWN))
            receiver.items.append(item)
            receiver.last_line = max(receiver.last_line, frame.module.end_line(node))
            return Const(None, line)
        if isinstance(receiver, ListVal):
            if method == "append" and pos:
                receiver.items.append(pos[0])
            elif method == "extend" and pos and isinstance(pos[0], ListVal):
                receiver.items.extend(pos[0].items)
            elif method == "insert" and len(pos) == 2:
                index = plain(pos[0])
                if isinstance(index, int):
                    receiver.items.insert(index, pos[1])
            return Const(None, line)
        if isinstance(receiver, DictVal):
            if method == "get" and pos and isinstance(plain(pos[0]), str):
                return receiver.items.get(plain(pos[0]), pos[1] if len(pos) > 1 else UNKNOWN)
            if method in ("values",):
                return ListVal(list(receiver.items.values()))
            if method == "items":
                return ListVal([ListVal([Const(k, line), v]) for k, v in receiver.items.items()])
            if method == "update" and pos and isinstance(pos[0], DictVal):
                receiver.items.update(pos[0].items)
            return UNKNOWN
        if isinstance(receiver, ArgParser):
            return hyperparameters.argparse_call(self, receiver, method, pos, kw, node, frame)
        if isinstance(receiver, Instance):
            found = receiver.cls.method(method)
            if found is not None:
                cls, fn = found
                return self.call_function(FunctionRef(FunctionInfo(method, fn, cls.module, cls),
                                                      receiver), pos, kw, frame, line)
            if method == "add_module" and len(pos) == 2 and isinstance(plain(pos[0]), str):
                receiver.attrs[plain(pos[0])] = pos[1]
            if method in ("forward", "call", "__call__"):
                return self.apply(receiver, pos, kw, frame, line)
            return UNKNOWN
        if isinstance(receiver, FunctionRef) and method in ("forward", "call"):
            return UNKNOWN
        if isinstance(receiver, ClassRef):
            return self.library_call(f"{receiver.cls.name}.{method}", pos, kw, node, frame)
        if isinstance(receiver, (LayerObj, SequentialObj)) and method in ("forward", "call",
                                                                           "__call__"):
            return self.apply(receiver, pos, kw, frame, line)
        if isinstance(receiver, Const) and isinstance(receiver.value, str):
            return Unknown(source_text(node))
        tensors = _tensor_deps(pos, kw)
        return Tensor(tensors) if tensors is not None else Unknown(source_text(node))

    # ----------------------------------------------------------------- functions, classes
    def call_function(self, ref: FunctionRef, pos: list[Value], kw: dict[str, Value],
                      frame: Frame, line: int, standalone: bool = False) -> Value:
        func = ref.func
        if frame.depth >= MAX_DEPTH:
            return UNKNOWN
        self.executed.add(id(func.node))
        env: dict[str, Value] = {}
        self_val = ref.bound_self if isinstance(ref.bound_self, Instance) else None
        decorators = {dotted(d.decorator) for d in func.node.decorators}
        if "staticmethod" in decorators:
            self_val = None
        has_self = self_val is not None or "classmethod" in decorators or \
            func.cls is not None and "staticmethod" not in decorators and ref.bound_self is None \
            and standalone
        self.bind_params(func, pos, kw, env, has_self, standalone)
        in_model = frame.in_model or (self_val is not None and self_val.cls.framework is not None)
        local = Frame(func.module, env, self_val, func.cls, in_model, func, None, frame.depth + 1)
        self.exec_block(func.node.body.body if isinstance(func.node.body, cst.IndentedBlock)
                        else func.node.body.body, local)
        result = local.returned if local.returned is not None else UNKNOWN
        if func.cls is None or func.cls.framework is None:
            for cand in reversed(self.candidates[-50:]):
                if cand.obj is result and cand.func_name is None:
                    # A builder method of a plain class (`LeNet.build()`) names the model
                    # after its class, as its author does.
                    cand.func_name = func.cls.name if func.cls is not None else func.name
                    break
        return result

    def bind_params(self, func: FunctionInfo, pos: list[Value], kw: dict[str, Value],
                    env: dict[str, Value], has_self: bool, standalone: bool) -> None:
        params = func.node.params
        ordered = list(params.posonly_params) + list(params.params)
        if has_self and ordered:
            ordered = ordered[1:]
        module = func.module
        for i, param in enumerate(ordered):
            name = param.name.value
            if i < len(pos):
                env[name] = pos[i]
            elif name in kw:
                env[name] = kw[name]
            elif param.default is not None:
                env[name] = self._default(param, module)
            else:
                env[name] = Tensor(()) if (standalone or func.cls) and \
                    _tensor_like(name) else Unknown(name)
        for param in params.kwonly_params:
            name = param.name.value
            env[name] = kw.get(name) or (self._default(param, module) if param.default
                                         is not None else Unknown(name))
        if isinstance(params.star_arg, cst.Param):
            env[params.star_arg.name.value] = ListVal(pos[len(ordered):])
        if params.star_kwarg is not None:
            env[params.star_kwarg.name.value] = DictVal(
                {k: v for k, v in kw.items() if k not in env})

    def _default(self, param: cst.Param, module: ModuleInfo) -> Value:
        value = self.eval(param.default, Frame(module, module.env, is_module=True))
        if isinstance(value, Const) and value.how == "literal":
            return Const(value.value, value.line, "constant")
        return value

    def instantiate(self, cls: ClassInfo, pos: list[Value], kw: dict[str, Value],
                    node: cst.CSTNode | None, frame: Frame) -> Instance:
        line = frame.module.line(node) if node is not None else cls.module.line(cls.node)
        inst = Instance(cls, line=line, site=(cls.module.rel, cls.module.line(cls.node), 0))
        self.instantiated.add(id(cls.node))
        found = cls.method("__init__")
        if found is not None:
            owner, init = found
            self.call_function(FunctionRef(FunctionInfo("__init__", init, owner.module, owner),
                                           inst), pos, kw, frame, line)
        if cls.framework is not None and not frame.in_model:
            self.add_candidate(inst, cls.module, cls.module.line(cls.node))
        return inst

    # ----------------------------------------------------------------- graph
    def add_candidate(self, obj: Value, module: ModuleInfo, line: int) -> None:
        self.clock += 1
        self.candidates.append(Candidate(obj, self.unit, self.clock, module, line))

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def apply_layer(self, layer: LayerObj, deps: tuple[int, ...], module: ModuleInfo,
                    line: int) -> Tensor:
        self.nodes.append(Node(layer, line or layer.line, module, tuple(dict.fromkeys(deps)),
                               tuple(self.owner_stack) + (layer.uid,)))
        return Tensor((len(self.nodes) - 1,))

    def apply(self, callee: Value, pos: list[Value], kw: dict[str, Value], frame: Frame,
              line: int) -> Value:
        deps = _tensor_deps(pos, kw) or ()
        if isinstance(callee, LayerObj):
            if callee.type == "Identity":
                return Tensor(deps)
            result = self.apply_layer(callee, deps, frame.module, callee.line)
            if callee.heads:
                self.owner_stack.append(callee.uid)
                for _, head in callee.heads:
                    result = self.apply(head, [result], {}, frame, line)
                    if not isinstance(result, Tensor):
                        result = Tensor(())
                self.owner_stack.pop()
            return result
        if isinstance(callee, SequentialObj):
            self.owner_stack.append(callee.uid)
            result: Value = Tensor(deps)
            for item in list(callee.items):
                result = self.apply(item, [result], {}, frame, line)
                if not isinstance(result, Tensor):
                    result = Tensor(deps)
            self.owner_stack.pop()
            return result
        if isinstance(callee, FunctionalModel):
            return self.replay(callee, deps)
        if isinstance(callee, Instance):
            return self.apply_instance(callee, pos, kw, frame, line)
        return Tensor(deps)

    def apply_instance(self, inst: Instance, pos: list[Value], kw: dict[str, Value],
                       frame: Frame, line: int) -> Value:
        cls = inst.cls
        if frame.depth >= MAX_DEPTH:
            return Tensor(_tensor_deps(pos, kw) or ())
        deps = _tensor_deps(pos, kw) or ()
        start = len(self.nodes)
        self.owner_stack.append(inst.uid)
        found = cls.method("forward") or cls.method("call") or cls.method("__call__")
        result: Value = Tensor(deps)
        if found is not None:
            owner, method = found
            ref = FunctionRef(FunctionInfo(method.name.value, method, owner.module, owner), inst)
            result = self.call_function(ref, pos, kw, Frame(frame.module, {}, inst, cls, True,
                                                            None, None, frame.depth), line)
        if len(self.nodes) == start:
            # No forward()/call(), or one that built nothing: __init__ order, else the
            # class itself as one layer (a custom layer computing with raw weights).
            parts = [v for v in inst.attrs.values()
                     if isinstance(v, (LayerObj, SequentialObj, Instance))]
            result = Tensor(deps)
            if parts:
                for part in parts:
                    result = self.apply(part, [result], {}, frame, line)
            else:
                fw = cls.framework or "keras"
                layer = LayerObj(fw, cls.name, cls.name, inst.line, site=inst.site)
                layer.uid = inst.uid
                result = self.apply_layer(layer, deps, frame.module, inst.line)
        self.owner_stack.pop()
        if not isinstance(result, Tensor):
            result = _first_tensor(result) or Tensor(tuple(range(start, len(self.nodes)))[-1:])
        return result

    def replay(self, model: FunctionalModel, deps: tuple[int, ...]) -> Tensor:
        order = self.ancestors(model.outputs)
        mapping: dict[int, int] = {}
        self.owner_stack.append(model.uid)
        last: Tensor = Tensor(deps)
        for old in order:
            node = self.nodes[old]
            preds = tuple(mapping[p] for p in node.preds if p in mapping) or \
                (deps if not node.preds else ())
            last = self.apply_layer(node.layer, preds, node.module, node.line)
            mapping[old] = last.deps[0]
        self.owner_stack.pop()
        outs = tuple(mapping[o] for o in model.outputs if o in mapping)
        return Tensor(outs) if outs else last

    def output_of(self, obj: Value, frame: Frame) -> Tensor:
        if isinstance(obj, LayerObj):
            if obj.output_node is None:
                obj.output_node = self.apply(obj, [Tensor(())], {}, frame, obj.line).deps[0] \
                    if True else None
            return Tensor((obj.output_node,))
        if isinstance(obj, FunctionalModel):
            return Tensor(obj.outputs)
        result = self.apply(obj, [Tensor(())], {}, frame, 0)
        return result if isinstance(result, Tensor) else Tensor(())

    def ancestors(self, outputs: Iterable[int], start: int = 0) -> list[int]:
        seen: set[int] = set()
        stack = [o for o in outputs if o >= start]
        while stack:
            n = stack.pop()
            if n in seen or n < start:
                continue
            seen.add(n)
            stack.extend(self.nodes[n].preds)
        return sorted(seen)


_COMPARE = {
    cst.Equal: lambda a, b: a == b, cst.NotEqual: lambda a, b: a != b,
    cst.LessThan: lambda a, b: a < b, cst.GreaterThan: lambda a, b: a > b,
    cst.LessThanEqual: lambda a, b: a <= b, cst.GreaterThanEqual: lambda a, b: a >= b,
    cst.In: lambda a, b: a in b, cst.NotIn: lambda a, b: a not in b,
    cst.Is: lambda a, b: a is b, cst.IsNot: lambda a, b: a is not b,
}
_AUG_TO_BIN = {
    cst.AddAssign: cst.Add(), cst.SubtractAssign: cst.Subtract(),
    cst.MultiplyAssign: cst.Multiply(), cst.DivideAssign: cst.Divide(),
    cst.FloorDivideAssign: cst.FloorDivide(),
}
_TENSOR_NAMES = ("x", "inp", "input", "inputs", "text", "src", "img", "image", "images", "seq",
                 "tokens", "ids", "input_ids", "feature", "features", "data", "batch", "h",
                 "hidden", "emb", "embedded", "attention_mask", "mask", "lengths", "sent")


def _tensor_like(name: str) -> bool:
    low = name.lower()
    return low in _TENSOR_NAMES or low.startswith(("x", "input", "text", "img", "image", "seq"))


def _tensor_deps(pos: list[Value], kw: dict[str, Value]) -> tuple[int, ...] | None:
    deps: list[int] = []
    found = False
    for value in list(pos) + list(kw.values()):
        for tensor in _tensors_in(value):
            found = True
            deps.extend(tensor.deps)
    return tuple(dict.fromkeys(deps)) if found else None


def _tensors_in(value: Value, depth: int = 0) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, ListVal) and depth < 3:
        return [t for item in value.items[:MAX_SEQUENCE] for t in _tensors_in(item, depth + 1)]
    return []


def _first_tensor(value: Value) -> Tensor | None:
    tensors = _tensors_in(value)
    if not tensors:
        return None
    deps: list[int] = []
    for t in tensors:
        deps.extend(t.deps)
    return Tensor(tuple(dict.fromkeys(deps)))


def is_model_object(value: Value) -> bool:
    return isinstance(value, (SequentialObj, FunctionalModel, Instance)) or \
        isinstance(value, LayerObj) and value.type == "Pretrained"


__all__ = ["Interpreter", "ModuleInfo", "ClassInfo", "Candidate", "Event", "Frame",
           "is_model_object", "Tagged"]
