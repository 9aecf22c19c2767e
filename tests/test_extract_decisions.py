"""How the interpreter decides branches and loops: on evaluated values (constants,
argparse defaults, the arguments a layer was made with, the names a call resolves to),
never on the words in the source; and what it cannot decide is on the record
(`undecided`, docs/ARCHITECTURE.md "Undecided code")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extract_helpers import layer_types, run_extract, write


def models(tmp_path: Path, source: str) -> list[dict[str, Any]]:
    write(tmp_path, {"model.py": source})
    return run_extract(tmp_path / "model.py")["models"]


def test_a_condition_nobody_decides_is_on_the_record(tmp_path: Path) -> None:
    [model] = models(tmp_path, (
        "import torch.nn as nn\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, use_norm):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(8, 4)\n"
        "        if use_norm:\n"
        "            self.norm = nn.LayerNorm(4)\n"
        "        else:\n"
        "            self.norm = nn.Identity()\n"
        "        self.out = nn.Linear(4, 2)\n"
        "    def forward(self, x):\n"
        "        return self.out(self.norm(self.fc(x)))\n"))
    # the first branch is followed, and the record says so
    assert layer_types(model) == ["Dense", "LayerNorm", "Dense"]
    assert model["undecided"] == [{
        "file": "model.py", "line": 6, "cell": None,
        "what": "condition `use_norm` not decided; followed if"}]


def test_decided_code_leaves_no_note(tmp_path: Path) -> None:
    [model] = models(tmp_path, (
        "import torch\nimport torch.nn as nn\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, bidirectional=False):\n"
        "        super().__init__()\n"
        "        self.lstm = nn.LSTM(16, 32, bidirectional=bidirectional)\n"
        "        self.fc = nn.Linear(32, 2)\n"
        "    def forward(self, x):\n"
        "        out, (h, c) = self.lstm(x)\n"
        "        if self.lstm.bidirectional:\n"      # the argument the LSTM was made with
        "            h = torch.cat((h[-2], h[-1]), dim=1)\n"
        "        else:\n"
        "            h = h[-1]\n"
        "        return self.fc(h)\n"))
    assert layer_types(model) == ["LSTM", "Dense"]
    assert "undecided" not in model


def test_a_loop_over_unknown_items_in_model_code(tmp_path: Path) -> None:
    [model] = models(tmp_path, (
        "import torch.nn as nn\n"
        "class Deep(nn.Module):\n"
        "    def __init__(self, depth):\n"
        "        super().__init__()\n"
        "        self.blocks = nn.ModuleList()\n"
        "        for _ in range(depth):\n"
        "            self.blocks.append(nn.Linear(8, 8))\n"
        "    def forward(self, x):\n"
        "        for block in self.blocks:\n"
        "            x = block(x)\n"
        "        return x\n"))
    assert layer_types(model) == ["Dense"]
    assert [u["what"] for u in model["undecided"]] == [
        "loop over `range(depth)`: its items not known; walked once"]


def test_a_branch_that_builds_a_model_of_its_own_by_an_alias(tmp_path: Path) -> None:
    """`Stack = keras.Sequential` then `Stack([...])`: the callee resolves to the
    Sequential constructor (no word in the source says so), so the else branch, an
    alternative architecture, is followed too (and the record says it was undecided)."""
    [model] = models(tmp_path, (
        "from tensorflow import keras\n"
        "from tensorflow.keras.layers import Dense, Dropout\n"
        "Stack = keras.Sequential\n"
        "class Net(keras.Model):\n"
        "    def __init__(self, kind):\n"
        "        super().__init__()\n"
        "        if kind == 'small':\n"
        "            self.head = Stack([Dense(8), Dense(1)])\n"
        "        else:\n"
        "            self.head = Stack([Dense(64), Dropout(0.5), Dense(1)])\n"
        "    def call(self, x):\n"
        "        return self.head(x)\n"))
    assert layer_types(model) == ["Dense", "Dropout", "Dense"]
    assert [u["what"] for u in model["undecided"]] == [
        "condition `kind == 'small'` not decided; followed if, else"]


def test_a_loop_that_builds_layers_is_unrolled_whatever_its_words(tmp_path: Path) -> None:
    [model] = models(tmp_path, (
        "from tensorflow import keras\n"
        "from tensorflow.keras.layers import Dense\n"
        "inputs = keras.Input(shape=(784,))\n"
        "x = inputs\n"
        "for width in [512, 256, 128, 64]:\n"
        "    x = Dense(width, activation='relu')(x)\n"
        "outputs = Dense(10)(x)\n"
        "model = keras.Model(inputs, outputs)\n"))
    assert [layer["args"]["units"] for layer in model["layers"]] == [512, 256, 128, 64, 10]


def test_a_data_loop_is_walked_once(tmp_path: Path) -> None:
    [model] = models(tmp_path, (
        "import torch\nimport torch.nn as nn\n"
        "model = nn.Sequential(nn.Linear(4, 2))\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "for epoch in range(8):\n"
        "    for name in ['a', 'b', 'c', 'd', 'e']:\n"
        "        out = model(torch.zeros(1, 4))\n"))
    assert layer_types(model) == ["Dense"]
    assert model["hyperparameters"]["epochs"]["value"] == 8


def test_parameters_frozen_in_a_loop(tmp_path: Path) -> None:
    found = models(tmp_path, (
        "import torchvision\nimport torch.nn as nn\n"
        "a = torchvision.models.resnet18(pretrained=True)\n"
        "for name, p in a.named_parameters():\n"
        "    p.requires_grad = False\n"
        "a.fc = nn.Linear(512, 2)\n"
        "b = torchvision.models.vgg16(pretrained=True)\n"
        "for p in b.parameters():\n"
        "    p.requires_grad_(False)\n"
        "c = torchvision.models.densenet121(pretrained=True)\n"
        "for p in c.parameters():\n"
        "    print(p.requires_grad)\n"))
    trainable = {m["layers"][0]["args"]["name"]: m["layers"][0]["args"].get("trainable")
                 for m in found}
    assert trainable == {"resnet18": False, "vgg16": False, "densenet121": None}


def test_an_unpassed_parameter_is_data_where_a_tensor_is_required(tmp_path: Path) -> None:
    """A builder nobody calls: its parameters are unbound. One passed to `tf.nn.relu`
    is an input tensor, whatever its name (before, only names such as `x` or
    `inputs` were); one in arithmetic (`* scale`) stays unknown."""
    [model] = models(tmp_path, (
        "import tensorflow as tf\nfrom tensorflow import keras\n"
        "def head(sentence_vectors, scale):\n"
        "    v = tf.nn.relu(sentence_vectors)\n"
        "    out = keras.layers.Dense(2)(v * scale)\n"
        "    return keras.Model(sentence_vectors, out)\n"))
    assert layer_types(model) == ["Activation", "Dense"]


def test_is_compares_literals_as_the_code_means_not_as_objects(tmp_path: Path) -> None:
    """`x is 'relu'` on strings is decided by value (what CPython's interned literals
    give), `is None` by identity; the answer never depends on how the extractor holds its
    values (a cache of literals once turned 'error' into 'acc' here)."""
    [model] = models(tmp_path, (
        "from tensorflow import keras\n"
        "act = 'rel' + 'u'\n"
        "norm = None\n"
        "model = keras.Sequential()\n"
        "model.add(keras.layers.Dense(64, activation='relu'))\n"
        "if act is 'relu':\n"
        "    model.add(keras.layers.Dropout(0.5))\n"
        "if norm is not None:\n"
        "    model.add(keras.layers.BatchNormalization())\n"
        "if act is not 'tanh':\n"
        "    model.add(keras.layers.Dense(10, activation='softmax'))\n"
        "metrics = ['acc' if m is 'error' else m for m in ['error', 'mse']]\n"
        "model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=metrics)\n"))
    assert layer_types(model) == ["Dense", "Dropout", "Dense"]
    assert model["hyperparameters"]["metrics"]["value"] == ["acc", "mse"]
    assert "undecided" not in model
