"""Keras models read statically: Sequential lists and add() chains, the functional API
(chains and DAGs), Model subclasses (order from call()), wrappers and pretrained backbones.

Fixtures: keras_sequential_list, keras_functional, keras_subclass, wrappers, pretrained.
"""

from __future__ import annotations

import pytest
from extract_helpers import (
    assert_args,
    edge_set,
    extract,
    find_model,
    fixture,
    layer_types,
    layers_of,
    line_of,
    models_in,
)

# (fixture project, file, model name, style, layer types in forward order)
MODELS = [
    ("keras_sequential_list", "sentiment_list.py", "model", "sequential",
     ["Embedding", "LSTM", "Dense", "Dropout", "Dense"]),
    # star import; the commented-out Conv2D is not a layer
    ("keras_sequential_list", "mnist_add.py", "model", "sequential",
     ["Conv2D", "MaxPool2D", "Dropout", "Flatten", "Dense", "Dense"]),
    # `layers as L` alias, fully qualified tf.keras.layers.Dense, a standalone Activation
    ("keras_sequential_list", "alias_mlp.py", "mlp", "sequential",
     ["Dense", "Activation", "Dense", "BatchNorm", "Dense"]),
    # built in a function and returned: the record is named after the function
    ("keras_sequential_list", "build_fn.py", "create_model", "sequential",
     ["Dense", "Dropout", "Dense"]),
    # model.add() in a loop over a constant list; InputLayer is not a layer
    ("keras_sequential_list", "loop_add.py", "model", "sequential",
     ["Dense", "Dropout", "Dense", "Dropout", "Dense", "Dropout", "Dense"]),
    # Input is not a layer
    ("keras_functional", "lstm_functional.py", "model", "functional",
     ["Embedding", "LSTM", "Dropout", "Dense"]),
    # a DAG lists its layers in the order the code applies them (a topological order)
    ("keras_functional", "two_inputs.py", "model", "functional",
     ["Embedding", "LSTM", "Embedding", "GRU", "Concatenate", "Dense", "Dense", "Add",
      "Dense"]),
    # branches built in a loop, merged with the lower-case concatenate(); returned from a
    # function, built with positional Model(inp, out)
    ("keras_functional", "kim_functional.py", "build_model", "functional",
     ["Embedding", "Conv1D", "GlobalMaxPool1D", "Conv1D", "GlobalMaxPool1D", "Conv1D",
      "GlobalMaxPool1D", "Concatenate", "Dropout", "Dense"]),
    # order from call(), not from __init__; the BatchNormalization never called is left out
    ("keras_subclass", "model.py", "SentimentModel", "subclass",
     ["Embedding", "LSTM", "Dropout", "Dense"]),
    # a Python list of layers iterated in call()
    ("keras_subclass", "model.py", "DeepMLP", "subclass",
     ["Flatten", "Dense", "Dense", "Dense"]),
    # a custom keras Layer (EncoderBlock) used in a functional model is expanded in place,
    # in the order of its call(); `x + h` of two tensors is Add
    ("keras_subclass", "encoder.py", "build_classifier", "functional",
     ["Embedding", "Attention", "Dropout", "Add", "LayerNorm", "Dense", "Dense", "Add",
      "LayerNorm", "GlobalAvgPool1D", "Dropout", "Dense"]),
    ("wrappers", "keras_bilstm.py", "model", "sequential",
     ["Embedding", "LSTM", "Dense", "Flatten", "Dense"]),
    ("pretrained", "vgg_transfer.py", "model", "sequential",
     ["Pretrained", "Flatten", "Dense", "Dropout", "Dense"]),
    ("pretrained", "hub_sequential.py", "model", "sequential",
     ["Pretrained", "Dense", "Dense"]),
    # indexing the transformer's output ([0], [:, 0, :]) is plumbing, not a layer
    ("pretrained", "tf_bert_functional.py", "model", "functional",
     ["Pretrained", "Dropout", "Dense"]),
]


@pytest.mark.parametrize("project,file,name,style,types", MODELS,
                         ids=[f"{m[1]}:{m[2]}" for m in MODELS])
def test_layer_sequence(project: str, file: str, name: str, style: str,
                        types: list[str]) -> None:
    model = find_model(extract(fixture(project)), name, file)
    assert layer_types(model) == types
    assert model["framework"] == "keras"
    assert model["style"] == style
    assert model["project"] == project
    assert model["cell"] is None


@pytest.mark.parametrize("project,file,names", [
    ("keras_sequential_list", "sentiment_list.py", {"model"}),
    ("keras_sequential_list", "mnist_add.py", {"model"}),
    ("keras_sequential_list", "alias_mlp.py", {"mlp"}),
    # `model = create_model()` is the same model, not a second record
    ("keras_sequential_list", "build_fn.py", {"create_model"}),
    ("keras_sequential_list", "loop_add.py", {"model"}),
    ("keras_functional", "kim_functional.py", {"build_model"}),
    # the custom layer EncoderBlock is a component, not a record
    ("keras_subclass", "encoder.py", {"build_classifier"}),
    ("keras_functional", "lstm_functional.py", {"model"}),
    ("keras_functional", "two_inputs.py", {"model"}),
    # instances `model`/`mlp` of the classes are the class records
    ("keras_subclass", "model.py", {"SentimentModel", "DeepMLP"}),
    ("wrappers", "keras_bilstm.py", {"model"}),
    # a backbone used inside a model is a layer of it, not a record of its own
    ("pretrained", "vgg_transfer.py", {"model"}),
    ("pretrained", "hub_sequential.py", {"model"}),
    ("pretrained", "tf_bert_functional.py", {"model"}),
])
def test_one_record_per_model(project: str, file: str, names: set[str]) -> None:
    found = [m["name"] for m in models_in(extract(fixture(project)), file)]
    assert sorted(found) == sorted(names)


def test_sequential_list_args_and_lines() -> None:
    path = fixture("keras_sequential_list", "sentiment_list.py")
    model = find_model(extract(path.parent), "model", "sentiment_list.py")
    emb, lstm, dense, drop, out = model["layers"]
    assert_args(emb, input_dim=10000, output_dim=128)      # VOCAB is a module constant
    assert_args(lstm, units=64)
    # an activation passed as an argument stays in the layer, not a separate Activation
    assert_args(dense, units=64, activation="relu")
    assert_args(drop, rate=0.5)
    assert_args(out, units=1, activation="sigmoid")
    assert [layer["line"] for layer in model["layers"]] == [
        line_of(path, "keras.layers.Embedding("), line_of(path, "keras.layers.LSTM("),
        line_of(path, "keras.layers.Dense(64"), line_of(path, "keras.layers.Dropout("),
        line_of(path, "keras.layers.Dense(1"),
    ]
    assert [layer["api"] for layer in model["layers"]] == [
        "keras.layers.Embedding", "keras.layers.LSTM", "keras.layers.Dense",
        "keras.layers.Dropout", "keras.layers.Dense"]
    assert model["edges"] is None
    assert model["span"] == [line_of(path, "model = Sequential(["),
                             line_of(path, "keras.layers.Dense(1, ") + 1]   # the closing "])"


def test_add_chain_with_star_import() -> None:
    path = fixture("keras_sequential_list", "mnist_add.py")
    model = find_model(extract(path.parent), "model", "mnist_add.py")
    conv, pool = model["layers"][:2]
    assert_args(conv, filters=32, kernel_size=[3, 3], activation="relu")
    assert conv["api"] == "Conv2D"                          # the name as written
    assert_args(pool, pool_size=[2, 2])
    assert [layer["line"] for layer in model["layers"]] == [
        line_of(path, "model.add(Conv2D(32"), line_of(path, "model.add(MaxPooling2D("),
        line_of(path, "model.add(Dropout("), line_of(path, "model.add(Flatten("),
        line_of(path, "model.add(Dense(128"), line_of(path, "model.add(Dense(10")]
    assert model["span"][0] == line_of(path, "model = Sequential()")
    assert model["edges"] is None


def test_aliases_and_qualified_names() -> None:
    model = find_model(extract(fixture("keras_sequential_list")), "mlp", "alias_mlp.py")
    assert [layer["api"] for layer in model["layers"]] == [
        "L.Dense", "L.Activation", "tf.keras.layers.Dense", "L.BatchNormalization", "L.Dense"]
    dense1, act, dense2, _, out = model["layers"]
    assert_args(dense1, units=256)
    assert "activation" not in dense1["args"]
    assert_args(act, function="relu")
    assert_args(dense2, units=128, activation="relu")      # activation=tf.nn.relu
    assert_args(out, units=10, activation="softmax")


def test_function_defaults_resolve() -> None:
    """`create_model()` is called without arguments, so its defaults are the values."""
    model = find_model(extract(fixture("keras_sequential_list")), "create_model",
                       "build_fn.py")
    assert [layer["args"].get("units") for layer in layers_of(model, "Dense")] == [32, 1]
    assert_args(layers_of(model, "Dropout")[0], rate=0.1)


def test_functional_chain() -> None:
    model = find_model(extract(fixture("keras_functional")), "model", "lstm_functional.py")
    assert model["edges"] is None                          # edges from Input are omitted
    emb, lstm, drop, out = model["layers"]
    assert_args(emb, input_dim=20000, output_dim=128)
    assert_args(lstm, units=64)
    assert_args(drop, rate=0.3)
    assert_args(out, units=1, activation="sigmoid")


def test_functional_dag_edges() -> None:
    path = fixture("keras_functional", "two_inputs.py")
    model = find_model(extract(path.parent), "model", "two_inputs.py")
    # 0 Embedding(title) 1 LSTM 2 Embedding(body) 3 GRU 4 Concatenate 5 Dense 6 Dense
    # 7 Add 8 Dense
    assert edge_set(model) == {(0, 1), (1, 4), (2, 3), (3, 4), (4, 5), (4, 6), (5, 7),
                               (6, 7), (7, 8)}
    assert model["layers"][4]["line"] == line_of(path, "layers.Concatenate()")
    assert model["layers"][7]["line"] == line_of(path, "layers.add([x, y])")
    assert_args(model["layers"][3], units=32)
    assert_args(model["layers"][8], units=3, activation="softmax")


def test_subclass_order_from_call() -> None:
    path = fixture("keras_subclass", "model.py")
    model = find_model(extract(path.parent), "SentimentModel", "model.py")
    emb, lstm, drop, out = model["layers"]
    # arguments flow from `SentimentModel(vocab_size=8000)` and the defaults
    assert_args(emb, input_dim=8000, output_dim=64)
    assert_args(lstm, units=32)
    assert_args(drop, rate=0.4)
    assert_args(out, units=1, activation="sigmoid")
    # a layer's line is where it is constructed, in __init__
    assert [layer["line"] for layer in model["layers"]] == [
        line_of(path, "self.embedding = Embedding("), line_of(path, "self.lstm = LSTM("),
        line_of(path, "self.dropout = Dropout("), line_of(path, "self.classifier = Dense(")]
    assert model["span"] == [line_of(path, "class SentimentModel("),
                             line_of(path, "return self.classifier(x)")]
    assert model["edges"] is None


def test_subclass_list_of_layers() -> None:
    model = find_model(extract(fixture("keras_subclass")), "DeepMLP", "model.py")
    assert [layer["args"].get("units") for layer in layers_of(model, "Dense")] == [128, 64, 10]


def test_wrappers_become_flags() -> None:
    model = find_model(extract(fixture("wrappers")), "model", "keras_bilstm.py")
    emb, lstm, td, _, out = model["layers"]
    assert_args(emb, input_dim=10000, output_dim=100)
    # Bidirectional(LSTM(64, return_sequences=True)) is one LSTM layer
    assert_args(lstm, units=64, bidirectional=True, return_sequences=True)
    # TimeDistributed(Dense(10)) is one Dense layer
    assert_args(td, units=10, time_distributed=True)
    assert "time_distributed" not in out["args"]
    assert "bidirectional" not in emb["args"]


def test_keras_applications_frozen() -> None:
    path = fixture("pretrained", "vgg_transfer.py")
    model = find_model(extract(path.parent), "model", "vgg_transfer.py")
    base = model["layers"][0]
    # `base.trainable = False` after the constructor call
    assert_args(base, name="vgg16", trainable=False)
    assert base["line"] == line_of(path, "keras.applications.VGG16(")
    assert_args(model["layers"][2], units=256, activation="relu")


def test_hub_layer() -> None:
    model = find_model(extract(fixture("pretrained")), "model", "hub_sequential.py")
    assert_args(model["layers"][0], name="https://tfhub.dev/google/nnlm-en-dim50/2",
                trainable=True)
    assert [layer["args"].get("units") for layer in layers_of(model, "Dense")] == [16, 1]


def test_transformers_in_functional_model() -> None:
    model = find_model(extract(fixture("pretrained")), "model", "tf_bert_functional.py")
    assert_args(model["layers"][0], name="bert-base-uncased")
    assert model["framework"] == "keras"
    assert model["edges"] is None


def test_add_in_a_loop() -> None:
    path = fixture("keras_sequential_list", "loop_add.py")
    model = find_model(extract(path.parent), "model", "loop_add.py")
    dense = layers_of(model, "Dense")
    assert [layer["args"].get("units") for layer in dense] == [128, 64, 32, 1]
    loop_line = line_of(path, 'model.add(Dense(units, activation="relu"))')
    assert [layer["line"] for layer in dense[:3]] == [loop_line] * 3
    assert model["edges"] is None


def test_functional_branches_built_in_a_loop() -> None:
    path = fixture("keras_functional", "kim_functional.py")
    model = find_model(extract(path.parent), "build_model", "kim_functional.py")
    convs = layers_of(model, "Conv1D")
    assert [c["args"].get("kernel_size") for c in convs] == [3, 4, 5]
    assert [c["args"].get("filters") for c in convs] == [128, 128, 128]
    assert_args(model["layers"][0], input_dim=30000, output_dim=300)
    # 0 Embedding; 1,3,5 Conv1D; 2,4,6 GlobalMaxPool1D; 7 Concatenate; 8 Dropout; 9 Dense
    assert edge_set(model) == {(0, 1), (1, 2), (0, 3), (3, 4), (0, 5), (5, 6), (2, 7),
                               (4, 7), (6, 7), (7, 8), (8, 9)}
    assert model["layers"][7]["api"] == "concatenate"


def test_custom_layer_expanded_in_functional_model() -> None:
    path = fixture("keras_subclass", "encoder.py")
    model = find_model(extract(path.parent), "build_classifier", "encoder.py")
    attention = model["layers"][1]
    assert_args(attention, num_heads=4)
    assert attention["line"] == line_of(path, "self.mha = layers.MultiHeadAttention(")
    assert_args(model["layers"][5], units=128, activation="gelu")
    assert_args(model["layers"][6], units=64)
    # 0 Embedding 1 Attention 2 Dropout 3 Add 4 LayerNorm 5 Dense 6 Dense 7 Add
    # 8 LayerNorm 9 GlobalAvgPool1D 10 Dropout 11 Dense; the Adds are the residuals
    assert edge_set(model) == {(0, 1), (1, 2), (0, 3), (2, 3), (3, 4), (4, 5), (5, 6),
                               (4, 7), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11)}


def test_keras_1_model_keywords_input_and_output(tmp_path) -> None:
    """`Model(input=base.input, output=predictions)`, Keras 1's spelling of `inputs=` and
    `outputs=`, still common in fine-tuning scripts, is the functional model."""
    from extract_helpers import run_extract, write

    data = run_extract(write(tmp_path, {"finetune.py": """\
from keras.applications import Xception
from keras.layers import Dense, GlobalAveragePooling2D
from keras.models import Model

backbone = Xception(include_top=False, weights=None)
pooled = GlobalAveragePooling2D()(backbone.output)
hidden = Dense(96, activation='elu')(pooled)
scores = Dense(7, activation='sigmoid')(hidden)
clf = Model(input=backbone.input, output=scores)
clf.compile(optimizer='adam', loss='binary_crossentropy')
"""}))
    [model] = data["models"]
    assert [layer["type"] for layer in model["layers"]] == [
        "Pretrained", "GlobalAvgPool2D", "Dense", "Dense"]
