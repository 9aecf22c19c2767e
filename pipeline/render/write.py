"""Render stage: writing the site to disk, touching only what changed.

A file is rewritten only when its bytes differ (re-builds are cheap, and a published
site's diff shows only real changes), each through a temporary file and a rename (a
reader never sees half a page). The build records the files it wrote, with their
sizes, and the key of its inputs (`exnet.render.freshness.build_key`) in
`.exnet-manifest.json`; files of an earlier build that this one no longer produces are
removed, and nothing else in the folder is ever touched. `site_is_current` tells a
build that the folder already holds what it would make (same key, every file in place
at its size), so that it need not render at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exnet.atomic import write_if_changed
from exnet.errors import ExnetError

MANIFEST = ".exnet-manifest.json"
MANIFEST_SCHEMA = "exnet.site-manifest/1"


@dataclass(frozen=True)
class Written:
    """What a build did to the output folder."""

    written: int
    unchanged: int
    removed: int


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of the last build: {"key": str | None, "files": {name: size}}.
    The first form of the manifest, a plain list of names, has no key and no sizes."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if isinstance(data, list):
        return {"key": None, "files": {n: -1 for n in data if isinstance(n, str)}}
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return {"key": None, "files": {}}
    files = {n: size for n, size in data["files"].items()
             if isinstance(n, str) and isinstance(size, int)}
    key = data.get("key")
    return {"key": key if isinstance(key, str) else None, "files": files}


def site_is_current(out_dir: Path, key: str) -> bool:
    """True when out_dir holds the site of a build with inputs `key`: the manifest has
    this key, and every file it lists is in place at its recorded size."""
    manifest = _read_manifest(Path(out_dir))
    if manifest["key"] != key or not manifest["files"]:
        return False
    for name, size in manifest["files"].items():
        try:
            if (Path(out_dir) / name).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def write_site(out_dir: Path, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]],
               key: str | None = None) -> Written:
    """Write `files` (site path -> bytes, or such pairs as they are made: a page is
    written and let go before the next is rendered) under out_dir; remove stale files
    of ours; record them, with the build's input key, in the manifest."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExnetError(f"{out_dir} is a file: pass --out with a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    root = out_dir.resolve()
    old = _read_manifest(out_dir)
    # The key goes only with a complete build: a build stopped midway leaves none.
    write_if_changed(out_dir / MANIFEST, _manifest_json(None, old["files"]), sync=False)
    written = unchanged = removed = 0
    pairs = sorted(files.items()) if isinstance(files, Mapping) else files
    sizes: dict[str, int] = {}
    for name, data in pairs:
        written_now = write_if_changed(out_dir / name, data, sync=False)
        written += written_now
        unchanged += not written_now
        sizes[name] = len(data)
    for name in old["files"]:
        path = (out_dir / name).resolve()
        if name in sizes or root not in path.parents or not path.is_file():
            continue
        path.unlink()
        removed += 1
        for parent in path.parents:
            if parent == root or any(parent.iterdir()):
                break
            parent.rmdir()
    write_if_changed(out_dir / MANIFEST, _manifest_json(key, sizes), sync=False)
    return Written(written=written, unchanged=unchanged, removed=removed)


def _manifest_json(key: str | None, files: dict[str, int]) -> str:
    return json.dumps({"schema": MANIFEST_SCHEMA, "key": key, "files": dict(sorted(files.items()))},
                      indent=0) + "\n"
