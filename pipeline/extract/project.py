"""Putting a project together: files in, model records and failures out.

Reads every candidate file (`sources`), parses it with libcst, runs the interpreter over
all modules of the project (imported modules first, so that train.py sees the classes and
constants of model.py), then turns the candidates the interpreter found into model
records and attaches hyperparameters, datasets and preparation steps to them.
Every file ends as one outcome: extracted, skipped (with why) or failed (with why).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

import libcst as cst

from exnet.extract.alternatives import (
    Alternative,
    attribute_names,
    commented_alternatives,
    references,
)
from exnet.extract.configs import MAX_CONFIG_BYTES
from exnet.extract.datasets import readme_mentions
from exnet.extract.identity import TRAINING_FACTS, merge_copies
from exnet.extract.interpreter import Interpreter
from exnet.extract.parsing import parse
from exnet.extract.program import Candidate, ClassInfo, Event, Frame, ModuleInfo
from exnet.extract.reuse import content_key, keep, load_kept
from exnet.extract.sources import (
    MAX_PY_BYTES,
    Source,
    Unreadable,
    decode_python,
    iter_project_files,
    load_source,
    read_bounded,
    read_readme,
)
from exnet.extract.state import BudgetExceeded
from exnet.extract.values import (
    FunctionalModel,
    Instance,
    LayerObj,
    SequentialObj,
    Tensor,
    json_safe,
)
from exnet.records import (
    DatasetEvidence,
    Failure,
    Hyperparameter,
    Layer,
    Model,
    Preprocessing,
    SetAside,
    Undecided,
)


@dataclass(frozen=True)
class FileOutcome:
    file: str
    status: str                 # "extracted" | "skipped" | "failed"
    reason: str = ""


@dataclass
class ExtractResult:
    models: list[Model] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)

    def to_json(self, outcomes: bool = False) -> dict[str, Any]:
        out: dict[str, list[Any]] = {
            "models": [m.to_json() for m in self.models],
            "failures": [f.to_json() for f in self.failures],
            "set_aside": [s.to_json() for s in self.set_aside]}
        if outcomes:
            out["outcomes"] = [[o.file, o.status, o.reason] for o in self.outcomes]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], project: str) -> ExtractResult:
        """What `to_json(outcomes=True)` wrote, with every record labelled `project`."""
        return cls(
            models=[replace(Model.from_json(m), project=project) for m in data["models"]],
            failures=[replace(f, project=None if f.project is None else project)
                      for f in map(Failure.from_json, data["failures"])],
            outcomes=[FileOutcome(*o) for o in data["outcomes"]],
            set_aside=[SetAside.from_json(a) for a in data["set_aside"]])

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def summary_line(self) -> str:
        total = len(self.outcomes)
        return (f"extracted {self.count('extracted')}/{total} files, "
                f"{self.count('skipped')} skipped, {self.count('failed')} failed; "
                f"{len(self.models)} models")


def extract_path(path: Path) -> ExtractResult:
    """Records of a .py file, an .ipynb notebook or a folder (a project)."""
    path = Path(path)
    if path.is_dir():
        return extract_project(path, path.resolve().name)
    return extract_project(path.parent, path.resolve().parent.name, files=[path])


def extract_project(root: Path, project: str | None = None,
                    files: list[Path] | None = None,
                    reuse: Path | None = None) -> ExtractResult:
    """Records of one project checked out at `root`; never raises on bad input.

    With `reuse` (a folder), the outcome of the same files is taken from there when an
    earlier extraction kept it, and kept there otherwise (`exnet.extract.reuse`)."""
    root = Path(root)
    project = project or root.resolve().name
    if reuse is not None and files is None:
        key = content_key(root)
        kept = load_kept(reuse, key)
        if kept is not None:
            try:
                return ExtractResult.from_json(kept, project)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                pass   # an entry of another shape: extract again, and keep the new one
        result = extract_project(root, project)
        keep(reuse, key, result.to_json(outcomes=True))
        return result
    result = ExtractResult()
    modules: list[ModuleInfo] = []
    configs: list[tuple[str, Path]] = []
    for path in files if files is not None else iter_project_files(root):
        rel = path.relative_to(root).as_posix() if files is None else path.name
        if not _utf8(rel):
            # Records are UTF-8 JSON: a name that is not cannot be linked or shown.
            _fail(result, project, rel.encode("utf-8", "backslashreplace").decode("ascii"),
                  "file name is not valid UTF-8")
            continue
        try:
            source = load_source(path, rel)
            if source is None:
                result.outcomes.append(FileOutcome(rel, "skipped",
                                                   "names no deep-learning framework"))
                if rel.endswith(".py"):
                    configs.append((rel, path))   # may hold constants that train.py reads
                continue
            module, cell_failures = parse(source)
        except Unreadable as exc:
            _fail(result, project, rel, str(exc))
            continue
        except OSError as exc:
            _fail(result, project, rel, f"cannot read: {exc.strerror or exc}")
            continue
        for failure in cell_failures:
            result.failures.append(Failure(rel, failure, project=project))
        modules.append(module)
        for written in source.companions:   # `%%writefile model.py` cells
            try:
                modules.append(parse(written)[0])
            except Unreadable as exc:
                result.failures.append(Failure(rel, f"%%writefile {written.as_module}: {exc}",
                                               project=project))
        result.outcomes.append(FileOutcome(rel, "extracted"))
    configs = _add_drivers(result, project, modules, configs)
    if modules:
        try:
            skipped: list[tuple[str, int, str]] = []
            result.models = interpret(modules, project, read_readme(root) if files is None
                                      else ("", ""), configs, skipped, root,
                                      result.set_aside)
            by_rel = {m.rel: m for m in modules}
            for rel, line, reason in skipped:
                cell, in_cell = by_rel[rel].source.locate(line)
                where = f"cell {cell} line {in_cell}" if cell is not None else f"line {line}"
                result.failures.append(Failure(rel, reason.replace(f"line {line}", where, 1),
                                               line=in_cell, project=project))
        except RecursionError:
            _fail(result, project, modules[0].rel, "pathologically nested code")
        except Exception as exc:   # a bug must not stop a mining run: record it and go on
            _fail(result, project, modules[0].rel,
                  f"extractor error ({type(exc).__name__}: {str(exc)[:120]})")
    return result


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_IMPORTS = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import|import[ \t]+([\w.]+))",
                      re.M)


def _add_drivers(result: ExtractResult, project: str, modules: list[ModuleInfo],
                 skipped: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    """Parse the skipped files that import a parsed module of the project.

    A `main.py` that never names a framework but imports `model.py` and `train.py`
    instantiates and trains the model: its argparse defaults and calls are the
    hyperparameters. Other skipped files stay configuration sources (returned)."""
    stems = {m.rel.rsplit(".", 1)[0].replace("/", ".") for m in modules}
    stems |= {s.rsplit(".", 1)[-1] for s in stems}
    stems |= {s.rsplit(".", 1)[0] for s in stems if "." in s}   # packages: `import models`
    wanted = _imported_names(modules)
    rest = []
    for rel, path in skipped:
        try:
            text = decode_python(read_bounded(path, MAX_PY_BYTES))
        except (OSError, Unreadable):
            rest.append((rel, path))
            continue
        names = {a or b for a, b in _IMPORTS.findall(text)}
        driver = any(n.lstrip(".") in stems or n.lstrip(".").rsplit(".", 1)[-1] in stems
                     for n in names if n.strip("."))
        # `from src.parser_data import parameter_parser`: a helper that builds the
        # argparse parser or loads the config file is code to run, not just constants.
        stem = rel.rsplit(".", 1)[0].replace("/", ".").removesuffix(".__init__")
        package = rel.endswith("__init__.py")   # its `__all__` names what `import *` gets
        helper = (package or _SETTINGS_CODE.search(text) is not None) and any(
            stem == w or stem.endswith("." + w) or w.endswith("." + stem) for w in wanted)
        if not (driver or helper):
            rest.append((rel, path))
            continue
        try:
            module, _ = parse(Source(rel, text))
        except Unreadable as exc:
            _fail(result, project, rel, str(exc))
            continue
        modules.append(module)
        result.outcomes = [o for o in result.outcomes if o.file != rel]
        result.outcomes.append(FileOutcome(rel, "extracted"))
    return rest


_SETTINGS_CODE = re.compile(r"ArgumentParser|parse_args|add_argument|safe_load|yaml\.load|"
                            r"json\.load|OmegaConf|configparser|@dataclass")


def _imported_names(modules: list[ModuleInfo]) -> set[str]:
    """Dotted module names the parsed modules import (`src.parser_data`, `config`)."""
    names: set[str] = set()
    for module in modules:
        for target in list(module.imports.aliases.values()) + module.imports.star_modules:
            target = target.lstrip(".")
            names.add(target)
            if "." in target:
                names.add(target.rsplit(".", 1)[0])   # `from pkg.mod import name`
    return {n for n in names if n}


def _fail(result: ExtractResult, project: str, rel: str, reason: str,
          line: int | None = None) -> None:
    result.failures.append(Failure(rel, reason, line, project))
    result.outcomes = [o for o in result.outcomes if o.file != rel]
    result.outcomes.append(FileOutcome(rel, "failed", reason))


# --------------------------------------------------------------------- interpretation
def _import_order(modules: list[ModuleInfo]) -> list[ModuleInfo]:
    """Modules a project file imports come before it (train.py after model.py)."""
    by_stem: dict[str, ModuleInfo] = {}
    for m in modules:
        stem = m.source.as_module.replace(".", "/") or m.rel.rsplit(".", 1)[0]
        by_stem[stem.replace("/", ".")] = m
        by_stem.setdefault(stem.split("/")[-1], m)
    order: list[ModuleInfo] = []
    seen: set[int] = set()

    def visit(m: ModuleInfo, depth: int) -> None:
        if id(m) in seen or depth > 50:
            return
        seen.add(id(m))
        for target in list(m.imports.aliases.values()) + m.imports.star_modules:
            parts = target.lstrip(".").split(".")
            for n in range(len(parts), 0, -1):
                dep = by_stem.get(".".join(parts[:n]))
                if dep is not None and dep is not m:
                    visit(dep, depth + 1)
                    break
        order.append(m)

    for m in sorted(modules, key=lambda m: m.rel):
        visit(m, 0)
    return order


def interpret(modules: list[ModuleInfo], project: str, readme: tuple[str, str],
              configs: Sequence[tuple[str, Path]] = (),
              skipped: list[tuple[str, int, str]] | None = None,
              root: Path | None = None,
              set_aside: list[SetAside] | None = None) -> list[Model]:
    """The model records of a project's parsed modules. Code the interpreter does not
    model is left out statement by statement, each noted in `skipped`; settings files
    (config.yaml) are read from `root`; definitions that are not models of the project
    (see `_set_aside`) go to `set_aside`."""
    ix = Interpreter(Path(root).resolve() if root is not None else None)
    for module in modules:
        ix.add_module(module)
    for rel, path in configs:
        try:
            ix.add_config_source(rel, read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8"))
        except (OSError, Unreadable, UnicodeDecodeError):
            continue
    ix.link()
    ordered = _import_order(modules)
    for module in ordered:
        ix.run_module(module)
    ran = ix.state.clock   # candidates made after this come from code that nothing runs
    for module in ordered:
        ix.run_uncalled(module)
    _instantiate_unused_classes(ix)
    ix.state.grant(0.25)   # reading the graph out of what was found has time of its own
    models, aside = _records(ix, project, readme, ran)
    if set_aside is not None:
        set_aside.extend(aside)
    if skipped is not None:
        skipped.extend(ix.state.errors + ix.state.bounds)
    return models


def _instantiate_unused_classes(ix: Interpreter) -> None:
    bases = {id(b.node) for infos in ix.program.classes.values() for c in infos for b in c.bases}
    for infos in ix.program.classes.values():
        for cls in infos:
            if cls.framework is None or cls.base_kind == "layer" or \
                    id(cls.node) in ix.state.instantiated or id(cls.node) in bases:
                continue
            # A draft a later cell redefines, and the code uses the redefinition.
            if any(other.module is cls.module and id(other.node) in ix.state.instantiated
                   for other in infos if other is not cls):
                continue
            ix.state.unit = cls.module.rel
            ix.state.steps = 0
            def instantiate(cls: ClassInfo = cls) -> None:
                ix.instantiate(cls, [], {}, None, Frame(cls.module, cls.module.env))
            try:
                ix.guarded(cls.module, cls.node, instantiate)
            except (BudgetExceeded, RecursionError) as exc:
                ix.state.note_bound(cls.module, exc)


@dataclass(eq=False)
class _Group:
    """Candidates that are one model: the same class, or the same construction site."""

    first: Candidate
    members: list[Candidate] = field(default_factory=list)
    nodes: list[int] = field(default_factory=list)
    owners: set[int] = field(default_factory=set)
    uids: set[int] = field(default_factory=set)


def _key(cand: Candidate) -> tuple[Any, ...]:
    obj = cand.obj
    if isinstance(obj, Instance):
        return ("class", id(obj.cls.node), obj.variant)
    site = getattr(obj, "site", None)
    return ("site", site) if site and site[0] else ("obj", id(obj))


def _linearize(ix: Interpreter, cand: Candidate) -> tuple[list[int], set[int]]:
    obj = cand.obj
    if isinstance(obj, FunctionalModel):
        nodes = ix.graph.ancestors(obj.outputs)
    else:
        start = len(ix.graph.nodes)
        ix.state.steps = 0
        ix.graph.owner_stack = []
        frame = Frame(cand.module, cand.module.env)
        try:
            out = ix.graph.apply(obj, [Tensor(())], {}, frame, cand.line)
        except (BudgetExceeded, RecursionError) as exc:
            ix.state.note_bound(cand.module, exc)
            out = Tensor(())
        ix.graph.owner_stack = []
        deps = out.deps if isinstance(out, Tensor) else ()
        nodes = ix.graph.ancestors(deps, start)
        if not nodes:
            nodes = list(range(start, len(ix.graph.nodes)))
    owners: set[int] = set()
    for n in nodes:
        owners.update(ix.graph.nodes[n].owners)
    return nodes, owners


def _records(ix: Interpreter, project: str, readme: tuple[str, str],
             ran: int) -> tuple[list[Model], list[SetAside]]:
    groups: dict[tuple[Any, ...], _Group] = {}
    for cand in ix.state.candidates:
        if id(cand.obj) in ix.state.replaced:
            continue   # a classifier head the code replaced with another
        group = groups.setdefault(_key(cand), _Group(cand))
        group.members.append(cand)
        group.uids.add(getattr(cand.obj, "uid", id(cand.obj)))
    # (a loop over a DataLoader ties a batch size to evaluation code's models too: that
    # alone does not make an instance the trained one)
    tied = {id(e.target) for e in ix.state.events if e.kind == "hyper" and e.target is not None
            and not e.extra.get("loader")}
    for group in groups.values():
        # One class built with other arguments elsewhere (`VGG('VGG16')` in a demo,
        # `VGG('VGG19')` in train.py): the instance the code trains is the model.
        trials = [c for c in group.members if id(c.obj) in tied][:3]
        best: tuple[int, Candidate, tuple[list[int], set[int]]] | None = None
        for cand in dict.fromkeys(trials + [group.first]):
            found = _linearize(ix, cand)
            if best is None or len(found[0]) > best[0]:
                best = (len(found[0]), cand, found)
        assert best is not None
        group.first, (group.nodes, group.owners) = best[1], best[2]
    # A group whose object another group's layers run through is part of that model.
    owned_by: dict[int, set[int]] = {}
    for other in groups.values():
        for uid in other.owners - other.uids:
            owned_by.setdefault(uid, set()).add(id(other))
    kept = [g for g in groups.values() if g.nodes and not _opaque(ix, g) and not any(
        owned_by.get(uid, set()) - {id(g)} for uid in g.uids)]
    by_rel = {m.rel: m for m in ix.program.modules}
    trained = {id(g) for g in kept if any(id(c.obj) in tied for c in g.members)}
    blocks, used_by = block_classes(ix, kept, trained)
    block_names = {_maker(g) for g in kept if id(g) in blocks}
    kept = [g for g in kept if id(g) not in blocks and not _slice_of_another(ix, g, kept)]
    hypers = _training(ix, kept, trained, readme)
    aside = _set_aside(ix, kept, hypers, ran, by_rel)
    if aside:   # fewer models: settings that no model could claim alone may now be theirs
        kept = [g for g in kept if id(g) not in aside]
        hypers = _training(ix, kept, trained, readme)
    single = len(kept) == 1
    models = []
    loads = {id(e.target) for e in ix.state.events if e.kind == "load"}
    loaded = set()
    for i, group in enumerate(kept):
        hyper = hypers[id(group)]
        model = _model(ix, group, project, hyper, _datasets(ix, group, kept, readme),
                       _preparation(ix, group, kept, single), by_rel)
        made_by = _maker(group)
        named = {b for b in block_names if b and made_by in used_by.get(b, set())}
        used = (set(_blocks_used(ix, group)) | named) - {model.name}
        models.append(replace(model, blocks=tuple(sorted(used))))
        if any(id(c.obj) in loads for c in group.members):
            loaded.add(i)
    return merge_copies(models, loaded), list(aside.values())


def _training(ix: Interpreter, kept: list[_Group], trained: set[int],
              readme: tuple[str, str]) -> dict[int, dict[str, Event]]:
    """Each group's settings; an alternative the author selects by uncommenting a line
    (extract/alternatives.py) gets the settings of the model it replaces, where it has
    none of its own."""
    single = len(kept) == 1
    run = readme_runs(readme[1], [m.rel for m in ix.program.modules])
    hypers = {id(g): _attach_hyper(ix, g, kept, single, trained, run) for g in kept}
    trains = {id(g) for g in kept if any(name in hypers[id(g)] for name in TRAINING_FACTS)}
    for group, live, alt in _alternatives(ix, kept, trains):
        mine = hypers[id(group)]
        if any(name in mine for name in TRAINING_FACTS):
            continue
        for name, event in hypers[id(live)].items():
            if name not in mine:
                mine[name] = replace(event, extra={**event.extra,
                                                   "selected_at": (alt.unit, alt.line)})
    return hypers


def _alternatives(ix: Interpreter, kept: list[_Group],
                  trained: set[int]) -> list[tuple[_Group, _Group, Alternative]]:
    """(model, the trained model it can replace, the commented line) for every
    commented-out alternative of a model with training settings (`trained`) whose
    constructor makes a project model."""
    out: list[tuple[_Group, _Group, Alternative]] = []
    taken: set[int] = set()
    for module in ix.program.modules:
        for alt in commented_alternatives(module):
            live = [g for g in kept if id(g) in trained and any(
                c.unit == alt.unit and c.name == alt.name for c in g.members)]
            if len(live) != 1:
                continue
            for group in _made_by(ix, kept, alt.callee.rsplit(".", 1)[-1], module):
                if group is not live[0] and id(group) not in trained and \
                        id(group) not in taken:
                    taken.add(id(group))
                    out.append((group, live[0], alt))
    return out


def _made_by(ix: Interpreter, kept: list[_Group], name: str,
             module: ModuleInfo) -> list[_Group]:
    """The groups a project class or builder function called `name` makes: the class's
    own, or those of the model classes the function's body names (`def ResNet18():
    return ResNet(BasicBlock, [2, 2, 2, 2])`)."""
    cls = ix.program.find_class(name, module)
    if cls is not None:
        return [g for g in kept if _maker(g) == name]
    func = ix.program.find_function(name, module)
    if func is None:
        return []
    own = [g for g in kept if g.first.func_name == name]
    if own:
        return own
    named = _names_in(func.module, func.node.body)
    return [g for g in kept if isinstance(g.first.obj, Instance) and _maker(g) in named]


def _set_aside(ix: Interpreter, kept: list[_Group], hypers: dict[int, dict[str, Event]],
               ran: int, by_rel: dict[str, ModuleInfo]) -> dict[int, SetAside]:
    """The groups that are not models of a project that trains a model: definitions
    that none of its code builds (a class nothing instantiates, a builder nothing calls,
    an earlier experiment), and pretrained models used as they are (a hub classifier
    asked for one prediction, a feature extractor). Neither is trained anywhere in the
    project; each is listed with its reason instead (docs/ARCHITECTURE.md, "Model
    identity")."""
    def trains(group: _Group) -> bool:
        # a loop over a DataLoader feeds evaluation as well: its batch size alone is not
        # training
        mine = hypers[id(group)]
        return any(name in mine and not mine[name].extra.get("loader")
                   for name in TRAINING_FACTS)

    if not any(trains(g) for g in kept):
        return {}   # a collection of definitions: every one of them is an example
    found: dict[str, tuple[set[str], set[str]]] = {}

    def refs(rel: str) -> tuple[set[str], set[str]]:
        # tokenized only when a group needs them: most projects train every group
        if rel not in found:
            found[rel] = references(by_rel[rel]) if rel in by_rel else (set(), set())
        return found[rel]

    attributes: dict[str, set[str]] = {}

    def used(group: _Group) -> bool:
        """Named by code of another file, or by module-level code of its own file: some
        branch of the project builds it, even if not the one the defaults take. A model
        a plain class's method builds is used when some code calls that method (an
        alternative `build_base()` beside the `build()` the training code calls is not)."""
        name, home = _maker(group), group.first.module.rel
        if name is None:
            return False
        method = group.first.method
        if method is not None:
            for rel in by_rel:
                if rel not in attributes:
                    attributes[rel] = attribute_names(by_rel[rel])
            return any(method in names for names in attributes.values())
        return name in refs(home)[1] or any(name in refs(rel)[0] for rel in by_rel
                                            if rel != home)

    out: dict[int, SetAside] = {}
    for group in kept:
        if trains(group):
            continue
        types = {ix.graph.nodes[n].layer.type for n in group.nodes}
        if all(c.clock > ran for c in group.members) and not used(group):
            why = "defined but never built by the project's code, which trains another model"
        elif "Pretrained" in types and types <= PLUMBING | {"Pretrained"}:
            why = "a pretrained model used as it is, never trained in the project"
        else:
            continue
        cand = group.first
        cell, line = _where(by_rel, cand.module.rel, cand.line)
        out[id(group)] = SetAside(cand.module.rel, cell, line,
                                  _maker(group) or cand.name or "model", why)
    return out


def block_classes(ix: Interpreter, kept: list[_Group],
                  trained: set[int]) -> tuple[set[int], dict[str, set[str]]]:
    """The groups that are building blocks, not models: project model classes, and
    functions that return a container (`def conv_block(...): return nn.Sequential(...)`),
    that a model class uses (names in its body, or passes to a model class's
    constructor, as `ResNet(BasicBlock, [2, 2, 2, 2])`) and that nothing trains itself.

    Most blocks never become candidates, because they are made inside a model; these are
    the ones the interpreter had to build on their own (a second class of the same name
    in another file, a class with methods nobody called, a builder run on its own)."""
    names = {id(g): _maker(g) for g in kept}
    every = [c for infos in ix.program.classes.values() for c in infos if c.framework is not None]
    model_names = {cls.name for cls in every}
    wanted = model_names | {n for n in names.values() if n}
    used_by: dict[str, set[str]] = {}
    for cls in every:   # `class DenseNet121(DenseNet)` passing `Bottleneck` up counts too
        for name in _names_in(cls.module, cls.node.body) & wanted - {cls.name}:
            used_by.setdefault(name, set()).add(cls.name)
        for base in cls.bases:   # a project base class is part of each subclass
            if base.name != cls.name:
                used_by.setdefault(base.name, set()).add(cls.name)
    for module in ix.program.modules:
        for user, name in _constructor_arguments(module.source.text, model_names):
            if user != name:
                used_by.setdefault(name, set()).add(user)
    blocks = {gid for gid, name in names.items()
              if name and gid not in trained and used_by.get(name, set()) - {name}}
    return blocks, used_by


def _maker(group: _Group) -> str | None:
    """The project class or function that makes a group's model."""
    obj = group.first.obj
    return obj.cls.name if isinstance(obj, Instance) else group.first.func_name


def _slice_of_another(ix: Interpreter, group: _Group, kept: list[_Group]) -> bool:
    """A container made of another model's own layers (`features =
    nn.Sequential(*list(model.children())[:-3])`): part of that model, not a model."""
    if isinstance(group.first.obj, Instance):
        return False
    mine = _made_at(ix, group)
    for other in kept:
        if other is group or len(other.nodes) <= len(group.nodes):
            continue
        if mine and mine < _made_at(ix, other):
            return True
    return False


def _made_at(ix: Interpreter, group: _Group) -> set[tuple[Any, ...]]:
    """Where a group's layers were constructed (one line of code makes a layer for every
    instance); operations in forward (`out += residual`) have no such place."""
    return {(ix.graph.nodes[n].layer.type, ix.graph.nodes[n].layer.site) for n in group.nodes
            if ix.graph.nodes[n].layer.site[0]}


def _names_in(module: ModuleInfo, node: cst.CSTNode) -> set[str]:
    """The identifiers written in a node's source (read from its span of the text: a
    walk of libcst children costs far more on a file of thousands of classes)."""
    span = module.positions.spans.get(node)
    if span is None:
        return set()
    return set(_NAME.findall(_code_only(module.source.text[
        span.start: span.start + span.length])))


#: A name as written, not an attribute of something (`nn.LSTM` is torch's, not the
#: project's class `LSTM`).
_NAME = re.compile(r"(?<![.\w])[A-Za-z_]\w*")
#: A string literal or a comment, whichever starts first: what `_code_only` blanks.
_NOT_CODE = re.compile("|".join((
    r"[rRbBuUfF]{0,2}'''[\s\S]*?'''",
    r'[rRbBuUfF]{0,2}"""[\s\S]*?"""',
    r"[rRbBuUfF]{0,2}'(?:\\.|[^'\\\n])*'",
    r'[rRbBuUfF]{0,2}"(?:\\.|[^"\\\n])*"',
    r"#[^\n]*")))


def _code_only(text: str) -> str:
    """`text` without its strings and comments, so that a class named in a docstring or
    a comment ("# the CNN feature extractor") is not taken for one the code uses."""
    return _NOT_CODE.sub(" ", text)


#: A call by a bare name, not a class statement's bases (`class Attention(keras.Model)`).
_CALL_ARGS = re.compile(r"(?<!class )(?<![.\w])([A-Za-z_]\w*)\s*\(([^()]*)\)")


def _constructor_arguments(text: str, classes: set[str]) -> list[tuple[str, str]]:
    """(class called, model class passed as an argument) for `Net(Block, ...)` calls;
    only names as written count, not attributes (`keras.Model` is not a class `Model`)."""
    out: list[tuple[str, str]] = []
    for match in _CALL_ARGS.finditer(_code_only(text)):
        if match[1] in classes:
            out.extend((match[1], name) for name in _NAME.findall(match[2])
                       if name in classes)
    return out


def _selected_at(by_rel: dict[str, ModuleInfo], event: Event) -> dict[str, Any] | None:
    """Where the model this setting reached was picked at run time, if it was."""
    where = event.extra.get("selected_at")
    if not (isinstance(where, tuple) and len(where) == 2 and where[0] in by_rel):
        return None
    cell, line = _where(by_rel, where[0], where[1])
    out: dict[str, Any] = {"file": where[0], "line": line}
    if cell is not None:
        out["cell"] = cell
    return out


def _wrapped(ix: Interpreter, group: _Group) -> Any:
    """The class of the one project model that makes every layer of this one, if any."""
    own = group.first.obj.uid if isinstance(group.first.obj, Instance) else None
    shared: set[int] | None = None
    for n in group.nodes:
        parts = {u for u in ix.graph.nodes[n].owners if u in ix.state.instances and u != own
                 and ix.state.instances[u].cls.framework is not None}
        shared = parts if shared is None else shared & parts
    if not shared:
        return None
    # the outermost of the shared parts: the one whose instance was made first
    return ix.state.instances[min(shared)].cls


def _blocks_used(ix: Interpreter, group: _Group) -> tuple[str, ...]:
    """Names of the project classes whose instances make up part of this model."""
    own = group.first.obj.cls.name if isinstance(group.first.obj, Instance) else None
    names = {ix.state.instances[uid].cls.name for n in group.nodes
             for uid in ix.graph.nodes[n].owners
             if uid in ix.state.instances and ix.state.instances[uid].cls.framework is not None}
    return tuple(sorted(names - {own}))


#: Layer types that learn nothing: a "model" made only of these (a data-augmentation
#: Sequential, a Flatten module) is input plumbing, not a model.
PLUMBING = frozenset({
    "Activation", "Dropout", "Flatten", "Reshape", "Concatenate", "Add", "Multiply",
    "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
    "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D", "Lambda",
    "Rescaling", "Resizing", "RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast",
    "RandomTranslation", "RandomCrop", "RandomBrightness", "Normalization", "CenterCrop",
    "GaussianNoise", "ZeroPadding2D", "UpSampling2D", "RepeatVector", "Masking", "Identity",
})


def _opaque(ix: Interpreter, group: _Group) -> bool:
    """Not a model: a class whose only layer is itself (a base class, a test double, a
    custom layer computing with raw weights), or a stack of plumbing layers only."""
    obj = group.first.obj
    types = [ix.graph.nodes[n].layer.type for n in group.nodes]
    if isinstance(obj, Instance) and all(t == obj.cls.name for t in types):
        return True
    return all(t in PLUMBING for t in types)


def _units(group: _Group) -> set[str]:
    return {c.unit for c in group.members} | {group.first.module.rel}


def _owner_of(ix: Interpreter, event: Event, kept: list[_Group],
              trained: set[int]) -> list[_Group]:
    """The groups an untied event belongs to: the model its file made last before it;
    if none yet, every model its file makes. Models the code visibly trains (a tied
    compile/fit/optimizer) are preferred: an encoder loaded before the classifier that is
    trained does not take the classifier's batch size."""
    best: tuple[int, _Group] | None = None
    in_unit = []
    for group in kept:
        for cand in group.members:
            if cand.unit == event.unit:
                in_unit.append(group)
                if cand.clock < event.clock and (best is None or cand.clock > best[0]):
                    best = (cand.clock, group)
    trained_here = [g for g in dict.fromkeys(in_unit) if id(g) in trained]
    if best is not None:
        chosen = _chosen_with(ix, best[1], kept)
        if len(chosen) > 1:
            return chosen    # the model was picked at run time: each option trains so
    if best is not None and (id(best[1]) in trained or not trained_here):
        return [best[1]]
    if trained_here:
        nearest = min(trained_here, key=lambda g: min(abs(c.clock - event.clock)
                                                      for c in g.members if c.unit == event.unit))
        return _chosen_with(ix, nearest, kept)
    return list(dict.fromkeys(in_unit))


def _chosen_with(ix: Interpreter, group: _Group, kept: list[_Group]) -> list[_Group]:
    """The groups of the run-time choice `group` belongs to (itself alone if none)."""
    objs = {id(c.obj) for c in group.members}
    for choice in reversed(ix.state.choices):
        ids = {id(o) for o in choice.options}
        if ids & objs:
            return [g for g in kept if any(id(c.obj) in ids for c in g.members)]
    return [group]


def readme_runs(text: str, files: list[str]) -> set[str]:
    """The project files a README's commands run (`python train.py`, `python3 -m
    src.train`, `!python src/train.py --epochs 5`): a name matched by its path, else by its
    file name when one file has it."""
    out: set[str] = set()
    for match in _README_RUN.finditer(text):
        target = match[2].replace("\\", "/").lstrip("./")
        path = target.replace(".", "/") + ".py" if match[1] else target
        if path in files:
            out.add(path)
            continue
        same = [f for f in files if f.rsplit("/", 1)[-1] == path.rsplit("/", 1)[-1]]
        if len(same) == 1:
            out.add(same[0])
    return out


#: `python train.py`, `python3 src/train.py`, `python -m src.train`.
_README_RUN = re.compile(r"\bpython[\d.]*\s+(?:-\w+\s+)*?(-m\s+)?([\w./\\-]+?\.py|(?<=-m )"
                         r"[\w.]+)\b")


def _attach_hyper(ix: Interpreter, group: _Group, kept: list[_Group],
                  single: bool, trained: set[int], run: set[str]) -> dict[str, Event]:
    """The settings of one model: tied findings first, then untied ones its files make
    (each a rank); among equals, a value over an expression, training data over held
    out, the files that train it, of those the file the README runs, then the
    earliest."""
    chosen: dict[str, tuple[tuple[int, int, int, int, int, int], Event]] = {}
    objs = {id(c.obj) for c in group.members}
    # The files that train this model (where its optimizer or fit is tied to it): a
    # setting found there beats the same setting found in an evaluation script.
    training_units = {e.unit for e in ix.state.events if e.kind == "hyper"
                      and e.target is not None and id(e.target) in objs
                      and e.name in ("optimizer", "loss", "epochs")}
    for event in ix.state.events:
        if event.kind != "hyper":
            continue
        if event.target is not None:
            if id(event.target) not in objs:
                continue
            rank = event.rank
        else:
            owners = _owner_of(ix, event, kept, trained)
            if event.rank >= 3 and len(owners) > 1:
                continue   # a name alone says too little to choose among several models
            if group in owners:
                rank = event.rank + (0 if len(owners) == 1 else 1)
            elif not owners and single:
                rank = event.rank + 4
            else:
                continue
        prefer = 0 if event.extra.get("train", True) else 1
        unresolved = 1 if event.how == "expression" else 0   # a value beats its expression
        elsewhere = 0 if not training_units or event.unit in training_units else 1
        # (only between files that each train this very model: a name in the README's
        # script may belong to the models that script builds)
        readme_run = 0 if event.unit in run or event.unit not in training_units else 1
        key = (rank, unresolved, prefer, elsewhere, readme_run, event.clock)
        if event.name not in chosen or key < chosen[event.name][0]:
            chosen[event.name] = (key, event)
    return {name: ev for name, (_, ev) in chosen.items()}


def _datasets(ix: Interpreter, group: _Group, kept: list[_Group],
              readme: tuple[str, str]) -> list[DatasetEvidence]:
    """The datasets that feed this model, each with where that is seen: a loader call in
    the code that builds or trains it (another file's loader does not count unless the
    project has one model), else a README mention."""
    units = _units(group)
    mine = [e for e in ix.state.events if e.kind == "dataset" and e.unit in units]
    if not mine and len(kept) == 1:
        mine = [e for e in ix.state.events if e.kind == "dataset"]
    found: dict[str, DatasetEvidence] = {}
    by_rel = {m.rel: m for m in ix.program.modules}
    for e in mine:
        cell, line = _where(by_rel, e.file or e.module.rel, e.line)
        found.setdefault(e.value, DatasetEvidence(e.value, e.file or e.module.rel, line,
                                                  cell, "loader"))
    if not found:
        for dataset, line in readme_mentions(readme[1]):
            found.setdefault(dataset, DatasetEvidence(dataset, readme[0], line, None, "readme"))
    return list(found.values())


def _preparation(ix: Interpreter, group: _Group, kept: list[_Group],
                 single: bool) -> list[Event]:
    units = _units(group)
    mine = [e for e in ix.state.events if e.kind == "prep" and e.unit in units]
    if not mine and single:
        mine = [e for e in ix.state.events if e.kind == "prep"]
    seen: set[tuple[Any, ...]] = set()
    out = []
    for e in mine:
        key = (e.file, e.line, e.value["kind"], e.value["api"])
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _where(by_rel: dict[str, ModuleInfo], rel: str, line: int) -> tuple[int | None, int]:
    module = by_rel.get(rel)
    return module.source.locate(line) if module is not None else (None, line)


def _undecided(ix: Interpreter, group: _Group) -> tuple[Undecided, ...]:
    """What the interpreter could not decide in building this model's layers."""
    notes = []
    for note in ix.state.undecided_in(ix.graph.nodes, group.nodes):
        cell, line = note.module.source.locate(note.line)
        notes.append(Undecided(note.module.rel, line, cell, note.what))
    return tuple(notes)


def _model(ix: Interpreter, group: _Group, project: str, hyper: dict[str, Event],
           datasets: list[DatasetEvidence], prep: list[Event],
           by_rel: dict[str, ModuleInfo]) -> Model:
    cand = group.first
    obj = cand.obj
    module = cand.module
    layers = []
    index = {n: i for i, n in enumerate(group.nodes)}
    for n in group.nodes:
        node = ix.graph.nodes[n]
        cell, line = node.module.source.locate(node.line)
        layer = node.layer
        args = {k: json_safe(v) for k, v in layer.args.items()}
        if layer.type == "Pretrained" and layer.trainable_attr is not None:
            args["trainable"] = layer.trainable_attr
        layers.append(Layer(layer.type, layer.api, line, args, cell))
    edges = [(index[p], index[n]) for n in group.nodes for p in ix.graph.nodes[n].preds
             if p in index]
    chain = len(edges) == len(layers) - 1 and all(b == a + 1 for a, b in edges)
    if isinstance(obj, Instance):
        # A training wrapper (a LightningModule whose forward is `self.model(x)`) adds
        # no layer of its own: the record is the network it wraps, trained as it says.
        cls = _wrapped(ix, group) or obj.cls
        module = cls.module
        name = cls.name
        framework = cls.framework or "pytorch"
        style = "subclass" if framework == "keras" else "module"
        start, end = module.line(cls.node), module.end_line(cls.node)
    else:
        name = cand.func_name or cand.name or "model"
        framework = getattr(obj, "framework", "keras")
        if isinstance(obj, SequentialObj):
            style = "sequential"
            # Layers built just before the container (`layers = [...]`) are its definition.
            # A backbone made earlier (`conv_base = VGG16(...)` cells before) is not.
            home = module.source.locate(obj.line)[0]
            lines = [ix.graph.nodes[n].line for n in group.nodes
                     if ix.graph.nodes[n].module is module
                     and obj.line - 100 <= ix.graph.nodes[n].line <= obj.line
                     and ix.graph.nodes[n].layer.type != "Pretrained"
                     and module.source.locate(ix.graph.nodes[n].line)[0] == home]
            start, end = min(lines + [obj.line]), max(obj.last_line, obj.line)
        elif isinstance(obj, FunctionalModel):
            style = "functional"
            # Its lines are those of the layers applied where `Model(...)` is called: not
            # a custom layer's class body (`AttentionLayer` cells before), nor another cell.
            home = module.source.locate(obj.line)[0]
            bodies = [(module.line(c.node), module.end_line(c.node))
                      for c in ix.program.every_class() if c.module is module]
            lines = [line for line in (ix.graph.nodes[n].line for n in group.nodes
                                       if ix.graph.nodes[n].module is module)
                     if module.source.locate(line)[0] == home and line <= obj.line
                     and not any(a <= line <= b and not a <= obj.line <= b
                                 for a, b in bodies)]
            start, end = min(lines + [obj.line]), max(lines + [obj.line])
        else:
            style = "functional" if framework == "keras" else "module"
            start = end = cand.line
            if isinstance(obj, LayerObj):
                lines = [ix.graph.nodes[n].line for n in group.nodes
                         if ix.graph.nodes[n].module is module]
                end = max(lines + [start])
    cell, first = module.source.locate(start)
    end_cell, last = module.source.locate(end)
    span = (first, last if end_cell == cell and last >= first else first)
    hyperparameters = {}
    for hp_name, event in hyper.items():
        hcell, hline = _where(by_rel, event.file or event.module.rel, event.line)
        api = event.extra.get("api")
        hyperparameters[hp_name] = Hyperparameter(json_safe(event.value), event.file or
                                                  event.module.rel, hline, event.how, hcell,
                                                  api if isinstance(api, str) else None,
                                                  _selected_at(by_rel, event))
    preprocessing = []
    for event in prep:
        pcell, pline = _where(by_rel, event.file or event.module.rel, event.line)
        preprocessing.append(Preprocessing(event.value["kind"], event.value["api"],
                                           event.file or event.module.rel, pline,
                                           event.value["args"], pcell))
    return Model(project, module.rel, cell, span, name, framework, style, tuple(layers),
                 None if chain or not layers else tuple(edges), hyperparameters,
                 tuple(d.id for d in datasets), tuple(preprocessing),
                 dataset_evidence=tuple(datasets), undecided=_undecided(ix, group))
