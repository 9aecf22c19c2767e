"""Render stage: the page of one project — what it is, whether it runs, how well it did.

A project page gathers what the model pages show one model at a time: the project
linked to GitHub at the mined commit, its licence, its environment statement with the
lines it was read from, the results it reports (for the project and for each of its
models, labelled as reported, not reproduced), its models with their layers, and the
definitions it holds that are not counted as models ("set aside", with the reason).

The facts come from summary.json's `facts` part (exnet.render.facts); the description,
topics and the set-aside definitions from projects.jsonl (`TaskSource.projects`). A
figure the corpus lacks is left out: no "null", "None" or "unknown" on the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from exnet.render.architecture import architecture_name
from exnet.render.context import _frame, _task_nav, chips
from exnet.render.corpus import TaskSource
from exnet.render.facts import environment, licence, results
from exnet.render.links import blob_base, commit_ref, repo_url, source_url, task_slug
from exnet.render.tables import TaskTables, seq_at
from exnet.render.values import format_count, plural

ROOT = "../../"


def _count(value: Any) -> str:
    """A known count as text ("1,234"), "" when unknown."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value:,}"
    return ""


def _text(value: Any) -> str:
    """A free-text field as shown: "" for anything that is not a non-empty string
    (JSON null would otherwise print as "None")."""
    return value.strip() if isinstance(value, str) else ""


def _where(file: Any, line: Any, cell: Any) -> str:
    text = str(file)
    if cell is not None:
        text += f" (cell {cell})"
    if isinstance(line, int) and not isinstance(line, bool):
        text += f":{line}"
    return text


def set_aside(record: Mapping[str, Any], blob: str | None) -> list[dict[str, Any]]:
    """The project's definitions that are not models, each with its reason and a link
    to its line; entries without a file are skipped."""
    out = []
    for entry in record.get("set_aside") or ():
        if not isinstance(entry, Mapping) or not _text(entry.get("file")):
            continue
        file, line, cell = entry.get("file"), entry.get("line"), entry.get("cell")
        out.append({"name": _text(entry.get("name")), "why": _text(entry.get("why")),
                    "where": _where(file, line, cell),
                    "url": source_url(blob, file, line, cell)})
    return out


def _model(task: TaskSource, tables: TaskTables, row: int, blob: str | None
           ) -> dict[str, Any]:
    m = tables.models
    rec = task.records.get(m["id"][row]) or {}
    file, line, cell = m["file"][row], m["line"][row], m["cell"][row]
    layers = len(rec.get("layers") or ())
    return {"name": str(m["name"][row]), "href": f"../models/{tables.slugs[row]}.html",
            "where": _where(file, line, cell), "url": source_url(blob, file, line, cell),
            "framework": str(m["framework"][row]),
            "architecture": architecture_name(rec) if rec else "",
            "layers": plural(layers, "layer") if layers else "",
            "params": format_count(m["params"][row]) if m["params"][row] is not None else "",
            "core": chips(seq_at(tables.core_collapsed, m["core"][row]))}


def _facts(task: TaskSource, tables: TaskTables, name: str, rows: list[int],
           blob: str | None) -> dict[str, Any] | None:
    """The _facts.html context: environment, licence, and the results in one table for
    the project and one per model that has any."""
    facts = task.summary.get("facts") or {}
    env = (facts.get("environments") or {}).get(name)
    own = results(task, tables, name, None)
    tables_shown = [("Reported by the project without naming one model", own)] if own else []
    per_model = []
    for row in rows:
        found = results(task, tables, name, row)
        per_model += found
        if found:
            model = tables.models
            tables_shown.append((f"For {model['name'][row]} ({model['file'][row]})", found))
    shown = {"environment": environment(env, blob) if isinstance(env, Mapping) else None,
             "licence": licence((facts.get("licences") or {}).get(name), blob),
             "results": per_model, "project_results": own, "tables": tables_shown,
             "reported": str(facts.get("label") or "")}
    if not any(shown[k] for k in ("environment", "licence", "results", "project_results")):
        return None
    return shown


def project_context(task: TaskSource, tables: TaskTables, name: str, rows: list[int],
                    assets: Mapping[str, str]) -> dict[str, Any]:
    """The page of project `name`, whose models are the model rows `rows`."""
    slug = task_slug(task.name)
    info = tables.projects.get(name) or {}
    record = task.projects.get(name) or {}
    sha = info.get("sha", record.get("sha"))
    blob = blob_base(name, sha)
    ref = commit_ref(name, sha)
    url = repo_url(name)
    ctx = _frame(ROOT, f"{name} · {task.title}", assets, body_class="project",
                 nav=_task_nav(ROOT, slug, "project"),
                 crumbs=[{"label": "Home", "href": ROOT + "index.html"},
                         {"label": task.title, "href": "../index.html"},
                         {"label": name, "href": None}])
    topics = [t for t in (record.get("topics") or ()) if _text(t)]
    ctx.update({
        "project": {
            "name": name,
            "url": f"{url}/tree/{ref}" if url and ref and ref != "HEAD" else url,
            "commit": ref[:10] if ref and ref != "HEAD" else "",
            "description": _text(record.get("description")),
            "topics": [str(t) for t in topics],
            "stars": _count(info.get("stars", record.get("stars"))),
            "forks": _count(info.get("forks", record.get("forks"))),
            "models_text": plural(len(rows), "model"),
        },
        "models": [_model(task, tables, r, blob) for r in rows],
        "set_aside": set_aside(record, blob),
        "facts": _facts(task, tables, name, rows, blob),
        "models_href": "../index.html#models",
    })
    return ctx


def project_contexts(task: TaskSource, tables: TaskTables, assets: Mapping[str, str]
                     ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(slug, context) for the page of every project with a model in the task."""
    rows: dict[str, list[int]] = defaultdict(list)
    for row, project in enumerate(tables.models["project"]):
        rows[str(project)].append(row)
    for name in sorted(rows):
        yield tables.project_pages[name], project_context(task, tables, name, rows[name],
                                                          assets)
