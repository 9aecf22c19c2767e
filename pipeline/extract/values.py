"""The values the extractor's abstract interpreter tracks, and literal resolution.

Mined code is never evaluated. Instead each expression is mapped to one of a few
abstract values: a resolved constant (`Const`, with where and how it was found), a layer
object, a container of layers, a tensor flowing through a model graph, a model, an
instance of a project class, or `Unknown` (keeping the source text, for hyperparameters
whose value cannot be resolved). Arithmetic on constants is done here on plain numbers
with bounds, so hostile code cannot make the extractor compute huge values.
"""

from __future__ import annotations

import ast
import functools
import itertools
import math
import posixpath
from dataclasses import dataclass, field
from typing import Any, Sequence, TypeVar

import libcst as cst

MAX_TEXT = 200          # source text kept for unresolved values
MAX_SEQUENCE = 64       # longest list/range the interpreter expands
_ids = itertools.count()


class Value:
    """Base of all abstract values."""


@dataclass(eq=False)
class Const(Value):
    """A resolved Python literal (number, string, bool, None, or tuple/list of those)."""

    value: Any
    line: int
    how: str = "literal"          # see exnet.records.HOW_VALUES
    file: str | None = None       # set when the value was found in another file


class Unknown(Value):
    """An expression the interpreter cannot resolve; `text` is its source.

    Made from a node, the text is produced only when something reads it: most unknown
    values are never recorded, and writing their code out was a fifth of extraction."""

    __slots__ = ("_text", "_node")

    def __init__(self, text: str | cst.CSTNode = "") -> None:
        if isinstance(text, str):
            self._text: str | None = text
            self._node: cst.CSTNode | None = None
        else:
            self._text, self._node = None, text

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = source_text(self._node) if self._node is not None else ""
            self._node = None
        return self._text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"


class Unbound(Unknown):
    """A value computed from a parameter nobody passed an argument for (a function or
    method run on its own): unknown, and taken as the data a model computes on where a
    tensor is required (the input of a functional op such as `F.relu(v)`, a tensor
    method such as `v.view(b, -1)`), so how it is used decides it, never its name."""


@dataclass(eq=False)
class Globals(Value):
    """`globals()` of a module: `globals()[name]` is what that name means there
    (`globals()[model_type](...)`, a registry of the module's classes by name)."""

    module: Any                               # exnet.extract.program.ModuleInfo


@dataclass(frozen=True)
class EnumMember:
    """`ModelType.CNN` of `class ModelType(Enum)`: the value of a Const, equal only to
    itself (`kind == ModelType.CNN`), whose `.value` is what the class writes."""

    owner: str
    name: str
    value: Any


class Lambda(Unknown):
    """`lambda x: x.view(-1, 400)`: unknown as a value (its code is its text), but a call
    of it runs its body in the frame it was written in (`self.flatten(x)` in forward)."""

    __slots__ = ("node", "frame")

    def __init__(self, node: cst.Lambda, frame: Any) -> None:
        super().__init__(node)
        self.node, self.frame = node, frame   # frame: an exnet.extract.program.Frame


class Partial(Unknown):
    """`functools.partial(nn.max_pool, window_shape=(2, 2))`: unknown as a value, but a
    call of it calls the function with the arguments given first, then the call's own."""

    __slots__ = ("func", "pos", "kw")

    def __init__(self, node: cst.CSTNode, func: Value, pos: list[Value],
                 kw: dict[str, Value]) -> None:
        super().__init__(node)
        self.func, self.pos, self.kw = func, pos, kw


@dataclass(eq=False)
class Tensor(Value):
    """Data flowing through a model: `deps` are the graph nodes it comes from directly
    (empty for model inputs)."""

    deps: tuple[int, ...] = ()


@dataclass(eq=False)
class LayerObj(Value):
    """A constructed layer, not yet called. `spec` is (type, api, line, args)."""

    framework: str
    type: str
    api: str
    line: int
    args: dict[str, Any] = field(default_factory=dict)
    site: tuple[str, int, int] = ("", 0, 0)      # (file, line, column) of construction
    uid: int = field(default_factory=lambda: next(_ids))
    trainable_attr: bool | None = None          # `base.trainable = False`
    heads: list[tuple[str, Value]] = field(default_factory=list)   # model.fc = nn.Linear
    output_node: int | None = None               # cached node for `base.output`


@dataclass(eq=False)
class SequentialObj(Value):
    """Keras Sequential or torch nn.Sequential: layers applied in list order."""

    framework: str
    items: list[Value]
    line: int
    api: str
    site: tuple[str, int, int] = ("", 0, 0)
    uid: int = field(default_factory=lambda: next(_ids))
    last_line: int = 0


@dataclass(eq=False)
class ListVal(Value):
    """A Python list/tuple (or nn.ModuleList) of values."""

    items: list[Value]
    line: int = 0


@dataclass(eq=False)
class DictVal(Value):
    """A dict (or nn.ModuleDict / config dict) with string keys, or integer keys
    (`{18: models.resnet18, 50: models.resnet50}`, a registry by depth)."""

    items: dict[Any, Value]
    line: int = 0


@dataclass(eq=False)
class IniConfig(DictVal):
    """A `configparser` object: its sections by name, filled by its `read()`
    (settings_files.ini_method)."""


@dataclass(eq=False)
class FunctionalModel(Value):
    """A Keras `Model(inputs, outputs)`: the model is the ancestry of `outputs`."""

    outputs: tuple[int, ...]
    line: int
    api: str
    site: tuple[str, int, int] = ("", 0, 0)
    uid: int = field(default_factory=lambda: next(_ids))
    name: str | None = None


@dataclass(eq=False)
class Instance(Value):
    """An instance of a class defined in the project (an nn.Module, a keras Model/Layer,
    or a plain class); `attrs` holds what its methods assigned to `self`."""

    cls: Any                                  # exnet.extract.interpreter.ClassInfo
    attrs: dict[str, Value] = field(default_factory=dict)
    line: int = 0
    site: tuple[str, int, int] = ("", 0, 0)
    uid: int = field(default_factory=lambda: next(_ids))
    # 1, 2, ... for the wrappers of each option of a model picked at run time
    # (`Classifier(model)` after `if args.model == ...`), each a model of its own; else 0
    variant: int = 0


@dataclass(eq=False)
class Super(Value):
    """`super()` in a method of `cls`: methods are looked up from its bases on, bound to
    `instance` (so `super().__init__()` runs the base's __init__, not the class's own)."""

    instance: Value
    cls: Any                                  # exnet.extract.interpreter.ClassInfo


@dataclass(eq=False)
class FileHandle(Value):
    """`open("config.yaml")`: a project file that settings loaders may read."""

    path: str


@dataclass(eq=False)
class Choice(Value):
    """One of several models (or model classes) picked at run time: the branches of
    `if args.model == "lstm": ... elif ...`, or `MODELS[args.name]`. Training code that
    uses a Choice trains every option; `line` is where the choice is made."""

    options: list[Value]
    line: int = 0
    file: str = ""


@dataclass(eq=False)
class ClassRef(Value):
    cls: Any


@dataclass(eq=False)
class FunctionRef(Value):
    func: Any                                 # exnet.extract.interpreter.FunctionInfo
    bound_self: Value | None = None


@dataclass(eq=False)
class Qualified(Value):
    """A name imported from a library (torch.nn.Linear, keras.layers.Dense, ...)."""

    name: str


@dataclass(eq=False)
class Parameters(Value):
    """`model.parameters()`: ties an optimizer to a model; `named` for
    `named_parameters()`, whose items are (name, parameter) pairs."""

    owner: Value
    named: bool = False


@dataclass(eq=False)
class Parameter(Value):
    """One parameter of `owner`, met in a loop over its parameters: setting its
    `requires_grad` to False freezes the owner (`for p in backbone.parameters():`)."""

    owner: Value


@dataclass(eq=False)
class ArgParser(Value):
    """An argparse parser: option dest -> its default as Const(how="argparse")."""

    options: dict[str, Value] = field(default_factory=dict)


@dataclass(eq=False)
class Namespace(Value):
    """An object whose attributes resolve from a table (argparse results, configs)."""

    attrs: dict[str, Value]


@dataclass(eq=False)
class Tagged(Value):
    """A library object exnet recognised (an optimizer, a loss, a callback ...)."""

    kind: str
    name: str
    line: int
    file: str = ""
    extra: dict[str, Value] = field(default_factory=dict)
    api: str = ""                     # as written: "nn.BCEWithLogitsLoss", "optim.Adam"


UNKNOWN = Unknown()


def next_uid() -> int:
    """A fresh identity, above every one given so far (values made later have higher
    ones, so a range of them says what was made in between)."""
    return next(_ids)


def is_model_object(value: Value) -> bool:
    """A model, or a model picked at run time: a container, a functional model, an
    instance of a project class, or a pretrained backbone."""
    if isinstance(value, Choice):
        return any(is_model_object(option) for option in value.options)
    return isinstance(value, (SequentialObj, FunctionalModel, Instance)) or \
        isinstance(value, LayerObj) and value.type == "Pretrained"


#: The parsed texts whose nodes `source_text` can slice, newest last (`remember_text`).
_TEXTS: list[tuple[Any, str]] = []
_KEEP_TEXTS = 64


def remember_text(spans: Any, text: str) -> None:
    """Let `source_text` cut the nodes of one parsed text out of `text` by their spans
    instead of generating their code again. Only the newest few texts are kept."""
    _TEXTS.append((spans, text))
    del _TEXTS[:-_KEEP_TEXTS]


def source_text(node: cst.CSTNode) -> str:
    """The code of `node` on one line, cut at MAX_TEXT characters."""
    text = None
    # Spans leave out an expression's own parentheses and an argument's comma: those few
    # nodes are written out.
    sliceable = isinstance(node, cst.BaseExpression) and not node.lpar \
        and not isinstance(node, cst.StarredElement)
    for spans, whole in reversed(_TEXTS) if sliceable else ():
        span = spans.peek(node)   # `get` could generate another text's spans in vain
        if span is not None:
            # A slice wide enough for MAX_TEXT words: spans are exact, but long values
            # are cut anyway, and whitespace runs are folded below.
            end = span.start + min(span.length, MAX_TEXT * 8)
            text = whole[span.start:end]
            if end < span.start + span.length and len(" ".join(text.split())) <= MAX_TEXT:
                text = whole[span.start:span.start + span.length]
            break
    if text is None:   # a node the interpreter made, not one of a parsed text
        try:
            text = cst.Module(body=[]).code_for_node(node)
        except Exception:   # code generation of a malformed synthetic node
            return ""
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


@functools.lru_cache(maxsize=4096)
def _string(written: str) -> str | bytes | None:
    """A string literal's value, as libcst's `SimpleString.evaluated_value` gives it
    (`ast.literal_eval`, which compiles: the same few literals recur thousands of times),
    or None for one that does not evaluate (odd escapes in hostile input)."""
    try:
        return ast.literal_eval(written)   # a literal only: nothing runs
    except Exception:
        return None


def literal(node: cst.BaseExpression) -> tuple[bool, Any]:
    """(True, value) when `node` is a plain literal, else (False, None)."""
    if isinstance(node, cst.Integer):
        try:
            return True, int(node.value.replace("_", ""), 0)
        except ValueError:
            return True, int(node.value.replace("_", "").lstrip("0") or "0")
    if isinstance(node, cst.Float):
        try:
            return True, float(node.value.replace("_", ""))
        except ValueError:
            return False, None
    if isinstance(node, cst.SimpleString):
        value = _string(node.value)
        return (True, value) if isinstance(value, str) else (False, None)
    if isinstance(node, cst.ConcatenatedString):
        try:
            joined = node.evaluated_value   # None when str and bytes parts are mixed
        except Exception:
            return False, None
        return (True, joined) if isinstance(joined, str) else (False, None)
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return True, {"True": True, "False": False, "None": None}[node.value]
    if (isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
            and isinstance(node.expression, (cst.Integer, cst.Float))):
        ok, number = literal(node.expression)
        return (True, -number) if ok else (False, None)
    return False, None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def arithmetic(op: cst.BaseBinaryOp, a: Any, b: Any) -> tuple[bool, Any]:
    """Bounded arithmetic on two resolved numbers (or str/tuple concatenation)."""
    try:
        if isinstance(op, cst.Add):
            if (_is_number(a) and _is_number(b)) or (type(a) is type(b) and
                                                    isinstance(a, (str, tuple))):
                result = a + b
                return (len(result) < 10_000 if isinstance(result, (str, tuple)) else True,
                        result)
            return False, None
        if isinstance(op, cst.Divide) and isinstance(a, str) and isinstance(b, str) and \
                len(a) + len(b) < 10_000:
            # no str divides another: `Path("config") / "train.yaml"` joins paths
            return True, posixpath.join(a, b)
        if not (_is_number(a) and _is_number(b)):
            return False, None
        if isinstance(op, cst.Subtract):
            return True, a - b
        if isinstance(op, cst.Multiply):
            return True, a * b
        if isinstance(op, cst.Divide):
            return (True, a / b) if b else (False, None)
        if isinstance(op, cst.FloorDivide):
            return (True, a // b) if b else (False, None)
        if isinstance(op, cst.Modulo):
            return (True, a % b) if b else (False, None)
        if isinstance(op, cst.Power):
            if abs(b) > 64 or abs(a) > 1e6:
                return False, None
            return True, a ** b
    except (OverflowError, ValueError, ZeroDivisionError, TypeError):
        return False, None
    return False, None


def plain(value: Value | None) -> Any:
    """The Python value of a Const (recursively for lists of consts), else None (also
    for no value at all: `plain(kw.get("units"))`)."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, ListVal):
        consts = all_of(Const, value.items)
        if consts is not None:
            return [v.value for v in consts]
    return None


V = TypeVar("V", bound=Value)


def all_of(kind: type[V], values: Sequence[Value | None]) -> list[V] | None:
    """`values` when every one is a `kind` (`all(isinstance(v, kind) ...)`, typed as
    such), else None."""
    same = [v for v in values if isinstance(v, kind)]
    return same if len(same) == len(values) else None


def argument(pos: list[Value], kw: dict[str, Value], index: int,
             *names: str) -> Value | None:
    """A call's argument: the positional one at `index`, else the first of `names`
    passed by keyword (`kw.get(names[0], kw.get(names[1]))`), else None."""
    if len(pos) > index:
        return pos[index]
    for name in names:
        if name in kw:
            return kw[name]
    return None


def json_safe(value: Any) -> Any:
    """A value as it may appear in a record: JSON types only, finite numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return None
