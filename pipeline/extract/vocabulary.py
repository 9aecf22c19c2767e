"""The canonical vocabulary: Keras and PyTorch names mapped onto one set of layer types.

A Keras model and a PyTorch model of the same structure compare as equal because both
map here (docs/ARCHITECTURE.md, "Canonical vocabulary"). Each entry says which canonical type a
class becomes and how its constructor arguments are named canonically: positional
parameter names in order, and keyword renames. Anything not listed keeps its own class
name as type, so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    """How one framework class maps: canonical type, positional names, keyword renames."""

    type: str
    positional: tuple[str, ...] = ()
    rename: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, object] = field(default_factory=dict)   # args implied by the class


def _k(type_: str, positional: str = "", fixed: dict[str, object] | None = None, /,
       **rename: str) -> Kind:
    """`fixed` is positional, so that no keyword rename (`**_KERAS_RNN`) can stand for it."""
    return Kind(type_, tuple(positional.split()) if positional else (), dict(rename),
                dict(fixed or {}))


_KERAS_RNN = dict(return_sequences="return_sequences", dropout="dropout",
                  recurrent_dropout="recurrent_dropout", activation="activation")
_KERAS_CONV = dict(filters="filters", kernel_size="kernel_size", strides="strides",
                   padding="padding", activation="activation", input_shape="input_shape")
_KERAS_POOL = dict(pool_size="pool_size", strides="strides", padding="padding")

KERAS: dict[str, Kind] = {
    "Dense": _k("Dense", "units", units="units", activation="activation",
                input_dim="input_dim", input_shape="input_shape"),
    "Embedding": _k("Embedding", "input_dim output_dim", input_dim="input_dim",
                    output_dim="output_dim", input_length="input_length",
                    trainable="trainable", mask_zero="mask_zero"),
    "LSTM": _k("LSTM", "units", units="units", **_KERAS_RNN),
    "CuDNNLSTM": _k("LSTM", "units", units="units", **_KERAS_RNN),
    "GRU": _k("GRU", "units", units="units", **_KERAS_RNN),
    "CuDNNGRU": _k("GRU", "units", units="units", **_KERAS_RNN),
    "SimpleRNN": _k("RNN", "units", units="units", **_KERAS_RNN),
    "Dropout": _k("Dropout", "rate", rate="rate"),
    "SpatialDropout1D": _k("Dropout", "rate", rate="rate"),
    "SpatialDropout2D": _k("Dropout", "rate", rate="rate"),
    "SpatialDropout3D": _k("Dropout", "rate", rate="rate"),
    "GaussianDropout": _k("Dropout", "rate", rate="rate"),
    "AlphaDropout": _k("Dropout", "rate", rate="rate"),
    "BatchNormalization": _k("BatchNorm"),
    "LayerNormalization": _k("LayerNorm"),
    "Flatten": _k("Flatten"),
    "Reshape": _k("Reshape", "target_shape", target_shape="target_shape"),
    "Permute": _k("Reshape", "dims", dims="dims"),
    "Attention": _k("Attention"),
    "AdditiveAttention": _k("Attention"),
    "MultiHeadAttention": _k("Attention", "num_heads key_dim", num_heads="num_heads",
                             key_dim="key_dim"),
    "Concatenate": _k("Concatenate"),
    "Add": _k("Add"),
    "Multiply": _k("Multiply"),
    "ReLU": _k("Activation", "", {"function": "relu"}),
    "LeakyReLU": _k("Activation", "", {"function": "leaky_relu"}),
    "PReLU": _k("Activation", "", {"function": "prelu"}),
    "ELU": _k("Activation", "", {"function": "elu"}),
    "Softmax": _k("Activation", "", {"function": "softmax"}),
    "ThresholdedReLU": _k("Activation", "", {"function": "thresholded_relu"}),
    "Activation": _k("Activation", "function", activation="function"),
}
for _d in ("1", "2", "3"):
    for _name in (f"Conv{_d}D", f"Convolution{_d}D"):
        KERAS[_name] = _k(f"Conv{_d}D", "filters kernel_size strides", **_KERAS_CONV)
    for _name in (f"MaxPooling{_d}D", f"MaxPool{_d}D"):
        KERAS[_name] = _k(f"MaxPool{_d}D", "pool_size strides", **_KERAS_POOL)
    for _name in (f"AveragePooling{_d}D", f"AvgPool{_d}D"):
        KERAS[_name] = _k(f"AvgPool{_d}D", "pool_size strides", **_KERAS_POOL)
    for _name in (f"GlobalMaxPooling{_d}D", f"GlobalMaxPool{_d}D"):
        KERAS[_name] = _k(f"GlobalMaxPool{_d}D")
    for _name in (f"GlobalAveragePooling{_d}D", f"GlobalAvgPool{_d}D"):
        KERAS[_name] = _k(f"GlobalAvgPool{_d}D")
for _name in ("SeparableConv1D", "SeparableConv2D", "SeparableConvolution2D",
              "Conv2DTranspose", "Conv3DTranspose", "Conv1DTranspose"):
    _t = _name.replace("Convolution", "Conv")
    _t = re.sub(r"Conv(\dD)Transpose", r"ConvTranspose\1", _t)
    KERAS[_name] = _k(_t, "filters kernel_size strides", **_KERAS_CONV)
KERAS["DepthwiseConv2D"] = _k("DepthwiseConv2D", "kernel_size strides", **_KERAS_CONV)

#: Keras names that are not layers of the model.
KERAS_INPUTS = frozenset({"Input", "InputLayer"})
#: Keras functional merge helpers written in lower case: layers.concatenate([a, b]).
KERAS_MERGE_FUNCTIONS = {"concatenate": "Concatenate", "add": "Add", "multiply": "Multiply",
                         "average": "Average", "subtract": "Subtract", "maximum": "Maximum",
                         "dot": "Dot"}
KERAS_WRAPPERS = frozenset({"Bidirectional", "TimeDistributed"})

_TORCH_RNN = dict(input_size="input_size", hidden_size="units", num_layers="num_layers",
                  bidirectional="bidirectional", dropout="dropout", batch_first="batch_first")
_TORCH_CONV = dict(in_channels="in_channels", out_channels="filters",
                   kernel_size="kernel_size", stride="strides", padding="padding")
_TORCH_POOL = dict(kernel_size="pool_size", stride="strides", padding="padding")

TORCH: dict[str, Kind] = {
    "Linear": _k("Dense", "in_features units", in_features="in_features",
                 out_features="units", bias="bias"),
    "LazyLinear": _k("Dense", "units", out_features="units"),
    "Embedding": _k("Embedding", "input_dim output_dim", num_embeddings="input_dim",
                    embedding_dim="output_dim", padding_idx="padding_idx"),
    "EmbeddingBag": _k("Embedding", "input_dim output_dim", num_embeddings="input_dim",
                       embedding_dim="output_dim", mode="mode"),
    "LSTM": _k("LSTM", "input_size units num_layers", **_TORCH_RNN),
    "GRU": _k("GRU", "input_size units num_layers", **_TORCH_RNN),
    "RNN": _k("RNN", "input_size units num_layers", **_TORCH_RNN),
    "Dropout": _k("Dropout", "rate", p="rate"),
    "Dropout1d": _k("Dropout", "rate", p="rate"),
    "Dropout2d": _k("Dropout", "rate", p="rate"),
    "Dropout3d": _k("Dropout", "rate", p="rate"),
    "AlphaDropout": _k("Dropout", "rate", p="rate"),
    "LayerNorm": _k("LayerNorm", "normalized_shape", normalized_shape="normalized_shape"),
    "Flatten": _k("Flatten"),
    "MultiheadAttention": _k("Attention", "embed_dim num_heads", embed_dim="embed_dim",
                             num_heads="num_heads"),
    "TransformerEncoderLayer": _k("TransformerEncoder", "d_model num_heads dim_feedforward",
                                  {"num_layers": 1}, d_model="d_model",
                                  nhead="num_heads", dim_feedforward="dim_feedforward"),
    "TransformerEncoder": _k("TransformerEncoder", "encoder_layer num_layers",
                             num_layers="num_layers"),
}
_TORCH_ACTIVATIONS = {
    "ReLU": "relu", "ReLU6": "relu6", "LeakyReLU": "leaky_relu", "PReLU": "prelu",
    "ELU": "elu", "SELU": "selu", "GELU": "gelu", "SiLU": "silu", "Mish": "mish",
    "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax", "LogSoftmax": "log_softmax",
    "Softplus": "softplus", "Hardswish": "hardswish", "Hardtanh": "hardtanh",
}
for _name, _fn in _TORCH_ACTIVATIONS.items():
    TORCH[_name] = _k("Activation", "", {"function": _fn})
for _d in ("1", "2", "3"):
    TORCH[f"Conv{_d}d"] = _k(f"Conv{_d}D", "in_channels filters kernel_size strides padding",
                             **_TORCH_CONV)
    TORCH[f"ConvTranspose{_d}d"] = _k(f"ConvTranspose{_d}D",
                                      "in_channels filters kernel_size strides", **_TORCH_CONV)
    TORCH[f"MaxPool{_d}d"] = _k(f"MaxPool{_d}D", "pool_size strides", **_TORCH_POOL)
    TORCH[f"AvgPool{_d}d"] = _k(f"AvgPool{_d}D", "pool_size strides", **_TORCH_POOL)
    TORCH[f"BatchNorm{_d}d"] = _k("BatchNorm", "num_features", num_features="num_features")

#: nn.AdaptiveAvgPool2d(1) is a global pool; other output sizes keep their own name.
TORCH_ADAPTIVE = {"AdaptiveAvgPool1d": "GlobalAvgPool1D", "AdaptiveAvgPool2d": "GlobalAvgPool2D",
                  "AdaptiveMaxPool1d": "GlobalMaxPool1D", "AdaptiveMaxPool2d": "GlobalMaxPool2D"}
#: Modules that compute nothing a reader of the architecture would list.
TORCH_NOT_LAYERS = frozenset({"Identity"})

#: Activation functions by the last part of their qualified name, for functional calls
#: (F.relu, torch.sigmoid, tf.nn.softmax, x.relu()).
ACTIVATION_FUNCTIONS = {
    "relu": "relu", "relu6": "relu6", "leaky_relu": "leaky_relu", "elu": "elu",
    "selu": "selu", "gelu": "gelu", "silu": "silu", "mish": "mish", "sigmoid": "sigmoid",
    "tanh": "tanh", "softmax": "softmax", "log_softmax": "log_softmax",
    "softplus": "softplus", "hardswish": "hardswish", "swish": "silu",
}
# The in-place spellings (`torch.relu_`, `F.relu_`, `x.sigmoid_()`) compute the same.
ACTIVATION_FUNCTIONS.update({f"{name}_": canonical for name, canonical in
                             list(ACTIVATION_FUNCTIONS.items())})

#: Canonical activation names for strings written in Keras (activation="LeakyReLU").
def activation_name(text: str) -> str:
    low = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", text).lower()
    return {"leakyrelu": "leaky_relu", "logsoftmax": "log_softmax", "swish": "silu"}.get(
        low.replace("_", ""), low)


_PRETRAINED_NAMES = {
    "mobilenetv2": "mobilenet_v2", "mobilenetv3small": "mobilenet_v3_small",
    "mobilenetv3large": "mobilenet_v3_large", "inceptionv3": "inception_v3",
    "inceptionresnetv2": "inception_resnet_v2", "resnet50v2": "resnet50_v2",
    "resnet101v2": "resnet101_v2", "resnet152v2": "resnet152_v2",
}


def pretrained_name(cls: str) -> str:
    """Keras applications class names in torchvision/timm spelling (EfficientNetB0 ->
    efficientnet_b0), so the same backbone compares equal across frameworks."""
    low = cls.lower()
    if low in _PRETRAINED_NAMES:
        return _PRETRAINED_NAMES[low]
    m = re.fullmatch(r"(efficientnet)(v2)?(b\d|[sml])", low)
    if m:
        return f"{m.group(1)}{'_v2' if m.group(2) else ''}_{m.group(3)}"
    m = re.fullmatch(r"convnext(tiny|small|base|large|xlarge)", low)
    if m:
        return f"convnext_{m.group(1)}"
    return low


#: Prefixes of qualified names that are pretrained backbones (called as constructors).
KERAS_APPLICATIONS = ("keras.applications.",)
TORCHVISION_MODELS = ("torchvision.models.",)
HUB_LAYERS = ("tensorflow_hub.KerasLayer", "tensorflow_hub.load")
