"""The corpus figures a model is checked against, each computed in one place.

`exnet check` (its text, JSON and markdown reports) and the site's "check your model"
page both call these functions on the same records, so a median, a quartile or a trick's
share is one number everywhere (`corpus_figures`). What counts:

- the models of the task (`corpus_models`): records of the right shape
  (`exnet.validate.model_problem`), one per model id, and none that belongs to another
  task (`exnet.taskfit.misfit`), as in the aggregate stage's totals;
- resolved values only: a hyperparameter found as an unresolved expression
  (`how == "expression"`) is not a value; categorical values are lower-cased text;
- quartiles by linear interpolation between the sorted values (pandas' default, which
  the aggregate stage uses for the distributions on the task page).

It also holds the robust outlier rules (`OUTLIER_RULES`, `outlier`): a value is unusual
by its distance from the median on a log scale, never by the corpus' extreme values, so
one project that trains 4,000 epochs does not make 3,000 look normal.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exnet.records import MODEL_SCHEMAS, model_id
from exnet.taskfit import misfit
from exnet.tricks import TRICKS, Facts
from exnet.validate import model_problem

Record = Mapping[str, Any]
NUMERIC = ("learning_rate", "batch_size", "epochs")
CATEGORICAL = ("optimizer", "loss")


def corpus_models(records: Iterable[Any], task: str) -> list[dict[str, Any]]:
    """The records that count for `task`: usable (a record without a schema is read as
    version 1), of the task, one per model id, in id order."""
    out: dict[str, dict[str, Any]] = {}
    for rec in records:
        if not isinstance(rec, dict):
            continue
        rec = rec if "schema" in rec else {"schema": MODEL_SCHEMAS[0], **rec}
        if model_problem(rec) is None and misfit(rec, task) is None:
            out.setdefault(model_id(rec), rec)
    return [out[k] for k in sorted(out)]


def resolved(record: Record, name: str) -> Any:
    """A record's resolved value of a hyperparameter (strings lower-cased), or None."""
    hp = (record.get("hyperparameters") or {}).get(name)
    if not isinstance(hp, Mapping) or hp.get("how") == "expression":
        return None
    v = hp.get("value")
    return v.lower() if isinstance(v, str) else v


def number(value: Any) -> float | None:
    """A finite number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def plain(x: float) -> int | float:
    """10 significant digits (0.1 + 0.2 reads 0.3); integral values as int."""
    v = float(f"{float(x):.10g}")
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


@dataclass(frozen=True)
class Numeric:
    """A numeric hyperparameter over the models that set it."""

    n: int
    low: int | float
    q1: int | float
    median: int | float
    q3: int | float
    high: int | float
    most_common: int | float
    most_common_count: int
    #: median absolute deviation of log10(value) (None when a value is not positive)
    log_mad: float | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Categorical:
    """A categorical hyperparameter: how many models set it and its values by count."""

    n: int
    top: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "top": [list(t) for t in self.top]}


@dataclass(frozen=True)
class Share:
    """k of n models."""

    k: int
    n: int

    @property
    def percent(self) -> int:
        return round(100 * self.k / self.n) if self.n else 0

    def to_json(self) -> dict[str, Any]:
        return {"models": self.k, "of": self.n, "percent": self.percent}


def _quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between the sorted values (pandas' default)."""
    pos = q * (len(values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def numeric(values: Iterable[Any]) -> Numeric | None:
    """The figures of the numbers among `values` (None when there is none)."""
    nums = sorted(x for x in (number(v) for v in values) if x is not None)
    if not nums:
        return None
    counts = Counter(plain(x) for x in nums)
    top, top_count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    logs = [math.log10(x) for x in nums] if nums[0] > 0 else None
    mad = None
    if logs is not None:
        centre = statistics.median(logs)
        mad = statistics.median(abs(v - centre) for v in logs)
    return Numeric(len(nums), plain(nums[0]), plain(_quantile(nums, 0.25)),
                   plain(_quantile(nums, 0.5)), plain(_quantile(nums, 0.75)),
                   plain(nums[-1]), top, top_count, mad)


def categorical(values: Iterable[Any]) -> Categorical | None:
    texts = Counter(str(v).lower() for v in values if v is not None)
    if not texts:
        return None
    top = sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Categorical(sum(texts.values()), tuple(top))


@dataclass(frozen=True)
class CorpusFigures:
    """Everything a check compares with, for one group of models."""

    models: int
    numeric: Mapping[str, Numeric]
    categorical: Mapping[str, Categorical]
    tricks: Mapping[str, Share]

    def to_json(self) -> dict[str, Any]:
        return {"models": self.models,
                "hyperparameters": {**{k: v.to_json() for k, v in self.numeric.items()},
                                    **{k: v.to_json() for k, v in self.categorical.items()}},
                "tricks": {k: v.to_json() for k, v in self.tricks.items()}}


def corpus_figures(records: Sequence[Record]) -> CorpusFigures:
    """The figures of a group of models (see the module docstring for what counts)."""
    nums = {name: numeric(resolved(r, name) for r in records) for name in NUMERIC}
    cats = {name: categorical(resolved(r, name) for r in records) for name in CATEGORICAL}
    facts = [Facts.of(r) for r in records]
    tricks = {name: Share(sum(1 for f in facts if rule(f)), len(records))
              for name, rule in TRICKS.items()}
    return CorpusFigures(len(records), {k: v for k, v in nums.items() if v is not None},
                         {k: v for k, v in cats.items() if v is not None}, tricks)


@dataclass(frozen=True)
class OutlierRule:
    """When a value of one hyperparameter is unusual, judged on log10(value).

    Unusual when it is `high` times the median or more, 1/`low` of it or less (None:
    that side is never flagged), or when its robust z-score |log10(value) - median| /
    (1.4826 × MAD) exceeds `z` and it is at least `min_factor` away from the median
    (a corpus whose values barely vary must not flag a neighbour value). An error from
    `error` times (or 1/`error`) the median on.
    """

    high: float
    low: float | None
    z: float = 3.5
    min_factor: float = 3.0
    error: float = 100.0


#: Epochs: many is the mistake, few is fine-tuning; learning rates are compared within
#: the same optimizer when the corpus has enough of it (SGD runs at 0.1, Adam at 0.001).
OUTLIER_RULES = {
    "epochs": OutlierRule(high=50, low=None),
    "learning_rate": OutlierRule(high=30, low=100),
    "batch_size": OutlierRule(high=32, low=32),
}


@dataclass(frozen=True)
class Outlier:
    """Why a value is unusual: its ratio to the median, its robust z-score, a severity."""

    side: str            # "above" or "below"
    ratio: float         # value / median
    z: float | None      # robust z-score on log10 (None when the spread is 0)
    severity: str        # "warning" or "error"


def outlier(name: str, value: Any, figure: Numeric | None) -> Outlier | None:
    """Whether `value` of hyperparameter `name` is unusual against `figure` (the
    `OUTLIER_RULES` of that name), or None."""
    rule = OUTLIER_RULES.get(name)
    x = number(value)
    if rule is None or figure is None or x is None or x <= 0 or figure.median <= 0:
        return None
    ratio = x / figure.median
    z = None
    if figure.log_mad:
        z = (math.log10(x) - math.log10(figure.median)) / (1.4826 * figure.log_mad)
    above = ratio >= rule.high or (z is not None and z > rule.z and ratio >= rule.min_factor)
    below = rule.low is not None and (
        ratio <= 1 / rule.low or (z is not None and z < -rule.z
                                  and ratio <= 1 / rule.min_factor))
    if not (above or below):
        return None
    severe = ratio >= rule.error or ratio <= 1 / rule.error
    return Outlier("above" if above else "below", ratio, z, "error" if severe else "warning")
