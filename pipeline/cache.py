"""The mining cache and atomic writes, shared by the fetch and mine stages.

Layout under the cache directory ($XDG_CACHE_HOME/exnet, ~/.cache/exnet, or --cache-dir):

    repos/<owner>/<name>/<sha>/tree/        the checked-out files of one commit
    repos/<owner>/<name>/<sha>/fetch.json   what fetch left out, and why
    extract/<aa>/<digest>.json              one set of files' extraction outcome, by content
                                            (`exnet.extract.reuse`): forks and copies share it
    results/<owner>/<name>/<sha>/exnet-<version>.json   (version: exnet + extractor digest,
                                            `exnet.extract.version`, given by mine)
                                            one project's extraction outcome
    discover/<task>-<hash>.json             a GitHub search, kept a day
    tmp/                                    work in progress; renamed into place when done

Every file is written to a temporary name and renamed over its target (`os.replace`), and
every checkout is built in tmp/ and renamed into place, so a run killed at any moment
leaves either the old state or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exnet.atomic import write_atomic


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/exnet, else ~/.cache/exnet."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exnet"


def safe_part(text: str) -> str:
    """A path component made of [A-Za-z0-9._-] only, never "." or ".." or empty."""
    part = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip(".") or "_"
    return part[:100]


def write_json_atomic(path: Path, value: Any) -> None:
    write_atomic(path, json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def write_jsonl_atomic(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """JSON lines, keys in the order the records give them (records fix their own order)."""
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def read_json(path: Path) -> Any | None:
    """The JSON value in `path`, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Cache:
    """Paths in one cache directory; see the module docstring for the layout."""

    root: Path

    def key(self, full_name: str, sha: str) -> Path:
        owner, _, name = full_name.partition("/")
        return Path(safe_part(owner)) / safe_part(name or owner) / safe_part(sha)

    def repo_dir(self, full_name: str, sha: str) -> Path:
        return self.root / "repos" / self.key(full_name, sha)

    def result_path(self, full_name: str, sha: str, version: str) -> Path:
        """Where one project's extraction outcome is kept, for one extractor version."""
        return (self.root / "results" / self.key(full_name, sha)
                / f"exnet-{safe_part(version)}.json")

    def extract_dir(self) -> Path:
        return self.root / "extract"

    def discover_path(self, task: str, digest: str) -> Path:
        return self.root / "discover" / f"{safe_part(task)}-{safe_part(digest)}.json"

    def tmp_dir(self) -> Path:
        """A fresh private folder under tmp/ (on the same file system, so renames work)."""
        base = self.root / "tmp"
        base.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=base))


def remove_tree(path: Path) -> None:
    """Remove a folder we made, never following symlinks out of it."""
    shutil.rmtree(path, ignore_errors=True)
