"""Notebooks: code cells read in order (names flow between cells), IPython magics and
shell escapes ignored, `cell` = index in the notebook's cell list (markdown and raw cells
count), every `line` relative to its cell, a cell that does not parse recorded as a
failure while the rest of the notebook is read.

Fixtures: notebook/imdb_lstm.ipynb (Keras), notebook/torch_mnist.ipynb (PyTorch, with a
Python 2 cell); one notebook is written in the test with string sources and a raw cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_helpers import (
    cell_line_of,
    extract,
    find_model,
    fixture,
    hyper,
    layer_types,
    models_in,
    run_extract,
)

IMDB = fixture("notebook", "imdb_lstm.ipynb")
MNIST = fixture("notebook", "torch_mnist.ipynb")


@pytest.mark.parametrize("path", [IMDB, fixture("notebook")], ids=["file", "folder"])
def test_keras_notebook_model(path: Path) -> None:
    data = extract(path)
    model = find_model(data, "model", "imdb_lstm.ipynb")
    assert layer_types(model) == ["Embedding", "LSTM", "Dropout", "Dense"]
    assert (model["framework"], model["style"]) == ("keras", "sequential")
    cell, line = cell_line_of(IMDB, "model = Sequential()")
    assert model["cell"] == cell == 6            # cells 0, 3 and 5 are markdown
    assert model["span"][0] == line == 2         # relative to the cell
    assert model["project"] == "notebook"
    for layer, needle in zip(model["layers"], ["Embedding(", "LSTM(", "Dropout(", "Dense("]):
        assert (layer["cell"], layer["line"]) == cell_line_of(IMDB, f"model.add({needle}")
    assert model["datasets"] == ["imdb"]
    assert [f for f in data["failures"] if f["file"] == "imdb_lstm.ipynb"] == []


@pytest.mark.parametrize("hp,value,how,needle", [
    ("optimizer", "adam", "literal", "model.compile("),
    ("loss", "binary_cross_entropy", "literal", "model.compile("),
    ("epochs", 5, "literal", "history = model.fit("),
    ("batch_size", 128, "literal", "history = model.fit("),
    ("max_sequence_length", 200, "literal", "x_train = pad_sequences("),
])
def test_keras_notebook_hyperparameters(hp: str, value: object, how: str, needle: str) -> None:
    model = find_model(extract(IMDB), "model", "imdb_lstm.ipynb")
    found = hyper(model, hp)
    assert found["value"] == value
    assert found["how"] == how
    assert found["file"] == "imdb_lstm.ipynb"
    assert (found["cell"], found["line"]) == cell_line_of(IMDB, needle)


def test_keras_notebook_preprocessing_cell() -> None:
    model = find_model(extract(IMDB), "model", "imdb_lstm.ipynb")
    padding = [p for p in model["preprocessing"] if p["kind"] == "padding"]
    assert padding, model["preprocessing"]
    assert (padding[0]["cell"], padding[0]["line"]) == \
        cell_line_of(IMDB, "x_train = pad_sequences(")
    assert padding[0]["args"]["maxlen"] == 200


def test_torch_notebook_with_a_python2_cell() -> None:
    data = extract(MNIST)
    model = find_model(data, "Net", "torch_mnist.ipynb")
    assert layer_types(model) == ["Flatten", "Dense", "Activation", "Dense", "Activation"]
    assert [layer["args"].get("function") for layer in model["layers"]
            if layer["type"] == "Activation"] == ["relu", "log_softmax"]
    assert (model["cell"], model["span"][0]) == cell_line_of(MNIST, "class Net(nn.Module):")
    assert (model["layers"][0]["cell"], model["layers"][0]["line"]) == cell_line_of(
        MNIST, "x = torch.flatten(x, 1)")
    assert (model["layers"][1]["cell"], model["layers"][1]["line"]) == cell_line_of(
        MNIST, "self.fc1 = nn.Linear(")
    assert model["datasets"] == ["mnist"]
    # cell 3 (`print "..."`) is one failure; the cells around it are still read
    failures = [f for f in data["failures"] if f["file"] == "torch_mnist.ipynb"]
    assert len(failures) == 1
    assert "cell 3" in failures[0]["reason"].lower() or failures[0].get("cell") == 3


@pytest.mark.parametrize("hp,value,needle", [
    ("optimizer", "sgd", "optimizer = optim.SGD("),
    ("learning_rate", 0.01, "optimizer = optim.SGD("),
    ("momentum", 0.5, "optimizer = optim.SGD("),
    ("loss", "nll", "loss = F.nll_loss("),
    ("batch_size", 64, "loader = torch.utils.data.DataLoader("),
    ("epochs", 3, "for epoch in range(3):"),
])
def test_torch_notebook_hyperparameters(hp: str, value: object, needle: str) -> None:
    model = find_model(extract(MNIST), "Net", "torch_mnist.ipynb")
    found = hyper(model, hp)
    assert found["value"] == value
    assert found["how"] == "literal"
    # line 1 of the training cell is `%time`: lines still count it
    assert (found["cell"], found["line"]) == cell_line_of(MNIST, needle)


def test_notebooks_in_one_folder_keep_their_own_setup() -> None:
    data = extract(fixture("notebook"))
    assert sorted(m["name"] for m in data["models"]) == ["Net", "model"]
    keras_model = find_model(data, "model", "imdb_lstm.ipynb")
    torch_model = find_model(data, "Net", "torch_mnist.ipynb")
    assert hyper(keras_model, "optimizer")["value"] == "adam"
    assert hyper(torch_model, "optimizer")["value"] == "sgd"
    assert torch_model["datasets"] == ["mnist"]


def _write_notebook(path: Path, cells: list[dict]) -> None:
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
          "cells": cells}
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _code(source: str, i: int) -> dict:
    return {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
            "outputs": [], "source": source}


def test_string_sources_raw_cells_and_magics(tmp_path: Path) -> None:
    """nbformat allows a cell's source as one string; raw cells count in the index;
    `!`, `%`, `%%` cells and `?` help lines are not Python and do not break the read."""
    cells = [
        {"cell_type": "raw", "id": "r0", "metadata": {}, "source": "notes, not code"},
        _code("%%bash\nls data/ | head\n", 1),
        _code("import torch.nn as nn\n!nvidia-smi\nnn.Linear?", 2),
        {"cell_type": "markdown", "id": "m3", "metadata": {}, "source": "## the model"},
        _code("%load_ext autoreload\n"
              "model = nn.Sequential(\n"
              "    nn.Linear(10, 5),\n"
              "    nn.Tanh(),\n"
              "    nn.Linear(5, 1),\n"
              ")", 4),
    ]
    path = tmp_path / "scratch.ipynb"
    _write_notebook(path, cells)
    data = run_extract(path)
    assert data["failures"] == []
    [model] = models_in(data)
    assert model["name"] == "model"
    assert model["file"] == "scratch.ipynb"
    assert (model["cell"], model["span"]) == (4, [2, 6])
    assert layer_types(model) == ["Dense", "Activation", "Dense"]
    assert [(layer["cell"], layer["line"]) for layer in model["layers"]] == [
        (4, 3), (4, 4), (4, 5)]


def test_a_notebook_without_code_has_no_models(tmp_path: Path) -> None:
    path = tmp_path / "notes.ipynb"
    _write_notebook(path, [{"cell_type": "markdown", "id": "m", "metadata": {},
                            "source": "We use keras and torch, see model.py"}])
    data = run_extract(path)
    assert data == {"models": [], "failures": [], "set_aside": []}


def test_shell_lines_with_continuations_and_automagic_pip() -> None:
    from exnet.extract.sources import blank_magics

    assert blank_magics(["!wget --quiet \\", '    "https://x/y.zip" \\', "    -O /tmp/y.zip",
                         "pip install tensorflow", "conda install -y pytorch",
                         "x = 1  # pip install is fine in a comment"]) == [
        "pass", "", "", "pass", "pass", "x = 1  # pip install is fine in a comment"]


def test_a_notebook_exported_as_a_script_keeps_its_shell_lines_with_a_space(tmp_path: Path) -> None:
    """`! pip install datasets` (a space after the bang) in a Colab export is a shell
    line like `!pip`: blanked, and the rest of the file read."""
    from extract_helpers import run_extract, write

    data = run_extract(write(tmp_path, {"colab_export.py": (
        "# -*- coding: utf-8 -*-\n"
        "! pip install datasets\n"
        "%  matplotlib inline\n"
        "import torch.nn as nn\n\n"
        "net = nn.Sequential(nn.Linear(4, 2))\n")}))
    assert [m["name"] for m in data["models"]] == ["net"]
