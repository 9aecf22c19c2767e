"""Facts stage: the API era a project's code is written for, with the evidence.

Where no file pins a framework, its code still tells which versions run it: calls that
a later release removed or renamed. Each marker below is a pattern over code lines
(comment lines are skipped) with the era it shows and, where a release removed it, the
requirement it implies. A file that imports `tensorflow.compat.v1 as tf` runs its TF1
calls on TensorFlow 2, so there they show the compat era and imply nothing; likewise
a file that imports `tf_keras` (Keras 2 for TensorFlow 2.16 and later) needs no
TensorFlow before 2.16 for its Keras 2 calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exnet.records import Era, Evidence

#: A code line (file, line, cell) to scan; cell is None outside notebooks.
Line = tuple[str, int, "int | None", str]


@dataclass(frozen=True)
class Marker:
    framework: str
    era: str
    needs: str | None
    api: str
    pattern: re.Pattern[str]
    keras_only: bool = False       # only in files that import keras and not torch
    package_only: bool = False     # only in files that import the standalone keras package


def _m(framework: str, era: str, needs: str | None, api: str, pattern: str,
       keras_only: bool = False, package_only: bool = False) -> Marker:
    return Marker(framework, era, needs, api, re.compile(pattern), keras_only, package_only)


_TF = r"(?<![\w.])(?:tf|tensorflow)\."
MARKERS = (
    _m("tensorflow", "1.x", "tensorflow<2", "tf.contrib", _TF + r"contrib\b"),
    _m("tensorflow", "1.x", "tensorflow<2", "tf.Session", _TF + r"(?:Interactive)?Session\("),
    _m("tensorflow", "1.x", "tensorflow<2", "tf.placeholder", _TF + r"placeholder\("),
    _m("tensorflow", "1.x", "tensorflow<2", "tf.global_variables_initializer",
       _TF + r"global_variables_initializer\("),
    _m("tensorflow", "1.x", "tensorflow<2", "tf.train optimizers",
       _TF + r"train\.\w+Optimizer\("),
    _m("tensorflow", "1.x", "tensorflow<2", "tf.layers", _TF + r"layers\.\w+\("),
    _m("tensorflow", "1.x", "tensorflow<2", "tf.variable_scope",
       _TF + r"(?:variable_scope|get_variable)\("),
    _m("keras", "1.x", "keras<2.4", "nb_epoch=", r"\bnb_epoch\s*="),
    _m("keras", "1.x", "keras<2.4", "Keras 1 layer arguments",
       r"\b(?:init|border_mode|subsample|W_regularizer|dropout_W|dropout_U|nb_filter|"
       r"samples_per_epoch|nb_val_samples)\s*=", keras_only=True),
    _m("keras", "1.x", "keras<2.4", "Convolution2D(n, rows, cols)",
       r"\bConvolution2D\(\s*\w+\s*,\s*\d+\s*,\s*\d+\s*[,)]"),
    _m("keras", "1.x", "keras<2.4", "merge()", r"(?<![\w.])[Mm]erge\(\s*\[", keras_only=True),
    _m("keras", "2.x", "tensorflow<2.11", "optimizer lr=",
       r"\b(?:Adam|SGD|RMSprop|Adagrad|Adadelta|Adamax|Nadam)\([^)]*\blr\s*=", keras_only=True),
    _m("keras", "2.x", "tensorflow<2.6", "predict_classes", r"\.predict_classes\("),
    # Keras 3 dropped keras.preprocessing.text and ImageDataGenerator, but tf.keras
    # (keras._tf_keras) keeps them: only the standalone package's spelling shows Keras 2
    _m("keras", "2.x", "tensorflow<2.16", "keras.preprocessing.text",
       r"(?<![\w.])keras\.preprocessing(?:\.text\b|\s+import\s+(?:.*,\s*)?text\b)",
       package_only=True),
    _m("keras", "2.x", "tensorflow<2.16", "keras.preprocessing.image.ImageDataGenerator",
       r"(?<![\w.])keras\.preprocessing\.image(?:\s+import\s+.*)?\.?\bImageDataGenerator\b",
       package_only=True),
    _m("keras", "2.x", "tensorflow<2.16", "fit_generator", r"\.fit_generator\("),
    # TensorFlow Hub's layer is a Keras 2 layer: Keras 3 models refuse it
    _m("keras", "2.x", "tensorflow<2.16", "hub.KerasLayer", r"\bhub\.KerasLayer\("),
    _m("keras", "2.x", "tensorflow<2.12", "keras.wrappers.scikit_learn",
       r"\bkeras\.wrappers\.scikit_learn\b"),
    _m("keras", "2.x", "tensorflow<2", "CuDNNLSTM/CuDNNGRU", r"\bCuDNN(?:LSTM|GRU)\b"),
    # the standalone package's layer modules: Keras 2.9 moved these into sub-packages,
    # and 2.13 moved every module under keras.src
    _m("keras", "2.x", "tensorflow<2.9", "keras.layers.embeddings and other 2.8 modules",
       r"(?<![\w.])keras\.layers\.(?:embeddings|recurrent|advanced_activations|merge|"
       r"wrappers|noise)\b", package_only=True),
    _m("keras", "2.x", "tensorflow<2.13", "keras.layers.convolutional and other 2.12 modules",
       r"(?<![\w.])keras\.layers\.(?:convolutional|core|pooling|normalization)\b",
       package_only=True),
    _m("keras", "2.x", "keras<2.2", "Merge layer",
       r"\bfrom\s+keras\.layers(?:\.core)?\s+import\s+[^\n]*\bMerge\b",
       package_only=True),
    _m("keras", "2.x", "tensorflow<2.16", "ModelCheckpoint(period=)",
       r"\bModelCheckpoint\([^)]*\bperiod\s*=", keras_only=True),
    _m("keras", "2.x", "tensorflow<2.16", "Input(shape=784)",
       r"\bInput\(\s*shape\s*=\s*(?:\d+|\(\s*\d+\s*\))\s*[,)]", keras_only=True),
    _m("transformers", "4.x", "transformers<4.50", "transformers.AdamW",
       r"\bfrom\s+transformers\s+import\s+[^\n]*\bAdamW\b|\btransformers\.AdamW\b"),
    _m("torch", "0.x", None, "torch.autograd.Variable",
       r"\bautograd\.Variable\b|\bfrom torch\.autograd import .*\bVariable\b"),
    _m("torch", "0.x", "torch<0.5", "loss.data[0]", r"\b\w*loss\w*\.data\[0\]"),
    _m("torchtext", "legacy Field API", "torchtext<0.9", "torchtext.data.Field",
       r"\btorchtext\.data\b(?!\.(?:utils|functional|datasets_utils|metrics))"
       r"(?:\s+import\s+.*\b(?:Field|LabelField|BucketIterator|TabularDataset|Iterator)\b"
       r"|\.(?:Field|LabelField|BucketIterator|TabularDataset|Iterator)\b)"),
    _m("torchtext", "legacy API (torchtext.legacy)", "torchtext>=0.9,<0.12",
       "torchtext.legacy", r"\btorchtext\.legacy\b"),
)
_COMPAT_V1 = re.compile(r"\bimport\s+tensorflow\.compat\.v1\s+as\s+tf\b|"
                        r"\bfrom\s+tensorflow\.compat\s+import\s+v1\s+as\s+tf\b")
#: tf-keras is Keras 2 packaged for TensorFlow 2.16 and later
_TF_KERAS = re.compile(r"^\s*(?:import|from)\s+tf_keras\b", re.M)
_IMPORTS = re.compile(r"^\s*(?:import|from)\s+(tensorflow|keras|torch|torchvision|torchtext|"
                      r"transformers|pytorch_lightning|lightning|jax|flax|theano)\b")
MAX_EVIDENCE = 3


def standalone_keras(needs: str) -> str:
    """What a removal in tf.keras (`tensorflow<2.6`) means for the standalone `keras`
    package, whose releases follow TensorFlow's from 2.6 and became Keras 3 with 2.16."""
    bound = needs.removeprefix("tensorflow<")
    return {"2": "keras<2.4", "2.16": "keras<3"}.get(bound, f"keras<{bound}")


def imports(lines: list[Line]) -> set[str]:
    """The frameworks the code imports (tensorflow.keras counts as tensorflow)."""
    found = set()
    for _, _, _, text in lines:
        m = _IMPORTS.match(text)
        if m:
            found.add({"pytorch_lightning": "pytorch-lightning"}.get(m.group(1), m.group(1)))
    return found


def eras(files: dict[str, list[Line]]) -> list[Era]:
    """The eras the code shows, most important first (those that imply a requirement)."""
    hits: dict[tuple[str, str, str | None, str], list[Evidence]] = {}
    for lines in files.values():
        code = "\n".join(text for *_, text in lines)
        compat = _COMPAT_V1.search(code) is not None
        tf_keras = _TF_KERAS.search(code) is not None
        keras_file = re.search(r"\bkeras\b", code) is not None and \
            re.search(r"^\s*(?:import|from)\s+torch\b", code, re.M) is None
        package = re.search(r"^\s*(?:import|from)\s+keras\b", code, re.M) is not None
        standalone = package and re.search(
            r"\b(?:tensorflow|tf)\.keras\b|from tensorflow import keras", code) is None
        for rel, number, cell, text in lines:
            if text.lstrip().startswith("#"):
                continue
            for marker in MARKERS:
                if (marker.keras_only and not keras_file) or \
                        (marker.package_only and not package):
                    continue
                if not marker.pattern.search(text):
                    continue
                era, needs = marker.era, marker.needs
                if compat and marker.framework == "tensorflow":
                    era, needs = "1.x API through tf.compat.v1", None
                elif tf_keras and needs == "tensorflow<2.16":
                    needs = None
                elif standalone and marker.framework == "keras" and needs and \
                        needs.startswith("tensorflow<"):
                    needs = standalone_keras(needs)
                key = (marker.framework, era, needs, marker.api)
                found = hits.setdefault(key, [])
                if len(found) < MAX_EVIDENCE:
                    found.append(Evidence(rel, number, cell))
    out = [Era(fw, era, needs, api, tuple(ev)) for (fw, era, needs, api), ev in hits.items()]
    return sorted(out, key=lambda e: (e.needs is None, e.framework, e.api))
