"""Render stage: a project's facts as the pages show them — its environment, the results
it reports and its licence — plus the facets and the default model order built on them.

Everything comes from summary.json's `facts` part (exnet.aggregate.facts); a summary
without it (one aggregated before the facts stage) simply shows none. A figure the
corpus lacks is left out, never written as "null", "None" or "unknown": a facet drops
its "unknown" value, a page leaves the line out.

The default model order is the most complete record first (facts' `completeness`: a
licence, an environment statement, a Python version, pins, reported results, stars
known), then the most recently pushed project, then project and name: no sort on a
figure the corpus does not have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exnet.render.corpus import TaskSource
from exnet.render.links import source_url
from exnet.render.tables import TaskTables, columns
from exnet.render.values import format_number

UNKNOWN = "unknown"
#: The facts' facets, in the order the filters show them, with their legends.
FACT_FACETS = (("api_era", "Framework and era"), ("reported_results", "Reported results"),
               ("license_kind", "Licence"), ("python", "Python version"))
ORDER = "most complete records first, then the most recently pushed projects"
METRICS = {"accuracy": "accuracy", "top5_accuracy": "top-5 accuracy", "f1": "F1",
           "auc": "AUC", "precision": "precision", "recall": "recall", "loss": "loss",
           "error": "error", "epoch_time": "time per epoch", "wall_time": "training time"}
LICENCE_KINDS = {"permissive": "permissive", "copyleft": "copyleft",
                 "other": "other terms", "none": "no licence found"}


def facts_table(summary: Mapping[str, Any], name: str) -> dict[str, list[Any]]:
    """One table of the summary's `facts` part by column ({} when it has none)."""
    return columns(((summary.get("facts") or {}).get(name)) or {})


def fact_facets(task: TaskSource) -> list[dict[str, Any]]:
    """The four facts facets in the facet shape of exnet.render.facets, "unknown"
    dropped; a facet with no known value is left out."""
    out = []
    summary = task.summary.get("facets") or {}
    for key, legend in FACT_FACETS:
        facet = summary.get(key) or {}
        pairs = [(str(v), list(rows)) for v, rows in zip(facet.get("values") or [],
                                                        facet.get("models") or [])
                 if str(v) != UNKNOWN]
        if not pairs:
            continue
        if key == "python":                      # newest first, 3.10 after 3.9
            pairs.sort(key=lambda p: [-int(x) if x.isdigit() else 0
                                      for x in p[0].split(".")])
        out.append({"key": key, "legend": legend, "multi": bool(facet.get("multi")),
                    "values": [v for v, _ in pairs], "counts": [len(r) for _, r in pairs],
                    "models": [r for _, r in pairs]})
    return out


def model_order(task: TaskSource, tables: TaskTables) -> list[int]:
    """Model rows in the default list order (see the module docstring)."""
    projects = facts_table(task.summary, "projects")
    complete = dict(zip(projects.get("full_name", []), projects.get("completeness", [])))
    m = tables.models
    rows = sorted(range(tables.n), key=lambda r: (str(m["project"][r]).lower(),
                                                  str(m["name"][r]).lower(), r))

    def pushed(r: int) -> str:
        value = (tables.projects.get(str(m["project"][r])) or {}).get("pushed")
        return value if isinstance(value, str) else ""

    rows.sort(key=pushed, reverse=True)            # stable: ties keep project order
    rows.sort(key=lambda r: -int(complete.get(m["project"][r]) or 0))
    return rows


def _where(file: Any, line: Any, cell: Any) -> str:
    text = str(file)
    if cell is not None:
        text += f" (cell {cell})"
    if isinstance(line, int) and not isinstance(line, bool):
        text += f":{line}"
    return text


def _link(blob: str | None, file: Any, line: Any = None, cell: Any = None
          ) -> dict[str, Any] | None:
    if not isinstance(file, str) or not file:
        return None
    return {"where": _where(file, line, cell), "url": source_url(blob, file, line, cell)}


def _pins(deps: Any, blob: str | None) -> list[dict[str, Any]]:
    out = []
    for dep in deps or ():
        if not isinstance(dep, Mapping):
            continue
        places = [p for p in dep.get("pins") or () if isinstance(p, Mapping)]
        out.append({"name": str(dep.get("name")), "specifier": str(dep.get("specifier") or ""),
                    "conflict": bool(dep.get("conflict")),
                    "places": [{"written": str(p.get("written") or p.get("name") or ""),
                                **(_link(blob, p.get("file"), p.get("line"), p.get("cell"))
                                   or {"where": "", "url": None})} for p in places]})
    return out


def environment(env: Mapping[str, Any], blob: str | None) -> dict[str, Any] | None:
    """The environment as the pages show it: the statement, then its evidence — framework
    pins, the Python version, the API-era markers and the other libraries — each with
    a link to the line it was read from; None when nothing is known."""
    python = env.get("python") if isinstance(env.get("python"), Mapping) else None
    py = None
    if python and (python.get("version") or python.get("specifier")):
        py = {"text": str(python.get("specifier") or python.get("version")),
              "kernel": not python.get("specifier"),
              "places": [link for e in python.get("evidence") or () if isinstance(e, Mapping)
                         for link in [_link(blob, e.get("file"), e.get("line"), e.get("cell"))]
                         if link]}
    eras = []
    for era in env.get("eras") or ():
        if not isinstance(era, Mapping):
            continue
        places = [link for e in era.get("evidence") or () if isinstance(e, Mapping)
                  for link in [_link(blob, e.get("file"), e.get("line"), e.get("cell"))]
                  if link]
        eras.append({"api": str(era.get("api") or ""), "needs": str(era.get("needs") or ""),
                     "places": places})
    shown = {"statement": str(env.get("statement") or ""), "python": py, "eras": eras,
             "frameworks": _pins(env.get("frameworks"), blob),
             "libraries": _pins(env.get("libraries"), blob)}
    if not (shown["statement"] or py or eras or shown["frameworks"] or shown["libraries"]):
        return None
    return shown


def licence(lic: Any, blob: str | None) -> dict[str, Any] | None:
    """SPDX id, kind and the file it was read from; None when nothing was looked at."""
    if not isinstance(lic, Mapping) or not lic.get("kind"):
        return None
    ev = lic.get("evidence")
    ev = ev if isinstance(ev, Mapping) else {}
    kind = str(lic.get("kind"))
    return {"spdx": str(lic.get("spdx") or ""), "kind": LICENCE_KINDS.get(kind, kind),
            "how": "GitHub" if lic.get("how") == "github" else "",
            "link": _link(blob, ev.get("file"), ev.get("line"), ev.get("cell"))}


def result_text(value: Any, unit: Any) -> str:
    """A reported number as printed: 89.2%, 0.87, 41 s."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    text = format_number(value)
    if unit == "%":
        return text + "%"
    return f"{text} s" if unit == "s" else text


def results(task: TaskSource, tables: TaskTables, project: str,
            row: int | None) -> list[dict[str, Any]]:
    """The results of `project` reported for model `row` (None: the project's results
    not tied to one model), as table rows with their evidence links."""
    t = facts_table(task.summary, "results")
    out = []
    blob = next((tables.blob[r] for r in range(tables.n)
                 if tables.models["project"][r] == project), None)
    for i, name in enumerate(t.get("project", [])):
        if name != project or t["row"][i] != row:
            continue
        value = result_text(t["value"][i], t["unit"][i])
        if not value:
            continue
        metric = str(t["metric"][i])
        out.append({"metric": METRICS.get(metric, metric.replace("_", " ")), "value": value,
                    "split": str(t["split"][i] or ""), "dataset": str(t["dataset"][i] or ""),
                    "label": str(t["label"][i] or ""),
                    "source": "README" if t["source"][i] == "readme" else "notebook output",
                    "link": _link(blob, t["file"][i], t["line"][i], t["cell"][i])})
    return out


def model_facts(task: TaskSource, tables: TaskTables, row: int) -> dict[str, Any]:
    """The facts a model page shows: its project's environment and licence, the results
    reported for this model, and those the project reports without naming a model."""
    facts = task.summary.get("facts") or {}
    project = str(tables.models["project"][row])
    env = (facts.get("environments") or {}).get(project)
    blob = tables.blob[row]
    shown = {"environment": environment(env, blob) if isinstance(env, Mapping) else None,
             "licence": licence((facts.get("licences") or {}).get(project), blob),
             "results": results(task, tables, project, row),
             "project_results": results(task, tables, project, None),
             "reported": str(facts.get("label") or "")}
    return {"facts": shown if any(shown[k] for k in ("environment", "licence", "results",
                                                         "project_results")) else None}
