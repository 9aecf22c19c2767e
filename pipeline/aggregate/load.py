"""Aggregate stage: reading a task's records (models.jsonl, projects.jsonl).

A bad line never stops the stage: it is skipped with its file, line number and reason,
and the reasons end up in the summary ("skipped") so that nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exnet.recordfiles import model_lines, project_lines


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


def read_task(task_dir: Path) -> TaskInput:
    """Read task_dir/models.jsonl and, if present, task_dir/projects.jsonl."""
    skipped: list[Skipped] = []
    models: list[dict[str, Any]] = []
    for number, rec, problem in model_lines(task_dir / "models.jsonl"):
        if rec is None:
            skipped.append(Skipped("models.jsonl", number, problem or ""))
        else:
            models.append(rec)
    projects: list[dict[str, Any]] = []
    for number, rec, problem in project_lines(task_dir / "projects.jsonl"):
        if rec is None:
            skipped.append(Skipped("projects.jsonl", number, problem or ""))
        else:
            projects.append(rec)
    return TaskInput(models, projects, skipped)
