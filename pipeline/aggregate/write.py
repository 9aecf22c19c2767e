"""Aggregate stage: writing summary.json deterministically and atomically.

Keys are sorted at every level (except that "schema" comes first, so a reader can check
the version before anything else), floats never hold NaN, and the file is replaced in
one step: a reader sees the old summary or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def dumps(summary: dict[str, Any]) -> str:
    """Compact JSON with sorted keys and "schema" first; the site embeds it as is."""
    body = {k: v for k, v in summary.items() if k != "schema"}
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, sort_keys=True,
                      separators=(",", ":"))
    if "schema" in summary:
        head = '{"schema":' + json.dumps(summary["schema"], ensure_ascii=False)
        text = head + ("}" if text == "{}" else "," + text[1:])
    return text + "\n"


def write_atomically(path: Path, text: str) -> bool:
    """Write text to path via a temporary file in the same folder and os.replace.

    Returns False (and leaves the file alone) when it already holds exactly this text,
    so re-running the stage does not touch unchanged summaries.
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file private (0600); a summary is meant to be read by all.
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True
