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
        "groups.py": NET + (
            "model = Net()\n"
            "optimizer = torch.optim.Adam([\n"
            "    {'params': model.fc.parameters(), 'lr': 1e-5},\n"
            "    {'params': model.parameters(), 'lr': 1e-3}])\n"
            "for epoch in range(3):\n"
            "    for x, y in loader:\n"
            "        nn.functional.cross_entropy(model(x), y).backward()\n"
            "        optimizer.step()\n"),
        "default.py": net("DefaultNet", 3) + (
            "model = DefaultNet()\n"
            "optimizer = torch.optim.SGD([{'params': model.fc.parameters()},\n"
            "                             {'params': head, 'lr': 1e-3}], lr=0.1)\n")})
    assert facts(find_model(result, "Net"))["learning_rate"] == 1e-5
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
