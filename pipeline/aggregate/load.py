"""Aggregate stage: reading a task's records (models.jsonl, projects.jsonl).

A bad line never stops the stage: it is skipped with its file, line number and reason,
and the reasons end up in the summary ("skipped") so that nothing is dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exnet.validate import model_problem

#: Records the extractor may interleave with models; they are not models, and not errors.
_NOT_MODELS = ("exnet.failure/1",)


@dataclass(frozen=True)
class Skipped:
    """A line of an input file that was not used, and why."""

    file: str
    line: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class TaskInput:
    """Everything the aggregate stage reads for one task."""

    models: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    skipped: list[Skipped]


def _read_jsonl(path: Path, skipped: list[Skipped]) -> list[tuple[int, Any]]:
    rows: list[tuple[int, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                rows.append((number, json.loads(text)))
            except json.JSONDecodeError as exc:
                skipped.append(Skipped(path.name, number, f"not JSON: {exc.msg}"))
    return rows


def read_task(task_dir: Path) -> TaskInput:
    """Read task_dir/models.jsonl and, if present, task_dir/projects.jsonl."""
    skipped: list[Skipped] = []
    models: list[dict[str, Any]] = []
    for number, rec in _read_jsonl(task_dir / "models.jsonl", skipped):
        if isinstance(rec, dict) and rec.get("schema") in _NOT_MODELS:
            continue
        problem = model_problem(rec)
        if problem is None:
            models.append(rec)
        else:
            skipped.append(Skipped("models.jsonl", number, problem))
    projects: list[dict[str, Any]] = []
    path = task_dir / "projects.jsonl"
    if path.is_file():
        for number, rec in _read_jsonl(path, skipped):
            if isinstance(rec, dict) and isinstance(rec.get("full_name"), str):
                projects.append(rec)
            else:
                skipped.append(Skipped("projects.jsonl", number,
                                       "not an object with a string 'full_name'"))
    return TaskInput(models, projects, skipped)
