"""Datasets (loader calls first, README mentions second) and input preparation
(tokenizers, vectorizers, padding, pretrained word vectors, resizing, augmentation).

Fixtures: datasets/* (one small project each), hyperparameters/*, keras_sequential_list.
"""

from __future__ import annotations

import pytest
from extract_helpers import extract, find_model, fixture, hyper, line_of

# (fixture project, file, model name, datasets)
DATASETS = [
    ("datasets/keras_imdb", "imdb_gru.py", "model", ["imdb"]),              # imdb.load_data
    ("datasets/torchvision_cifar", "train.py", "SimpleCNN", ["cifar10"]),   # datasets.CIFAR10
    ("datasets/hf_imdb", "finetune.py", "model", ["imdb"]),                 # load_dataset
    # tfds.load("imdb_reviews"); the README mentions IMDB too: listed once
    ("datasets/tfds_imdb", "train.py", "model", ["imdb"]),
    # the code reads data/reviews.csv; only the README names the dataset
    ("datasets/readme_csv", "cnn.py", "model", ["imdb"]),
    ("hyperparameters/keras_constants", "train.py", "model", ["fashion_mnist"]),
    ("hyperparameters/keras_rmsprop", "imdb_dense.py", "network", ["imdb"]),
    ("keras_sequential_list", "mnist_add.py", "model", ["mnist"]),
]


@pytest.mark.parametrize("project,file,name,datasets", DATASETS,
                         ids=[d[0].split("/")[-1] + ":" + d[1] for d in DATASETS])
def test_datasets(project: str, file: str, name: str, datasets: list[str]) -> None:
    model = find_model(extract(fixture(project)), name, file)
    assert model["datasets"] == datasets


def test_loader_in_an_unrelated_file_is_not_this_models_dataset() -> None:
    """mnist_add.py loads MNIST; alias_mlp.py (same project, no README) reads its own
    features.csv and never touches mnist_add.py, so MNIST is not its dataset."""
    model = find_model(extract(fixture("keras_sequential_list")), "mlp", "alias_mlp.py")
    assert "mnist" not in model["datasets"]


@pytest.mark.parametrize("project,file,name", [
    ("datasets/text_prep", "prepare.py", "model"),                  # reads data/train.csv
    ("hyperparameters/torch_sgd", "train.py", "SmallNet"),           # random tensors
    ("multi_file", "model.py", "SentimentRNN"),                      # data/reviews.csv
])
def test_no_dataset_is_an_empty_list(project: str, file: str, name: str) -> None:
    """No loader names a dataset and there is no README: no dataset, not a guess."""
    assert find_model(extract(fixture(project)), name, file)["datasets"] == []


def test_loaders_of_sibling_folders_stay_there() -> None:
    """One repository holding several experiments in sub-folders: each model gets the
    datasets its own code loads, not those loaded by a sibling folder's script."""
    data = extract(fixture("datasets"))
    assert find_model(data, "model", "keras_imdb/imdb_gru.py")["datasets"] == ["imdb"]
    assert find_model(data, "SimpleCNN", "torchvision_cifar/train.py")["datasets"] == [
        "cifar10"]
    # hf_imdb only loads a hub model and prints it: beside the trained models of the
    # other folders it is set aside; on its own it is the folder's model
    assert [a["file"] for a in data["set_aside"]] == ["hf_imdb/finetune.py"]
    alone = extract(fixture("datasets", "hf_imdb"))
    assert find_model(alone, "model", "finetune.py")["datasets"] == ["imdb"]
    # the text model reads its own csv; CIFAR-10 is a sibling's image dataset
    assert "cifar10" not in find_model(data, "model", "text_prep/prepare.py")["datasets"]


def test_text_preparation() -> None:
    path = fixture("datasets", "text_prep", "prepare.py")
    model = find_model(extract(path.parent), "model", "prepare.py")
    prep = model["preprocessing"]
    tokenizers = [p for p in prep if p["kind"] == "tokenizer"]
    assert len(tokenizers) == 1
    assert tokenizers[0]["api"] == "Tokenizer"
    assert tokenizers[0]["args"]["num_words"] == 10000
    assert tokenizers[0]["file"] == "prepare.py"
    assert tokenizers[0]["line"] == line_of(path, "tokenizer = Tokenizer(")
    padding = [p for p in prep if p["kind"] == "padding"]
    assert len(padding) == 1
    assert padding[0]["api"] == "pad_sequences"
    assert padding[0]["args"]["maxlen"] == 200
    assert padding[0]["line"] == line_of(path, "pad_sequences(sequences")
    # tokenizing comes before padding, in the order of the code
    assert prep.index(tokenizers[0]) < prep.index(padding[0])

    maxlen = hyper(model, "max_sequence_length")
    assert (maxlen["value"], maxlen["how"], maxlen["file"], maxlen["line"]) == (
        200, "literal", "prepare.py", line_of(path, "pad_sequences(sequences"))
    glove = hyper(model, "pretrained_embeddings")
    assert glove["value"] == "glove"
    assert glove["file"] == "prepare.py"
    assert glove["line"] == line_of(path, "glove.6B.100d.txt")


def test_padding_in_keras_imdb() -> None:
    model = find_model(extract(fixture("datasets", "keras_imdb")), "model", "imdb_gru.py")
    assert hyper(model, "max_sequence_length")["value"] == 256
    assert {p["kind"] for p in model["preprocessing"]} == {"padding"}
    assert all(p["args"].get("maxlen") == 256 for p in model["preprocessing"])


def test_image_preparation() -> None:
    path = fixture("datasets", "torchvision_cifar", "train.py")
    model = find_model(extract(path.parent), "SimpleCNN", "train.py")
    prep = model["preprocessing"]
    # ToTensor is a type conversion, not a preparation step
    assert [p["kind"] for p in prep] == ["resize", "augmentation", "normalization"]
    resize, flip, norm = prep
    assert resize["api"] == "transforms.Resize"
    assert resize["args"] == {"size": [224, 224]}
    assert resize["line"] == line_of(path, "transforms.Resize(")
    assert flip["api"] == "transforms.RandomHorizontalFlip"
    assert flip["line"] == line_of(path, "transforms.RandomHorizontalFlip()")
    assert norm["line"] == line_of(path, "transforms.Normalize(")


def test_vectorizer() -> None:
    model = find_model(extract(fixture("datasets", "tfds_imdb")), "model", "train.py")
    vectorizers = [p for p in model["preprocessing"] if p["kind"] == "vectorizer"]
    assert len(vectorizers) == 1
    assert vectorizers[0]["args"]["max_tokens"] == 10000
    assert vectorizers[0]["args"]["output_sequence_length"] == 250



def test_readme_mentions_are_whole_names() -> None:
    from exnet.extract.datasets import readme_mentions

    text = ("# Skin cancer\n\nDataset: https://www.kaggle.com/kmader/skin-cancer-mnist-ham10000\n"
            "Also tried KMNIST and EMNIST.\nPets from the Oxford-IIIT Pet dataset.\n")
    assert readme_mentions(text) == [("ham10000", 3), ("oxford_pets", 5)]
    assert readme_mentions("Trained on MNIST (and Fashion-MNIST).\n") == [
        ("fashion_mnist", 1), ("mnist", 1)]


def test_readme_mentions_of_kaggle_sets_learners_use() -> None:
    from exnet.extract.datasets import canonical_dataset, readme_mentions
    from exnet.taskfit import IMAGE_DATASETS, TEXT_DATASETS

    text = ("# Mood from text\nData: the Emotions Dataset for NLP (Kaggle).\n"
            "Idea taken from a paper on tweets.\n")
    assert readme_mentions(text) == [("emotion", 2), ("twitter", 3)]
    assert readme_mentions("kaggle.com/datasets/rmisra/news-headlines-dataset-for-"
                           "sarcasm-detection\n") == [("sarcasm_headlines", 1)]
    assert canonical_dataset("Sarcasm_Headlines_Dataset.json") == "sarcasm_headlines"
    assert canonical_dataset("dair-ai/emotion") == "emotion"
    assert canonical_dataset("data/PlantVillage/train") == "plantvillage"
    assert canonical_dataset("Brain Tumor MRI Dataset") == "brain_tumor_mri"
    assert canonical_dataset("chest_xray/train") == "chest_xray"
    assert canonical_dataset("BreaKHis_v1/histology_slides") == "breakhis"
    assert canonical_dataset("the emotions of a crowd") is None
    # Kaggle's augmented PlantVillage, the NIH malaria cells, Food-101 by its folder
    assert canonical_dataset("New Plant Diseases Dataset(Augmented)") == "plantvillage"
    assert readme_mentions("# Blood smears\nThin smears from the malaria set of the NIH.\n") \
        == [("malaria", 2)]
    assert canonical_dataset("datasets/food-101/images/train") == "food101"
    assert canonical_dataset("/home/me/Documents/EuroSAT/train") == "eurosat"
    assert canonical_dataset("gtsrb-german-traffic-sign.zip") == "gtsrb"
    assert canonical_dataset("hate-speech-and-offensive-language-dataset.zip") == \
        "hate_speech_offensive"
    assert canonical_dataset("kaggle.com/rmisra/news-category-dataset") == "news_category"
    assert canonical_dataset("./fer2013.csv") == "fer2013"
    assert canonical_dataset("intel-image-classification-pytorch") == "intel_image"
    assert canonical_dataset("/content/Fruit-Images-Dataset/Training") == "fruits360"
    # Pang and Lee's polarity data comes from imdb.com, but is not the IMDB dataset
    assert readme_mentions("Film critiques first posted on imdb.com, long ago.\n"
                           "Unpack review_polarity.tar.gz here\n") == [("review_polarity", 2)]
    # Li and Roth's question set by name, not the conference; Kaggle's MNIST competition
    assert readme_mentions("We tried two sets: BBC News articles, then TREC questions.\n") \
        == [("bbc_news", 1), ("trec", 1)]
    assert readme_mentions("Question types (TREC-6).\n") == [("trec", 1)]
    assert readme_mentions("Data from https://www.kaggle.com/c/digit-recognizer/data\n") \
        == [("mnist", 1)]
    assert readme_mentions("Our trecking photos\n") == []
    assert readme_mentions("Sentences from Tatoeba in 12 languages\n") == [("tatoeba", 1)]
    assert canonical_dataset("./stanford_car_dataset/car_data/") == "stanford_cars"
    assert canonical_dataset("tiny-imagenet-200/train") == "tiny_imagenet"
    assert canonical_dataset("data/hymenoptera_data/train") == "hymenoptera"
    assert canonical_dataset("/content/drive/Skin Cancer/hmnist_28_28_RGB.csv") == "ham10000"
    assert readme_mentions("Financial PhraseBank, about 4,800 sentences\n") == [
        ("financial_phrasebank", 1)]
    assert canonical_dataset("data/uci-news-aggregator.csv") == "news_aggregator"
    assert readme_mentions("Twitter US Airline Sentiment from Kaggle\n") == [
        ("twitter_airline_sentiment", 1), ("twitter", 1)]
    assert {"tatoeba", "twitter_airline_sentiment", "news_aggregator",
            "financial_phrasebank"} <= TEXT_DATASETS
    assert {"stanford_cars", "tiny_imagenet", "hymenoptera"} <= IMAGE_DATASETS
    # each id is known to the task check, on the right side
    assert {"emotion", "sarcasm_headlines"} <= TEXT_DATASETS
    assert {"plantvillage", "brain_tumor_mri", "chest_xray", "breakhis", "malaria",
            "food101", "eurosat", "gtsrb", "fer2013", "fruits360", "intel_image"} <= \
        IMAGE_DATASETS
    assert {"review_polarity", "news_category", "hate_speech_offensive", "sst"} <= \
        TEXT_DATASETS


def test_torchtext_dataset_splits_name_their_dataset(tmp_path) -> None:
    """`TREC.splits(...)` and `datasets.SST.splits(...)` in a data module that imports
    only torchtext (which the file filter once skipped)."""
    from extract_helpers import find_model, run_extract

    (tmp_path / "util.py").write_text(
        "from torchtext import data, datasets\n"
        "from torchtext.datasets.trec import TREC\n\n"
        "def load(name):\n"
        "    text = data.Field(batch_first=True)\n"
        "    if name == 'TREC':\n"
        "        return TREC.splits(text_field=text, label_field=text, root='data')\n"
        "    return datasets.SST.splits(text, text)\n")
    (tmp_path / "main.py").write_text(
        "import argparse\nimport torch.nn as nn\nfrom util import load\n\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--datasets', default='TREC')\n"
        "args = parser.parse_args()\n"
        "train, test = load(args.datasets)\n"
        "model = nn.Sequential(nn.Embedding(100, 8), nn.Linear(8, 6))\n")
    assert find_model(run_extract(tmp_path), "model")["datasets"] == ["trec"]


def test_paths_given_to_a_generator_or_a_dataset_class_name_the_dataset(tmp_path) -> None:
    """`datagen.flow_from_directory("data/food-101/train")` is a reader like
    `image_dataset_from_directory`; so is the project's own Dataset class made with a
    path (`DogCatDataset("../dogs-vs-cats/datasets")`); another class's strings are not."""
    from extract_helpers import find_model, run_extract

    (tmp_path / "keras_food.py").write_text(
        "from tensorflow.keras.preprocessing.image import ImageDataGenerator\n"
        "from tensorflow.keras import layers, models\n\n"
        "gen = ImageDataGenerator(rescale=1. / 255)\n"
        "train = gen.flow_from_directory('data/food-101/train', target_size=(64, 64))\n"
        "model = models.Sequential([layers.Flatten(), layers.Dense(101)])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
        "model.fit(train, epochs=3)\n")
    (tmp_path / "torch_pets.py").write_text(
        "import torch.nn as nn\n"
        "from torch.utils.data import Dataset, DataLoader\n\n"
        "class DogCatDataset(Dataset):\n"
        "    def __init__(self, root, split_file):\n"
        "        self.root = root\n\n"
        "class Logger:\n"
        "    def __init__(self, path):\n"
        "        self.path = path\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(12, 2)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n\n"
        "log = Logger('runs/mnist-baseline')\n"
        "train_set = DogCatDataset('../dogs-vs-cats/datasets', split_file='train.txt')\n"
        "loader = DataLoader(train_set, batch_size=8, shuffle=True)\n"
        "model = Net()\n"
        "for x, y in loader:\n"
        "    model(x)\n")
    result = run_extract(tmp_path)
    assert find_model(result, "model", "keras_food.py")["datasets"] == ["food101"]
    assert find_model(result, "Net")["datasets"] == ["cats_vs_dogs"]


def test_resumable_epoch_loop(tmp_path) -> None:
    from extract_helpers import run_extract

    (tmp_path / "train.py").write_text(
        "import torch\nimport torch.nn as nn\nNUM_EPOCHS = 80\n"
        "model = nn.Sequential(nn.Linear(4, 2))\n"
        "opt = torch.optim.Adam(model.parameters(), lr=1e-3)\nstart_epoch = 0\n"
        "if resume:\n    start_epoch = torch.load('ckpt.pth')['epoch']\n"
        "for epoch in range(start_epoch, NUM_EPOCHS):\n    pass\n")
    [model] = run_extract(tmp_path)["models"]
    assert model["hyperparameters"]["epochs"]["value"] == 80


def test_a_hub_dataset_outside_the_vocabulary_is_its_own_id() -> None:
    """`load_dataset("arbml/Arabic_Sentiment_Twitter_Corpus")`: that dataset, by its
    name; a builder of local files (`"csv"`) or a folder is none."""
    from exnet.extract.datasets import hub_dataset

    assert hub_dataset("arbml/Arabic_Sentiment_Twitter_Corpus") == \
        "arabic_sentiment_twitter_corpus"
    assert hub_dataset("my-org/news.v2") == "news_v2"
    assert [hub_dataset(n) for n in ("csv", "imagefolder", "data/train", "./reviews.csv",
                                     "/abs/path")] == [None] * 5


def test_a_dataset_class_from_a_module_missing_from_the_repository(tmp_path) -> None:
    """`from tools.loaders import CIFAR10` where tools/ is not in the repository, then
    `CIFAR10(root=..., train=True)`: the dataset its name says, as torchvision's."""
    from extract_helpers import run_extract, write

    data = run_extract(write(tmp_path, {"train.py": (
        "import torch\nimport torch.nn as nn\nfrom tools.loaders import CIFAR10\n\n"
        "trainset = CIFAR10(root='./data', train=True, transform=None)\n"
        "loader = torch.utils.data.DataLoader(trainset, batch_size=32, shuffle=True)\n"
        "net = nn.Sequential(nn.Flatten(), nn.Linear(3072, 10))\n"
        "opt = torch.optim.SGD(net.parameters(), lr=0.1)\n"
        "for epoch in range(2):\n"
        "    for x, y in loader:\n"
        "        opt.zero_grad()\n"
        "        nn.functional.cross_entropy(net(x), y).backward()\n"
        "        opt.step()\n")}))
    assert data["models"][0]["datasets"] == ["cifar10"]
