"""`exnet check`: the environment of the checked code and what its nearest corpus
models' projects report.

The environment is read by the facts stage (`exnet.facts.path_environment`) from the
checked file, notebook or folder. The reported results come from the task's
projects.jsonl (the `results` that mine stores): those attached to a neighbour model
(`level` "model") and, apart, those its project reports without naming a model
(`level` "project"). They are the projects' numbers, not reproduced.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from exnet.records import REPORTED


def _projects(task_dir: Path) -> list[dict[str, Any]]:
    path = task_dir / "projects.jsonl"
    out: list[dict[str, Any]] = []
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("full_name"), str):
                out.append(rec)
    return out


def neighbour_results(task_dir: Path, neighbours: Iterable[tuple[str, str]]
                      ) -> dict[str, list[dict[str, Any]]]:
    """{model id: its results, then its project's unattached ones} for (id, project)
    pairs; ids without any result are left out."""
    by_project = {p["full_name"]: p for p in _projects(task_dir)}
    out: dict[str, list[dict[str, Any]]] = {}
    for model_id, project in neighbours:
        results = [r for r in (by_project.get(project) or {}).get("results") or ()
                   if isinstance(r, dict) and isinstance(r.get("value"), (int, float))]
        own = [dict(r, level="model") for r in results if r.get("model") == model_id]
        loose = [dict(r, level="project") for r in results if r.get("model") is None]
        if own or loose:
            out[model_id] = own + loose
    return out


def result_text(r: Mapping[str, Any]) -> str:
    """"accuracy 87.5% (test, imdb)", "wall_time 31.4 s"."""
    unit = r.get("unit")
    value = f"{r['value']:g}" + ("%" if unit == "%" else f" {unit}" if unit else "")
    where = ", ".join(str(x) for x in (r.get("split"), r.get("dataset"), r.get("label"))
                      if x)
    return f"{r.get('metric')} {value}" + (f" ({where})" if where else "")


def results_lines(results: list[dict[str, Any]]) -> list[str]:
    """Lines for the text report, model results first."""
    lines = []
    for level, title in (("model", "reported for this model"),
                         ("project", "reported by its project")):
        chosen = [result_text(r) for r in results if r.get("level") == level]
        if chosen:
            lines.append(f"{title}: " + "; ".join(chosen[:6])
                         + (f"; … {len(chosen) - 6} more" if len(chosen) > 6 else ""))
    if lines:
        lines[-1] += f" — {REPORTED}"
    return lines


def environment_lines(env: Mapping[str, Any] | None) -> list[str]:
    """The environment as the text report shows it: the statement and where it is from."""
    if not env or not env.get("statement"):
        return ["environment: no framework import or pin found"]
    lines = [f"environment: {env['statement']}"]
    for era in env.get("eras") or ():
        ev = (era.get("evidence") or [{}])[0]
        where = f"{ev.get('file')}:{ev.get('line')}" if ev.get("cell") is None else \
            f"{ev.get('file')} cell {ev.get('cell')}:{ev.get('line')}"
        lines.append(f"  {era.get('api')} at {where}" +
                     (f" needs {era['needs']}" if era.get("needs") else ""))
    return lines
