"""Facts stage: the dataset a reported number names ("89.2% accuracy on IMDB").

The ids are the extractor's (`exnet.extract.datasets`), so a result and a model tagged
with the same dataset agree; the table is kept here, not imported, because the stages
share records, not code. Only names that identify a benchmark count: the words
"tweets" or "reviews" alone name none.
"""

from __future__ import annotations

import re

NAMES = (
    (r"\bimdb(?!\.com)", "imdb"),
    (r"\bsst[-_ ]?2\b|stanford sentiment treebank", "sst2"),
    (r"\bag[-_ ]?news\b", "ag_news"),
    (r"\byelp", "yelp"),
    (r"sentiment140", "twitter"),
    (r"20[-_ ]?news[-_ ]?groups?", "20newsgroups"),
    (r"\bfashion[-_ ]?mnist\b", "fashion_mnist"),
    (r"\bham[-_ ]?10000\b", "ham10000"),
    (r"(?<!fashion[-_ ])(?<!fashion)(?<![\w-])mnist(?![\w-])", "mnist"),
    (r"\boxford[-_ ]?(?:iiit[-_ ]?)?pets?\b", "oxford_pets"),
    (r"\bflowers?[-_ ]?(?:102|recognition|photos)\b|\btf_flowers\b", "flowers"),
    (r"\bcifar[-_ ]?100\b", "cifar100"),
    (r"\bcifar[-_ ]?10\b", "cifar10"),
    (r"\bsms[-_ ]?spam|\bspam[-_ ]?collection", "sms_spam"),
    (r"\bfake[-_ ]?news\b", "fake_news"),
    (r"\bjigsaw", "jigsaw_toxic"),
    (r"\bamazon[-_ ]?(?:fine[-_ ]?food|review)", "amazon_reviews"),
    (r"\breuters\b", "reuters"),
    (r"\bbbc[-_ ]?news\b", "bbc_news"),
    (r"\btatoeba\b", "tatoeba"),
    (r"\btrec(?:[-_ ]?(?:6|50|qa|question))?\b", "trec"),
    (r"\bcats?[-_ ]?(?:vs\.?|and)[-_ ]?dogs?\b|\bdogs?[-_ ]?vs\.?[-_ ]?cats?\b", "cats_vs_dogs"),
    (r"\bsvhn\b", "svhn"),
    (r"\bstl[-_ ]?10\b", "stl10"),
    (r"\btiny[-_ ]?image[-_ ]?net", "tiny_imagenet"),
    (r"(?<!tiny[-_ ])(?<!tiny)\bimagenet\b", "imagenet"),
    (r"\bemotions?[-_ ](?:dataset|for[-_ ]nlp)", "emotion"),
    (r"\bsarcasm[-_ ]?headlines?|\bheadlines?[-_ ]dataset[-_ ]for[-_ ]sarcasm",
     "sarcasm_headlines"),
    (r"\bplant[-_ ]?village\b|\bnew[-_ ]?plant[-_ ]?diseases?[-_ ]?dataset", "plantvillage"),
    (r"\bmalaria\b", "malaria"),
    (r"\beurosat\b", "eurosat"),
    (r"\bintel[-_ ]image[-_ ]classification\b", "intel_image"),
    (r"\bfer[-_ ]?2013\b", "fer2013"),
    (r"\bfruits?[-_ ]?360\b|\bfruit[-_ ]images[-_ ]dataset\b", "fruits360"),
    (r"\bgtsrb\b|\bgerman[-_ ]?traffic[-_ ]?signs?\b", "gtsrb"),
    (r"\breview[-_ ]polarity|\bpolarity[-_ ]dataset", "review_polarity"),
    (r"\bnews[-_ ]?category[-_ ]?dataset", "news_category"),
    (r"\bhate[-_ ]?speech[-_ ]?and[-_ ]?offensive", "hate_speech_offensive"),
    (r"\bfood[-_ ]?101\b", "food101"),
    (r"\bstanford[-_ ]?cars?(?:[-_ ]?dataset)?\b", "stanford_cars"),
    (r"\bhymenoptera", "hymenoptera"),
    (r"\b(?:us[-_ ])?airline[-_ ]sentiment|\bairline[-_ ]tweets", "twitter_airline_sentiment"),
    (r"\buci[-_ ]news|\bnews[-_ ]aggregator", "news_aggregator"),
    (r"financial[-_ ]?phrase[-_ ]?bank|sentiment[-_ ]analysis[-_ ]for[-_ ]financial[-_ ]news",
     "financial_phrasebank"),
    (r"\bbrain[-_ ]?tumou?rs?\b", "brain_tumor_mri"),
    (r"\bchest[-_ ]?x[-_ ]?rays?\b", "chest_xray"),
    (r"\bbreakhis", "breakhis"),
)
_PATTERNS = tuple((re.compile(p, re.I), d) for p, d in NAMES)


def dataset_named(text: str) -> str | None:
    """The one dataset `text` names; None when it names none or several."""
    found = {d for pattern, d in _PATTERNS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None
