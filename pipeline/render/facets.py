"""Render stage: the facets the task page filters and splits by.

The summary's facets (framework, dataset, code style, layer types, size, stars,
tricks) and those of the projects' facts (framework and era, reported results, licence
kind, Python version: exnet.render.facts), each without its "unknown" value and left
out when that is all it has (a filter or sort on data the corpus does not have would
mislead: the bundled corpus records no stars), plus two the
site derives from the records: the era a project was created in (from `created` in the
projects table) and the input preparation found for a model (tokenizer, padding,
pretrained embeddings, augmentation, ...; "none found" otherwise).

Every facet has the summary's shape: {key, legend, multi, values, counts, models:
[[rows] per value]}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exnet.render.corpus import TaskSource
from exnet.render.facts import fact_facets
from exnet.render.tables import TaskTables

#: Summary facets in the order the filters show them, with their legends.
SUMMARY_FACETS = (("framework", "Framework"), ("dataset", "Dataset"),
                  ("style", "Code style"), ("layer", "Layer types present"),
                  ("size", "Model size (parameters)"), ("stars", "Project stars"),
                  ("trick", "Tricks"))
#: Eras of a project's creation: (label, first year, last year).
ERAS = (("before 2019", 0, 2018), ("2019–2020", 2019, 2020), ("2021–2022", 2021, 2022),
        ("2023–2024", 2023, 2024), ("2025 on", 2025, 9999))
UNKNOWN = "unknown"
NO_PREPARATION = "none found"


def _facet(key: str, legend: str, values: list[str], rows: list[list[int]],
           multi: bool) -> dict[str, Any]:
    return {"key": key, "legend": legend, "multi": multi, "values": values,
            "counts": [len(r) for r in rows], "models": rows}


def _era(created: Any) -> str:
    year = str(created or "")[:4]
    if not year.isdigit():
        return UNKNOWN
    return next(label for label, lo, hi in ERAS if lo <= int(year) <= hi)


def era_facet(tables: TaskTables) -> dict[str, Any] | None:
    """Models by the era their project was created in."""
    eras = [_era((tables.projects.get(str(p)) or {}).get("created"))
            for p in tables.models["project"]]
    order = [label for label, _, _ in ERAS] + [UNKNOWN]
    values = [v for v in order if v in eras]
    if not values or values == [UNKNOWN]:
        return None
    return _facet("era", "Era (project created)", values,
                  [[r for r, e in enumerate(eras) if e == v] for v in values], False)


def preparation_facet(task: TaskSource, tables: TaskTables) -> dict[str, Any] | None:
    """Models by the kinds of input preparation found for them (several per model)."""
    kinds: list[set[str]] = []
    for model in tables.models["id"]:
        steps = (task.records.get(model) or {}).get("preprocessing") or []
        kinds.append({str(s.get("kind")) for s in steps
                      if isinstance(s, Mapping) and s.get("kind")})
    found = sorted(set().union(*kinds), key=lambda k: (-sum(k in s for s in kinds), k))
    if not found:
        return None
    values = found + [NO_PREPARATION]
    rows = [[r for r, s in enumerate(kinds) if v in s] for v in found]
    rows.append([r for r, s in enumerate(kinds) if not s])
    return _facet("prep", "Input preparation", values, rows, True)


def task_facets(task: TaskSource, tables: TaskTables) -> list[dict[str, Any]]:
    """The facets of a task, in the order the filters show them."""
    out = []
    summary = task.summary.get("facets") or {}
    for key, legend in SUMMARY_FACETS:
        facet = summary.get(key) or {}
        values = [str(v) for v in facet.get("values") or []]
        if not values or all(v == UNKNOWN for v in values):
            continue
        rows = [list(r) for r in facet.get("models") or [[] for _ in values]]
        out.append(_facet(key, legend, values, rows, bool(facet.get("multi"))))
    out.extend(fact_facets(task))
    for extra in (preparation_facet(task, tables), era_facet(tables)):
        if extra is not None:
            out.append(extra)
    return [f for f in map(_known, out) if f["values"]]


def _known(facet: dict[str, Any]) -> dict[str, Any]:
    """The facet without its "unknown" value: the site says nothing of what it does
    not know (no checkbox for it)."""
    keep = [i for i, v in enumerate(facet["values"]) if v != UNKNOWN]
    return {**facet, "values": [facet["values"][i] for i in keep],
            "counts": [facet["counts"][i] for i in keep],
            "models": [facet["models"][i] for i in keep]}
