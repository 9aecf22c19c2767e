"""The facts stage on hostile checkouts: links and includes that leave the checkout,
files over their bounds, and input built to cost time."""

from __future__ import annotations

import os
import time
from pathlib import Path

from exnet.facts import facts_json, project_facts


def test_includes_and_links_that_leave_the_checkout_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("leaked-package==6.6.6\n")
    project = tmp_path / "p"
    (project / "sub").mkdir(parents=True)
    (project / "requirements.txt").write_text(
        "-r ../secret.txt\n-r requirements.txt\n-r sub/more.txt\ntorch==2.1.0\n")
    os.symlink(secret, project / "sub" / "more.txt")
    os.symlink(secret, project / "requirements-dev.txt")
    os.symlink(tmp_path, project / "linked-folder")
    names = [d["name"] for d in project_facts(project).environment.to_json()["frameworks"]]
    env = project_facts(project).to_json()["environment"]
    assert names == ["torch"] and env["libraries"] == []


def test_files_over_their_bounds_are_left_out_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("numpy\n" * 40_000)       # 240 KB
    (tmp_path / "LICENSE").write_bytes(b"\x00binary")
    facts = project_facts(tmp_path).to_json()
    assert facts["environment"]["libraries"] == []
    assert ["requirements.txt", "over 200000 bytes (240000)"] in facts["problems"]
    assert ["LICENSE", "binary file (NUL bytes)"] in facts["problems"]


def test_a_long_readme_paragraph_costs_little_time(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("test accuracy: 0.5 and " * 8_000)   # 184 KB
    started = time.perf_counter()
    facts = project_facts(tmp_path)
    assert time.perf_counter() - started < 5
    assert len(facts.results) == 200             # MAX_RESULTS


def test_a_broken_notebook_costs_only_its_file(tmp_path: Path) -> None:
    (tmp_path / "a.ipynb").write_text("{not json")
    (tmp_path / "b.ipynb").write_text('{"cells": 5, "metadata": []}')
    (tmp_path / "requirements.txt").write_text("keras==2.3.1\n")
    facts = facts_json(tmp_path)
    assert facts["environment"]["statement"] == "Keras 2.3.1"
    assert ["a.ipynb", "not a JSON notebook"] in facts["problems"]
