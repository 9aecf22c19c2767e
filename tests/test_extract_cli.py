"""`exnet extract PATH [--format json|table]`: the extractor's debugging window.

JSON on stdout is `{"models": [...], "failures": [...]}` with files relative to PATH and
the project named after the folder; the summary line goes to stderr; bad input is
reported, never a traceback, and the exit status stays 0.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from extract_helpers import (
    MODEL_SOURCE,
    find_model,
    fixture,
    layer_types,
    write_binary,
    write_huge,
    write_latin1,
    write_nested_ifs,
    write_nested_parens,
)


def invoke(*args: str) -> Result:
    from exnet.cli import main

    result = CliRunner().invoke(main, ["extract", *args], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"exnet extract {' '.join(args)} raised {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output, result.output
    return result


def invoke_json(*args: str) -> dict:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    try:
        return json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"stdout is not JSON:\n{result.stdout[:2000]}")


def test_json_for_a_project_folder() -> None:
    data = invoke_json(str(fixture("multi_file")))
    assert set(data) == {"models", "failures", "set_aside"}
    assert data["failures"] == []
    assert {m["project"] for m in data["models"]} == {"multi_file"}
    assert sorted(m["name"] for m in data["models"]) == ["SentimentRNN"]
    assert [a["name"] for a in data["set_aside"]] == ["Unused"]
    rnn = find_model(data, "SentimentRNN")
    assert rnn["file"] == "model.py"
    assert rnn["schema"] == "exnet.model/2"
    assert rnn["hyperparameters"]["batch_size"]["file"] == "train.py"


def test_files_are_relative_posix_paths() -> None:
    data = invoke_json(str(fixture("datasets")))
    assert {m["project"] for m in data["models"]} == {"datasets"}
    files = {m["file"] for m in data["models"]}
    assert "keras_imdb/imdb_gru.py" in files
    assert "torchvision_cifar/train.py" in files
    for file in files:
        assert not file.startswith("/") and "\\" not in file and ".." not in file
        assert (fixture("datasets") / file).is_file()


def test_json_for_one_file() -> None:
    data = invoke_json(str(fixture("pytorch_module", "net.py")))
    [model] = data["models"]
    assert (model["name"], model["file"]) == ("Net", "net.py")
    assert layer_types(model)[:3] == ["Conv2D", "Activation", "MaxPool2D"]


def test_json_for_a_notebook() -> None:
    data = invoke_json(str(fixture("notebook", "imdb_lstm.ipynb")))
    [model] = data["models"]
    assert (model["file"], model["cell"]) == ("imdb_lstm.ipynb", 6)


def test_json_is_the_default_format_and_is_deterministic() -> None:
    path = str(fixture("keras_functional"))
    first = invoke(path)
    second = invoke(path)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["models"]


def test_summary_line_on_stderr() -> None:
    result = invoke(str(fixture("bad_input")), "--format", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)                    # stderr does not leak into the JSON
    last = result.stderr.strip().splitlines()[-1]
    assert re.search(r"extracted \d+/\d+ files", last), last
    assert "3 failed" in last


def test_bad_input_is_reported_not_raised() -> None:
    data = invoke_json(str(fixture("bad_input")))
    assert sorted(f["file"] for f in data["failures"]) == [
        "broken.ipynb", "py2_script.py", "syntax_error.py"]
    for failure in data["failures"]:
        assert failure["reason"]
        assert failure["project"] == "bad_input"
    assert [m["file"] for m in data["models"]] == ["good_model.py"]


def test_hostile_files_through_the_cli(tmp_path: Path) -> None:
    """Every kind of unreadable file at once: one failure line each, no traceback, exit 0,
    and the good file still read."""
    writers = {"latin1.py": write_latin1, "binary.py": write_binary,
               "deep_parens.py": write_nested_parens, "deep_ifs.py": write_nested_ifs,
               "huge.py": write_huge}
    for name, write in writers.items():
        write(tmp_path / name)
    (tmp_path / "ok.py").write_text(MODEL_SOURCE.format(name="OkNet"))
    for fmt in ("json", "table"):
        result = invoke(str(tmp_path), "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.stderr
        if fmt == "json":
            data = json.loads(result.stdout)
            assert sorted(f["file"] for f in data["failures"]) == sorted(writers)
            assert [m["name"] for m in data["models"]] == ["OkNet"]
        else:
            assert "OkNet" in result.stdout
            for name in writers:
                assert name in result.stdout


def test_table_lists_models_and_layers() -> None:
    result = invoke(str(fixture("pytorch_module")), "--format", "table")
    assert result.exit_code == 0, result.output
    for name in ("Net", "DeepMLP", "TwoTower", "classifier", "make_cnn", "build_model"):
        assert re.search(rf"\b{name}\b", result.stdout), name
    with pytest.raises(ValueError):
        json.loads(result.stdout)                # a table, not JSON


def test_table_shows_layer_types() -> None:
    result = invoke(str(fixture("wrappers", "torch_bilstm.py")), "--format", "table")
    assert result.exit_code == 0, result.output
    assert "BiLSTMClassifier" in result.stdout
    for layer_type in ("Embedding", "LSTM", "Dense"):
        assert re.search(rf"\b{layer_type}\b", result.stdout), layer_type


def test_table_lists_failures() -> None:
    result = invoke(str(fixture("bad_input")), "--format", "table")
    assert result.exit_code == 0, result.output
    for name in ("syntax_error.py", "py2_script.py", "broken.ipynb"):
        assert name in result.stdout


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "nope" in result.output


def test_unknown_format_is_a_usage_error() -> None:
    result = invoke(str(fixture("multi_file")), "--format", "yaml")
    assert result.exit_code == 2


def test_empty_folder(tmp_path: Path) -> None:
    assert invoke_json(str(tmp_path)) == {"models": [], "failures": [], "set_aside": []}
