"""Facts stage: results a notebook prints as data, a dict or JSON of metrics.

Cells often end by printing their scores as a value rather than as a sentence:

- `{'eval_loss': 0.31, 'eval_accuracy': 0.91, 'epoch': 3.0}` (a Hugging Face
  `trainer.evaluate()`), `{"accuracy": 0.87, "f1": 0.85}`: one result per metric key;
- `{"LSTM": {"accuracy": 0.86}, "GRU": {"accuracy": 0.88}}`: results labelled with the
  outer key, a model's name;
- `[{"model": "baseline", "accuracy": 0.80}, {"model": "finetuned", ...}]`: labelled with
  the `model` (or `name`) field; a list without one is several unnamed things and is
  left out.

A key names the metric and, by its prefix, the split (`test_`, `val_`, `train_`; the
`eval_` of Hugging Face names none, as it evaluates whatever set it is given). Lists of
numbers (a training history) are not results. The text is read with `json` or, for a
Python repr, `ast.literal_eval`, which builds literals and runs nothing; a block is read
only up to `MAX_BLOCK` characters.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from typing import Any

MAX_BLOCK = 20_000
_KEY = re.compile(r"^(?:(?P<split>eval|test|val|valid|validation|train|training)[_ ])?"
                  r"(?P<metric>accuracy|acc|f1|f1[_-]score|precision|recall|loss|auc|"
                  r"roc[_-]auc|top[_-]?5[_-]accuracy)$", re.I)
_SPLITS = {"test": "test", "val": "validation", "valid": "validation",
           "validation": "validation", "train": "train", "training": "train"}
_NAMES = ("model", "name", "model_name")

#: (metric, value, split, label, first line of the block)
Printed = tuple[str, float, "str | None", "str | None", int]


def _metric(key: str) -> tuple[str, str | None] | None:
    m = _KEY.match(key.strip())
    if not m:
        return None
    metric = re.sub(r"[_-]", "", m.group("metric").lower())
    metric = {"acc": "accuracy", "f1score": "f1", "rocauc": "auc"}.get(metric, metric)
    if metric.startswith("top"):
        metric = "top5_accuracy"
    return metric, _SPLITS.get((m.group("split") or "").lower())


def _scores(data: Mapping[Any, Any]) -> list[tuple[str, float, str | None]]:
    out = []
    for key, value in data.items():
        if isinstance(key, str) and isinstance(value, (int, float)) and \
                not isinstance(value, bool) and (named := _metric(key)):
            out.append((named[0], float(value), named[1]))
    return out


def _label(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and 0 < len(value.strip()) <= 40 else None


Stated = tuple[str, float, "str | None", "str | None"]     # metric, value, split, label


def results_of(data: Any) -> list[Stated]:
    """The results a printed value states (see the module docstring)."""
    if isinstance(data, Mapping):
        own: list[Stated] = [(m, v, s, None) for m, v, s in _scores(data)]
        nested: list[Stated] = [(m, v, s, label) for key, inner in data.items()
                  if isinstance(inner, Mapping) and (label := _label(key))
                  for m, v, s in _scores(inner)]
        return own + nested
    if isinstance(data, list) and data and all(isinstance(d, Mapping) for d in data):
        out: list[Stated] = []
        for d in data:
            label = next((_label(d[k]) for k in _NAMES if k in d), None)
            if label is None:
                return []       # unnamed rows: which is which is unclear
            out += [(m, v, s, label) for m, v, s in _scores(d)]
        return out
    return []


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def printed_data(lines: list[str]) -> tuple[list[Printed], set[int]]:
    """The results of the dicts and lists printed in a cell's output lines, and the
    indexes of the lines they take."""
    out: list[Printed] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if not lines[i].startswith(("{", "[")):
            i += 1
            continue
        depth, size, end, j = 0, 0, None, i
        for j in range(i, len(lines)):
            size += len(lines[j]) + 1
            if size > MAX_BLOCK:
                break
            depth += sum(lines[j].count(c) for c in "{[") - sum(lines[j].count(c) for c in "}]")
            if depth <= 0:
                end = j
                break
        if end is None:
            i = j + 1           # unclosed within the bound: its lines are not read again
            continue
        found = results_of(_parse("\n".join(lines[i:end + 1])))
        if found:
            out += [(m, v, s, label, i) for m, v, s, label in found]
            used.update(range(i, end + 1))
        i = end + 1
    return out, used
