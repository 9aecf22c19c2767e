"""`exnet aggregate`: every task of a corpus, one task, and the user errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exnet.bundled import corpus_dir
from exnet.cli import main

TINY = Path(__file__).parent / "fixtures" / "aggregate" / "tiny"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    for task in ("image-classification", "text-classification"):
        shutil.copytree(TINY, tmp_path / task)
    (tmp_path / "notes").mkdir()                   # a folder without models.jsonl
    return tmp_path


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, ["aggregate", *args])
    print(result.output)                           # shown by pytest when a test fails
    return result


def test_every_task_folder(corpus: Path) -> None:
    result = run("--corpus", str(corpus))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        str(corpus / "image-classification" / "summary.json"),
        str(corpus / "text-classification" / "summary.json")]
    summary = json.loads((corpus / "text-classification" / "summary.json").read_text("utf-8"))
    # the fixture's MNIST model is left out of the text task
    assert summary["task"] == "text-classification" and summary["totals"]["models"] == 5
    assert not (corpus / "notes" / "summary.json").exists()


def test_one_task(corpus: Path) -> None:
    result = run("--corpus", str(corpus), "--task", "text-classification")
    assert result.exit_code == 0
    assert result.output == f"{corpus / 'text-classification' / 'summary.json'}\n"
    assert not (corpus / "image-classification" / "summary.json").exists()


def test_skipped_lines_are_reported(corpus: Path) -> None:
    with (corpus / "text-classification" / "models.jsonl").open("a") as fh:
        fh.write("oops\n")
    result = run("--corpus", str(corpus), "--task", "text-classification")
    assert result.exit_code == 0
    assert "models.jsonl:7: skipped: not JSON" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--task", "nope"], "no models.jsonl in"),
    (["--task", "notes"], "no models.jsonl in"),
])
def test_unknown_task(corpus: Path, args: list[str], message: str) -> None:
    result = run("--corpus", str(corpus), *args)
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_missing_corpus(tmp_path: Path) -> None:
    result = run("--corpus", str(tmp_path / "absent"))
    assert result.exit_code == 1
    assert "no corpus folder at" in result.output and "--corpus DIR" in result.output


def test_corpus_without_tasks(tmp_path: Path) -> None:
    result = run("--corpus", str(tmp_path))
    assert result.exit_code == 1 and "no task folder with a models.jsonl" in result.output


def test_default_corpus_is_the_repository_corpus_folder() -> None:
    assert corpus_dir() == Path(__file__).resolve().parent.parent / "corpus"


def test_refresh_aggregates_only_what_is_out_of_date(corpus: Path) -> None:
    """What `exnet build` runs first: a summary that is missing, of another schema or
    older than its records is rebuilt; a current one is left alone."""
    import os

    from exnet.aggregate import refresh_corpus, summary_is_current

    image, text = corpus / "image-classification", corpus / "text-classification"
    assert refresh_corpus(corpus) == [image / "summary.json", text / "summary.json"]
    assert summary_is_current(image) and summary_is_current(text)
    assert refresh_corpus(corpus) == []
    (text / "summary.json").write_text('{"schema": "exnet.summary/0"}')
    assert not summary_is_current(text)
    (text / "summary.json").write_text('{"schema":"exnet.summary/1","task":')   # cut short
    assert not summary_is_current(text)
    (text / "summary.json").write_text('{ "schema": "exnet.summary/1" }')    # by hand
    assert summary_is_current(text)
    (text / "summary.json").write_text('{"schema": "exnet.summary/0"}')
    assert refresh_corpus(corpus, ["text-classification"]) == [text / "summary.json"]
    os.utime(image / "models.jsonl", (1e10, 1e10))
    assert refresh_corpus(corpus) == [image / "summary.json"]
    assert json.loads((text / "summary.json").read_text())["schema"] == "exnet.summary/1"
