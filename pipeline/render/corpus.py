"""Render stage: reading the corpus on disk (one folder per task).

A task folder holds models.jsonl, optionally projects.jsonl and failures.jsonl, and the
aggregate stage's summary.json. The summary is what the pages draw; the model records
add what the summary leaves out (layer arguments, where each hyperparameter was found,
preprocessing). A missing or out-of-date summary is rebuilt first, so `exnet build`
always shows the records on disk.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exnet.errors import ExnetError
from exnet.records import model_id

SUMMARY_SCHEMA = "exnet.summary/1"


@dataclass(frozen=True)
class TaskSource:
    """Everything the site shows for one task."""

    name: str                       # the task folder's name
    title: str                      # from tasks.toml, else the folder name
    description: str
    summary: Mapping[str, Any]      # summary.json (schema exnet.summary/1)
    records: Mapping[str, Mapping[str, Any]]  # model id -> model record (JSON form)
    failures: int                   # lines of failures.jsonl (files that could not be read)


def default_corpus_dir() -> Path:
    """The bundled corpus (the aggregate stage's default, when it is installed)."""
    try:
        from exnet.aggregate import default_corpus_dir as aggregate_default
    except ImportError:  # pragma: no cover - aggregate ships with exnet
        import exnet

        return Path(exnet.__file__).resolve().parent.parent / "corpus"
    return aggregate_default()


def task_dirs(corpus_dir: Path, tasks: list[str] | None) -> list[Path]:
    """The folders to build: the named tasks, or every sub-folder with a models.jsonl."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise ExnetError(f"no corpus folder at {corpus_dir}: pass --corpus DIR")
    if tasks:
        dirs = [corpus_dir / t for t in tasks]
        for d in dirs:
            if not (d / "models.jsonl").is_file():
                raise ExnetError(f"no models.jsonl in {d}: run `exnet mine --task {d.name}` "
                                 f"first, or check the task name")
        return dirs
    dirs = sorted(p for p in corpus_dir.iterdir() if (p / "models.jsonl").is_file())
    if not dirs:
        raise ExnetError(f"no task folder with a models.jsonl in {corpus_dir}: run "
                         f"`exnet mine --task TASK` first, or pass --corpus DIR")
    return dirs


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


def _stale(task_dir: Path) -> bool:
    summary = task_dir / "summary.json"
    if not summary.is_file():
        return True
    built = summary.stat().st_mtime
    inputs = [task_dir / "models.jsonl", task_dir / "projects.jsonl"]
    return any(p.is_file() and p.stat().st_mtime > built for p in inputs)


def read_summary(task_dir: Path, warn: Callable[[str], None] | None = None) -> dict[str, Any]:
    """task_dir/summary.json, aggregated first when missing, older than its inputs, or of
    another schema version."""
    path = task_dir / "summary.json"
    if _stale(task_dir):
        _aggregate(task_dir, warn)
    summary = _load_json(path)
    if summary.get("schema") != SUMMARY_SCHEMA:
        _aggregate(task_dir, warn)
        summary = _load_json(path)
    if summary.get("schema") != SUMMARY_SCHEMA:
        raise ExnetError(f"{path} has schema {summary.get('schema')!r}, this exnet reads "
                         f"{SUMMARY_SCHEMA!r}: upgrade exnet or run `exnet aggregate`")
    return summary


def _aggregate(task_dir: Path, warn: Callable[[str], None] | None) -> None:
    try:
        from exnet.aggregate import aggregate_task
    except ImportError as exc:  # pragma: no cover - aggregate ships with exnet
        raise ExnetError(f"{task_dir / 'summary.json'} is missing or out of date and the "
                         f"aggregate stage is not installed: run `exnet aggregate`") from exc
    aggregate_task(task_dir, warn=warn)


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExnetError(f"{path} cannot be read ({exc}): run `exnet aggregate` again") \
            from None
    if not isinstance(data, dict):
        raise ExnetError(f"{path} is not a summary: run `exnet aggregate` again")
    return data


def read_records(task_dir: Path) -> dict[str, Mapping[str, Any]]:
    """The usable model records of models.jsonl by model id (the aggregate stage's reader,
    so that exactly the models of the summary are found)."""
    from exnet.aggregate.load import read_task

    records: dict[str, Mapping[str, Any]] = {}
    for rec in read_task(task_dir).models:
        records.setdefault(model_id(rec), rec)
    return records


def _count_lines(path: Path) -> int:
    if not path.is_file():
        return 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        return sum(1 for line in fh if line.strip())


def load_task(task_dir: Path, titles: Mapping[str, tuple[str, str]],
              warn: Callable[[str], None] | None = None) -> TaskSource:
    """Read one task folder (aggregating it first if needed)."""
    summary = read_summary(task_dir, warn)
    title, description = titles.get(task_dir.name, (task_dir.name, ""))
    return TaskSource(name=task_dir.name, title=title, description=description,
                      summary=summary, records=read_records(task_dir),
                      failures=_count_lines(task_dir / "failures.jsonl"))
