"""Reported results and training curves from notebook outputs and READMEs, and the
rule that attaches them to a model only when it is clear (tests/fixtures/facts/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exnet.facts import project_facts
from exnet.facts.curves import parse_runs
from exnet.facts.outputs import evaluated_split, seconds
from exnet.records import REPORTED, model_id

FIXTURES = Path(__file__).parent / "fixtures" / "facts"


def model(project: str, file: str, cell: int | None, line: int, name: str,
          settings: dict[str, tuple[str, int | None]]) -> dict[str, Any]:
    """A model record as the extractor writes it, with settings at (file, cell)."""
    return {"schema": "exnet.model/2", "project": project, "file": file, "cell": cell,
            "span": [line, line + 5], "name": name, "framework": "keras", "layers": [],
            "hyperparameters": {k: {"value": 1, "file": f, "cell": c, "line": 1,
                                    "how": "literal"} for k, (f, c) in settings.items()},
            "occurrences": [{"file": file, "cell": cell, "span": [line, line + 5],
                             "name": name, "role": "trained"}]}


KERAS = model("nb", "keras_imdb.ipynb", 2, 3, "model",
              {"epochs": ("keras_imdb.ipynb", 3), "optimizer": ("keras_imdb.ipynb", 2)})
TORCH = model("nb", "torch_sentiment.ipynb", 0, 4, "SentimentGRU",
              {"optimizer": ("torch_sentiment.ipynb", 1)})


def rows(results: list[dict[str, Any]]) -> list[tuple]:
    return [(r["metric"], r["value"], r["unit"], r["split"], r["dataset"], r["label"],
             r["model"], r["evidence"]["file"], r["evidence"]["line"], r["evidence"]["cell"])
            for r in results]


def test_notebook_results_and_their_models() -> None:
    facts = project_facts(FIXTURES / "notebooks", [KERAS, TORCH]).to_json()
    k, t = model_id(KERAS), model_id(TORCH)
    assert rows(facts["results"]) == [
        # the fit cell's last epoch, its seconds and the cell's wall time
        ("loss", 0.285, None, "train", None, None, k, "keras_imdb.ipynb", None, 3),
        ("accuracy", 0.8861, None, "train", None, None, k, "keras_imdb.ipynb", None, 3),
        ("loss", 0.3502, None, "validation", None, None, k, "keras_imdb.ipynb", None, 3),
        ("accuracy", 0.8575, None, "validation", None, None, k, "keras_imdb.ipynb", None, 3),
        ("epoch_time", 9.0, "s", None, None, None, k, "keras_imdb.ipynb", None, 3),
        ("wall_time", 31.4, "s", None, None, None, k, "keras_imdb.ipynb", None, 3),
        # printed after evaluate(): the cell's code names the notebook's one model
        ("loss", 0.3611, None, "test", None, None, k, "keras_imdb.ipynb", None, 4),
        ("accuracy", 0.8512, None, "test", None, None, k, "keras_imdb.ipynb", None, 4),
        # a scikit-learn baseline's score: not the model's, so at project level
        ("accuracy", 0.79, None, None, None, None, None, "keras_imdb.ipynb", None, 5),
        ("loss", 0.42, None, "train", None, None, t, "torch_sentiment.ipynb", None, 1),
        ("accuracy", 81.33, "%", "train", None, None, t, "torch_sentiment.ipynb", None, 1),
        ("loss", 0.455, None, "validation", None, None, t, "torch_sentiment.ipynb", None, 1),
        ("accuracy", 79.8, "%", "validation", None, None, t, "torch_sentiment.ipynb", None,
         1),
        ("epoch_time", 6.0, "s", None, None, None, t, "torch_sentiment.ipynb", None, 1),
        # the code says `model`, not SentimentGRU: not attached
        ("loss", 0.462, None, "test", None, None, None, "torch_sentiment.ipynb", None, 3),
        ("accuracy", 78.95, "%", "test", None, None, None, "torch_sentiment.ipynb", None, 3),
    ]
    assert {r["reported"] for r in facts["results"]} == {REPORTED}


def test_curves_per_epoch_train_and_validation() -> None:
    facts = project_facts(FIXTURES / "notebooks", [KERAS, TORCH]).to_json()
    keras, torch = facts["curves"]
    assert keras == {"model": model_id(KERAS), "label": None, "source": "keras-progress",
                     "evidence": {"file": "keras_imdb.ipynb", "line": None, "cell": 3},
                     "epochs": [1, 2, 3], "reported": REPORTED, "series": {
                         "accuracy": [0.712, 0.8305, 0.8861], "loss": [0.5512, 0.3904, 0.285],
                         "seconds": [12.0, 10.0, 9.0], "val_accuracy": [0.8015, 0.842, 0.8575],
                         "val_loss": [0.441, 0.3711, 0.3502]}}
    assert torch["source"] == "epoch-log" and torch["model"] == model_id(TORCH)
    assert torch["series"] == {"accuracy": [0.5012, 0.685, 0.8133], "loss": [0.693, 0.601, 0.42],
                               "seconds": [7.0, 6.0, 6.0], "val_accuracy": [0.524, 0.7105, 0.798],
                               "val_loss": [0.69, 0.58, 0.455]}


def test_a_notebook_without_outputs_reports_nothing() -> None:
    facts = project_facts(FIXTURES / "notebooks").to_json()
    assert not [r for r in facts["results"] if r["evidence"]["file"] == "no_outputs.ipynb"]
    assert not [c for c in facts["curves"] if c["evidence"]["file"] == "no_outputs.ipynb"]


def test_readme_numbers_for_several_models() -> None:
    bilstm = model("r", "models.py", None, 10, "BiLSTMAttention", {})
    cnn = model("r", "models.py", None, 40, "TextCNN", {})
    facts = project_facts(FIXTURES / "readme", [bilstm, cnn]).to_json()
    b, c = model_id(bilstm), model_id(cnn)
    assert rows(facts["results"]) == [
        ("accuracy", 91.2, "%", "test", None, "BiLSTMAttention", b, "README.md", 9, None),
        ("f1", 0.9, None, None, None, "BiLSTMAttention", b, "README.md", 9, None),
        ("accuracy", 88.7, "%", "test", None, "TextCNN", c, "README.md", 10, None),
        ("f1", 0.87, None, None, None, "TextCNN", c, "README.md", 10, None),
        ("accuracy", 79.0, "%", "test", None, "Logistic regression (baseline)", None,
         "README.md", 11, None),
        ("accuracy", 88.7, "%", None, "sst2", None, c, "README.md", 13, None),
        # after an earlier result of its sentence, the dataset named before belongs to
        # that result: this one is left without ("... on SST-2, and with 90% on 60
        # tweets we wrote" would be wrong with it)
        ("accuracy", 97.5, "%", "train", None, None, c, "README.md", 13, None),
        ("loss", 0.25, None, "validation", "imdb", None, b, "README.md", 20, None),
    ]


def test_readme_numbers_stay_at_project_level_when_two_models_are_named(
        tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("TextCNN and BiLSTMAttention reach 90% accuracy.\n")
    models = [model("r", "m.py", None, 1, "TextCNN", {}),
              model("r", "m.py", None, 9, "BiLSTMAttention", {})]
    facts = project_facts(tmp_path, models).to_json()
    assert [(r["value"], r["model"]) for r in facts["results"]] == [(90.0, None)]


def test_keras_one_and_batch_lines() -> None:
    text = ("Epoch 1/2\n - 3s - loss: 0.70 - acc: 0.51 - val_loss: 0.69 - val_acc: 0.55\n"
            "Epoch 2/2\n - 3s - loss: 0.60 - acc: 0.66 - val_loss: 0.62 - val_acc: 0.64\n"
            "epoch 1 batch 10 loss 0.3\n")
    (run,) = parse_runs(text)
    assert run.epochs == [1, 2]
    assert run.series() == {"loss": (0.7, 0.6), "accuracy": (0.51, 0.66),
                            "val_loss": (0.69, 0.62), "val_accuracy": (0.55, 0.64),
                            "seconds": (3.0, 3.0)}


def test_two_runs_in_one_cell_give_curves_but_no_final_result(tmp_path: Path) -> None:
    log = "".join(f"Fold {f} Epoch {e}: loss {1 / e:.2f} acc 0.{e}0\n"
                  for f in (1, 2) for e in (1, 2, 3))
    nb = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
        {"cell_type": "code", "source": "for fold in range(2):\n    train(fold)",
         "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout",
                                      "text": log}]}]}
    (tmp_path / "kfold.ipynb").write_text(json.dumps(nb))
    facts = project_facts(tmp_path).to_json()
    assert facts["results"] == []
    assert [c["epochs"] for c in facts["curves"]] == [[1, 2, 3], [1, 2, 3]]


def test_wall_time_units() -> None:
    assert seconds("1min 5s") == 65.0
    assert seconds("850 ms") == 0.85
    assert seconds("1h 2min 3s") == 3723.0


def test_keras_three_bar_with_colours() -> None:
    text = ("Epoch 1/2\n\x1b[1m313/313\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m "
            "\x1b[1m12s\x1b[0m 35ms/step - accuracy: 0.7012 - loss: 0.5566 - val_accuracy: "
            "0.8120 - val_loss: 0.4210\nEpoch 2/2\n\x1b[1m313/313\x1b[0m \x1b[32m━━━━━━━━━━━━━━"
            "━━━━━━\x1b[0m\x1b[37m\x1b[0m \x1b[1m11s\x1b[0m 34ms/step - accuracy: 0.8450 - loss: "
            "0.3551 - val_accuracy: 0.8410 - val_loss: 0.3720\n")
    (run,) = parse_runs(text)
    assert run.series() == {"loss": (0.5566, 0.3551), "accuracy": (0.7012, 0.845),
                            "val_loss": (0.421, 0.372), "val_accuracy": (0.812, 0.841),
                            "seconds": (12.0, 11.0)}


def test_a_metric_printed_in_a_loop_is_not_a_result(tmp_path: Path) -> None:
    log = "".join(f"loss: {1 / i:.3f}\n" for i in range(1, 6)) + "Test accuracy: 0.91\n"
    nb = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
        {"cell_type": "code", "source": "for i in range(5):\n    step()", "metadata": {},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": log}]}]}
    (tmp_path / "loop.ipynb").write_text(json.dumps(nb))
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["split"]) for r in facts["results"]] == [
        ("accuracy", 0.91, "test")]


def test_callback_messages_widgets_and_tqdm_bars_are_not_epochs() -> None:
    keras = ("Epoch 1/2\n\nEpoch 00001: val_loss improved from inf to 0.50000, saving model\n"
             " - 10s - loss: 0.6 - acc: 0.7 - val_loss: 0.5 - val_acc: 0.75\n"
             "HBox(children=(IntProgress(value=0, description='Epoch 1', max=10)))\n"
             "Epoch 2/2\n - 9s - loss: 0.4 - acc: 0.8 - val_loss: 0.45 - val_acc: 0.8\n")
    (run,) = parse_runs(keras)
    assert (run.kind, run.epochs, run.series()["val_accuracy"]) == ("keras-progress", [1, 2],
                                                                    (0.75, 0.8))
    tqdm = ("Epoch 1/2: 100%|██████████| 10/10 [00:01<00:00,  9.10it/s, loss=0.700]\n"
            "Epoch 1: Train Loss = 0.6, Val Accuracy = 0.7\n"
            "Epoch 2/2: 100%|██████████| 10/10 [00:01<00:00,  9.10it/s, loss=0.500]\n"
            "Epoch 2: Train Loss = 0.4, Val Accuracy = 0.8\n")
    (run,) = parse_runs(tqdm)
    assert run.series() == {"loss": (0.6, 0.4), "val_accuracy": (0.7, 0.8)}


def test_a_readme_table_whose_rows_name_the_metric(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "| Metric | Value |\n|---|---|\n| **Test Accuracy** | 🟢 **99.37%** (1,108 / 1,115) |\n"
        "| F1 | 0.98 |\n| Epochs | 3 |\n\n| Metric | Small | Large |\n|---|---|---|\n"
        "| Val Accuracy | 88.5% | 90.1% |\n")
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["unit"], r["split"], r["label"], r["evidence"]["line"])
            for r in facts["results"]] == [
        ("accuracy", 99.37, "%", "test", None, 3), ("f1", 0.98, None, None, None, 4),
        ("accuracy", 88.5, "%", "validation", "Small", 9),
        ("accuracy", 90.1, "%", "validation", "Large", 9)]


def _bar(done: int, total: int, timing: str, metrics: str) -> str:
    """A Keras 3 progress bar as a notebook keeps it, colours included."""
    return (f"\x1b[1m{done}/{total}\x1b[0m \x1b[32m━━━━━━━━━━\x1b[0m \x1b[1m{timing}\x1b[0m "
            f"{metrics}\n")


def test_an_interrupted_run_or_evaluation_reports_nothing_of_its_last_part(
        tmp_path: Path) -> None:
    fit = ("Epoch 1/3\n" + _bar(120, 120, "4s", "31ms/step - accuracy: 0.6100 - loss: 0.9000 - "
                                 "val_accuracy: 0.6600 - val_loss: 0.8100")
           + "Epoch 2/3\n" + _bar(120, 120, "3s", "29ms/step - accuracy: 0.7200 - loss: 0.7000 "
                                  "- val_accuracy: 0.7000 - val_loss: 0.7400")
           + "Epoch 3/3\n" + _bar(17, 120, "2:05", "1s/step - accuracy: 0.8800 - loss: 0.3300"))
    evaluate = _bar(6, 40, "1:02", "2s/step - accuracy: 0.9400 - loss: 0.2100")
    nb = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
        {"cell_type": "code", "source": "history = net.fit(x, y, epochs=3)", "metadata": {},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": fit},
                     {"output_type": "error", "ename": "KeyboardInterrupt", "evalue": "",
                      "traceback": []}]},
        {"cell_type": "code", "source": "net.evaluate(x_test, y_test)", "metadata": {},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": evaluate},
                     {"output_type": "error", "ename": "KeyboardInterrupt", "evalue": "",
                      "traceback": []}]}]}
    (tmp_path / "stopped.ipynb").write_text(json.dumps(nb))
    facts = project_facts(tmp_path).to_json()
    # the last finished epoch is what the run reports; the stopped ones say nothing
    assert [(r["metric"], r["value"], r["unit"], r["split"], r["evidence"]["cell"])
            for r in facts["results"]] == [
        ("loss", 0.7, None, "train", 0), ("accuracy", 0.72, None, "train", 0),
        ("loss", 0.74, None, "validation", 0), ("accuracy", 0.7, None, "validation", 0),
        ("epoch_time", 3.0, "s", None, 0)]
    assert [c["epochs"] for c in facts["curves"]] == [[1, 2]]


def test_an_epoch_printed_as_zero_seconds_has_no_time() -> None:
    text = ("Epoch 1/2\n" + _bar(3, 3, "0s", "40ms/step - accuracy: 0.5100 - loss: 0.6900")
            + "Epoch 2/2\n" + _bar(3, 3, "1s", "41ms/step - accuracy: 0.5600 - loss: 0.6800"))
    (run,) = parse_runs(text)
    assert run.series() == {"loss": (0.69, 0.68), "accuracy": (0.51, 0.56),
                            "seconds": (None, 1.0)}


def test_a_printed_evaluation_result_wins_over_the_bar(tmp_path: Path) -> None:
    out = (_bar(50, 50, "1s", "5ms/step - accuracy: 0.8312 - loss: 0.4410")
           + "Test accuracy: 0.8240\nTest loss: 0.4525\n")
    nb = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
        {"cell_type": "code", "source": "loss, acc = net.evaluate(x_test, y_test)\n"
         "print(f'Test accuracy: {acc:.4f}')\nprint(f'Test loss: {loss:.4f}')",
         "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": out}]},
        {"cell_type": "code", "source": "net.evaluate(x_test, y_test)", "metadata": {},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": _bar(
             50, 50, "1s", "5ms/step - accuracy: 0.8312 - loss: 0.4410")}]}]}
    nb["cells"].append(
        {"cell_type": "code", "source": "scores = net.evaluate(X_train, Y_train)",
         "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": _bar(
             90, 90, "2s", "5ms/step - accuracy: 0.9512 - loss: 0.1370")}]})
    (tmp_path / "eval.ipynb").write_text(json.dumps(nb))
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["split"], r["evidence"]["cell"])
            for r in facts["results"]] == [
        ("accuracy", 0.824, "test", 0), ("loss", 0.4525, "test", 0),
        ("loss", 0.441, "test", 1), ("accuracy", 0.8312, "test", 1),
        ("loss", 0.137, "train", 2), ("accuracy", 0.9512, "train", 2)]


@pytest.mark.parametrize("source, split", [
    ("model.evaluate(x_test, y_test)", "test"), ("model.evaluate(val_ds)", "validation"),
    ("model.evaluate(xtrain, ytrain)\nprint('val')", "train"),
    ("model.evaluate(x, y)\nprint('test')", None),
    ("model.evaluate(x_train, y_train); model.evaluate(x_test, y_test)", "train")])
def test_the_split_of_an_evaluation_is_read_from_its_arguments(source: str,
                                                              split: str | None) -> None:
    assert evaluated_split(source) == split


def test_numbers_printed_after_a_models_name_are_labelled_and_attached_by_it(
        tmp_path: Path) -> None:
    out = ("LSTM Test Accuracy: 0.8612\nBiGRU test accuracy = 87.9%\n"
           "Fold 1 accuracy: 0.80\nFold 2 accuracy: 0.82\n"
           "Best epoch accuracy: 0.9\n"
           "              precision    recall  f1-score   support\n\n"
           "           0       0.88      0.85      0.86      2500\n"
           "           1       0.85      0.88      0.87      2500\n\n"
           "    accuracy                           0.87      5000\n"
           "   macro avg       0.87      0.87      0.8650      5000\n"
           "weighted avg       0.87      0.87      0.87      5000\n")
    nb = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
        {"cell_type": "code", "source": "for net in (lstm, bigru):\n    report(net)",
         "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout",
                                      "text": out}]}]}
    (tmp_path / "compare.ipynb").write_text(json.dumps(nb))
    models = [model("p", "compare.ipynb", 0, 1, "BiGRU", {"epochs": ("compare.ipynb", 0)}),
              model("p", "compare.ipynb", 0, 9, "Attention", {"epochs": ("compare.ipynb", 0)})]
    facts = project_facts(tmp_path, models).to_json()
    assert [(r["metric"], r["value"], r["unit"], r["split"], r["label"], r["model"])
            for r in facts["results"]] == [
        ("accuracy", 0.8612, None, "test", "LSTM", None),          # no model of that name
        ("accuracy", 87.9, "%", "test", "BiGRU", model_id(models[0])),
        ("accuracy", 0.87, None, None, None, None),     # two models fit here: project level
        ("f1", 0.865, None, None, "macro avg", None)]


def test_readme_numbers_in_code_marks_or_before_a_line_break(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# Sentiment\n\nThe model reaches a test accuracy of `88.4%` on IMDB.<br/>\n"
        "Validation accuracy: 0.87<br>\n\n"
        "Run `python train.py --epochs 10` to get accuracy of 0.9 or so.\n")
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["unit"], r["split"], r["dataset"],
             r["evidence"]["line"]) for r in facts["results"]] == [
        ("accuracy", 88.4, "%", "test", "imdb", 3),
        ("accuracy", 0.87, None, "validation", None, 4)]


def test_pasted_output_in_a_readme_is_read_but_code_is_not(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# Results\n\n```\n"
        "76/76 ━━━━━━━━━━━━━━━━━━━━ 3s 41ms/step - accuracy: 0.9941 - loss: 0.0194\n"
        "Test Accuracy: 0.9933\n"
        "Precision: 0.2498, Recall: 0.5000, F1-score: 0.3331\n\n"
        "              precision    recall  f1-score   support\n\n"
        "        cats       0.50      1.00      0.67       601\n"
        "        dogs       0.00      0.00      0.00       602\n\n"
        "    accuracy                           0.50      1203\n"
        "   macro avg       0.25      0.50      0.33      1203\n```\n\n"
        "```python\nprint('Test accuracy: 0.5')\naccuracy: 0.7\n```\n\n"
        "```text\nloss: 0.5\nloss: 0.4\nloss: 0.3\n```\n")
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["split"], r["label"], r["evidence"]["line"])
            for r in facts["results"]] == [
        ("accuracy", 0.9933, "test", None, 5), ("precision", 0.2498, None, None, 6),
        ("recall", 0.5, None, None, 6), ("f1", 0.3331, None, None, 6),
        ("accuracy", 0.5, None, None, 13), ("f1", 0.33, None, "macro avg", 14)]


@pytest.mark.parametrize("line, stated", [
    ("TEST → loss=0.1490 | F1=0.9630 | AUROC=0.9793",
     [("loss", 0.149, None, "test", None), ("f1", 0.963, None, "test", None),
      ("auc", 0.9793, None, "test", None)]),
    ("Testing Info: Accuracy: 70.40%, Loss: 0.912300",
     [("accuracy", 70.4, "%", "test", None), ("loss", 0.9123, None, "test", None)]),
    ("Validation -> acc: 0.8, test loss: 0.4",
     [("accuracy", 0.8, None, "validation", None), ("loss", 0.4, None, "test", None)]),
    ("Test accuracy\t0.87", [("accuracy", 0.87, None, "test", None)]),
    ("  Val Macro F1: 0.7321", [("f1", 0.7321, None, "validation", "macro avg")]),
    ("Training set: 600 images", []),
    ("Test: 0.9", []),
])
def test_a_split_that_opens_a_line_and_tab_separated_rows(line: str, stated: list) -> None:
    from exnet.facts.outputs import line_results

    assert line_results(line) == stated


def _notebook(path: Path, cells: list[tuple[str, str]]) -> None:
    """A notebook of code cells, each (source, printed output)."""
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
        {"cell_type": "code", "source": source, "metadata": {}, "execution_count": i,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}
        for i, (source, text) in enumerate(cells)]}))


def test_epoch_logs_over_several_lines() -> None:
    # "Epoch0/2" (no space), the split that opens a line holds for its pairs
    glued = ("Epoch0/2\n++++\ntrain loss: 0.07 Accuracy: 0.11\nval loss: 0.05 Accuracy: 0.25\n\n"
             "Epoch1/2\n++++\ntrain loss: 0.04 Accuracy: 0.52\nval loss: 0.02 Accuracy: 0.61\n\n"
             "Training complete in 4m 2s\nBest val Acc: 0.6100\n")
    (run,) = parse_runs(glued)
    assert (run.epochs, run.series()) == ([0, 1], {
        "loss": (0.07, 0.04), "accuracy": (0.11, 0.52), "val_loss": (0.05, 0.02),
        "val_accuracy": (0.25, 0.61)})
    # a rule between the epoch and its values; a test set evaluated every epoch
    ruled = "".join(f"Epoch: {e}/2\n<------------>\nTraining Info: Accuracy: {a}%, Loss: {loss}\n"
                    f"Testing Info: Accuracy: {t}%, Loss: {m}\n\n\n"
                    for e, a, loss, t, m in ((1, 18.5, 2.1, 29.0, 1.9), (2, 35.0, 1.7, 40.25, 1.6)))
    (run,) = parse_runs(ruled)
    assert run.series() == {"loss": (2.1, 1.7), "accuracy": (0.185, 0.35),
                            "test_loss": (1.9, 1.6), "test_accuracy": (0.29, 0.4025)}
    # one value per line, with other figures between; a batch's running loss is not the
    # epoch's, and the epoch's summary may come many batches later
    stacked = "".join(f"epoch {e}\n total_correct: {c}\n loss: {loss}\n accuracy: {a}\n"
                      f" Duration 1.5\n Device = cuda\n\n"
                      for e, c, loss, a in ((0, 4700, 346.1, 0.78), (1, 5200, 207.2, 0.87)))
    (run,) = parse_runs(stacked)
    assert run.series() == {"loss": (346.1, 207.2), "accuracy": (0.78, 0.87)}
    batches = "".join(f"==== Epoch {e}/2 ====\n" + "".join(
        f"  Batch {b}/500 - Avg loss: {0.5 - b / 10000:.4f}\n" for b in range(20, 501, 20)) +
        f"  Average training loss: {t}\n  Training epoch took: 0:19:22\n"
        f"  Validation loss: {v}\n\n" for e, t, v in ((1, 0.34, 0.2), (2, 0.21, 0.08)))
    (run,) = parse_runs(batches)
    assert run.series() == {"loss": (0.34, 0.21), "val_loss": (0.2, 0.08)}


def test_final_epoch_of_a_test_series_and_of_an_evaluation_loop(tmp_path: Path) -> None:
    ruled = "".join(f"Epoch: {e}/2\n<---->\nTraining Info: Accuracy: {a}%, Loss: {loss}\n"
                    f"Testing Info: Accuracy: {t}%, Loss: {m}\n\n"
                    for e, a, loss, t, m in ((1, 18.5, 2.1, 29.0, 1.9), (2, 35.0, 1.7, 40.25, 1.6)))
    _notebook(tmp_path / "run.ipynb", [
        ("process_cifar()", ruled),
        # one epoch that names no split, in an evaluation loop over the test data
        ("for x, y in test_loader:\n    out = model(x)\n"
         "print(f'epoch loss: {l} epoch accuracy: {a}')",
         "Epoch0/0\n++++\nepoch loss: 0.0071 epoch accuracy: 0.8791\n"),
        # no split printed: the one print that writes "Accuracy" names the training set
        ("correct = count(model(train_x), train_y)\nprint('Total Correct:', correct)\n"
         "print('Accuracy', correct / len(train_set))",
         "Total Correct: 41207\nAccuracy 0.91571\n")])
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["unit"], r["split"], r["evidence"]["cell"])
            for r in facts["results"]] == [
        ("loss", 1.7, None, "train", 0), ("accuracy", 35.0, "%", "train", 0),
        ("loss", 1.6, None, "test", 0), ("accuracy", 40.25, "%", "test", 0),
        ("accuracy", 0.91571, None, "train", 2)]


@pytest.mark.parametrize("source, split", [
    ("print('Accuracy', correct / len(train_set))", "train"),
    ("print('Accuracy', evaluate(model, x_test, y_test))", "test"),
    ("print('Accuracy', acc)", None),                                   # names none
    ("print('Accuracy', acc(x_train), acc(x_val))", None),              # names two
    ("print('Accuracy', acc)\nprint('Accuracy', acc2)", None),          # two prints
    ("print('Accuracy', fit(interval, device))", None),                 # not split words
])
def test_the_split_of_a_printed_line_from_its_print(source: str, split: str | None) -> None:
    from exnet.facts.outputs import printed_split_of

    assert printed_split_of("Accuracy 0.91571", source) == split


def test_readme_logs_emphasis_and_folders(tmp_path: Path) -> None:
    log = "".join(f"Epoch {e}/3\n6000/6000 [======] - 7s - loss: {loss} - acc: {a} - val_loss: "
                  f"{v} - val_acc: {w}\n" for e, loss, a, v, w in (
                      (1, 0.27, 0.91, 0.06, 0.98), (2, 0.11, 0.96, 0.05, 0.985),
                      (3, 0.08, 0.97, 0.04, 0.9875)))
    (tmp_path / "mnist_cnn").mkdir()
    (tmp_path / "README.md").write_text(
        "# Digits\n\n"
        "- **Val Accuracy:** **88.41%**\n"                                       # 3
        "- **Val Loss (label smoothing):** **0.0417**\n"                         # 4
        "- Its AUC comes close to **1.0** on our data.\n"                        # 5
        "- **Steady Learning (Epochs 6-14)**: progress to 70.7% training accuracy\n"
        "- Callbacks: ModelCheckpoint (best val_accuracy), ReduceLROnPlateau (factor=0.2)\n"
        "- Download ```https://example.org/model.pt``` first.\n"                 # 8
        "\nModel performs with an accuracy of 87.55 against the test set of SST-2, and "
        "with 90% accuracy on 60 sentences we wrote.\n"                          # 10
        "\nThe Keras script has a val_acc of 0.8803\n"                           # 12
        "\n```\nEpoch [1/50] | Train Loss: 1.91 | Val Acc: 38.20%\n"
        "Epoch [2/50] | Train Loss: 1.66 | Val Acc: 45.05%\n...\n"
        "Best validation accuracy: 86.30%\n```\n")                              # 18
    (tmp_path / "mnist_cnn" / "README.md").write_text(
        "# CNN\n\n```bash\n$ python mnist_cnn.py\n" + log +
        "Test loss: 0.0322\nTest accuracy: 0.9871\n```\n")
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["unit"], r["split"], r["dataset"],
             r["evidence"]["file"], r["evidence"]["line"]) for r in facts["results"]] == [
        ("accuracy", 88.41, "%", "validation", None, "README.md", 3),
        ("loss", 0.0417, None, "validation", None, "README.md", 4),
        ("accuracy", 87.55, "%", "test", "sst2", "README.md", 10),
        ("accuracy", 90.0, "%", None, None, "README.md", 10),
        ("accuracy", 0.8803, None, "validation", None, "README.md", 12),
        # the log elides epochs and stops at 2 of 100: its last epoch is not a result
        ("accuracy", 86.3, "%", "validation", None, "README.md", 18),
        # a sub-folder's README, its shell session's log: the final epoch, the test
        ("loss", 0.08, None, "train", None, "mnist_cnn/README.md", 10),
        ("accuracy", 0.97, None, "train", None, "mnist_cnn/README.md", 10),
        ("loss", 0.04, None, "validation", None, "mnist_cnn/README.md", 10),
        ("accuracy", 0.9875, None, "validation", None, "mnist_cnn/README.md", 10),
        ("loss", 0.0322, None, "test", None, "mnist_cnn/README.md", 11),
        ("accuracy", 0.9871, None, "test", None, "mnist_cnn/README.md", 12)]


def test_metrics_printed_as_data(tmp_path: Path) -> None:
    rows_json = json.dumps([
        {"model": "frozen_encoder", "accuracy": 0.77, "f1": 0.7415,
         "confusion_matrix": [[700, 151], [170, 481]]},
        {"model": "finetuned", "accuracy": 0.8112, "f1": 0.7903}], indent=2)
    _notebook(tmp_path / "scores.ipynb", [
        ("results = run(train_csv)\nprint(json.dumps(results, indent=2))",
         "=== loading encoder ===\n" + rows_json + "\n"),
        ("trainer.evaluate()", "{'eval_loss': 0.31, 'eval_accuracy': 0.91, 'epoch': 3.0}\n"),
        ("print(scores)", "{'LSTM': {'test_accuracy': 0.86}, 'GRU': {'test_acc': 88.5}}\n"),
        # a history (lists) and rows without names state no result
        ("print(history.history)\nprint(rows)",
         "{'loss': [0.5, 0.4], 'val_loss': [0.6, 0.5]}\n[{'accuracy': 0.9}, {'accuracy': 0.8}]\n"),
        ("print(log)", "{'loss': 0.5, 'epoch': 1.0}\n{'loss': 0.4, 'epoch': 2.0}\n")])
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["unit"], r["split"], r["label"], r["evidence"]["cell"])
            for r in facts["results"]] == [
        ("accuracy", 0.77, None, None, "frozen_encoder", 0),
        ("f1", 0.7415, None, None, "frozen_encoder", 0),
        ("accuracy", 0.8112, None, None, "finetuned", 0),
        ("f1", 0.7903, None, None, "finetuned", 0),
        ("loss", 0.31, None, None, None, 1), ("accuracy", 0.91, None, None, None, 1),
        ("accuracy", 0.86, None, "test", "LSTM", 2), ("accuracy", 88.5, "%", "test", "GRU", 2)]


def test_several_runs_named_before_each_give_labelled_results(tmp_path: Path) -> None:
    def run(name: str, acc: float) -> str:
        return f"{name}\n" + "".join(
            f"Epoch {e:02d}/2 | train_acc={acc - 0.1 / e:.4f} val_acc={acc - 0.2 / e:.4f}\n"
            for e in (1, 2))
    _notebook(tmp_path / "two.ipynb", [
        ("for name in ('baseline', 'cnnv2'):\n    train(models[name])",
         "Training mode: both\n\n" + run("Training baseline", 0.8) + "\n" +
         run("Training cnnv2", 0.9)),
        # folds are steps of one experiment, not models: curves only
        ("for k in range(2):\n    train(fold(k))",
         run("Training fold 1", 0.7) + run("Training fold 2", 0.75)),
        # a summary printed twice with the same number is one result
        ("print('Test accuracy:', acc)\nreport()\nprint(' Test accuracy:', acc)",
         "Test accuracy: 0.3934\nPrecision: 0.39\n Test accuracy: 0.3934\n")])
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["split"], r["label"], r["evidence"]["cell"])
            for r in facts["results"]] == [
        ("accuracy", 0.75, "train", "baseline", 0), ("accuracy", 0.7, "validation", "baseline", 0),
        ("accuracy", 0.85, "train", "cnnv2", 0), ("accuracy", 0.8, "validation", "cnnv2", 0),
        ("accuracy", 0.3934, "test", None, 2), ("precision", 0.39, None, None, 2)]
    assert len(facts["curves"]) == 4


def test_bar_redraws_saved_without_carriage_returns() -> None:
    # Colab saved the bar's states glued: the last one (after "0.9381") is the epoch's
    glued = ("Epoch 1/2\n25000/25000 [======] - 296s 12ms/step - loss: 0.2131 - acc: 0.9180\n"
             "Epoch 2/2\n22784/25000 [====>...] - ETA: 26s - loss: 0.1636 - acc: 0.9381"
             "25000/25000 [======] - 296s 12ms/step - loss: 0.1657 - acc: 0.9374\n")
    (run,) = parse_runs(glued)
    assert run.series() == {"loss": (0.2131, 0.1657), "accuracy": (0.918, 0.9374),
                            "seconds": (296.0, 296.0)}
    # a glued bar that did not finish is still unfinished: epoch 2 gives nothing
    (run,) = parse_runs(glued.replace("25000/25000 [======] - 296s 12ms/step - loss: 0.1657",
                                      " 24000/25000 [=====>] - ETA: 2s - loss: 0.1657"))
    assert run.epochs == [1]


@pytest.mark.parametrize("text, stated", [
    ("- **Spam Recall**: 97.30% (it misses almost no spam)", [("recall", 97.3)]),
    ("It reaches nearly 80% accuracy on three classes.", []),
    ("Our AUC sits close to **1.0**.", []),
    ("| Metric | Small | Large | Δ |\n|---|---|---|---|\n| Test accuracy | 0.72 | 0.84 | +0.12 |\n"
     "| Macro F1 | 0.73 | 0.83 | +0.10 |\n", [("accuracy", 0.72), ("accuracy", 0.84),
                                              ("f1", 0.73), ("f1", 0.83)]),
    ("The easiest classes are truck (F1 0.93) and frog (0.91).", []),
    ("* **Sonuç (Validation Accuracy):** %81.25", [("accuracy", 81.25)]),
    # a figure on a part of the data is not the model's; a split or a dataset is fine
    ("- Accuracy on uncertain predictions: 48.9%", []),
    ("The accuracy on the test set is 91.2%, and the accuracy on IMDB: 89.5%.",
     [("accuracy", 91.2), ("accuracy", 89.5)]),
    # only the number's own clause is looked at
    ("The paper reports 76% accuracy, while we get 74% accuracy.", [("accuracy", 74.0)]),
    ("It shows 74% accuracy, although tuning could increase it.", [("accuracy", 74.0)]),
    ("Accuracy increased from 85% to 90%, but slowly.", []),
    # prose its writer indented is read; indented code is not
    ("Final thoughts:\n\n    The model reaches 74% accuracy on little data.\n\n"
     "    accuracy = 0.95\n", [("accuracy", 74.0)]),
])
def test_vague_figures_differences_and_classes_are_not_results(text: str,
                                                               stated: list) -> None:
    from exnet.facts.readme import readme_results

    assert [(r.metric, r.value) for r in readme_results("README.md", text)] == stated


def test_a_plain_text_readme_has_a_sentence_per_line() -> None:
    from exnet.facts.readme import readme_results

    text = ("We rebuilt the network of the paper below\n"
            "model_a.py reaches a val_acc of 0.8542 in our runs\n")
    assert [(r.metric, r.value, r.split, r.evidence.line)
            for r in readme_results("README", text)] == [("accuracy", 0.8542, "validation", 2)]
    # in Markdown the lines are one paragraph, and the paper is in its sentence
    assert readme_results("README.md", text) == []


def test_an_epoch_header_over_printed_lines_and_a_log_without_epoch_lines(
        tmp_path: Path) -> None:
    # "Epoch 2/3" as Keras writes it, but the loop's own lines under it
    own = "".join(f"Epoch {e}/3\n  Train Loss: {1 / e:.4f} | Train Acc: {60 + e}.00%\n"
                  f"  Val Loss: {1.5 / e:.4f} | Val Acc: {50 + e}.00%\n  LR: 0.001\n\n"
                  for e in (1, 2, 3))
    (run,) = parse_runs(own)
    assert (run.kind, run.epochs, run.series()["val_accuracy"]) == (
        "epoch-log", [1, 2, 3], (0.51, 0.52, 0.53))
    # Keras with a library's message between the header and the bar
    keras = ("Epoch 1/2\n\nI0000 cuda_dnn.cc:529] Loaded cuDNN version 91002\n\n"
             "10/10 ━━━━ 12s 17ms/step - accuracy: 0.83 - loss: 0.35\nEpoch 2/2\n"
             "10/10 ━━━━ 8s 16ms/step - accuracy: 0.90 - loss: 0.25\n")
    (run,) = parse_runs(keras)
    assert (run.kind, run.epochs) == ("keras-progress", [1, 2])
    # no epoch line at all, but printed as many times as the code's epochs=4
    log = "".join(f"\ntrain loss: {1 / i:.4f}, train acc: {80 + i}.5\n"
                  f"Iteration: {i}  LOSS :  tensor(0.9, device='cuda:0')\n" for i in (1, 2, 3, 4))
    _notebook(tmp_path / "log.ipynb", [
        ("trainer = Trainer(model, epoch=4, lr=0.01)\ntrainer.train(train, valid)", log),
        ("for k in range(4):\n    fit(fold(k), epochs=4)", log)])   # folds: not an epoch log
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["split"], r["evidence"]["cell"])
            for r in facts["results"]] == [("loss", 0.25, "train", 0),
                                            ("accuracy", 84.5, "train", 0)]


def test_runs_of_a_loop_over_models_are_not_the_cells_model(tmp_path: Path) -> None:
    def run(name: str) -> str:
        return f"{name}\n" + "".join(f"epoch {e} / 2\nTrain loss: {1 / e}\nTrain acc: 0.{e}\n"
                                      for e in (1, 2))
    source = ("for name in ['effnetb0', 'effnetb2']:\n    model = build(name)\n"
              "    fit(model, optimizer=Adam(lr=0.001), epochs=2)")
    _notebook(tmp_path / "compare.ipynb", [
        (source, "[INFO] Model: effnetb0\n" + run("") + "[INFO] Model: effnetb2\n" + run("")),
        (source, run("Training effnetb0") + run("Training effnetb2"))])
    b2 = model("p", "compare.ipynb", 0, 2, "effnetb2", {"optimizer": ("compare.ipynb", 0),
                                                       "epochs": ("compare.ipynb", 1)})
    facts = project_facts(tmp_path, [b2]).to_json()
    # cell 0's runs are unnamed: neither goes to the cell's model; cell 1's are named
    assert [(c["evidence"]["cell"], c["label"], c["model"]) for c in facts["curves"]] == [
        (0, None, None), (0, None, None), (1, "effnetb0", None), (1, "effnetb2", model_id(b2))]


def test_a_loss_shown_on_typed_logits_is_not_a_result(tmp_path: Path) -> None:
    _notebook(tmp_path / "demo.ipynb", [
        ("scores = torch.tensor([[1.5, -0.2], [0.3, 2.2]])\n"
         "loss = criterion(scores, torch.tensor([0, 1]))\nprint('loss:', round(loss.item(), 4))",
         "loss: 0.2007\n"),
        ("y = np.array([0, 1, 1])\nprint('Test accuracy:', accuracy(model(x_test), y))",
         "Test accuracy: 0.91\n")])
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["evidence"]["cell"]) for r in facts["results"]] == [
        ("accuracy", 0.91, 1)]


def test_a_pasted_log_cut_short_is_a_sample_but_what_follows_the_cut_is_not() -> None:
    from exnet.facts.readme import readme_results

    text = ("```\nEpoch 1/4\n  Train Loss: 1.9876\n  Val Accuracy: 0.7011\n"
            "  Val Macro F1: 0.6942\n...\nBest validation accuracy: 0.9120\n```\n")
    assert [(r.metric, r.value, r.split, r.evidence.line)
            for r in readme_results("README.md", text)] == [("accuracy", 0.912, "validation", 7)]


def test_two_splits_two_values_on_one_pair() -> None:
    log = "".join(f"Epoch {e} train/val loss: {t:.4f}/{v:.4f}\n train/val accuracy: {a}/{b}\n"
                  for e, t, v, a, b in ((1, 0.02, 0.03, 0.5, 0.45), (2, 0.016, 0.0233,
                                                                      0.6512, 0.5890)))
    (run,) = parse_runs(log)
    assert run.series() == {"loss": (0.02, 0.016), "accuracy": (0.5, 0.6512),
                            "val_loss": (0.03, 0.0233), "val_accuracy": (0.45, 0.589)}


def test_table_rows_named_by_split_or_phase() -> None:
    from exnet.facts.readme import readme_results

    text = ("| Dataset | Phase | Accuracy (%) |\n|---|---|---|\n| News | Train | 97.12 |\n"
            "|  | Test | 85.40 |\n\n| Set | Loss | Accuracy |\n|---|---|---|\n"
            "| Validation Set | 0.71 ± 0.05 | 0.77 |\n| Test Set | 0.69 | 0.78 |\n")
    assert [(r.metric, r.value, r.split, r.label) for r in readme_results("README.md", text)] == [
        ("accuracy", 97.12, "train", "News"), ("accuracy", 85.4, "test", "News"),
        ("accuracy", 0.77, "validation", None), ("loss", 0.69, "test", None),
        ("accuracy", 0.78, "test", None)]


def test_one_figure_at_two_precisions_is_one_result(tmp_path: Path) -> None:
    report = ("              precision    recall  f1-score   support\n\n"
              "    accuracy                           0.31      1267\n")
    _notebook(tmp_path / "r.ipynb", [
        ("print('Accuracy:', acc)\nprint(classification_report(y, p))",
         "Accuracy: 0.3128\n" + report),
        ("print('Accuracy:', acc)\nprint(classification_report(y, p))",
         "Accuracy: 0.3528\n" + report)])                 # two figures: a loop's, dropped
    facts = project_facts(tmp_path).to_json()
    assert [(r["metric"], r["value"], r["evidence"]["cell"]) for r in facts["results"]] == [
        ("accuracy", 0.3128, 0)]
