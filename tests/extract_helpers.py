"""Helpers for the extractor tests: run `extract_path` on a fixture, find models in it,
and find line numbers in fixture files by their text (so fixtures can be edited without
renumbering the tests).

Fixture projects live in tests/fixtures/extract/<name>/; see the test modules for what
each one pins down.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def fixture(*parts: str) -> Path:
    path = FIXTURES.joinpath(*parts)
    assert path.exists(), f"missing fixture {path}"
    return path


def run_extract(path: Path | str) -> dict[str, Any]:
    """`extract_path(path).to_json()`, checked to be plain JSON (a fresh dict each call)."""
    from exnet.extract import extract_path

    data = extract_path(Path(path)).to_json()
    return json.loads(json.dumps(data, allow_nan=False))


@cache
def _cached(path: str) -> str:
    return json.dumps(run_extract(path))


def extract(path: Path | str) -> dict[str, Any]:
    """Like run_extract, cached per path for the session (fixtures do not change)."""
    return json.loads(_cached(str(path)))


def _describe(models: list[dict[str, Any]]) -> str:
    return "; ".join(f"{m['file']}:{m['name']} {layer_types(m)}" for m in models) or "none"


def models_in(data: dict[str, Any], file: str | None = None) -> list[dict[str, Any]]:
    return [m for m in data["models"] if file is None or m["file"] == file]


def find_model(data: dict[str, Any], name: str, file: str | None = None) -> dict[str, Any]:
    """The one model called `name` (in `file`, if given); fails listing what was found."""
    found = [m for m in models_in(data, file) if m["name"] == name]
    assert len(found) == 1, (f"expected one model {name!r} in {file or 'the project'}, "
                             f"found {len(found)}; models: {_describe(data['models'])}")
    return found[0]


def layer_types(model: dict[str, Any]) -> list[str]:
    return [layer["type"] for layer in model["layers"]]


def layers_of(model: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [layer for layer in model["layers"] if layer["type"] == type_]


def edge_set(model: dict[str, Any]) -> set[tuple[int, int]] | None:
    return None if model["edges"] is None else {(a, b) for a, b in model["edges"]}


def assert_args(layer: dict[str, Any], **expected: Any) -> None:
    """The layer's args include `expected` (other args may be present)."""
    got = {k: layer["args"].get(k, "<absent>") for k in expected}
    assert got == expected, f"{layer['type']} args {layer['args']} lack {expected}"


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding `needle` (its n-th occurrence; the first by
    default, and then the needle must be unique unless `occurrence` is given)."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if needle in line]
    assert hits, f"{needle!r} not in {path}"
    if occurrence == 1:
        assert len(hits) == 1, f"{needle!r} is on several lines of {path}: {hits}"
    return hits[occurrence - 1]


def notebook_cells(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def cell_line_of(path: Path, needle: str) -> tuple[int, int]:
    """(cell index in the notebook's cells list, 1-based line in that cell) of the one
    line holding `needle`."""
    hits = []
    for index, cell in enumerate(notebook_cells(path)):
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        hits += [(index, n) for n, line in enumerate(text.split("\n"), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} in {path}: {hits}"
    return hits[0]


def hyper(model: dict[str, Any], name: str) -> dict[str, Any]:
    hps = model["hyperparameters"]
    assert name in hps, f"{model['name']}: no {name!r} among {sorted(hps)}"
    return hps[name]


# ------------------------------------------------------------------ bad input, generated
# Files with odd encodings, binary content, pathological nesting or size are written by
# the tests into tmp_path rather than committed.

MODEL_SOURCE = '''import torch.nn as nn


class {name}(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc(x)
'''


def write_latin1(path: Path) -> None:
    """Latin-1 bytes and no coding cookie: not valid UTF-8, so not valid Python 3."""
    path.write_bytes(b"# r\xe9seau de neurones, donn\xe9es de l'\xe9t\xe9\n"
                     b"import torch\nx = torch.zeros(3)\n")


def write_binary(path: Path) -> None:
    path.write_bytes(b"import torch\n\x00\x00\x01\x02\xff\xfe" + bytes(range(256)) * 4)


def write_nested_parens(path: Path) -> None:
    path.write_text("import torch\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n")


def write_nested_ifs(path: Path) -> None:
    lines = ["import torch", "x = 0"]
    for depth in range(300):
        lines.append("    " * depth + f"if x < {depth + 1}:")
    lines.append("    " * 300 + "x = torch.zeros(1)")
    path.write_text("\n".join(lines) + "\n")


def write_huge(path: Path) -> None:
    """Valid Python over 1.2 MB with a model in it: the size alone is the reason."""
    body = MODEL_SOURCE.format(name="HugeNet")
    filler = "".join(f"WEIGHT_{i} = {i} * 0.5  # padding the file out\n" for i in range(30000))
    text = body + filler
    assert len(text.encode()) > 1_200_000
    path.write_text(text)


def copy_fixture(*parts: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        shutil.copyfile(fixture(*parts), path)
    return write


def write(root: Path, files: dict[str, str]) -> Path:
    """A project folder made of `files` (relative path -> text); returns `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
