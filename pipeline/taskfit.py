"""Whether a model record fits its task: shared by aggregate (totals) and check.

A mined project can hold models of another task: an MNIST autoencoder beside an IMDB
classifier, a CNN for digits in a sentiment repository. Counting them would put Conv2D
into the text-classification Sankey and MNIST into its datasets. A record is left out of
a task, with the reason, when its own evidence says it belongs elsewhere:

- the input: a text task's model with image evidence (an image backbone or an image
  dataset; 2-D convolutions alone are not, a Kim-style TextCNN has them) and no text
  evidence (an embedding, a text backbone, a text dataset), or the other way round;
- the head: a model that ends by growing its output back (transposed convolutions or
  upsampling last: an autoencoder or a generator) has no classifier head.

Records with no evidence either way fit: a misfit must be shown, not guessed.

`exnet check` also asks two softer questions about a user's own model: what its input
looks like (`looks_like`: 2-D convolutions without an embedding do count here, as a
hint to the user, never to leave a corpus model out), and which family of datasets it
is trained on (`dataset_family`: IMDB and tweets are both sentiment), so that it is
compared with the models trained on similar data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

TEXT_DATASETS = frozenset({
    "imdb", "sst2", "sst5", "ag_news", "yelp", "twitter", "20newsgroups", "reuters",
    "dbpedia", "yahoo_answers", "trec", "spam", "sms_spam", "jigsaw_toxic", "fake_news",
    "amazon_reviews", "rotten_tomatoes", "emotion", "snli", "mnli", "cola", "clinc150",
    "sarcasm_headlines", "bbc_news", "sst", "review_polarity", "news_category",
    "hate_speech_offensive", "tatoeba", "twitter_airline_sentiment", "news_aggregator",
    "financial_phrasebank",
})
IMAGE_DATASETS = frozenset({
    "mnist", "fashion_mnist", "cifar10", "cifar100", "cats_vs_dogs", "flowers", "svhn",
    "imagenet", "stl10", "emnist", "kmnist", "caltech101", "food101", "oxford_pets", "ham10000",
    "plantvillage", "brain_tumor_mri", "chest_xray", "breakhis", "tf_flowers", "flowers102",
    "malaria", "eurosat", "gtsrb", "fer2013", "fruits360", "intel_image", "stanford_cars",
    "tiny_imagenet", "hymenoptera",
})
TEXT_LAYERS = frozenset({"Embedding", "TextVectorization"})
GROWING = frozenset({"ConvTranspose2D", "Conv2DTranspose", "ConvTranspose1D",
                     "UpSampling2D", "UpSampling1D", "Deconvolution2D"})
PASSIVE = frozenset({"Activation", "Dropout", "Reshape", "Flatten", "BatchNorm"})

_TEXT_BACKBONE = re.compile(r"bert|roberta|xlnet|albert|electra|gpt|t5|bart|nnlm|"
                            r"universal-sentence|sentence|word2vec|glove|fasttext|elmo", re.I)
_IMAGE_BACKBONE = re.compile(r"resnet|vgg|mobilenet|efficientnet|inception|densenet|alexnet|"
                             r"xception|squeezenet|shufflenet|regnet|convnext|vit|nasnet|"
                             r"googlenet|wide_resnet|resnext", re.I)


def modality(task: str) -> str | None:
    """"text" or "image" for a task name ("text-classification"), else None."""
    head = task.split("-", 1)[0].lower()
    return head if head in ("text", "image") else None


def _evidence(record: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    text: list[str] = []
    image: list[str] = []
    for layer in record.get("layers") or []:
        if not isinstance(layer, Mapping):
            continue
        kind = str(layer.get("type"))
        if kind in TEXT_LAYERS:
            text.append(kind)
        elif kind == "Pretrained":
            name = str((layer.get("args") or {}).get("name") or "")
            if _IMAGE_BACKBONE.search(name):
                image.append(name)
            elif _TEXT_BACKBONE.search(name):
                text.append(name)
    for dataset in record.get("datasets") or []:
        if dataset in TEXT_DATASETS:
            text.append(str(dataset))
        elif dataset in IMAGE_DATASETS:
            image.append(str(dataset))
    return text, image


def misfit(record: Mapping[str, Any], task: str) -> str | None:
    """Why `record` does not belong to `task` (a sentence), or None when it may."""
    types = [str(layer.get("type")) for layer in record.get("layers") or []
             if isinstance(layer, Mapping)]
    core = [t for t in types if t not in PASSIVE]
    if core and core[-1] in GROWING:
        return f"no classifier head: it ends with {core[-1]} (an autoencoder or generator)"
    want = modality(task)
    text, image = _evidence(record)
    if want == "text" and image and not text:
        return f"an image model ({', '.join(dict.fromkeys(image))}) in a text task"
    if want == "image" and text and not image:
        return f"a text model ({', '.join(dict.fromkeys(text))}) in an image task"
    return None


#: Datasets that pose the same problem, by family (a model is compared with its family).
DATASET_FAMILIES: dict[str, frozenset[str]] = {
    "sentiment": frozenset({"imdb", "sst", "sst2", "sst5", "yelp", "amazon_reviews",
                            "rotten_tomatoes", "twitter", "emotion"}),
    "topic": frozenset({"ag_news", "20newsgroups", "reuters", "dbpedia", "yahoo_answers"}),
    "spam": frozenset({"spam", "sms_spam"}),
    "toxicity": frozenset({"jigsaw_toxic"}),
    "fake news": frozenset({"fake_news"}),
    "intent": frozenset({"trec", "clinc150"}),
    "sentence pairs": frozenset({"snli", "mnli", "glue", "cola"}),
    "digits and clothing (28×28 grey)": frozenset({"mnist", "fashion_mnist", "emnist",
                                                    "kmnist", "digits"}),
    "small colour images (32×32)": frozenset({"cifar10", "cifar100", "svhn", "stl10"}),
    "photos": frozenset({"cats_vs_dogs", "flowers", "tf_flowers", "flowers102",
                         "oxford_pets", "food101", "caltech101", "imagenet"}),
    "medical images": frozenset({"ham10000"}),
}
_FAMILY_OF = {d: family for family, ids in DATASET_FAMILIES.items() for d in ids}


def dataset_family(record: Mapping[str, Any]) -> str | None:
    """The family of the first of a record's datasets that has one, else None."""
    for dataset in record.get("datasets") or []:
        family = _FAMILY_OF.get(str(dataset))
        if family is not None:
            return family
    return None


_IMAGE_LAYERS = re.compile(r"^(Separable|Depthwise)?Conv(Transpose)?[23]D$|^(Global)?"
                           r"(Max|Avg)Pool[23]D$|^Random[A-Z]")


def looks_like(record: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """"text", "image" or None for what a model's input looks like, with the evidence:
    the evidence of `misfit` first; without it, an embedding says text, and 2-D or 3-D
    convolutions or pooling with no embedding say image."""
    text, image = _evidence(record)
    if bool(text) != bool(image):
        return ("text", text) if text else ("image", image)
    if text:
        return None, []
    types = [str(layer.get("type")) for layer in record.get("layers") or []
             if isinstance(layer, Mapping)]
    if any(t in TEXT_LAYERS for t in types):
        return "text", [t for t in dict.fromkeys(types) if t in TEXT_LAYERS]
    shown = [t for t in dict.fromkeys(types) if _IMAGE_LAYERS.match(t)]
    return ("image", shown) if shown else (None, [])
