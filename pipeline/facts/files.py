"""Facts stage: the files of a checkout, read as hostile input.

The facts stage reads a checkout's dependency files, notebooks, READMEs and licence
files. Like the extractor it never follows a symlink (not in the walk, not in a read:
`O_NOFOLLOW`), skips hidden, vendored and virtual-environment folders, reads regular
files only and bounds every size; a file it cannot read is left out with its reason.
It keeps its own reader because stages share no code but records.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

README_NAMES = ("readme.md", "readme.rst", "readme.txt", "readme", "readme.markdown")
MAX_TEXT_BYTES = 200_000          # a requirements file, README, licence, setup.py
MAX_CODE_BYTES = 1_000_000        # a .py file scanned for era markers
MAX_NOTEBOOK_BYTES = 20_000_000
MAX_FILES = 20_000                # files listed per checkout
MAX_DEPTH = 12                    # folder depth walked

SKIP_DIRS = frozenset({
    ".git", "node_modules", "site-packages", "dist-packages", "__pycache__",
    "venv", "env", "virtualenv", ".venv", ".tox", "build", "dist",
})
#: Hidden files the facts stage reads (other dot-files are skipped like dot-folders).
HIDDEN_WANTED = frozenset({".python-version"})


class Unreadable(Exception):
    """A file the stage cannot read; the message is the reason."""


def read_bounded(path: Path, limit: int) -> bytes:
    """A regular file's bytes, never through a symlink, refusing more than `limit`."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise Unreadable("symbolic link, not followed")
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("not a regular file")
    if st.st_size > limit:
        raise Unreadable(f"over {limit} bytes ({st.st_size})")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise Unreadable(f"over {limit} bytes")
    return data


def read_text(path: Path, limit: int = MAX_TEXT_BYTES) -> str:
    """A text file decoded as UTF-8 (undecodable bytes replaced), or as UTF-16 when it
    starts with that byte-order mark; Unreadable for binary."""
    data = read_bounded(path, limit)
    # Windows PowerShell writes `pip freeze > requirements.txt` as UTF-16 with a BOM:
    # every other byte is NUL, yet it is text
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text = data.decode("utf-16", "replace")
        if "\x00" in text:
            raise Unreadable("binary file (NUL characters)")
        return text.lstrip("\ufeff")
    if b"\x00" in data:
        raise Unreadable("binary file (NUL bytes)")
    return data.decode("utf-8", "replace").lstrip("\ufeff")


def walk(root: Path) -> list[str]:
    """Repository-relative POSIX paths of the regular-looking files under `root`, sorted;
    no symlinked folder is entered, and hidden or vendored folders are skipped."""
    found: list[str] = []
    base = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        depth = len(here.parts) - base
        dirnames[:] = [] if depth >= MAX_DEPTH else sorted(
            d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS
            and not os.path.islink(here / d) and not (here / d / "pyvenv.cfg").exists())
        for name in sorted(filenames):
            if name.startswith(".") and name not in HIDDEN_WANTED:
                continue
            found.append("/".join((here / name).parts[base:]))
            if len(found) >= MAX_FILES:
                return sorted(found)
    return sorted(found)


@dataclass(frozen=True)
class Cell:
    """A notebook code cell: its index in the cell list, source and output text."""

    index: int
    source: str
    outputs: str          # stream and text/plain outputs, joined in order


@dataclass(frozen=True)
class Notebook:
    rel: str
    cells: tuple[Cell, ...]
    python: str | None = None          # metadata.language_info.version
    kernel: str | None = None          # metadata.kernelspec.name


def obj(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def _outputs(cell: dict[str, Any]) -> str:
    parts = []
    for out in cell.get("outputs") or ():
        if not isinstance(out, dict):
            continue
        if out.get("output_type") == "stream":
            parts.append(_text(out.get("text")))
        elif isinstance(out.get("data"), dict):
            parts.append(_text(out["data"].get("text/plain")))
        elif out.get("output_type") == "pyout":        # nbformat 3
            parts.append(_text(out.get("text")))
    return "\n".join(p for p in parts if p)


def _cells(raw: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if isinstance(raw.get("cells"), list):
        yield from (c for c in raw["cells"] if isinstance(c, dict))
    for sheet in raw.get("worksheets") or ():              # nbformat 3
        if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list):
            yield from (c for c in sheet["cells"] if isinstance(c, dict))


def read_notebook(root: Path, rel: str) -> Notebook:
    """A notebook's code cells with their outputs and its kernel's Python version."""
    data = read_bounded(root / rel, MAX_NOTEBOOK_BYTES)
    try:
        raw = json.loads(data.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        raise Unreadable("not a JSON notebook") from None
    if not isinstance(raw, dict):
        raise Unreadable("not a JSON notebook")
    cells = []
    for index, cell in enumerate(_cells(raw)):
        if cell.get("cell_type") == "code":
            source = _text(cell.get("source", cell.get("input")))
            cells.append(Cell(index, source, _outputs(cell)))
    meta = obj(raw.get("metadata"))
    info, spec = obj(meta.get("language_info")), obj(meta.get("kernelspec"))
    version = info.get("version") if isinstance(info.get("version"), str) else None
    kernel = spec.get("name") if isinstance(spec.get("name"), str) else None
    return Notebook(rel, tuple(cells), version, kernel)
