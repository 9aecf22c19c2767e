"""Atomic file writes, shared by every stage that writes output.

A file is written to a temporary name in its own folder and renamed over its target
(`os.replace`), so a reader (or a run killed midway) sees the old file or the new one,
never half of one. Files are made readable by all (mkstemp creates them private).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, *, sync: bool = True) -> None:
    """Write `data` to `path` atomically; `sync` also flushes it to disk first (cheap
    for a few records, skipped for the thousands of pages of a site)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_if_changed(path: Path, data: str | bytes, *, sync: bool = True) -> bool:
    """Like write_atomic, but leave the file alone (and return False) when it already
    holds exactly this content, so re-runs touch nothing and published diffs stay small."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:
            return False
    except OSError:
        pass
    write_atomic(path, raw, sync=sync)
    return True
