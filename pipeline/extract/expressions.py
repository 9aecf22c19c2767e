"""Expressions: names, attributes, subscripts, operators, literals, comprehensions and
comparisons of constants, each mapped to an abstract value (`values`).

`Expressions` holds the project (`Program`, for names imported from other modules), the
shared `State`, the `Graph` (operators on tensors are layers), and the `Caller` and the
`Evaluator` it hands calls, assignments and iteration to."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

import libcst as cst

from exnet.extract import vocabulary as vocab
from exnet.extract.graph import Graph
from exnet.extract.names import BUILTINS, dotted, fold
from exnet.extract.program import (
    Caller,
    ClassInfo,
    Evaluator,
    Frame,
    FunctionInfo,
    Program,
    absolute_import,
)
from exnet.extract.state import State
from exnet.extract.values import (
    MAX_SEQUENCE,
    UNKNOWN,
    Choice,
    ClassRef,
    Const,
    DictVal,
    EnumMember,
    FunctionalModel,
    FunctionRef,
    Globals,
    Instance,
    Lambda,
    LayerObj,
    ListVal,
    Namespace,
    Qualified,
    SequentialObj,
    Tensor,
    Unbound,
    Unknown,
    Value,
    arithmetic,
    is_model_object,
    literal,
    plain,
    source_text,
)


def _is(a: object, b: object) -> bool:
    """`a is b` as the mined code meant it, never on the extractor's own objects: identity
    for None and booleans, else equal values of one type (`metric is 'error'`, which
    CPython's interned literals make true)."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return type(a) is type(b) and a == b


_COMPARE = {
    cst.Equal: lambda a, b: a == b, cst.NotEqual: lambda a, b: a != b,
    cst.LessThan: lambda a, b: a < b, cst.GreaterThan: lambda a, b: a > b,
    cst.LessThanEqual: lambda a, b: a <= b, cst.GreaterThanEqual: lambda a, b: a >= b,
    cst.In: lambda a, b: a in b, cst.NotIn: lambda a, b: a not in b,
    cst.Is: _is, cst.IsNot: lambda a, b: not _is(a, b),
}

#: Operators on two tensors that are layers of the model (`out += residual`).
_TENSOR_OPERATORS: dict[type[cst.BaseBinaryOp | None], str] = {
    cst.Add: "Add", cst.Multiply: "Multiply"}

#: The qualified name a bare name has through a star import of a framework module
#: (`from keras.layers import *`), given the file's star imports and frameworks.
StarImport = Callable[[str, list[str], set[str]], "str | None"]


class Expressions:
    """Expression evaluation."""

    def __init__(self, program: Program, state: State, graph: Graph, calls: Caller,
                 evaluator: Evaluator, star_import: StarImport) -> None:
        self.program = program
        self.state = state
        self.graph = graph
        self.calls = calls
        self.evaluator = evaluator
        self.star_import = star_import

    def eval(self, node: cst.BaseExpression | None, frame: Frame) -> Value:
        if node is None:
            return UNKNOWN
        self.state.tick()
        ok, value = literal(node)
        if ok:
            return Const(value, frame.module.line(node), "literal", frame.module.rel)
        if isinstance(node, cst.Name):
            return self.lookup(node, frame)
        if isinstance(node, cst.Attribute):
            return self.attribute(node, frame)
        if isinstance(node, cst.Call):
            return self.calls.call(node, frame)
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
                    else Unknown(node)
            if isinstance(inner, Const) and isinstance(node.operator, cst.Minus) and \
                    isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
                return Const(-inner.value, inner.line, inner.how, inner.file)
            return inner if isinstance(inner, Tensor) else _unknown(node, inner)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return ListVal(self.elements(node.elements, frame), frame.module.line(node))
        if isinstance(node, cst.Dict):
            return self.dict_literal(node, frame)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return self.comprehension(node, frame)
        if isinstance(node, cst.DictComp):
            return self.dict_comprehension(node, frame)
        if isinstance(node, cst.IfExp):
            test = self.eval(node.test, frame)
            if isinstance(test, Const) and not test.value:
                return self.eval(node.orelse, frame)
            return self.eval(node.body, frame)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.And):
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            if isinstance(left, Const):
                return left if not left.value else right
            return Unknown(node)
        if isinstance(node, cst.BooleanOperation):
            left = self.eval(node.left, frame)
            if isinstance(left, (Unknown, Const)) and not plain(left):
                return self.eval(node.right, frame)
            return left
        if isinstance(node, cst.Lambda):
            return Lambda(node, frame)
        if isinstance(node, cst.Await):
            return self.eval(node.expression, frame)
        if isinstance(node, cst.NamedExpr):
            value = self.eval(node.value, frame)
            self.evaluator.assign(node.target, value, frame)
            return value
        return Unknown(node)

    def compare(self, node: cst.Comparison, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        operands = [left]
        result = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            operands.append(right)
            a, b = plain(left), plain(right)
            known = isinstance(left, Const) or isinstance(plain(left), list)
            known = known and (isinstance(right, Const) or isinstance(b, list))
            if not known:
                if isinstance(target.operator, (cst.Is, cst.IsNot)) and \
                        isinstance(right, Const) and right.value is None and \
                        not isinstance(left, (Unknown, Const)):
                    a, b = "object", None   # a layer or model is never None
                else:
                    return Unknown(node)
            try:
                ok = _COMPARE[type(target.operator)](a, b)
            except (TypeError, KeyError):
                return Unknown(node)
            result = result and bool(ok)
            left = right
        # A comparison with an option's default is decided only until someone passes
        # the option: keep that, so that model selection can see every branch.
        how = "argparse" if any(isinstance(v, Const) and v.how == "argparse"
                                for v in operands) else "literal"
        return Const(result, frame.module.line(node), how)

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
        items: dict[str | int, Value] = {}
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.eval(element.key, frame)
                value = self.eval(element.value, frame)
                if isinstance(key, Const) and isinstance(key.value, (str, int)) and \
                        not isinstance(key.value, bool):
                    if isinstance(value, Const) and value.how == "literal":
                        value = Const(value.value, value.line, "config", value.file)
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
        items = self.evaluator.iter_items(iterable, loop.iter)
        if items is None:
            items = [UNKNOWN]
        local = Frame(frame.module, dict(frame.env), frame.self_val, frame.cls, frame.in_model,
                      frame.function, None, frame.depth, False)
        if frame.is_module:
            local.env = dict(frame.env)
        out = []
        for item in items[:MAX_SEQUENCE]:
            self.evaluator.assign(loop.target, item, local)
            out.append(self.eval(node.elt, local))
        return ListVal(out, frame.module.line(node))

    def dict_comprehension(self, node: cst.DictComp, frame: Frame) -> DictVal:
        """`{x: DataLoader(sets[x], batch_size=4) for x in ["train", "val"]}` (PyTorch's
        transfer-learning tutorial): a dict of each key's value."""
        loop = node.for_in
        items = self.evaluator.iter_items(self.eval(loop.iter, frame), loop.iter) or []
        local = Frame(frame.module, dict(frame.env), frame.self_val, frame.cls, frame.in_model,
                      frame.function, None, frame.depth, False)
        out: dict[str | int, Value] = {}
        for item in items[:MAX_SEQUENCE]:
            self.evaluator.assign(loop.target, item, local)
            key = self.eval(node.key, local)
            value = self.eval(node.value, local)
            if isinstance(key, Const) and isinstance(key.value, (str, int)) and \
                    not isinstance(key.value, bool):
                out[key.value] = value
        return DictVal(out, frame.module.line(node))

    def library_name(self, node: cst.BaseExpression, frame: Frame) -> str | None:
        """The qualified library name a dotted expression denotes (`nn.Sequential` ->
        `torch.nn.Sequential`), found by looking its first name up; nothing else is
        evaluated, so it has no effect on the program."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        value = self.lookup(cst.Name(head), frame)
        if not isinstance(value, Qualified):
            return None
        return fold(f"{value.name}.{rest}") if rest else value.name

    def lookup(self, node: cst.Name, frame: Frame) -> Value:
        name = node.value
        if name in frame.env:
            return frame.env[name]
        closure = frame.cls.closure if frame.cls is not None else None
        if closure is not None and name in closure:
            return closure[name]
        if not frame.is_module and name in frame.module.env:
            return frame.module.env[name]
        if name == "self" and frame.self_val is not None:
            return frame.self_val
        qual = frame.module.imports.qualify(node)
        if qual is not None:
            imported = self.program.imported_value(qual)
            if imported is not None:
                return imported
        if qual is not None and qual.startswith(".") and "/" in frame.module.rel:
            # `from . import config`: the sibling module itself (`config.LEARNING_RATE`)
            absolute = absolute_import(frame.module.rel, qual)
            if self.program.project_module(absolute) is not None:
                return Qualified(absolute)
        if qual is not None and not qual.startswith("."):
            local_cls = self.program.classes.get(name)
            if local_cls is None or not self.program.is_project_import(qual):
                return Qualified(qual)
        cls = self.program.find_class(name, frame.module)
        if cls is not None:
            return ClassRef(cls)
        func = self.program.find_function(name, frame.module)
        if func is not None:
            return FunctionRef(func)
        if name in BUILTINS:
            return Qualified(f"builtins.{name}")
        for star_module in frame.module.imports.star_modules:
            env = self.program.module_env(star_module)
            if env is not None and name in env:
                return env[name]
        star = self.star_import(name, frame.module.imports.star_modules, frame.module.frameworks)
        if star is not None:
            return Qualified(star)
        return Unknown(name)

    def attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        attr = node.attr.value
        if isinstance(base, Choice) and base.options and \
                all(isinstance(o, Qualified) for o in base.options):
            # `x.Model` of `x = import_module("models." + args.model)`: each module's own
            found = [v for o in base.options if isinstance(o, Qualified) and (
                v := self.program.imported_value(f"{o.name}.{attr}")) is not None]
            return Choice(found, base.line, base.file) if found else Unknown(node)
        if isinstance(base, Qualified):
            imported = self.program.imported_value(f"{base.name}.{attr}")
            return imported if imported is not None else Qualified(fold(f"{base.name}.{attr}"))
        if isinstance(base, Instance):
            if attr in base.attrs:
                return base.attrs[attr]
            found = base.cls.method(attr)
            if found is not None:
                cls, method = found
                ref = FunctionRef(FunctionInfo(attr, method, cls.module, cls), base)
                if any(dotted(d.decorator) in ("property", "functools.cached_property",
                                                "cached_property")
                       for d in method.decorators):
                    # `self.optimizer` of a `@property def optimizer(self)`: its value
                    return self.calls.call_function(ref, [], {}, frame, frame.module.line(node))
                return ref
            class_attr = self.class_attribute(base.cls, attr, frame)
            return class_attr if class_attr is not None else Unknown(node)
        if isinstance(base, ClassRef):
            class_attr = self.class_attribute(base.cls, attr, frame)
            if class_attr is not None:
                return class_attr
            found = base.cls.method(attr)
            if found is not None:
                return FunctionRef(FunctionInfo(attr, found[1], found[0].module, found[0]))
            return Unknown(node)
        if isinstance(base, Namespace):
            return base.attrs.get(attr, Unknown(node))
        if isinstance(base, Const) and isinstance(base.value, EnumMember) and \
                attr in ("value", "name"):
            return Const(getattr(base.value, attr), base.line, base.how, base.file)
        if isinstance(base, DictVal) and attr in base.items:
            return base.items[attr]   # OmegaConf's DictConfig, EasyDict: keys as attributes
        if isinstance(base, (LayerObj, SequentialObj, FunctionalModel, Instance)):
            if attr == "output":
                return self.graph.output_of(base, frame)
            if attr in ("input", "inputs"):
                return Tensor(())
            if attr == "layers" and isinstance(base, SequentialObj):
                return ListVal(base.items)
            if isinstance(base, LayerObj) and base.type == "Pretrained" and \
                    attr not in ("trainable", "name"):
                return base   # a part of a backbone (resnet.fc, vgg.features) is the backbone
            if isinstance(base, LayerObj) and base.type != "Pretrained" and attr in base.args:
                # `if self.lstm.bidirectional:` reads the argument the layer was made with
                # (a backbone's `name` is exnet's, not the attribute the code reads)
                return Const(base.args[attr], base.line, "literal", frame.module.rel)
        if isinstance(base, Tensor):
            return Unknown(node) if attr in ("shape", "size", "dtype") else base
        return _unknown(node, base)

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
                            value = Const(value.value, cls.module.line(value_node), "config",
                                          value.file)
                        if _is_enum(cls):   # `ModelType.CNN`, its `.value` and `.name`
                            return Const(EnumMember(cls.name, attr, plain(value)),
                                         cls.module.line(value_node), "config", cls.module.rel)
                        return value
        return None

    def subscript_key(self, node: cst.Subscript, frame: Frame) -> Any:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        key = self.eval(node.slice[0].slice.value, frame)
        return plain(key) if isinstance(key, Const) else None

    def run_time_key(self, node: cst.Subscript, frame: Frame) -> bool:
        """Whether a subscript's key is chosen when the program runs: unknown, or an
        option's default that a command line can change."""
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return False
        key = self.eval(node.slice[0].slice.value, frame)
        return not isinstance(key, Const) or key.how == "argparse"

    def subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        if isinstance(base, Tensor):
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    self.eval(element.slice.value, frame)
            return base
        if isinstance(base, LayerObj) and base.type == "Pretrained":
            return base   # `base.layers[:-1]`, `model.classifier[6]`: parts of the backbone
        if isinstance(base, ListVal) and len(node.slice) == 1 and \
                isinstance(node.slice[0].slice, cst.Slice):
            if any(isinstance(v, LayerObj) and v.type == "Pretrained" for v in base.items):
                return base   # `list(backbone.children())[:-1]` still is the backbone
            bounds = [plain(self.eval(b, frame)) if b is not None else None for b in (
                node.slice[0].slice.lower, node.slice[0].slice.upper)]
            if all(b is None or isinstance(b, int) for b in bounds):
                return ListVal(base.items[bounds[0]:bounds[1]])
            return Unknown(node)
        key = self.subscript_key(node, frame)
        if isinstance(base, Globals):
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                named = self.eval(node.slice[0].slice.value, frame)
                if isinstance(named, (ClassRef, FunctionRef)):
                    # `globals()[GRU_NET]` of `GRU_NET = "GRU_NET"` in a star-imported
                    # config that the class of that name shadowed here: that class
                    return named
            if not isinstance(key, str) or not key.isidentifier():
                return Unknown(node)
            module = base.module
            return self.lookup(cst.Name(key), Frame(module, module.env, is_module=True))
        if isinstance(base, DictVal) and self.run_time_key(node, frame):
            options = [v for v in base.items.values() if _selectable(v)]
            if len(options) >= 2 and len(options) == len(base.items):
                # `MODELS[args.model]`: a registry of models, any of which a run can pick
                first = base.items.get(key) if isinstance(key, (str, int)) else None
                ordered = [first] + [o for o in options if o is not first] if first else options
                return self.state.make_choice(ordered, frame.module.line(node), frame.module.rel)
            entries = list(base.items.values())
            if len(entries) >= 2 and all(isinstance(v, ListVal) and v.items and
                                         _selectable(v.items[0]) for v in entries):
                # `MODELS[args.model][0](...)` of `{"resnet-18": (Resnet18, 224), ...}`:
                # each entry a tuple that starts with a model's builder
                first = base.items.get(key) if isinstance(key, (str, int)) else None
                ordered = [first] + [e for e in entries if e is not first] if first else entries
                return Choice(ordered, frame.module.line(node), frame.module.rel)
            if key is None and len(base.items) >= 2 and all(
                    isinstance(v, Qualified) and vocab.backbone_constructor(v.name)
                    for v in base.items.values()):
                # `resnets[args.depth]` of `{18: models.resnet18, 50: models.resnet50}`: a
                # backbone whose size a run picks is one model, built by the first entry
                return next(iter(base.items.values()))
        if isinstance(base, DictVal) and isinstance(key, (str, int)) and key in base.items:
            return base.items[key]
        if isinstance(base, Choice) and isinstance(key, int) and not isinstance(key, bool) \
                and all(isinstance(o, ListVal) and -len(o.items) <= key < len(o.items)
                        for o in base.options):
            # the same place in each option's tuple
            return self.state.make_choice([o.items[key] for o in base.options
                                           if isinstance(o, ListVal)], base.line, base.file)
        if isinstance(base, (ListVal, SequentialObj)) and isinstance(key, int) and \
                not isinstance(key, bool) and -len(base.items) <= key < len(base.items):
            return base.items[key]
        if isinstance(base, Namespace) and isinstance(key, str) and key in base.attrs:
            return base.attrs[key]
        if isinstance(base, Const) and isinstance(base.value, (list, tuple, str)) and \
                isinstance(key, int) and -len(base.value) <= key < len(base.value):
            return Const(base.value[key], base.line, base.how, base.file)
        return _unknown(node, base)

    def binary(self, op: cst.BaseBinaryOp | None, left: Value, right: Value, frame: Frame,
               node: cst.CSTNode) -> Value:
        if isinstance(left, Const) and isinstance(right, Const) and op is not None:
            ok, value = arithmetic(op, left.value, right.value)
            if ok:
                lead = left if left.how != "literal" else right
                how = "literal" if lead.how == "literal" else lead.how
                return Const(value, lead.line, how, lead.file)
            return Unknown(node)
        repeated = _repetition(op, left, right)
        if repeated is not None:
            items, times = repeated
            n = times.value   # `[1] * (num_blocks - 1)`, ResNet's strides list
            if isinstance(n, int) and not isinstance(n, bool) and 0 <= n:
                if n * len(items.items) <= MAX_SEQUENCE:
                    return ListVal(list(items.items) * n)
                return ListVal(self.state.capped(list(items.items) * min(n, MAX_SEQUENCE + 1),
                                           node, frame))
            return Unknown(node)
        if isinstance(left, ListVal) and isinstance(right, ListVal) and isinstance(op, cst.Add):
            return ListVal(self.state.capped(left.items + right.items, node, frame))
        return self.data_operation(op, left, right, frame, node)

    def data_operation(self, op: cst.BaseBinaryOp | None, left: Value, right: Value,
                       frame: Frame, node: cst.CSTNode) -> Value:
        """An operator on data: `a + b` of two tensors is an Add layer, `a * b` a
        Multiply (`out += residual`); a tensor with anything else stays that tensor. An
        `Unbound` operand is not taken for a tensor here: an operator does not need one
        (`x * scale`), so the result is an `Unbound` value."""
        if isinstance(left, Tensor) and isinstance(right, Tensor):
            kind = _TENSOR_OPERATORS.get(type(op))
            if kind is not None:
                layer = LayerObj("", kind, "+" if kind == "Add" else "*",
                                 frame.module.line(node))
                return self.graph.apply_layer(layer, left.deps + right.deps, frame.module,
                                              frame.module.line(node))
            return Tensor(left.deps + right.deps)
        if _position_embedding(op, left, right, node, frame):
            data = left if isinstance(left, Tensor) else right
            assert isinstance(data, Tensor)
            layer = LayerObj("", "Add", "+", frame.module.line(node))
            return self.graph.apply_layer(layer, data.deps, frame.module,
                                          frame.module.line(node))
        if isinstance(left, Tensor):
            return left
        if isinstance(right, Tensor):
            return right
        return _unknown(node, left, right)


#: A model's position embedding held as a weight or buffer, not made by a layer:
#: `self.pos_embedding`, `self.pe[:, :n]`, `self.position_embeddings`, or computed in
#: forward into a name that says so (`pos_encoding = self.sinusoid(n, d)`).
_POSITION_ATTRIBUTE = re.compile(
    r"^self\.(?:\w*pos\w*|pe|positional\w*)\b"
    r"|^(?:\w*_)?pos(?:ition(?:al)?)?_?(?:emb|enc|embed|embedding|encoding)s?\b", re.I)


def _position_embedding(op: cst.BaseBinaryOp | None, left: Value, right: Value,
                        node: cst.CSTNode, frame: Frame) -> bool:
    """Whether this is `x + self.pos_embedding` in model code: the tokens plus their
    position embedding, an Add as `a + b` of two tensors is (the weight is not a layer's
    output, so it is no tensor here)."""
    if not (frame.in_model and isinstance(op, cst.Add)
            and isinstance(left, Tensor) != isinstance(right, Tensor)):
        return False
    if isinstance(node, cst.BinaryOperation):
        other = node.right if isinstance(left, Tensor) else node.left
    elif isinstance(node, cst.AugAssign) and isinstance(left, Tensor):   # `x += self.pe`
        other = node.value
    else:
        return False
    return _POSITION_ATTRIBUTE.match(source_text(other)) is not None


def _unknown(node: cst.CSTNode, *operands: Value) -> Unknown:
    """The value of an expression nothing resolves: `Unbound` when computed from an
    `Unbound` value (it may be data), else unknown; its source text either way."""
    if any(isinstance(v, Unbound) for v in operands):
        return Unbound(source_text(node))
    return Unknown(node)


def _repetition(op: cst.BaseBinaryOp | None, left: Value,
                right: Value) -> tuple[ListVal, Const] | None:
    """(list, count) of a list repeated by a constant: `[1] * n` or `n * [1]`."""
    if not isinstance(op, cst.Multiply):
        return None
    if isinstance(left, ListVal) and isinstance(right, Const):
        return left, right
    if isinstance(right, ListVal) and isinstance(left, Const):
        return right, left
    return None


_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "enum.Enum", "enum.IntEnum",
                         "enum.StrEnum"})


def _is_enum(cls: ClassInfo) -> bool:
    return any(source_text(base) in _ENUM_BASES for base in cls.base_names)


def _selectable(value: Value) -> bool:
    """A value a model registry maps a name to: a model class, a builder, a model."""
    return isinstance(value, (ClassRef, FunctionRef)) or is_model_object(value)
