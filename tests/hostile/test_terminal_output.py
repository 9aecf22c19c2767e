"""Names from repositories reach the terminal as text: `exnet extract --format table`,
`exnet extract` (JSON) and `exnet check` print control characters escaped (`\\x1b`) and
rich markup as written, never as styles, links or screen commands.

The project is real: files whose names hold escape sequences and rich markup, a model
whose loss is such a string; the corpus of `check` is a real models.jsonl whose project,
file and model names are hostile. Every command runs as a real process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# The file holding the model: a colour escape, rich markup and a carriage return.
MODEL_FILE = "\x1b[31mred[bold]x\r.py"
# A file that does not parse: C1 CSI (clear screen), markup for a link, a bell.
BROKEN_FILE = "[link=evil]\x9b[2Jbad\x07.py"
MODEL_SOURCE = '''from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(10), keras.layers.Dense(1)])
model.compile(loss="[blink]l\\x1b[5m\\u202e", optimizer="adam")
'''
RAW = ("\x1b", "\x07", "\x9b", "\r", "\u202e")     # none of these may be printed


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / MODEL_FILE).write_text(MODEL_SOURCE)
    (root / BROKEN_FILE).write_text("import torch\ndef f(:\n")
    return root


def exnet(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exnet.cli", *args], capture_output=True,
                          text=True, timeout=60, check=False)


def assert_no_raw_controls(text: str) -> None:
    assert not [c for c in RAW if c in text], ascii(text)


def test_extract_table_escapes_names(tmp_path: Path) -> None:
    done = exnet("extract", "--format", "table", str(project(tmp_path)))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert_no_raw_controls(out)
    assert "\\x1b[31mred[bold]x\\x0d.py:2" in out        # markup shown, not applied
    assert "loss=[blink]l\\x1b[5m\\u202e" in out
    assert "[link=evil]\\x9b[2Jbad\\x07.py" in out        # the failures table


def test_extract_json_is_the_same_value_with_every_control_escaped(tmp_path: Path) -> None:
    done = exnet("extract", str(project(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert_no_raw_controls(done.stdout)
    data = json.loads(done.stdout)
    assert [m["file"] for m in data["models"]] == [MODEL_FILE]
    assert data["models"][0]["hyperparameters"]["loss"]["value"] == "[blink]l\x1b[5m\u202e"
    assert [f["file"] for f in data["failures"]] == [BROKEN_FILE]


def corpus_record(project: str, file: str, name: str) -> dict[str, object]:
    return {"schema": "exnet.model/2", "project": project, "file": file, "cell": None,
            "span": [2, 3], "name": name, "framework": "keras", "style": "sequential",
            "layers": [{"type": "Dense", "api": "Dense", "line": 2, "args": {"units": 10}},
                       {"type": "Dense", "api": "Dense", "line": 3, "args": {"units": 1}}],
            "edges": None, "hyperparameters": {}, "datasets": [], "preprocessing": []}


def test_check_text_escapes_user_and_corpus_names(tmp_path: Path) -> None:
    task_dir = tmp_path / "corpus" / "text-classification"
    task_dir.mkdir(parents=True)
    record = corpus_record("evil\x1b[2J/[red]repo", "\x1b]8;;x\x07[bold]t.py",
                           "[blink]m\x1b[5m")
    (task_dir / "models.jsonl").write_text(json.dumps(record) + "\n")
    root = project(tmp_path)
    done = exnet("check", str(root), "--task", "text-classification",
                 "--corpus", str(tmp_path / "corpus"), "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert_no_raw_controls(out)
    assert "model (keras, \\x1b[31mred[bold]x\\x0d.py:2)" in out
    assert "evil\\x1b[2J/[red]repo \\x1b]8;;x\\x07[bold]t.py:2 [blink]m\\x1b[5m" in out
    assert "could not read [link=evil]\\x9b[2Jbad\\x07.py: " in out
    as_json = exnet("check", str(root), "--task", "text-classification",
                    "--corpus", str(tmp_path / "corpus"), "--fail-on", "never",
                    "--format", "json")
    assert_no_raw_controls(as_json.stdout)
    assert json.loads(as_json.stdout)["failures"][0]["file"] == BROKEN_FILE
