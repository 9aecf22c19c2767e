"""Finding and reading source files: the extractor's only contact with the disk.

A mined repository is hostile input, so this module walks folders without following
symlinks, skips vendored and hidden folders, bounds file sizes, refuses binary files and
undecodable text, and turns a notebook into one Python text (code cells in order, IPython
magics and shell escapes blanked) with a map back to (cell, line). Everything it cannot
read becomes a `Failure` with a reason; nothing here raises on bad input.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import stat
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path

MAX_PY_BYTES = 1_000_000
MAX_NOTEBOOK_BYTES = 20_000_000
MAX_README_BYTES = 200_000
MAX_CELLS = 5_000          # code cells per notebook

SKIP_DIRS = frozenset({
    ".git", "node_modules", "site-packages", "dist-packages", "__pycache__",
    "venv", "env", "virtualenv", ".venv", ".tox", "build", "dist",
})
README_NAMES = ("readme.md", "readme.rst", "readme.txt", "readme", "readme.markdown")

#: A file that never mentions a deep-learning framework cannot hold a model; checked on
#: raw bytes so such files are skipped before any parse.
FRAMEWORK_MENTION = re.compile(rb"\b(?:keras|tensorflow|torch|torchvision|transformers|timm|"
                               rb"pytorch_lightning|lightning\.pytorch)\b")


@dataclass(frozen=True)
class Source:
    """Python text ready to parse, and where each of its lines came from."""

    rel: str                      # POSIX path relative to the project root
    text: str
    is_notebook: bool = False
    # For notebooks: line i of `text` (1-based) comes from cell_of[i-1], line line_of[i-1].
    cell_of: tuple[int, ...] = ()
    line_of: tuple[int, ...] = ()

    def locate(self, line: int) -> tuple[int | None, int]:
        """(cell, line-in-cell) for a line of `text`; (None, line) for .py files."""
        if not self.is_notebook:
            return None, line
        if 1 <= line <= len(self.cell_of):
            return self.cell_of[line - 1], self.line_of[line - 1]
        return None, line


class Unreadable(Exception):
    """A file that cannot be turned into Python text; the message is the recorded reason."""


def is_venv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()


def iter_project_files(root: Path) -> list[Path]:
    """Every .py and .ipynb file under root, sorted, following no symlinks.

    Skips .git, hidden folders, virtual environments, site-packages and node_modules.
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and d not in SKIP_DIRS
            and not os.path.islink(here / d) and not is_venv(here / d)
        )
        for name in sorted(filenames):
            if name.endswith((".py", ".ipynb")) and not name.startswith("."):
                path = here / name
                try:
                    mode = os.lstat(path).st_mode
                except OSError:
                    continue
                if stat.S_ISREG(mode):   # symlinks and devices are never read
                    found.append(path)
    return found


def read_bounded(path: Path, limit: int) -> bytes:
    """Read a regular file that is not a symlink, refusing files over `limit` bytes."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("not a regular file (symlinks are not followed)")
    if st.st_size > limit:
        raise Unreadable(f"file over {limit // 1_000_000} MB ({st.st_size} bytes)")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"file over {limit // 1_000_000} MB")
    return data


def decode_python(data: bytes) -> str:
    """Decode Python source bytes: UTF-8 or a PEP 263 coding cookie, else Unreadable."""
    if b"\x00" in data:
        raise Unreadable("binary file (NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise Unreadable(f"unknown source encoding: {exc}") from None
    try:
        codecs.lookup(encoding)
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise Unreadable(f"not valid {encoding} text") from None
    return text.lstrip("\ufeff")


#: Cell magics whose body is ordinary Python run in the notebook's namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit",
                                "mprun", "python", "python3", "skip", "tensorboard"})

_MAGIC = re.compile(r"^(\s*)(?:[%!]|\?\?|\?(?=\w)|\w[\w.]*\?{1,2}\s*$)")


def strip_magics(cell_source: str) -> list[str]:
    """Lines of a code cell with IPython magics, shell escapes and help lines replaced by
    `pass` at the same indentation, so line numbers and block structure survive."""
    lines = cell_source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in PYTHON_CELL_MAGICS:
            return ["pass"] + [""] * (len(lines) - 1)   # %%bash, %%html, %%writefile: not run here
        lines = ["pass"] + lines[1:]    # `%%time` and the like run the rest as Python
    return blank_magics(lines)


def blank_magics(lines: list[str]) -> list[str]:
    """Line magics (`%matplotlib inline`), shell escapes and help lines as `pass`."""
    out = []
    for line in lines:
        m = _MAGIC.match(line)
        if m:
            out.append(m.group(1) + "pass")
        elif re.match(r"^\s*\w+\s*=\s*[!%]", line):
            # `files = !ls` assigns a shell result; keep the name bound to something.
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + line.strip().split("=")[0].strip() + " = None")
        else:
            out.append(line)
    return out


def notebook_cells(data: bytes) -> list[tuple[int, str]]:
    """(cell index, source) of each code cell of an .ipynb file, else Unreadable."""
    import nbformat

    try:
        raw = json.loads(data.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Unreadable(f"invalid notebook: not JSON ({type(exc).__name__})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells", raw.get("worksheets")),
                                                   list):
        raise Unreadable("invalid notebook: no cells")
    try:
        with warnings.catch_warnings():
            # Old notebooks lack cell ids; nbformat warns and upgrades, which is fine here.
            warnings.simplefilter("ignore")
            nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:  # nbformat raises many kinds on malformed input
        raise Unreadable(f"invalid notebook: {type(exc).__name__}") from None
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if isinstance(source, str):
            cells.append((index, source))
    return cells


def notebook_source(rel: str, cells: list[tuple[int, str]]) -> Source:
    """Join code cells into one text (so names flow between cells) with a line map."""
    text_lines: list[str] = []
    cell_of: list[int] = []
    line_of: list[int] = []
    for index, source in cells:
        lines = strip_magics(source.replace("\r\n", "\n").replace("\r", "\n"))
        for n, line in enumerate(lines, start=1):
            text_lines.append(line)
            cell_of.append(index)
            line_of.append(n)
    return Source(rel, "\n".join(text_lines) + "\n", True, tuple(cell_of), tuple(line_of))


def mentions_framework(data: bytes) -> bool:
    return FRAMEWORK_MENTION.search(data) is not None


def load_source(path: Path, rel: str) -> Source | None:
    """The Source of a .py or .ipynb file; None when it cannot hold a model.

    Raises Unreadable (with the reason to record) for files that are too big, binary,
    undecodable or not valid notebooks.
    """
    if rel.endswith(".ipynb"):
        data = read_bounded(path, MAX_NOTEBOOK_BYTES)
        cells = notebook_cells(data)
        if len(cells) > MAX_CELLS:
            raise Unreadable(f"notebook too large to analyse ({len(cells)} code cells, "
                             f"over {MAX_CELLS})")
        if not any(FRAMEWORK_MENTION.search(s.encode("utf-8", "replace")) for _, s in cells):
            return None
        return notebook_source(rel, cells)
    data = read_bounded(path, MAX_PY_BYTES)
    if not mentions_framework(data):
        if b"\x00" in data:
            raise Unreadable("binary file (NUL bytes)")
        return None
    return Source(rel, decode_python(data))


def read_readme(root: Path) -> tuple[str, str]:
    """(file name, text) of the project's top-level README; ("", "") when there is none or
    it is unreadable."""
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return "", ""
    for name in entries:
        if name.lower() in README_NAMES:
            try:
                text = read_bounded(root / name, MAX_README_BYTES).decode("utf-8", "replace")
            except (OSError, Unreadable):
                return "", ""
            return name, text
    return "", ""
