"""Training loops read by their structure, not their names: an epoch loop whose names
say nothing, torchtext's batch iterators as loaders, a shuffled test loader, a training
function found through the module it is imported from, optimizer parameter groups, and
gradient descent written by hand in JAX.

Each fixture is a small project written here, in the shapes learners' projects take.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extract_helpers import find_model, run_extract

NET = ("import torch\n"
       "import torch.nn as nn\n\n\n"
       "class Net(nn.Module):\n"
       "    def __init__(self):\n"
       "        super().__init__()\n"
       "        self.fc = nn.Linear(10, 2)\n\n"
       "    def forward(self, x):\n"
       "        return self.fc(x)\n\n\n")


def net(name: str, outputs: int) -> str:
    """NET named `name`, with its own number of outputs: another architecture."""
    return NET.replace("Net", name).replace("nn.Linear(10, 2)", f"nn.Linear(10, {outputs})")


def facts(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v["value"] for k, v in model["hyperparameters"].items()}


def _write(root: Path, files: dict[str, str]) -> dict[str, Any]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return run_extract(root)


def test_a_range_loop_around_a_loop_over_batches_is_the_epoch_loop(tmp_path) -> None:
    """`for ITER in range(MAX_ITER)` around `for st in range(0, n, BATCH_SIZE)` with a
    backward step: MAX_ITER epochs, though no name says "epoch"."""
    result = _write(tmp_path, {"train.py": NET + (
        "MAX_ITER = 5\n"
        "BATCH_SIZE = 32\n"
        "model = Net()\n"
        "optimizer = torch.optim.Adam(model.parameters(), lr=0.0005)\n"
        "for ITER in range(MAX_ITER):\n"
        "    for st in range(0, len(train), BATCH_SIZE):\n"
        "        loss = nn.functional.cross_entropy(model(train[st:st + 32]), tags)\n"
        "        optimizer.zero_grad()\n"
        "        loss.backward()\n"
        "        optimizer.step()\n")})
    hps = find_model(result, "Net")["hyperparameters"]
    assert (hps["epochs"]["value"], hps["epochs"]["line"]) == (5, 14)   # MAX_ITER = 5
    assert hps["batch_size"]["value"] == 32


def test_a_range_loop_calling_a_training_function_is_the_epoch_loop(tmp_path) -> None:
    """`for i in range(10): train(model, optimizer, train_iterator)`, where train() loops
    over the batches: 10 epochs."""
    result = _write(tmp_path, {"tune.py": NET + (
        "def train(model, optimizer, batches):\n"
        "    for batch in batches:\n"
        "        loss = nn.functional.cross_entropy(model(batch.text), batch.label)\n"
        "        loss.backward()\n"
        "        optimizer.step()\n\n\n"
        "model = Net()\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "for i in range(10):\n"
        "    train(model, optimizer, train_iterator)\n")})
    assert facts(find_model(result, "Net"))["epochs"] == 10


def test_loops_that_are_not_epochs_give_none(tmp_path) -> None:
    """A GAN-style `for step in range(1000)` around `for _ in range(5)` steps (no loop
    over data), and a loop over folds around a named epoch loop: neither is the epoch
    count; the named loop inside is."""
    result = _write(tmp_path, {
        "gan.py": NET + (
            "model = Net()\n"
            "optimizer = torch.optim.Adam(model.parameters(), lr=2e-4)\n"
            "for step in range(1000):\n"
            "    for _ in range(5):\n"
            "        loss = model(noise).mean()\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"),
        "folds.py": net("FoldNet", 3) + (
            "model = FoldNet()\n"
            "optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)\n"
            "for fold in range(5):\n"
            "    for epoch in range(12):\n"
            "        for x, y in loader:\n"
            "            nn.functional.cross_entropy(model(x), y).backward()\n"
            "            optimizer.step()\n")})
    assert "epochs" not in facts(find_model(result, "Net"))
    assert facts(find_model(result, "FoldNet"))["epochs"] == 12


def test_torchtext_bucket_iterators_are_loaders(tmp_path) -> None:
    """`BucketIterator.splits((train, test), batch_sizes=(16, 256))`: the first split
    trains, so a model fed its batches has batch size 16; the test split's is not a
    training setting."""
    result = _write(tmp_path, {"lstm.py": NET + (
        "from torchtext import data\n\n"
        "train_iterator, test_iterator = data.BucketIterator.splits(\n"
        "    (train_data, test_data), sort_key=lambda x: len(x.Text), batch_sizes=(16, 256))\n"
        "model = Net()\n"
        "optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)\n"
        "for epoch in range(4):\n"
        "    for batch in train_iterator:\n"
        "        nn.functional.cross_entropy(model(batch.Text), batch.Label).backward()\n"
        "        optimizer.step()\n")})
    hps = find_model(result, "Net")["hyperparameters"]
    assert (hps["batch_size"]["value"], hps["batch_size"]["line"]) == (16, 17)
    assert hps["batch_size"]["file"] == "lstm.py"


def test_a_shuffled_test_loader_is_not_the_training_loader(tmp_path) -> None:
    """`DataLoader(test_data, batch_size=100, shuffle=True)` is still an evaluation loader:
    the model trained on `train_loader` (64) and evaluated on it has batch size 64."""
    result = _write(tmp_path, {"prepare.py": NET + (
        "from torch.utils.data import DataLoader\n\n"
        "train_loader = DataLoader(train_data, batch_size=64, shuffle=True)\n"
        "test_loader = DataLoader(test_data, batch_size=100, shuffle=True)\n"
        "model = Net()\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)\n\n"
        "def train():\n"
        "    for image, label in train_loader:\n"
        "        nn.functional.cross_entropy(model(image), label).backward()\n"
        "        optimizer.step()\n\n"
        "def test():\n"
        "    for image, label in test_loader:\n"
        "        model(image)\n\n"
        "for epoch in range(1, 5):\n"
        "    test()\n"
        "    train()\n")})
    assert facts(find_model(result, "Net"))["batch_size"] == 64


def test_a_training_function_is_the_one_of_the_module_it_is_imported_from(
        tmp_path) -> None:
    """Two files define `train_model`; the script that star-imports utils runs utils'
    one, not the other file's (whose loader has batch size 32)."""
    result = _write(tmp_path, {
        "utils.py": ("import torch\n\n"
                     "def train_model(model, optimizer, iterators, num_epochs=25):\n"
                     "    for epoch in range(num_epochs):\n"
                     "        for batch in iterators['train']:\n"
                     "            model(batch).sum().backward()\n"
                     "            optimizer.step()\n"),
        "bert_run.py": net("BertNet", 3) + (
            "from torch.utils.data import DataLoader\n\n"
            "loaders = {'train': DataLoader(train_set, batch_size=32, shuffle=True)}\n\n"
            "def train_model(model, optimizer, num_epochs=25):\n"
            "    for epoch in range(num_epochs):\n"
            "        for batch in loaders['train']:\n"
            "            model(batch).sum().backward()\n"
            "            optimizer.step()\n\n"
            "bert = BertNet()\n"
            "train_model(bert, torch.optim.Adam(bert.parameters(), lr=1e-5), num_epochs=3)\n"),
        "lstm_run.py": net("LstmNet", 4) + (
            "from torchtext import data\n"
            "from utils import *\n\n"
            "train_iterator, test_iterator = data.BucketIterator.splits(\n"
            "    (train_data, test_data), batch_size=16)\n"
            "model = LstmNet()\n"
            "train_model(model, torch.optim.Adam(model.parameters(), lr=1e-3),\n"
            "            {'train': train_iterator, 'val': test_iterator}, num_epochs=20)\n")})
    assert facts(find_model(result, "LstmNet"))["batch_size"] == 16
    assert facts(find_model(result, "LstmNet"))["epochs"] == 20
    assert facts(find_model(result, "BertNet"))["batch_size"] == 32


def test_parameter_groups_give_the_first_groups_rate(tmp_path) -> None:
    """`Adam([{"params": backbone, "lr": 1e-5}, {"params": head, "lr": 1e-3}])` has no
    default rate: the first group's (the fine-tuned backbone's) is the learning rate;
    a default `lr=` wins over the groups'."""
    result = _write(tmp_path, {
        "groups.py": (
            "import torch\nimport torch.nn as nn\nfrom transformers import BertModel\n\n\n"
            "class Net(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.bert = BertModel.from_pretrained('bert-base-uncased')\n"
            "        self.fc = nn.Linear(768, 2)\n\n"
            "    def forward(self, x):\n"
            "        return self.fc(self.bert(x)[1])\n\n\n"
            "model = Net()\n"
            "optimizer = torch.optim.Adam([\n"
            "    {'params': model.bert.parameters(), 'lr': 1e-5},\n"
            "    {'params': model.fc.parameters(), 'lr': 1e-3}])\n"
            "for epoch in range(3):\n"
            "    for x, y in loader:\n"
            "        nn.functional.cross_entropy(model(x), y).backward()\n"
            "        optimizer.step()\n"),
        "default.py": net("DefaultNet", 3) + (
            "model = DefaultNet()\n"
            "optimizer = torch.optim.SGD([{'params': model.fc.parameters()},\n"
            "                             {'params': head, 'lr': 1e-3}], lr=0.1)\n")})
    assert facts(find_model(result, "Net"))["learning_rate"] == 1e-5
    assert facts(find_model(result, "Net"))["optimizer"] == "adam"
    assert facts(find_model(result, "DefaultNet"))["learning_rate"] == 0.1


def test_gradient_descent_written_by_hand_in_jax_is_sgd(tmp_path) -> None:
    """The JAX tutorials' `jax.tree_map(lambda p, g: p - g * step_size, params, grads)`,
    in a helper module that imports only jax: an SGD with that step size."""
    result = _write(tmp_path, {
        "models/utils.py": ("import jax\nfrom jax import jit\n\n\n"
                            "@jit\n"
                            "def update(params, step_size, grads):\n"
                            "    return jax.tree_map(lambda param, g: param - g * step_size,"
                            " params, grads)\n"),
        "models/cnn.py": ("import flax.linen as nn\n\n\n"
                          "class CNN(nn.Module):\n"
                          "    @nn.compact\n"
                          "    def __call__(self, x):\n"
                          "        x = nn.relu(nn.Conv(features=32, kernel_size=(3, 3))(x))\n"
                          "        x = x.reshape((x.shape[0], -1))\n"
                          "        return nn.Dense(features=10)(x)\n"),
        "main.py": ("import jax\nimport jax.numpy as jnp\n"
                    "from models.cnn import CNN\nfrom models.utils import update\n\n"
                    "step_size = 0.001\n"
                    "params = CNN().init(jax.random.PRNGKey(0), jnp.ones([1, 28, 28, 1]))\n"
                    "for epoch in range(8):\n"
                    "    for x, y in batches:\n"
                    "        grads = jax.grad(loss_fn)(params, x, y)\n"
                    "        params = update(params, step_size, grads)\n")})
    hps = find_model(result, "CNN")["hyperparameters"]
    assert (hps["optimizer"]["value"], hps["optimizer"]["file"]) == ("sgd", "models/utils.py")
    assert hps["learning_rate"]["value"] == 0.001
    assert hps["epochs"]["value"] == 8


def test_an_options_list_default_gives_one_branch_per_item(tmp_path) -> None:
    """`--filters default=[3, 4, 5]` passed to the model: its ModuleList grows one
    convolution per kernel size, and forward runs each branch."""
    result = _write(tmp_path, {
        "model.py": ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n"
                     "class SentCNN(nn.Module):\n"
                     "    def __init__(self, filters):\n"
                     "        super().__init__()\n"
                     "        self.embedding = nn.Embedding(5000, 100)\n"
                     "        self.convs = nn.ModuleList()\n"
                     "        for k in filters:\n"
                     "            self.convs.append(nn.Conv1d(100, 64, k))\n"
                     "        self.out = nn.Linear(64 * 3, 6)\n\n"
                     "    def forward(self, x):\n"
                     "        x = self.embedding(x).transpose(1, 2)\n"
                     "        out = []\n"
                     "        for conv in self.convs:\n"
                     "            h = F.relu(conv(x))\n"
                     "            out.append(F.max_pool1d(h, h.size(2)).squeeze(2))\n"
                     "        return self.out(torch.cat(out, 1))\n"),
        "main.py": ("import argparse\nfrom model import SentCNN\n\n"
                    "parser = argparse.ArgumentParser()\n"
                    "parser.add_argument('--filters', default=[3, 4, 5])\n"
                    "args = parser.parse_args()\n"
                    "model = SentCNN(args.filters)\n")})
    model = find_model(result, "SentCNN")
    assert [layer["type"] for layer in model["layers"]] == [
        "Embedding", *["Conv1D", "Activation", "MaxPool1D"] * 3, "Concatenate", "Dense"]
    assert [layer["args"]["kernel_size"] for layer in model["layers"]
            if layer["type"] == "Conv1D"] == [3, 4, 5]


def test_a_package_module_is_found_by_its_full_name(tmp_path) -> None:
    """Run from src/, `import text_cnn.model, text_cnn.config` names src/text_cnn/, not
    the first of three model.py (and config.py) files; the config class that imports no
    framework is read as settings, and its list of kernel sizes makes four branches."""
    files = {}
    for pkg, lr, kernels in (("lstm", 0.5, [7]), ("mlp", 0.25, [9]),
                             ("text_cnn", 1e-3, [2, 3, 4, 5])):
        files[f"src/{pkg}/config.py"] = (
            f"class Config:\n    lr = {lr}\n    kernels = {kernels}\n    hidden = 32\n")
    files["src/lstm/model.py"] = net("LSTMNet", 3)
    files["src/mlp/model.py"] = net("MLPNet", 4)
    files["src/text_cnn/model.py"] = (
        "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n\n"
        "class TextCNN(nn.Module):\n"
        "    def __init__(self, config):\n"
        "        super().__init__()\n"
        "        self.convs = nn.ModuleList([nn.Conv2d(1, 8, (k, 50)) for k in config.kernels])\n"
        "        self.fc = nn.Linear(len(config.kernels) * 8, 2)\n\n"
        "    def forward(self, x):\n"
        "        xs = [F.relu(conv(x.unsqueeze(1))).squeeze(-1) for conv in self.convs]\n"
        "        return self.fc(torch.cat(xs, dim=1))\n")
    files["src/main.py"] = (
        "import torch\nimport text_cnn.model, text_cnn.config\n\n"
        "config = text_cnn.config.Config()\n"
        "model = text_cnn.model.TextCNN(config=config)\n"
        "optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)\n")
    model = find_model(_write(tmp_path, files), "TextCNN")
    assert [layer["type"] for layer in model["layers"]] == [
        *["Conv2D", "Activation"] * 4, "Concatenate", "Dense"]
    lr = model["hyperparameters"]["learning_rate"]
    assert (lr["value"], lr["file"], lr["line"]) == (1e-3, "src/text_cnn/config.py", 2)


def test_a_keras_generator_given_to_fit_ties_its_batch_size(tmp_path) -> None:
    """Three models of a notebook-like script fit on one `flow_from_directory` generator
    (batch 16): each has batch size 16; the validation generator's 64 is nobody's."""
    models = "".join(
        f"m{k} = Sequential([Flatten(), Dense({k + 2})])\n"
        f"m{k}.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
        f"m{k}.fit(train_gen, epochs={k + 1}, validation_data=val_gen)\n" for k in range(3))
    result = _write(tmp_path, {"flowers.py": (
        "from tensorflow.keras.models import Sequential\n"
        "from tensorflow.keras.layers import Dense, Flatten\n"
        "from tensorflow.keras.preprocessing.image import ImageDataGenerator\n\n"
        "val_gen = ImageDataGenerator().flow_from_directory(directory=val_dir, "
        "batch_size=64)\n"
        "train_gen = ImageDataGenerator(rescale=1 / 255).flow_from_directory(\n"
        "    directory=train_dir, batch_size=16, shuffle=True)\n" + models)})
    for k in range(3):
        assert facts(find_model(result, f"m{k}"))["batch_size"] == 16
        assert facts(find_model(result, f"m{k}"))["epochs"] == k + 1


def test_settings_from_an_ini_file(tmp_path) -> None:
    """`configparser`: `config.read("configuration.cfg")`, then `int(config.get("Params",
    "batchsize"))`: the value written in the file, linked to its line there."""
    result = _write(tmp_path, {
        "configuration.cfg": ("[Params]\ndataset = data/tweets.csv\n\nmaxlen = 35  \n"
                              "batchsize = 250\nnum_epochs = 20\n"),
        "handler.py": (
            "import configparser\n"
            "from keras.models import Sequential\nfrom keras.layers import Dense\n\n"
            "config = configparser.RawConfigParser()\n"
            "config.read('./configuration.cfg')\n"
            "batchsize = int(config.get('Params', 'batchsize'))\n"
            "num_epochs = config.getint('Params', 'num_epochs')\n"
            "model = Sequential([Dense(1, activation='sigmoid')])\n"
            "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
            "model.fit(x, y, batch_size=batchsize, epochs=num_epochs)\n")})
    hps = find_model(result, "model")["hyperparameters"]
    assert (hps["batch_size"]["value"], hps["batch_size"]["file"],
            hps["batch_size"]["line"]) == (250, "configuration.cfg", 5)
    assert (hps["epochs"]["value"], hps["epochs"]["how"]) == (20, "config")


def test_the_lengths_of_a_padded_sequence_are_not_data(tmp_path) -> None:
    """`out, lengths = pad_packed_sequence(...)`: `lengths.view(-1, 1)` is no Flatten of
    the model."""
    result = _write(tmp_path, {"gru.py": (
        "import torch\nimport torch.nn as nn\n\n\n"
        "class Avg(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.gru = nn.GRU(50, 32, batch_first=True)\n"
        "        self.fc = nn.Linear(32, 2)\n\n"
        "    def forward(self, packed):\n"
        "        out, _ = self.gru(packed)\n"
        "        out, lengths = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)\n"
        "        lengths = lengths.view(-1, 1).float()\n"
        "        return self.fc(torch.sum(out, dim=1) / lengths)\n\n\n"
        "model = Avg()\n")})
    assert "Flatten" not in [layer["type"] for layer in find_model(result, "Avg")["layers"]]


def test_keras_internal_optimizer_modules(tmp_path) -> None:
    """`import keras.optimizer_v2.adam as adam; adam.Adam(lr=1e-4)` (TF 2.x internals)."""
    result = _write(tmp_path, {"model.py": (
        "import keras.optimizer_v2.adam as adam\n"
        "from tensorflow.keras.models import Sequential\n"
        "from tensorflow.keras.layers import Dense\n\n"
        "model = Sequential([Dense(3, activation='softmax')])\n"
        "model.compile(optimizer=adam.Adam(lr=0.0001), loss='categorical_crossentropy')\n")})
    assert facts(find_model(result, "model"))["optimizer"] == "adam"
    assert facts(find_model(result, "model"))["learning_rate"] == 0.0001


def _notebook(path: Path, cells: list[str]) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, str(path))


KERAS_ATTENTION = (
    "class AttentionLayer(tf.keras.Model):\n"
    "    def __init__(self, units):\n"
    "        super().__init__()\n"
    "        self.W = Dense(units)\n"
    "        self.V = Dense(1)\n\n"
    "    def call(self, values):\n"
    "        weights = tf.nn.softmax(self.V(tf.nn.tanh(self.W(values))), axis=1)\n"
    "        return tf.reduce_sum(weights * values, axis=1)\n")


def test_a_functional_model_is_where_it_is_made(tmp_path) -> None:
    """A functional model using a custom layer defined cells before: its place is the
    cell that applies its layers and calls `Model(...)`, from the `Input` line on, not
    the custom layer's class body."""
    _notebook(tmp_path / "attention.ipynb", [
        "import tensorflow as tf\n"
        "from tensorflow.keras.layers import Dense, Input, Embedding, GRU\n"
        "from tensorflow.keras.models import Model\n",
        KERAS_ATTENTION,
        "EPOCHS = 3\n"
        "inputs = Input(shape=(100,))\n"
        "x = Embedding(1000, 50)(inputs)\n"
        "x = GRU(32, return_sequences=True)(x)\n"
        "x = AttentionLayer(10)(x)\n"
        "outputs = Dense(6, activation='sigmoid')(x)\n"
        "model = Model(inputs=inputs, outputs=outputs)\n"
        "model.compile(loss='binary_crossentropy', optimizer='adam')\n"
        "model.fit(X, y, epochs=EPOCHS)\n"])
    model = find_model(run_extract(tmp_path), "model")
    assert (model["cell"], model["span"]) == (2, [3, 7])   # the Embedding to Model(...)
    assert model["blocks"] == ["AttentionLayer"]


def test_a_class_statements_bases_are_not_a_call(tmp_path) -> None:
    """`class AttentionLayer(tf.keras.Model)` in one notebook does not make the other
    notebook's PyTorch class `Model` a block of it."""
    _notebook(tmp_path / "keras.ipynb", [
        "import tensorflow as tf\nfrom tensorflow.keras.layers import Dense, Input\n"
        "from tensorflow.keras.models import Model\n", KERAS_ATTENTION,
        "inputs = Input(shape=(20, 8))\n"
        "outputs = Dense(2)(AttentionLayer(4)(inputs))\n"
        "model = Model(inputs=inputs, outputs=outputs)\n"
        "model.compile(loss='mse', optimizer='adam')\n"])
    _notebook(tmp_path / "torch.ipynb", [
        net("Model", 5) + "model = Model()\n"
        # untied (a filter of the parameters): only a block would lose it
        "optimizer = torch.optim.Adam(filter(lambda p: p.requires_grad, "
        "model.parameters()), lr=1e-3)\n"])
    result = run_extract(tmp_path)
    assert find_model(result, "Model", "torch.ipynb")["blocks"] == []
    assert facts(find_model(result, "Model", "torch.ipynb"))["learning_rate"] == 1e-3


def test_a_lightning_wrapper_keeps_the_arguments_it_was_made_with(tmp_path) -> None:
    """`LitClassifier(cell="gru")`: the network it wraps is a GRU, though the LSTM is
    the first branch of the wrapped class's __init__ (Lightning's hooks, which no code
    calls, run on the instance the project made, not on a fresh one)."""
    result = _write(tmp_path, {
        "model.py": ("import torch.nn as nn\n\n\n"
                     "class RNNClassifier(nn.Module):\n"
                     "    def __init__(self, cell, hidden):\n"
                     "        super().__init__()\n"
                     "        self.embed = nn.Embedding(1000, 64)\n"
                     "        if cell == 'lstm':\n"
                     "            self.rnn = nn.LSTM(64, hidden, batch_first=True)\n"
                     "        elif cell == 'gru':\n"
                     "            self.rnn = nn.GRU(64, hidden, batch_first=True)\n"
                     "        self.fc = nn.Linear(hidden, 5)\n\n"
                     "    def forward(self, x):\n"
                     "        out, _ = self.rnn(self.embed(x))\n"
                     "        return self.fc(out[:, -1])\n"),
        "wrapper.py": ("import torch\nimport pytorch_lightning as pl\n"
                       "from model import RNNClassifier\n\n\n"
                       "class LitClassifier(pl.LightningModule):\n"
                       "    def __init__(self, cell, hidden):\n"
                       "        super().__init__()\n"
                       "        self.net = RNNClassifier(cell, hidden)\n\n"
                       "    def forward(self, x):\n"
                       "        return self.net(x)\n\n"
                       "    def training_step(self, batch, batch_idx):\n"
                       "        return torch.nn.functional.cross_entropy(self(batch[0]), "
                       "batch[1])\n\n"
                       "    def configure_optimizers(self):\n"
                       "        return torch.optim.AdamW(self.parameters(), lr=5e-5)\n"),
        "train.py": ("import pytorch_lightning as pl\nfrom wrapper import LitClassifier\n\n"
                     "model = LitClassifier(cell='gru', hidden=128)\n"
                     "pl.Trainer(max_epochs=20).fit(model)\n")})
    model = find_model(result, "RNNClassifier")
    assert [layer["type"] for layer in model["layers"]] == ["Embedding", "GRU", "Dense"]
    assert facts(model)["learning_rate"] == 5e-5


def test_settings_in_a_pydantic_class_are_its_fields(tmp_path) -> None:
    """`TrainingParams(BaseSettings)` made with `num_epochs=5`: the trainer's
    `n_epochs=training_params.num_epochs` is 5."""
    result = _write(tmp_path, {
        "params.py": ("from pydantic_settings import BaseSettings\n"
                      "from torch.nn import Module\n\n\n"
                      "class TrainingParams(BaseSettings):\n"
                      "    num_epochs: int\n"
                      "    batch_size: int = 32\n"),
        "train.py": (net("Clf", 2) + "from params import TrainingParams\n\n"
                     "def fit(model, n_epochs):\n"
                     "    opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
                     "    for epoch in range(n_epochs):\n"
                     "        opt.step()\n\n"
                     "params = TrainingParams(num_epochs=5)\n"
                     "fit(Clf(), n_epochs=params.num_epochs)\n")})
    assert facts(find_model(result, "Clf"))["epochs"] == 5


def test_the_script_the_readme_runs_gives_the_settings(tmp_path) -> None:
    """One model trained by a demo notebook (lr 1e-4) and by src/train.py (lr 1e-3),
    both tied: the README's `python src/train.py` decides."""
    (tmp_path / "README.md").write_text("# News\n\n```\npython src/train.py\n```\n")
    _notebook(tmp_path / "demo.ipynb", [
        "import torch\nfrom src.model import Net\n",
        "model = Net()\noptimizer = torch.optim.Adam(model.parameters(), lr=1e-4)\n"])
    result = _write(tmp_path, {
        "src/model.py": NET,
        "src/train.py": ("import torch\nfrom src.model import Net\n\n"
                         "model = Net()\n"
                         "optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)\n")})
    lr = find_model(result, "Net")["hyperparameters"]["learning_rate"]
    assert (lr["value"], lr["file"]) == (1e-3, "src/train.py")


def test_a_keras_cell_saved_without_its_imports(tmp_path) -> None:
    """`CNN_Model.py` holds one notebook cell: `model = Sequential()`, `model.add(...)`,
    compile and fit, with no import (they were in an earlier cell): still a Keras model."""
    result = _write(tmp_path, {
        "prep.py": "import numpy as np\nvocab_size = 8000\n",
        "CNN_Model.py": ("model = Sequential()\n"
                         "model.add(Embedding(vocab_size, 48))\n"
                         "model.add(Conv1D(24, 3, activation='relu'))\n"
                         "model.add(GlobalMaxPooling1D())\n"
                         "model.add(Dense(1, activation='sigmoid'))\n"
                         "model.compile(optimizer=RMSprop(lr=1e-4), loss='binary_crossentropy')\n"
                         "hist = model.fit(x_pad, y_bin, epochs=20, batch_size=32)\n")})
    model = find_model(result, "model", "CNN_Model.py")
    assert [layer["type"] for layer in model["layers"]] == [
        "Embedding", "Conv1D", "GlobalMaxPool1D", "Dense"]
    assert facts(model) == {"optimizer": "rmsprop", "learning_rate": 1e-4, "epochs": 20,
                            "batch_size": 32, "loss": "binary_cross_entropy"}


def test_a_dataclass_field_computed_after_init(tmp_path) -> None:
    """`LR: float = field(init=False)` set by `__post_init__` from the model type: the
    learning rate is the one the default model type maps to, not `field(init=False)`."""
    result = _write(tmp_path, {
        "config.py": ("from dataclasses import dataclass, field\n\n\n"
                      "@dataclass\n"
                      "class Config:\n"
                      "    model_type: str = 'lstm'\n"
                      "    LR: float = field(init=False)\n"
                      "    EPOCHS: int = field(default=7)\n\n"
                      "    def __post_init__(self):\n"
                      "        rates = {'cnn': 2e-3, 'lstm': 5e-4}\n"
                      "        self.LR = rates.get(self.model_type, 1e-2)\n"),
        "main.py": (NET + "from config import Config\n\n"
                    "config = Config()\n"
                    "model = Net()\n"
                    "optimizer = torch.optim.Adam(model.parameters(), lr=config.LR)\n"
                    "for epoch in range(config.EPOCHS):\n"
                    "    optimizer.step()\n")})
    assert facts(find_model(result, "Net")) == {"optimizer": "adam", "learning_rate": 5e-4,
                                                "epochs": 7}


def test_one_loss_for_each_output(tmp_path) -> None:
    """A two-output model compiled with the same loss for each output has that loss."""
    result = _write(tmp_path, {"two_heads.py": (
        "from tensorflow.keras.layers import Input, Embedding, LSTM, Dense\n"
        "from tensorflow.keras.models import Model\n\n"
        "inputs = Input(shape=(50,))\n"
        "x = LSTM(64)(Embedding(5000, 32)(inputs))\n"
        "disease = Dense(10, activation='softmax', name='disease')(x)\n"
        "drug = Dense(20, activation='softmax', name='drug')(x)\n"
        "model = Model(inputs=inputs, outputs=[disease, drug])\n"
        "model.compile(loss={'disease': 'categorical_crossentropy',\n"
        "                    'drug': 'categorical_crossentropy'}, optimizer='adam')\n")})
    assert facts(find_model(result, "model"))["loss"] == "cross_entropy"


def test_a_position_embedding_added_to_the_tokens_is_an_add(tmp_path) -> None:
    """`x + self.pos_embedding` (a learned weight), `x += self.pe[:, :n]` (a buffer) and
    `x + pos_enc` (a sinusoid table made in forward) are Adds, like `a + b` of two layer
    outputs; `x + self.bias` is not."""
    result = _write(tmp_path, {"vit.py": (
        "import torch\nimport torch.nn as nn\n\n\n"
        "class Encoder(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.embed = nn.Embedding(1000, 64)\n"
        "        self.pos_embedding = nn.Parameter(torch.zeros(1, 50, 64))\n"
        "        self.register_buffer('pe', torch.zeros(1, 50, 64))\n"
        "        self.bias = nn.Parameter(torch.zeros(64))\n"
        "        self.fc = nn.Linear(64, 4)\n\n"
        "    def forward(self, x):\n"
        "        x = self.embed(x) + self.pos_embedding\n"
        "        x += self.pe[:, :x.size(1)]\n"
        "        x = x + self.bias\n"
        "        pos_enc = self.table(x.size(1))\n"
        "        x = x + pos_enc\n"
        "        return self.fc(x.mean(dim=1))\n\n"
        "    def table(self, n):\n"
        "        return torch.zeros(n, 64)\n\n\n"
        "model = Encoder()\n")})
    # (a table computed in forward into a name that says so is one too)
    assert [layer["type"] for layer in find_model(result, "Encoder")["layers"]] == [
        "Embedding", "Add", "Add", "Add", "GlobalAvgPool1D", "Dense"]


def test_a_classifier_head_set_twice_is_the_last_one(tmp_path) -> None:
    """`model.classifier[1] = Linear(...)`, then `model.classifier = Sequential(...)`
    twice: the backbone's head is the last Sequential; the heads it replaced are
    neither part of it nor models of their own."""
    result = _write(tmp_path, {"model.py": (
        "import torch\nimport torch.nn as nn\nfrom torchvision import models\n\n\n"
        "def build_model(num_classes=196):\n"
        "    model = models.efficientnet_b0(weights=None)\n"
        "    model.classifier[1] = nn.Linear(1280, num_classes)\n"
        "    model.classifier = nn.Sequential(nn.Linear(1280, 256), nn.Dropout(0.3),\n"
        "                                     nn.Linear(256, num_classes))\n"
        "    model.classifier = nn.Sequential(nn.Linear(1280, 512), nn.ReLU(),\n"
        "                                     nn.Linear(512, num_classes))\n"
        "    return model\n\n\n"
        "model = build_model()\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n")})
    [model] = result["models"]
    assert [layer["type"] for layer in model["layers"]] == [
        "Pretrained", "Dense", "Activation", "Dense"]


def test_a_branch_that_trains_in_a_function_keeps_its_findings(tmp_path) -> None:
    """`if not os.path.exists("dataset"): exit()` / `else: train()`: the else branch binds
    no model here, but `train()` builds and trains one; its settings stay."""
    result = _write(tmp_path, {"main.py": (
        "import os\n"
        "from tensorflow.keras.models import Sequential\n"
        "from tensorflow.keras.layers import Dense, Flatten\n\n\n"
        "def train():\n"
        "    model = Sequential([Flatten(), Dense(10, activation='softmax')])\n"
        "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
        "    model.fit(X, y, epochs=30, batch_size=32)\n\n\n"
        "if __name__ == '__main__':\n"
        "    if not os.path.exists('dataset'):\n"
        "        print('Dataset not found')\n"
        "        exit()\n"
        "    else:\n"
        "        train()\n")})
    assert facts(find_model(result, "model")) == {
        "optimizer": "adam", "loss": "cross_entropy", "epochs": 30, "batch_size": 32}


def test_timm_losses_for_soft_targets_are_cross_entropy(tmp_path) -> None:
    """`timm.loss.SoftTargetCrossEntropy()` (mixup and cutmix targets) and
    `LabelSmoothingCrossEntropy` are cross-entropy, as `nn.CrossEntropyLoss` is."""
    result = _write(tmp_path, {"train.py": NET + (
        "from timm.loss import SoftTargetCrossEntropy\n\n"
        "model = Net()\n"
        "criterion = SoftTargetCrossEntropy()\n"
        "optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)\n"
        "for epoch in range(30):\n"
        "    for x, y in loader:\n"
        "        optimizer.zero_grad()\n"
        "        criterion(model(x), y).backward()\n"
        "        optimizer.step()\n")})
    assert facts(find_model(result, "Net"))["loss"] == "cross_entropy"


def test_options_passed_as_keywords_through_vars(tmp_path) -> None:
    """`train(**vars(parser.parse_args()))`: each option reaches the parameter of its
    name, with its default."""
    result = _write(tmp_path, {"train.py": NET + (
        "import argparse\n\n\n"
        "def train(batch, epochs, rate):\n"
        "    loader = torch.utils.data.DataLoader(data, batch_size=batch, shuffle=True)\n"
        "    model = Net()\n"
        "    opt = torch.optim.Adam(model.parameters(), lr=rate)\n"
        "    for epoch in range(epochs):\n"
        "        for x, y in loader:\n"
        "            opt.zero_grad()\n"
        "            nn.functional.nll_loss(model(x), y).backward()\n"
        "            opt.step()\n\n\n"
        "if __name__ == '__main__':\n"
        "    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--batch', type=int, default=48)\n"
        "    parser.add_argument('--epochs', type=int, default=6)\n"
        "    parser.add_argument('--rate', type=float, default=5e-4)\n"
        "    train(**vars(parser.parse_args()))\n")})
    assert facts(find_model(result, "Net")) == {
        "batch_size": 48, "epochs": 6, "learning_rate": 5e-4, "optimizer": "adam",
        "loss": "nll"}


def test_loaders_made_by_a_dict_comprehension(tmp_path) -> None:
    """`{x: DataLoader(sets[x], batch_size=8, ...) for x in ["train", "val"]}` and a
    loop over the phases, as in PyTorch's transfer-learning tutorial: the training
    loader's batch size; a function that trains the model it is given and returns it
    does not name the model."""
    result = _write(tmp_path, {"finetune.py": (
        "import torch\nimport torchvision\n\n\n"
        "def fit(net, loaders, optimizer, criterion, epochs):\n"
        "    for epoch in range(epochs):\n"
        "        for phase in ['train', 'val']:\n"
        "            for x, y in loaders[phase]:\n"
        "                optimizer.zero_grad()\n"
        "                criterion(net(x), y).backward()\n"
        "                optimizer.step()\n"
        "    return net\n\n\n"
        "sets = {x: torchvision.datasets.ImageFolder('data/' + x) for x in ['train', 'val']}\n"
        "loaders = {x: torch.utils.data.DataLoader(sets[x], batch_size=8, shuffle=True)\n"
        "           for x in ['train', 'val']}\n"
        "backbone = torchvision.models.resnet18(weights='DEFAULT')\n"
        "backbone.fc = torch.nn.Linear(512, 2)\n"
        "sgd = torch.optim.SGD(backbone.parameters(), lr=0.001, momentum=0.9)\n"
        "backbone = fit(backbone, loaders, sgd, torch.nn.CrossEntropyLoss(), 9)\n")})
    [model] = result["models"]
    assert model["name"] == "backbone"
    assert facts(model) == {"batch_size": 8, "epochs": 9, "learning_rate": 0.001,
                            "momentum": 0.9, "optimizer": "sgd", "loss": "cross_entropy"}


def test_pytorch_0_3_async_keyword_is_read(tmp_path) -> None:
    """`target.cuda(async=True)` (PyTorch before 0.4, not Python since 3.7) no longer
    makes the file a syntax error; lines keep their numbers."""
    result = _write(tmp_path, {"main.py": NET + (
        "model = Net()\n"
        "opt = torch.optim.SGD(model.parameters(), lr=0.05)\n"
        "for epoch in range(3):\n"
        "    for x, y in loader:\n"
        "        y = y.cuda(async=True)\n"
        "        opt.zero_grad()\n"
        "        nn.functional.cross_entropy(model(x), y).backward()\n"
        "        opt.step()\n")})
    model = find_model(result, "Net")
    assert facts(model)["epochs"] == 3
    assert model["hyperparameters"]["learning_rate"]["line"] == 15


def test_a_loss_made_in_a_lightning_module_is_its_own(tmp_path) -> None:
    """`F.cross_entropy` in a LightningModule's `training_step`, and a criterion its
    `__init__` keeps, belong to the network it wraps, even when the wrapper lives in a
    file of its own and the project has other files with other models."""
    wrapper = ("import torch\nimport pytorch_lightning as pl\n\n\n"
               "class Task(pl.LightningModule):\n"
               "    def __init__(self, net, rate):\n"
               "        super().__init__()\n"
               "        self.net = net\n"
               "        self.rate = rate\n{criterion}\n"
               "    def forward(self, x):\n"
               "        return self.net(x)\n\n"
               "    def training_step(self, batch, batch_idx):\n"
               "        x, y = batch\n"
               "        return {loss}\n\n"
               "    def configure_optimizers(self):\n"
               "        return torch.optim.Adam(self.parameters(), lr=self.rate)\n")
    for criterion, loss, expected in (
            ("", "torch.nn.functional.cross_entropy(self(x), y)", "cross_entropy"),
            ("        self.criterion = torch.nn.NLLLoss()\n", "self.criterion(self(x), y)",
             "nll")):
        root = tmp_path / expected
        result = _write(root, {
            "nets.py": NET,
            "trainer/__init__.py": "",
            "trainer/task.py": wrapper.format(criterion=criterion, loss=loss),
            "other.py": net("Other", 7) + "other = Other()\n",
            "main.py": ("import pytorch_lightning as pl\nfrom nets import Net\n"
                        "from trainer.task import Task\n\n"
                        "pl.Trainer(max_epochs=4).fit(Task(Net(), 0.01))\n")})
        assert facts(find_model(result, "Net"))["loss"] == expected


def test_a_flag_is_off_unless_passed(tmp_path) -> None:
    """`add_argument("--augment", action="store_true")` has no default written, and is
    False: the branch it guards is not the one a run without the flag takes."""
    result = _write(tmp_path, {"train.py": NET + (
        "import argparse\n\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--long', action='store_true')\n"
        "parser.add_argument('--no-shuffle', dest='shuffle', action='store_false')\n"
        "args = parser.parse_args()\n"
        "model = Net()\n"
        "opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "loader = torch.utils.data.DataLoader(data, batch_size=16, shuffle=args.shuffle)\n"
        "for epoch in range(90 if args.long else 30):\n"
        "    for x, y in loader:\n"
        "        opt.zero_grad()\n"
        "        nn.functional.cross_entropy(model(x), y).backward()\n"
        "        opt.step()\n")})
    assert facts(find_model(result, "Net"))["epochs"] == 30


def test_a_long_configuration_list_builds_every_block(tmp_path) -> None:
    """VGG's `make_layers(cfg)` over a written list of 17 entries, called by a builder
    function outside the model class: every entry is a block, not the first alone."""
    result = _write(tmp_path, {"vgg.py": (
        "import torch.nn as nn\n\n"
        "CFG = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M',\n"
        "       512, 512, 512, 'M']\n\n\n"
        "def make_layers(cfg):\n"
        "    layers, channels = [], 3\n"
        "    for v in cfg:\n"
        "        if v == 'M':\n"
        "            layers += [nn.MaxPool2d(2)]\n"
        "        else:\n"
        "            layers += [nn.Conv2d(channels, v, 3, padding=1), nn.ReLU()]\n"
        "            channels = v\n"
        "    return nn.Sequential(*layers)\n\n\n"
        "class VGG(nn.Module):\n"
        "    def __init__(self, features):\n"
        "        super().__init__()\n"
        "        self.features = features\n"
        "        self.fc = nn.Linear(512, 10)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(self.features(x).flatten(1))\n\n\n"
        "model = VGG(make_layers(CFG))\n")})
    types = [layer["type"] for layer in find_model(result, "VGG")["layers"]]
    assert types.count("Conv2D") == 13 and types.count("MaxPool2D") == 5
