"""`exnet check` on the mistakes learners make (ExampleNet, CHI 2021, table of common
mistakes): for each, a fixture that makes it and a clean fixture that does not; losses
that apply their own activation; a model of another modality; and the group a model is
compared with (its dataset family, the same optimizer for the learning rate).

The corpus is test_check's hand-made one plus one project that trains 4,000 epochs: the
old rule ("beyond the corpus maximum") let 3,000 epochs through; the robust one does not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_check import LSTM_STACK, TASK, corpus_records, record

from exnet.check import check_path

FIXTURES = Path(__file__).parent / "fixtures" / "check"
MISTAKES = FIXTURES / "mistakes"

#: ExampleNet's mistakes -> the rule that catches each one.
TABLE = [
    ("missing_activation", "dense-without-activation"),
    ("missing_output_activation", "logits-into-probability-loss"),
    ("huge_epochs", "epochs-outlier"),
    ("missing_loss", "no-loss"),
    ("missing_dropout", "no-regularisation"),
    ("missing_dense", "no-dense"),
    ("huge_learning_rate", "learning-rate-outlier"),
    ("wrong_layer_order", "rare-layer-order"),
]


def write_corpus(root: Path, records: list[dict[str, Any]]) -> Path:
    task_dir = root / "corpus" / TASK
    task_dir.mkdir(parents=True)
    (task_dir / "models.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return root / "corpus"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    marathon = record("marathon/trainer", "long", LSTM_STACK, optimizer="adam",
                      learning_rate=0.001, epochs=4000, batch_size=64,
                      loss="binary_cross_entropy")
    return write_corpus(tmp_path_factory.mktemp("mistakes"), [*corpus_records(), marathon])


def rules(corpus: Path, path: Path) -> set[str]:
    report = check_path(path, TASK, corpus)
    assert len(report.models) == 1, path
    return {f.rule for f in report.models[0].findings}


@pytest.mark.parametrize("mistake, rule", TABLE, ids=[t[0] for t in TABLE])
def test_each_mistake_is_caught_and_its_fix_is_clean(corpus: Path, mistake: str,
                                                     rule: str) -> None:
    bad = rules(corpus, MISTAKES / f"{mistake}_bad.py")
    assert rule in bad, f"{mistake}: {rule} not raised; found {bad}"
    ok = rules(corpus, MISTAKES / f"{mistake}_ok.py")
    assert ok == set(), f"{mistake}: the clean fixture raises {ok}"


def test_three_thousand_epochs_are_an_error_beside_a_corpus_maximum_of_4000(
        corpus: Path) -> None:
    report = check_path(MISTAKES / "huge_epochs_bad.py", TASK, corpus)
    [finding] = [f for f in report.models[0].findings if f.rule == "epochs-outlier"]
    assert finding.severity == "error"
    # epochs of the 11 models: 3 5 8 10 10 10 10 10 15 20 4000 -> median 10
    assert finding.reason.startswith("epochs 3000 is 300 times the median of the "
                                     "text-classification models (10)")


@pytest.mark.parametrize("fixture", ["logits_keras.py", "logits_functional.py",
                                     "logits_cross_entropy.py"])
def test_losses_that_apply_their_activation_want_logits(corpus: Path, fixture: str) -> None:
    found = rules(corpus, FIXTURES / fixture)
    assert not found & {"logits-into-probability-loss", "probabilities-into-logit-loss"}, found


def test_an_image_model_checked_as_text_is_told_so(corpus: Path) -> None:
    report = check_path(FIXTURES / "image_model.py", TASK, corpus)
    [finding] = [f for f in report.models[0].findings if f.rule == "not-this-task"]
    assert finding.severity == "warning"
    assert "looks like an image model (mnist)" in finding.reason
    assert "not-this-task" not in rules(corpus, FIXTURES / "sentiment_imdb.py")


def test_a_model_is_compared_with_its_dataset_family(tmp_path: Path) -> None:
    """12 IMDB models train 20 epochs, 12 AG News models 3: an IMDB model of 20 epochs
    is placed among the sentiment models (median 20), not among all 24 (median 11.5)."""
    records = []
    for i in range(12):
        records.append({**record(f"movie{i}/reviews", "m", LSTM_STACK, optimizer="adam",
                                 epochs=20, loss="binary_cross_entropy"),
                        "datasets": ["imdb"]})
        records.append({**record(f"news{i}/topics", "m", LSTM_STACK, optimizer="adam",
                                 epochs=3, loss="cross_entropy"), "datasets": ["ag_news"]})
    corpus = write_corpus(tmp_path, records)
    report = check_path(FIXTURES / "sentiment_imdb.py", TASK, corpus)
    model = report.models[0]
    assert model.group.family == "sentiment" and len(model.group.records) == 12
    epochs = model.placements["epochs"]
    assert (epochs.n, epochs.median, epochs.agree) == (12, 20, 12)
    assert epochs.label == "text-classification models on sentiment data"
    # a model without a known dataset is compared with the whole task
    plain = check_path(FIXTURES / "clean_keras.py", TASK, corpus).models[0]
    assert plain.group.family is None and plain.placements["epochs"].median == 11.5
