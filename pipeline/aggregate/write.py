"""Aggregate stage: writing summary.json deterministically and atomically.

Keys are sorted at every level (except that "schema" comes first, so a reader can check
the version before anything else), floats never hold NaN, and the file is replaced in
one step: a reader sees the old summary or the new one, never half of one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exnet.atomic import write_if_changed


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
    """Write text to path atomically; False (file untouched) when it already holds it."""
    return write_if_changed(path, text)
