"""Training facts that live away from the model: a trainer class holding the optimizer,
a config class, a custom batch iterator, `tf.data` batching, Lightning's Trainer and
`configure_optimizers`, Hugging Face `TrainingArguments`; and notebooks whose model is
written by `%%writefile` or redefined in a later cell."""

from __future__ import annotations

from typing import Any

from extract_helpers import extract, find_model, fixture, layer_types


def facts(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v["value"] for k, v in model["hyperparameters"].items()}


def test_trainer_class_config_class_and_batch_iterator() -> None:
    model = find_model(extract(fixture("training_elsewhere")), "TextCNN")
    # one convolution per configured filter size
    assert layer_types(model) == ["Embedding", "Conv2D", "Activation", "Conv2D", "Activation",
                                  "Conv2D", "Activation", "MaxPool1D", "MaxPool1D",
                                  "MaxPool1D", "Concatenate", "Dense"]
    assert [layer["args"]["kernel_size"] for layer in model["layers"][1:6:2]] == [
        [2, 100], [3, 100], [4, 100]]
    assert facts(model) == {"batch_size": 32, "epochs": 7, "learning_rate": 0.001,
                            "loss": "cross_entropy", "optimizer": "adam"}
    assert model["hyperparameters"]["batch_size"]["how"] == "config"


def test_tf_data_batch_and_early_stopping() -> None:
    model = find_model(extract(fixture("training_elsewhere")), "model", "tfdata_keras.py")
    assert facts(model) == {"batch_size": 48, "early_stopping": True, "epochs": 6,
                            "loss": "binary_cross_entropy", "optimizer": "adam"}


def test_lightning_module_and_trainer() -> None:
    model = find_model(extract(fixture("training_elsewhere")), "Lit")
    assert facts(model) == {"batch_size": 16, "epochs": 12, "gradient_clipping": 1.0,
                            "learning_rate": 0.0003, "loss": "cross_entropy",
                            "optimizer": "adamw", "weight_decay": 0.01}


def test_hugging_face_training_arguments() -> None:
    model = find_model(extract(fixture("training_elsewhere")), "model", "hf_trainer.py")
    assert layer_types(model) == ["Pretrained"]
    assert facts(model) == {"batch_size": 16, "epochs": 3, "learning_rate": 2e-05,
                            "lr_scheduler": "linear", "weight_decay": 0.01}


def test_writefile_cell_is_a_module_the_notebook_trains() -> None:
    data = extract(fixture("notebook_cells"))
    model = find_model(data, "Net", "writefile.ipynb")
    assert (model["cell"], model["span"]) == (1, [4, 11])
    assert layer_types(model) == ["Flatten", "Dense", "Activation", "Dense"]
    assert facts(model) == {"epochs": 4, "learning_rate": 0.05, "optimizer": "sgd"}


def test_the_definition_in_force_when_training_runs_wins() -> None:
    data = extract(fixture("notebook_cells"))
    [model] = [m for m in data["models"] if m["file"] == "redefined.ipynb"]
    assert model["cell"] == 2 and model["layers"][0]["args"]["units"] == 20
    assert facts(model) == {"epochs": 2, "learning_rate": 0.01, "optimizer": "adam"}


def test_one_dataloader_feeds_every_model_a_notebook_trains(tmp_path) -> None:
    """A training function every model of a script shares reads the batches of one
    DataLoader made before all of them: each model it trains has that batch size; the
    test loader an evaluation loop reads, and an evaluation script, give none."""
    from extract_helpers import find_model, run_extract

    (tmp_path / "compare.py").write_text(
        "import torch.nn as nn\n"
        "import torch.optim as optim\n"
        "from torch.utils.data import DataLoader\n"
        "from tqdm import tqdm\n\n"
        "train_loader = DataLoader(train_set, batch_size=64, shuffle=True)\n"
        "test_loader = DataLoader(test_set, batch_size=500)\n\n"
        "class Small(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(10, 2)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n\n"
        "class Big(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc1 = nn.Linear(10, 50)\n"
        "        self.fc2 = nn.Linear(50, 2)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc2(self.fc1(x))\n\n"
        "def fit(model, optimizer, epochs):\n"
        "    for epoch in range(epochs):\n"
        "        for i, (x, y) in enumerate(tqdm(train_loader)):\n"
        "            loss = nn.functional.cross_entropy(model(x), y)\n"
        "            optimizer.step()\n"
        "    for x, y in test_loader:\n"
        "        model(x)\n\n"
        "small = Small()\n"
        "fit(small, optim.Adam(small.parameters(), lr=1e-3), 5)\n"
        "big = Big()\n"
        "fit(big, optim.SGD(big.parameters(), lr=0.1), 8)\n")
    result = run_extract(tmp_path)
    for name, epochs in (("Small", 5), ("Big", 8)):
        hps = find_model(result, name)["hyperparameters"]
        assert (hps["batch_size"]["value"], hps["batch_size"]["line"]) == (64, 6)
        assert hps["epochs"]["value"] == epochs


def test_a_global_set_in_one_function_is_read_in_another(tmp_path) -> None:
    """`global args` in run(), then train() reads `args.lr`: the option's default."""
    from extract_helpers import find_model, run_extract

    (tmp_path / "main.py").write_text(
        "import argparse\n"
        "import torch.nn as nn\n"
        "import torch.optim as optim\n\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--lr', type=float, default=0.1)\n"
        "parser.add_argument('--width', type=int, default=48)\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, width):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(10, width)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n\n"
        "def train():\n"
        "    model = Net(args.width)\n"
        "    opt = optim.SGD(model.parameters(), lr=args.lr)\n\n"
        "def run():\n"
        "    global args\n"
        "    args = parser.parse_args()\n"
        "    train()\n\n"
        "if __name__ == '__main__':\n"
        "    run()\n")
    model = find_model(run_extract(tmp_path), "Net")
    assert model["layers"][0]["args"]["units"] == 48
    assert model["hyperparameters"]["learning_rate"]["value"] == 0.1
    assert model["hyperparameters"]["optimizer"]["value"] == "sgd"


def test_a_class_named_in_a_comment_is_not_a_block(tmp_path) -> None:
    """A model class whose name another model mentions only in a docstring, a comment
    or as `nn.LSTM` is a model of its own when the project trains it."""
    from extract_helpers import run_extract

    (tmp_path / "models.py").write_text(
        "import torch.nn as nn\n\n"
        "class LSTM(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.LSTM(8, 16)\n"
        "        self.out = nn.Linear(16, 2)\n\n"
        "    def forward(self, x):\n"
        "        return self.out(self.rnn(x)[0])\n\n"
        "class Hybrid(nn.Module):\n"
        "    '''A CNN in front of an LSTM.'''\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv1d(8, 8, 3)   # the CNN part\n"
        "        self.rnn = nn.LSTM(8, 16)\n\n"
        "    def forward(self, x):\n"
        "        return self.rnn(self.conv(x))[0]\n")
    (tmp_path / "train.py").write_text(
        "import torch.optim as optim\n"
        "from lion_pytorch import Lion\n"
        "from models import LSTM, Hybrid\n\n"
        "lstm = LSTM()\n"
        "opt = Lion(lstm.parameters(), lr=1e-4)\n"
        "hybrid = Hybrid()\n"
        "opt2 = optim.Adam(hybrid.parameters(), lr=1e-3)\n")
    models = {m["name"]: m for m in run_extract(tmp_path)["models"]}
    assert sorted(models) == ["Hybrid", "LSTM"]
    assert models["Hybrid"]["blocks"] == []
    assert models["LSTM"]["hyperparameters"]["optimizer"]["value"] == "lion"
