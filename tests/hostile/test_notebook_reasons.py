"""A notebook that cannot be read is recorded with a reason a person understands: what is
wrong and where (line and column, cell number, field), never an exception class name.

One real folder holds every kind of broken notebook below, plus notebooks that are odd
but readable; `exnet extract` reads it once, as a real process, and each case checks the
exact reason recorded for its file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

KERAS = ["from tensorflow import keras\n",
         "model = keras.Sequential([keras.layers.Dense(1)])\n"]


def keras(*layers: str) -> list[str]:
    """A model of its own (same architectures in one project would be one record)."""
    return ["from tensorflow import keras\n",
            f"model = keras.Sequential([{', '.join(f'keras.layers.{x}' for x in layers)}])\n"]


def v4(cells: Any, **top: Any) -> dict[str, Any]:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells, **top}


def code(source: Any) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": source}


def v3(worksheets: Any, **top: Any) -> dict[str, Any]:
    return {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": worksheets,
            **top}


def v3_code(text: Any) -> dict[str, Any]:
    return {"cell_type": "code", "language": "python", "metadata": {}, "outputs": [],
            "input": text}


MARKDOWN = {"cell_type": "markdown", "metadata": {}, "source": "# title"}

# (file name, content: bytes as they are, anything else as JSON, exact reason)
BROKEN: list[tuple[str, Any, str]] = [
    ("latin1.ipynb", b'{"cells": ["caf\xe9"]}',
     "invalid notebook: not UTF-8 text (byte 0xe9 at offset 15)"),
    ("empty.ipynb", b"\n\n", "invalid notebook: the file is empty"),
    ("comma.ipynb", b'{\n "nbformat": 4,\n "cells": [1,,]\n}',
     "invalid notebook: not JSON (line 3, column 14: expecting value)"),
    ("cut-short.ipynb", b'{"nbformat": 4, "cells": [{"source": "import tor',
     "invalid notebook: not JSON (line 1, column 38: unterminated string)"),
    ("deep.ipynb", b"[" * 200_000, "invalid notebook: JSON nested too deeply to read"),
    ("long-number.ipynb", b'{"nbformat": ' + b"9" * 5000 + b"}",
     "invalid notebook: a number in it is too long to read"),
    ("top-list.ipynb", [1, 2, 3],
     "invalid notebook: the top level is a list of numbers, not an object"),
    ("no-version.ipynb", {"cells": [code(KERAS)], "metadata": {}},
     "invalid notebook: no 'nbformat' version number"),
    ("version-string.ipynb", v4([code(KERAS)], nbformat="4"),
     "invalid notebook: 'nbformat' is a string, not a version number"),
    ("version-5.ipynb", v4([code(KERAS)], nbformat=5),
     "invalid notebook: nbformat 5 is not supported (versions 1 to 4 are)"),
    ("no-cells.ipynb", {"nbformat": 4, "nbformat_minor": 5, "metadata": {}},
     "invalid notebook: no 'cells' list"),
    ("cells-string.ipynb", v4("import torch"),
     "invalid notebook: 'cells' is a string, not a list"),
    ("cells-object.ipynb", v4({"0": code(KERAS)}),
     "invalid notebook: 'cells' is an object, not a list"),
    ("cell-string.ipynb", v4([MARKDOWN, "import torch"]),
     "invalid notebook: cell 1 is a string, not an object"),
    ("no-cell-type.ipynb", v4([MARKDOWN, code(KERAS), {"source": KERAS}]),
     "invalid notebook: cell 2 has no cell_type"),
    ("cell-type-number.ipynb", v4([dict(code(KERAS), cell_type=1)]),
     "invalid notebook: cell 0 cell_type is a number, not text"),
    ("source-numbers.ipynb", v4([MARKDOWN, code(KERAS), MARKDOWN, code("x = 1"),
                                  code([1, 2, 3])]),
     "invalid notebook: cell 4 source is a list of numbers, not text"),
    ("source-number.ipynb", v4([code(7)]),
     "invalid notebook: cell 0 source is a number, not text"),
    ("source-mixed.ipynb", v4([code(["import torch\n", None, "x"])]),
     "invalid notebook: cell 0 source is a list holding null, not text"),
    ("source-object.ipynb", v4([code({"text": "import torch"})]),
     "invalid notebook: cell 0 source is an object, not text"),
    ("worksheets-string.ipynb", v3("cells"),
     "invalid notebook: 'worksheets' is a string, not a list"),
    ("worksheet-list.ipynb", v3([[v3_code(KERAS)]]),
     "invalid notebook: worksheet 0 is a list of objects, not an object"),
    ("v3-input-numbers.ipynb", v3([{"cells": [v3_code(KERAS)]},
                                    {"cells": [MARKDOWN, v3_code([4, 2])]}]),
     "invalid notebook: cell 2 input is a list of numbers, not text"),
    # Readable cells, but nbformat cannot upgrade it: its validator says why.
    ("v3-metadata.ipynb", v3([{"cells": [v3_code(KERAS)]}], metadata="python"),
     "invalid notebook: metadata: 'python' is not of type 'object'"),
]

# Odd but readable: (file name, content, cell of the model, its layers)
READABLE: list[tuple[str, Any, int, list[str]]] = [
    ("no-metadata.ipynb", {"nbformat": 4, "cells": [
        MARKDOWN, {"cell_type": "code", "source": keras("Dense(2)", "Dense(1)")}]},
     1, ["Dense", "Dense"]),
    ("bom.ipynb", b"\xef\xbb\xbf" + json.dumps(v4([code(keras("Dropout(0.5)", "Dense(1)"))]))
     .encode(), 0, ["Dropout", "Dense"]),
    ("v3-two-worksheets.ipynb", v3([{"cells": [MARKDOWN]},
                                    {"cells": [v3_code(keras("Flatten()", "Dense(1)"))]}]),
     1, ["Flatten", "Dense"]),
]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("notebooks")
    for name, content, *_ in BROKEN + READABLE:
        raw = content if isinstance(content, bytes) else json.dumps(content).encode()
        (root / name).write_bytes(raw)
    done = subprocess.run([sys.executable, "-m", "exnet.cli", "extract", str(root)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name,content,reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_reason(extracted: dict[str, Any], name: str, content: Any, reason: str) -> None:
    reasons = [f["reason"] for f in extracted["failures"] if f["file"] == name]
    assert reasons == [reason]


@pytest.mark.parametrize("name,content,cell,layers", READABLE,
                         ids=[r[0] for r in READABLE])
def test_odd_but_readable(extracted: dict[str, Any], name: str, content: Any, cell: int,
                          layers: list[str]) -> None:
    assert [f for f in extracted["failures"] if f["file"] == name] == []
    assert [(m["cell"], [layer["type"] for layer in m["layers"]])
            for m in extracted["models"] if m["file"] == name] == [(cell, layers)]
