"""The facts stage inside `exnet mine` (projects.jsonl gets the environment, results,
curves and licence, and keeps them from the cache), and `exnet refresh` against a fake
GitHub on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from github_server import FakeGitHub
from identify.vendor.licenses import LICENSES

from exnet.cli import main
from exnet.records import REPORTED

MODEL = """from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([layers.Embedding(5000, 32), layers.LSTM(32),
                          layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, epochs=4, batch_size=32)
"""


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def mine(tmp_path: Path, src: Path) -> str:
    result = CliRunner().invoke(main, ["mine", "--task", "text-classification", "--from",
                                       str(src), "--out", str(tmp_path / "out"),
                                       "--cache-dir", str(tmp_path / "cache"),
                                       "--site-dir", str(tmp_path / "site"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return result.output


def test_mine_writes_the_facts_of_each_project(tmp_path: Path) -> None:
    project = tmp_path / "src" / "imdb-lstm"
    project.mkdir(parents=True)
    (project / "model.py").write_text(MODEL)
    (project / "requirements.txt").write_text("tensorflow==2.4.1\nnumpy<1.20\n")
    (project / "LICENSE").write_text(dict(LICENSES)["MIT"].replace("[year] [fullname]",
                                                                  "2022 Ann"))
    (project / "README.md").write_text("# IMDB LSTM\n\nIt reaches 87.5% accuracy on IMDB.\n")
    mine(tmp_path, tmp_path / "src")
    (record,) = lines(tmp_path / "out" / "text-classification" / "projects.jsonl")
    assert record["schema"] == "exnet.project/1"
    assert record["license"] == "MIT"
    assert record["licence"] == {"spdx": "MIT", "kind": "permissive", "how": "file",
                                 "evidence": {"file": "LICENSE", "line": None, "cell": None}}
    assert record["environment"]["statement"] == "TensorFlow 2.4.1"
    assert [d["name"] for d in record["environment"]["libraries"]] == ["numpy"]
    assert record["results"] == [{
        "metric": "accuracy", "value": 87.5, "unit": "%", "split": None, "dataset": "imdb",
        "model": None, "label": None, "source": "readme",
        "evidence": {"file": "README.md", "line": 3, "cell": None}, "reported": REPORTED}]
    assert record["curves"] == []
    # a second run takes the outcome, facts included, from the cache
    assert "1 from cache" in mine(tmp_path, tmp_path / "src")
    assert lines(tmp_path / "out" / "text-classification" / "projects.jsonl") == [record]


def corpus(tmp_path: Path) -> Path:
    task = tmp_path / "corpus" / "text-classification"
    task.mkdir(parents=True)
    (task / "models.jsonl").write_text("")
    rows = [
        {"schema": "exnet.project/1", "full_name": "ann/imdb", "url": "https://github.com/ann/imdb",
         "stars": None, "forks": None, "topics": [], "description": None, "pushed": None,
         "license": "MIT", "status": "extracted"},
        {"schema": "exnet.project/1", "full_name": "bob/gone", "url": "https://github.com/bob/gone",
         "stars": 3, "forks": None, "topics": [], "description": None, "pushed": None},
        {"schema": "exnet.project/1", "full_name": "local-folder", "url": None, "stars": None},
    ]
    (task / "projects.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return tmp_path / "corpus"


def test_refresh_updates_popularity_and_keeps_the_rest(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    with FakeGitHub() as server:
        server.add("ann/imdb", "https://github.com/ann/imdb.git", stars=42, forks=7,
                   topics=("keras", "imdb"), description="LSTM on IMDB")
        result = CliRunner().invoke(main, ["refresh", "--corpus", str(root), "--api-url",
                                           server.base_url, "--token", "t0ken"])
        asked = [path for path, _, _ in server.requests]
    assert result.exit_code == 0, result.output
    assert "1 projects updated, 1 not found on GitHub, 1 skipped" in result.output
    assert asked == ["/repos/ann/imdb", "/repos/bob/gone"]
    ann, bob, local = lines(root / "text-classification" / "projects.jsonl")
    assert (ann["stars"], ann["forks"], ann["topics"], ann["description"], ann["pushed"]) == \
        (42, 7, ["imdb", "keras"], "LSTM on IMDB", "2023-02-03T04:05:06Z")
    assert ann["license"] == "MIT" and ann["status"] == "extracted"
    assert ann["refreshed"] == ann["refreshed"][:10] and len(ann["refreshed"]) == 10
    assert bob["stars"] == 3 and bob["forks"] is None and "refreshed" not in bob
    assert local == {"schema": "exnet.project/1", "full_name": "local-folder", "url": None,
                     "stars": None}


def test_refresh_needs_a_corpus_with_projects(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["refresh", "--corpus", str(tmp_path / "empty")])
    assert result.exit_code != 0 and "Traceback" not in result.output
