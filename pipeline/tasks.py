"""Task definitions: what `exnet mine --task NAME` searches for (read from corpus/tasks.toml).

A task names the GitHub searches that find its projects, the keywords that keep or drop a
search hit, and the datasets that hint at it. A task may hold subtasks (text
classification holds sentiment analysis); their queries, keywords and datasets are merged
into the task's, so mining the task mines its subtasks too.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exnet.bundled import corpus_dir
from exnet.errors import ExnetError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Where the task file is looked for when no path is given: $EXNET_TASKS, then the
#: bundled corpus (corpus/ in the source tree, package data in a wheel).
DEFAULT_TASKS_FILE = corpus_dir() / "tasks.toml"

_LIST_FIELDS = ("queries", "code_queries", "include_keywords", "exclude_keywords", "datasets")


@dataclass(frozen=True)
class Task:
    """One task of tasks.toml, with its subtasks' lists merged in (order kept, no repeats)."""

    name: str
    title: str
    description: str
    queries: tuple[str, ...]
    code_queries: tuple[str, ...]
    include_keywords: tuple[str, ...]
    exclude_keywords: tuple[str, ...]
    datasets: tuple[str, ...]
    subtasks: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        """True when `text` mentions an include keyword and no exclude keyword."""
        norm = normalize(text)
        if any(_mentions(norm, kw) for kw in self.exclude_keywords):
            return False
        return any(_mentions(norm, kw) for kw in self.include_keywords)

    def excluded(self, text: str) -> bool:
        """True when `text` mentions an exclude keyword."""
        norm = normalize(text)
        return any(_mentions(norm, kw) for kw in self.exclude_keywords)


def normalize(text: str) -> str:
    """Lower case, with "-" and "_" read as spaces, so "text-cnn" matches "text cnn"."""
    return re.sub(r"[-_\s]+", " ", text.lower())


def _mentions(norm_text: str, keyword: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(normalize(keyword)), norm_text) is not None


def tasks_file(path: Path | None = None) -> Path:
    """The task file to read: `path`, else $EXNET_TASKS, else corpus/tasks.toml."""
    if path is not None:
        return path
    env = os.environ.get("EXNET_TASKS")
    return Path(env) if env else DEFAULT_TASKS_FILE


def load_tasks(path: Path | None = None) -> dict[str, Task]:
    """All tasks of the task file, by name, in file order."""
    where = tasks_file(path)
    try:
        raw = tomllib.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExnetError(f"task file {where} not found: pass --tasks-file or set EXNET_TASKS"
                         ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ExnetError(f"task file {where} cannot be read ({exc}): fix the TOML") from None
    return {name: _task(name, body, where) for name, body in raw.items()
            if isinstance(body, dict)}


def get_task(name: str, path: Path | None = None) -> Task:
    """The task called `name`, or an ExnetError listing the known tasks."""
    tasks = load_tasks(path)
    if name in tasks:
        return tasks[name]
    for task in tasks.values():
        if name in task.subtasks:
            raise ExnetError(f"{name!r} is part of task {task.name!r}: "
                             f"use --task {task.name}")
    known = ", ".join(tasks) or "none"
    raise ExnetError(f"unknown task {name!r} (known: {known}): see `exnet tasks`")


def _task(name: str, body: dict[str, Any], where: Path) -> Task:
    parts = [body]
    subs = body.get("subtasks", {})
    if not isinstance(subs, dict):
        raise ExnetError(f"{where}: [{name}.subtasks] must be a table of subtasks")
    parts += [sub for sub in subs.values() if isinstance(sub, dict)]
    lists: dict[str, list[str]] = {f: [] for f in _LIST_FIELDS}
    for part in parts:
        for f in _LIST_FIELDS:
            values = part.get(f, [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ExnetError(f"{where}: {name}.{f} must be a list of strings")
            lists[f] += [v for v in values if v not in lists[f]]
    if not lists["queries"] and not lists["code_queries"]:
        raise ExnetError(f"{where}: task {name!r} has no queries: add some")
    return Task(
        name=name,
        title=str(body.get("title", name)),
        description=str(body.get("description", "")),
        subtasks=tuple(subs),
        **{f: tuple(v) for f, v in lists.items()},
    )
