"""Distributions: hyperparameters and layer arguments, with exact statistics."""

from __future__ import annotations

from typing import Any

from exnet.aggregate.distributions import (
    histogram,
    hyperparameter_distributions,
    layer_argument_distributions,
)


def hp(value: Any, how: str = "literal") -> dict[str, Any]:
    return {"value": value, "file": "train.py", "line": 3, "how": how}


def layer(kind: str, **args: Any) -> dict[str, Any]:
    return {"type": kind, "api": kind, "line": 1, "args": args}


def model(hyper: dict[str, Any], layers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"layers": layers or [], "hyperparameters": hyper}


CORPUS = [
    model({"learning_rate": hp(0.001), "batch_size": hp(32), "epochs": hp(10),
           "optimizer": hp("Adam"), "loss": hp("cross_entropy")},
          [layer("Dropout", rate=0.5), layer("Dense", units=64), layer("Dense", units=1),
           layer("Conv2D", filters=32, kernel_size=[3, 3]),
           layer("Conv2D", filters=64, kernel_size=3),
           layer("Conv2D", filters=16, kernel_size=[1, 7])]),
    model({"learning_rate": hp(0.001, "constant"), "batch_size": hp(64, "argparse"),
           "epochs": hp(20), "optimizer": hp("adam")},
          [layer("Dropout", rate=0.2), layer("Dropout", rate="p"), layer("LSTM", units=128),
           layer("LSTM", units=64)]),
    model({"learning_rate": hp(0.0001), "batch_size": hp(64), "epochs": hp(5),
           "optimizer": hp("sgd"), "loss": hp("cross_entropy")},
          [layer("Embedding", input_dim=20000, output_dim=100), layer("GRU", units=32)]),
    model({"learning_rate": hp(0.01), "batch_size": hp(128), "optimizer": hp("rmsprop"),
           "loss": hp("binary_cross_entropy")}),
    model({"learning_rate": hp("args.lr", "expression"), "batch_size": hp("32", "config"),
           "epochs": hp(100)}),
    model({}),
]


def test_learning_rate_log_bins_and_quartiles() -> None:
    lr = hyperparameter_distributions(CORPUS)["learning_rate"]
    assert lr == {
        "kind": "numeric", "models": 4, "missing": 1, "unresolved": 1, "non_numeric": 0,
        "n": 4, "min": 0.0001, "q1": 0.000775, "median": 0.001, "q3": 0.00325, "max": 0.01,
        "top": [[0.001, 2], [0.0001, 1], [0.01, 1]],
        "histogram": {"scale": "log10", "edges": [0.0001, 0.001, 0.01, 0.1],
                      "counts": [1, 2, 1]},
    }


def test_batch_size_and_epochs_power_of_two_bins() -> None:
    dists = hyperparameter_distributions(CORPUS)
    bs = dists["batch_size"]
    assert (bs["models"], bs["missing"], bs["unresolved"], bs["non_numeric"]) == (4, 1, 0, 1)
    assert (bs["min"], bs["q1"], bs["median"], bs["q3"], bs["max"]) == (32, 56, 64, 80, 128)
    assert bs["top"] == [[64, 2], [32, 1], [128, 1]]
    assert bs["histogram"] == {"scale": "log2", "edges": [32, 64, 128, 256], "counts": [1, 2, 1]}
    ep = dists["epochs"]
    assert (ep["models"], ep["missing"]) == (4, 2)
    assert (ep["q1"], ep["median"], ep["q3"]) == (8.75, 15, 40)
    assert ep["histogram"] == {"scale": "log2", "edges": [4, 8, 16, 32, 64, 128],
                               "counts": [1, 1, 1, 0, 1]}


def test_categorical_hyperparameters() -> None:
    dists = hyperparameter_distributions(CORPUS)
    assert dists["optimizer"] == {"kind": "categorical", "models": 4, "missing": 2,
                                  "unresolved": 0, "non_numeric": 0, "n": 4,
                                  "top": [["adam", 2], ["rmsprop", 1], ["sgd", 1]]}
    assert dists["loss"]["top"] == [["cross_entropy", 2], ["binary_cross_entropy", 1]]
    assert dists["loss"]["missing"] == 3
    assert dists["weight_decay"] == {"kind": "numeric", "models": 0, "missing": 6,
                                     "unresolved": 0, "non_numeric": 0, "n": 0}


def test_layer_arguments() -> None:
    args = layer_argument_distributions(CORPUS)
    dropout = args["Dropout.rate"]
    assert (dropout["layers"], dropout["models"], dropout["missing"], dropout["n"]) == (3, 2, 1, 2)
    assert (dropout["min"], dropout["q1"], dropout["median"], dropout["q3"], dropout["max"]) == (
        0.2, 0.275, 0.35, 0.425, 0.5)
    assert dropout["histogram"] == {"scale": "linear", "edges": [0.2, 0.3, 0.4, 0.5, 0.6],
                                    "counts": [1, 0, 0, 1]}
    assert args["LSTM.units"]["top"] == [[64, 1], [128, 1]]
    assert args["GRU.units"]["median"] == 32
    assert args["Dense.units"]["histogram"]["edges"] == [1, 2, 4, 8, 16, 32, 64, 128]
    assert args["Conv.filters"]["top"] == [[16, 1], [32, 1], [64, 1]]
    kernel = args["Conv.kernel_size"]
    # [3, 3] and 3 are the same kernel; [1, 7] is counted apart, not as a number
    assert (kernel["layers"], kernel["models"], kernel["n"], kernel["top"]) == (3, 1, 2, [[3, 2]])
    assert kernel["non_square"] == [["1x7", 1]]
    assert args["Embedding.output_dim"]["median"] == 100
    assert args["Embedding.input_dim"]["histogram"] == {
        "scale": "log10", "edges": [10000, 100000], "counts": [1]}


def test_histogram_edges() -> None:
    assert histogram([0.5, 1, 2, 3], "log2") == {
        "scale": "log2", "edges": [0.5, 1, 2, 4], "counts": [1, 1, 2]}
    assert histogram([0, -1, 1], "log10") == {"scale": "log10", "edges": [1, 10], "counts": [1]}
    wide = histogram(list(range(0, 1000, 7)), "linear", 1)     # too many unit bins: widen
    assert wide["edges"][:3] == [0, 100, 200] and sum(wide["counts"]) == 143
    assert histogram([], "log10") == {"scale": "log10", "edges": [], "counts": []}
