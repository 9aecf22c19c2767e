"""Render stage: writing the site to disk, touching only what changed.

A file is rewritten only when its bytes differ (re-builds are cheap, and a published
site's diff shows only real changes), each through a temporary file and a rename (a
reader never sees half a page). The build records the files it wrote in
`.exnet-manifest.json`; files of an earlier build that this one no longer produces are
removed, and nothing else in the folder is ever touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from exnet.atomic import write_if_changed
from exnet.errors import ExnetError

MANIFEST = ".exnet-manifest.json"


@dataclass(frozen=True)
class Written:
    """What a build did to the output folder."""

    written: int
    unchanged: int
    removed: int


def _old_manifest(out_dir: Path) -> list[str]:
    try:
        names = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def write_site(out_dir: Path, files: dict[str, bytes]) -> Written:
    """Write `files` (site path -> bytes) under out_dir; remove stale files of ours."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExnetError(f"{out_dir} is a file: pass --out with a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    root = out_dir.resolve()
    written = unchanged = removed = 0
    for name in sorted(files):
        written_now = write_if_changed(out_dir / name, files[name], sync=False)
        written += written_now
        unchanged += not written_now
    for name in _old_manifest(out_dir):
        path = (out_dir / name).resolve()
        if name in files or root not in path.parents or not path.is_file():
            continue
        path.unlink()
        removed += 1
        for parent in path.parents:
            if parent == root or any(parent.iterdir()):
                break
            parent.rmdir()
    write_if_changed(out_dir / MANIFEST, json.dumps(sorted(files), indent=0) + "\n",
                     sync=False)
    return Written(written=written, unchanged=unchanged, removed=removed)
