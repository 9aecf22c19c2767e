"""Hyperparameters: value, how it was found (literal, constant, argparse, config), the file
and line it came from, and the model it belongs to.

Conventions pinned here:
- `line` is where the value is written: the constant's assignment (`EPOCHS = 20`), the
  `add_argument` call, the config entry (`"lr": 0.05,` when a dict spans several lines),
  the optimizer's constructor call for the optimizer and the learning rate passed to it,
  the keyword for a literal in a call spanning several lines (`loss="..."`).
- Hyperparameters in train.py attach to the model train.py instantiates, even when the
  model class lives in model.py; they never attach to another class of model.py.

Fixtures: hyperparameters/*, multi_file, textcnn, keras_*, pretrained, pytorch_module.
"""

from __future__ import annotations

from typing import Any

import pytest
from extract_helpers import extract, find_model, fixture, hyper, line_of

# (fixture project, model file, model name, hyperparameter, value, how, file of the value,
#  text on the line the value comes from)
CASES: list[tuple[str, str, str, str, Any, str, str, str]] = [
    # Keras: module constants, compile() and fit(), callbacks
    ("hyperparameters/keras_constants", "train.py", "model", "epochs", 20, "constant",
     "train.py", "EPOCHS = 20"),
    ("hyperparameters/keras_constants", "train.py", "model", "batch_size", 128, "constant",
     "train.py", "BATCH_SIZE = 128"),
    ("hyperparameters/keras_constants", "train.py", "model", "optimizer", "adam", "literal",
     "train.py", "optimizer=Adam("),
    ("hyperparameters/keras_constants", "train.py", "model", "learning_rate", 0.001, "literal",
     "train.py", "optimizer=Adam("),
    ("hyperparameters/keras_constants", "train.py", "model", "loss", "cross_entropy",
     "literal", "train.py", 'loss="sparse_categorical_crossentropy"'),
    ("hyperparameters/keras_constants", "train.py", "model", "metrics", ["accuracy"],
     "literal", "train.py", 'metrics=["accuracy"]'),
    ("hyperparameters/keras_constants", "train.py", "model", "early_stopping", True,
     "literal", "train.py", "callbacks=[EarlyStopping(patience=3)"),
    # Keras: a config dict read as config["..."]; a model returned by a function
    ("hyperparameters/keras_config", "train.py", "build_model", "learning_rate", 0.01,
     "config", "train.py", 'config = {"lr": 0.01'),
    ("hyperparameters/keras_config", "train.py", "build_model", "epochs", 5, "config",
     "train.py", 'config = {"lr": 0.01'),
    ("hyperparameters/keras_config", "train.py", "build_model", "batch_size", 32, "config",
     "train.py", 'config = {"lr": 0.01'),
    # the optimizer object is bound to a name first, then passed to compile()
    ("hyperparameters/keras_config", "train.py", "build_model", "optimizer", "sgd", "literal",
     "train.py", "sgd = SGD("),
    ("hyperparameters/keras_config", "train.py", "build_model", "momentum", 0.9, "literal",
     "train.py", "sgd = SGD("),
    ("hyperparameters/keras_config", "train.py", "build_model", "loss", "cross_entropy",
     "literal", "train.py", 'model.compile(loss="categorical_crossentropy"'),
    # Keras: optimizer given as a string
    ("hyperparameters/keras_rmsprop", "imdb_dense.py", "network", "optimizer", "rmsprop",
     "literal", "imdb_dense.py", 'optimizer="rmsprop"'),
    ("hyperparameters/keras_rmsprop", "imdb_dense.py", "network", "loss",
     "binary_cross_entropy", "literal", "imdb_dense.py", 'optimizer="rmsprop"'),
    ("hyperparameters/keras_rmsprop", "imdb_dense.py", "network", "epochs", 4, "literal",
     "imdb_dense.py", "network.fit("),
    ("hyperparameters/keras_rmsprop", "imdb_dense.py", "network", "batch_size", 512,
     "literal", "imdb_dense.py", "network.fit("),
    # PyTorch: a config dict over several lines, a constant in range(), the loss object
    ("hyperparameters/torch_sgd", "train.py", "SmallNet", "learning_rate", 0.05, "config",
     "train.py", '"lr": 0.05,'),
    ("hyperparameters/torch_sgd", "train.py", "SmallNet", "momentum", 0.9, "config",
     "train.py", '"momentum": 0.9,'),
    ("hyperparameters/torch_sgd", "train.py", "SmallNet", "weight_decay", 0.0005, "config",
     "train.py", '"weight_decay": 5e-4,'),
    ("hyperparameters/torch_sgd", "train.py", "SmallNet", "batch_size", 32, "config",
     "train.py", '"batch_size": 32,'),
    ("hyperparameters/torch_sgd", "train.py", "SmallNet", "epochs", 15, "constant",
     "train.py", "NUM_EPOCHS = 15"),
    ("hyperparameters/torch_sgd", "train.py", "SmallNet", "optimizer", "sgd", "literal",
     "train.py", "optimizer = torch.optim.SGD("),
    ("hyperparameters/torch_sgd", "train.py", "SmallNet", "loss", "cross_entropy", "literal",
     "train.py", "criterion = nn.CrossEntropyLoss()"),
    # multi-file project: argparse defaults in train.py, the model class in model.py
    ("multi_file", "model.py", "SentimentRNN", "learning_rate", 0.001, "argparse", "train.py",
     'parser.add_argument("--lr"'),
    ("multi_file", "model.py", "SentimentRNN", "batch_size", 64, "argparse", "train.py",
     'parser.add_argument("--batch-size"'),
    ("multi_file", "model.py", "SentimentRNN", "epochs", 10, "argparse", "train.py",
     'parser.add_argument("--epochs"'),
    ("multi_file", "model.py", "SentimentRNN", "optimizer", "adam", "literal", "train.py",
     "optim.Adam(model.parameters()"),
    ("multi_file", "model.py", "SentimentRNN", "loss", "binary_cross_entropy", "literal",
     "train.py", "nn.BCELoss()"),
    # the optimizer made inside train(model, loader), the model passed in from __main__
    ("textcnn", "textcnn.py", "TextCNN", "optimizer", "adam", "literal", "textcnn.py",
     "torch.optim.Adam("),
    ("textcnn", "textcnn.py", "TextCNN", "learning_rate", 0.001, "literal", "textcnn.py",
     "torch.optim.Adam("),
    ("textcnn", "textcnn.py", "TextCNN", "loss", "cross_entropy", "literal", "textcnn.py",
     "nn.CrossEntropyLoss()"),
    ("textcnn", "textcnn.py", "TextCNN", "batch_size", 50, "literal", "textcnn.py",
     "batch_size=50"),
    # Keras string optimizer and literal fit() arguments over two lines
    ("keras_sequential_list", "mnist_add.py", "model", "optimizer", "adadelta", "literal",
     "mnist_add.py", "optimizer='adadelta'"),
    ("keras_sequential_list", "mnist_add.py", "model", "loss", "cross_entropy", "literal",
     "mnist_add.py", "loss='categorical_crossentropy'"),
    ("keras_sequential_list", "mnist_add.py", "model", "batch_size", 128, "literal",
     "mnist_add.py", "model.fit(x_train, y_train, batch_size=128"),
    ("keras_sequential_list", "mnist_add.py", "model", "epochs", 12, "literal",
     "mnist_add.py", "model.fit(x_train, y_train, batch_size=128"),
    # not resolvable without running the code: kept as the source text
    ("keras_sequential_list", "alias_mlp.py", "mlp", "batch_size", "len(X) // 100",
     "expression", "alias_mlp.py", "mlp.fit("),
    ("keras_sequential_list", "alias_mlp.py", "mlp", "epochs", 10, "literal",
     "alias_mlp.py", "mlp.fit("),
    # compile(optimizer, loss) given positionally
    ("keras_sequential_list", "alias_mlp.py", "mlp", "optimizer", "adam", "literal",
     "alias_mlp.py", "mlp.compile("),
    ("keras_sequential_list", "alias_mlp.py", "mlp", "loss", "cross_entropy", "literal",
     "alias_mlp.py", "mlp.compile("),
    # a learning rate given positionally to the optimizer
    ("keras_functional", "two_inputs.py", "model", "optimizer", "rmsprop", "literal",
     "two_inputs.py", "keras.optimizers.RMSprop(1e-3)"),
    ("keras_functional", "two_inputs.py", "model", "learning_rate", 0.001, "literal",
     "two_inputs.py", "keras.optimizers.RMSprop(1e-3)"),
    ("pytorch_module", "net.py", "Net", "optimizer", "sgd", "literal", "net.py",
     "optim.SGD(net.parameters()"),
    ("pytorch_module", "net.py", "Net", "momentum", 0.9, "literal", "net.py",
     "optim.SGD(net.parameters()"),
    # transformers fine-tuning
    ("pretrained", "bert_torch.py", "model", "optimizer", "adamw", "literal",
     "bert_torch.py", "torch.optim.AdamW("),
    ("pretrained", "bert_torch.py", "model", "learning_rate", 2e-5, "literal",
     "bert_torch.py", "torch.optim.AdamW("),
    ("pretrained", "tf_bert_functional.py", "model", "learning_rate", 3e-5, "literal",
     "tf_bert_functional.py", "tf.keras.optimizers.Adam(learning_rate=3e-5)"),
]


@pytest.mark.parametrize(
    "project,model_file,name,hp,value,how,file,needle", CASES,
    ids=[f"{c[0].split('/')[-1]}:{c[2]}:{c[3]}" for c in CASES])
def test_hyperparameter(project: str, model_file: str, name: str, hp: str, value: Any,
                        how: str, file: str, needle: str) -> None:
    root = fixture(project)
    model = find_model(extract(root), name, model_file)
    found = hyper(model, hp)
    assert found["value"] == value
    assert type(found["value"]) is type(value)     # 20 stays an int, 0.001 a float
    assert found["how"] == how
    assert found["file"] == file
    assert found["line"] == line_of(root / file, needle)
    assert "cell" not in found


def test_argparse_values_do_not_attach_to_other_classes() -> None:
    """train.py makes SentimentRNN only; Unused (also in model.py) gets none of its
    training setup."""
    data = extract(fixture("multi_file"))
    assert not [m for m in data["models"] if m["name"] == "Unused"]
    assert [a["name"] for a in data["set_aside"]] == ["Unused"]


def test_unresolved_values_are_absent_not_guessed() -> None:
    """The keras_constants model sets no weight decay and no momentum: absent, not 0."""
    model = find_model(extract(fixture("hyperparameters/keras_constants")), "model", "train.py")
    assert "weight_decay" not in model["hyperparameters"]
    assert "momentum" not in model["hyperparameters"]


def test_scikit_learn_keras_wrapper(tmp_path) -> None:
    from extract_helpers import find_model, run_extract

    (tmp_path / "nb.py").write_text(
        "from tensorflow import keras\n"
        "from scikeras.wrappers import KerasClassifier\n\n"
        "def build_model():\n"
        "    model = keras.Sequential([keras.layers.Dense(8, activation='relu'),\n"
        "                              keras.layers.Dense(1, activation='sigmoid')])\n"
        "    model.compile(optimizer='adam', loss='binary_crossentropy')\n"
        "    return model\n\n"
        "clf = KerasClassifier(build_model, epochs=5, batch_size=16)\n"
        "clf.fit(X, y)\n")
    model = find_model(run_extract(tmp_path), "build_model")
    assert {k: v["value"] for k, v in model["hyperparameters"].items()} == {
        "batch_size": 16, "epochs": 5, "loss": "binary_cross_entropy", "optimizer": "adam"}


def test_the_training_file_beats_an_evaluation_script(tmp_path) -> None:
    from extract_helpers import find_model, run_extract, write

    write(tmp_path, {
        "data.py": "import torch\n\n\ndef loaders(batch_size):\n"
                   "    return torch.utils.data.DataLoader(train_set, batch_size=batch_size,\n"
                   "                                       shuffle=True)\n",
        "model.py": "import torch.nn as nn\n\n\nclass Net(nn.Module):\n"
                    "    def __init__(self):\n        super().__init__()\n"
                    "        self.fc = nn.Linear(4, 2)\n\n"
                    "    def forward(self, x):\n        return self.fc(x)\n",
        # evaluate.py sorts before train.py: it is read first
        "evaluate.py": "from data import loaders\nfrom model import Net\n"
                       "net = Net()\ntest = loaders(batch_size=256)\n",
        "train.py": "import torch\nfrom data import loaders\nfrom model import Net\n"
                    "net = Net()\nopt = torch.optim.Adam(net.parameters(), lr=1e-3)\n"
                    "train = loaders(batch_size=16)\nfor epoch in range(3):\n    pass\n"})
    model = find_model(run_extract(tmp_path), "Net")
    assert model["hyperparameters"]["batch_size"]["value"] == 16


def test_an_optimizer_named_by_a_config_value(tmp_path) -> None:
    """`getattr(optim, params["optimizer"])` with the name in a JSON file of tuned
    settings is that optimizer; a name chosen at run time stays unknown."""
    from extract_helpers import find_model, run_extract

    (tmp_path / "best.json").write_text('{"optimizer": "RMSprop", "lr": 0.002}\n')
    (tmp_path / "train.py").write_text(
        "import json\n"
        "import torch.nn as nn\n"
        "import torch.optim as optim\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(10, 2)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n\n"
        "with open('best.json') as f:\n"
        "    params = json.load(f)\n"
        "net = Net()\n"
        "opt_class = getattr(optim, params['optimizer'])\n"
        "opt = opt_class(net.parameters(), lr=params['lr'])\n")
    hps = find_model(run_extract(tmp_path), "Net")["hyperparameters"]
    assert (hps["optimizer"]["value"], hps["optimizer"]["line"]) == ("rmsprop", 17)
    assert hps["learning_rate"]["value"] == 0.002
    # chosen at run time: no optimizer is named
    train = tmp_path / "train.py"
    train.write_text(train.read_text().replace("params['optimizer']", "input()"))
    assert "optimizer" not in find_model(run_extract(tmp_path), "Net")["hyperparameters"]
