"""Render stage: whether a built site is already what a build would make.

A build's output depends only on its inputs: the files of each task folder that render
reads (summary.json, models.jsonl, failures.jsonl, projects.jsonl), the corpus's
tasks.toml (titles), the templates and browser code (site_templates/), and exnet's own
code. `build_key` digests all of them; the build records the key beside the list of
files it wrote (`exnet.render.write`), and the next build with the same key and every
file still in place at its recorded size skips reading the records and rendering
altogether, not only writing. So an unchanged rebuild of a 10,000-model site costs a
digest of its inputs and a `stat` per file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from exnet import __version__
from exnet.bundled import corpus_dir as bundled_corpus

#: The task folder files that render reads.
TASK_INPUTS = ("summary.json", "models.jsonl", "failures.jsonl", "projects.jsonl")
_CHUNK = 1 << 20


def _feed(digest: Any, label: str, path: Path) -> None:
    digest.update(f"\0{label}\0".encode())
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        digest.update(b"\0missing")


def _tree(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def build_key(corpus_dir: Path, task_dirs: Iterable[Path], templates: Path) -> str:
    """A digest of everything a build of these tasks reads, and of the code that
    renders them (exnet's version and the source of the exnet package)."""
    digest = hashlib.sha256(f"exnet {__version__}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in _tree(package):
        if path.suffix == ".py":
            _feed(digest, f"code/{path.relative_to(package).as_posix()}", path)
    for path in _tree(templates):
        _feed(digest, f"templates/{path.relative_to(templates).as_posix()}", path)
    # Titles come from the corpus's tasks.toml, else from the bundled one.
    own = Path(corpus_dir) / "tasks.toml"
    _feed(digest, "tasks.toml", own if own.is_file() else bundled_corpus() / "tasks.toml")
    for task_dir in task_dirs:
        for name in TASK_INPUTS:
            _feed(digest, f"task/{task_dir.name}/{name}", task_dir / name)
    return digest.hexdigest()
