"""`exnet check` shows the checked code's environment and what the projects of its
nearest corpus models report (text and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from exnet.cli import main
from exnet.extract import extract_path
from exnet.records import REPORTED, model_id

FIXTURE = Path(__file__).parent / "fixtures" / "facts" / "pinned" / "model.py"


def corpus(tmp_path: Path) -> tuple[Path, str]:
    task = tmp_path / "corpus" / "text-classification"
    task.mkdir(parents=True)
    (record,) = extract_path(FIXTURE).to_json()["models"]
    record["project"] = "ann/topics"
    mid = model_id(record)
    (task / "models.jsonl").write_text(json.dumps(record) + "\n")
    ev = {"file": "README.md", "line": 4, "cell": None}
    results = [
        {"metric": "accuracy", "value": 88.1, "unit": "%", "split": "test",
         "dataset": "ag_news", "model": mid, "label": None, "source": "readme",
         "evidence": ev, "reported": REPORTED},
        {"metric": "wall_time", "value": 31.4, "unit": "s", "split": None, "dataset": None,
         "model": None, "label": None, "source": "notebook-output", "evidence": ev,
         "reported": REPORTED}]
    project = {"schema": "exnet.project/1", "full_name": "ann/topics",
               "url": "https://github.com/ann/topics", "sha": "a" * 40, "results": results}
    (task / "projects.jsonl").write_text(json.dumps(project) + "\n")
    return tmp_path / "corpus", mid


def check(corpus_dir: Path, fmt: str) -> str:
    result = CliRunner().invoke(main, ["check", str(FIXTURE), "--task", "text-classification",
                                       "--corpus", str(corpus_dir), "--format", fmt,
                                       "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return result.output


def test_check_json_has_environment_and_neighbour_results(tmp_path: Path) -> None:
    corpus_dir, mid = corpus(tmp_path)
    report = json.loads(check(corpus_dir, "json"))
    assert report["environment"]["statement"] == ("PyTorch (version not pinned; 0.x-era "
                                                  "torch.autograd.Variable, still accepted by "
                                                  "current releases), torchtext legacy Field "
                                                  "API era — needs torchtext<0.9 "
                                                  "(torchtext.data.Field)")
    assert report["models"][0]["neighbours"][0]["id"] == mid
    assert [(r["metric"], r["value"], r["level"]) for r in report["neighbour_results"][mid]] \
        == [("accuracy", 88.1, "model"), ("wall_time", 31.4, "project")]


def test_check_text_shows_them(tmp_path: Path) -> None:
    corpus_dir, _ = corpus(tmp_path)
    text = check(corpus_dir, "text")
    assert text.startswith("environment: PyTorch (version not pinned;")
    assert "  torchtext.data.Field at model.py:4 needs torchtext<0.9\n" in text
    assert ("      reported for this model: accuracy 88.1% (test, ag_news)\n"
            "      reported by its project: wall_time 31.4 s — reported by the project, not "
            "reproduced\n") in text
