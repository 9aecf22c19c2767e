"""`exnet refresh`: bring the GitHub figures of an existing corpus up to date.

For every GitHub project of each task's projects.jsonl (`owner/name` with a github.com
URL), it asks GitHub's REST API (PyGithub, through `exnet.github_search`, so rate limits
are waited out or stop the run cleanly) for the stars, forks, topics, description and
last push, and rewrites projects.jsonl atomically with them and the date of the refresh
(`refreshed`). Every other field is kept as it is. A project GitHub no longer knows, or
a figure GitHub does not give, keeps the value it had: a figure nobody knows stays null.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from exnet.bundled import task_dirs
from exnet.cache import write_atomic
from exnet.discover import OWNER_NAME
from exnet.errors import ExnetError
from exnet.github_search import GitHubSearch, RateLimited, SearchOptions

#: The fields a refresh may change.
POPULARITY = ("stars", "forks", "topics", "description", "pushed")


@dataclass(frozen=True)
class Refreshed:
    """One task's refresh: projects updated, not found on GitHub, and skipped (not on
    GitHub, or left when the run stopped)."""

    task: str
    updated: int
    missing: int
    skipped: int
    stopped: str | None = None

    def line(self) -> str:
        text = (f"refreshed {self.task}: {self.updated} projects updated, {self.missing} "
                f"not found on GitHub, {self.skipped} skipped")
        return text + (f" ({self.stopped})" if self.stopped else "")


def _read(path: Path) -> list[Any]:
    rows: list[Any] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    rows.append(line.rstrip("\n"))     # kept as it was, never dropped
    return rows


def _on_github(rec: Any) -> bool:
    return (isinstance(rec, dict) and isinstance(rec.get("full_name"), str)
            and OWNER_NAME.match(rec["full_name"]) is not None
            and str(rec.get("url") or "").startswith("https://github.com/"))


def refresh_task(task_dir: Path, session: GitHubSearch, today: str) -> Refreshed:
    from github import GithubException

    path = task_dir / "projects.jsonl"
    if not path.is_file():
        raise ExnetError(f"no projects.jsonl in {task_dir}: run `exnet mine` first")
    rows = _read(path)
    updated = missing = skipped = 0
    stopped = None
    for rec in rows:
        if not _on_github(rec) or stopped:
            skipped += 1
            continue
        name: str = rec["full_name"]
        try:
            repo = session.call(partial(session.gh.get_repo, name))
        except GithubException as exc:
            if exc.status not in (404, 451):
                raise ExnetError(f"GitHub answered {exc.status} for {name}: "
                                 f"try again later") from None
            missing += 1
            continue
        except RateLimited as exc:
            stopped = f"{exc.describe()}: the rest keep their figures; run again later"
            skipped += 1
            continue
        fresh = {"stars": repo.stargazers_count, "forks": repo.forks_count,
                 "topics": sorted(repo.topics or ()), "description": repo.description,
                 "pushed": None if repo.pushed_at is None else
                 repo.pushed_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
        rec.update({k: v for k, v in fresh.items() if v is not None})
        rec["refreshed"] = today
        updated += 1
    _write(path, rows)
    return Refreshed(task_dir.name, updated, missing, skipped, stopped)


def _write(path: Path, rows: list[Any]) -> None:
    """The lines back, atomically; a line that was not JSON is written as it was."""
    text = "".join((json.dumps(r, ensure_ascii=False) if isinstance(r, dict) else r) + "\n"
                   for r in rows)
    write_atomic(path, text)


def refresh_corpus(corpus_dir: Path, tasks: list[str] | None, options: SearchOptions,
                   note: Callable[[str], None]) -> list[Refreshed]:
    """Refresh each task folder of `corpus_dir` (every one with a projects.jsonl, or
    the named ones); see the module docstring."""
    dirs = [d for d in task_dirs(Path(corpus_dir), tasks) if (d / "projects.jsonl").is_file()]
    if not dirs:
        raise ExnetError(f"no projects.jsonl under {corpus_dir}: name a corpus folder "
                         f"that `exnet mine` wrote")
    if not options.token:
        note("no GitHub token: GitHub answers 60 requests an hour; set GITHUB_TOKEN")
    session = GitHubSearch(options)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    out = []
    for task_dir in dirs:
        done = refresh_task(task_dir, session, today)
        note(done.line())
        out.append(done)
    return out
