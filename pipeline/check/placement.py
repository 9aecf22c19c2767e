"""Where a model stands in the corpus: the group it is compared with, hyperparameter
percentiles, and the nearest corpus models.

The group is the task's models trained on the same family of datasets
(`exnet.taskfit.dataset_family`) when the corpus has at least `MIN_GROUP` of them, else
all the task's models. A learning rate is placed among the group's models that use the
same optimizer, when there are `MIN_GROUP` of those (SGD runs at 0.1 where Adam runs at
0.001). The figures (median, quartiles, most common value) are `exnet.figures`', the
ones the site shows. Percentiles are exact over the models with a resolved value:
`below` is the share with a strictly smaller value, `above` with a strictly larger one,
and `agree` how many have the same value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from exnet.editdistance import distance, edit_script
from exnet.figures import (
    CATEGORICAL,
    NUMERIC,
    Numeric,
    categorical,
    number,
    numeric,
    plain,
    resolved,
)
from exnet.records import model_id
from exnet.sequences import core_sequence, full_sequence
from exnet.taskfit import dataset_family

__all__ = ["CATEGORICAL", "NUMERIC", "Group", "Neighbour", "Placement", "group_for",
           "nearest", "place", "resolved"]
MIN_GROUP = 10


@dataclass(frozen=True)
class Group:
    """The corpus models a model is compared with, and how sentences name them."""

    records: Sequence[Mapping[str, Any]]
    label: str                  # "text-classification models", "sentiment ... models"
    family: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"models": len(self.records), "label": self.label, "family": self.family}


def group_for(model: Mapping[str, Any], corpus: Sequence[Mapping[str, Any]],
              task: str) -> Group:
    """The family group of `model` when the corpus has MIN_GROUP of it, else the task."""
    family = dataset_family(model)
    if family is not None:
        same = [r for r in corpus if dataset_family(r) == family]
        if len(same) >= MIN_GROUP:
            return Group(same, f"{task} models on {family} data", family)
    return Group(corpus, f"{task} models")


@dataclass(frozen=True)
class Placement:
    """One hyperparameter of the user's model against a group of corpus models."""

    name: str
    value: Any
    label: str                  # the models compared with ("... models using adam")
    n: int                      # of them, with a resolved value
    agree: int                  # with the same value
    most_common: Any
    most_common_count: int
    figure: Numeric | None = None
    below: float | None = None  # % of values strictly smaller
    above: float | None = None  # % of values strictly larger

    @property
    def median(self) -> float | None:
        return self.figure.median if self.figure else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "against": self.label, "n": self.n,
                               "agree": self.agree, "most_common": self.most_common,
                               "most_common_count": self.most_common_count}
        if self.figure is not None:
            f = self.figure
            out.update({"median": f.median, "q1": f.q1, "q3": f.q3, "low": f.low,
                        "high": f.high})
        if self.below is not None:
            out.update({"below": self.below, "above": self.above})
        return out

    def sentence(self) -> str:
        if self.n == 0:
            return f"{self.name} {self.value}: none of the {self.label} sets it"
        if self.figure is None:
            share = 100 * self.agree / self.n
            return (f"{self.name} {self.value}: {self.agree} of {self.n} {self.label} "
                    f"({share:.0f}%) agree; most common is {self.most_common} "
                    f"({self.most_common_count})")
        f = self.figure
        where = (f"above {self.below:.0f}%" if (self.below or 0) >= (self.above or 0)
                 else f"below {self.above:.0f}%")
        return (f"{self.name} {_fmt(self.value)} is {where} of {self.n} {self.label}, "
                f"whose median is {_fmt(f.median)} (middle half {_fmt(f.q1)} to "
                f"{_fmt(f.q3)}); most common {_fmt(self.most_common)} "
                f"({self.most_common_count}); {self.agree} agree")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def place(name: str, value: Any, group: Group, optimizer: Any = None) -> Placement:
    """`value` of hyperparameter `name` among the group (for the learning rate: among
    its models with the same `optimizer`, when there are MIN_GROUP of them)."""
    records, label = group.records, group.label
    if name == "learning_rate" and isinstance(optimizer, str):
        same = [r for r in records if resolved(r, "optimizer") == optimizer.lower()]
        if sum(1 for r in same if resolved(r, name) is not None) >= MIN_GROUP:
            records, label = same, f"{label} using {optimizer.lower()}"
    values = [v for v in (resolved(r, name) for r in records) if v is not None]
    if name in NUMERIC:
        figure = numeric(values)
        x = number(value)
        if figure is None:
            return Placement(name, value, label, 0, 0, None, 0)
        nums = [v for v in (number(v) for v in values) if v is not None]
        if x is None:
            return Placement(name, value, label, figure.n, 0, figure.most_common,
                             figure.most_common_count, figure)
        below = 100 * sum(1 for v in nums if v < x) / len(nums)
        above = 100 * sum(1 for v in nums if v > x) / len(nums)
        agree = sum(1 for v in nums if plain(v) == plain(x))
        return Placement(name, value, label, figure.n, agree, figure.most_common,
                         figure.most_common_count, figure, below, above)
    cat = categorical(values)
    if cat is None:
        return Placement(name, value, label, 0, 0, None, 0)
    counts = dict(cat.top)
    return Placement(name, value, label, cat.n, counts.get(str(value).lower(), 0),
                     cat.top[0][0], cat.top[0][1])


@dataclass(frozen=True)
class Neighbour:
    id: str
    project: str
    file: str
    line: int
    name: str
    distance: float
    core: tuple[str, ...]
    edits: list[list[object]]     # turn the user's core sequence into this one
    url: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "project": self.project, "file": self.file, "line": self.line,
                "name": self.name, "distance": self.distance, "core": list(self.core),
                "edits": self.edits, "url": self.url}


def github_url(record: Mapping[str, Any], shas: Mapping[str, str]) -> str | None:
    project = str(record.get("project", ""))
    if project.count("/") != 1 or not all(part and part.replace("-", "").replace(
            "_", "").replace(".", "").isalnum() for part in project.split("/")):
        return None
    sha = shas.get(project, "HEAD")
    url = f"https://github.com/{project}/blob/{sha}/{quote(str(record['file']))}"
    return url if record.get("cell") is not None else f"{url}#L{record['span'][0]}"


def nearest(model: Mapping[str, Any], corpus: Sequence[Mapping[str, Any]],
            shas: Mapping[str, str], k: int = 3) -> list[Neighbour]:
    """The k corpus models whose core sequences are closest to the model's; a project's
    copies of one core sequence count once (its first model by id)."""
    mine = core_sequence(full_sequence(model))
    by_seq: dict[tuple[str, ...], float] = {}
    scored = []
    for record in corpus:
        seq = core_sequence(full_sequence(record))
        if seq not in by_seq:
            by_seq[seq] = distance(mine, seq)
        scored.append((by_seq[seq], model_id(record), record, seq))
    scored.sort(key=lambda s: (s[0], s[1]))
    out: list[Neighbour] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for d, mid, r, seq in scored:
        if (r["project"], seq) in seen:
            continue
        seen.add((r["project"], seq))
        out.append(Neighbour(mid, r["project"], r["file"], r["span"][0], r["name"], d, seq,
                             edit_script(mine, seq), github_url(r, shas)))
        if len(out) == k:
            break
    return out
