"""Reading record files (models.jsonl, projects.jsonl) one line at a time.

Shared by every stage that reads a corpus back (aggregate, export): a line that is not
JSON, or not a record of the expected shape, is reported with its number and reason
and never stops the reader; records are yielded one by one, so a reader that keeps
only what it needs never holds the whole file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exnet.validate import model_problem

#: Records the extractor may interleave with models; they are not models, and not errors.
NOT_MODELS = ("exnet.failure/1",)


def json_lines(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, value, None) for each JSON line of `path`, or (number, None,
    reason) for a line that is not JSON; blank lines are passed over."""
    with Path(path).open(encoding="utf-8") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text), None
            except json.JSONDecodeError as exc:
                yield number, None, f"not JSON: {exc.msg}"


def model_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(number, model record, None) for each usable model line of a models.jsonl, or
    (number, None, reason) for one that is not; failure records are passed over."""
    for number, rec, problem in json_lines(path):
        if problem is None:
            if isinstance(rec, dict) and rec.get("schema") in NOT_MODELS:
                continue
            problem = model_problem(rec)
        yield (number, rec, None) if problem is None else (number, None, problem)


def project_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(number, project record, None) for each usable line of a projects.jsonl, or
    (number, None, reason); a missing file has no lines."""
    if not Path(path).is_file():
        return
    for number, rec, problem in json_lines(path):
        if problem is None and not (isinstance(rec, dict)
                                    and isinstance(rec.get("full_name"), str)):
            problem = "not an object with a string 'full_name'"
        yield (number, rec, None) if problem is None else (number, None, problem)
