"""Aggregate stage: the model table and the project table of the summary.

Tables are {"columns": [...], "rows": [[...], ...]}: for 10,000 models this is a
fraction of the size of one object per model, and the site indexes columns by name.
Model rows are ordered by model id; every other part of the summary refers to a model
by its row number in this table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MODEL_COLUMNS = ("id", "project", "file", "cell", "line", "name", "framework", "style",
                 "core", "full", "optimizer", "learning_rate", "batch_size", "epochs",
                 "loss", "datasets", "params", "size", "stars", "tricks", "x", "y",
                 "neighbours")
#: Hyperparameters shown in the model table (resolved values only).
KEY_HYPERPARAMETERS = ("optimizer", "learning_rate", "batch_size", "epochs", "loss")
PROJECT_COLUMNS = ("full_name", "url", "sha", "stars", "forks", "license", "topics",
                   "created", "pushed", "default_branch", "models")


def key_hyperparameter(rec: Mapping[str, Any], name: str) -> Any:
    """A resolved scalar value (strings lower-cased like the distributions), else None."""
    hp = (rec.get("hyperparameters") or {}).get(name)
    if not isinstance(hp, Mapping) or hp.get("how") == "expression":
        return None
    v = hp.get("value")
    if isinstance(v, str):
        return v.lower()
    return v if isinstance(v, (int, float, bool)) else None


def model_neighbours(seq_of_model: Sequence[int], seq_rows: Sequence[Sequence[int]],
                     near: Sequence[Sequence[tuple[int, float]]],
                     k: int) -> list[list[list[Any]]]:
    """Per model, [row, distance] of its k nearest other models: models with the same
    core sequence first (distance 0, by row), then those of the nearest sequences."""
    candidates: list[list[tuple[int, float]]] = []
    for s, rows in enumerate(seq_rows):
        cand = [(r, 0.0) for r in rows[:k + 1]]
        for o, d in near[s]:
            cand += [(r, d) for r in seq_rows[o][:k]]
        candidates.append(cand)
    out = []
    for row, s in enumerate(seq_of_model):
        picked = [[r, d] for r, d in candidates[s] if r != row][:k]
        out.append(picked)
    return out


def project_table(projects: Sequence[Mapping[str, Any]],
                  models_per_project: Mapping[str, int]) -> dict[str, Any]:
    """Projects listed in projects.jsonl or referenced by a model, by full name.

    Only facts are kept (no description: the corpus holds no prose from repositories).
    """
    by_name: dict[str, Mapping[str, Any]] = {}
    for p in projects:
        by_name.setdefault(p["full_name"], p)
    rows = []
    for name in sorted(set(by_name) | set(models_per_project)):
        p = by_name.get(name, {})
        row: list[Any] = [name]
        for col in PROJECT_COLUMNS[1:-1]:
            v = p.get(col)
            if col == "topics":
                v = sorted(t for t in v if isinstance(t, str)) if isinstance(v, list) else []
            elif isinstance(v, dict):           # e.g. a GitHub license object
                v = v.get("spdx_id") or v.get("key") or v.get("name")
            elif not isinstance(v, (str, int, float, type(None))) or isinstance(v, bool):
                v = None
            row.append(v)
        row.append(models_per_project.get(name, 0))
        rows.append(row)
    return {"columns": list(PROJECT_COLUMNS), "rows": rows}
