"""Records read back from disk are checked before use.

A cached extraction result of the wrong shape is a cache miss: the project is extracted
again, the cache entry replaced, and the output holds the real records (never a string
written out letter by letter). A corpus record of the wrong shape is skipped by
`exnet check` instead of crashing it. The runs are real: `exnet mine --from` over local
checkouts (extraction in worker processes), `exnet check` as a process.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gitrepos import KERAS_MODEL, keras_files

from exnet.cli import main

GOOD_MODEL = {"schema": "exnet.model/2", "project": "p", "file": "m.py", "cell": None,
              "span": [2, 2], "name": "model", "framework": "keras", "style": "sequential",
              "layers": [{"type": "Dense", "api": "Dense", "line": 2, "args": {"units": 1}}],
              "edges": None, "hyperparameters": {}, "datasets": [], "preprocessing": []}

# A cached result's fields replaced by a wrong shape.
BAD_RESULTS: list[tuple[str, dict[str, Any]]] = [
    ("models-a-string", {"models": "notalist"}),
    ("model-not-an-object", {"models": ["Dense"]}),
    ("model-without-layers", {"models": [{k: v for k, v in GOOD_MODEL.items()
                                          if k != "layers"}]}),
    ("model-of-another-schema", {"models": [dict(GOOD_MODEL, schema="exnet.model/9")]}),
    ("model-span-a-string", {"models": [dict(GOOD_MODEL, span="2")]}),
    ("failures-a-dict", {"failures": {"file": "x.py"}}),
    ("failure-without-reason", {"failures": [{"file": "x.py"}]}),
    ("reason-a-number", {"reason": 7}),
]


def mine(tmp_path: Path, src: Path) -> str:
    result = CliRunner().invoke(main, [
        "mine", "--task", "text-classification", "--from", str(src),
        "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
        "--site-dir", str(tmp_path / "site"), "--jobs", "2"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output


def from_cache(output: str) -> int:
    found = re.search(r"extracted \((\d+) from cache\)", output)
    assert found, output
    return int(found.group(1))


def test_a_cached_result_of_the_wrong_shape_is_extracted_again(tmp_path: Path) -> None:
    src = tmp_path / "src"
    names = [name for name, _ in BAD_RESULTS] + ["untouched"]
    for name in names:
        (src / name).mkdir(parents=True)
        for rel, content in keras_files(name).items():
            (src / name / rel).write_text(str(content))
    mine(tmp_path, src)
    task_dir = tmp_path / "out" / "text-classification"
    before = (task_dir / "models.jsonl").read_bytes()
    cached = {path.parent.parent.name: path
              for path in (tmp_path / "cache" / "results").glob("*/*/*/exnet-*.json")}
    assert sorted(cached) == sorted(names)
    for name, change in BAD_RESULTS:
        data = json.loads(cached[name].read_text())
        cached[name].write_text(json.dumps({**data, **change}))

    output = mine(tmp_path, src)
    assert from_cache(output) == 1                       # only the untouched one
    assert (task_dir / "models.jsonl").read_bytes() == before
    models = [json.loads(line) for line in (task_dir / "models.jsonl").read_text().splitlines()]
    assert [m["project"] for m in models] == sorted(names)
    assert all(m["layers"][0]["type"] == "Dense" for m in models)
    for name, _ in BAD_RESULTS:                          # the entry is whole again
        assert json.loads(cached[name].read_text())["models"][0]["project"] == name
    assert from_cache(mine(tmp_path, src)) == len(names)


@pytest.mark.parametrize("change", [
    {"layers": "notalist"}, {"layers": ["Dense"]}, {"hyperparameters": "adam"},
    {"hyperparameters": {"learning_rate": 0.1}},
    {"layers": [{"type": "Dense", "args": "units=1"}]},
], ids=["layers-a-string", "layer-a-string", "hyperparameters-a-string",
        "hyperparameter-a-number", "layer-args-a-string"])
def test_check_skips_corpus_records_of_the_wrong_shape(tmp_path: Path,
                                                       change: dict[str, Any]) -> None:
    task_dir = tmp_path / "corpus" / "text-classification"
    task_dir.mkdir(parents=True)
    bad = dict(GOOD_MODEL, project="bad/one", **change)
    good = dict(GOOD_MODEL, project="good/one",
                hyperparameters={"learning_rate": {"value": 0.01, "file": "m.py", "line": 3,
                                                   "how": "literal"}})
    (task_dir / "models.jsonl").write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n")
    user = tmp_path / "mine.py"
    user.write_text(KERAS_MODEL + "model.compile(optimizer=keras.optimizers.Adam("
                                  "learning_rate=0.01), loss='binary_crossentropy')\n")
    done = subprocess.run([sys.executable, "-m", "exnet.cli", "check", str(user), "--task",
                           "text-classification", "--corpus", str(tmp_path / "corpus"),
                           "--format", "json", "--fail-on", "never"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    assert report["corpus_models"] == 1
    assert [n["project"] for n in report["models"][0]["neighbours"]] == ["good/one"]
