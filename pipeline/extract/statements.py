"""Statements: assignments, if/elif chains, `match`, loops, `with`, `try`, returns, walked
as Python would run them but over abstract values.

`Statements` holds the project (`Program`), the shared `State`, the `Graph` (to see
what a branch built) and the `Expressions` it evaluates with. How branches and loops
are decided is in docs/ARCHITECTURE.md ("Extraction conventions"); run-time model
selection is `select_model`.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, NamedTuple, Sequence

import libcst as cst

from exnet.extract import hyperparameters
from exnet.extract.expressions import Expressions
from exnet.extract.frameworks import MODEL_CONSTRUCTORS
from exnet.extract.graph import Graph
from exnet.extract.program import ClassInfo, Frame, FunctionInfo, Program, Undecided
from exnet.extract.state import State
from exnet.extract.values import (
    MAX_SEQUENCE,
    UNKNOWN,
    Choice,
    ClassRef,
    Const,
    DictVal,
    FunctionRef,
    Instance,
    LayerObj,
    ListVal,
    Namespace,
    Parameter,
    Parameters,
    SequentialObj,
    Tagged,
    Tensor,
    Unbound,
    Value,
    is_model_object,
    next_uid,
    plain,
    source_text,
)


class Statements:
    """Statement execution."""

    def __init__(self, program: Program, state: State, graph: Graph,
                 expressions: Expressions) -> None:
        self.program = program
        self.state = state
        self.graph = graph
        self.expressions = expressions

    def exec_block(self, stmts: Iterable[cst.CSTNode], frame: Frame) -> None:
        for stmt in stmts:
            if frame.returned is not None:
                return
            self.exec_stmt(stmt, frame)

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        self.state.tick()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, frame)
                if frame.returned is not None:
                    return
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, frame)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, frame)
        elif isinstance(stmt, cst.While):
            self.exec_block(stmt.body.body, frame)
        elif isinstance(stmt, cst.Match):
            self.exec_match(stmt, frame)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self.exec_block(stmt.body.body, frame)
            if stmt.orelse is not None:
                self.exec_block(stmt.orelse.body.body, frame)
            if stmt.finalbody is not None:
                self.exec_block(stmt.finalbody.body.body, frame)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = self.expressions.eval(item.item, frame)
                if item.asname is not None:
                    self.assign(item.asname.name, value, frame)
            self.exec_block(stmt.body.body, frame)
        elif isinstance(stmt, cst.FunctionDef):
            if not frame.is_module:
                frame.env[stmt.name.value] = FunctionRef(
                    FunctionInfo(stmt.name.value, stmt, frame.module))
            else:
                self.bind_redefinition(stmt, frame)
        elif isinstance(stmt, cst.ClassDef):
            info = self.program.class_nodes.get(id(stmt))
            if not frame.is_module and info is not None and info.nested:
                info.closure = frame.env    # its methods read the function's names
                frame.env[stmt.name.value] = ClassRef(info)   # a class of this function
            else:
                self.bind_redefinition(stmt, frame)   # otherwise registered up front
        elif isinstance(stmt, (cst.IndentedBlock,)):
            self.exec_block(stmt.body, frame)
        elif isinstance(stmt, cst.BaseSmallStatement):   # the body of `if x: y = 1`
            self.exec_small(stmt, frame)

    def exec_if(self, stmt: cst.If, frame: Frame) -> None:
        if not frame.in_model and self.select_model(stmt, frame):
            return
        self.exec_chain(stmt, frame)

    def select_model(self, stmt: cst.If, frame: Frame) -> bool:
        """Run-time model selection: an if/elif chain on an option (`args.model`, with or
        without a default) or on an unknown value whose branches build different models.

        Each branch runs on its own copy of the names; a name (or a return value) that
        two or more branches bind to models becomes a `Choice` of them, so the training
        code after the chain trains every option. Other names take the branch the
        defaults choose. Branches that build no model leave nothing behind, findings
        included: `if args.optim == "sgd":` must not set the optimizer twice.
        False, having run nothing, when every test is a plain constant."""
        branches: list[tuple[Value | None, Sequence[cst.CSTNode]]] = []
        branch: cst.If | cst.Else | None = stmt
        while branch is not None:
            if isinstance(branch, cst.Else):
                branches.append((None, branch.body.body))
                break
            branches.append((self.expressions.eval(branch.test, frame), branch.body.body))
            branch = branch.orelse
        tests = [t for t, _ in branches if t is not None]
        if all(isinstance(t, Const) and t.how != "argparse" for t in tests):
            return False   # decided by the code as written (a literal at the call site)
        default = next((i for i, (t, _) in enumerate(branches)
                        if t is None or not isinstance(t, Const) or t.value), -1)
        snapshot = dict(frame.env)
        outcomes = self._run_apart([body for _, body in branches], default, frame)
        self._bind_choices(outcomes, default, snapshot, frame.module.line(stmt), frame)
        return True

    def _run_apart(self, bodies: list[Sequence[cst.CSTNode]], default: int,
                   frame: Frame) -> list[Outcome]:
        """Each branch run on its own copy of the names: (names it changed, value it
        returned). A branch other than the default's that builds no model leaves
        nothing behind, findings included."""
        snapshot = dict(frame.env)
        outcomes: list[Outcome] = []
        for i, body in enumerate(bodies):
            mark, made = len(self.state.events), len(self.state.candidates)
            shared = _shared_sequences(snapshot)
            self.exec_block(body, frame)
            changed = {k: v for k, v in frame.env.items() if snapshot.get(k) is not v}
            returned, frame.returned = frame.returned, None
            # (a branch that calls `train()`, which builds and trains a model of its own,
            # binds nothing here but builds all the same)
            builds = any(is_model_object(v) for v in changed.values()) or \
                returned is not None and (is_model_object(returned) or isinstance(
                    returned, ListVal) and any(is_model_object(v) for v in returned.items)) \
                or len(self.state.candidates) > made
            if i != default:
                # An alternative branch must not grow a model made before the chain
                # (`model = Sequential()` then `if arch == "vgg": model.add(...)`).
                for obj, items in shared:
                    obj.items[:] = items
            if not builds and i != default:
                del self.state.events[mark:]
                changed, returned = {}, None
            outcomes.append((changed, returned))
            frame.env.clear()
            frame.env.update(snapshot)
        return outcomes

    def _bind_choices(self, outcomes: list[Outcome], default: int,
                      snapshot: dict[str, Value], line: int, frame: Frame) -> None:
        """After the branches: names bind what the defaults chose, or a `Choice` of the
        models two or more branches bind them to; the return value likewise."""
        chosen: Outcome = outcomes[default] if default >= 0 else ({}, None)
        frame.env.update(chosen[0])
        for name in {k for changed, _ in outcomes for k in changed}:
            # What the defaults bind first, then what the other branches would bind.
            values = [chosen[0].get(name, snapshot.get(name))] + \
                [changed[name] for changed, _ in outcomes if name in changed]
            options = _models_among(values)
            if len(options) >= 2:
                frame.env[name] = self.state.make_choice(options, line, frame.module.rel)
            elif options and not is_model_object(values[0] or UNKNOWN):
                frame.env[name] = options[0]   # the only model the code can reach here
        returns = _models_among([chosen[1]] + [r for _, r in outcomes])
        tuples = _tuple_choice(chosen[1], [r for _, r in outcomes], self.state, line,
                               frame.module.rel)
        if tuples is not None:
            frame.returned = tuples
        elif len(returns) >= 2:
            frame.returned = self.state.make_choice(returns, line, frame.module.rel)
        elif chosen[1] is not None:
            frame.returned = chosen[1]
        elif returns:
            frame.returned = returns[0]

    def exec_chain(self, stmt: cst.If, frame: Frame) -> None:
        """An if/elif/else chain. A condition on known constants (`if v == 'M':` over a
        VGG config list, `if args.model == 'lstm':` with its default) picks its branch.
        A condition that cannot be decided follows the first branch, and a later one
        only when nothing was built before it in the chain, or when it builds a model of
        its own (it calls `Sequential(...)`, `Model(...)`), so that two architectures
        never merge into one; when that built layers, the chain is recorded as
        undecided (docs/ARCHITECTURE.md, "Undecided code")."""
        mark = self._mark()
        branch: cst.If | cst.Else | None = stmt
        undecided: list[str] = []
        followed: list[str] = []
        while branch is not None and frame.returned is None:
            label = "else" if isinstance(branch, cst.Else) else \
                "if" if branch is stmt else "elif"
            if isinstance(branch, cst.Else):
                if self._follow(not undecided, mark, branch.body, frame):
                    followed.append(label)
                    self.exec_block(branch.body.body, frame)
                break
            test = self.expressions.eval(branch.test, frame)
            if isinstance(test, Const) and not isinstance(test.value, (list, tuple)):
                if test.value:
                    followed.append(label)
                    self.exec_block(branch.body.body, frame)
                    break
                branch = branch.orelse
                continue
            if self._follow(not undecided, mark, branch.body, frame):
                followed.append(label)
                self.exec_block(branch.body.body, frame)
            undecided.append(source_text(branch.test))
            branch = branch.orelse
        if undecided:
            self._undecided(stmt, frame, mark, f"condition `{_short(undecided[0])}` not "
                                               f"decided; followed {', '.join(followed)}")

    def _follow(self, first: bool, mark: Mark, body: cst.CSTNode, frame: Frame) -> bool:
        """Whether an undecided branch is followed (see `exec_chain`)."""
        return first or not self._built_since(mark) or self.builds_model(body, frame)

    def builds_model(self, code: cst.CSTNode, frame: Frame) -> bool:
        """Whether code calls a framework's model constructor: each call's callee is
        resolved by name (`tf.keras.Sequential`, an alias, a star import), nothing run."""
        stack: list[cst.CSTNode] = [code]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Call) and \
                    self.expressions.library_name(node.func, frame) in MODEL_CONSTRUCTORS:
                return True
            stack.extend(node.children)
        return False

    def _mark(self) -> Mark:
        """Where the work stands: graph nodes, candidates, layers built, values made."""
        return Mark(len(self.graph.nodes), len(self.state.candidates), self.state.built,
                    next_uid())

    def _built_since(self, mark: Mark) -> bool:
        return (len(self.graph.nodes), len(self.state.candidates), self.state.built) != \
            (mark.nodes, mark.candidates, mark.built)

    def _undecided(self, stmt: cst.CSTNode, frame: Frame, mark: Mark, what: str) -> None:
        """Record code whose outcome was not decided, when it built layers: the values
        and graph nodes made since `mark` are what it decided."""
        if self._built_since(mark):
            self.state.undecided.append(Undecided(
                frame.module, frame.module.line(stmt), what, range(mark.uid, next_uid()),
                range(mark.nodes, len(self.graph.nodes))))

    def bind_redefinition(self, stmt: cst.ClassDef | cst.FunctionDef, frame: Frame) -> None:
        """A class or function a module defines twice (a notebook cell that redefines
        `Net`): from here on the name means this definition, as in Python, so the
        training that follows uses the definition in force."""
        name = stmt.name.value
        table: dict[str, list[ClassInfo]] | dict[str, list[FunctionInfo]] = \
            self.program.classes if isinstance(stmt, cst.ClassDef) else self.program.functions
        infos = [i for i in table.get(name, []) if i.module is frame.module]
        if len(infos) < 2:
            return
        for info in infos:
            if info.node is stmt:
                frame.env[name] = ClassRef(info) if isinstance(stmt, cst.ClassDef) \
                    else FunctionRef(info)

    def exec_match(self, stmt: cst.Match, frame: Frame) -> None:
        """`match` chooses layers the way an if/elif chain does: on a known subject (a
        constant, an argparse default, a config attribute) the first case whose pattern
        and guard hold; otherwise the first case, and a later one only when nothing was
        built before it or when it builds a model of its own (recorded as undecided
        when that built layers)."""
        subject = self.expressions.eval(stmt.subject, frame)
        mark = self._mark()
        followed: list[str] = []
        undecided = False
        for number, case in enumerate(stmt.cases, 1):
            if frame.returned is not None:
                break
            decided = self.match_pattern(case.pattern, subject, frame)
            if decided is not False and case.guard is not None:
                guard = self.expressions.eval(case.guard, frame)
                if isinstance(guard, Const) and not isinstance(guard.value, (list, tuple)):
                    decided = decided and bool(guard.value)
                else:
                    decided = None
            if decided is False:
                continue
            if decided is True:
                followed.append(f"case {number}")
                self.exec_block(case.body.body, frame)
                break
            if self._follow(not undecided, mark, case.body, frame):
                followed.append(f"case {number}")
                self.exec_block(case.body.body, frame)
            undecided = True
        if undecided:
            self._undecided(stmt, frame, mark, f"match on `{_short(source_text(stmt.subject))}`"
                                               f" not decided; followed {', '.join(followed)}")

    def match_pattern(self, pattern: cst.MatchPattern, subject: Value,
                      frame: Frame) -> bool | None:
        """Whether `pattern` matches `subject`: True, False, or None when it cannot be
        decided statically. Capture names are bound as Python binds them."""
        if isinstance(pattern, cst.MatchAs):
            inner = True if pattern.pattern is None else \
                self.match_pattern(pattern.pattern, subject, frame)
            if pattern.name is not None and inner is not False:
                self.assign(pattern.name, subject, frame)
            return inner
        if isinstance(pattern, (cst.MatchValue, cst.MatchSingleton)):
            if not isinstance(subject, Const):
                return None
            value = self.expressions.eval(pattern.value, frame)
            if not isinstance(value, Const):
                return None
            return bool(subject.value == value.value)
        if isinstance(pattern, cst.MatchOr):
            results = [self.match_pattern(p.pattern, subject, frame) for p in pattern.patterns]
            return True if True in results else None if None in results else False
        for node in _capture_names(pattern):   # class, mapping and sequence patterns
            self.assign(node, UNKNOWN, frame)
        return None

    def exec_small(self, small: cst.BaseSmallStatement, frame: Frame) -> None:
        if isinstance(small, cst.Assign):
            value = self.expressions.eval(small.value, frame)
            for target in small.targets:
                self.assign(target.target, value, frame, small.value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                value = self.expressions.eval(small.value, frame)
                self.assign(small.target, value, frame, small.value)
        elif isinstance(small, cst.AugAssign):
            current = self.expressions.eval(small.target, frame)
            value = self.expressions.eval(small.value, frame)
            if isinstance(current, ListVal) and isinstance(value, ListVal):
                current.items[:] = self.state.capped(current.items + value.items, small, frame)
            else:
                op = _AUG_TO_BIN.get(type(small.operator))
                result = self.expressions.binary(op, current, value, frame, small) if op \
                    else UNKNOWN
                self.assign(small.target, result, frame)
        elif isinstance(small, cst.Expr):
            self.expressions.eval(small.value, frame)
        elif isinstance(small, cst.Return):
            frame.returned = self.expressions.eval(small.value, frame) \
                if small.value is not None else Const(None, 0)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            pass   # imports are read up front (names.ImportMap)
        elif isinstance(small, cst.Global) and not frame.is_module:
            # `global args` in run(): what it binds is the module's, read by train()
            frame.globals.update(n.name.value for n in small.names)

    def exec_for(self, stmt: cst.For, frame: Frame) -> None:
        """A loop, unrolled over its items when they are known: whole in model code (a
        VGG configuration list), else up to 12 items when its first one builds model
        structure (a container grows, a layer is applied outside any model, a model is
        made), else once, as a loop over data. In model code, a loop over items that are
        not known runs once and is recorded as undecided when it built layers."""
        iterable = self.expressions.eval(stmt.iter, frame)
        state = self.state
        count = hyperparameters.on_for_loop(state, stmt, frame, self.expressions.eval)
        loader = self._loader_of(iterable)
        if loader is not None:
            state.loaders.append(loader)
        depth, steps, epoch_loops = len(state.loops), len(state.step_loops), state.epoch_loops
        if not frame.in_model:
            state.loops.append(not hyperparameters.counting_loop(stmt))
        try:
            self._loop(stmt, iterable, frame)
        finally:
            del state.loops[depth:]
            if loader is not None:
                state.loaders.pop()
        if count is not None and not frame.in_model:
            # a training step taken in a loop over data within this loop
            over_data = any(k > depth for k in state.step_loops[steps:])
            hyperparameters.unnamed_epochs(state, stmt, frame, count, over_data, epoch_loops)

    @staticmethod
    def _loader_of(iterable: Value) -> Tagged | None:
        """The DataLoader a loop draws batches from (`enumerate(loader)` and `tqdm(loader)`
        are that loader too: calls.library_call)."""
        return iterable if isinstance(iterable, Tagged) and iterable.kind == "loader" \
            else None

    def _loop(self, stmt: cst.For, iterable: Value, frame: Frame) -> None:
        items = self.iter_items(iterable, stmt.iter)
        mark = self._mark()
        # (outside model code, a long loop is walked whole only over a list of written
        # constants, not a `range(n)`: VGG's `cfg = [64, 64, "M", 128, ...]` in a
        # `make_layers` function; it stops after its first turn anyway when that turn
        # built no model structure)
        limit = MAX_SEQUENCE if frame.in_model or items is not None and \
            not isinstance(stmt.iter, cst.Call) and \
            all(isinstance(item, Const) for item in items) else 12
        if items is None or len(items) > limit:
            items = [UNKNOWN if not isinstance(iterable, ListVal) or not iterable.items
                     else iterable.items[0]]
        grew = self._structure_grows(frame) if not frame.in_model and len(items) > 3 \
            else None
        for number, item in enumerate(items):
            self.assign(stmt.target, item, frame)
            self.exec_block(stmt.body.body, frame)
            if frame.returned is not None or number == 0 and grew is not None and not grew():
                break
        if frame.in_model and self.iter_items(iterable, stmt.iter) is None:
            self._undecided(stmt, frame, mark, f"loop over `{_short(source_text(stmt.iter))}`"
                                               f": its items not known; walked once")

    def _structure_grows(self, frame: Frame) -> Callable[[], bool]:
        """A test of whether the code run since this call built model structure: a model
        made, a layer applied outside any model (the functional API), or a container
        bound to a name (here, in the module, or on `self`) grown."""
        mark = self._mark()
        scopes = [frame.env, frame.module.env] + ([frame.self_val.attrs] if frame.self_val
                                                   else [])
        sizes = [(v, len(v.items)) for scope in scopes for v in scope.values()
                 if isinstance(v, (SequentialObj, ListVal))]

        def grew() -> bool:
            return len(self.state.candidates) > mark.candidates or \
                any(len(v.items) != n for v, n in sizes) or \
                any(len(node.owners) == 1 for node in self.graph.nodes[mark.nodes:])
        return grew

    def iter_items(self, iterable: Value, node: cst.BaseExpression) -> list[Value] | None:
        if isinstance(iterable, ListVal):
            return list(iterable.items[:MAX_SEQUENCE])
        if isinstance(iterable, DictVal):
            return [Const(k, 0) for k in iterable.items]
        if isinstance(iterable, Const) and isinstance(iterable.value, (list, tuple)):
            # a list read from a settings file or config module (`kernels = [2, 3, 4]`)
            return [Const(v, iterable.line, iterable.how, iterable.file)
                    for v in iterable.value[:MAX_SEQUENCE]]
        if isinstance(iterable, SequentialObj):
            return list(iterable.items)
        if isinstance(iterable, Tensor):
            return [iterable]   # rows or channels of a tensor carry the same data flow
        if isinstance(iterable, LayerObj) and iterable.type == "Pretrained":
            return [iterable]   # `for layer in base.layers:` walks the backbone as one part
        if isinstance(iterable, Parameters):   # `for p in backbone.parameters():`
            parameter = Parameter(iterable.owner)
            return [ListVal([UNKNOWN, parameter]) if iterable.named else parameter]
        return None

    # ----------------------------------------------------------------- assignment
    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame,
               value_node: cst.BaseExpression | None = None) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if isinstance(value, Const) and frame.function is None or \
                    isinstance(value, Const) and value.how == "literal":
                # A name bound to a literal: later uses are "constant" (docs/RECORDS.md, `how`).
                line = frame.module.line(target)
                value = Const(value.value, line if value.how == "literal" else value.line,
                              "constant" if value.how == "literal" else value.how, value.file)
                if frame.is_module:
                    hyperparameters.on_constant(self.state, name, value, frame)
            self.state.name_candidate(value, name)
            if isinstance(value, DictVal) and CONFIG_NAME.search(name):
                for key, item in value.items.items():   # `config = {"lr": 1e-3, ...}`
                    if isinstance(item, Const) and isinstance(key, str):
                        hyperparameters.on_config_key(self.state, key, item, frame)
            frame.env[name] = value
            if name in frame.globals:
                frame.module.env[name] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            if isinstance(value, ListVal) and len(value.items) == len(elements):
                for elt, item in zip(elements, value.items):
                    self.assign(elt, item, frame)
            else:
                for elt in elements:
                    part = value if isinstance(value, Tensor) else \
                        Unbound(source_text(elt)) if isinstance(value, Unbound) else UNKNOWN
                    self.assign(elt, part, frame)
        elif isinstance(target, cst.Attribute):
            owner = self.expressions.eval(target.value, frame)
            attr = target.attr.value
            if isinstance(owner, Instance):
                if isinstance(value, Const) and owner.cls.framework is None:
                    value = Const(value.value, value.line, "config", value.file)
                owner.attrs[attr] = value
                self.state.name_candidate(value, attr)
            elif isinstance(owner, LayerObj):
                if attr == "trainable" and isinstance(plain(value), bool):
                    owner.trainable_attr = plain(value)
                elif isinstance(value, (LayerObj, SequentialObj, Instance)) and \
                        attr in HEAD_ATTRIBUTES:
                    # a new classifier head, in place of one set before on that attribute
                    # or on a part of it (`classifier[1] = ...`, then `classifier = ...`)
                    kept = [(k, h) for k, h in owner.heads
                            if k != attr and f".{attr}[" not in k]
                    self.state.replaced.update((id(h), h) for k, h in owner.heads
                                               if (k, h) not in kept)
                    owner.heads[:] = kept + [(attr, value)]
            elif isinstance(owner, Parameter) and attr == "requires_grad" and \
                    plain(value) is False and isinstance(owner.owner, LayerObj):
                owner.owner.trainable_attr = False   # the backbone is frozen
            elif isinstance(owner, Namespace):
                owner.attrs[attr] = value
        elif isinstance(target, cst.Subscript):
            owner = self.expressions.eval(target.value, frame)
            key = self.expressions.subscript_key(target, frame)
            if isinstance(owner, DictVal) and isinstance(key, str):
                owner.items[key] = value
            elif isinstance(owner, (ListVal, SequentialObj)) and isinstance(key, int) and \
                    isinstance(value, (LayerObj, SequentialObj, Instance)):
                items = owner.items
                if -len(items) <= key < len(items):
                    items[key] = value
            elif isinstance(owner, LayerObj) and isinstance(value, (LayerObj, SequentialObj)):
                key = source_text(target)
                self.state.replaced.update((id(h), h) for k, h in owner.heads if k == key)
                owner.heads[:] = [(k, h) for k, h in owner.heads if k != key] + [(key, value)]


#: What one branch of a run-time selection did: the names it bound anew, what it returned.
Outcome = tuple[dict[str, Value], "Value | None"]


class Mark(NamedTuple):
    nodes: int
    candidates: int
    built: int
    uid: int


def _shared_sequences(env: dict[str, Value]) -> list[tuple[Any, list[Value]]]:
    """The containers bound before an if/elif chain, with their items at that point."""
    return [(v, list(v.items)) for v in env.values() if isinstance(v, (SequentialObj, ListVal))]


def _tuple_choice(chosen: Value | None, returned: list[Value | None], state: State,
                  line: int, file: str) -> ListVal | None:
    """`return config, model` in every branch: the defaults' tuple, with each position
    that two or more branches fill with models made a Choice of them."""
    if not isinstance(chosen, ListVal):
        return None
    tuples = [r for r in returned if isinstance(r, ListVal) and len(r.items) == len(chosen.items)]
    items = list(chosen.items)
    changed = False
    for i, item in enumerate(items):
        if isinstance(item, (Instance, Namespace)) and not is_model_object(item) or \
                isinstance(item, Instance) and item.cls.framework is None:
            if any(t.items[i] is not item for t in tuples):
                # each branch returns its own configuration: the settings read from it
                # belong to that branch's model only, which cannot be told apart here
                return None
        options = [o for o in _models_among([item] + [t.items[i] for t in tuples])
                   if not isinstance(o, Instance) or o.cls.framework is not None]
        if len(options) >= 2:   # a model in that place, not a configuration object
            items[i] = state.make_choice(options, line, file)
            changed = True
    return ListVal(items, chosen.line) if changed else None


def _models_among(values: Sequence[Value | None]) -> list[Value]:
    """The distinct model objects among `values`, in order, choices flattened."""
    out: list[Value] = []
    for value in values:
        options: Sequence[Value | None] = [value]
        if isinstance(value, Choice):
            options = value.options
        for option in options:
            if option is not None and is_model_object(option) and \
                    all(option is not o for o in out):
                out.append(option)
    return out


def _capture_names(pattern: cst.CSTNode) -> list[cst.Name]:
    """The names a structural pattern binds (`case Point(x=px, y=[*rest])`)."""
    found: list[cst.Name] = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.MatchAs) and node.name is not None:
            found.append(node.name)
        elif isinstance(node, cst.MatchStar) and node.name is not None:
            found.append(node.name)
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            found.append(node.rest)
        stack.extend(node.children)
    return found


def _short(text: str) -> str:
    """Source text in a note: 60 characters at most, so records stay facts."""
    return text if len(text) <= 60 else text[:59] + "…"


CONFIG_NAME = re.compile(r"conf|cfg|param|setting|hyper|option|args", re.I)
#: Attributes through which transfer learning replaces a backbone's classifier; a layer
#: assigned to any other attribute (`backbone.conv1 = ...`) changes the backbone inside.
HEAD_ATTRIBUTES = frozenset({"fc", "classifier", "head", "heads", "last_linear", "top",
                             "output", "out", "logits", "linear", "classif", "_fc"})
_AUG_TO_BIN = {
    cst.AddAssign: cst.Add(), cst.SubtractAssign: cst.Subtract(),
    cst.MultiplyAssign: cst.Multiply(), cst.DivideAssign: cst.Divide(),
    cst.FloorDivideAssign: cst.FloorDivide(),
}
