"""Project-level patterns found in real learners' repositories: builder classes,
configuration modules, cross-module calls, VGG-style config lists, frozen backbones, and
input crafted to make the parser slow or deep."""

from __future__ import annotations

import time
from pathlib import Path

from extract_helpers import find_model, layer_types, run_extract, write


def test_static_builder_method_of_a_plain_class(tmp_path: Path) -> None:
    root = write(tmp_path / "lenet", {"nets.py": """\
from keras.models import Sequential
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense, Activation

class LeNet:
    @staticmethod
    def build(width, height, depth, classes):
        model = Sequential()
        model.add(Conv2D(20, (5, 5), padding="same", input_shape=(height, width, depth)))
        model.add(Activation("relu"))
        model.add(MaxPooling2D(pool_size=(2, 2)))
        model.add(Flatten())
        model.add(Dense(classes))
        model.add(Activation("softmax"))
        return model
"""})
    model = find_model(run_extract(root), "LeNet")
    assert layer_types(model) == ["Conv2D", "Activation", "MaxPool2D", "Flatten", "Dense",
                                  "Activation"]
    assert model["style"] == "sequential"
    assert model["layers"][1]["args"] == {"function": "relu"}


def test_wrapper_class_holding_a_model_attribute(tmp_path: Path) -> None:
    root = write(tmp_path / "server", {"nn.py": """\
import keras
from keras.layers import Flatten, Dense

class Network:
    def __init__(self):
        self.model = keras.Sequential([Flatten(), Dense(128, activation="relu"),
                                       Dense(10, activation="softmax")])
        self.model.compile(optimizer="adam", loss="categorical_crossentropy")

    def train(self, x, y):
        self.model.fit(x, y, batch_size=32, epochs=5)
"""})
    model = find_model(run_extract(root), "model")
    assert layer_types(model) == ["Flatten", "Dense", "Dense"]
    hps = {k: v["value"] for k, v in model["hyperparameters"].items()}
    assert hps == {"optimizer": "adam", "loss": "cross_entropy", "batch_size": 32,
                   "epochs": 5}


def test_constants_from_a_configuration_module(tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {
        "config.py": "BATCH_SIZE = 64\nLR = 3e-4\n\nclass Cfg:\n    epochs = 7\n",
        "train.py": """\
import torch
import torch.nn as nn
import config
from config import Cfg

model = nn.Sequential(nn.Linear(10, 2))
opt = torch.optim.Adam(model.parameters(), lr=config.LR)
loader = torch.utils.data.DataLoader(ds, batch_size=config.BATCH_SIZE, shuffle=True)
for epoch in range(Cfg.epochs):
    pass
"""})
    data = run_extract(root)
    hps = find_model(data, "model")["hyperparameters"]
    assert hps["learning_rate"] == {"value": 0.0003, "file": "config.py", "line": 2,
                                    "how": "config"}
    assert hps["batch_size"] == {"value": 64, "file": "config.py", "line": 1, "how": "config"}
    assert hps["epochs"] == {"value": 7, "file": "config.py", "line": 5, "how": "config"}


def test_training_function_called_through_its_module(tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {
        "model.py": """\
import torch.nn as nn
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
    def forward(self, x):
        return self.fc(x)
""",
        "train.py": """\
import torch
def train(model, args):
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
""",
        "main.py": """\
import argparse
import torch
import train
from model import CNN
parser = argparse.ArgumentParser()
parser.add_argument('-lr', type=float, default=0.01)
args = parser.parse_args()
cnn = CNN()
train.train(cnn, args)
"""})
    hps = find_model(run_extract(root), "CNN")["hyperparameters"]
    assert hps["learning_rate"] == {"value": 0.01, "file": "main.py", "line": 6,
                                    "how": "argparse"}
    assert hps["optimizer"]["value"] == "sgd"
    assert hps["momentum"]["value"] == 0.9


def test_vgg_configuration_list_picks_branches(tmp_path: Path) -> None:
    root = write(tmp_path / "vgg", {"vgg.py": """\
import torch.nn as nn
cfg = [64, 'M', 128, 'M']

class VGG(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = self._make_layers(cfg)
        self.classifier = nn.Linear(128, 10)

    def forward(self, x):
        out = self.features(x)
        out = out.view(out.size(0), -1)
        return self.classifier(out)

    def _make_layers(self, cfg):
        layers = []
        in_channels = 3
        for x in cfg:
            if x == 'M':
                layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
            else:
                layers += [nn.Conv2d(in_channels, x, kernel_size=3, padding=1),
                           nn.BatchNorm2d(x), nn.ReLU(inplace=True)]
                in_channels = x
        return nn.Sequential(*layers)
"""})
    model = find_model(run_extract(root), "VGG")
    assert layer_types(model) == ["Conv2D", "BatchNorm", "Activation", "MaxPool2D",
                                  "Conv2D", "BatchNorm", "Activation", "MaxPool2D",
                                  "Flatten", "Dense"]
    assert [layer["args"].get("filters") for layer in model["layers"]
            if layer["type"] == "Conv2D"] == \
        [64, 128]
    assert model["layers"][4]["args"]["in_channels"] == 64


def test_frozen_backbone_features_used_in_forward(tmp_path: Path) -> None:
    root = write(tmp_path / "tl", {"model.py": """\
import torch
import torch.nn as nn
from torchvision import models

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.base = models.mobilenet_v2(weights=models.MobileNet_V2_Weights.DEFAULT)
        for p in self.base.features.parameters():
            p.requires_grad = False
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.head = nn.Linear(1280, 1)

    def forward(self, x):
        x = self.base.features(x)
        x = torch.flatten(self.pool(x), 1)
        return self.head(x)
"""})
    model = find_model(run_extract(root), "Net")
    assert layer_types(model) == ["Pretrained", "GlobalAvgPool2D", "Flatten", "Dense"]
    assert model["layers"][0]["args"] == {"name": "mobilenet_v2", "trainable": False}


def test_hostile_shapes_fail_fast_with_a_reason(tmp_path: Path) -> None:
    root = write(tmp_path / "bad", {
        "chain.py": "import torch\nx = " + " + ".join(["1"] * 20000) + "\n",
        "attrs.py": "import torch\nx = a" + ".b" * 20000 + "\n",
        "big.py": "import torch\nx = [" + ",".join(["1"] * 160000) + "]\n",
        "ok.py": "import torch.nn as nn\nnet = nn.Sequential(nn.Linear(2, 2))\n",
    })
    start = time.perf_counter()
    data = run_extract(root)
    assert time.perf_counter() - start < 20
    reasons = {f["file"]: f["reason"] for f in data["failures"]}
    assert reasons["chain.py"].startswith("pathologically nested code")
    assert reasons["attrs.py"].startswith("pathologically nested code")
    assert reasons["big.py"].startswith("too large to analyse")
    assert [m["name"] for m in data["models"]] == ["net"]


def test_backbone_layers_copied_into_a_sequential(tmp_path: Path) -> None:
    root = write(tmp_path / "tl", {"vgg.py": """\
from keras.applications.vgg16 import VGG16
from keras.models import Sequential
from keras.layers import Dense
vgg16_model = VGG16()
model = Sequential()
for layer in vgg16_model.layers[:-1]:
    model.add(layer)
for layer in model.layers:
    layer.trainable = False
model.add(Dense(2, activation='softmax'))
model.compile(optimizer='adam', loss='categorical_crossentropy')
"""})
    data = run_extract(root)
    assert [m["name"] for m in data["models"]] == ["model"]
    model = data["models"][0]
    assert layer_types(model) == ["Pretrained", "Dense"]
    assert model["layers"][0]["args"] == {"name": "vgg16", "trainable": False}


def test_option_string_split_into_kernel_sizes(tmp_path: Path) -> None:
    root = write(tmp_path / "cnn", {
        "model.py": """\
import torch
import torch.nn as nn
class TextCNN(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.embedding = nn.Embedding(1000, 50)
        self.convs = nn.ModuleList([nn.Conv2d(1, args.kernel_num, (k, 50))
                                    for k in args.kernel_size])
        self.fc = nn.Linear(len(args.kernel_size) * args.kernel_num, 2)
    def forward(self, x):
        x = self.embedding(x).unsqueeze(1)
        x = [conv(x).squeeze(3) for conv in self.convs]
        return self.fc(torch.cat(x, 1))
""",
        "main.py": """\
import argparse
import torch
import model
parser = argparse.ArgumentParser()
parser.add_argument('--kernel_size', type=str, default='2,3,4')
parser.add_argument('--kernel_num', type=int, default=100)
args = parser.parse_args()
args.kernel_size = [int(k) for k in args.kernel_size.split(',')]
net = model.TextCNN(args)
"""})
    model = find_model(run_extract(root), "TextCNN")
    assert layer_types(model) == ["Embedding", "Conv2D", "Conv2D", "Conv2D", "Concatenate",
                                  "Dense"]
    assert [layer["args"]["kernel_size"] for layer in model["layers"][1:4]] == [[2, 50], [3, 50],
                                                                         [4, 50]]
    assert model["edges"] == [[0, 1], [0, 2], [0, 3], [1, 4], [2, 4], [3, 4], [4, 5]]


def test_iterating_over_a_list_of_feature_maps_keeps_the_data_flow(tmp_path: Path) -> None:
    root = write(tmp_path / "pool", {"net.py": """\
import torch
import torch.nn as nn
class Pool(nn.Module):
    def forward(self, x):
        return torch.cat([f.max(dim=-1)[0] for f in x], dim=-1)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Embedding(100, 8), nn.Conv1d(8, 4, 3), Pool(),
                                    nn.Linear(4, 2))
    def forward(self, x):
        return self.layers(x)
"""})
    model = find_model(run_extract(root), "Net")
    # `f.max(dim=-1)[0]` is max-over-time pooling
    assert layer_types(model) == ["Embedding", "Conv1D", "GlobalMaxPool1D", "Concatenate",
                                  "Dense"]


def test_uncalled_class_takes_the_module_global_its_parameter_names(tmp_path: Path) -> None:
    root = write(tmp_path / "bert", {"bert.py": """\
import torch
import torch.nn as nn
from transformers import BertModel
bert = BertModel.from_pretrained('bert-base-uncased')
class BERT(nn.Module):
    def __init__(self, bert, hidden):
        super().__init__()
        self.bert = bert
        self.rnn = nn.GRU(768, hidden, bidirectional=True, batch_first=True)
        self.out = nn.Linear(hidden * 2, 1)
    def forward(self, text):
        with torch.no_grad():
            embedded = self.bert(text)[0]
        _, hidden = self.rnn(embedded)
        return self.out(torch.cat((hidden[-2], hidden[-1]), dim=1))
"""})
    data = run_extract(root)
    assert [m["name"] for m in data["models"]] == ["BERT"]
    assert layer_types(data["models"][0]) == ["Pretrained", "GRU", "Concatenate", "Dense"]


def test_driver_script_without_framework_imports_is_read(tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {
        "model.py": "import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n"
                    "        super().__init__()\n        self.fc = nn.Linear(4, 2)\n"
                    "    def forward(self, x):\n        return self.fc(x)\n",
        "train.py": "import torch\ndef train(net, lr, epochs):\n"
                    "    opt = torch.optim.SGD(net.parameters(), lr=lr)\n"
                    "    for epoch in range(epochs):\n        pass\n",
        "main.py": "import argparse\nfrom model import Net\nfrom train import train\n"
                   "p = argparse.ArgumentParser()\n"
                   "p.add_argument('--lr', type=float, default=0.1)\n"
                   "p.add_argument('--epochs', type=int, default=30)\na = p.parse_args()\n"
                   "train(Net(), a.lr, a.epochs)\n",
        "notes.py": "print('no framework and no project import: skipped')\n",
    })
    result = __import__("exnet.extract", fromlist=["extract_path"]).extract_path(root)
    status = {o.file: o.status for o in result.outcomes}
    assert status == {"main.py": "extracted", "model.py": "extracted",
                      "train.py": "extracted", "notes.py": "skipped"}
    hps = result.to_json()["models"][0]["hyperparameters"]
    assert hps["learning_rate"] == {"value": 0.1, "file": "main.py", "line": 5,
                                    "how": "argparse"}
    assert hps["epochs"]["value"] == 30


def test_lightning_hparams_and_a_project_train_method(tmp_path: Path) -> None:
    root = write(tmp_path / "lit", {"lit.py": """\
import torch
import torch.nn as nn
import pytorch_lightning as pl

class Lit(pl.LightningModule):
    def __init__(self, lr=3e-4):
        super().__init__()
        self.save_hyperparameters()
        self.fc = nn.Linear(8, 2)
    def forward(self, x):
        return self.fc(x)
    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)

class Trainer:
    def __init__(self, model):
        self.model = model
    def train(self, epochs=7):
        for epoch in range(epochs):
            pass

model = Lit()
Trainer(model).train(epochs=12)
"""})
    hps = find_model(run_extract(root), "Lit")["hyperparameters"]
    assert (hps["learning_rate"]["value"], hps["optimizer"]["value"]) == (3e-4, "adamw")
    assert hps["epochs"]["value"] == 12


def test_fragment_files_exported_from_a_notebook_use_conventional_aliases(
        tmp_path: Path) -> None:
    root = write(tmp_path / "frag", {"CNN_model.py": """\
model1 = tf.keras.Sequential([
    tf.keras.layers.Embedding(vocab_size, 16, input_length=max_length),
    tf.keras.layers.Conv1D(128, 5, activation='relu'),
    tf.keras.layers.GlobalAveragePooling1D(),
    tf.keras.layers.Dense(1, activation='sigmoid')
])
model1.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
history = model1.fit(x, y, epochs=30)
""", "local_tf.py": """\
import torch.nn as nn
tf = None   # a name of its own: not TensorFlow
net = nn.Sequential(nn.Linear(3, 2))
"""})
    data = run_extract(root)
    model = find_model(data, "model1")
    assert layer_types(model) == ["Embedding", "Conv1D", "GlobalAvgPool1D", "Dense"]
    assert model["hyperparameters"]["epochs"]["value"] == 30


def test_argparse_sub_commands_parents_and_helper_modules(tmp_path: Path) -> None:
    root = write(tmp_path / "cli", {"model.py": """\
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 2)
    def forward(self, x):
        return self.fc(x)
""", "opts.py": """\
def train_opt(parser):
    parser.add_argument('--lr', type=float, default=0.003)
""", "train.py": """\
import argparse
import torch
from model import Net
from opts import train_opt

def main():
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument('--batch_size', type=int, default=24)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='mode')
    train = sub.add_parser('train', parents=[parent])
    train.add_argument('--epochs', type=int, default=9)
    train_opt(train)
    opt = parser.parse_args()
    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=opt.lr)
    loader = torch.utils.data.DataLoader(ds, batch_size=opt.batch_size, shuffle=True)
    for epoch in range(opt.epochs):
        pass

if __name__ == '__main__':
    main()
"""})
    model = find_model(run_extract(root), "Net")
    got = {k: (v["value"], v["how"]) for k, v in model["hyperparameters"].items()}
    assert got["learning_rate"] == (0.003, "argparse")
    assert got["batch_size"] == (24, "argparse")
    assert got["epochs"] == (9, "argparse")
