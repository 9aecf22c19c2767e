"""The site's "check your model" page: how to run `exnet check` for the task, what it
looks for, and the corpus figures it compares with (the site stays static)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from exnet.publish import publish
from exnet.rulebook import RULEBOOK

FIXTURES = Path(__file__).parent / "fixtures" / "site"
TASK = "text-classification"


def test_check_page(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    publish(corpus, tmp_path / "build")
    page = (tmp_path / "build" / TASK / "check.html").read_text(encoding="utf-8")
    assert f"exnet check my_model.py --task {TASK}" in page
    for rule in RULEBOOK:
        assert f"<code>{rule.label}</code>" in page
    summary = json.loads((corpus / TASK / "summary.json").read_text())
    lr = summary["hyperparameters"]["learning_rate"]
    assert f'data-figure="learning_rate.n">{lr["models"]}<' in page
    assert f'data-figure="learning_rate.median">{lr["median"]:g}<' in page
    # it tells how to get a report for a pull request, and fits a phone (a list, and a
    # command that wraps)
    assert "--format markdown" in page and '<dl class="rules">' in page
    # every task page links to it
    overview = (tmp_path / "build" / TASK / "index.html").read_text(encoding="utf-8")
    assert 'href="../text-classification/check.html">Check your model</a>' in overview
    assert "<script>" not in page
