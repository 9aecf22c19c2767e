"""One budget for every command: growth, instantiation, lines, cells, literal sizes and
time are bounded in `extract`, `check` and the Python API alike. Hitting a bound gives a
failure entry naming the bound and the line, and the models already found are kept."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from generators import FAMILIES

from exnet.cli import main
from exnet.extract import extract_path


def project(tmp_path: Path, family: str, scale: float, seed: int = 1) -> Path:
    root = tmp_path / family
    root.mkdir()
    for name, text in FAMILIES[family](random.Random(seed), scale).items():
        path = root / name
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text)
    return root


def reasons(root: Path) -> list[str]:
    return [f.reason for f in extract_path(root).failures]


@pytest.mark.parametrize("family, scale, expected", [
    ("sequence_growth", 1.0, "sequence length bound"),
    ("deep_instantiation", 1.0, "over 3000 class instantiations"),
    ("blank_lines", 1.0, "over 50000"),
    ("big_literal", 1.0, "over 20000 items in literals"),
    ("big_literal", 0.05, "over 20000 items in literals"),
    ("big_notebook", 0.2, "over 5000"),
])
def test_each_bound_is_named(tmp_path: Path, family: str, scale: float, expected: str) -> None:
    found = reasons(project(tmp_path, family, scale))
    assert any(expected in r for r in found), found


def test_a_bound_names_the_line_and_keeps_the_model(tmp_path: Path) -> None:
    root = project(tmp_path, "sequence_growth", 1.0)
    result = extract_path(root)
    [failure] = result.failures
    assert failure.reason.startswith("line ") and failure.line is not None
    [model] = result.models       # the Sequential built from the (cut) list is kept
    assert {layer.type for layer in model.layers} == {"Dense"}
    assert len(model.layers) == 64


def test_the_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXNET_TIME_BUDGET", "0.005")
    root = project(tmp_path, "deep_instantiation", 0.275)  # 2**11 instantiations, ~0.2 s
    found = reasons(root)
    assert any("0.005 s time budget" in r for r in found), found


@pytest.mark.parametrize("family", ["sequence_growth", "deep_instantiation", "big_literal"])
def test_check_answers_with_the_bound(tmp_path: Path, family: str) -> None:
    root = project(tmp_path, family, 1.0)
    [path] = [p for p in root.iterdir()]
    result = CliRunner().invoke(main, ["check", str(path), "--task", "text-classification",
                                       "--format", "json"])
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception) \
        or isinstance(result.exception, SystemExit), result.output
    if result.output.strip().startswith("{"):
        report = json.loads(result.output)
        assert report["failures"], report


def test_extract_cli_reports_bounds_as_failures(tmp_path: Path) -> None:
    root = project(tmp_path, "blank_lines", 1.0)
    result = CliRunner().invoke(main, ["extract", str(root)])
    data = json.loads(result.stdout if hasattr(result, "stdout") else result.output)
    assert [f["reason"] for f in data["failures"]] == [
        "too long to analyse (900003 lines, over 50000)"]
