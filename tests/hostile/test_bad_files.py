"""A bad file costs that file, never the project: non-UTF-8 names, symlinks, FIFOs and
Python 2 files are each recorded with a reason a person understands, and the rest of the
project is extracted; `exnet mine --from` survives them too."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from exnet.cli import main
from exnet.extract import extract_path

MODEL = "from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(2)])\n"


def test_non_utf8_name_fifo_and_symlink_are_recorded(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "good.py").write_text(MODEL)
    with open(os.fsencode(root) + b"/bad\xff\xfe.py", "w") as fh:
        fh.write(MODEL)
    os.mkfifo(root / "pipe.py")
    outside = tmp_path / "secret.py"
    outside.write_text(MODEL)
    os.symlink(outside, root / "link.py")
    result = extract_path(root)
    assert [m.file for m in result.models] == ["good.py"]
    assert sorted((f.file, f.reason) for f in result.failures) == [
        ("bad\\udcff\\udcfe.py", "file name is not valid UTF-8"),
        ("link.py", "symbolic link, not followed"),
        ("pipe.py", "not a regular file (a FIFO, socket or device), not read"),
    ]


def test_mine_from_a_folder_with_a_non_utf8_name(tmp_path: Path) -> None:
    src = tmp_path / "src" / "p1"
    src.mkdir(parents=True)
    (src / "ok.py").write_text(MODEL)
    with open(os.fsencode(src) + b"/mod\xe9.py", "w") as fh:
        fh.write(MODEL)
    result = CliRunner().invoke(main, [
        "mine", "--task", "text-classification", "--from", str(src.parent),
        "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
        "--site-dir", str(tmp_path / "site"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / "text-classification"
    projects = [json.loads(line) for line in (out / "projects.jsonl").read_text().splitlines()]
    assert [(p["full_name"], p["status"], p["models"]) for p in projects] == [
        ("p1", "extracted", 1)]
    failures = (out / "failures.jsonl").read_text()
    assert "file name is not valid UTF-8" in failures


@pytest.mark.parametrize("text, reason", [
    ("import keras\nprint 'hello'\n", "Python 2 print statement at line 2"),
    ("import torch\ntry:\n    x = 1\nexcept ValueError, e:\n    pass\n",
     "Python 2 `except E, name:` clause at line 4"),
    ("import torch\nexec 'x = 1'\n", "Python 2 exec statement at line 2"),
    ("import torch\nraise ValueError, 'no'\n", "Python 2 `raise E, message` statement at line 2"),
    ("import torch\nif 1 <> 2:\n    pass\n", "Python 2 `<>` operator at line 2"),
    ("import torch\nn = 10L\n", "Python 2 long integer literal at line 2"),
    ("import torch\nx = `n`\n", "Python 2 backtick repr at line 2"),
    ("import torch\nx = (\n", "syntax error at line 2"),
    ("import torch\ns = 'a <> b'\nx = (\n", "syntax error at line 3"),
])
def test_python2_and_syntax_error_reasons(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "old.py"
    path.write_text(text)
    assert [f.reason for f in extract_path(path).failures] == [reason]
