"""Where a model stands in the corpus: hyperparameter percentiles and nearest models.

Percentiles are exact over the corpus models that have a resolved value (`how` other
than "expression"): `below` is the share of those models with a strictly smaller value,
`above` the share with a strictly larger one, and `agree` how many have the same value.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from exnet.editdistance import distance, edit_script
from exnet.records import model_id
from exnet.sequences import core_sequence, full_sequence

NUMERIC = ("learning_rate", "batch_size", "epochs")
CATEGORICAL = ("optimizer", "loss")
T = TypeVar("T", str, float)


def resolved(record: Mapping[str, Any], name: str) -> Any:
    """A record's resolved hyperparameter value, or None."""
    hp = (record.get("hyperparameters") or {}).get(name)
    if not hp or hp.get("how") == "expression":
        return None
    return hp.get("value")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@dataclass(frozen=True)
class Placement:
    """One hyperparameter of the user's model against the corpus."""

    name: str
    value: Any
    n: int                      # corpus models with a resolved value
    agree: int                  # corpus models with the same value
    most_common: Any
    most_common_count: int
    median: float | None = None
    below: float | None = None  # % of corpus values strictly smaller
    above: float | None = None  # % of corpus values strictly larger
    low: float | None = None    # corpus minimum
    high: float | None = None   # corpus maximum

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if v is not None}
        out["value"] = self.value
        return out

    def sentence(self, task: str) -> str:
        if self.n == 0:
            return f"{self.name} {self.value}: no {task} model in the corpus sets it"
        if self.median is None:
            share = 100 * self.agree / self.n
            return (f"{self.name} {self.value}: {self.agree} of {self.n} {task} models "
                    f"({share:.0f}%) agree; most common is {self.most_common} "
                    f"({self.most_common_count})")
        where = (f"above {self.below:.0f}%" if (self.below or 0) >= (self.above or 0)
                 else f"below {self.above:.0f}%")
        return (f"{self.name} {_fmt(self.value)} is {where} of {self.n} {task} models, "
                f"whose median is {_fmt(self.median)}; most common {_fmt(self.most_common)} "
                f"({self.most_common_count}); {self.agree} agree")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def place(name: str, value: Any, corpus: Sequence[Mapping[str, Any]]) -> Placement:
    values = [v for v in (resolved(r, name) for r in corpus) if v is not None]
    if name in NUMERIC:
        x = _number(value)
        nums = sorted(n for n in (_number(v) for v in values) if n is not None)
        numbers = Counter(nums)
        top_number, top_count = _most_common(numbers)
        if x is None or not nums:
            return Placement(name, value, len(nums), 0, top_number, top_count)
        below = 100 * sum(1 for v in nums if v < x) / len(nums)
        above = 100 * sum(1 for v in nums if v > x) / len(nums)
        return Placement(name, value, len(nums), numbers.get(x, 0), _plain(top_number),
                         top_count, _plain(statistics.median(nums)), below, above,
                         _plain(nums[0]), _plain(nums[-1]))
    texts = Counter(str(v) for v in values)
    top_text, top_count = _most_common(texts)
    return Placement(name, value, texts.total(), texts.get(str(value), 0), top_text,
                     top_count)


def _most_common(counts: Counter[T]) -> tuple[T | None, int]:
    """The most common value (the smallest among equally common ones) and its count;
    (None, 0) when there is none."""
    if not counts:
        return None, 0
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _plain(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


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
    """The k corpus models whose core sequences are closest to the model's."""
    mine = core_sequence(full_sequence(model))
    by_seq: dict[tuple[str, ...], float] = {}
    scored = []
    for record in corpus:
        seq = core_sequence(full_sequence(record))
        if seq not in by_seq:
            by_seq[seq] = distance(mine, seq)
        scored.append((by_seq[seq], model_id(record), record, seq))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [Neighbour(mid, r["project"], r["file"], r["span"][0], r["name"], d, seq,
                      edit_script(mine, seq), github_url(r, shas))
            for d, mid, r, seq in scored[:k]]
