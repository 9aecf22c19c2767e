"""The bundled corpus: real projects, facts only, and a manifest that rebuilds it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TASKS = ("text-classification", "image-classification")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("task", TASKS)
def test_at_least_100_real_projects_with_models(task: str) -> None:
    projects = lines(CORPUS / task / "projects.jsonl")
    models = lines(CORPUS / task / "models.jsonl")
    with_models = {m["project"] for m in models}
    assert len(with_models) >= 100
    assert {m["framework"] for m in models} == {"keras", "pytorch"}
    assert any(m["cell"] is not None for m in models)       # notebooks too
    assert {m["style"] for m in models} >= {"sequential", "functional", "module"}
    for p in projects:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", p["full_name"]), p["full_name"]
        assert re.fullmatch(r"[0-9a-f]{40}", p["sha"])
        assert p["url"] == f"https://github.com/{p['full_name']}"


@pytest.mark.parametrize("task", TASKS)
def test_manifest_pins_every_project(task: str) -> None:
    manifest = (CORPUS / task / "manifest.txt").read_text().splitlines()
    projects = lines(CORPUS / task / "projects.jsonl")
    assert manifest == sorted(f"{p['full_name']}@{p['sha']}" for p in projects)


@pytest.mark.parametrize("task", TASKS)
def test_only_facts_no_code_or_prose(task: str) -> None:
    """Records hold names, numbers, paths and lines; no descriptions, and unresolved
    values only as short references."""
    for p in lines(CORPUS / task / "projects.jsonl"):
        assert p.get("description") in (None, ""), p["full_name"]
    for m in lines(CORPUS / task / "models.jsonl"):
        for hp in m["hyperparameters"].values():
            if hp["how"] == "expression":
                assert len(hp["value"]) <= 60
                assert "\n" not in hp["value"]
        for layer in m["layers"]:
            assert len(layer["api"]) <= 120 and "\n" not in layer["api"]
    allowed = {"models.jsonl", "projects.jsonl", "failures.jsonl", "summary.json",
               "manifest.txt"}
    assert {p.name for p in (CORPUS / task).iterdir()} <= allowed
    assert not list(CORPUS.rglob("*.py")) or {p.name for p in CORPUS.rglob("*.py")} == \
        {"__init__.py"}
    assert not list(CORPUS.rglob("*.ipynb"))


def test_quality_figures_are_documented(capsys: pytest.CaptureFixture[str]) -> None:
    """corpus/QUALITY.md states the gold figures that bench/quality.py gives on the
    bundled corpus today (a re-mined corpus must come with its figures)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "quality", CORPUS.parent / "bench" / "quality.py")
    assert spec is not None and spec.loader is not None
    quality = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quality)
    assert quality.main(["--corpus", str(CORPUS)]) == 0
    measured = re.findall(r"^(\S+): \d+/\d+ models found; layer sequences exact (\d+/\d+); "
                          r"hyperparameter fields right (\d+/\d+)$", capsys.readouterr().out,
                          re.M)
    assert [task for task, _, _ in measured] == list(TASKS)
    text = (CORPUS / "QUALITY.md").read_text(encoding="utf-8")
    assert "python bench/quality.py" in text
    for task, layers, fields in measured:
        row = "gold, " + task.split("-")[0]
        assert re.search(rf"^\| {row} \|.*\| \*\*{layers} · {fields}\*\* \|$", text, re.M), \
            (row, layers, fields)
    gold = lines(CORPUS / "quality" / "gold.jsonl")
    assert sum(g["task"] == "text-classification" for g in gold) == 25
    assert sum(g["task"] == "image-classification" for g in gold) == 25
