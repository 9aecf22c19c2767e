"""Properties of the extractor over any input: `extract_path` never raises, its output is
plain JSON, and every record keeps the schema's invariants. Random bytes, truncated and
shuffled fixture sources, token soup and mutated notebooks are written to temporary
files; the invariants are also checked over every fixture project.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from extract_helpers import FIXTURES, run_extract
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exnet.records import FRAMEWORKS

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

PY_FIXTURES = sorted(p for p in FIXTURES.rglob("*.py") if "bad_input" not in p.parts)
NB_FIXTURES = sorted(FIXTURES.glob("notebook/*.ipynb"))
PROJECTS = sorted({p.parent for p in FIXTURES.rglob("*") if p.is_file()} |
                  {p for p in FIXTURES.iterdir() if p.is_dir()})

STYLES = {"sequential", "functional", "subclass", "module"}
HOWS = {"literal", "constant", "argparse", "config", "expression"}


def check_result(data: dict[str, Any], root: Path | None = None) -> None:
    """The invariants of an extraction result (JSON form)."""
    assert set(data) == {"models", "failures", "set_aside"}
    for failure in data["failures"]:
        assert isinstance(failure["file"], str) and failure["file"]
        assert isinstance(failure["reason"], str) and failure["reason"].strip()
        if "line" in failure:
            assert isinstance(failure["line"], int)
    for aside in data["set_aside"]:
        assert set(aside) - {"cell"} == {"file", "line", "name", "why"}
        assert isinstance(aside["line"], int) and aside["line"] >= 1
        assert aside["why"].strip() and aside["name"].strip()
    for model in data["models"]:
        assert model["schema"] == "exnet.model/2"
        assert isinstance(model["project"], str) and model["project"]
        file = model["file"]
        assert isinstance(file, str) and not file.startswith("/") and "\\" not in file
        if root is not None:
            assert (root / file).is_file(), file
        assert (model["cell"] is None) == (not file.endswith(".ipynb"))
        first, last = model["span"]
        assert 1 <= first <= last
        assert isinstance(model["name"], str) and model["name"]
        assert model["framework"] in FRAMEWORKS
        assert model["style"] in STYLES
        n = len(model["layers"])
        for layer in model["layers"]:
            assert isinstance(layer["type"], str) and layer["type"]
            assert isinstance(layer["api"], str) and layer["api"]
            assert isinstance(layer["line"], int) and layer["line"] >= 1
            assert isinstance(layer["args"], dict)
        if model["edges"] is not None:
            assert n > 1
            for edge in model["edges"]:
                a, b = edge
                assert 0 <= a < n and 0 <= b < n and a != b
            # a chain would have been written as null
            chain = [[i, i + 1] for i in range(n - 1)]
            assert sorted(model["edges"]) != chain
        for name, hp in model["hyperparameters"].items():
            assert isinstance(name, str)
            assert hp["how"] in HOWS
            assert isinstance(hp["file"], str) and isinstance(hp["line"], int)
        assert all(isinstance(d, str) for d in model["datasets"])
        assert len(set(model["datasets"])) == len(model["datasets"])


def extract_text(name: str, content: bytes) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        data = run_extract(path)           # raising here fails the property
        check_result(data)
        return data


# ------------------------------------------------------------------ fixture projects
@pytest.mark.parametrize("project", PROJECTS,
                         ids=[p.relative_to(FIXTURES).as_posix() for p in PROJECTS])
def test_fixture_records_keep_invariants(project: Path) -> None:
    first = run_extract(project)
    check_result(first, project)
    assert {m["project"] for m in first["models"]} <= {project.name}
    assert run_extract(project) == first          # deterministic


# ------------------------------------------------------------------ random input
@SETTINGS
@given(st.binary(max_size=3000), st.booleans())
def test_random_bytes(payload: bytes, with_import: bool) -> None:
    prefix = b"import torch\nimport tensorflow as tf\n" if with_import else b""
    extract_text("random.py", prefix + payload)


@SETTINGS
@given(st.sampled_from(PY_FIXTURES), st.floats(min_value=0.0, max_value=1.0))
def test_truncated_sources(path: Path, fraction: float) -> None:
    text = path.read_bytes()
    extract_text(path.name, text[: int(len(text) * fraction)])


@SETTINGS
@given(st.sampled_from(PY_FIXTURES), st.data())
def test_lines_dropped_or_repeated(path: Path, data: st.DataObject) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(i, min(len(lines), i + 8)))
    if data.draw(st.booleans()):
        lines[i:j] = []                              # drop a few lines
    else:
        lines[i:i] = lines[i:j] * 2                  # repeat a few lines
    extract_text(path.name, "".join(lines).encode())


TOKENS = ["import torch.nn as nn\n", "from tensorflow import keras\n", "class A(nn.Module):",
          "def forward(self, x):", "def __init__(self):", "self.l = nn.Linear(3, 4)",
          "x = self.l(x)", "return x", "for l in self.layers:", "x = l(x)", "if x:", "else:",
          "model = keras.Sequential([", "keras.layers.Dense(2)", "])", "(", ")", "[", "]",
          ",", ":", "\n", "    ", "x", "self", "*", "+", "torch.cat([x, x])", "model.add(",
          "keras.Model(inputs=x, outputs=x)", "A()", "super().__init__()", "lambda: x",
          "nn.ModuleList([nn.Linear(2, 2) for _ in range(N)])", "N = 10 ** 9", "yield x",
          "model.fit(epochs=EPOCHS)", "EPOCHS = EPOCHS", "x = x.view(-1)", "del x", "\\"]


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=80))
def test_token_soup(tokens: list[str]) -> None:
    extract_text("soup.py", ("import torch\n" + " ".join(tokens)).encode())


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_token_soup_lines(tokens: list[str]) -> None:
    """Line-shaped soup parses more often, so the interpreter sees odd but valid code."""
    extract_text("soup.py", ("import torch.nn as nn\n" + "\n".join(tokens) + "\n").encode())


# ------------------------------------------------------------------ notebooks
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) |
    st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
CELL_KEYS = ["cell_type", "source", "metadata", "outputs", "execution_count", "id"]


@st.composite
def mutated_notebook(draw: st.DrawFn) -> bytes:
    path = draw(st.sampled_from(NB_FIXTURES))
    nb = copy.deepcopy(json.loads(path.read_text(encoding="utf-8")))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cell_key", "cell", "top", "source", "drop_cell"]))
        cells = nb.get("cells")
        if kind == "top":
            nb[draw(st.sampled_from(["cells", "nbformat", "nbformat_minor", "metadata"]))] = \
                draw(JSON_VALUES)
        elif not isinstance(cells, list) or not cells:
            continue
        elif kind == "cell":
            cells[draw(st.integers(0, len(cells) - 1))] = draw(JSON_VALUES)
        elif kind == "drop_cell":
            del cells[draw(st.integers(0, len(cells) - 1))]
        else:
            cell = cells[draw(st.integers(0, len(cells) - 1))]
            if not isinstance(cell, dict):
                continue
            if kind == "source":
                cell["source"] = draw(st.text(max_size=200) | st.lists(st.text(max_size=40),
                                                                      max_size=5))
            else:
                cell[draw(st.sampled_from(CELL_KEYS))] = draw(JSON_VALUES)
    text = json.dumps(nb)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]   # and sometimes truncated
    return text.encode()


@SETTINGS
@given(mutated_notebook())
def test_mutated_notebooks(content: bytes) -> None:
    data = extract_text("mutated.ipynb", content)
    for failure in data["failures"]:
        assert failure["file"] == "mutated.ipynb"
