"""PyTorch models read statically: nn.Module subclasses in forward() order, nn.Sequential
(attributes, module level, returned from functions), nn.ModuleList loops, helper methods,
functional ops (F.relu, torch.sigmoid, torch.cat, x.view), component classes, the Kim
(2014) text CNN, and pretrained backbones.

Fixtures: pytorch_module, textcnn, wrappers, multi_file, pretrained, datasets/torchvision_cifar.
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
    # __init__ defines fc2, conv1, fc1, pool, conv2; forward() decides the order; the pool
    # module used twice appears twice; x.view(x.size(0), -1) is Flatten
    ("pytorch_module", "net.py", "Net", "module",
     ["Conv2D", "Activation", "MaxPool2D", "Conv2D", "Activation", "MaxPool2D", "Flatten",
      "Dense", "Activation", "Dense", "Activation"]),
    # nn.Sequential attribute, ModuleList of range(3) iterated in a helper method
    ("pytorch_module", "deep_mlp.py", "DeepMLP", "module",
     ["Dense", "Activation", "Dense", "Activation", "Dense", "Activation", "Dense",
      "Activation", "Dropout", "Dense"]),
    ("pytorch_module", "two_tower.py", "TwoTower", "module",
     ["Dense", "Activation", "Dense", "Activation", "Concatenate", "Dense", "Activation"]),
    ("pytorch_module", "sequentials.py", "classifier", "sequential",
     ["Dense", "Activation", "Dropout", "Dense"]),
    ("pytorch_module", "sequentials.py", "make_cnn", "sequential",
     ["Conv2D", "BatchNorm", "Activation", "MaxPool2D", "Flatten", "Dense"]),
    # a list built up and unpacked into nn.Sequential(*layers)
    ("pytorch_module", "sequentials.py", "build_model", "sequential",
     ["Flatten", "Dense", "Activation", "Dense"]),
    # nn.Sequential(OrderedDict([...]))
    ("pytorch_module", "sequentials.py", "named", "sequential",
     ["Dense", "Activation", "Dense"]),
    # a component class used twice inside nn.Sequential: expanded twice, in place; the
    # skip connection `out + identity` is Add; AdaptiveAvgPool2d((1, 1)) is global
    ("pytorch_module", "small_resnet.py", "SmallResNet", "module",
     ["Conv2D", "Activation"]
     + ["Conv2D", "BatchNorm", "Activation", "Conv2D", "BatchNorm", "Add", "Activation"] * 2
     + ["GlobalAvgPool2D", "Flatten", "Dense"]),
    # Kim (2014): one Conv2D per filter size of the literal [3, 4, 5], in the order the
    # list comprehensions run them: the three conv+relu, then the three poolings.
    # F.max_pool1d over the whole length is written as max_pool1d, so it is MaxPool1D.
    ("textcnn", "textcnn.py", "TextCNN", "module",
     ["Embedding", "Conv2D", "Activation", "Conv2D", "Activation", "Conv2D", "Activation",
      "MaxPool1D", "MaxPool1D", "MaxPool1D", "Concatenate", "Dropout", "Dense"]),
    # indexing the LSTM output (output[:, -1, :]) is plumbing, not a layer
    ("wrappers", "torch_bilstm.py", "BiLSTMClassifier", "module",
     ["Embedding", "LSTM", "Dense"]),
    # the Attention component is expanded in place: its Linear, torch.softmax and the
    # `weights * outputs` product (Multiply); `.sum(dim=1)` is plumbing
    ("multi_file", "model.py", "SentimentRNN", "module",
     ["Embedding", "LSTM", "Dense", "Activation", "Multiply", "Dropout", "Dense",
      "Activation"]),
    # never instantiated anywhere: still a record
    # AdaptiveAvgPool2d(1) is a global pool; torch.flatten(x, 1) is Flatten
    ("datasets/torchvision_cifar", "train.py", "SimpleCNN", "module",
     ["Conv2D", "Activation", "MaxPool2D", "Conv2D", "Activation", "GlobalAvgPool2D",
      "Flatten", "Dense"]),
]


@pytest.mark.parametrize("project,file,name,style,types", MODELS,
                         ids=[f"{m[1]}:{m[2]}" for m in MODELS])
def test_layer_sequence(project: str, file: str, name: str, style: str,
                        types: list[str]) -> None:
    model = find_model(extract(fixture(project)), name, file)
    assert layer_types(model) == types
    assert model["framework"] == "pytorch"
    assert model["style"] == style
    assert model["cell"] is None


@pytest.mark.parametrize("project,file,names", [
    ("pytorch_module", "net.py", {"Net"}),
    ("pytorch_module", "deep_mlp.py", {"DeepMLP"}),
    ("pytorch_module", "two_tower.py", {"TwoTower"}),
    # `cnn = make_cnn()` and `model = build_model()` are the function records
    ("pytorch_module", "sequentials.py", {"classifier", "make_cnn", "build_model", "named"}),
    ("pytorch_module", "small_resnet.py", {"SmallResNet"}),
    ("textcnn", "textcnn.py", {"TextCNN"}),
    ("wrappers", "torch_bilstm.py", {"BiLSTMClassifier"}),
    # Attention is a component of SentimentRNN, not a record; Unused is set aside
    ("multi_file", "model.py", {"SentimentRNN"}),
    ("multi_file", "train.py", set()),
    ("multi_file", "data.py", set()),
    ("pretrained", "bert_torch.py", {"model"}),
    ("pretrained", "resnet_finetune.py", {"model"}),
])
def test_one_record_per_model(project: str, file: str, names: set[str]) -> None:
    found = [m["name"] for m in models_in(extract(fixture(project)), file)]
    assert sorted(found) == sorted(names)


def test_forward_order_args_and_lines() -> None:
    path = fixture("pytorch_module", "net.py")
    model = find_model(extract(path.parent), "Net", "net.py")
    layers = model["layers"]
    assert [layer["args"].get("filters") for layer in layers_of(model, "Conv2D")] == [6, 16]
    assert [layer["args"].get("kernel_size") for layer in layers_of(model, "Conv2D")] == [5, 5]
    # nn.Linear(in, out): units is out_features
    assert [layer["args"].get("units") for layer in layers_of(model, "Dense")] == [120, 10]
    assert [layer["args"].get("function") for layer in layers_of(model, "Activation")] == [
        "relu", "relu", "relu", "sigmoid"]
    assert [layer["api"] for layer in layers_of(model, "Activation")] == [
        "F.relu", "F.relu", "F.relu", "torch.sigmoid"]
    assert layers[0]["api"] == "nn.Conv2d"
    assert layers[7]["api"] == "nn.Linear"
    # modules: the line of their construction in __init__; functional ops: their call
    assert layers[0]["line"] == line_of(path, "self.conv1 = nn.Conv2d(")
    assert layers[1]["line"] == line_of(path, "x = self.pool(F.relu(self.conv1(x)))")
    assert layers[2]["line"] == layers[5]["line"] == line_of(path, "self.pool = nn.MaxPool2d(")
    assert layers[3]["line"] == line_of(path, "self.conv2 = nn.Conv2d(")
    assert layers[6]["line"] == line_of(path, "x = x.view(x.size(0), -1)")
    assert layers[7]["line"] == line_of(path, "self.fc1 = nn.Linear(")
    assert layers[9]["line"] == line_of(path, "self.fc2 = nn.Linear(")
    assert layers[10]["line"] == line_of(path, "torch.sigmoid(")
    assert model["edges"] is None
    assert model["span"] == [line_of(path, "class Net(nn.Module):"), line_of(path, "return x")]


def test_sequential_attribute_modulelist_and_helper() -> None:
    path = fixture("pytorch_module", "deep_mlp.py")
    model = find_model(extract(path.parent), "DeepMLP", "deep_mlp.py")
    dense = layers_of(model, "Dense")
    # defaults of DeepMLP() flow into the layers
    assert [layer["args"].get("units") for layer in dense] == [256, 256, 256, 256, 10]
    # the three ModuleList entries come from one comprehension line
    assert dense[0]["line"] == line_of(path, "nn.Linear(in_dim, hidden),")
    assert {layer["line"] for layer in dense[1:4]} == {line_of(path, "nn.ModuleList(")}
    assert [a["args"].get("function") for a in layers_of(model, "Activation")] == ["relu"] * 4
    assert_args(layers_of(model, "Dropout")[0], rate=0.2)
    assert model["edges"] is None


def test_torch_cat_makes_a_dag() -> None:
    path = fixture("pytorch_module", "two_tower.py")
    model = find_model(extract(path.parent), "TwoTower", "two_tower.py")
    # 0 Dense(text) 1 relu 2 Dense(meta) 3 relu 4 Concatenate 5 Dense 6 sigmoid
    assert edge_set(model) == {(0, 1), (1, 4), (2, 3), (3, 4), (4, 5), (5, 6)}
    cat = model["layers"][4]
    assert cat["api"] == "torch.cat"
    assert cat["line"] == line_of(path, "torch.cat([a, b], dim=1)")
    assert [layer["args"].get("units") for layer in layers_of(model, "Dense")] == [64, 16, 1]


def test_sequential_containers() -> None:
    path = fixture("pytorch_module", "sequentials.py")
    data = extract(path.parent)
    classifier = find_model(data, "classifier", "sequentials.py")
    assert [layer["args"].get("units") for layer in layers_of(classifier, "Dense")] == [128, 10]
    assert_args(layers_of(classifier, "Dropout")[0], rate=0.2)
    assert classifier["span"] == [line_of(path, "classifier = nn.Sequential("),
                                  line_of(path, "nn.Linear(128, 10),") + 1]
    cnn = find_model(data, "make_cnn", "sequentials.py")
    assert_args(cnn["layers"][0], filters=16, kernel_size=3)
    assert_args(cnn["layers"][3], pool_size=2)
    built = find_model(data, "build_model", "sequentials.py")
    assert [layer["args"].get("units") for layer in layers_of(built, "Dense")] == [256, 10]
    named = find_model(data, "named", "sequentials.py")
    assert [layer["args"].get("units") for layer in layers_of(named, "Dense")] == [8, 3]
    assert_args(named["layers"][1], function="tanh")
    for model in (classifier, cnn, built, named):
        assert model["edges"] is None


def test_span_of_a_model_built_in_a_function() -> None:
    """The span covers the lines that build the model: here from the list of layers to
    the nn.Sequential(*layers) call (the whole function would do too)."""
    path = fixture("pytorch_module", "sequentials.py")
    first, last = find_model(extract(path.parent), "build_model", "sequentials.py")["span"]
    assert first <= line_of(path, "layers = [nn.Flatten()")
    assert last >= line_of(path, "model = nn.Sequential(*layers)")


def test_text_cnn() -> None:
    path = fixture("textcnn", "textcnn.py")
    model = find_model(extract(path.parent), "TextCNN", "textcnn.py")
    convs = layers_of(model, "Conv2D")
    assert [c["args"].get("filters") for c in convs] == [100, 100, 100]
    assert [c["args"].get("kernel_size") for c in convs] == [[3, 128], [4, 128], [5, 128]]
    assert {c["line"] for c in convs} == {line_of(path, "nn.ModuleList(")}
    emb = model["layers"][0]
    assert_args(emb, output_dim=128)
    assert "input_dim" not in emb["args"]        # TextCNN(len(vocab)): unknown, so absent
    assert [p["api"] for p in layers_of(model, "MaxPool1D")] == ["F.max_pool1d"] * 3
    assert_args(layers_of(model, "Dropout")[0], rate=0.5)
    assert_args(layers_of(model, "Dense")[0], units=2)
    # 0 Embedding; 1,3,5 Conv2D; 2,4,6 relu; 7,8,9 pools; 10 cat; 11 dropout; 12 fc
    assert edge_set(model) == {(0, 1), (1, 2), (0, 3), (3, 4), (0, 5), (5, 6), (2, 7),
                               (4, 8), (6, 9), (7, 10), (8, 10), (9, 10), (10, 11), (11, 12)}


def test_bidirectional_lstm() -> None:
    path = fixture("wrappers", "torch_bilstm.py")
    model = find_model(extract(path.parent), "BiLSTMClassifier", "torch_bilstm.py")
    emb, lstm, fc = model["layers"]
    assert_args(emb, input_dim=25000, output_dim=100)
    # hidden_size is units; the keyword flags keep their canonical names
    assert_args(lstm, units=128, bidirectional=True, num_layers=2)
    assert lstm["line"] == line_of(path, "self.lstm = nn.LSTM(")
    assert_args(fc, units=2)
    assert model["edges"] is None


def test_component_class_expanded() -> None:
    path = fixture("multi_file", "model.py")
    model = find_model(extract(path.parent), "SentimentRNN", "model.py")
    emb, lstm, score, softmax, _mul, drop, fc, sigmoid = model["layers"]
    # VOCAB_SIZE comes from train.py: SentimentRNN(VOCAB_SIZE, embedding_dim=100, ...)
    assert_args(emb, input_dim=20000, output_dim=100)
    assert_args(lstm, units=128, bidirectional=True, num_layers=2)
    assert_args(score, units=1)
    assert score["line"] == line_of(path, "self.score = nn.Linear(")
    assert_args(softmax, function="softmax")
    assert_args(drop, rate=0.5)
    assert_args(fc, units=1)
    assert_args(sigmoid, function="sigmoid")
    # the product takes the attention weights and the LSTM outputs
    assert edge_set(model) == {(0, 1), (1, 2), (2, 3), (3, 4), (1, 4), (4, 5), (5, 6),
                               (6, 7)}
    assert model["span"] == [line_of(path, "class SentimentRNN("),
                             line_of(path, "return torch.sigmoid(self.fc(")]


def test_uninstantiated_class_record() -> None:
    # read on its own, model.py is a file of definitions: each is a model
    model = find_model(extract(fixture("multi_file", "model.py")), "Unused", "model.py")
    assert [layer["args"].get("units") for layer in layers_of(model, "Dense")] == [64, 1]
    assert_args(model["layers"][1], function="relu")
    assert model["layers"][1]["api"] == "nn.ReLU"


@pytest.mark.parametrize("file,args", [
    ("bert_torch.py", {"name": "bert-base-uncased"}),
    ("resnet_finetune.py", {"name": "resnet18"}),
    ("timm_model.py", {"name": "efficientnet_b0"}),
])
def test_pretrained_backbones(file: str, args: dict[str, object]) -> None:
    model = find_model(extract(fixture("pretrained", file)), "model", file)
    assert model["layers"][0]["type"] == "Pretrained"
    assert_args(model["layers"][0], **args)
    assert model["framework"] == "pytorch"


def test_replaced_head_follows_backbone() -> None:
    """`model.fc = nn.Linear(512, 10)` on a torchvision model: the backbone then the new
    head, as a person describing the model would list them."""
    path = fixture("pretrained", "resnet_finetune.py")
    model = find_model(extract(path.parent), "model", "resnet_finetune.py")
    assert layer_types(model) == ["Pretrained", "Dense"]
    assert_args(model["layers"][1], units=10)
    assert model["layers"][1]["line"] == line_of(path, "model.fc = nn.Linear(")
    assert model["layers"][0]["line"] == line_of(path, "models.resnet18(")


@pytest.mark.parametrize("file", ["bert_torch.py", "timm_model.py"])
def test_pretrained_alone(file: str) -> None:
    model = find_model(extract(fixture("pretrained", file)), "model", file)
    assert layer_types(model) == ["Pretrained"]


def test_component_used_twice_in_sequential() -> None:
    path = fixture("pytorch_module", "small_resnet.py")
    model = find_model(extract(path.parent), "SmallResNet", "small_resnet.py")
    # 0 stem 1 relu | 2 conv 3 bn 4 relu 5 conv 6 bn 7 add 8 relu | 9..15 the same again
    # | 16 pool 17 flatten 18 fc; each Add also takes the block's input
    chain = {(i, i + 1) for i in range(18)}
    assert edge_set(model) == chain | {(1, 7), (8, 14)}
    convs = layers_of(model, "Conv2D")
    assert [c["args"].get("filters") for c in convs] == [16] * 5
    conv1 = line_of(path, "self.conv1 = nn.Conv2d(")
    assert [c["line"] for c in convs] == [line_of(path, "self.stem = nn.Conv2d(")] + [
        conv1, line_of(path, "self.conv2 = nn.Conv2d(")] * 2
    assert [a["line"] for a in layers_of(model, "Add")] == [line_of(path, "out + identity")] * 2
    assert_args(model["layers"][-1], units=10)


def test_definitions_nothing_builds_are_set_aside() -> None:
    """In a project that trains a model, a class that none of its code instantiates is
    not one of its models: it is listed, with why, and counted nowhere."""
    data = extract(fixture("multi_file"))
    assert data["set_aside"] == [{
        "file": "model.py", "line": line_of(fixture("multi_file", "model.py"),
                                            "class Unused("),
        "name": "Unused",
        "why": "defined but never built by the project's code, which trains another model"}]


def test_pretrained_models_used_as_they_are_are_set_aside() -> None:
    """A hub model only asked for a prediction, beside models the project trains."""
    data = extract(fixture("pretrained"))
    assert {(a["file"], a["why"]) for a in data["set_aside"]} >= {
        ("timm_model.py", "a pretrained model used as it is, never trained in the project")}
    assert not models_in(data, "timm_model.py")


def test_a_model_class_defined_inside_a_function(tmp_path) -> None:
    """A class defined in `main()`, or in a command's method, is a model class there;
    its methods read the function's names; a module-level class of the same name
    elsewhere keeps its own meaning."""
    from extract_helpers import run_extract

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "train.py").write_text(
        "import torch.nn as nn\n"
        "import torch.optim as optim\n\n"
        "def main():\n"
        "    hidden = 32\n\n"
        "    class Net(nn.Module):\n"
        "        def __init__(self):\n"
        "            super().__init__()\n"
        "            self.fc1 = nn.Linear(10, hidden)\n"
        "            self.fc2 = nn.Linear(hidden, 2)\n\n"
        "        def forward(self, x):\n"
        "            return self.fc2(self.fc1(x).relu())\n\n"
        "    model = Net()\n"
        "    opt = optim.Adam(model.parameters(), lr=0.01)\n\n"
        "if __name__ == '__main__':\n"
        "    main()\n")
    (tmp_path / "b" / "command.py").write_text(
        "import torch.nn as nn\n\n"
        "class Command:\n"
        "    def handle(self, **options):\n"
        "        size = options['size']\n"
        "        if size:\n"
        "            class Tagger(nn.Module):\n"
        "                def __init__(self):\n"
        "                    super().__init__()\n"
        "                    self.lstm = nn.LSTM(8, 16)\n\n"
        "                def forward(self, x):\n"
        "                    return self.lstm(x)[0]\n"
        "            model = Tagger()\n")
    (tmp_path / "a" / "other.py").write_text(
        "import torch.nn as nn\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv2d(3, 8, 3)\n\n"
        "    def forward(self, x):\n"
        "        return self.conv(x)\n\n"
        "net = Net()\n")
    models = {(m["file"], m["name"]): m for project in ("a", "b")
              for m in run_extract(tmp_path / project)["models"]}
    assert sorted(models) == [("command.py", "Tagger"), ("other.py", "Net"), ("train.py", "Net")]
    net = models[("train.py", "Net")]
    assert net["span"] == [7, 14]
    assert [(layer["type"], layer["args"].get("units")) for layer in net["layers"]] == [
        ("Dense", 32), ("Activation", None), ("Dense", 2)]
    assert net["hyperparameters"]["optimizer"]["value"] == "adam"
    assert [layer["type"] for layer in models[("command.py", "Tagger")]["layers"]] == ["LSTM"]
    assert [layer["type"] for layer in models[("other.py", "Net")]["layers"]] == ["Conv2D"]


def test_a_lambda_kept_on_the_module_runs_where_forward_calls_it(tmp_path) -> None:
    """`self.flatten = lambda x: x.view(-1, 256)` in __init__, called in forward, is the
    Flatten its body is; a lambda nobody calls stays an unknown value."""
    from extract_helpers import run_extract, write

    data = run_extract(write(tmp_path, {"net.py": """\
import torch.nn as nn
import torch.nn.functional as F


class Small(nn.Module):
    def __init__(self, width=256):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3)
        self.pool = nn.MaxPool2d(2)
        self.flatten = lambda x: x.view(-1, width)
        self.scale = lambda x, factor=2: x * factor
        self.fc = nn.Linear(width, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv(x)))
        return self.fc(self.scale(self.flatten(x)))


net = Small()
"""}))
    assert layer_types(find_model(data, "Small")) == [
        "Conv2D", "Activation", "MaxPool2D", "Flatten", "Dense"]
