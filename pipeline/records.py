"""Records: the contract between pipeline stages.

Every stage reads the previous stage's records and writes its own, as JSON lines. The
records are frozen dataclasses; `to_json()` gives the exact JSON shape documented in
docs/RECORDS.md ("exnet.project/1", "exnet.model/2", "exnet.failure/1"), with keys in a
fixed order so output is deterministic.

Schema `exnet.project/1` (one project to mine: one line of projects.jsonl, written by
discover and completed by mine):

- full_name: "owner/name" (for a local checkout without a GitHub remote: the folder name)
- url: the project's web page (https), or null
- default_branch, sha: the branch searched and the commit mined
- stars, forks: GitHub counts at discovery (null when unknown)
- license: SPDX id (GitHub's, or guessed from the LICENSE file of a checkout), or null
- description, topics: GitHub's
- created, pushed: ISO 8601 UTC times (for checkouts: first and last commit)
- source: "github" | "manifest" | "local"
- note: only when a checkout's identity was refused (a `.git` file or symlink)
- mine adds: status ("extracted" | "failed"), reason (why it failed, else null),
  models and failures (how many records the project has in models.jsonl and
  failures.jsonl), mined (the UTC date it was extracted, YYYY-MM-DD)

Schema `exnet.model/2` (one architecture a project defines; docs/RECORDS.md has the
history of versions):

- project: "owner/name" (or the folder name for local checkouts)
- file: repo-relative POSIX path of the file holding the definition
- cell: index of the notebook cell (in the notebook's cell list) holding the definition,
  null for .py files; in notebooks every `line` is relative to its cell and layers,
  hyperparameters and preprocessing steps carry their own `cell`
- span: [first, last] line of the definition
- name: class, function or variable name
- framework: one of FRAMEWORKS ("keras" | "pytorch" | "flax"; "flax" is an added value
  of version 2, not a new version)
- style: "sequential" | "functional" | "subclass" | "module"
- layers: in order of the forward computation (see `Layer`)
- edges: null for a chain, else [[i, j], ...] indices into layers for a DAG
- hyperparameters: canonical name -> `Hyperparameter`
- datasets: canonical dataset ids, loader calls first, README mentions second
- preprocessing: how the input is prepared (see `Preprocessing`), an exnet extension
- occurrences: every place the same architecture is defined in the project (see
  `Occurrence`; `exnet.extract.identity` says when two definitions are one), the
  record's own place among them; new in version 2
- blocks: names of the project's building-block classes (a residual block, an attention
  module) inlined into this model; they are never models of their own; new in version 2
- dataset_evidence: for each of `datasets`, where it is seen (see `DatasetEvidence`);
  new in version 2
- undecided: the conditions and loop counts in the code that builds this model that the
  extractor could not decide statically (see `Undecided`); present only when there
  are some (an addition to version 2: readers ignore keys they do not know)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

PROJECT_SCHEMA = "exnet.project/1"
MODEL_SCHEMA = "exnet.model/2"
#: Model schemas the later stages read: version 1 lacks `occurrences` and `blocks`.
MODEL_SCHEMAS = ("exnet.model/1", MODEL_SCHEMA)
FAILURE_SCHEMA = "exnet.failure/1"
#: The frameworks a model record may name (`Model.framework`).
FRAMEWORKS = ("keras", "pytorch", "flax")
#: A task's summary.json, written by aggregate and read by render; its structure is
#: documented in the `exnet.aggregate` docstring.
SUMMARY_SCHEMA = "exnet.summary/1"

#: How a hyperparameter value was found (docs/RECORDS.md, `how`): a literal at the use site, a name
#: bound in the module, an argparse default, a config dict/class, or unresolved source text.
HOW_VALUES = ("literal", "constant", "argparse", "config", "expression")


@dataclass(frozen=True)
class Project:
    """One project to mine; fields as in the module docstring (schema exnet.project/1).

    `clone_url` and `path` are what fetch needs; they are not part of the record."""

    full_name: str
    url: str | None
    clone_url: str | None          # where fetch clones from; None for a local checkout
    default_branch: str | None
    sha: str | None                # None until fetch resolves the branch head
    stars: int | None = None
    forks: int | None = None
    license: str | None = None
    description: str | None = None
    topics: tuple[str, ...] = ()
    created: str | None = None
    pushed: str | None = None
    source: str = "github"
    path: str | None = field(default=None, compare=False)   # a local checkout's folder
    note: str | None = None        # why a checkout's own identity was not taken

    def to_json(self, **extra: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": PROJECT_SCHEMA}
        for key in ("full_name", "url", "default_branch", "sha", "stars", "forks", "license",
                    "description", "topics", "created", "pushed", "source"):
            value = getattr(self, key)
            out[key] = list(value) if isinstance(value, tuple) else value
        if self.note:
            out["note"] = self.note
        out.update(extra)
        return out

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Project:
        data = dict(data)
        data["topics"] = tuple(data.get("topics") or ())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Layer:
    """One layer in the forward order: canonical `type`, `api` as written, canonical `args`."""

    type: str
    api: str
    line: int
    args: Mapping[str, Any] = field(default_factory=dict)
    cell: int | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Layer:
        return cls(d["type"], d["api"], d["line"], dict(d.get("args") or {}), d.get("cell"))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "api": self.api, "line": self.line}
        if self.cell is not None:
            out["cell"] = self.cell
        out["args"] = dict(self.args)
        return out


@dataclass(frozen=True)
class Hyperparameter:
    """A hyperparameter value with its provenance; `how` is one of HOW_VALUES."""

    value: Any
    file: str
    line: int
    how: str
    cell: int | None = None
    api: str | None = None     # optimizer and loss: the name as written ("nn.BCELoss")
    # Where the model was picked at run time, when the setting reached it that way
    # (`if args.model == ...`, `MODELS[args.model]`): {"file", "line", "cell"?}.
    selected_at: Mapping[str, Any] | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Hyperparameter:
        return cls(d["value"], d["file"], d["line"], d["how"], d.get("cell"), d.get("api"),
                   d.get("selected_at"))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "file": self.file, "line": self.line}
        if self.cell is not None:
            out["cell"] = self.cell
        out["how"] = self.how
        if self.api is not None:
            out["api"] = self.api
        if self.selected_at is not None:
            out["selected_at"] = dict(self.selected_at)
        return out


@dataclass(frozen=True)
class Preprocessing:
    """An input-preparation step: kind is tokenizer, vectorizer, padding, embeddings,
    resize, augmentation or normalization; `api` as written; `args` resolved values."""

    kind: str
    api: str
    file: str
    line: int
    args: Mapping[str, Any] = field(default_factory=dict)
    cell: int | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Preprocessing:
        return cls(d["kind"], d["api"], d["file"], d["line"], dict(d.get("args") or {}),
                   d.get("cell"))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "api": self.api, "file": self.file,
                               "line": self.line}
        if self.cell is not None:
            out["cell"] = self.cell
        out["args"] = dict(self.args)
        return out


@dataclass(frozen=True)
class DatasetEvidence:
    """Why a model is tagged with a dataset: a loader call in the code that feeds it
    (`source` "loader") or, failing that, a README mention ("readme")."""

    id: str
    file: str
    line: int
    cell: int | None
    source: str

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DatasetEvidence:
        return cls(d["id"], d["file"], d["line"], d.get("cell"), d["source"])

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "line": self.line, "cell": self.cell,
                "source": self.source}


@dataclass(frozen=True)
class Occurrence:
    """A place where a model's architecture is defined: `role` is "trained" (training
    code uses it there), "inference" (rebuilt to load trained weights) or "definition"."""

    file: str
    cell: int | None
    span: tuple[int, int]
    name: str
    role: str

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Occurrence:
        return cls(d["file"], d.get("cell"), (d["span"][0], d["span"][1]), d["name"], d["role"])

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "cell": self.cell, "span": list(self.span),
                "name": self.name, "role": self.role}


@dataclass(frozen=True)
class Undecided:
    """A condition or loop count in the code that builds a model's layers that could not
    be decided statically (an unknown value, an argument nobody passes): `what` says
    what it is and what the extractor did instead (followed the first branch, walked
    the loop once)."""

    file: str
    line: int
    cell: int | None
    what: str

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Undecided:
        return cls(d["file"], d["line"], d.get("cell"), d["what"])

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "cell": self.cell, "what": self.what}


@dataclass(frozen=True)
class Model:
    """One model record (schema exnet.model/2); field meanings in the module docstring."""

    project: str
    file: str
    cell: int | None
    span: tuple[int, int]
    name: str
    framework: str
    style: str
    layers: tuple[Layer, ...]
    edges: tuple[tuple[int, int], ...] | None = None
    hyperparameters: Mapping[str, Hyperparameter] = field(default_factory=dict)
    datasets: tuple[str, ...] = ()
    preprocessing: tuple[Preprocessing, ...] = ()
    occurrences: tuple[Occurrence, ...] = ()
    blocks: tuple[str, ...] = ()
    dataset_evidence: tuple[DatasetEvidence, ...] = ()
    undecided: tuple[Undecided, ...] = ()

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Model:
        """The record `to_json` wrote (`Model.from_json(m.to_json()).to_json()` equals
        `m.to_json()`); the extraction cache keeps records this way."""
        edges = d.get("edges")
        return cls(
            d["project"], d["file"], d.get("cell"), (d["span"][0], d["span"][1]), d["name"],
            d["framework"], d["style"], tuple(Layer.from_json(x) for x in d["layers"]),
            None if edges is None else tuple((e[0], e[1]) for e in edges),
            {k: Hyperparameter.from_json(v) for k, v in d.get("hyperparameters", {}).items()},
            tuple(d.get("datasets", ())),
            tuple(Preprocessing.from_json(x) for x in d.get("preprocessing", ())),
            tuple(Occurrence.from_json(x) for x in d.get("occurrences", ())),
            tuple(d.get("blocks", ())),
            tuple(DatasetEvidence.from_json(x) for x in d.get("dataset_evidence", ())),
            tuple(Undecided.from_json(x) for x in d.get("undecided", ())))

    def to_json(self) -> dict[str, Any]:
        places = self.occurrences or (Occurrence(self.file, self.cell, self.span, self.name,
                                                 "definition"),)
        return {
            "schema": MODEL_SCHEMA,
            "project": self.project,
            "file": self.file,
            "cell": self.cell,
            "span": list(self.span),
            "name": self.name,
            "framework": self.framework,
            "style": self.style,
            "layers": [layer.to_json() for layer in self.layers],
            "edges": None if self.edges is None else [list(e) for e in self.edges],
            "hyperparameters": {k: self.hyperparameters[k].to_json()
                                for k in sorted(self.hyperparameters)},
            "datasets": list(self.datasets),
            "preprocessing": [p.to_json() for p in self.preprocessing],
            "occurrences": [o.to_json() for o in places],
            "blocks": list(self.blocks),
            "dataset_evidence": [d.to_json() for d in self.dataset_evidence],
            **({"undecided": [u.to_json() for u in self.undecided]} if self.undecided
               else {}),
        }


@dataclass(frozen=True)
class Failure:
    """A file (or project) that could not be read, and why; the run goes on."""

    file: str
    reason: str
    line: int | None = None
    project: str | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Failure:
        return cls(d["file"], d["reason"], d.get("line"), d.get("project"))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": FAILURE_SCHEMA}
        if self.project is not None:
            out["project"] = self.project
        out["file"] = self.file
        out["reason"] = self.reason
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass(frozen=True)
class SetAside:
    """A definition that is not a model of its project, and why: a class or builder that
    none of the project's code uses, or a pretrained model used as it is, in a project
    that trains another model (docs/ARCHITECTURE.md, "Model identity"). Listed in the
    project record's `set_aside`; counted in no total."""

    file: str
    cell: int | None
    line: int
    name: str
    why: str

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SetAside:
        return cls(d["file"], d.get("cell"), d["line"], d["name"], d["why"])

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file}
        if self.cell is not None:
            out["cell"] = self.cell
        out.update(line=self.line, name=self.name, why=self.why)
        return out


# -- project facts (the facts stage, exnet.facts) --------------------------------------
# Optional fields of exnet.project/1 that mine adds for every project it read:
# `environment`, `results`, `curves` and `licence` (docs/RECORDS.md, "Project facts").

#: Every reported result carries this label: the number is the project's, not ours.
REPORTED = "reported by the project, not reproduced"


@dataclass(frozen=True)
class Evidence:
    """Where a fact is written: a repository-relative file, its line (1-based, in its
    cell for notebooks) and notebook cell; line is null for a whole file or cell output."""

    file: str
    line: int | None = None
    cell: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "cell": self.cell}


@dataclass(frozen=True)
class Pin:
    """One requirement as a dependency file or a notebook's pip line writes it."""

    name: str                  # canonical name ("tensorflow" for tensorflow-gpu too)
    written: str               # the name as written ("tensorflow-gpu")
    specifier: str             # the version specifier, normalised; "" when unpinned
    marker: str | None         # an environment marker (python_version < "3.8")
    evidence: Evidence

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "written": self.written, "specifier": self.specifier,
                "marker": self.marker, **self.evidence.to_json()}


@dataclass(frozen=True)
class Dependency:
    """A library the project names, with every pin of it; `specifier` combines the pins
    that carry no marker, and `conflict` says no version satisfies them all."""

    name: str
    specifier: str
    conflict: bool
    pins: tuple[Pin, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "specifier": self.specifier, "conflict": self.conflict,
                "pins": [p.to_json() for p in self.pins]}


@dataclass(frozen=True)
class Era:
    """An API era the code shows where it is written: `api` is the marker
    (`tf.Session`), `needs` the requirement it implies (`tensorflow<2`) if any."""

    framework: str             # tensorflow | keras | torch | torchtext
    era: str                   # "1.x", "2.x", "0.x", "legacy Field API", ...
    needs: str | None
    api: str
    evidence: tuple[Evidence, ...]     # the first places it is seen (at most 3)

    def to_json(self) -> dict[str, Any]:
        return {"framework": self.framework, "era": self.era, "needs": self.needs,
                "api": self.api, "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True)
class PythonVersion:
    """The Python a project asks for (`specifier`), its major.minor when that is one
    version (`version`), and where it is stated."""

    specifier: str
    version: str | None
    evidence: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        return {"specifier": self.specifier, "version": self.version,
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True)
class Environment:
    """What a project needs to run: see docs/RECORDS.md, "Project facts"."""

    statement: str | None
    uses: tuple[str, ...]              # frameworks the code imports
    frameworks: tuple[Dependency, ...]
    libraries: tuple[Dependency, ...]
    python: PythonVersion | None
    eras: tuple[Era, ...]
    sources: tuple[str, ...]           # the files that state requirements

    def to_json(self) -> dict[str, Any]:
        return {"statement": self.statement, "uses": list(self.uses),
                "frameworks": [d.to_json() for d in self.frameworks],
                "libraries": [d.to_json() for d in self.libraries],
                "python": None if self.python is None else self.python.to_json(),
                "eras": [e.to_json() for e in self.eras], "sources": list(self.sources)}


@dataclass(frozen=True)
class Result:
    """A number the project reports: metric, value as written (`unit` "%" or "s"),
    split and dataset when stated, the model it belongs to when unambiguous."""

    metric: str            # accuracy, loss, f1, auc, precision, recall, error, ...
    value: float
    unit: str | None
    split: str | None      # train | validation | test
    dataset: str | None
    source: str            # "notebook-output" | "readme"
    evidence: Evidence
    model: str | None = None       # `model_id` of the model record, when unambiguous
    label: str | None = None       # the row or model name a README table gives

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "unit": self.unit,
                "split": self.split, "dataset": self.dataset, "model": self.model,
                "label": self.label, "source": self.source,
                "evidence": self.evidence.to_json(), "reported": REPORTED}


@dataclass(frozen=True)
class Curve:
    """Per-epoch training logs printed in one notebook cell's output: `series` maps
    loss, accuracy, val_loss, val_accuracy, test_loss, test_accuracy (a test set
    evaluated every epoch) and seconds to one value per epoch (null where an epoch did
    not print it)."""

    source: str            # "keras-progress" | "epoch-log"
    evidence: Evidence
    epochs: tuple[int, ...]
    series: Mapping[str, tuple[float | None, ...]]
    model: str | None = None
    label: str | None = None    # the model a line before the run names, when a cell has several
    shared: bool = False        # one of several runs in its cell (not written out)

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "label": self.label, "source": self.source,
                "evidence": self.evidence.to_json(), "epochs": list(self.epochs),
                "series": {k: list(self.series[k]) for k in sorted(self.series)},
                "reported": REPORTED}


@dataclass(frozen=True)
class Licence:
    """The licence: SPDX id (null when none or not recognised), kind (permissive |
    copyleft | other | none), how it was found (file | metadata | github) and where."""

    spdx: str | None
    kind: str
    how: str | None
    evidence: Evidence | None

    def to_json(self) -> dict[str, Any]:
        return {"spdx": self.spdx, "kind": self.kind, "how": self.how,
                "evidence": None if self.evidence is None else self.evidence.to_json()}


@dataclass(frozen=True)
class Facts:
    """All facts of one project (the facts stage's output); `problems` are the files it
    could not read, with the reason, kept in the cache only."""

    environment: Environment
    results: tuple[Result, ...]
    curves: tuple[Curve, ...]
    licence: Licence
    problems: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"environment": self.environment.to_json(),
                "results": [r.to_json() for r in self.results],
                "curves": [c.to_json() for c in self.curves],
                "licence": self.licence.to_json(),
                "problems": [list(p) for p in self.problems]}


def model_id(record: Mapping[str, Any]) -> str:
    """A stable id for a model record (JSON form): project, file, cell, first line, name."""
    cell = record.get("cell")
    where = record["file"] if cell is None else f"{record['file']}#cell{cell}"
    return f"{record['project']}:{where}:{record['span'][0]}:{record['name']}"
