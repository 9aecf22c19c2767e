"""Run-time model selection: every model the training code can reach gets that training
code's settings (if/elif on an argparse option, a dict registry of classes, a builder
returning one of several models), and a star import of a project module brings in the
names that module imported."""

from __future__ import annotations

from pathlib import Path

from extract_helpers import find_model, layer_types, run_extract, write

MODELS_PY = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class TextCNN(nn.Module):
    def __init__(self, vocab, classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 128)
        self.conv = nn.Conv1d(128, 100, 3)
        self.fc = nn.Linear(100, classes)

    def forward(self, x):
        h = F.relu(self.conv(self.embedding(x).transpose(1, 2)))
        return self.fc(h.max(dim=2)[0])


class LSTMClassifier(nn.Module):
    def __init__(self, vocab, classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 128)
        self.lstm = nn.LSTM(128, 64, batch_first=True)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        out, _ = self.lstm(self.embedding(x))
        return self.fc(out[:, -1])
"""

TRAIN_TAIL = """\
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loader = DataLoader(train_data, batch_size=args.batch_size, shuffle=True)
for epoch in range(args.epochs):
    for x, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
"""

ARGS = """\
import argparse
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from models import *

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="cnn", choices=["cnn", "lstm"])
parser.add_argument("--lr", type=float, default=0.001)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()
"""

EXPECTED = {"batch_size": 32, "epochs": 10, "learning_rate": 0.001, "loss": "cross_entropy",
            "optimizer": "adam"}



def training(model: dict) -> dict:
    return {k: v["value"] for k, v in model["hyperparameters"].items() if k in EXPECTED}


def check_both(data: dict) -> None:
    assert data["failures"] == []
    cnn, lstm = find_model(data, "TextCNN"), find_model(data, "LSTMClassifier")
    assert layer_types(cnn) == ["Embedding", "Conv1D", "Activation", "GlobalMaxPool1D", "Dense"]
    assert layer_types(lstm) == ["Embedding", "LSTM", "Dense"]
    assert training(cnn) == EXPECTED
    assert training(lstm) == EXPECTED


def test_if_elif_on_an_argparse_option(tmp_path: Path) -> None:
    check_both(run_extract(write(tmp_path / "p", {"models.py": MODELS_PY, "train.py": ARGS + """\
if args.model == "cnn":
    model = TextCNN(5000)
elif args.model == "lstm":
    model = LSTMClassifier(5000)
else:
    raise ValueError(args.model)
""" + TRAIN_TAIL})))


def test_a_registry_of_model_classes(tmp_path: Path) -> None:
    check_both(run_extract(write(tmp_path / "p", {"models.py": MODELS_PY, "train.py": ARGS + """\
MODELS = {"cnn": TextCNN, "lstm": LSTMClassifier}
model = MODELS[args.model](5000)
""" + TRAIN_TAIL})))


def test_a_builder_that_returns_one_of_several_models(tmp_path: Path) -> None:
    check_both(run_extract(write(tmp_path / "p", {"models.py": MODELS_PY, "train.py": ARGS + """\
def get_model(name, vocab):
    if name == "lstm":
        return LSTMClassifier(vocab)
    elif name == "cnn":
        return TextCNN(vocab)
    raise KeyError(name)


model = get_model(args.model, 5000)
""" + TRAIN_TAIL})))


def test_keras_builders_chosen_by_an_unknown_value(tmp_path: Path) -> None:
    data = run_extract(write(tmp_path / "k", {"train.py": """\
import sys
from tensorflow import keras
from tensorflow.keras import layers


def build_cnn():
    return keras.Sequential([layers.Embedding(10000, 64), layers.Conv1D(64, 5),
                             layers.GlobalMaxPooling1D(), layers.Dense(1, activation="sigmoid")])


def build_gru():
    return keras.Sequential([layers.Embedding(10000, 64), layers.GRU(32),
                             layers.Dense(1, activation="sigmoid")])


arch = sys.argv[1]
if arch == "cnn":
    model = build_cnn()
else:
    model = build_gru()
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=4, batch_size=256)
"""}))
    cnn, gru = find_model(data, "build_cnn"), find_model(data, "build_gru")
    assert layer_types(cnn) == ["Embedding", "Conv1D", "GlobalMaxPool1D", "Dense"]
    assert layer_types(gru) == ["Embedding", "GRU", "Dense"]
    for model in (cnn, gru):
        assert {k: v["value"] for k, v in model["hyperparameters"].items()
                if k in EXPECTED} == {"batch_size": 256, "epochs": 4, "loss":
                                      "binary_cross_entropy", "optimizer": "rmsprop"}


def test_a_plain_option_branch_is_not_a_model_choice(tmp_path: Path) -> None:
    """`if args.optim == "sgd"` with default "adam": only the default's optimizer."""
    data = run_extract(write(tmp_path / "o", {"models.py": MODELS_PY, "train.py": """\
import argparse
import torch
from models import TextCNN

parser = argparse.ArgumentParser()
parser.add_argument("--optim", default="adam")
args = parser.parse_args()
model = TextCNN(5000)
if args.optim == "sgd":
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
else:
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
"""}))
    model = find_model(data, "TextCNN")
    assert (model["hyperparameters"]["optimizer"]["value"],
            model["hyperparameters"]["learning_rate"]["value"]) == ("adam", 0.002)


def test_getattr_on_a_package_of_models(tmp_path: Path) -> None:
    root = write(tmp_path / "g", {
        "models/__init__.py": "from .cnn import TextCNN\nfrom .rnn import LSTMClassifier\n",
        "models/cnn.py": MODELS_PY.split("class LSTMClassifier")[0],
        "models/rnn.py": "import torch.nn as nn\n\n\nclass LSTMClassifier" +
                         MODELS_PY.split("class LSTMClassifier")[1],
        "train.py": """\
import argparse
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
import models

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="TextCNN")
parser.add_argument("--lr", type=float, default=0.001)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()
model = getattr(models, args.model)(5000)
""" + TRAIN_TAIL})
    data = run_extract(root)
    check_both(data)
    lstm = find_model(data, "LSTMClassifier")
    assert lstm["hyperparameters"]["optimizer"]["selected_at"] == {"file": "train.py",
                                                                    "line": 13}


def test_importlib_by_name(tmp_path: Path) -> None:
    """`import_module("models." + args.model)` then `x.Model(...)`: every module of the
    package that defines the class can be the model (one file per architecture, each
    with a class `Model`, as in many text-classification repositories)."""
    cnn, rnn = MODELS_PY.split("class LSTMClassifier")
    root = write(tmp_path / "i", {
        "models/__init__.py": "",
        "models/TextCNN.py": cnn.replace("class TextCNN", "class Model"),
        "models/TextRNN.py": "import torch.nn as nn\n\n\nclass Model" +
                             rnn.split("(nn.Module)", 1)[0].replace("LSTMClassifier", "") +
                             "(nn.Module)" + rnn.split("(nn.Module)", 1)[1],
        "train.py": """\
import argparse
from importlib import import_module
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

parser = argparse.ArgumentParser()
parser.add_argument("--model", type=str, required=True, help="TextCNN or TextRNN")
parser.add_argument("--lr", type=float, default=0.001)
parser.add_argument("--batch_size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()
x = import_module("models." + args.model)
model = x.Model(5000)
""" + TRAIN_TAIL})
    data = run_extract(root)
    found = {m["file"]: m for m in data["models"]}
    assert set(found) == {"models/TextCNN.py", "models/TextRNN.py"}
    for model in found.values():
        assert training(model) == EXPECTED
        assert model["hyperparameters"]["optimizer"]["selected_at"] == {"file": "train.py",
                                                                        "line": 13}
    assert data["set_aside"] == []


def test_a_builder_returning_the_model_in_a_tuple(tmp_path: Path) -> None:
    """`return TextCNN(...), vocab` in each branch: the model's place in the tuple is a
    choice, so the training code trains both; a branch that returns its own
    configuration object keeps the defaults' choice only (its settings could belong to
    either model)."""
    root = write(tmp_path / "t", {"models.py": MODELS_PY, "train.py": ARGS + """\
def build(name):
    vocab = {"<pad>": 0}
    if name == "cnn":
        return TextCNN(5000), vocab
    elif name == "lstm":
        return LSTMClassifier(5000), vocab


model, vocab = build(args.model)
""" + TRAIN_TAIL})
    data = run_extract(root)
    check_both(data)


LIGHTNING_TASK = """\
import sys
import torch
import pytorch_lightning as pl
from models import TextCNN, LSTMClassifier


class Task(pl.LightningModule):
    def __init__(self, network, rate):
        super().__init__()
        self.network = network
        self.rate = rate

    def forward(self, x):
        return self.network(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return torch.nn.functional.cross_entropy(self(x), y)

    def configure_optimizers(self):
        return torch.optim.RMSprop(self.parameters(), lr=self.rate)


def main(kind):
    if kind == "cnn":
        network = TextCNN(3000)
    else:
        network = LSTMClassifier(3000)
    task = Task(network, 0.002)
    pl.Trainer(max_epochs=7).fit(task)


main(sys.argv[1])
"""


def test_a_training_wrapper_around_a_model_picked_at_run_time(tmp_path: Path) -> None:
    """`Task(network)` of a network chosen at run time wraps each option: both networks
    get the wrapper's optimizer, rate and loss and the trainer's epochs, not only the
    last one built."""
    data = run_extract(write(tmp_path / "p", {"models.py": MODELS_PY,
                                              "train.py": LIGHTNING_TASK}))
    assert sorted(m["name"] for m in data["models"]) == ["LSTMClassifier", "TextCNN"]
    for name in ("TextCNN", "LSTMClassifier"):
        facts = {k: v["value"] for k, v in find_model(data, name)["hyperparameters"].items()}
        assert facts == {"optimizer": "rmsprop", "learning_rate": 0.002, "epochs": 7,
                         "loss": "cross_entropy"}, name


def test_a_backbone_picked_by_depth_from_a_class_registry(tmp_path: Path) -> None:
    """`self.depths[args.depth](pretrained=True)` of a class-level `{18: resnet18, 34:
    resnet34}` (integer keys, a key known only at run time) is one model whose backbone
    the run picks, not nothing."""
    data = run_extract(write(tmp_path / "p", {"finetune.py": """\
import argparse
import torch
import torch.nn as nn
from torchvision import models


class Finetuned(nn.Module):
    depths = {18: models.resnet18, 34: models.resnet34}

    def __init__(self, depth, classes):
        super().__init__()
        self.body = self.depths[depth](pretrained=True)
        self.body.fc = nn.Linear(512, classes)

    def forward(self, x):
        return self.body(x)


parser = argparse.ArgumentParser()
parser.add_argument("depth", type=int)
args = parser.parse_args()
model = Finetuned(args.depth, 5)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
"""}))
    model = find_model(data, "Finetuned")
    assert layer_types(model) == ["Pretrained", "Dense"]
    assert model["hyperparameters"]["optimizer"]["value"] == "sgd"


def test_an_enum_member_value_is_the_constant_it_names(tmp_path: Path) -> None:
    """`if choice == Kind.CNN.value:` with `choice = "cnn"` written in the module is
    decided by the code as written: one model, not a run-time selection of two."""
    data = run_extract(write(tmp_path / "p", {"models.py": MODELS_PY, "train.py": """\
from enum import Enum
import torch
from models import TextCNN, LSTMClassifier


class Kind(Enum):
    CNN = "cnn"
    LSTM = "lstm"


choice = "cnn"
if choice == Kind.CNN.value:
    model = TextCNN(2000)
elif choice == Kind.LSTM.value:
    model = LSTMClassifier(2000)
optimizer = torch.optim.Adam(model.parameters())
"""}))
    trained = [m["name"] for m in data["models"] if "optimizer" in m["hyperparameters"]]
    assert trained == ["TextCNN"]


def test_enum_members_compare_as_themselves(tmp_path: Path) -> None:
    """`if split == Split.TRAIN:` in a function called with `Split.TRAIN` takes that
    branch alone: a member equals itself, not another member with another value."""
    data = run_extract(write(tmp_path / "p", {"models.py": MODELS_PY, "train.py": """\
from enum import Enum
import torch
from models import TextCNN, LSTMClassifier


class Split(Enum):
    TRAIN = 1
    TEST = 2


def build(split):
    if split == Split.TRAIN:
        return TextCNN(2000)
    elif split == Split.TEST:
        return LSTMClassifier(2000)


model = build(Split.TRAIN)
optimizer = torch.optim.Adam(model.parameters())
"""}))
    trained = [m["name"] for m in data["models"] if "optimizer" in m["hyperparameters"]]
    assert trained == ["TextCNN"]


def test_a_sibling_settings_module_imported_relatively(tmp_path: Path) -> None:
    """`from . import settings` in a package module, then `settings.RATE`: the sibling
    module's constants, even though it imports torch and computes paths at import."""
    data = run_extract(write(tmp_path / "p", {
        "src/news/__init__.py": "",
        "src/news/settings.py": ("import os\nimport torch\n\n"
                                 "HOME = os.path.dirname(os.path.abspath(__file__))\n"
                                 "DEVICE = torch.device('cpu')\n"
                                 "RATE = 3e-4\nBATCH = 96\nDEPTH = 3\n"),
        "src/news/engine.py": ("import torch\nimport torch.nn as nn\nfrom . import settings\n\n\n"
                               "def fit(data):\n"
                               "    net = nn.Sequential(*[nn.Linear(16, 16) for _ in "
                               "range(settings.DEPTH)], nn.Linear(16, 4))\n"
                               "    opt = torch.optim.Adam(net.parameters(), lr=settings.RATE)\n"
                               "    loader = torch.utils.data.DataLoader(data, "
                               "batch_size=settings.BATCH, shuffle=True)\n"
                               "    for epoch in range(2):\n"
                               "        for x, y in loader:\n"
                               "            opt.zero_grad()\n"
                               "            nn.functional.cross_entropy(net(x), y).backward()\n"
                               "            opt.step()\n"),
        "train.py": "from src.news.engine import fit\n\nfit(None)\n",
    }))
    [model] = data["models"]
    assert layer_types(model) == ["Dense"] * 4
    facts = {k: (v["value"], v["file"]) for k, v in model["hyperparameters"].items()}
    assert facts["learning_rate"] == (3e-4, "src/news/settings.py")
    assert facts["batch_size"] == (96, "src/news/settings.py")


KERAS_BUILDERS = {
    "settings.py": "NET_GRU = 'NET_GRU'\nNET_CNN = 'NET_CNN'\nLABELS = ['a', 'b', 'c', 'd']\n",
    "nets/__init__.py": "",
    "nets/gru.py": """\
from tensorflow.keras.layers import GRU, Dense, Input
from tensorflow.keras.models import Model


class NET_GRU:
    def __init__(self, embed, classes):
        self.embed = embed
        self.classes = classes

    def build(self):
        tokens = Input(shape=(60,))
        hidden = GRU(48)(self.embed(tokens))
        return Model(tokens, Dense(self.classes, activation='sigmoid')(hidden))

    def build_small(self):
        tokens = Input(shape=(60,))
        return Model(tokens, Dense(self.classes)(GRU(8)(self.embed(tokens))))
""",
    "nets/cnn.py": """\
from tensorflow.keras.layers import Conv1D, Dense, GlobalMaxPooling1D, Input
from tensorflow.keras.models import Model


class NET_CNN:
    def __init__(self, embed, classes):
        self.embed = embed
        self.classes = classes

    def build(self):
        tokens = Input(shape=(60,))
        hidden = GlobalMaxPooling1D()(Conv1D(64, 5, activation='relu')(self.embed(tokens)))
        return Model(tokens, Dense(self.classes, activation='sigmoid')(hidden))
""",
    "factory.py": """\
from tensorflow.keras.layers import Embedding
from settings import *
from nets.gru import *
from nets.cnn import *


def make(kind):
    net = globals()[kind](Embedding(4000, 50), len(LABELS))
    model = net.build()
    model.compile(optimizer='nadam', loss='binary_crossentropy')
    return model
""",
    "run.py": """\
from factory import *
from settings import *

for kind in [NET_GRU, NET_CNN]:
    model = make(kind)
    model.fit(x, y, epochs=15, batch_size=200)
""",
}


def test_a_registry_read_through_globals(tmp_path: Path) -> None:
    """`globals()[kind](...)` with each class name of a star-imported settings module
    builds that class; each model gets its embedding and the loop's settings, and a
    second builder method nothing calls (`build_small`) is set aside, not a model."""
    data = run_extract(write(tmp_path / "p", KERAS_BUILDERS))
    found = {m["name"]: (layer_types(m), m["hyperparameters"]["epochs"]["value"],
                         m["hyperparameters"]["optimizer"]["value"]) for m in data["models"]}
    assert found == {
        "NET_GRU": (["Embedding", "GRU", "Dense"], 15, "nadam"),
        "NET_CNN": (["Embedding", "Conv1D", "GlobalMaxPool1D", "Dense"], 15, "nadam")}
    assert [(a["file"], a["name"]) for a in data.get("set_aside", [])] == [
        ("nets/gru.py", "NET_GRU")]


def test_a_registry_of_tuples_and_a_project_optimizer(tmp_path: Path) -> None:
    """`MODELS[args["arch"]][0](...)` of `{"small": (small_net, 32), ...}` picks any
    builder at run time; `class Lookahead(Optimizer)` copied into the project is an
    optimizer of its class's name; `default='40'` with `type=int` is the number 40."""
    data = run_extract(write(tmp_path / "p", {
        "nets.py": ("import torch.nn as nn\n\n\n"
                    "def small_net(classes):\n"
                    "    return nn.Sequential(nn.Flatten(), nn.Linear(784, classes))\n\n\n"
                    "def wide_net(classes):\n"
                    "    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(),\n"
                    "                         nn.Linear(512, classes))\n\n\n"
                    "MODELS = {'small': (small_net, 32), 'wide': (wide_net, 64)}\n"),
        "optim_utils.py": ("from torch.optim.optimizer import Optimizer\n\n\n"
                           "class Lookahead(Optimizer):\n"
                           "    def __init__(self, params, lr=1e-3, k=5):\n"
                           "        super().__init__(params, dict(lr=lr, k=k))\n"),
        "train.py": ("import argparse\nimport torch\nfrom nets import MODELS\n"
                     "from optim_utils import Lookahead\n\n"
                     "parser = argparse.ArgumentParser()\n"
                     "parser.add_argument('--arch', default='small')\n"
                     "parser.add_argument('--epochs', type=int, default='40')\n"
                     "args = vars(parser.parse_args())\n"
                     "net = MODELS[args['arch']][0](10)\n"
                     "opt = Lookahead(net.parameters(), lr=0.02)\n"
                     "for epoch in range(args['epochs']):\n"
                     "    for x, y in loader:\n"
                     "        opt.zero_grad()\n"
                     "        torch.nn.functional.cross_entropy(net(x), y).backward()\n"
                     "        opt.step()\n"),
    }))
    found = {tuple(layer_types(m)): {k: v["value"] for k, v in m["hyperparameters"].items()}
             for m in data["models"]}
    settings = {"optimizer": "lookahead", "learning_rate": 0.02, "epochs": 40,
                "loss": "cross_entropy"}
    assert found == {("Flatten", "Dense"): settings,
                     ("Flatten", "Dense", "Activation", "Dense"): settings}
