"""Extraction outcomes kept by content (`exnet.extract.reuse`): a project with the same
files as one extracted before (a fork under another name) is read back, not extracted,
and labelled with its own name; any change to what the extraction reads (a code file,
the README, a YAML file the code loads) is a miss; a bad entry is a miss; an outcome cut
short by the time budget is not kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from extract_helpers import write

from exnet.extract import extract_project
from exnet.extract.reuse import content_key, entry_path, keep

FILES = {
    "model.py": """\
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embedding = nn.Embedding(5000, 64)
        self.rnn = nn.GRU(64, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, x):
        out, _ = self.rnn(self.embedding(x))
        return self.fc(out[:, -1])
""",
    "train.py": """\
import torch
import yaml
from model import Classifier

config = yaml.safe_load(open("config.yaml"))
model = Classifier(config["hidden"])
optimizer = torch.optim.Adam(model.parameters(), lr=config["lr"])
""",
    "config.yaml": "hidden: 96\nlr: 0.001\n",
    "README.md": "A GRU on the IMDB reviews.\n",
    "broken.py": "import torch\ndef f(:\n",
}


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def test_a_fork_is_read_back_and_labelled_with_its_own_name(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    original = write(tmp_path / "alice+gru", FILES)
    fork = write(tmp_path / "bob+gru-fork", FILES)
    first = extract_project(original, "alice/gru", reuse=kept)
    assert len(entries(kept)) == 1
    # Reading the entry back must not parse anything: a broken kept entry would show.
    second = extract_project(fork, "bob/gru-fork", reuse=kept)
    assert len(entries(kept)) == 1
    plain = extract_project(fork, "bob/gru-fork")
    assert second.to_json(outcomes=True) == plain.to_json(outcomes=True)
    assert [m.project for m in second.models] == ["bob/gru-fork"]
    assert {f.project for f in second.failures} == {"bob/gru-fork"}
    assert second.models[0].hyperparameters["learning_rate"].value == 0.001
    assert first.to_json()["models"][0]["project"] == "alice/gru"
    assert second.count("extracted") == plain.count("extracted") == 2


@pytest.mark.parametrize("change", [
    ("model.py", FILES["model.py"].replace("nn.GRU", "nn.LSTM")),
    ("config.yaml", "hidden: 128\nlr: 0.001\n"),
    ("README.md", "A GRU on the SST-2 sentences.\n"),
    ("notes/extra.py", "import torch\n"),
])
def test_what_the_extraction_reads_is_in_the_key(tmp_path: Path,
                                                  change: tuple[str, str]) -> None:
    root = write(tmp_path / "p", FILES)
    before = content_key(root)
    assert content_key(root) == before
    write(root, {change[0]: change[1]})
    assert content_key(root) != before


def test_other_files_and_the_folder_name_are_not(tmp_path: Path) -> None:
    one = write(tmp_path / "one", FILES)
    two = write(tmp_path / "two", {**FILES, "data/train.csv": "text,label\nfine,1\n",
                                   "LICENSE": "MIT License\n"})
    assert content_key(one) == content_key(two)


def test_a_symlink_counts_as_a_link_not_as_its_target(tmp_path: Path) -> None:
    outside = tmp_path / "secret.py"
    outside.write_text("import torch\n")
    root = write(tmp_path / "p", FILES)
    os.symlink(outside, root / "linked.py")
    before = content_key(root)
    outside.write_text("import torch\nimport os\n")
    assert content_key(root) == before


def test_a_bad_entry_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    root = write(tmp_path / "p", FILES)
    path = entry_path(kept, content_key(root))
    path.parent.mkdir(parents=True)
    expected = extract_project(root, "p").to_json(outcomes=True)
    for bad in ("not json", json.dumps({"schema": "exnet.extract-entry/1",
                                        "key": content_key(root), "models": [{}]})):
        path.write_text(bad)
        assert extract_project(root, "p", reuse=kept).to_json(outcomes=True) == expected
        assert json.loads(path.read_text())["models"] == expected["models"]


def test_an_outcome_cut_short_by_the_time_budget_is_not_kept(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    cut = {"models": [], "set_aside": [], "outcomes": [["train.py", "extracted", ""]],
           "failures": [{"schema": "exnet.failure/1", "file": "train.py",
                         "reason": "line 9: stopped, over the 5 s time budget"}]}
    keep(kept, "ab" * 20, cut)
    assert entries(kept) == []
    keep(kept, "cd" * 20, {**cut, "failures": []})
    assert [p.name for p in entries(kept)] == ["cd" * 20 + ".json"]


def test_every_bundled_record_reads_back_as_written() -> None:
    from exnet.records import Failure, Model

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    seen = 0
    for path in corpus.glob("*/models.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert Model.from_json(record).to_json() == record
            seen += 1
    for path in corpus.glob("*/failures.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert Failure.from_json(record).to_json() == record
    assert seen > 100
