"""What one project's interpretation has found so far, and the work it may still do.

`State` is shared by the interpreter's collaborators (statements, expressions, calls,
the graph) and by the handlers: the candidate models, the findings (`Event`s), the
run-time choices, the project-class instances made, the clock that orders all of them,
what could not be decided, and the budgets of `Limits` with the bounds hit.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import libcst as cst

from exnet.extract.program import Candidate, Event, Frame, ModuleInfo, Node, Undecided
from exnet.extract.values import MAX_SEQUENCE, Choice, Instance, Tagged, Value, is_model_object

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


class State:
    """The findings and budgets of one project's interpretation."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.candidates: list[Candidate] = []
        self.events: list[Event] = []
        self.choices: list[Choice] = []                # run-time model selections
        self.instances: dict[int, Instance] = {}       # uid -> every project-class instance
        self.instantiated: set[int] = set()            # id() of class nodes instantiated
        self.executed: set[int] = set()                # id() of function nodes run
        self.undecided: list[Undecided] = []
        self.clock = 0
        self.unit = ""                                 # the file being interpreted
        self.built = 0          # layers constructed or added so far (for if/else branches)
        self.errors: list[tuple[str, int, str]] = []   # (file, line, reason) of skipped code
        self.bounds: list[tuple[str, int, str]] = []   # (file, line, reason) of bounds hit
        self.limits = limits or Limits.from_env()
        self.deadline = time.process_time() + self.limits.seconds
        self.steps = 0
        self.ticks = 0
        self.instance_count = 0
        self.current: cst.CSTNode | None = None        # the top-level step being walked
        self.loaders: list[Tagged] = []     # DataLoader tags the running loops iterate
        self.loader_ties: set[tuple[int, int]] = set()   # (loader, model) tied once
        # for loops running now, outside model code: True for a loop over data (not a
        # plain `range` count); and per training step seen, the place in that stack of
        # the innermost loop over data around it (-1: none)
        self.loops: list[bool] = []
        self.step_loops: list[int] = []
        self.epoch_loops = 0    # epoch loops found so far
        # classifier heads a later head replaced (`model.classifier = ...` twice), by id():
        # tried and discarded, neither part of the model nor a model of their own (held
        # here, so that no later object takes the id of one)
        self.replaced: dict[int, Value] = {}

    # ----------------------------------------------------------------- budgets
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

    def count_instance(self) -> None:
        self.instance_count += 1
        if self.instance_count > self.limits.instances:
            raise BudgetExceeded(f"over {self.limits.instances} class instantiations")

    def capped(self, items: list[Value], node: cst.CSTNode, frame: Frame) -> list[Value]:
        """`items` cut at MAX_SEQUENCE, noting the bound (`L = L + L` twenty times)."""
        if len(items) <= MAX_SEQUENCE:
            return items
        line = frame.module.line(node)
        if not any(rel == frame.module.rel and "sequence" in why for rel, _, why in self.bounds):
            self.bounds.append((frame.module.rel, line, f"line {line}: a list grows past "
                                f"{MAX_SEQUENCE} items (sequence length bound); cut there"))
        return items[:MAX_SEQUENCE]

    def note_bound(self, module: ModuleInfo, exc: BaseException) -> None:
        """Record where a bound stopped the walk of `module` (once per file)."""
        bound = exc.bound if isinstance(exc, BudgetExceeded) else "nesting too deep"
        node = self.current if self.current is not None else module.tree
        line = module.line(node) if node is not module.tree else 1
        if not any(rel == module.rel for rel, _, _ in self.bounds):
            self.bounds.append((module.rel, line, f"line {line}: stopped, {bound}; the "
                                                  f"models found before it are kept"))

    # ----------------------------------------------------------------- findings
    def add_candidate(self, obj: Value, module: ModuleInfo, line: int) -> None:
        self.clock += 1
        self.candidates.append(Candidate(obj, self.unit, self.clock, module, line))

    def name_candidate(self, value: Value, name: str) -> None:
        """The first name a candidate model is bound to (`model = Sequential()`)."""
        for cand in reversed(self.candidates[-50:]):
            if cand.obj is value:
                if cand.name is None:
                    cand.name = name
                return

    def make_choice(self, options: list[Value], line: int, file: str) -> Choice:
        """A run-time choice among `options` made at `file`:`line`, remembered so that
        settings made after it without naming a model (`criterion =
        nn.CrossEntropyLoss()`) reach every option."""
        choice = Choice(options, line, file)
        if any(is_model_object(o) for o in options):
            self.choices.append(choice)
        return choice

    def undecided_in(self, nodes: Sequence[Node], indexes: Iterable[int]) -> list[Undecided]:
        """What was not decided in building the layers at `indexes` of `nodes` (a model's
        graph nodes): the undecided code that made one of them, the layer it applies,
        or a container or module it is applied inside. Once per place and note."""
        found: dict[tuple[str, int, str], Undecided] = {}
        for i in indexes:
            node = nodes[i]
            for note in self.undecided:
                if i in note.nodes or node.layer.uid in note.uids or \
                        any(owner in note.uids for owner in node.owners):
                    found.setdefault((note.module.rel, note.line, note.what), note)
        return sorted(found.values(), key=lambda u: (u.module.rel, u.line, u.what))

    def emit(self, event: Event) -> None:
        if isinstance(event.target, Choice):
            # A setting for the model chosen at run time holds for each option.
            for option in event.target.options:
                if is_model_object(option):
                    self.events.append(replace(event, target=option, extra={
                        **event.extra, "selected_at": (event.target.file,
                                                       event.target.line)}))
            return
        self.events.append(event)
