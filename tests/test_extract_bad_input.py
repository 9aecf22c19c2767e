"""Hostile and broken input: every unreadable file is exactly one failure entry
{file, reason} and the other files are still read; nothing raises. Folders that are
not the project's own code (.git, virtual environments, node_modules, site-packages,
hidden folders) are never read, and symlinks are never followed.

Fixture: bad_input/ (good_model.py, syntax_error.py, py2_script.py, broken.ipynb); the
odd encodings, binary, huge and deeply nested files are written by the tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from extract_helpers import (
    MODEL_SOURCE,
    copy_fixture,
    find_model,
    fixture,
    layer_types,
    run_extract,
    write_binary,
    write_huge,
    write_latin1,
    write_nested_ifs,
    write_nested_parens,
)

# (file name, how to write it, words of which the reason holds at least one)
BAD_FILES: list[tuple[str, Callable[[Path], None], tuple[str, ...]]] = [
    ("syntax_error.py", copy_fixture("bad_input", "syntax_error.py"), ("syntax",)),
    ("py2_script.py", copy_fixture("bad_input", "py2_script.py"), ("python 2", "python2")),
    ("broken.ipynb", copy_fixture("bad_input", "broken.ipynb"), ("notebook", "json")),
    ("latin1.py", write_latin1, ("utf-8", "utf8", "encoding", "decode")),
    ("binary.py", write_binary, ("binary", "nul", "null")),
    ("deep_parens.py", write_nested_parens, ("nest", "deep", "recursion", "syntax")),
    ("deep_ifs.py", write_nested_ifs, ("nest", "deep", "recursion", "indent", "syntax")),
    ("huge.py", write_huge, ("mb", "large", "big", "size", "bytes")),
]
IDS = [b[0] for b in BAD_FILES]


@pytest.mark.parametrize("name,write,words", BAD_FILES, ids=IDS)
def test_one_bad_file_alone(tmp_path: Path, name: str, write: Callable[[Path], None],
                            words: tuple[str, ...]) -> None:
    path = tmp_path / name
    write(path)
    data = run_extract(path)                     # must not raise
    assert data["models"] == []
    assert len(data["failures"]) == 1, data["failures"]
    failure = data["failures"][0]
    assert failure["file"] == name
    reason = failure["reason"]
    assert isinstance(reason, str) and reason.strip()
    assert any(word in reason.lower() for word in words), reason
    assert "\n" not in reason and "Traceback" not in reason and len(reason) < 300


@pytest.mark.parametrize("name,line", [
    ("syntax_error.py", 8),     # the parenthesis left open (where Python itself points)
    ("py2_script.py", 5),       # the first `print "..."`
])
def test_failure_says_where(name: str, line: int) -> None:
    data = run_extract(fixture("bad_input", name))
    [failure] = data["failures"]
    assert failure.get("line") == line or f"line {line}" in failure["reason"], failure


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    root = tmp_path / "messy_project"
    root.mkdir()
    shutil.copyfile(fixture("bad_input", "good_model.py"), root / "good_model.py")
    for name, write, _ in BAD_FILES:
        write(root / name)
    (root / "models").mkdir()
    (root / "models" / "small.py").write_text(MODEL_SOURCE.format(name="SmallNet"))
    return root


def test_bad_files_do_not_stop_the_folder(bad_folder: Path) -> None:
    data = run_extract(bad_folder)
    by_file: dict[str, list[dict]] = {}
    for failure in data["failures"]:
        by_file.setdefault(failure["file"], []).append(failure)
    assert sorted(by_file) == sorted(IDS)
    assert all(len(entries) == 1 for entries in by_file.values()), by_file
    # the good files are read all the same
    good = find_model(data, "model", "good_model.py")
    assert layer_types(good) == ["Dense", "Dense"]
    # models/small.py is read too; nothing builds its class, so beside the trained
    # model it is set aside rather than counted
    assert [(a["file"], a["name"]) for a in data["set_aside"]] == [
        ("models/small.py", "SmallNet")]
    assert {m["file"] for m in data["models"]} == {"good_model.py"}
    for failure in data["failures"]:
        assert failure["project"] == "messy_project"


def test_huge_file_is_refused_before_reading_its_model(tmp_path: Path) -> None:
    write_huge(tmp_path / "huge.py")
    data = run_extract(tmp_path)
    assert all(m["name"] != "HugeNet" for m in data["models"])


# ------------------------------------------------------------------ folders not read
@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "main.py").write_text(MODEL_SOURCE.format(name="MainNet"))

    def plant(rel: str, name: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MODEL_SOURCE.format(name=name))

    (root / "data.csv").write_text("text,label\nimport torch,1\n")
    (root / "notes.txt").write_text("class Net(nn.Module) -- see main.py\n")
    (root / "helpers.py").write_text("import numpy as np\n\ndef f(x):\n    return np.mean(x)\n")
    plant(".git/hooks/model.py", "GitNet")
    plant("venv/lib/python3.11/site-packages/torchlib/model.py", "VenvNet")
    (root / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.7\n")
    # a virtual environment is known by its pyvenv.cfg, whatever its name
    plant("py311/lib/python3.11/model.py", "OddlyNamedVenvNet")
    (root / "py311" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    plant("node_modules/some-pkg/model.py", "NodeNet")
    plant(".hidden/model.py", "HiddenNet")
    plant("site-packages/pkg/model.py", "SitePackagesNet")
    plant("notebooks/.ipynb_checkpoints/model.py", "CheckpointNet")

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret_model.py").write_text(MODEL_SOURCE.format(name="OutsideNet"))
    try:
        os.symlink(outside / "secret_model.py", root / "linked_model.py")
        os.symlink(outside, root / "vendor", target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")
    return root


def test_skipped_folders_and_symlinks(hostile_folder: Path) -> None:
    data = run_extract(hostile_folder)
    assert [m["name"] for m in data["models"]] == ["MainNet"]
    # data files, text and a plain helper without any framework are not failures either
    assert not {f["file"] for f in data["failures"]} & {"data.csv", "notes.txt", "helpers.py"}
    # nothing under the skipped folders is even reported
    skipped = (".git/", "venv/", "py311/", "node_modules/", ".hidden/", "site-packages/",
               "notebooks/.ipynb_checkpoints/", "vendor/")
    for failure in data["failures"]:
        assert not failure["file"].startswith(skipped), failure
        assert "OutsideNet" not in failure["reason"]

