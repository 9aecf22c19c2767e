"""Training settings read from files and namespaces: a YAML config loaded with
`yaml.safe_load(open(...))`, a JSON config, `HParams(...)` returned by a static method,
and a config class built by a classmethod; each value links to its own file and line."""

from __future__ import annotations

from pathlib import Path

from extract_helpers import find_model, run_extract, write

MODEL = """\
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 64)
        self.rnn = nn.GRU(64, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        out, _ = self.rnn(self.embedding(x))
        return self.fc(out[:, -1])
"""



def values(model: dict) -> dict:
    return {k: (v["value"], v["file"], v["line"], v["how"])
            for k, v in model["hyperparameters"].items()}


def test_yaml_config_loaded_in_a_helper(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {
        "model.py": MODEL,
        "configs/default.yaml": "model:\n  hidden: 96\ntraining:\n  lr: 3.0e-4\n"
                                "  batch_size: 48\n  epochs: 7\n",
        "utils.py": "import yaml\n\n\ndef load_config(path='configs/default.yaml'):\n"
                    "    with open(path) as f:\n        return yaml.safe_load(f)\n",
        "train.py": """\
import torch
from model import Classifier
from utils import load_config

config = load_config()
model = Classifier(20000, config["model"]["hidden"])
optimizer = torch.optim.AdamW(model.parameters(), lr=config["training"]["lr"])
criterion = torch.nn.CrossEntropyLoss()
loader = torch.utils.data.DataLoader(data, batch_size=config["training"]["batch_size"])
for epoch in range(config["training"]["epochs"]):
    pass
"""})
    model = find_model(run_extract(root), "Classifier")
    assert model["layers"][1]["args"]["units"] == 96
    got = values(model)
    assert got["learning_rate"] == (0.0003, "configs/default.yaml", 4, "config")
    assert got["batch_size"] == (48, "configs/default.yaml", 5, "config")
    assert got["epochs"] == (7, "configs/default.yaml", 6, "config")
    assert got["optimizer"][0] == "adamw"


def test_json_config_and_a_path_outside_the_project(tmp_path: Path) -> None:
    (tmp_path / "secret.json").write_text('{"lr": 0.5}')
    root = write(tmp_path / "p", {
        "model.py": MODEL,
        "params.json": '{\n  "lr": 0.01,\n  "epochs": 3\n}\n',
        "train.py": """\
import json
import torch
from model import Classifier

params = json.load(open("params.json"))
outside = json.load(open("../secret.json"))
model = Classifier(100, 16)
optimizer = torch.optim.SGD(model.parameters(), lr=params["lr"])
for epoch in range(params["epochs"]):
    pass
"""})
    got = values(find_model(run_extract(root), "Classifier"))
    assert got["learning_rate"] == (0.01, "params.json", 2, "config")
    assert got["epochs"] == (3, "params.json", 3, "config")


def test_hparams_from_a_static_method_and_a_classmethod_config(tmp_path: Path) -> None:
    root = write(tmp_path / "k", {
        "hyper.py": """\
import tensorflow as tf


class HyperParams:
    @staticmethod
    def get():
        return tf.contrib.training.HParams(epochs=20, batch_size=30, learning_rate=1e-4)


class Settings:
    dropout = 0.3

    @classmethod
    def load(cls):
        return cls
""",
        "train.py": """\
from keras.layers import Dense, Dropout, Input
from keras.models import Model
from keras.optimizers import Adam
from hyper import HyperParams, Settings

hp = HyperParams.get()
settings = Settings.load()
inputs = Input(shape=(100,))
outputs = Dense(2, activation="softmax")(Dropout(settings.dropout)(inputs))
model = Model(inputs, outputs)
model.compile(optimizer=Adam(learning_rate=hp.learning_rate), loss="categorical_crossentropy")
model.fit(x, y, epochs=hp.epochs, batch_size=hp.batch_size)
"""})
    model = find_model(run_extract(root), "model")
    got = {k: v[0] for k, v in values(model).items()}
    assert (got["learning_rate"], got["epochs"], got["batch_size"]) == (0.0001, 20, 30)
    assert model["layers"][0]["args"] == {"rate": 0.3}


def test_dataclass_config_filled_from_yaml(tmp_path: Path) -> None:
    root = write(tmp_path / "d", {
        "model.py": MODEL,
        "config.yaml": "training:\n  learning_rate: 2.0e-5\n  num_epochs: 5\n"
                       "data:\n  batch_size: 16\n",
        "config.py": """\
from dataclasses import dataclass
import yaml


@dataclass
class TrainingConfig:
    learning_rate: float = 1e-3
    num_epochs: int = 10
    warmup: int = 100


@dataclass
class DataConfig:
    batch_size: int = 32


@dataclass
class Config:
    training: TrainingConfig
    data: DataConfig

    @classmethod
    def from_yaml(cls, path):
        with open(path) as f:
            d = yaml.safe_load(f)
        return cls(training=TrainingConfig(**d["training"]), data=DataConfig(**d["data"]))
""",
        "train.py": """\
import torch
from config import Config
from model import Classifier

config = Config.from_yaml("config.yaml")
model = Classifier(30522, 64)
opt = torch.optim.AdamW(model.parameters(), lr=config.training.learning_rate)
loader = torch.utils.data.DataLoader(ds, batch_size=config.data.batch_size, shuffle=True)
for epoch in range(config.training.num_epochs):
    pass
"""})
    got = values(find_model(run_extract(root), "Classifier"))
    assert got["learning_rate"] == (2e-05, "config.yaml", 2, "config")
    assert got["epochs"] == (5, "config.yaml", 3, "config")
    assert got["batch_size"] == (16, "config.yaml", 5, "config")


# --------------------------------------------------------------- Hydra and OmegaConf

HYDRA_TRAIN = """\
import hydra
import pandas
import torch
import pytorch_lightning as pl
from omegaconf import DictConfig

from nets.gru import Classifier


class Task(pl.LightningModule):
    def __init__(self, net, rate):
        super().__init__()
        self.net = net
        self.rate = rate
        self.criterion = torch.nn.CrossEntropyLoss()

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return self.criterion(self(x), y)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.rate)


@hydra.main(version_base=None, config_path="../conf", config_name="main")
def run(cfg: DictConfig):
    reviews = pandas.read_csv(cfg.data.path)
    net = Classifier(cfg.data.vocab, cfg.net.width)
    task = Task(net, cfg.net.optim.rate)
    loader = torch.utils.data.DataLoader(cfg.data.path, batch_size=cfg.data.batch)
    trainer = pl.Trainer(max_epochs=cfg.trainer.epochs)
    trainer.fit(task, loader)


if __name__ == "__main__":
    run()
"""


def test_a_hydra_entry_point_reads_its_composed_configuration(tmp_path: Path) -> None:
    """`@hydra.main(config_path, config_name)` hands `run` the primary file with each
    `defaults` entry's group file under its group's key, the primary file's own values
    over them, and `${...}` interpolations resolved."""
    write(tmp_path, {
        "nets/__init__.py": "",
        "nets/gru.py": MODEL,
        "scripts/train.py": HYDRA_TRAIN,
        "conf/main.yaml": ("defaults:\n  - data: reviews\n  - net: small\n  - _self_\n\n"
                           "root: corpora\ntrainer:\n  epochs: 12\nnet:\n  width: 96\n"),
        "conf/data/reviews.yaml": ("name: imdb\nvocab: 8000\nbatch: 48\n"
                                   "path: ${root}/${data.name}.csv\n"),
        "conf/net/small.yaml": "width: 32\noptim:\n  rate: 0.0005\n",
    })
    model = find_model(run_extract(tmp_path), "Classifier")
    assert {k: v for k, v in values(model).items() if k in TRAINING} == {
        "optimizer": ("adamw", "scripts/train.py", 25, "literal"),
        "learning_rate": (0.0005, "conf/net/small.yaml", 3, "config"),
        "batch_size": (48, "conf/data/reviews.yaml", 3, "config"),
        "epochs": (12, "conf/main.yaml", 8, "config"),
        "loss": ("cross_entropy", "scripts/train.py", 15, "literal"),
    }
    assert model["datasets"] == ["imdb"]   # `${root}/${data.name}.csv`: corpora/imdb.csv
    gru = next(layer for layer in model["layers"] if layer["type"] == "GRU")
    assert gru["args"]["units"] == 96   # the primary file's `net.width` over the group's


TRAINING = ("optimizer", "learning_rate", "batch_size", "epochs", "loss")


def test_a_hydra_group_option_picks_a_model_at_run_time(tmp_path: Path) -> None:
    """`if cfg.model.name == "cnn": ... elif cfg.model.name == "rnn":` on the `name` a group
    file gives its own option is a run-time selection (`model=rnn` on the command line),
    like an argparse option's default: both models get the training settings."""
    write(tmp_path, {
        "train.py": ("import hydra\nimport torch\nimport torch.nn as nn\n\n\n"
                     "@hydra.main(config_path='cfg', config_name='config')\n"
                     "def main(cfg):\n"
                     "    if cfg.model.name == 'cnn':\n"
                     "        model = nn.Sequential(nn.Conv1d(1, 8, 3), nn.ReLU(), nn.Flatten(),"
                     " nn.LazyLinear(2))\n"
                     "    elif cfg.model.name == 'rnn':\n"
                     "        model = nn.Sequential(nn.GRU(8, 16), nn.Linear(16, 2))\n"
                     "    opt = torch.optim.SGD(model.parameters(), lr=cfg.model.lr)\n"
                     "    for epoch in range(cfg.epochs):\n"
                     "        for x, y in loader:\n"
                     "            opt.zero_grad()\n"
                     "            nn.functional.cross_entropy(model(x), y).backward()\n"
                     "            opt.step()\n\n\n"
                     "main()\n"),
        "cfg/config.yaml": "defaults:\n  - model: cnn\nepochs: 6\n",
        "cfg/model/cnn.yaml": "name: cnn\nlr: 0.02\n",
        "cfg/model/rnn.yaml": "name: rnn\nlr: 0.004\n",
    })
    data = run_extract(tmp_path)
    found = {tuple(layer["type"] for layer in m["layers"]):
             {k: v["value"] for k, v in m["hyperparameters"].items()} for m in data["models"]}
    # the default option's file speaks for both, as an argparse default would
    settings = {"optimizer": "sgd", "learning_rate": 0.02, "epochs": 6, "loss": "cross_entropy"}
    assert found == {("Conv1D", "Activation", "Flatten", "Dense"): settings,
                     ("GRU", "Dense"): settings}


def epoch_loop(epochs: str) -> str:
    """A plain training loop of `net` with `opt` over `loader`, for `epochs` epochs."""
    return (f"for epoch in range({epochs}):\n"
            "    for x, y in loader:\n"
            "        opt.zero_grad()\n"
            "        nn.functional.cross_entropy(net(x), y).backward()\n"
            "        opt.step()\n")


def test_configuration_keys_read_as_attributes(tmp_path: Path) -> None:
    """`OmegaConf.load("train.yaml")` gives a DictConfig: `cfg.optim.lr` is its key."""
    write(tmp_path, {
        "train.yaml": "optim:\n  lr: 0.03\nepochs: 4\n",
        "fit.py": ("import torch\nimport torch.nn as nn\nfrom omegaconf import OmegaConf\n\n"
                   "cfg = OmegaConf.load('train.yaml')\n"
                   "net = nn.Sequential(nn.Linear(6, 2))\n"
                   "opt = torch.optim.Adam(net.parameters(), lr=cfg.optim.lr)\n"
                   + epoch_loop("cfg.epochs")),
    })
    model = run_extract(tmp_path)["models"][0]
    assert values(model)["learning_rate"] == (0.03, "train.yaml", 2, "config")
    assert values(model)["epochs"] == (4, "train.yaml", 3, "config")


def test_a_config_opened_through_pathlib(tmp_path: Path) -> None:
    """`with (Path("config") / "train.yaml").open() as f: yaml.safe_load(f)` reads the
    file, as `open("config/train.yaml")` does; so does `os.path.join`."""
    write(tmp_path, {
        "config/train.yaml": "rate: 0.004\nrounds: 11\n",
        "config/extra.yaml": "batch: 24\n",
        "fit.py": ("import os\nfrom pathlib import Path\n\nimport torch\nimport torch.nn as nn\n"
                   "import yaml\n\n"
                   "with (Path('config') / 'train.yaml').open('r') as f:\n"
                   "    cfg = yaml.safe_load(f)\n"
                   "extra = yaml.safe_load(open(os.path.join('config', 'extra.yaml')))\n"
                   "net = nn.Sequential(nn.Linear(6, 2))\n"
                   "opt = torch.optim.Adam(net.parameters(), lr=cfg['rate'])\n"
                   "loader = torch.utils.data.DataLoader(data, batch_size=extra['batch'])\n"
                   + epoch_loop("cfg['rounds']")),
    })
    model = run_extract(tmp_path)["models"][0]
    assert values(model)["learning_rate"] == (0.004, "config/train.yaml", 1, "config")
    assert values(model)["epochs"] == (11, "config/train.yaml", 2, "config")
    assert values(model)["batch_size"] == (24, "config/extra.yaml", 1, "config")
