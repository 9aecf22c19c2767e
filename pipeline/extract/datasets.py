"""Datasets and input preparation: what a model is trained on and how the data is prepared.

Datasets come from loader calls first (`imdb.load_data`, `torchvision.datasets.CIFAR10`,
`load_dataset("imdb")`, `tfds.load`, file names passed to `read_csv` ...) and from README
mentions second. Preparation steps (tokenizers, vectorizers, padding, pretrained word
vectors, image resizing, augmentation, normalisation) become `Preprocessing` entries, and
padding length and pretrained embeddings also become hyperparameters.
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

from exnet.extract import hyperparameters
from exnet.extract.program import Event, Frame
from exnet.extract.state import State
from exnet.extract.values import Const, ListVal, Value, json_safe, plain, source_text

#: Loader names (last part of a qualified name, lower-cased, no punctuation) -> dataset id.
_LOADERS = {
    "imdb": "imdb", "imdbreviews": "imdb", "reuters": "reuters", "mnist": "mnist",
    "fashionmnist": "fashion_mnist", "cifar10": "cifar10", "cifar100": "cifar100",
    "agnews": "ag_news", "sst2": "sst2", "sst": "sst", "yelpreviewpolarity": "yelp",
    "yelpreviewfull": "yelp", "yelppolarity": "yelp", "yelpreviewfull_": "yelp",
    "amazonreviewpolarity": "amazon_reviews", "amazonreviewfull": "amazon_reviews",
    "amazonpolarity": "amazon_reviews", "dbpedia": "dbpedia", "dbpedia14": "dbpedia",
    "yahooanswers": "yahoo_answers", "trec": "trec", "emnist": "emnist", "kmnist": "kmnist",
    "svhn": "svhn", "stl10": "stl10", "imagenet": "imagenet", "caltech101": "caltech101",
    "fetch20newsgroups": "20newsgroups", "20newsgroups": "20newsgroups",
    "loaddigits": "digits", "emotion": "emotion", "dairaiemotion": "emotion",
    "tweeteval": "twitter",
    "rottentomatoes": "rotten_tomatoes", "tfflowers": "tf_flowers", "catsvsdogs": "cats_vs_dogs",
    "sentiment140": "twitter", "glue": "glue", "multinli": "mnli", "snli": "snli",
    "bostonhousing": "boston_housing", "oxfordflowers102": "flowers102", "food101": "food101",
    "eurosat": "eurosat", "gtsrb": "gtsrb", "stanfordcars": "stanford_cars",
    "financialphrasebank": "financial_phrasebank",
}
#: Words in file names and README text -> dataset id (checked in this order).
_MENTIONS = [
    # Pang and Lee's movie reviews ("polarity dataset v2.0", txt_sentoken/), which were
    # taken from imdb.com but are not the IMDB dataset; nor is a link to imdb.com
    (re.compile(r"\breview[-_ ]polarity|\btxt_sentoken|\bpolarity[-_ ]dataset", re.I),
     "review_polarity"),
    (re.compile(r"\bimdb(?!\.com)", re.I), "imdb"),
    (re.compile(r"\bsst[-_ ]?2\b|stanford sentiment treebank", re.I), "sst2"),
    (re.compile(r"\bag[-_ ]?news\b", re.I), "ag_news"),
    (re.compile(r"\byelp", re.I), "yelp"),
    # Kaggle's "Emotions dataset for NLP" (tweets too, but a named set before "tweets")
    (re.compile(r"\bemotions?[-_ ](?:dataset|for[-_ ]nlp)", re.I), "emotion"),
    (re.compile(r"\bsarcasm[-_ ]?headlines?|\bheadlines?[-_ ]dataset[-_ ]for[-_ ]sarcasm",
                re.I), "sarcasm_headlines"),
    # Kaggle's "Twitter US Airline Sentiment" (Tweets.csv, airline_sentiment column)
    (re.compile(r"\b(?:us[-_ ])?airline[-_ ]sentiment|\bairline[-_ ]tweets", re.I),
     "twitter_airline_sentiment"),
    (re.compile(r"sentiment140|\btwitter\b|\btweets?\b", re.I), "twitter"),
    (re.compile(r"20[-_ ]?news[-_ ]?groups?", re.I), "20newsgroups"),
    (re.compile(r"\bfashion[-_ ]?mnist\b", re.I), "fashion_mnist"),
    # (Kaggle's copy ships the images as hmnist_28_28_RGB.csv and the like)
    (re.compile(r"\bham[-_ ]?10000\b|\bhmnist_\d+_\d+", re.I), "ham10000"),
    # not "skin-cancer-mnist-ham10000" (a Kaggle name) nor "kmnist"/"emnist"
    (re.compile(r"(?<!fashion[-_ ])(?<!fashion)(?<![\w-])mnist(?![\w-])", re.I), "mnist"),
    # Kaggle's "Digit Recognizer" competition is MNIST in CSV files
    (re.compile(r"kaggle\.com/c/digit-recognizer|\bdigit[-_ ]recognizer[-_ ]competition",
                re.I), "mnist"),
    (re.compile(r"\boxford[-_ ]?(?:iiit[-_ ]?)?pets?\b", re.I), "oxford_pets"),
    (re.compile(r"\bflowers?[-_ ]?(?:102|recognition|photos)\b|\btf_flowers\b", re.I),
     "flowers"),
    (re.compile(r"\bcifar[-_ ]?100\b", re.I), "cifar100"),
    (re.compile(r"\bcifar[-_ ]?10\b", re.I), "cifar10"),
    (re.compile(r"\bsms[-_ ]?spam|\bspam\.csv|\bspam[-_ ]?collection", re.I), "sms_spam"),
    (re.compile(r"\bfake[-_ ]?news\b", re.I), "fake_news"),
    (re.compile(r"\btoxic|\bjigsaw", re.I), "jigsaw_toxic"),
    (re.compile(r"\bamazon[-_ ]?(?:fine[-_ ]?food|review)", re.I), "amazon_reviews"),
    (re.compile(r"\breuters\b", re.I), "reuters"),
    (re.compile(r"\bbbc[-_ ]?news\b|\bbbc[-_ ]?text", re.I), "bbc_news"),
    # Tatoeba's sentences in hundreds of languages: language identification
    (re.compile(r"\btatoeba\b", re.I), "tatoeba"),
    # Li and Roth's question classification set (TREC-6, TREC-50)
    (re.compile(r"\btrec(?:[-_ ]?(?:6|50|qa|question))?\b", re.I), "trec"),
    (re.compile(r"\bnews[-_ ]?category[-_ ]?dataset", re.I), "news_category"),
    # Malo et al.'s Financial PhraseBank (Kaggle's "sentiment analysis for financial news")
    (re.compile(r"financial[-_ ]?phrase[-_ ]?bank|sentiment[-_ ]analysis[-_ ]for[-_ ]financial"
                r"[-_ ]news", re.I), "financial_phrasebank"),
    # UCI's News Aggregator (422,000 headlines in four categories)
    (re.compile(r"\buci[-_ ]news|\bnews[-_ ]aggregator", re.I), "news_aggregator"),
    # Davidson et al.'s tweets, Kaggle's "hate speech and offensive language dataset"
    (re.compile(r"\bhate[-_ ]?speech[-_ ]?and[-_ ]?offensive", re.I), "hate_speech_offensive"),
    (re.compile(r"\bcats?[-_ ]?(?:vs\.?|and)[-_ ]?dogs?\b|\bdogs?[-_ ]?vs\.?[-_ ]?cats?\b",
                re.I), "cats_vs_dogs"),
    (re.compile(r"\bsvhn\b", re.I), "svhn"),
    # the ants and bees of PyTorch's transfer-learning tutorial
    (re.compile(r"\bhymenoptera", re.I), "hymenoptera"),
    # Stanford CS231n's 200-class, 64-pixel subset of ImageNet
    (re.compile(r"\btiny[-_ ]?image[-_ ]?net", re.I), "tiny_imagenet"),
    (re.compile(r"\bstl[-_ ]?10\b", re.I), "stl10"),
    # Kaggle sets learners often use
    (re.compile(r"\bplant[-_ ]?village\b", re.I), "plantvillage"),
    # Kaggle's "New Plant Diseases Dataset (Augmented)" is PlantVillage, augmented offline
    (re.compile(r"\bnew[-_ ]?plant[-_ ]?diseases?[-_ ]?dataset", re.I), "plantvillage"),
    (re.compile(r"\bmalaria\b", re.I), "malaria"),
    (re.compile(r"\beurosat\b", re.I), "eurosat"),
    (re.compile(r"\bintel[-_ ]image[-_ ]classification\b", re.I), "intel_image"),
    (re.compile(r"\bfer[-_ ]?2013\b", re.I), "fer2013"),
    # Fruits-360 is published as the "Fruit-Images-Dataset" repository
    (re.compile(r"\bfruits?[-_ ]?360\b|\bfruit[-_ ]images[-_ ]dataset\b", re.I), "fruits360"),
    (re.compile(r"\bgtsrb\b|\bgerman[-_ ]?traffic[-_ ]?signs?\b", re.I), "gtsrb"),
    (re.compile(r"\bfood[-_ ]?101\b", re.I), "food101"),
    # Krause et al.'s 196 car models ("Stanford Cars", Kaggle's stanford-car-dataset)
    (re.compile(r"\bstanford[-_ ]?cars?(?:[-_ ]?dataset)?\b", re.I), "stanford_cars"),
    (re.compile(r"\bbrain[-_ ]?tumou?rs?\b", re.I), "brain_tumor_mri"),
    (re.compile(r"\bchest[-_ ]?x[-_ ]?rays?\b", re.I), "chest_xray"),
    (re.compile(r"\bbreakhis", re.I), "breakhis"),
]
#: Keywords a dataset class is made with.
_DATASET_KEYWORDS = ("root", "train", "download", "transform", "csv_file", "split",
                     "data_dir", "root_dir")
_FILE_READERS = ("read_csv", "read_table", "read_json", "read_excel", "read_parquet",
                 "open", "ImageFolder", "flow_from_directory", "image_dataset_from_directory",
                 "text_dataset_from_directory", "load_files", "loadtxt", "load", "get_file",
                 "TabularDataset", "DatasetFolder", "listdir", "glob", "ZipFile")

#: Methods of data objects that read files -> their keyword arguments that hold a path.
_READER_METHODS = {"flow_from_directory": ("directory",),
                   "flow_from_dataframe": ("directory",)}

#: (qualified-name suffix, kind, canonical arg names kept)
_PREPARATION = {
    "Tokenizer": ("tokenizer", ("num_words", "oov_token", "lower", "char_level")),
    "TextVectorization": ("vectorizer", ("max_tokens", "output_sequence_length",
                                         "output_mode", "ngrams")),
    "CountVectorizer": ("vectorizer", ("max_features", "ngram_range", "min_df", "max_df",
                                       "stop_words")),
    "TfidfVectorizer": ("vectorizer", ("max_features", "ngram_range", "min_df", "max_df",
                                       "stop_words")),
    "HashingVectorizer": ("vectorizer", ("n_features", "ngram_range")),
    "get_tokenizer": ("tokenizer", ()),
    "build_vocab_from_iterator": ("tokenizer", ("min_freq", "max_tokens")),
    "pad_sequences": ("padding", ("maxlen", "padding", "truncating")),
    "pad_sequence": ("padding", ("batch_first",)),
    "Resize": ("resize", ("size",)),
    "Resizing": ("resize", ("height", "width")),
    "RandomResizedCrop": ("augmentation", ("size",)),
    "RandomCrop": ("augmentation", ("size",)),
    "RandomHorizontalFlip": ("augmentation", ("p",)),
    "RandomVerticalFlip": ("augmentation", ("p",)),
    "RandomRotation": ("augmentation", ("degrees", "factor")),
    "ColorJitter": ("augmentation", ("brightness", "contrast", "saturation", "hue")),
    "RandomAffine": ("augmentation", ("degrees",)),
    "RandomFlip": ("augmentation", ("mode",)),
    "RandomZoom": ("augmentation", ("height_factor",)),
    "RandomContrast": ("augmentation", ("factor",)),
    "RandomTranslation": ("augmentation", ("height_factor", "width_factor")),
    "AutoAugment": ("augmentation", ()),
    "RandAugment": ("augmentation", ()),
    "TrivialAugmentWide": ("augmentation", ()),
    "RandomErasing": ("augmentation", ()),
    "Normalize": ("normalization", ("mean", "std")),
    "Rescaling": ("normalization", ("scale",)),
}
_POSITIONAL = {"Tokenizer": ("num_words",), "pad_sequences": ("sequences", "maxlen"),
               "Resize": ("size",), "Resizing": ("height", "width"),
               "RandomResizedCrop": ("size",), "RandomCrop": ("size",),
               "RandomRotation": ("degrees",), "Normalize": ("mean", "std"),
               "Rescaling": ("scale",), "TfidfVectorizer": (), "CountVectorizer": ()}
_IMAGE_GENERATOR_AUGMENT = ("rotation_range", "width_shift_range", "height_shift_range",
                            "shear_range", "zoom_range", "horizontal_flip", "vertical_flip",
                            "brightness_range")
_EMBEDDINGS = [
    (re.compile(r"glove", re.I), "glove"),
    (re.compile(r"word2vec|googlenews", re.I), "word2vec"),
    (re.compile(r"fasttext|wiki-news-300d|crawl-300d|cc\.[a-z]{2}\.300", re.I), "fasttext"),
]


def canonical_dataset(text: str) -> str | None:
    key = re.sub(r"[^a-z0-9]", "", text.lower())
    if key in _LOADERS:
        return _LOADERS[key]
    for pattern, dataset in _MENTIONS:
        if pattern.search(text):
            return dataset
    return None


#: `load_dataset("csv", data_files=...)` and friends name a file format, not a dataset.
_HUB_BUILDERS = frozenset({"csv", "json", "text", "parquet", "arrow", "pandas", "imagefolder",
                           "audiofolder", "webdataset", "sql", "generator",
                           # and a local folder (`load_dataset("data/train")`)
                           "data", "dataset", "datasets", "train", "test", "val", "valid"})
_HUB_NAME = re.compile(r"^(?:[\w.-]+/)?[A-Za-z][\w.-]*$")


def hub_dataset(name: str) -> str | None:
    """A Hugging Face Hub dataset outside the vocabulary (`load_dataset("arbml/Arabic_
    Sentiment_Twitter_Corpus")`) is its own id, its name in lower snake case; a builder
    of local files or a path is none."""
    base = name.split("/")[-1]
    if not _HUB_NAME.match(name) or base.lower() in _HUB_BUILDERS or \
            re.search(r"\.(?:csv|json|jsonl|txt|tsv|parquet|zip)$", base, re.I):
        return None
    return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_") or None


def readme_mentions(text: str) -> list[tuple[str, int]]:
    """(dataset, line of its first mention) for the datasets a README names, in the
    order of the mention table."""
    found: dict[str, int] = {}
    for pattern, dataset in _MENTIONS:
        match = pattern.search(text)
        if match and dataset not in found:
            found[dataset] = text.count("\n", 0, match.start()) + 1
    return list(found.items())


def _event(state: State, kind: str, name: str, value: Any, frame: Frame, line: int,
           **extra: Any) -> None:
    state.clock += 1
    state.emit(Event(kind, name, value, line, "literal", frame.module, state.unit, state.clock,
                     file=frame.module.rel, extra=extra))


def _strings(values: list[Value]) -> list[str]:
    out = []
    for value in values:
        v = plain(value)
        if isinstance(v, str):
            out.append(v)
        elif isinstance(value, ListVal):
            out.extend(_strings(value.items))
    return out


def on_library_call(state: State, name: str, pos: list[Value], kw: dict[str, Value],
                    node: cst.Call, frame: Frame) -> None:
    """Record dataset and preparation findings; never changes the call's value."""
    parts = name.split(".")
    last = parts[-1]
    line = frame.module.line(node)
    dataset = None
    if last == "load_data" and len(parts) >= 2 and "datasets" in name:
        dataset = canonical_dataset(parts[-2])
    elif ".datasets." in name and (last[:1].isupper() or last in ("splits", "iters")
                                   and len(parts) > 1 and parts[-2][:1].isupper()):
        # `datasets.CIFAR10(...)`, and torchtext's `datasets.SST.splits(...)`
        kind = last if last[:1].isupper() else parts[-2]
        dataset = None if kind in ("ImageFolder", "DatasetFolder") else \
            canonical_dataset(kind)
    elif last in ("load_dataset",) or name in ("tensorflow_datasets.load",
                                               "tensorflow_datasets.builder"):
        strings = _strings(pos[:2]) or _strings([kw.get("path", Const(None, 0))])
        if strings and strings[0] == "glue" and len(strings) > 1:
            dataset = canonical_dataset(strings[1]) or strings[1].lower()
        elif strings:
            dataset = canonical_dataset(strings[0].split(":")[0].split("/")[-1]) or \
                hub_dataset(strings[0])
    elif last.startswith(("fetch_", "load_")) and name.startswith("sklearn.datasets"):
        dataset = canonical_dataset(last)
    elif last[:1].isupper() and re.sub(r"[^a-z0-9]", "", last.lower()) in _LOADERS and \
            any(k in kw for k in _DATASET_KEYWORDS):
        # `CIFAR10(root=..., train=True)` of a dataset class the project imports from a
        # module of its own that is not in the repository (`from tools.dataloader import
        # CIFAR10`): named as torchvision's is
        dataset = _LOADERS[re.sub(r"[^a-z0-9]", "", last.lower())]
    if dataset is None and last in _FILE_READERS:
        dataset = _named_by_path(list(pos) + list(kw.values()))
        # an archive unpacked (`ZipFile("glove.6B.zip")`) is not where vectors are read
        for text in _strings(list(pos)) if last != "ZipFile" else ():
            for pattern, embedding in _EMBEDDINGS:
                if pattern.search(text):
                    _embeddings(state, embedding, frame, line, source_text(node.func))
                    break
    if dataset is not None:
        _event(state, "dataset", dataset, dataset, frame, line)
    _preparation(state, name, last, pos, kw, node, frame)


def on_reader_method(state: State, method: str, pos: list[Value], kw: dict[str, Value],
                     node: cst.Call, frame: Frame) -> None:
    """A reading method of an object (`datagen.flow_from_directory("data/food-101")`)
    names its dataset by its path, as a reader function does."""
    if method not in _READER_METHODS:
        return
    dataset = _named_by_path(list(pos) + [kw[k] for k in _READER_METHODS[method] if k in kw])
    if dataset is not None:
        _event(state, "dataset", dataset, dataset, frame, frame.module.line(node))


def _named_by_path(values: list[Value]) -> str | None:
    """The dataset the first path among `values` names: its last part, else all of it."""
    for text in _strings(values):
        dataset = canonical_dataset(text.replace("\\", "/").split("/")[-1]) or \
            canonical_dataset(text)
        if dataset:
            return dataset
    return None


def on_project_dataset(state: State, base_names: list[str], pos: list[Value],
                       kw: dict[str, Value], node: cst.CSTNode | None,
                       frame: Frame) -> None:
    """A project's own Dataset class made with a path (`DogCatDataset("../dogs-vs-cats")`):
    the path names the dataset as a file reader's would."""
    if node is None or not any(b.rsplit(".", 1)[-1].endswith("Dataset") for b in base_names):
        return
    dataset = _named_by_path(list(pos) + list(kw.values()))
    if dataset is not None:
        _event(state, "dataset", dataset, dataset, frame, frame.module.line(node))


def _embeddings(state: State, embedding: str, frame: Frame, line: int,
                api: str) -> None:
    _event(state, "prep", "embeddings", {"kind": "embeddings", "api": api,
                                      "args": {"name": embedding}}, frame, line)
    hyperparameters.emit(state, "pretrained_embeddings",
                         Const(embedding, line, "literal", frame.module.rel),
                         frame.module.tree, frame)


def _preparation(state: State, name: str, last: str, pos: list[Value],
                 kw: dict[str, Value], node: cst.Call, frame: Frame) -> None:
    line = frame.module.line(node)
    api = source_text(node.func)
    if last in ("GloVe", "FastText", "Vectors") and "torchtext" in name or \
            last in ("load_word2vec_format", "KeyedVectors") or name.startswith("gensim"):
        text = " ".join(_strings(list(pos) + list(kw.values()))) + " " + name
        for pattern, embedding in _EMBEDDINGS:
            if pattern.search(text) or pattern.search(last):
                _embeddings(state, embedding, frame, line, api)
                return
        if "word2vec" in name.lower() or "keyedvectors" in name.lower():
            _embeddings(state, "word2vec", frame, line, api)
        return
    if last == "ImageDataGenerator":
        augment = [k for k in _IMAGE_GENERATOR_AUGMENT if k in kw]
        if augment:
            _event(state, "prep", "augmentation", {"kind": "augmentation", "api": api,
                                                "args": {k: json_safe(plain(kw[k])) for k in
                                                         augment}}, frame, line)
        if "rescale" in kw:
            _event(state, "prep", "normalization", {"kind": "normalization", "api": api,
                                                 "args": {"rescale": json_safe(
                                                     plain(kw["rescale"]))}}, frame, line)
        return
    if last.endswith("Tokenizer") and last != "Tokenizer" or \
            name.startswith(("transformers.", "tokenizers.")) and "Tokenizer" in name:
        checkpoint = plain(pos[0]) if pos else None
        args = {"name": checkpoint} if isinstance(checkpoint, str) else {}
        _event(state, "prep", "tokenizer", {"kind": "tokenizer", "api": api, "args": args},
               frame, line)
        return
    spec = _PREPARATION.get(last)
    if spec is None:
        return
    if last in ("Normalize", "Resize", "RandomCrop") and not any(
            s in name for s in ("transforms", "albumentations", "layers")):
        return
    kind, keep = spec
    raw: dict[str, Any] = {}
    for i, key in enumerate(_POSITIONAL.get(last, ())):
        if i < len(pos):
            raw[key] = plain(pos[i])
    for key in keep:
        if key in kw:
            raw[key] = plain(kw[key])
    args = {k: json_safe(v) for k, v in raw.items() if k in keep and json_safe(v) is not None}
    _event(state, "prep", kind, {"kind": kind, "api": api, "args": args}, frame, line)
    if last == "TextVectorization" and "output_sequence_length" in kw:
        hyperparameters.emit(state, "max_sequence_length", kw["output_sequence_length"], node,
                             frame)
    if last == "pad_sequences" and "maxlen" not in kw and len(pos) > 1:
        hyperparameters.emit(state, "max_sequence_length", pos[1], node, frame)
