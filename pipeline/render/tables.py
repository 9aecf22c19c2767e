"""Render stage: the summary's tables, by column, with what every page derives from them.

The summary stores its models and projects as {"columns", "rows"} tables and refers to
a model by its row. `TaskTables` turns them into columns once per task and adds what
several pages need: each model's page slug, its project's stars, the link prefix of its
project at the mined commit, the collapsed core sequence of each model, and each
project's page slug.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exnet.render.corpus import TaskSource
from exnet.render.links import blob_base, commit_ref, model_slugs, project_slugs, repo_url


def columns(table: Mapping[str, Any]) -> dict[str, list[Any]]:
    """A {"columns": [...], "rows": [[...]]} table as {column: [values in row order]}."""
    names = list(table.get("columns") or [])
    rows = table.get("rows") or []
    return {name: [row[i] if i < len(row) else None for row in rows]
            for i, name in enumerate(names)}


@dataclass(frozen=True)
class TaskTables:
    """Column views of one task's summary (see module docstring)."""

    models: dict[str, list[Any]]
    projects: dict[str, dict[str, Any]]           # full_name -> project row as a dict
    slugs: list[str]                              # model row -> page slug
    blob: list[str | None]                        # model row -> link prefix (blob_base)
    ref: list[str | None]                         # model row -> commit_ref
    repo: list[str | None]                        # model row -> repository URL
    stars: list[int | None]                       # model row -> its project's stars
    core_collapsed: list[list[str]]               # core sequence -> "block × N" tokens
    full_collapsed: list[list[str]]
    core_types: list[list[str]]
    full_types: list[list[str]]
    project_pages: dict[str, str] = field(default_factory=dict)  # project -> page slug

    @property
    def n(self) -> int:
        return len(self.slugs)

    @property
    def has_stars(self) -> bool:
        """Whether the corpus knows any project's stars (the bundled one does not)."""
        return any(s is not None for s in self.stars)


def _seq_column(summary: Mapping[str, Any], which: str, column: str) -> list[list[str]]:
    table = (summary.get("sequences") or {}).get(which) or {}
    return [list(v or []) for v in columns(table).get(column, [])]


def task_tables(task: TaskSource) -> TaskTables:
    """Build the column views of `task.summary`."""
    summary = task.summary
    models = columns(summary.get("models") or {})
    n = len(models.get("id", []))
    for name in ("project", "file", "cell", "line", "name", "framework", "style", "core",
                 "full", "datasets", "params", "size", "stars", "tricks", "x", "y",
                 "neighbours"):
        models.setdefault(name, [None] * n)
    projects: dict[str, dict[str, Any]] = {}
    for row in (summary.get("projects") or {}).get("rows") or []:
        record = dict(zip((summary["projects"].get("columns") or []), row))
        projects.setdefault(str(record.get("full_name")), record)
    blob, ref, repo, stars = [], [], [], []
    for project in models["project"]:
        info = projects.get(str(project), {})
        blob.append(blob_base(project, info.get("sha")))
        ref.append(commit_ref(project, info.get("sha")))
        repo.append(repo_url(project))
        s = info.get("stars")
        stars.append(s if isinstance(s, int) and not isinstance(s, bool) else None)
    return TaskTables(
        models=models, projects=projects, slugs=model_slugs([str(i) for i in models["id"]]),
        blob=blob, ref=ref, repo=repo, stars=stars,
        core_collapsed=_seq_column(summary, "core", "collapsed"),
        full_collapsed=_seq_column(summary, "full", "collapsed"),
        core_types=_seq_column(summary, "core", "types"),
        full_types=_seq_column(summary, "full", "types"),
        project_pages=project_slugs([str(p) for p in models["project"]]),
    )


def seq_at(seqs: Sequence[list[str]], index: Any) -> list[str]:
    """The sequence at `index`, or [] when the index is missing or out of range."""
    if isinstance(index, int) and 0 <= index < len(seqs):
        return seqs[index]
    return []
