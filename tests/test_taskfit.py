"""Which models belong to a task (exnet.taskfit): evidence, never guesses."""

from __future__ import annotations

import pytest

from exnet.taskfit import misfit


def record(*layers: str | tuple[str, dict], datasets: tuple[str, ...] = ()) -> dict:
    return {"layers": [{"type": t, "args": {}} if isinstance(t, str) else
                       {"type": t[0], "args": t[1]} for t in layers],
            "datasets": list(datasets)}


@pytest.mark.parametrize("model, task, reason", [
    (record("Conv2D", "MaxPool2D", "Flatten", "Dense", datasets=("mnist",)),
     "text-classification", "an image model (mnist) in a text task"),
    (record(("Pretrained", {"name": "resnet50"}), "Dense"), "text-classification",
     "an image model (resnet50) in a text task"),
    (record("Embedding", "LSTM", "Dense", datasets=("imdb",)), "image-classification",
     "a text model (Embedding, imdb) in an image task"),
    (record("Dense", "Dense", "ConvTranspose2D", "Activation"), "image-classification",
     "no classifier head: it ends with ConvTranspose2D (an autoencoder or generator)"),
    # fits: a Kim-style TextCNN has 2-D convolutions but no image evidence
    (record("Embedding", "Conv2D", "MaxPool2D", "Dense"), "text-classification", None),
    (record("Conv2D", "MaxPool2D", "Dense"), "text-classification", None),
    # an MNIST dataset with a text embedding: the model says text, so it stays
    (record("Embedding", "Dense", datasets=("mnist",)), "text-classification", None),
    (record(("Pretrained", {"name": "bert-base-uncased"}), "Dense"), "text-classification",
     None),
    (record("Conv2D", "Dense", datasets=("cifar10",)), "image-classification", None),
    (record("Conv2D", "Dense", datasets=("cifar10",)), "classification", None),
])
def test_misfit(model: dict, task: str, reason: str | None) -> None:
    assert misfit(model, task) == reason
