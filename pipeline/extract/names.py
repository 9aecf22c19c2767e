"""Import aliases to qualified names, so `nn.Conv2d`, `torch.nn.Conv2d` and an aliased
import all resolve to the same thing.

libcst's QualifiedNameProvider does this per scope but knows nothing of star imports,
which learners use a lot (`from keras.layers import *`), and costs a full scope analysis
per file; a flat map of the file's imports is enough here because models are built from
module-level imports in practice.
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

from exnet.extract import vocabulary as vocab
from exnet.extract.sources import KERAS_FRAGMENT_PATTERN

# Python 3.15's `lazy import` binds names as `import` does (libcst 1.9 parses it).
_IMPORT: tuple[type, ...] = tuple(c for c in (cst.Import, getattr(cst, "LazyImport", None)) if c)
_IMPORT_FROM: tuple[type, ...] = tuple(
    c for c in (cst.ImportFrom, getattr(cst, "LazyImportFrom", None)) if c)

#: (name, module, word the file must contain) for `assume_conventional`.
_CONVENTIONAL = (("tf", "tensorflow", "tf."), ("keras", "keras", "keras"),
                 ("torch", "torch", "torch"), ("nn", "torch.nn", "torch"),
                 ("F", "torch.nn.functional", "torch"), ("np", "numpy", "np."))

_KERAS_FRAGMENT = re.compile(KERAS_FRAGMENT_PATTERN)
_FRAMEWORK_ROOTS = frozenset({"keras", "tensorflow", "torch", "flax", "jax", "tf_keras"})
#: Names a Keras cell uses that are not layers: where Keras keeps them.
_KERAS_NAMES = {
    **{n: f"keras.models.{n}" for n in ("Sequential", "Model")},
    **{n: f"keras.optimizers.{n}" for n in ("Adam", "RMSprop", "SGD", "Adagrad",
                                            "Adadelta", "Adamax", "Nadam")},
    **{n: f"keras.callbacks.{n}" for n in ("EarlyStopping", "ModelCheckpoint",
                                           "ReduceLROnPlateau")},
}

#: Builtins the interpreter models (`range`, `len`, `getattr`, ...): a bare name that is
#: none of the file's imports or definitions resolves to `builtins.<name>`.
BUILTINS = frozenset({
    "range", "len", "list", "tuple", "dict", "int", "float", "str", "bool", "enumerate",
    "zip", "print", "super", "min", "max", "abs", "round", "sum", "sorted", "reversed",
    "getattr", "setattr", "isinstance", "open", "map", "filter", "iter", "next", "type",
    "globals", "vars",
})

# Spellings of the same module, folded so that one table of names serves all of them.
_PREFIX_FOLDS = (
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.compat.v1.keras.", "keras."),
    ("tensorflow.compat.v2.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
)


def fold(qualified: str) -> str:
    """Canonical spelling of a qualified name (tensorflow.keras.X -> keras.X)."""
    for prefix, repl in _PREFIX_FOLDS:
        if qualified.startswith(prefix):
            return repl + qualified[len(prefix):]
        if qualified == prefix[:-1]:
            return repl[:-1]
    return qualified


def dotted(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _module_name(node: cst.BaseExpression | None) -> str:
    return dotted(node) or "" if node is not None else ""


class ImportMap:
    """The names a file's import statements bind, mapped to qualified names."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.star_modules: list[str] = []

    @classmethod
    def of(cls, module: cst.Module) -> "ImportMap":
        """The imports of a module, found by walking statements only (imports are
        statements; visiting every expression node would cost as much as the parse)."""
        imports = cls()
        stack: list[cst.CSTNode] = list(reversed(module.body))
        while stack:
            stmt = stack.pop()
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, _IMPORT):
                        imports.add_import(small)
                    elif isinstance(small, _IMPORT_FROM):
                        imports.add_import_from(small)
            elif isinstance(stmt, cst.BaseCompoundStatement):
                children = list(_bodies(stmt))
                stack.extend(reversed(children))
        return imports

    def assume_conventional(self, text: str) -> None:
        """Names a notebook exported in pieces uses without importing them (a cell file
        `CNN_model.py` that starts with `model = tf.keras.Sequential([...])`): the
        conventional aliases, when the file mentions their framework and neither imports
        nor assigns the name. Only names that nothing else defines are read this way."""
        for name, target, framework in _CONVENTIONAL:
            if name in self.aliases or framework not in text:
                continue
            if re.search(rf"(?<![\w.]){name}\.", text) and \
                    not re.search(rf"^\s*{name}\s*=|\bdef {name}\b|\bclass {name}\b", text,
                                  re.M):
                self.aliases[name] = target

    def assume_keras_fragment(self, text: str) -> None:
        """A Keras cell saved as a file of its own, with no import at all (`model =
        Sequential()`, `model.add(Dense(...))`): the names it calls without defining mean
        Keras's layers, models, optimizers and callbacks, as the notebook's first cell
        imported them."""
        imported = [*self.aliases.values(), *self.star_modules]
        if any(q.split(".")[0] in _FRAMEWORK_ROOTS for q in imported) or \
                not _KERAS_FRAGMENT.search(text):
            return
        for name in set(re.findall(r"(?<![\w.])([A-Z]\w*)\s*\(", text)):
            if name in self.aliases or re.search(
                    rf"^\s*{name}\s*=|\bdef {name}\b|\bclass {name}\b", text, re.M):
                continue
            target = _KERAS_NAMES.get(name)
            if target is None and (name in vocab.KERAS or name in vocab.KERAS_WRAPPERS
                                   or name in vocab.KERAS_INPUTS):
                target = f"keras.layers.{name}"
            if target is not None:
                self.aliases[name] = target

    def add_import(self, node: Any) -> None:
        for alias in node.names:
            name = _module_name(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.aliases[alias.asname.name.value] = name
            else:
                top = name.split(".")[0]
                self.aliases.setdefault(top, top)

    def add_import_from(self, node: Any) -> None:
        if node.relative:   # `from .model import Net`: a project module
            base = "." * len(node.relative) + _module_name(node.module)
        else:
            base = _module_name(node.module)
        if isinstance(node.names, cst.ImportStar):
            self.star_modules.append(base)
            return
        for alias in node.names:
            name = _module_name(alias.name)
            bound = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            self.aliases[bound] = f"{base}.{name}" if base else name

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The folded qualified name an expression refers to, or None if not an import."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        target = self.aliases.get(head)
        if target is None:
            return None
        return fold(f"{target}.{rest}" if rest else target)


def _bodies(stmt: cst.BaseCompoundStatement) -> list[cst.CSTNode]:
    """The statements directly inside a compound statement, in order."""
    out: list[cst.CSTNode] = []
    blocks: list[cst.CSTNode | None] = [getattr(stmt, "body", None)]
    for attr in ("orelse", "finalbody"):
        blocks.append(getattr(stmt, attr, None))
    blocks.extend(getattr(stmt, "handlers", ()))
    blocks.extend(getattr(stmt, "cases", ()))     # match
    for block in blocks:
        while block is not None and not isinstance(block, (cst.IndentedBlock,
                                                           cst.SimpleStatementSuite)):
            if isinstance(block, cst.If):   # elif chains
                out.extend(_bodies(block))
                block = None
                break
            block = getattr(block, "body", None)
        if isinstance(block, cst.IndentedBlock):
            out.extend(block.body)
        elif isinstance(block, cst.SimpleStatementSuite):
            out.append(cst.SimpleStatementLine(body=block.body))
    return out
