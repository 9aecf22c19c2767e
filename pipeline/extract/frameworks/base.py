"""The interface between the framework-neutral interpreter and one framework's handler.

A handler knows one framework's library and nothing else (docs/ARCHITECTURE.md,
"Framework handlers"):

- how a model is declared: the base classes of its model classes (`model_bases`), the
  calls that make a model of their own (`model_constructors`), which
  of their methods build the submodules besides `__init__` (`setup_methods`, Flax's
  `setup()`), whether the class fields are constructor arguments (Flax modules are
  dataclasses); the methods that run a model (`forward`, `call`, `__call__`) are the
  same for every framework and are not the handler's;
- how layers are made and called: `library_call` returns the abstract value of a call
  to one of its library's names (a `LayerObj`, a container, a functional model, a
  pretrained backbone, a tensor through a functional op) or None when the name is not
  one it models; `object_method` the value of a method its model objects have
  (`model.parameters()`, `model.to(device)`), `star_import` the qualified name of a
  bare name star-imported from its modules;
- how training is configured: optimizer, loss, schedule and callback objects made by
  `library_call` (as `Tagged` values, with their findings recorded), and the methods
  that configure or run training (`model.compile`, `model.fit`) in `training_method`.

Every handler sees the interpreter only as a `Host`: the project, the shared state, the
graph, and an evaluator for expressions and calls.
"""

from __future__ import annotations

from typing import Mapping, Protocol

import libcst as cst

from exnet.extract.graph import Graph
from exnet.extract.program import Frame, Program
from exnet.extract.state import State
from exnet.extract.values import Value


class Host(Protocol):
    """What a handler sees of the interpreter."""

    program: Program
    state: State
    graph: Graph

    def eval(self, node: cst.BaseExpression | None, frame: Frame) -> Value: ...
    def call_value(self, callee: Value, pos: list[Value], kw: dict[str, Value],
                   node: cst.Call, frame: Frame) -> Value: ...


class Framework:
    """One framework's handler; the defaults model nothing."""

    #: The framework's name in records (`Model.framework`).
    name = ""
    #: Prefixes of the qualified names that are this framework's: importing one says a
    #: file uses it, and a call to one is offered to this handler alone.
    modules: tuple[str, ...] = ()
    #: Qualified base class -> "model" | "layer": a project class deriving from one is a
    #: model class of this framework (a "layer" is a custom layer of a Keras model).
    model_bases: Mapping[str, str] = {}
    #: Qualified names of the calls that make a model of their own (`keras.Sequential`,
    #: the functional `keras.Model`, `torch.nn.Sequential`): code that calls one builds
    #: another architecture, not more layers of the one being built.
    model_constructors: frozenset[str] = frozenset()
    #: Methods run when a model class is instantiated, after `__init__` (Flax `setup`).
    setup_methods: tuple[str, ...] = ()
    #: Whether a model class's annotated fields are its constructor's arguments.
    fields_are_arguments = False
    #: Methods that load trained weights into a model (inference code).
    weight_loaders: tuple[str, ...] = ()

    def library_call(self, host: Host, name: str, pos: list[Value], kw: dict[str, Value],
                     node: cst.Call, frame: Frame) -> Value | None:
        """The value of a call to the library name `name`, if this handler models it."""
        return None

    def training_method(self, host: Host, receiver: Value, method: str, pos: list[Value],
                        kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
        """A method call that configures or runs training (`model.fit(...)`)."""
        return None

    def object_method(self, host: Host, receiver: Value, method: str, pos: list[Value],
                      kw: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
        """A method of the framework's own objects (`model.parameters()`)."""
        return None

    def star_import(self, name: str, module: str) -> str | None:
        """The qualified name `name` has through `from <module> import *`, if `module`
        is one of this framework's and defines it."""
        return None

    def bare_name(self, name: str) -> str | None:
        """The qualified name of a layer class used without any import, in a file that
        uses this framework alone (a notebook whose import cell could not be read)."""
        return None
