"""Render stage: the documents of the site search (search.html, search.js).

The search runs in the browser, offline, with MiniSearch (a small full-text engine,
vendored under assets/ with its version in the file name): the site ships the documents
and the browser indexes them when the search page opens. One document per model,
project, layer type, dataset and file of every task; each has a kind, a title, a line
of context, the words it is found by, and a link inside the site (a model's or a
project's page, or the task page filtered to the layer type or dataset). A model is
found by its name, project, file, framework, layer types, architecture ("BiGRU + attention"),
tricks and datasets, so "GRU attention imdb" finds GRU models with attention trained
on IMDB first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from exnet.render.architecture import architecture_name
from exnet.render.corpus import TaskSource
from exnet.render.links import task_slug
from exnet.render.tables import TaskTables, seq_at
from exnet.render.values import label, plural

SEARCH_SCHEMA = "exnet.site-search/1"


def _hash(tab: str, key: str, value: str) -> str:
    return f"#{tab}&{key}={quote(value, safe='')}"


def task_documents(task: TaskSource, tables: TaskTables) -> list[dict[str, Any]]:
    """The search documents of one task (see the module docstring)."""
    slug = task_slug(task.name)
    m = tables.models
    docs: list[dict[str, Any]] = []
    projects: dict[str, list[int]] = defaultdict(list)
    files: dict[tuple[str, str], list[int]] = defaultdict(list)
    types: Counter[str] = Counter()
    datasets: Counter[str] = Counter()
    for row in range(tables.n):
        rec = task.records.get(m["id"][row]) or {}
        project, file = str(m["project"][row]), str(m["file"][row])
        projects[project].append(row)
        files[(project, file)].append(row)
        kinds = sorted({str(t) for t in seq_at(tables.full_types, m["full"][row])})
        types.update(kinds)
        ds = [str(d) for d in m["datasets"][row] or []]
        datasets.update(ds)
        arch = architecture_name(rec) if rec else ""
        tricks = [label(str(t)) for t in m["tricks"][row] or []]
        docs.append({
            "kind": "model", "title": str(m["name"][row]),
            "context": f"{arch} · {project} · {file}:{m['line'][row]}",
            "words": " ".join([project, file, str(m["framework"][row]), arch, *kinds,
                               *tricks, *ds]),
            "href": f"{slug}/models/{tables.slugs[row]}.html"})
    for project, rows in sorted(projects.items()):
        names = sorted({str(m["name"][r]) for r in rows})
        docs.append({"kind": "project", "title": project,
                     "context": f"{plural(len(rows), 'model')}: {', '.join(names)[:120]}",
                     "words": " ".join(names),
                     "href": f"{slug}/projects/{tables.project_pages[project]}.html"})
    for kind, n in sorted(types.items()):
        docs.append({"kind": "layer type", "title": kind,
                     "context": f"in {plural(n, 'model')} of {task.title}", "words": "",
                     "href": f"{slug}/index.html" + _hash("layers", "layer", kind)})
    for dataset, n in sorted(datasets.items()):
        docs.append({"kind": "dataset", "title": dataset,
                     "context": f"{plural(n, 'model')} of {task.title}", "words": "",
                     "href": f"{slug}/index.html" + _hash("data", "dataset", dataset)})
    for (project, file), rows in sorted(files.items()):
        docs.append({"kind": "file", "title": file,
                     "context": f"{project} · {plural(len(rows), 'model')}",
                     "words": project,
                     "href": f"{slug}/models/{tables.slugs[rows[0]]}.html"})
    for doc in docs:
        doc["task"] = task.title
    return docs


def search_data(parts: Sequence[Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """Every task's documents, numbered, as search.js assigns them."""
    docs = [dict(doc) for part in parts for doc in part]
    for i, doc in enumerate(docs):
        doc["id"] = i
    return {"schema": SEARCH_SCHEMA, "documents": docs}
