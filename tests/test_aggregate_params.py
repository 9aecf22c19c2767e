"""Parameter counts: estimated from layer sizes in the code, None when unknown.

Expected numbers are what `model.summary()` / `sum(p.numel() for p in m.parameters())`
print for these models.
"""

from __future__ import annotations

from typing import Any

import pytest

from exnet.aggregate.params import estimate_params


def layer(kind: str, api: str = "", **args: Any) -> dict[str, Any]:
    return {"type": kind, "api": api or kind, "line": 1, "args": args}


def model(framework: str, *layers: dict[str, Any], edges: Any = None) -> dict[str, Any]:
    return {"framework": framework, "layers": list(layers), "edges": edges}


CASES = {
    # Embedding 1,280,000 + LSTM 4·(128·64 + 64·64 + 64) + Dense 65
    "keras lstm": (model("keras", layer("Embedding", input_dim=10000, output_dim=128),
                         layer("LSTM", units=64), layer("Dense", units=1, activation="sigmoid")),
                   1_329_473),
    # PyTorch LSTMs have two bias vectors per gate: + 4·64
    "pytorch lstm": (model("pytorch", layer("Embedding", input_dim=10000, output_dim=128),
                           layer("LSTM", input_size=128, units=64),
                           layer("Dense", in_features=64, units=1),
                           layer("Activation", function="sigmoid")), 1_329_729),
    # Conv2D 320 -> (26, 26, 32) -> pool (13, 13, 32) -> Flatten 5408 -> Dense 54,090
    "keras cnn": (model("keras", layer("Conv2D", filters=32, kernel_size=[3, 3],
                                       activation="relu", input_shape=[28, 28, 1]),
                        layer("MaxPool2D", pool_size=[2, 2]), layer("Flatten"),
                        layer("Dense", units=10, activation="softmax")), 54_410),
    "keras same padding, strides": (
        model("keras", layer("Conv2D", filters=8, kernel_size=3, padding="same", strides=2,
                             input_shape=[32, 32, 3]),
              layer("Flatten"), layer("Dense", units=2)), 224 + 16 * 16 * 8 * 2 + 2),
    # Keras GRU (reset_after) 3·(64·32 + 32·32 + 2·32), bidirectional doubles
    "keras bigru": (model("keras", layer("Embedding", input_dim=5000, output_dim=64),
                          layer("GRU", units=32, bidirectional=True),
                          layer("Dropout", rate=0.5), layer("Dense", units=1)),
                    320_000 + 2 * 9_408 + 65),
    # two stacked bidirectional layers: the second sees 2·32 inputs
    "pytorch 2-layer bilstm": (model("pytorch", layer("LSTM", input_size=10, units=32,
                                                      num_layers=2, bidirectional=True)),
                               2 * 4 * (10 * 32 + 32 * 32 + 64) + 2 * 4 * (64 * 32 + 32 * 32 + 64)),
    # Keras BatchNormalization counts moving mean/var (4 per channel), PyTorch 2
    "keras batchnorm": (model("keras", layer("Dense", units=16, input_dim=8), layer("BatchNorm"),
                              layer("Dense", units=1)), 144 + 64 + 17),
    "pytorch batchnorm": (model("pytorch", layer("Conv2D", in_channels=3, filters=16,
                                                 kernel_size=3),
                                layer("BatchNorm", num_features=16)), 448 + 32),
    "keras text cnn": (model("keras", layer("Embedding", input_dim=1000, output_dim=50,
                                            input_length=100),
                             layer("Conv1D", filters=64, kernel_size=5),
                             layer("GlobalMaxPool1D"), layer("Dense", units=1)),
                       50_000 + (64 * 50 * 5 + 64) + 65),
    "pytorch no bias": (model("pytorch", layer("Dense", in_features=10, units=5, bias=False)), 50),
    "pytorch transformer": (model("pytorch", layer("TransformerEncoder", d_model=8,
                                                   num_heads=2, dim_feedforward=16,
                                                   num_layers=1)),
                            4 * 64 + 4 * 8 + 2 * 8 * 16 + 16 + 8 + 4 * 8),
    "pytorch multihead": (model("pytorch", layer("Attention", "nn.MultiheadAttention",
                                                 embed_dim=16, num_heads=4)), 4 * 256 + 64),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_parameter_count(name: str) -> None:
    rec, expected = CASES[name]
    assert estimate_params(rec) == expected


def test_functional_dag_concatenates_branches() -> None:
    # input -> Embedding -> (LSTM 16, GRU 8) -> Concatenate -> Dense(1)
    rec = model("keras", layer("Embedding", input_dim=100, output_dim=10),
                layer("LSTM", units=16), layer("GRU", units=8), layer("Concatenate"),
                layer("Dense", units=1), edges=[[0, 1], [0, 2], [1, 3], [2, 3], [3, 4]])
    lstm = 4 * (10 * 16 + 16 * 16 + 16)
    gru = 3 * (10 * 8 + 8 * 8 + 16)
    assert estimate_params(rec) == 1000 + lstm + gru + (24 + 1)


@pytest.mark.parametrize("layers", [
    # Dense after a Flatten of an unknown shape: the input size is not in the code
    [layer("Conv2D", filters=32, kernel_size=3), layer("Flatten"), layer("Dense", units=10)],
    # a pretrained backbone has no size in the code
    [layer("Pretrained", name="bert-base-uncased"), layer("Dense", units=2)],
    # a custom layer
    [layer("Embedding", input_dim=10, output_dim=4), layer("MyBlock"), layer("Dense", units=1)],
    # no layers at all
    [],
])
def test_unknown_sizes_give_none(layers: list[dict[str, Any]]) -> None:
    assert estimate_params(model("keras", *layers)) is None
