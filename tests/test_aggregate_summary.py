"""The whole stage on a small hand-made corpus (tests/fixtures/aggregate/tiny/):
exact per-model facts, determinism, atomic writing, bad input lines."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from exnet.aggregate import SUMMARY_SCHEMA, aggregate_task
from exnet.errors import ExnetError

TINY = Path(__file__).parent / "fixtures" / "aggregate" / "tiny"


@pytest.fixture()
def task(tmp_path: Path) -> Path:
    # A task name without a modality: every model of the mixed fixture belongs to it
    # (test_models_of_another_task_are_left_out covers a text task).
    dest = tmp_path / "classification"
    shutil.copytree(TINY, dest)
    return dest


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def models_by_project(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    cols = summary["models"]["columns"]
    return {row[1]: dict(zip(cols, row)) for row in summary["models"]["rows"]}


def test_summary_top_level(task: Path) -> None:
    path = aggregate_task(task)
    assert path == task / "summary.json"
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{"schema":"exnet.summary/1",') and text.endswith("}\n")
    summary = load(path)
    assert summary["schema"] == SUMMARY_SCHEMA
    assert summary["task"] == "classification"
    assert summary["mined"] == "2024-01-16"
    assert summary["totals"] == {"models": 6, "projects": 6, "distinct_core": 5,
                                 "distinct_full": 5, "skipped": 0, "left_out": 0}
    assert summary["approximations"] == [] and summary["skipped"] == []
    assert list(summary) == ["schema", *sorted(k for k in summary if k != "schema")]


def test_model_table_rows(task: Path) -> None:
    summary = load(aggregate_task(task))
    rows = models_by_project(summary)
    assert [r[0] for r in summary["models"]["rows"]] == [
        "alice/imdb-lstm:model.py:5:model", "bob/sentiment:net.py:8:SentimentRNN",
        "carol/text-cnn:train.ipynb#cell4:1:model", "dave/mnist:mnist.py:10:build_model",
        "erin/gru:model.py:3:GRUClassifier", "frank/bert:finetune.py:14:BertClassifier"]
    # Keras model and PyTorch model of the same structure: same sequences, same place
    keras, torch = rows["alice/imdb-lstm"], rows["bob/sentiment"]
    assert (keras["core"], keras["full"]) == (torch["core"], torch["full"]) == (0, 0)
    assert (keras["x"], keras["y"]) == (torch["x"], torch["y"])
    assert summary["sequences"]["full"]["rows"][0][0] == [
        "Embedding", "LSTM", "Dense", "Activation"]
    # parameter counts as model.summary() / parameters() report them
    assert {p: r["params"] for p, r in rows.items()} == {
        "alice/imdb-lstm": 2_117_377, "bob/sentiment": 2_117_889, "carol/text-cnn": 549_153,
        "dave/mnist": 225_034, "erin/gru": 338_946, "frank/bert": None}
    erin = rows["erin/gru"]
    assert (erin["optimizer"], erin["learning_rate"], erin["batch_size"]) == ("adamw", None, 16)
    assert erin["tricks"] == ["dropout", "bidirectional", "weight_decay"]
    assert (erin["stars"], rows["frank/bert"]["stars"]) == ("10–99", "unknown")
    assert keras["neighbours"] == [[1, 0.0], [4, 0.5], [2, 2.0], [5, 2.0], [3, 5.0]]
    assert rows["carol/text-cnn"]["cell"] == 4


def test_sections_agree_with_each_other(task: Path) -> None:
    summary = load(aggregate_task(task))
    n = summary["totals"]["models"]
    for name, view in summary["sankey"]["views"].items():
        starts = [link for link in view["links"] if view["nodes"][link[0]][1] == "(start)"]
        assert sorted(r for link in starts for r in link[2]) == list(range(n)), name
    assert sum(summary["facets"]["framework"]["counts"]) == n
    assert summary["hyperparameters"]["learning_rate"]["unresolved"] == 1
    assert summary["hyperparameters"]["learning_rate"]["median"] == 0.001
    assert summary["tricks"]["dropout"]["models"] == 3
    assert summary["params"]["models"] == 5 and summary["params"]["missing"] == 1
    assert summary["layers"][0] == {"type": "Dense", "models": 6, "share": 1.0, "layers": 7,
                                    "core": True, "by_framework": {
                                        "keras": {"models": 4, "share": 1.0},
                                        "pytorch": {"models": 2, "share": 1.0}}}
    assert [p[0] for p in summary["projects"]["rows"]][-1] == "frank/bert"
    assert "description" not in summary["projects"]["columns"]


def test_output_does_not_depend_on_input_order(task: Path, tmp_path: Path) -> None:
    first = aggregate_task(task).read_bytes()
    lines = (task / "models.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(3).shuffle(lines)
    other = tmp_path / "shuffled" / task.name
    shutil.copytree(task, other)
    (other / "summary.json").unlink()
    (other / "models.jsonl").write_text("".join(lines), encoding="utf-8")
    assert aggregate_task(other).read_bytes() == first


def test_written_atomically_and_only_when_changed(task: Path) -> None:
    path = aggregate_task(task)
    stamp = path.stat().st_mtime_ns
    path.chmod(0o644)
    assert aggregate_task(task).stat().st_mtime_ns == stamp     # same content: untouched
    assert sorted(p.name for p in task.iterdir()) == [
        "models.jsonl", "projects.jsonl", "summary.json"]          # no temporary left


def test_bad_lines_are_skipped_with_a_reason(task: Path) -> None:
    with (task / "models.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("{not json\n\n")
        fh.write(json.dumps({"schema": "exnet.model/9", "project": "x/y"}) + "\n")
        fh.write(json.dumps({"schema": "exnet.model/1", "project": "x/y", "file": "a.py",
                             "span": [1, 2], "name": "m", "layers": "Dense"}) + "\n")
        fh.write(json.dumps({"schema": "exnet.failure/1", "file": "b.py",
                             "reason": "syntax error"}) + "\n")
    warnings: list[str] = []
    summary = load(aggregate_task(task, warn=warnings.append))
    assert summary["totals"]["models"] == 6 and summary["totals"]["skipped"] == 3
    assert summary["skipped"] == [
        {"file": "models.jsonl", "line": 7, "reason": "not JSON: Expecting property name "
                                                      "enclosed in double quotes"},
        {"file": "models.jsonl", "line": 9,
         "reason": "schema is 'exnet.model/9', expected one of exnet.model/1, exnet.model/2"},
        {"file": "models.jsonl", "line": 10, "reason": "field 'layers' missing or not a list"}]
    assert len(warnings) == 3 and warnings[0].endswith(
        "models.jsonl:7: skipped: not JSON: Expecting property name enclosed in double quotes")


def test_empty_task(tmp_path: Path) -> None:
    (tmp_path / "models.jsonl").write_text("", encoding="utf-8")
    summary = load(aggregate_task(tmp_path))
    assert summary["totals"]["models"] == 0
    assert summary["models"]["rows"] == [] and summary["skeletons"] == []
    assert summary["sankey"]["views"]["core.input"] == {"nodes": [], "links": []}
    assert summary["space"]["method"] == "none"


def test_missing_models_jsonl_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(ExnetError, match="no models.jsonl in"):
        aggregate_task(tmp_path)


def test_models_of_another_task_are_left_out(tmp_path: Path) -> None:
    dest = tmp_path / "text-classification"
    shutil.copytree(TINY, dest)
    summary = load(aggregate_task(dest))
    assert summary["totals"]["models"] == 5 and summary["totals"]["left_out"] == 1
    assert summary["left_out"] == [{
        "id": "dave/mnist:mnist.py:10:build_model", "project": "dave/mnist",
        "file": "mnist.py", "name": "build_model",
        "reason": "an image model (mnist) in a text task"}]
    assert "dave/mnist" not in {row[1] for row in summary["models"]["rows"]}
