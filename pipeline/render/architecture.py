"""Render stage: a model's architecture in a few words ("BiLSTM + attention", "CNN",
"BERT (pretrained) + GRU").

The name labels the clusters of the model map and is a field of the site search, so a
learner can find "GRU attention" models. It is read from the record: the families of
its layers (`families.family_of`), the recurrent layer and whether it is bidirectional,
convolutions by rank, the pretrained backbone's name, and attention of any kind (the
rule of the trick table, `exnet.tricks`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from exnet.render.families import family_of
from exnet.tricks import Facts, attention, residual

#: Pretrained backbones by name, most specific first: (pattern, short name).
_BACKBONES = (
    (r"distilbert", "DistilBERT"), (r"roberta", "RoBERTa"), (r"albert", "ALBERT"),
    (r"electra", "ELECTRA"), (r"xlnet", "XLNet"), (r"bert", "BERT"), (r"gpt", "GPT"),
    (r"\bt5|/t5", "T5"), (r"bart", "BART"), (r"resnext", "ResNeXt"),
    (r"wide_resnet", "Wide ResNet"), (r"resnet", "ResNet"), (r"vgg", "VGG"),
    (r"mobilenet", "MobileNet"), (r"efficientnet", "EfficientNet"),
    (r"inception", "Inception"), (r"densenet", "DenseNet"), (r"xception", "Xception"),
    (r"convnext", "ConvNeXt"), (r"\bvit|vit_", "ViT"), (r"alexnet", "AlexNet"),
    (r"squeezenet", "SqueezeNet"), (r"shufflenet", "ShuffleNet"), (r"nasnet", "NASNet"),
    (r"glove", "GloVe"), (r"word2vec", "word2vec"), (r"fasttext", "fastText"),
    (r"universal-sentence", "Universal Sentence Encoder"), (r"nnlm", "NNLM"),
    (r"elmo", "ELMo"),
)
_DEPTH = re.compile(r"(?:resnet|vgg|densenet)[-_]?(\d+)", re.I)


def backbone(name: str) -> str:
    """A pretrained model's name shortened: "bert-base-uncased" -> "BERT",
    "torchvision.models.resnet50" -> "ResNet-50"."""
    low = name.lower()
    for pattern, short in _BACKBONES:
        if re.search(pattern, low):
            depth = _DEPTH.search(low)
            return f"{short}-{depth.group(1)}" if depth and short in (
                "ResNet", "VGG", "DenseNet") else short
    tail = re.split(r"[/.]", name)[-1]
    return tail[:24] if tail and not tail.startswith("_") else "pretrained model"


def architecture_name(record: Mapping[str, Any]) -> str:
    """What the model is, in a few words (see the module docstring)."""
    layers = [layer for layer in record.get("layers") or [] if isinstance(layer, Mapping)]
    types = [str(layer.get("type")) for layer in layers]
    facts = Facts.of({**record, "layers": layers})
    parts: list[str] = []
    for layer in layers:
        if layer.get("type") == "Pretrained":
            name = str((layer.get("args") or {}).get("name") or "")
            short = backbone(name) if name else "pretrained model"
            parts.append(short if short == "pretrained model" else f"{short} (pretrained)")
            break
    transformer = any(t.startswith("Transformer") for t in types)
    if transformer:
        parts.append("Transformer")
    ranks = {t[-2] for t in types if family_of(t) == "convolution" and t[-2:-1].isdigit()}
    if ranks & {"2", "3"}:
        parts.append("ResNet-style CNN" if residual(facts) else "CNN")
    elif ranks:
        parts.append("1-D CNN")
    recurrent = next((t for t in types if family_of(t) == "recurrent"), None)
    if recurrent is not None:
        parts.append(("Bi" if facts.bidirectional else "") + recurrent)
    if not parts:
        if "Dense" in types:
            parts.append("embedding + MLP" if "Embedding" in types else "MLP")
        else:
            parts.append(types[0] if types else "no layers")
    if attention(facts) and not transformer and not any("pretrained" in p for p in parts):
        parts.append("attention")
    return " + ".join(parts)
