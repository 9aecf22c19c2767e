"""The framework handlers, one per framework, behind one interface (`base.Framework`).

The interpreter is framework-neutral; everything it knows of Keras, PyTorch or Flax it
asks of the handlers through the functions here, which offer a library call to the
handler whose modules the name belongs to (or, for a name of no framework's modules,
to each in turn), and gather what the handlers declare (model base classes, weight
loading methods, star imports). Adding a framework is adding a module with one
`Framework` subclass, and its instance to `FRAMEWORKS` (docs/ARCHITECTURE.md,
"Framework handlers").
"""

from __future__ import annotations

import libcst as cst

from exnet.extract import vocabulary as vocab
from exnet.extract.frameworks.base import Framework, Host
from exnet.extract.frameworks.flax import FLAX
from exnet.extract.frameworks.keras import KERAS
from exnet.extract.frameworks.pytorch import PYTORCH
from exnet.extract.names import ImportMap, fold
from exnet.extract.program import Frame
from exnet.extract.values import Value

FRAMEWORKS: tuple[Framework, ...] = (KERAS, PYTORCH, FLAX)
_BY_NAME = {framework.name: framework for framework in FRAMEWORKS}

#: Calls that make a model of their own (`Sequential(...)`, the functional `Model(...)`).
MODEL_CONSTRUCTORS = frozenset(c for framework in FRAMEWORKS
                               for c in framework.model_constructors)
#: Methods that load trained weights into a model: the model is rebuilt for inference.
WEIGHT_LOADERS = frozenset(m for framework in FRAMEWORKS for m in framework.weight_loaders)


def get(name: str | None) -> Framework | None:
    """The handler of the framework called `name` in records."""
    return _BY_NAME.get(name) if name else None


def model_bases() -> dict[str, tuple[str, str]]:
    """Qualified base class -> (framework, "model" | "layer"), for every framework."""
    return {base: (framework.name, kind) for framework in FRAMEWORKS
            for base, kind in framework.model_bases.items()}


def owner(name: str) -> Framework | None:
    """The framework whose modules the qualified name belongs to, if any."""
    for framework in FRAMEWORKS:
        if name.startswith(framework.modules):
            return framework
    return None


def mentioned(imports: ImportMap) -> set[str]:
    """The frameworks a file's imports name."""
    targets = [fold(t) for t in list(imports.aliases.values()) + imports.star_modules]
    return {framework.name for framework in FRAMEWORKS
            if any(t.startswith(framework.modules) for t in targets)}


def library_call(host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                 node: cst.Call, frame: Frame) -> Value | None:
    """The value a framework handler gives a call to the library name `name`."""
    home = owner(name)
    for framework in (home,) if home is not None else FRAMEWORKS:
        made = framework.library_call(host, name, pos, kw, node, frame)
        if made is not None:
            return made
    return None


def training_method(host: Host, receiver: Value, method: str, pos: list[Value],
                    kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
    """A method call that configures or runs training, for the first handler that
    models it."""
    for framework in FRAMEWORKS:
        made = framework.training_method(host, receiver, method, pos, kw, node, frame)
        if made is not None:
            return made
    return None


def object_method(host: Host, receiver: Value, method: str, pos: list[Value],
                  kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
    """A method of a framework's own objects, for the first handler that models it."""
    for framework in FRAMEWORKS:
        made = framework.object_method(host, receiver, method, pos, kw, node, frame)
        if made is not None:
            return made
    return None


def star_import(name: str, star_modules: list[str], used: set[str]) -> str | None:
    """The qualified name a bare name has through `from keras.layers import *` and the
    like; also the fallback for a file that uses one framework and whose import of the
    name could not be read (a notebook's import cell that does not parse)."""
    if not name[:1].isupper() and name not in vocab.KERAS_MERGE_FUNCTIONS:
        return None
    for module in star_modules:
        folded = fold(module)
        for framework in FRAMEWORKS:
            found = framework.star_import(name, folded)
            if found is not None:
                return found
    for framework in FRAMEWORKS:
        if used == {framework.name}:
            return framework.bare_name(name)
    return None


__all__ = ["FRAMEWORKS", "MODEL_CONSTRUCTORS", "Framework", "Host", "get", "library_call",
           "mentioned", "model_bases", "object_method", "owner", "star_import",
           "training_method"]
