"""Finding and reading source files: the extractor's only contact with the disk.

A mined repository is hostile input, so this module walks folders without following
symlinks, skips vendored and hidden folders, bounds file sizes, refuses binary files and
undecodable text, and turns a notebook into one Python text (code cells in order, IPython
magics and shell escapes blanked) with a map back to (cell, line). Everything it cannot
read becomes a `Failure` with a reason; nothing here raises on bad input.
"""

from __future__ import annotations

import ast
import codecs
import io
import itertools
import json
import os
import re
import stat
import tokenize
import warnings
from dataclasses import dataclass, replace
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

#: A Keras notebook cell saved on its own, with no import (the notebook imported in an
#: earlier cell): `model = Sequential()`, `model.add(Dense(...))`. Read like a file that
#: names Keras (`names.ImportMap.assume_keras_fragment`).
KERAS_FRAGMENT_PATTERN = (r"(?<![\w.])Sequential\s*\(|\.add\s*\(\s*(?:Dense|Conv[123]D|LSTM|GRU|"
                          r"SimpleRNN|Embedding|Bidirectional)\s*\(")
KERAS_FRAGMENT = re.compile(KERAS_FRAGMENT_PATTERN.encode())
#: A file that never mentions a deep-learning framework cannot hold a model; checked on
#: raw bytes so such files are skipped before any parse.
FRAMEWORK_MENTION = re.compile(rb"\b(?:keras|tensorflow|torch|torchvision|transformers|timm|"
                               rb"pytorch_lightning|lightning\.pytorch|flax|optax|jax|"
                               rb"torchtext|tensorflow_datasets)\b")


@dataclass(frozen=True)
class Source:
    """Python text ready to parse, and where each of its lines came from."""

    rel: str                      # POSIX path relative to the project root
    text: str
    is_notebook: bool = False
    # For notebooks: line i of `text` (1-based) comes from cell_of[i-1], line line_of[i-1].
    cell_of: tuple[int, ...] = ()
    line_of: tuple[int, ...] = ()
    # A `%%writefile model.py` cell is a module of the project: `as_module` is the name
    # other code imports it by ("model"); its lines still point into the notebook.
    as_module: str = ""
    companions: tuple[Source, ...] = ()      # the notebook's %%writefile modules

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
                # Symlinks, FIFOs and devices are listed too: `read_bounded` refuses them,
                # so each becomes a recorded failure instead of a silent gap.
                found.append(here / name)
    return found


def read_bounded(path: Path, limit: int) -> bytes:
    """Read a regular file that is not a symlink, refusing files over `limit` bytes."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise Unreadable("symbolic link, not followed")
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("not a regular file (a FIFO, socket or device), not read")
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
#: IPython runs these without `!` or `%` (automagic): `pip install tensorflow`.
_AUTOMAGIC = re.compile(r"^(\s*)(?:pip|conda|apt-get|apt)\s+(?:install|uninstall|-q|-U)\b")


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
    """Line magics (`%matplotlib inline`), shell escapes (`!wget ... \\` with the lines it
    continues on), automagic package commands (`pip install x`) and help lines as `pass`
    or blank, so that line numbers and block structure survive."""
    out = []
    continued = False
    for line in lines:
        m = _MAGIC.match(line) or _AUTOMAGIC.match(line)
        if continued:
            out.append("")
            continued = line.rstrip().endswith("\\")
        elif m:
            out.append(m.group(1) + "pass")
            continued = line.rstrip().endswith("\\")
        elif re.match(r"^\s*\w+\s*=\s*[!%]", line):
            # `files = !ls` assigns a shell result; keep the name bound to something.
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + line.strip().split("=")[0].strip() + " = None")
        else:
            out.append(line)
    return out


#: nbformat versions that nbformat can read (older ones are upgraded to version 4).
NOTEBOOK_VERSIONS = (1, 2, 3, 4)
#: Where each version keeps the text of a code cell.
_CODE_FIELD = {1: "code", 2: "input", 3: "input", 4: "source"}


def _json_kind(value: object) -> str:
    """What a JSON value is, in words: "a number", "a list of numbers", "an object"."""
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if not isinstance(value, list):
        return type(value).__name__
    others = [item for item in value if not isinstance(item, str)]
    if not others:
        return "a list of strings"
    kinds = {_json_kind(item) for item in others}
    if len(others) == len(value) and len(kinds) == 1:
        plural = {"a number": "numbers", "an object": "objects", "null": "nulls",
                  "a boolean": "booleans"}
        return "a list of " + plural.get(kinds.pop(), "lists")
    return f"a list holding {_json_kind(others[0])}"


def _is_text(value: object) -> bool:
    """A cell's text as notebooks store it: a string, or a list of strings."""
    return isinstance(value, str) or (isinstance(value, list)
                                      and all(isinstance(s, str) for s in value))


def _notebook_json(data: bytes) -> dict:
    """The notebook's JSON object, else Unreadable saying what is wrong and where."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"invalid notebook: not UTF-8 text (byte 0x{data[exc.start]:02x} "
                         f"at offset {exc.start})") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise Unreadable("invalid notebook: the file is empty")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" starting at").removesuffix(" at")
        raise Unreadable(f"invalid notebook: not JSON (line {exc.lineno}, column "
                         f"{exc.colno}: {what[:1].lower()}{what[1:]})") from None
    except RecursionError:
        raise Unreadable("invalid notebook: JSON nested too deeply to read") from None
    except ValueError:      # a number of thousands of digits
        raise Unreadable("invalid notebook: a number in it is too long to read") from None
    if not isinstance(raw, dict):
        raise Unreadable(f"invalid notebook: the top level is {_json_kind(raw)}, "
                         f"not an object") from None
    return raw


def _notebook_version(raw: dict) -> int:
    version = raw.get("nbformat")
    if version is None:
        raise Unreadable("invalid notebook: no 'nbformat' version number")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Unreadable(f"invalid notebook: 'nbformat' is {_json_kind(version)}, "
                         f"not a version number")
    if version not in NOTEBOOK_VERSIONS:
        raise Unreadable(f"invalid notebook: nbformat {version} is not supported "
                         f"(versions {NOTEBOOK_VERSIONS[0]} to {NOTEBOOK_VERSIONS[-1]} are)")
    return version


def _notebook_cell_lists(raw: dict, version: int) -> list[list]:
    """The notebook's lists of cells (one, or one per worksheet before version 4)."""
    if version in (2, 3):
        sheets = raw.get("worksheets", [])
        if not isinstance(sheets, list):
            raise Unreadable(f"invalid notebook: 'worksheets' is {_json_kind(sheets)}, "
                             f"not a list")
        lists = []
        for number, sheet in enumerate(sheets):
            if not isinstance(sheet, dict):
                raise Unreadable(f"invalid notebook: worksheet {number} is "
                                 f"{_json_kind(sheet)}, not an object")
            cells = sheet.get("cells", [])
            if not isinstance(cells, list):
                raise Unreadable(f"invalid notebook: worksheet {number} 'cells' is "
                                 f"{_json_kind(cells)}, not a list")
            lists.append(cells)
        return lists
    if "cells" not in raw:
        raise Unreadable("invalid notebook: no 'cells' list")
    if not isinstance(raw["cells"], list):
        raise Unreadable(f"invalid notebook: 'cells' is {_json_kind(raw['cells'])}, "
                         f"not a list")
    return [raw["cells"]]


def _check_cells(raw: dict, version: int) -> None:
    """Unreadable naming the first cell that is not an object with a cell_type, or
    whose code is not text; cells are numbered as in the (upgraded) cell list."""
    field = _CODE_FIELD[version]
    index = 0
    for cells in _notebook_cell_lists(raw, version):
        for cell in cells:
            if not isinstance(cell, dict):
                raise Unreadable(f"invalid notebook: cell {index} is {_json_kind(cell)}, "
                                 f"not an object")
            kind = cell.get("cell_type")
            if kind is None:
                raise Unreadable(f"invalid notebook: cell {index} has no cell_type")
            if not isinstance(kind, str):
                raise Unreadable(f"invalid notebook: cell {index} cell_type is "
                                 f"{_json_kind(kind)}, not text")
            if kind == "code" and not _is_text(cell.get(field, "")):
                raise Unreadable(f"invalid notebook: cell {index} {field} is "
                                 f"{_json_kind(cell[field])}, not text")
            index += 1


def _nbformat_reason(raw: dict, version: int) -> str:
    """Why nbformat cannot read `raw`, from its own validator's first message."""
    from nbformat import validator

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            errors = [e for e in itertools.islice(validator.iter_validate(raw), 20)
                      if not e.message.startswith("No schema")]
    except Exception:  # noqa: BLE001 (the validator meeting odd input)
        errors = []
    if not errors:
        return f"nbformat {version} notebook that nbformat cannot upgrade"
    path = list(errors[0].absolute_path)
    if version in (2, 3) and len(path) >= 4 and path[0] == "worksheets" \
            and path[2] == "cells" and isinstance(path[1], int) and isinstance(path[3], int):
        before = sum(len(s["cells"]) for s in raw["worksheets"][:path[1]])
        path = ["cells", before + path[3], *path[4:]]
    words: list[str] = []
    for part in path:
        if words and words[-1] == "cells" and isinstance(part, int):
            words[-1] = f"cell {part}"
        else:
            words.append(f"[{part}]" if isinstance(part, int) else str(part))
    where = " ".join(words).replace(" [", "[") or "the notebook"
    message = errors[0].message
    return f"{where}: {message if len(message) <= 120 else message[:117] + '...'}"


def notebook_cells(data: bytes) -> list[tuple[int, str]]:
    """(cell index, source) of each code cell of an .ipynb file, else Unreadable with a
    reason a person understands ("invalid notebook: cell 4 source is a list of numbers,
    not text"). Versions before 4 are upgraded by nbformat; when it cannot, its
    validator's first message says why."""
    raw = _notebook_json(data)
    version = _notebook_version(raw)
    _check_cells(raw, version)
    if version < 4:
        import nbformat

        try:
            with warnings.catch_warnings():
                # Old notebooks lack cell ids; nbformat warns and upgrades, fine here.
                warnings.simplefilter("ignore")
                raw = nbformat.convert(nbformat.reader.reads(json.dumps(raw)), 4)
        except Exception:  # noqa: BLE001 (nbformat raises many kinds on malformed input)
            raise Unreadable(f"invalid notebook: {_nbformat_reason(raw, version)}") from None
    cells = []
    for index, cell in enumerate(raw.get("cells", [])):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            cells.append((index, source if isinstance(source, str) else
                          "".join(s for s in source if isinstance(s, str))))
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


_WRITEFILE = re.compile(r"^\s*%%writefile(?:\s+-a)?\s+(\S+\.py)\s*$")


def written_modules(rel: str, cells: list[tuple[int, str]]) -> tuple[Source, ...]:
    """The Python files a notebook writes with `%%writefile name.py` cells, each as a
    module the notebook (and the project) can import; the last write of a name wins."""
    found: dict[str, Source] = {}
    for index, source in cells:
        lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        match = _WRITEFILE.match(lines[0]) if lines else None
        if match is None or ".." in match[1]:
            continue
        body = blank_magics(lines[1:])
        stem = match[1].lstrip("./").rsplit(".", 1)[0].replace("/", ".")
        found[stem] = Source(rel, "\n".join(body) + "\n", True, (index,) * len(body),
                             tuple(range(2, len(body) + 2)), as_module=stem)
    return tuple(found.values())


def mentions_framework(data: bytes) -> bool:
    return FRAMEWORK_MENTION.search(data) is not None or KERAS_FRAGMENT.search(data) is not None


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
        return replace(notebook_source(rel, cells), companions=written_modules(rel, cells))
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


def quiet_parse(text: str) -> ast.Module:
    """`ast.parse` without the SyntaxWarnings a mined file's escapes (`"\\d"`) raise:
    they concern its author, not exnet's output."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(text)
