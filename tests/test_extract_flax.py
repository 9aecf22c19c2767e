"""Flax models read statically, through the Flax handler (exnet.extract.frameworks.flax):
`@nn.compact __call__` and `setup()` modules, `nn.Sequential`, recurrent cells run by
`nn.RNN` or a lifted `nn.scan`, functions on arrays (`nn.relu`, `nn.avg_pool`,
`jnp.mean`), optax optimizers, schedules and losses, and `TrainState.create` tying the
optimizer to the model.

Fixtures: flax_mlp (a script, MNIST), flax_cnn (a notebook, CIFAR-10), flax_lstm (model.py
and an argparse train.py, IMDB). The other cases are small sources written here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from extract_helpers import (
    cell_line_of,
    extract,
    find_model,
    fixture,
    layer_types,
    line_of,
    run_extract,
    write,
)

from exnet import validate
from exnet.aggregate import build_summary


def layers(model: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(layer["type"], layer["args"]) for layer in model["layers"]]


def facts(model: dict[str, Any]) -> dict[str, Any]:
    return {k: (v["value"], v["how"]) for k, v in model["hyperparameters"].items()}


def test_mlp_with_compact_call() -> None:
    path = fixture("flax_mlp", "mnist_mlp.py")
    model = find_model(extract(fixture("flax_mlp")), "MLP")
    assert (model["framework"], model["style"], model["edges"]) == ("flax", "module", None)
    assert layers(model) == [
        ("Flatten", {}), ("Dense", {"units": 512}), ("Activation", {"function": "relu"}),
        ("Dropout", {"rate": 0.2}), ("Dense", {"units": 256}),
        ("Activation", {"function": "relu"}), ("Dense", {"units": 10})]
    # a layer made where it is applied is on that line
    assert model["layers"][1]["line"] == line_of(path, "nn.Dense(self.hidden)(x)")
    assert facts(model) == {
        "batch_size": (128, "constant"), "epochs": (10, "constant"),
        "learning_rate": (0.001, "constant"), "loss": ("cross_entropy", "literal"),
        "optimizer": ("adam", "literal")}
    assert model["hyperparameters"]["optimizer"]["api"] == "optax.adam"
    assert model["hyperparameters"]["loss"]["api"] == "optax.softmax_cross_entropy"
    assert model["datasets"] == ["mnist"]


def test_cnn_with_setup_in_a_notebook() -> None:
    path = fixture("flax_cnn", "cifar10_cnn.ipynb")
    model = find_model(extract(fixture("flax_cnn")), "CNN")
    assert (model["framework"], model["style"], model["cell"]) == ("flax", "module", 3)
    pool = ("AvgPool2D", {"pool_size": [2, 2], "strides": [2, 2]})
    relu = ("Activation", {"function": "relu"})
    assert layers(model) == [
        ("Conv2D", {"filters": 32, "kernel_size": [3, 3]}), relu, pool,
        ("Conv2D", {"filters": 64, "kernel_size": [3, 3]}), relu, pool,
        ("Flatten", {}), ("Dense", {"units": 256}), relu, ("Dense", {"units": 10})]
    # submodules made in setup() are on their line there, in forward order
    assert (model["layers"][3]["cell"], model["layers"][3]["line"]) == cell_line_of(
        path, "self.conv2 = nn.Conv")
    assert facts(model) == {
        "batch_size": (64, "literal"), "epochs": (15, "constant"),
        "learning_rate": (0.05, "literal"), "momentum": (0.9, "literal"),
        "loss": ("cross_entropy", "literal"), "optimizer": ("sgd", "literal")}
    assert model["hyperparameters"]["loss"]["api"] == \
        "optax.softmax_cross_entropy_with_integer_labels"
    assert model["datasets"] == ["cifar10"]


def test_lstm_text_classifier_trained_by_another_file() -> None:
    data = extract(fixture("flax_lstm"))
    assert len(data["models"]) == 1
    model = find_model(data, "LSTMClassifier", "model.py")
    assert layers(model) == [
        ("Embedding", {"input_dim": 20000, "output_dim": 128}), ("LSTM", {"units": 256}),
        ("Dropout", {"rate": 0.3}), ("Dense", {"units": 2})]
    assert model["layers"][1]["api"] == "nn.RNN(nn.LSTMCell)"
    assert facts(model) == {
        "batch_size": (32, "argparse"), "epochs": (5, "argparse"),
        "learning_rate": (0.0003, "argparse"), "max_sequence_length": (200, "argparse"),
        "weight_decay": (0.01, "literal"), "gradient_clipping": (1.0, "literal"),
        "loss": ("cross_entropy", "literal"), "optimizer": ("adamw", "literal")}
    train = fixture("flax_lstm", "train.py")
    assert model["hyperparameters"]["optimizer"]["line"] == line_of(train, "optax.adamw(")
    assert model["datasets"] == ["imdb"]


HEAD = "import jax\nimport jax.numpy as jnp\nimport flax.linen as nn\nimport optax\n"

#: (source after HEAD, layers of the one model)
CASES = [
    # nn.Sequential: an activation function in the list is an Activation layer
    ("model = nn.Sequential([nn.Dense(64), nn.relu, nn.Dense(2)])\n",
     [("Dense", {"units": 64}), ("Activation", {"function": "relu"}),
      ("Dense", {"units": 2})]),
    # a cell lifted by nn.scan is the recurrent layer; jnp.mean over the time axis pools
    ("ScanLSTM = nn.scan(nn.OptimizedLSTMCell, variable_broadcast='params',\n"
     "                   split_rngs={'params': False}, in_axes=1, out_axes=1)\n"
     "class Encoder(nn.Module):\n"
     "    @nn.compact\n"
     "    def __call__(self, x):\n"
     "        x = nn.Embed(5000, 64)(x)\n"
     "        lstm = ScanLSTM(features=128)\n"
     "        carry = lstm.initialize_carry(jax.random.PRNGKey(0), x[:, 0].shape)\n"
     "        carry, ys = lstm(carry, x)\n"
     "        x = jnp.mean(ys, axis=1)\n"
     "        return nn.Dense(1)(x)\n",
     [("Embedding", {"input_dim": 5000, "output_dim": 64}), ("LSTM", {"units": 128}),
      ("GlobalAvgPool1D", {}), ("Dense", {"units": 1})]),
    # nn.Bidirectional of two RNNs; a 1-D convolution by its kernel; max_pool by window
    ("class TextCNN(nn.Module):\n"
     "    @nn.compact\n"
     "    def __call__(self, x):\n"
     "        x = nn.Embed(num_embeddings=100, features=16)(x)\n"
     "        x = nn.Bidirectional(nn.RNN(nn.GRUCell(32)), nn.RNN(nn.GRUCell(32)))(x)\n"
     "        x = nn.Conv(features=8, kernel_size=(3,))(x)\n"
     "        x = nn.max_pool(x, window_shape=(2,))\n"
     "        a = nn.Dense(4)(x)\n"
     "        b = nn.Dense(4)(x)\n"
     "        return jnp.concatenate([a, b], axis=-1)\n",
     [("Embedding", {"input_dim": 100, "output_dim": 16}),
      ("GRU", {"units": 32, "bidirectional": True}),
      ("Conv1D", {"filters": 8, "kernel_size": [3]}), ("MaxPool1D", {"pool_size": [2]}),
      ("Dense", {"units": 4}), ("Dense", {"units": 4}), ("Concatenate", {})]),
    # a kernel size the code does not tell: the layer keeps its own name, no rank guessed
    ("class Net(nn.Module):\n"
     "    size: tuple\n"
     "    @nn.compact\n"
     "    def __call__(self, x):\n"
     "        x = nn.Conv(16, self.size)(x)\n"
     "        return nn.Dense(10)(nn.gelu(x))\n",
     [("Conv", {}), ("Activation", {"function": "gelu"}), ("Dense", {"units": 10})]),
]


@pytest.mark.parametrize("source,expected", CASES, ids=["sequential", "scan", "bidirectional",
                                                        "unknown_rank"])
def test_layer_sequences(tmp_path: Path, source: str, expected: list[Any]) -> None:
    write(tmp_path, {"model.py": HEAD + source})
    [model] = run_extract(tmp_path / "model.py")["models"]
    assert model["framework"] == "flax"
    assert layers(model) == expected


def test_schedule_chain_and_a_train_state_subclass(tmp_path: Path) -> None:
    """A schedule passed as learning rate is the schedule, not a rate; weight decay
    chained in; `TrainState.create` of the project's own subclass ties the optimizer."""
    write(tmp_path, {"train.py": HEAD + (
        "from flax.training import train_state\n"
        "class TrainState(train_state.TrainState):\n"
        "    batch_stats: dict\n"
        "class Net(nn.Module):\n"
        "    @nn.compact\n"
        "    def __call__(self, x):\n"
        "        return nn.Dense(3)(nn.relu(nn.Dense(16)(x)))\n"
        "net = Net()\n"
        "schedule = optax.warmup_cosine_decay_schedule(0.0, 1e-3, 100, 1000)\n"
        "tx = optax.chain(optax.add_decayed_weights(5e-4), optax.lamb(schedule))\n"
        "state = TrainState.create(apply_fn=net.apply, params={}, tx=tx, batch_stats={})\n")})
    [model] = run_extract(tmp_path / "train.py")["models"]
    assert layer_types(model) == ["Dense", "Activation", "Dense"]
    assert facts(model) == {"optimizer": ("lamb", "literal"),
                            "lr_scheduler": ("cosine_warmup", "literal"),
                            "weight_decay": (0.0005, "literal")}
    assert model["hyperparameters"]["optimizer"]["line"] == 14   # where optax.lamb is


def test_flax_records_are_valid_and_a_framework_facet_value() -> None:
    """`framework: "flax"` is a value records may hold (exnet.validate), and the gallery's
    framework facet lists it beside the others."""
    flax = [m for name in ("flax_mlp", "flax_cnn", "flax_lstm")
            for m in extract(fixture(name))["models"]]
    keras = extract(fixture("keras_functional"))["models"]
    for model in flax + keras:
        model["project"] = f"learner/{model['name']}"
        assert validate.model_problem(model) is None
    assert validate.model_problem({**flax[0], "framework": "caffe"}) == \
        "framework is 'caffe', expected one of 'keras', 'pytorch', 'flax'"
    facet = build_summary(flax + keras, [])["facets"]["framework"]
    assert dict(zip(facet["values"], facet["counts"])) == {"flax": 3, "keras": len(keras)}


NNX_CNN = """\
from functools import partial

import jax
import optax
from flax import nnx


class SmallCNN(nnx.Module):
    def __init__(self, classes: int, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(1, 16, kernel_size=(3, 3), rngs=rngs)
        self.norm = nnx.BatchNorm(16, rngs=rngs)
        self.conv2 = nnx.Conv(16, 32, kernel_size=(3, 3), rngs=rngs)
        self.pool = partial(nnx.max_pool, window_shape=(2, 2), strides=(2, 2))
        self.drop = nnx.Dropout(0.25, rngs=rngs)
        self.fc1 = nnx.Linear(32 * 7 * 7, 128, rngs=rngs)
        self.fc2 = nnx.Linear(128, classes, rngs=rngs)

    def __call__(self, x):
        x = self.pool(nnx.relu(self.norm(self.conv1(x))))
        x = self.pool(nnx.relu(self.conv2(x)))
        x = x.reshape(x.shape[0], -1)
        x = self.drop(nnx.relu(self.fc1(x)))
        return self.fc2(x)


model = SmallCNN(10, rngs=nnx.Rngs(0))
optimizer = nnx.Optimizer(model, optax.adamw(learning_rate=2e-3))


def loss_fn(model, images, labels):
    logits = model(images)
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()


@nnx.jit
def train_step(model, optimizer, images, labels):
    loss, grads = nnx.value_and_grad(loss_fn)(model, images, labels)
    optimizer.update(grads)
    return loss


for epoch in range(12):
    for images, labels in train_batches:
        train_step(model, optimizer, images, labels)
"""


def test_an_nnx_module_reads_as_its_linen_counterparts(tmp_path: Path) -> None:
    """Flax's NNX API (`nnx.Module` with submodules made in `__init__`, `nnx.Linear(in,
    out)`, `nnx.Conv(in, out, kernel_size)`, `rngs=`) gives the same layer types as
    linen, and `nnx.Optimizer(model, tx)` trains that model with the optax optimizer."""
    model = find_model(run_extract(write(tmp_path, {"train.py": NNX_CNN})), "SmallCNN")
    assert layers(model) == [
        ("Conv2D", {"filters": 16, "kernel_size": [3, 3]}), ("BatchNorm", {}),
        ("Activation", {"function": "relu"}), ("MaxPool2D", {"pool_size": [2, 2],
                                                             "strides": [2, 2]}),
        ("Conv2D", {"filters": 32, "kernel_size": [3, 3]}),
        ("Activation", {"function": "relu"}), ("MaxPool2D", {"pool_size": [2, 2],
                                                             "strides": [2, 2]}),
        ("Flatten", {}), ("Dense", {"units": 128}), ("Activation", {"function": "relu"}),
        ("Dropout", {"rate": 0.25}), ("Dense", {"units": 10})]
    assert {k: v[0] for k, v in facts(model).items()} == {
        "optimizer": "adamw", "learning_rate": 2e-3, "epochs": 12, "loss": "cross_entropy"}
