"""Render stage: reading the corpus on disk (one folder per task).

A task folder holds models.jsonl, optionally projects.jsonl and failures.jsonl, and the
aggregate stage's summary.json. The summary is what the pages draw; the model records
add what the summary leaves out (layer arguments, where each hyperparameter was found,
preprocessing), and the project records what a project page adds (its description, the
definitions set aside). Render only reads these files and never aggregates: a missing summary,
or one of another schema, stops the build with the command that makes it
(`exnet aggregate`). `exnet build` and `exnet mine` aggregate what is out of date
before they render (`exnet.publish`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exnet.errors import ExnetError
from exnet.records import FAILURE_SCHEMA, SUMMARY_SCHEMA, model_id
from exnet.validate import model_problem


@dataclass(frozen=True)
class TaskSource:
    """Everything the site shows for one task."""

    name: str                       # the task folder's name
    title: str                      # from tasks.toml, else the folder name
    description: str
    summary: Mapping[str, Any]      # summary.json (schema exnet.summary/1)
    records: Mapping[str, Mapping[str, Any]]  # model id -> model record (JSON form)
    failures: int                   # lines of failures.jsonl (files that could not be read)
    # projects.jsonl by full name: what a project page shows beyond the summary
    # (description, the definitions set aside); {} when the file is absent
    projects: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def task_titles(corpus_dir: Path) -> dict[str, tuple[str, str]]:
    """Task name -> (title, description) from the corpus' tasks.toml (or the default
    task file); empty when there is none or it cannot be read: titles are optional."""
    try:
        from exnet.tasks import load_tasks
    except ImportError:  # pragma: no cover - tasks ships with exnet
        return {}
    own = Path(corpus_dir) / "tasks.toml"
    try:
        tasks = load_tasks(own if own.is_file() else None)
    except ExnetError:
        return {}
    return {t.name: (t.title, t.description) for t in tasks.values()}


def _aggregate_hint(task_dir: Path) -> str:
    return f"run `exnet aggregate --corpus {task_dir.parent} --task {task_dir.name}`"


def read_summary(task_dir: Path) -> dict[str, Any]:
    """task_dir/summary.json, as the aggregate stage wrote it (schema exnet.summary/1)."""
    path = task_dir / "summary.json"
    if not path.is_file():
        raise ExnetError(f"no summary.json in {task_dir}: {_aggregate_hint(task_dir)} "
                         f"first (`exnet build` does it for you)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExnetError(f"{path} cannot be read ({exc}): {_aggregate_hint(task_dir)} "
                         f"again") from None
    if not isinstance(data, dict):
        raise ExnetError(f"{path} is not a summary: {_aggregate_hint(task_dir)} again")
    if data.get("schema") != SUMMARY_SCHEMA:
        raise ExnetError(f"{path} has schema {data.get('schema')!r}, this exnet reads "
                         f"{SUMMARY_SCHEMA!r}: {_aggregate_hint(task_dir)} to rebuild it")
    return data


def read_records(task_dir: Path) -> dict[str, Mapping[str, Any]]:
    """The usable model records of models.jsonl by model id: lines that are JSON and
    pass `exnet.validate.model_problem`, the rule the aggregate stage reads them by, so
    that exactly the models of the summary are found (failure records, which the
    extractor may interleave, are not models)."""
    records: dict[str, Mapping[str, Any]] = {}
    with (task_dir / "models.jsonl").open(encoding="utf-8") as fh:
        for text in fh:
            if not text.strip():
                continue
            try:
                rec = json.loads(text)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and rec.get("schema") == FAILURE_SCHEMA:
                continue
            if model_problem(rec) is None:
                records.setdefault(model_id(rec), rec)
    return records


def read_projects(task_dir: Path) -> dict[str, Mapping[str, Any]]:
    """The project records of projects.jsonl by full name (the first line of each),
    lines that are not JSON objects with a string `full_name` skipped; {} without it."""
    path = task_dir / "projects.jsonl"
    projects: dict[str, Mapping[str, Any]] = {}
    if not path.is_file():
        return projects
    with path.open(encoding="utf-8", errors="replace") as fh:
        for text in fh:
            try:
                rec = json.loads(text) if text.strip() else None
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("full_name"), str):
                projects.setdefault(rec["full_name"], rec)
    return projects


def _count_lines(path: Path) -> int:
    if not path.is_file():
        return 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        return sum(1 for line in fh if line.strip())


def load_task(task_dir: Path, titles: Mapping[str, tuple[str, str]]) -> TaskSource:
    """Read one task folder: its summary.json and model records."""
    summary = read_summary(task_dir)
    title, description = titles.get(task_dir.name, (task_dir.name, ""))
    return TaskSource(name=task_dir.name, title=title, description=description,
                      summary=summary, records=read_records(task_dir),
                      failures=_count_lines(task_dir / "failures.jsonl"),
                      projects=read_projects(task_dir))
