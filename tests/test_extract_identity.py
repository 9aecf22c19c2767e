"""Model identity: one record per architecture a project defines (copies across files,
notebooks and inference scripts merged, with every place listed), and building blocks
inlined into the models that use them, never counted as models of their own."""

from __future__ import annotations

from extract_helpers import extract, find_model, fixture, layer_types, line_of

from exnet.extract.identity import same_architecture
from exnet.records import Layer, Model


def names(data: dict) -> list[tuple[str, str]]:
    return sorted((m["file"], m["name"]) for m in data["models"])


def test_pytorch_copies_in_scripts_and_a_notebook_are_one_record() -> None:
    data = extract(fixture("identity_torch"))
    assert data["failures"] == []
    assert names(data) == [("bigger.py", "BiggerLSTM"), ("model.py", "SentimentLSTM")]
    lstm = find_model(data, "SentimentLSTM")
    assert lstm["occurrences"] == [
        {"file": "model.py", "cell": None, "span": [5, 14], "name": "SentimentLSTM",
         "role": "trained"},
        {"file": "explore.ipynb", "cell": 2, "span": [1, 10], "name": "SentimentLSTM",
         "role": "definition"},
        {"file": "predict.py", "cell": None, "span": [7, 16], "name": "SentimentLSTM",
         "role": "inference"},
    ]
    assert {k: v["value"] for k, v in lstm["hyperparameters"].items()} == {
        "batch_size": 64, "epochs": 5, "learning_rate": 0.001,
        "loss": "binary_cross_entropy", "optimizer": "adam"}
    # the wider variant is another architecture, trained with its own settings
    bigger = find_model(data, "BiggerLSTM")
    assert bigger["layers"][1]["args"]["units"] == 256
    assert bigger["hyperparameters"]["optimizer"]["value"] == "sgd"
    assert [o["role"] for o in bigger["occurrences"]] == ["trained"]


def test_keras_notebook_trains_and_a_flask_app_reloads_the_weights() -> None:
    data = extract(fixture("identity_keras"))
    [model] = data["models"]
    assert (model["file"], model["cell"], model["name"]) == ("train.ipynb", 1, "model")
    assert [(o["file"], o["role"]) for o in model["occurrences"]] == [
        ("train.ipynb", "trained"), ("app.py", "inference")]
    # the copy in app.py knew the input length; the merged record keeps what both knew
    assert model["layers"][0]["args"] == {"input_dim": 20000, "output_dim": 64,
                                          "input_length": 200}
    hyper = {k: v["value"] for k, v in model["hyperparameters"].items()}
    assert (hyper["batch_size"], hyper["epochs"], hyper["optimizer"]) == (128, 4, "adam")
    assert model["datasets"] == ["imdb"]


def test_residual_blocks_are_inlined_and_never_models() -> None:
    data = extract(fixture("blocks_resnet"))
    assert names(data) == [("models/resnet.py", "ResNet"), ("models/senet.py", "SENet")]
    resnet = find_model(data, "ResNet")
    assert resnet["blocks"] == ["BasicBlock"]
    assert find_model(data, "SENet")["blocks"] == ["PreActBlock"]
    # the shortcut convolution is built only where stride != 1 (the second stage)
    assert layer_types(resnet) == [
        "Conv2D", "BatchNorm", "Activation",
        "Conv2D", "BatchNorm", "Activation", "Conv2D", "BatchNorm", "Add", "Activation",
        "Conv2D", "BatchNorm", "Activation", "Conv2D", "BatchNorm", "Conv2D", "BatchNorm",
        "Add", "Activation",
        "GlobalAvgPool2D", "Flatten", "Dense"]
    assert {k: v["value"] for k, v in resnet["hyperparameters"].items()} == {
        "epochs": 200, "learning_rate": 0.1, "loss": "cross_entropy", "momentum": 0.9,
        "optimizer": "sgd", "weight_decay": 0.0005}


def test_commented_out_alternative_is_trained_by_the_same_code() -> None:
    """`# net = SENet1()` beside the live `net = ResNet10()` (kuangliu style): the author
    trains SENet by moving the comment, so SENet gets train.py's settings, each saying
    that it is selected at the commented line."""
    data = extract(fixture("blocks_resnet"))
    senet = find_model(data, "SENet")
    comment = line_of(fixture("blocks_resnet", "train.py"), "# net = SENet1()")
    hyper = senet["hyperparameters"]
    assert {k: v["value"] for k, v in hyper.items()} == {
        "epochs": 200, "learning_rate": 0.1, "loss": "cross_entropy", "momentum": 0.9,
        "optimizer": "sgd", "weight_decay": 0.0005}
    assert {v["selected_at"]["line"] for v in hyper.values()} == {comment}
    assert data["set_aside"] == []


def _model(*layers: Layer, framework: str = "pytorch") -> Model:
    return Model("p", "m.py", None, (1, 2), "m", framework, "module", tuple(layers))


def test_same_architecture_compares_arguments_both_resolved() -> None:
    dense = Layer("Dense", "nn.Linear", 3, {"in_features": 512, "units": 10})
    unresolved = Layer("Dense", "nn.Linear", 9, {"in_features": 512})
    other = Layer("Dense", "nn.Linear", 9, {"in_features": 512, "units": 2})
    shaped = Layer("Dense", "Dense", 9, {"units": 10, "input_shape": [784]})
    assert same_architecture(_model(dense), _model(unresolved))
    assert not same_architecture(_model(dense), _model(other))
    assert same_architecture(_model(dense), _model(shaped))
    assert not same_architecture(_model(dense), _model(dense, framework="keras"))
    assert not same_architecture(_model(dense), _model(dense, dense))
    frozen = Layer("Pretrained", "models.resnet18", 1, {"name": "resnet18", "trainable": False})
    tuned = Layer("Pretrained", "models.resnet18", 1, {"name": "resnet18", "trainable": True})
    vgg = Layer("Pretrained", "models.vgg16", 1, {"name": "vgg16"})
    assert same_architecture(_model(frozen), _model(tuned))
    assert not same_architecture(_model(frozen), _model(vgg))


def test_one_architecture_trained_two_ways_is_one_record(tmp_path) -> None:
    from extract_helpers import run_extract

    net = ("import torch\nimport torch.nn as nn\n\n\nclass MLP(nn.Module):\n"
           "    def __init__(self):\n        super().__init__()\n"
           "        self.fc1 = nn.Linear(784, 100)\n        self.fc2 = nn.Linear(100, 10)\n\n"
           "    def forward(self, x):\n"
           "        return self.fc2(torch.relu(self.fc1(x.view(-1, 784))))\n\n\n")
    for name, opt in (("sgd_run.py", "SGD(model.parameters(), lr=0.1)"),
                      ("adam_run.py", "Adam(model.parameters(), lr=0.001)"),
                      ("adam_again.py", "Adam(model.parameters(), lr=0.001)")):
        (tmp_path / name).write_text(net + f"model = MLP()\noptimizer = torch.optim.{opt}\n")
    [model] = run_extract(tmp_path)["models"]
    assert [(o["file"], o["role"]) for o in model["occurrences"]] == [
        ("adam_again.py", "trained"), ("adam_run.py", "trained"), ("sgd_run.py", "trained")]
    # equally complete copies: the first file in order speaks for the record
    assert model["file"] == "adam_again.py"
    assert model["hyperparameters"]["optimizer"]["value"] == "adam"


def test_the_copy_whose_settings_are_known_speaks_for_the_record(tmp_path) -> None:
    """A hyperparameter search and the plain training script build one network: the
    plain script's `lr=0.001` says more than the search's `trial.suggest_loguniform`,
    though the search file comes first and sets as many training facts."""
    from extract_helpers import run_extract

    net = ("import torch\nimport torch.nn as nn\n\n\nclass MLP(nn.Module):\n"
           "    def __init__(self):\n        super().__init__()\n"
           "        self.fc = nn.Linear(784, 10)\n\n"
           "    def forward(self, x):\n        return self.fc(x)\n\n\n")
    (tmp_path / "search.py").write_text(net + (
        "def objective(trial):\n"
        "    model = MLP()\n"
        "    lr = trial.suggest_loguniform('lr', 1e-5, 1e-1)\n"
        "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n"
        "    for epoch in range(5):\n"
        "        optimizer.step()\n"))
    (tmp_path / "train.py").write_text(net + (
        "model = MLP()\n"
        "optimizer = torch.optim.Adam(model.parameters(), lr=0.001)\n"
        "for epoch in range(3):\n"
        "    optimizer.step()\n"))
    [model] = run_extract(tmp_path)["models"]
    assert model["file"] == "train.py"
    assert {k: v["value"] for k, v in model["hyperparameters"].items()} == {
        "epochs": 3, "learning_rate": 0.001, "optimizer": "adam"}
    assert [o["file"] for o in model["occurrences"]] == ["search.py", "train.py"]


def test_keras_subclass_blocks_are_inlined() -> None:
    data = extract(fixture("blocks_keras"))
    assert names(data) == [("model.py", "SmallNet")]
    [model] = data["models"]
    assert model["blocks"] == ["ConvBlock"]
    assert layer_types(model) == ["Conv2D", "BatchNorm", "Activation", "MaxPool2D",
                                  "Conv2D", "BatchNorm", "Activation", "MaxPool2D",
                                  "Flatten", "Dense"]
    assert {k: v["value"] for k, v in model["hyperparameters"].items()
            if k != "metrics"} == {"batch_size": 64, "epochs": 10, "loss": "cross_entropy",
                                   "optimizer": "adam"}


def test_a_local_checkpoint_is_the_pretrained_model_it_was_saved_from() -> None:
    hub = Layer("Pretrained", "AutoModel.from_pretrained", 1, {"name": "distilbert-base-uncased"})
    saved = Layer("Pretrained", "AutoModel.from_pretrained", 1, {"name": "./fine_tuned_model"})
    ckpt = Layer("Pretrained", "AutoModel.from_pretrained", 1, {"name": "model/distilbert"})
    other = Layer("Pretrained", "AutoModel.from_pretrained", 1, {"name": "bert-base-uncased"})
    org = Layer("Pretrained", "AutoModel.from_pretrained", 1,
                {"name": "cardiffnlp/twitter-roberta-base"})
    head = Layer("Dense", "nn.Linear", 2, {"units": 2})
    assert same_architecture(_model(hub, head), _model(saved, head))
    assert same_architecture(_model(ckpt, head), _model(hub, head))
    assert not same_architecture(_model(hub, head), _model(other, head))
    assert not same_architecture(_model(org, head), _model(hub, head))


def test_a_model_another_branch_builds_is_not_set_aside(tmp_path) -> None:
    """`MODEL = "cnn"` decides the branch; the MLP the other branch builds is still a
    model of the project (the author switches by editing the constant), not a leftover.
    A class that no code names at all is set aside."""
    (tmp_path / "models.py").write_text(
        "import torch.nn as nn\n\n\n"
        "class CNN(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv2d(1, 8, 3)\n"
        "        self.fc = nn.Linear(8, 10)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(self.conv(x).mean((2, 3)))\n\n\n"
        "class MLP(nn.Module):\n"
        "    def __init__(self):\n"
        "        super(MLP, self).__init__()\n"
        "        self.fc = nn.Linear(784, 10)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(x.view(x.size(0), -1))\n\n\n"
        "class Old(nn.Module):\n"
        "    def __init__(self):\n"
        "        super(Old, self).__init__()\n"
        "        self.fc = nn.Linear(784, 2)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n")
    (tmp_path / "train.py").write_text(
        "import torch\nfrom models import CNN, MLP, Old\n\n"
        "MODEL = 'cnn'\n"
        "if MODEL == 'cnn':\n    model = CNN()\nelif MODEL == 'mlp':\n    model = MLP()\n"
        "optimizer = torch.optim.Adam(model.parameters(), lr=0.01)\n"
        "loss_fn = torch.nn.CrossEntropyLoss()\n")
    data = extract(tmp_path)
    assert names(data) == [("models.py", "CNN"), ("models.py", "MLP")]
    assert [a["name"] for a in data["set_aside"]] == ["Old"]
    assert find_model(data, "CNN")["hyperparameters"]["learning_rate"]["value"] == 0.01


def test_commented_alternative_over_several_lines(tmp_path) -> None:
    """`# model = Small(` with one argument per commented line: still one alternative."""
    (tmp_path / "model.py").write_text(
        "import torch.nn as nn\n\n\n"
        "class Big(nn.Module):\n"
        "    def __init__(self, vocab_size, dim=64):\n"
        "        super().__init__()\n"
        "        self.embedding = nn.Embedding(vocab_size, dim)\n"
        "        self.fc = nn.Linear(dim, 1)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(self.embedding(x).mean(dim=1))\n\n\n"
        "class Small(nn.Module):\n"
        "    def __init__(self, vocab_size, dim=16):\n"
        "        super().__init__()\n"
        "        self.embedding = nn.Embedding(vocab_size, dim)\n"
        "        self.fc = nn.Linear(dim, 1)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(self.embedding(x).max(dim=1)[0])\n")
    (tmp_path / "main.py").write_text(
        "import torch\nfrom model import Big, Small\n\n"
        "model = Big(\n    vocab_size=5000,\n)\n"
        "# or the small one:\n"
        "# model = Small(\n#     vocab_size=5000,\n#     dim=16\n# )\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.05)\n"
        "criterion = torch.nn.BCEWithLogitsLoss()\n")
    data = extract(tmp_path)
    small = find_model(data, "Small")
    assert small["hyperparameters"]["learning_rate"]["value"] == 0.05
    assert small["hyperparameters"]["learning_rate"]["selected_at"]["line"] == 8
    assert data["set_aside"] == []


def test_a_base_class_that_subclasses_configure_is_their_block(tmp_path) -> None:
    """A package whose `__init__` subclasses `VGG` (`class VGG11(VGG):
    super().__init__('VGG11')`) and lists the subclasses in a registry the training
    script indexes: each subclass is a model; `VGG`, which only subclasses configure, is
    part of them, not a model of its own (built alone it is a VGG of no configuration)."""
    from extract_helpers import run_extract

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "vgg.py").write_text(
        "import torch.nn as nn\n\n"
        "cfg = {'VGG11': [64, 'M', 128, 'M'], 'VGG13': [64, 64, 'M', 128, 'M']}\n\n\n"
        "class VGG(nn.Module):\n"
        "    def __init__(self, vgg_name):\n"
        "        super().__init__()\n"
        "        self.features = self._make_layers(cfg[vgg_name])\n"
        "        self.classifier = nn.Linear(128, 10)\n\n"
        "    def forward(self, x):\n"
        "        return self.classifier(self.features(x).view(x.size(0), -1))\n\n"
        "    def _make_layers(self, cfg):\n"
        "        layers, c = [], 3\n"
        "        for x in cfg:\n"
        "            if x == 'M':\n"
        "                layers += [nn.MaxPool2d(2)]\n"
        "            else:\n"
        "                layers += [nn.Conv2d(c, x, 3), nn.ReLU()]\n"
        "                c = x\n"
        "        layers += [nn.AvgPool2d(1)]\n"
        "        return nn.Sequential(*layers)\n")
    (tmp_path / "models" / "__init__.py").write_text(
        "from .vgg import VGG\n\n\n"
        "class VGG11(VGG):\n    def __init__(self):\n        super().__init__('VGG11')\n\n\n"
        "class VGG13(VGG):\n    def __init__(self):\n        super().__init__('VGG13')\n\n\n"
        "names = {'vgg11': VGG11, 'vgg13': VGG13}\n")
    (tmp_path / "main.py").write_text(
        "import argparse\nimport torch\nimport models\n\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--model', default='vgg11')\n"
        "args = parser.parse_args()\n"
        "net = models.names[args.model]()\n"
        "optimizer = torch.optim.SGD(net.parameters(), lr=0.1)\n")
    assert sorted(m["name"] for m in run_extract(tmp_path)["models"]) == ["VGG11", "VGG13"]
