"""One source for every count: the README's figures for the bundled corpus, the
gallery's home page and its task pages all say what the corpus files hold (its
summaries and projects)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from exnet.publish import publish

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TASKS = ("text-classification", "image-classification")


def totals(task: str) -> tuple[int, int, int]:
    """(models in the totals, projects with a model, projects mined)."""
    summary = json.loads((CORPUS / task / "summary.json").read_text(encoding="utf-8"))
    mined = sum(1 for line in (CORPUS / task / "projects.jsonl").read_text().splitlines()
                if line.strip())
    return summary["totals"]["models"], summary["totals"]["projects"], mined


def test_readme_states_the_corpus_counts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for task in TASKS:
        models, projects, mined = totals(task)
        found = re.search(rf"\*\*{task}\*\*: (\d+) models from (\d+) of (\d+)", readme)
        assert found, f"README names no counts for {task}"
        assert tuple(int(g) for g in found.groups()) == (models, projects, mined), task


def test_home_and_task_pages_state_the_corpus_counts(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = publish(corpus, tmp_path / "build")
    home = index.read_text(encoding="utf-8")
    models = sum(totals(t)[0] for t in TASKS)
    projects = sum(totals(t)[1] for t in TASKS)
    assert f"of {models} models from {projects} open-source projects" in home
    for task in TASKS:
        page = (index.parent / task / "index.html").read_text(encoding="utf-8")
        models, projects, _ = totals(task)
        assert f"{models} models from {projects} projects ·" in page, task
        assert f"<dd>{projects}</dd></div>\n      <div><dt>Models</dt><dd>{models}</dd>" in home
