"""The canonical vocabulary as the extractor reads it: framework names -> layer types.

A Keras model and a PyTorch model of the same structure compare as equal because both
map onto one set of layer types (docs/ARCHITECTURE.md, "Canonical vocabulary"). The
spellings live in the layer-type table, `exnet.layertypes`; this module indexes them by
framework, name -> `Kind`: which canonical type a class becomes and how its constructor
arguments are named canonically (positional parameter names in order, keyword renames,
arguments the class implies). Anything not listed keeps its own class name as type, so
nothing is lost. Name normalisation that is not about layer types (activation strings,
pretrained backbone names) is here too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from exnet import layertypes
from exnet.layertypes import Spelling


@dataclass(frozen=True)
class Kind:
    """How one framework class maps: canonical type, positional names, keyword renames."""

    type: str
    positional: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, object] = field(default_factory=dict)   # args implied by the class


def _kind(type_: str, spelling: Spelling) -> Kind:
    return Kind(type_, spelling.positional, spelling.rename, spelling.fixed)


def _spellings(column: str, *, adaptive: bool = False,
               ranked: bool = False) -> dict[str, Kind]:
    """name -> Kind for one spelling column of the table; a name spelled by two types is
    an error in the table (tests/test_layertypes.py)."""
    out: dict[str, Kind] = {}
    for row in layertypes.TYPES:
        for spelling in getattr(row, column):
            if spelling.adaptive != adaptive or bool(spelling.rank) != ranked:
                continue
            key = f"{spelling.name}/{spelling.rank}" if ranked else spelling.name
            if key in out:
                raise ValueError(f"{column} spelling {key} is both {out[key].type} "
                                 f"and {row.name} in exnet.layertypes")
            out[key] = _kind(row.name, spelling)
    return out


#: keras.layers.<Name> -> Kind
KERAS: dict[str, Kind] = _spellings("keras")
#: torch.nn.<Name> -> Kind (adaptive pools are TORCH_ADAPTIVE)
TORCH: dict[str, Kind] = _spellings("torch")
#: flax.linen.<Name> -> Kind; FLAX_RANKED["Conv/2"]: nn.Conv with a 2-D kernel_size
FLAX: dict[str, Kind] = _spellings("flax")
FLAX_RANKED: dict[str, Kind] = _spellings("flax", ranked=True)
#: flax.linen.<name>(x) functions (activations), and by rank (nn.max_pool)
FLAX_FUNCTIONS: dict[str, Kind] = _spellings("flax_functional")
FLAX_FUNCTIONS_RANKED: dict[str, Kind] = _spellings("flax_functional", ranked=True)
#: Keras functional merge helpers written in lower case: layers.concatenate([a, b]).
KERAS_MERGE_FUNCTIONS: dict[str, str] = {
    name: kind.type for name, kind in _spellings("keras_functional").items()}
#: nn.AdaptiveAvgPool2d(1) is a global pool; other output sizes keep their own name.
TORCH_ADAPTIVE: dict[str, str] = {
    name: kind.type for name, kind in _spellings("torch", adaptive=True).items()}
_FUNCTIONAL = _spellings("functional")
#: Activation functions by the last part of their qualified name, for functional calls
#: (F.relu, torch.sigmoid, tf.nn.softmax, x.relu(), and in place: torch.relu_).
ACTIVATION_FUNCTIONS: dict[str, str] = {
    name: str(kind.fixed["function"]) for name, kind in _FUNCTIONAL.items()
    if kind.type == "Activation"}
#: F.max_pool2d, F.avg_pool1d ... -> pooling type
FUNCTIONAL_POOLS: dict[str, str] = {
    name: kind.type for name, kind in _FUNCTIONAL.items()
    if layertypes.family_of(kind.type) == "pooling"}
#: F.adaptive_avg_pool2d ... -> global pooling type, when pooled to size 1
FUNCTIONAL_GLOBAL: dict[str, str] = {
    name: kind.type for name, kind in _FUNCTIONAL.items()
    if layertypes.family_of(kind.type) == "global_pooling"}
#: The canonical argument whose value is a layer this one repeats (its arguments are
#: copied): nn.TransformerEncoder(encoder_layer, num_layers).
INNER_LAYER = layertypes.INNER_LAYER

#: Keras names that are not layers of the model.
KERAS_INPUTS = frozenset({"Input", "InputLayer"})
KERAS_WRAPPERS = frozenset({"Bidirectional", "TimeDistributed"})
#: Modules that compute nothing a reader of the architecture would list.
TORCH_NOT_LAYERS = frozenset({"Identity"})


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


def torchvision_backbone(name: str) -> bool:
    """`torchvision.models.resnet18` and the like: a function that builds a backbone (not
    `get_model`, `list_models`, a weights enum or a sub-module's helper)."""
    last = name.rsplit(".", 1)[-1]
    return name.startswith("torchvision.models.") and name == name.lower() and \
        name.count(".") <= 3 and not last.startswith(("get_", "list_", "load")) and \
        "weights" not in last


def keras_backbone(name: str) -> bool:
    """`keras.applications.ResNet50` and the like (names folded to `keras.`)."""
    return name.startswith(KERAS_APPLICATIONS) and name.rsplit(".", 1)[-1][:1].isupper()


def backbone_constructor(name: str) -> bool:
    """A library function or class whose call builds a pretrained backbone."""
    return torchvision_backbone(name) or keras_backbone(name)
