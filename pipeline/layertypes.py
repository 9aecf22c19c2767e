"""The layer-type table: every canonical layer type exnet knows, and all it knows of it.

One row per canonical type (docs/ARCHITECTURE.md, "Canonical vocabulary"): how Keras,
PyTorch and Flax spell it (classes, and functions such as `F.max_pool2d`), with the
canonical names of its constructor arguments; its family; whether it is core or
decoration; the tricks it signals; its parameter-count formula; its display name.
Families carry the site's colours.

Every other table is derived from this one, so adding a layer type is adding a row here:
the extractor's vocabulary (extract/vocabulary.py), core sequences and recurrent types
(sequences.py), substitution costs (editdistance.py), parameter counts
(aggregate/params.py, which implements each named formula), tricks (tricks.py) and the
site's families and colours (render/families.py). tests/test_layertypes.py holds the
derived tables to it, and fails when a type seen in the bundled corpus or the fixtures
has no row.

A type with no row keeps its own class name (a project's `AttentionLayer`); it is core,
has no known parameter count, and finds its family and tricks by name
(FAMILY_PATTERNS, TRICK_PATTERNS).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Spelling:
    """One framework's name for a layer type, and how its arguments become canonical.

    `positional`: canonical names of the positional arguments, in order; `rename`:
    keyword -> canonical name (keywords not listed are not recorded); `fixed`: arguments
    the name itself implies (`nn.ReLU` is `function="relu"`). `rank`: for a name whose
    dimension is read from an argument (Flax `nn.Conv`, `nn.max_pool`), the spelling
    applies when the canonical argument `rank_from` has `rank` entries. `adaptive`: a
    PyTorch adaptive pool, which is this (global) type only with output size 1.
    """

    name: str
    positional: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, object] = field(default_factory=dict)
    rank: int = 0
    rank_from: str = ""
    adaptive: bool = False


def s(name: str, positional: str = "", fixed: Mapping[str, object] | None = None, /,
      **rename: str) -> Spelling:
    """A spelling: `s("Linear", "in_features units", out_features="units")`. `fixed` is
    positional, so that no keyword rename can stand for it."""
    return Spelling(name, tuple(positional.split()), dict(rename), dict(fixed or {}))


def ranked(spelling: Spelling, rank: int, rank_from: str) -> Spelling:
    """The spelling, applying only when `rank_from` has `rank` entries (Flax nn.Conv)."""
    return Spelling(spelling.name, spelling.positional, spelling.rename, spelling.fixed,
                    rank, rank_from)


def adaptive(name: str) -> Spelling:
    """A PyTorch adaptive pool that is a global pool when its output size is 1."""
    return Spelling(name, adaptive=True)


@dataclass(frozen=True)
class Formula:
    """A parameter-count formula, by name, with its constants; aggregate/params.py
    implements each name (`FORMULAS` there; a test checks that every name is)."""

    name: str
    constants: Mapping[str, int] = field(default_factory=dict)


def formula(name: str, **constants: int) -> Formula:
    return Formula(name, dict(constants))


#: The explicit "no formula": the type's size is not known from the code (a pretrained
#: backbone, a Lambda), so a model using it gets no parameter count.
UNKNOWN = formula("unknown")
#: No parameters, output shaped as the input (Dropout, Activation, Add ...).
PASSTHROUGH = formula("passthrough")


@dataclass(frozen=True)
class Family:
    """A family of layer types: one colour on the site, and cheap substitutions within
    it in the edit distance (`substitutes`; "other" holds unrelated types, so each of its
    types is its own family there)."""

    name: str
    label: str
    colour: str      # chips' edge, Sankey nodes, charts, the legend's swatch
    tint: str        # a chip's background: light enough for dark text
    substitutes: bool = True


#: Families in legend order. Colours are Okabe-Ito's colour-blind-safe palette, extended
#: with darker and lighter steps of it and greys for the families that matter least.
FAMILIES: tuple[Family, ...] = (
    Family("embedding", "embedding", "#cc79a7", "#f6e4ee"),
    Family("recurrent", "recurrent", "#0072b2", "#dcebf6"),
    Family("convolution", "convolution", "#e69f00", "#fcedcf"),
    Family("pooling", "pooling", "#b8a100", "#f4efc2"),
    Family("global_pooling", "global pooling", "#f0e442", "#fbf8d6"),
    Family("dense", "dense", "#009e73", "#d3efe5"),
    Family("attention", "attention", "#d55e00", "#f8dfcf"),
    Family("pretrained", "pretrained", "#7b3294", "#ebdff2"),
    Family("normalization", "normalization", "#56b4e9", "#e1f1fb"),
    Family("regularization", "regularization", "#8c8c8c", "#eeeeee"),
    Family("activation", "activation", "#b5b5b5", "#f5f5f5"),
    Family("reshape", "reshape", "#a6761d", "#f1e7d4"),
    Family("merge", "merge", "#5e5e5e", "#e6e6e6"),
    Family("other", "other", "#3d3d3d", "#ffffff", substitutes=False),
    # Not layers: the Sankey's start and end nodes and its "…" (deeper layers).
    Family("marker", "marker", "#c4cbd3", "#f6f8fa", substitutes=False),
)
OTHER = "other"


@dataclass(frozen=True)
class LayerType:
    """One canonical layer type: a row of the table."""

    name: str
    family: str
    core: bool                    # False: decoration, hidden in the core sequence
    params: Formula               # UNKNOWN when the code does not tell the size
    display: str                  # what the type is, in words, for people
    tricks: tuple[str, ...] = ()  # names in exnet.tricks.TRICKS it signals
    keras: tuple[Spelling, ...] = ()            # keras.layers.<Name>
    keras_functional: tuple[Spelling, ...] = ()  # keras.layers.<name>(...) functions
    torch: tuple[Spelling, ...] = ()            # torch.nn.<Name>
    # functions and ops: F.<name>, torch.<name>, tf.<name>, tf.nn.<name> (the framework
    # is the module's); `x.<name>()` on a tensor for activations
    functional: tuple[Spelling, ...] = ()
    flax: tuple[Spelling, ...] = ()             # flax.linen.<Name> modules
    flax_functional: tuple[Spelling, ...] = ()  # flax.linen.<name> functions


def row(name: str, family: str, *, core: bool = True, params: Formula, display: str,
        tricks: Iterable[str] = (), keras: Iterable[Spelling] = (),
        keras_functional: Iterable[Spelling | str] = (), torch: Iterable[Spelling] = (),
        functional: Iterable[Spelling | str] = (), flax: Iterable[Spelling] = (),
        flax_functional: Iterable[Spelling | str] = ()) -> LayerType:
    """A row; `params` has no default, so every type says its formula or UNKNOWN.
    A function spelled as a plain string reads no arguments."""
    def spell(names: Iterable[Spelling | str]) -> tuple[Spelling, ...]:
        return tuple(s(n) if isinstance(n, str) else n for n in names)

    return LayerType(name, family, core, params, display, tuple(tricks), tuple(keras),
                     spell(keras_functional), tuple(torch), spell(functional),
                     tuple(flax), spell(flax_functional))


# --- spellings shared by several rows -------------------------------------------------

_KERAS_RNN = dict(return_sequences="return_sequences", dropout="dropout",
                  recurrent_dropout="recurrent_dropout", activation="activation")
_TORCH_RNN = dict(input_size="input_size", hidden_size="units", num_layers="num_layers",
                  bidirectional="bidirectional", dropout="dropout", batch_first="batch_first")
_KERAS_CONV = dict(filters="filters", kernel_size="kernel_size", strides="strides",
                   padding="padding", activation="activation", input_shape="input_shape")
_TORCH_CONV = dict(in_channels="in_channels", out_channels="filters",
                   kernel_size="kernel_size", stride="strides", padding="padding")
_FLAX_CONV = dict(features="filters", kernel_size="kernel_size", strides="strides",
                  padding="padding", use_bias="use_bias")
_KERAS_POOL = dict(pool_size="pool_size", strides="strides", padding="padding")
_TORCH_POOL = dict(kernel_size="pool_size", stride="strides", padding="padding")
_FLAX_POOL = dict(window_shape="pool_size", strides="strides", padding="padding")
_KERAS_DROPOUT = s("Dropout", "rate", rate="rate")
_TORCH_DROPOUT = s("Dropout", "rate", p="rate")
#: The canonical argument naming the layer another repeats (`nn.TransformerEncoder(layer,
#: num_layers)`): the extractor copies that layer's arguments onto this one.
INNER_LAYER = "inner_layer"


@dataclass(frozen=True)
class ActivationFunction:
    """One activation function and its spellings; together they make the Activation row
    (each spelling fixes `function` to `name`)."""

    name: str
    keras: str = ""                   # layer class, keras.layers.<Name>
    torch: str = ""                   # module class, torch.nn.<Name>
    functional: tuple[str, ...] = ()  # F.<name>, torch.<name>, tf.nn.<name>, x.<name>()
    flax: tuple[str, ...] = ()        # flax.linen.<name>(x), or a module class


ACTIVATION_FUNCTIONS: tuple[ActivationFunction, ...] = (
    ActivationFunction("relu", "ReLU", "ReLU", ("relu",), ("relu",)),
    ActivationFunction("relu6", "", "ReLU6", ("relu6",), ("relu6",)),
    ActivationFunction("leaky_relu", "LeakyReLU", "LeakyReLU", ("leaky_relu",),
                       ("leaky_relu",)),
    ActivationFunction("prelu", "PReLU", "PReLU", (), ("PReLU",)),
    ActivationFunction("elu", "ELU", "ELU", ("elu",), ("elu",)),
    ActivationFunction("selu", "", "SELU", ("selu",), ("selu",)),
    ActivationFunction("gelu", "", "GELU", ("gelu",), ("gelu",)),
    ActivationFunction("silu", "", "SiLU", ("silu", "swish"), ("silu", "swish")),
    ActivationFunction("mish", "", "Mish", ("mish",)),
    ActivationFunction("sigmoid", "", "Sigmoid", ("sigmoid",), ("sigmoid",)),
    ActivationFunction("tanh", "", "Tanh", ("tanh",), ("tanh",)),
    ActivationFunction("softmax", "Softmax", "Softmax", ("softmax",), ("softmax",)),
    ActivationFunction("log_softmax", "", "LogSoftmax", ("log_softmax",), ("log_softmax",)),
    ActivationFunction("softplus", "", "Softplus", ("softplus",), ("softplus",)),
    ActivationFunction("hardswish", "", "Hardswish", ("hardswish",), ("hard_swish",)),
    ActivationFunction("hardtanh", "", "Hardtanh", (), ("hard_tanh",)),
    ActivationFunction("thresholded_relu", "ThresholdedReLU"),
)


def _activation_row() -> LayerType:
    def fixed(a: ActivationFunction, name: str) -> Spelling:
        return s(name, "", {"function": a.name})

    fns = ACTIVATION_FUNCTIONS
    return row(
        "Activation", "activation", core=False, params=PASSTHROUGH,
        display="Activation function",
        keras=[s("Activation", "function", activation="function"),
               *(fixed(a, a.keras) for a in fns if a.keras)],
        torch=[fixed(a, a.torch) for a in fns if a.torch],
        # in-place spellings (`torch.relu_`, `x.sigmoid_()`) compute the same
        functional=[fixed(a, n + suffix) for a in fns for n in a.functional
                    for suffix in ("", "_")],
        flax=[fixed(a, n) for a in fns for n in a.flax if n[:1].isupper()],
        flax_functional=[fixed(a, n) for a in fns for n in a.flax if n[:1].islower()])


def _by_rank(rank: int) -> list[LayerType]:
    """The rows of one dimension: convolutions and pooling in 1-D, 2-D and 3-D."""
    d = f"{rank}D"
    conv = s("Conv", "filters kernel_size strides padding", **_FLAX_CONV)
    conv_t = s("ConvTranspose", "filters kernel_size strides padding", **_FLAX_CONV)
    max_pool = s("max_pool", "inputs pool_size strides padding", **_FLAX_POOL)
    avg_pool = s("avg_pool", "inputs pool_size strides padding", **_FLAX_POOL)
    keras_conv = "filters kernel_size strides"
    return [
        row(f"Conv{d}", "convolution", params=formula("conv", rank=rank),
            display=f"{rank}-D convolution",
            keras=[s(f"Conv{d}", keras_conv, **_KERAS_CONV),
                   s(f"Convolution{d}", keras_conv, **_KERAS_CONV)],
            torch=[s(f"Conv{rank}d", "in_channels filters kernel_size strides padding",
                     **_TORCH_CONV)],
            flax=[ranked(conv, rank, "kernel_size")]),
        row(f"ConvTranspose{d}", "convolution", params=formula("conv", rank=rank),
            display=f"{rank}-D transposed convolution",
            keras=[s(f"Conv{d}Transpose", keras_conv, **_KERAS_CONV)],
            torch=[s(f"ConvTranspose{rank}d", "in_channels filters kernel_size strides",
                     **_TORCH_CONV)],
            flax=[ranked(conv_t, rank, "kernel_size")]),
        row(f"MaxPool{d}", "pooling", params=formula("pool", rank=rank),
            display=f"{rank}-D max pooling",
            keras=[s(f"MaxPooling{d}", "pool_size strides", **_KERAS_POOL),
                   s(f"MaxPool{d}", "pool_size strides", **_KERAS_POOL)],
            torch=[s(f"MaxPool{rank}d", "pool_size strides", **_TORCH_POOL)],
            functional=[f"max_pool{rank}d"],
            flax_functional=[ranked(max_pool, rank, "pool_size")]),
        row(f"AvgPool{d}", "pooling", params=formula("pool", rank=rank),
            display=f"{rank}-D average pooling",
            keras=[s(f"AveragePooling{d}", "pool_size strides", **_KERAS_POOL),
                   s(f"AvgPool{d}", "pool_size strides", **_KERAS_POOL)],
            torch=[s(f"AvgPool{rank}d", "pool_size strides", **_TORCH_POOL)],
            functional=[f"avg_pool{rank}d"],
            flax_functional=[ranked(avg_pool, rank, "pool_size")]),
        row(f"GlobalMaxPool{d}", "global_pooling", params=formula("global_pool"),
            display=f"{rank}-D global max pooling",
            keras=[s(f"GlobalMaxPooling{d}"), s(f"GlobalMaxPool{d}")],
            torch=[adaptive(f"AdaptiveMaxPool{rank}d")] if rank < 3 else [],
            functional=[f"adaptive_max_pool{rank}d"] if rank < 3 else []),
        row(f"GlobalAvgPool{d}", "global_pooling", params=formula("global_pool"),
            display=f"{rank}-D global average pooling",
            keras=[s(f"GlobalAveragePooling{d}"), s(f"GlobalAvgPool{d}")],
            torch=[adaptive(f"AdaptiveAvgPool{rank}d")] if rank < 3 else [],
            functional=[f"adaptive_avg_pool{rank}d"] if rank < 3 else []),
    ]


def _adaptive_rows() -> list[LayerType]:
    """PyTorch adaptive pools to an output size other than 1 keep their own name."""
    return [row(f"Adaptive{op}Pool{rank}d", "pooling", params=formula("pool", rank=1),
                display=f"{rank}-D adaptive {word} pooling", torch=[s(f"Adaptive{op}Pool{rank}d")])
            for op, word in (("Avg", "average"), ("Max", "max")) for rank in (1, 2)]


def _keras_only(names: str, family: str = OTHER, tricks: Iterable[str] = (),
                display: str = "") -> list[LayerType]:
    """Keras layers exnet keeps under their own name, with no arguments read."""
    return [row(n, family, params=UNKNOWN, display=display or n, tricks=tricks,
                keras=[s(n)]) for n in names.split()]


_MERGES = (("Concatenate", "concatenate", "Concatenate along the last axis"),
           ("Add", "add", "Add (residual connection or merge)"),
           ("Multiply", "multiply", "Multiply (gating)"),
           ("Subtract", "subtract", "Subtract"), ("Average", "average", "Average"),
           ("Maximum", "maximum", "Element-wise maximum"), ("Minimum", "", "Element-wise minimum"))

TYPES: tuple[LayerType, ...] = (
    row("Embedding", "embedding", params=formula("embedding"), display="Embedding",
        keras=[s("Embedding", "input_dim output_dim", input_dim="input_dim",
                 output_dim="output_dim", input_length="input_length", trainable="trainable",
                 mask_zero="mask_zero")],
        torch=[s("Embedding", "input_dim output_dim", num_embeddings="input_dim",
                 embedding_dim="output_dim", padding_idx="padding_idx"),
               s("EmbeddingBag", "input_dim output_dim", num_embeddings="input_dim",
                 embedding_dim="output_dim", mode="mode")],
        flax=[s("Embed", "input_dim output_dim", num_embeddings="input_dim",
                features="output_dim")]),
    row("LSTM", "recurrent", params=formula("recurrent", gates=4), display="LSTM",
        keras=[s("LSTM", "units", units="units", **_KERAS_RNN),
               s("CuDNNLSTM", "units", units="units", **_KERAS_RNN)],
        torch=[s("LSTM", "input_size units num_layers", **_TORCH_RNN)],
        flax=[s("LSTMCell", "units", features="units"),
              s("OptimizedLSTMCell", "units", features="units")]),
    row("GRU", "recurrent", params=formula("recurrent", gates=3, keras_reset_after=1),
        display="GRU",
        keras=[s("GRU", "units", units="units", **_KERAS_RNN),
               s("CuDNNGRU", "units", units="units", **_KERAS_RNN)],
        torch=[s("GRU", "input_size units num_layers", **_TORCH_RNN)],
        flax=[s("GRUCell", "units", features="units")]),
    row("RNN", "recurrent", params=formula("recurrent", gates=1), display="Simple RNN",
        keras=[s("SimpleRNN", "units", units="units", **_KERAS_RNN)],
        torch=[s("RNN", "input_size units num_layers", **_TORCH_RNN)],
        flax=[s("SimpleCell", "units", features="units")]),
    *_by_rank(1), *_by_rank(2), *_by_rank(3),
    row("SeparableConv1D", "convolution", params=formula("separable_conv", rank=1),
        display="1-D separable convolution",
        keras=[s("SeparableConv1D", "filters kernel_size strides", **_KERAS_CONV)]),
    row("SeparableConv2D", "convolution", params=formula("separable_conv", rank=2),
        display="2-D separable convolution",
        keras=[s("SeparableConv2D", "filters kernel_size strides", **_KERAS_CONV),
               s("SeparableConvolution2D", "filters kernel_size strides", **_KERAS_CONV)]),
    row("DepthwiseConv2D", "convolution", params=formula("depthwise_conv", rank=2),
        display="2-D depthwise convolution",
        keras=[s("DepthwiseConv2D", "kernel_size strides", **_KERAS_CONV)]),
    *_adaptive_rows(),
    row("Dense", "dense", params=formula("dense"), display="Dense (fully connected)",
        keras=[s("Dense", "units", units="units", activation="activation",
                 input_dim="input_dim", input_shape="input_shape")],
        torch=[s("Linear", "in_features units", in_features="in_features",
                 out_features="units", bias="bias"),
               s("LazyLinear", "units", out_features="units")],
        flax=[s("Dense", "units", features="units", use_bias="use_bias")]),
    row("Attention", "attention", params=formula("attention"), display="Attention",
        tricks=["attention"],
        keras=[s("Attention"), s("AdditiveAttention"),
               s("MultiHeadAttention", "num_heads key_dim", num_heads="num_heads",
                 key_dim="key_dim")],
        torch=[s("MultiheadAttention", "embed_dim num_heads", embed_dim="embed_dim",
                 num_heads="num_heads")],
        flax=[s(n, "num_heads", num_heads="num_heads", qkv_features="key_dim")
              for n in ("MultiHeadDotProductAttention", "MultiHeadAttention",
                        "SelfAttention")]),
    row("TransformerEncoder", "attention",
        params=formula("transformer", attention_blocks=1, norms=2),
        display="Transformer encoder", tricks=["attention"],
        torch=[s("TransformerEncoderLayer", "d_model num_heads dim_feedforward",
                 {"num_layers": 1}, d_model="d_model", nhead="num_heads",
                 dim_feedforward="dim_feedforward"),
               s("TransformerEncoder", f"{INNER_LAYER} num_layers",
                 encoder_layer=INNER_LAYER, num_layers="num_layers")]),
    row("TransformerDecoder", "attention",
        params=formula("transformer", attention_blocks=2, norms=3),
        display="Transformer decoder", tricks=["attention"],
        torch=[s("TransformerDecoderLayer", "d_model num_heads dim_feedforward",
                 {"num_layers": 1}, d_model="d_model", nhead="num_heads",
                 dim_feedforward="dim_feedforward"),
               s("TransformerDecoder", f"{INNER_LAYER} num_layers",
                 decoder_layer=INNER_LAYER, num_layers="num_layers")]),
    row("Pretrained", "pretrained", params=UNKNOWN, display="Pretrained backbone",
        tricks=["pretrained_backbone"]),
    row("BatchNorm", "normalization", core=False,
        params=formula("normalization", keras_per_channel=4), display="Batch normalization",
        tricks=["batch_norm"], keras=[s("BatchNormalization")],
        torch=[s(f"BatchNorm{d}d", "num_features", num_features="num_features")
               for d in (1, 2, 3)],
        flax=[s("BatchNorm")]),
    row("LayerNorm", "normalization", core=False,
        params=formula("normalization", keras_per_channel=2), display="Layer normalization",
        tricks=["layer_norm"], keras=[s("LayerNormalization")],
        torch=[s("LayerNorm", "normalized_shape", normalized_shape="normalized_shape")],
        flax=[s("LayerNorm")]),
    row("Dropout", "regularization", core=False, params=PASSTHROUGH, display="Dropout",
        tricks=["dropout"],
        keras=[_KERAS_DROPOUT, *(s(n, "rate", rate="rate") for n in (
            "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
            "AlphaDropout"))],
        torch=[_TORCH_DROPOUT, *(s(n, "rate", p="rate") for n in (
            "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"))],
        functional=["dropout"], flax=[s("Dropout", "rate", rate="rate")]),
    _activation_row(),
    row("Flatten", "reshape", core=False, params=formula("flatten"), display="Flatten",
        keras=[s("Flatten")], torch=[s("Flatten")], functional=["flatten"]),
    row("Reshape", "reshape", core=False, params=formula("reshape"), display="Reshape",
        keras=[s("Reshape", "target_shape", target_shape="target_shape"),
               s("Permute", "dims", dims="dims")],
        functional=["reshape"]),
    *(row(name, "merge", display=display,
          params=formula("concatenate") if name == "Concatenate" else PASSTHROUGH,
          tricks=["residual"] if name == "Add" else [], keras=[s(name)],
          keras_functional=[fn] if fn else [],
          functional={"Concatenate": ["cat", "concat", "concatenate"],
                            "Add": ["add"], "Multiply": ["mul", "multiply"]}.get(name, []))
      for name, fn, display in _MERGES),
    row("Dot", "merge", params=UNKNOWN, display="Dot product", keras=[s("Dot")],
        keras_functional=["dot"]),
    # Keras layers kept under their own name (no arguments read, size unknown).
    *_keras_only("GaussianNoise", display="Gaussian noise"),
    *_keras_only("Lambda", display="Lambda (custom function)"),
    *_keras_only("Merge", display="Merge (Keras 1)"),
    *_keras_only("Deconvolution2D", display="2-D transposed convolution (Keras 1)"),
    *_keras_only("TextVectorization", display="Text vectorization"),
    *_keras_only("ZeroPadding1D ZeroPadding2D ZeroPadding3D", display="Zero padding"),
    *_keras_only("Rescaling", display="Rescaling"),
    *_keras_only("RandomFlip RandomRotation RandomZoom RandomContrast RandomTranslation "
                 "RandomCrop RandomBrightness RandomHeight RandomWidth",
                 tricks=["data_augmentation"], display="Random augmentation"),
)

#: Patterns by which a type with no row (a project's own class) finds its family: the
#: first that its name matches. Attention is recognised as the attention trick is.
ATTENTION_NAME = re.compile(r"att(?:ention|n)|transformer|self_?att", re.I)
FAMILY_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (ATTENTION_NAME, "attention"),
    (re.compile(r"Conv"), "convolution"),
    (re.compile(r"^Global.*Pool"), "global_pooling"),
    (re.compile(r"Pool"), "pooling"),
    (re.compile(r"Norm$"), "normalization"),
)
#: Patterns by which a type with no row signals a trick: a custom attention layer, a
#: Keras Random* augmentation layer not in the table.
TRICK_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (ATTENTION_NAME, "attention"),
    (re.compile(r"^Random[A-Z]"), "data_augmentation"),
)

BY_NAME: dict[str, LayerType] = {t.name: t for t in TYPES}
FAMILY_BY_NAME: dict[str, Family] = {f.name: f for f in FAMILIES}


def get(kind: str) -> LayerType | None:
    """The row of a canonical type, or None for a type exnet does not know."""
    return BY_NAME.get(kind)


def family_of(kind: str) -> str:
    """The family of a layer type: its row's, else by FAMILY_PATTERNS, else "other"."""
    known = BY_NAME.get(kind)
    if known is not None:
        return known.family
    for pattern, name in FAMILY_PATTERNS:
        if pattern.search(kind):
            return name
    return OTHER


def tricks_of(kind: str) -> tuple[str, ...]:
    """The tricks a layer type signals: its row's, else by TRICK_PATTERNS."""
    known = BY_NAME.get(kind)
    if known is not None:
        return known.tricks
    return tuple(dict.fromkeys(t for pattern, t in TRICK_PATTERNS if pattern.search(kind)))


def of_family(family: str) -> frozenset[str]:
    """The canonical types of one family."""
    return frozenset(t.name for t in TYPES if t.family == family)


#: Types hidden in the core sequence: they decorate a structure rather than define it.
DECORATION = frozenset(t.name for t in TYPES if not t.core)
#: Recurrent types (their `activation` argument is the cell's, not a step of its own).
RECURRENT = of_family("recurrent")


def markdown() -> str:
    """The table for people: one line per type (`python -m exnet.layertypes`)."""
    def names(spellings: Iterable[Spelling]) -> str:
        return ", ".join(dict.fromkeys(sp.name for sp in spellings))

    lines = ["| type | family | core | Keras | PyTorch | Flax | tricks | formula |",
             "|---|---|---|---|---|---|---|---|"]
    for t in TYPES:
        torch = names(t.torch) + ("; F." + names(t.functional) if t.functional else "")
        flax = ", ".join(x for x in (names(t.flax), names(t.flax_functional)) if x)
        lines.append(f"| {t.name} | {t.family} | {'core' if t.core else 'decoration'} | "
                     f"{names((*t.keras, *t.keras_functional))} | {torch} | {flax} | "
                     f"{', '.join(t.tricks)} | {t.params.name} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
