"""mine: the whole run over real git repositories and local checkouts, through the CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner, Result
from github_server import FakeGitHub
from gitrepos import CANARY, git, hostile_repo, keras_files, make_repo

from exnet.cli import main

TASK = ["--task", "text-classification"]


def mine(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, ["mine", *TASK, "--out", str(tmp_path / "out"),
                                       "--cache-dir", str(tmp_path / "cache"),
                                       "--site-dir", str(tmp_path / "site"), "--jobs", "2",
                                       *args], env=env)
    assert "Traceback" not in result.output, result.output
    return result


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def checkouts(base: Path, count: int) -> Path:
    """`count` local projects, each with one Keras model."""
    base.mkdir(parents=True)
    for i in range(count):
        folder = base / f"proj{i}"
        folder.mkdir()
        for rel, content in keras_files(f"proj{i}").items():
            (folder / rel).write_text(str(content))
    return base


def from_cache(output: str) -> int:
    match = re.search(r"extracted \((\d+) from cache\)", output)
    assert match, output
    return int(match.group(1))


def test_mine_local_checkouts_then_resume_from_cache(tmp_path: Path) -> None:
    src = checkouts(tmp_path / "src", 3)
    first = mine(tmp_path, "--from", str(src))
    assert first.exit_code == 0, first.output
    task_dir = tmp_path / "out" / "text-classification"
    projects = lines(task_dir / "projects.jsonl")
    assert [(p["full_name"], p["status"], p["models"]) for p in projects] == [
        ("proj0", "extracted", 1), ("proj1", "extracted", 1), ("proj2", "extracted", 1)]
    assert projects[0]["license"] == "MIT" and projects[0]["source"] == "local"
    models = lines(task_dir / "models.jsonl")
    assert [m["project"] for m in models] == ["proj0", "proj1", "proj2"]
    assert models[0]["layers"][0]["type"] == "Dense"
    assert "mined text-classification: 3 projects, 3 extracted (0 from cache)" in first.output
    assert first.stdout.strip().splitlines()[-1] == str(task_dir / "projects.jsonl") or \
        Path(first.stdout.strip().splitlines()[-1]).exists()
    assert not [p for p in task_dir.iterdir() if p.name.endswith(".tmp")]
    before = {name: (task_dir / name).read_bytes()
              for name in ("projects.jsonl", "models.jsonl", "failures.jsonl")}
    again = mine(tmp_path, "--from", str(src))
    assert again.exit_code == 0 and from_cache(again.output) == 3
    # The same output, byte for byte, whether the work was done or came from the cache.
    assert {name: (task_dir / name).read_bytes() for name in before} == before
    # A changed checkout is extracted again; the others come from the cache.
    (src / "proj1" / "train.py").write_text("import torch\n")
    third = mine(tmp_path, "--from", str(src))
    assert from_cache(third.output) == 2


def test_quiet_prints_only_where_the_output_is(tmp_path: Path) -> None:
    src = checkouts(tmp_path / "src", 1)
    result = mine(tmp_path, "--from", str(src), "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert len(result.stdout.strip().splitlines()) == 1


def test_hostile_repository_end_to_end(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "secret.py"
    outside.parent.mkdir()
    outside.write_text(f"from tensorflow import keras\n# {CANARY}\n")
    ran = tmp_path / "hook-ran"
    hostile = hostile_repo(tmp_path / "repos", outside, ran)
    good = make_repo(tmp_path / "repos", "good", keras_files("good"))
    manifest = tmp_path / "manifest.txt"
    manifest.write_text(f"{hostile.url}\n{good.url}\n")
    start = time.monotonic()
    result = mine(tmp_path, "--manifest", str(manifest))
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start < 30
    task_dir = tmp_path / "out" / "text-classification"
    failures = {(f["project"], f["file"]): f["reason"]
                for f in lines(task_dir / "failures.jsonl")}
    name = "repos/hostile"
    assert "not followed" in failures[(name, "leak.py")]
    assert "not followed" in failures[(name, "data/escape")]
    assert failures[(name, "huge.py")] == "file over 10 MB not downloaded"
    assert failures[(name, "vendor/sub")].startswith("submodule not fetched")
    assert "NUL" in failures[(name, "nul.py")]
    assert "not JSON" in failures[(name, "broken.ipynb")]
    projects = {p["full_name"]: p for p in lines(task_dir / "projects.jsonl")}
    assert projects[name]["status"] == "extracted" and projects[name]["failures"] == 6
    assert projects["repos/good"]["models"] == 1
    # The manifest pins what was mined, so `mine --manifest` can rebuild the same corpus.
    manifest_lines = (task_dir / "manifest.txt").read_text().splitlines()
    assert manifest_lines == sorted(f"{n}@{p['sha']}" for n, p in projects.items())
    assert all(re.fullmatch(r"repos/(good|hostile)@[0-9a-f]{40}", line)
               for line in manifest_lines)
    assert not ran.exists()
    for folder in (tmp_path / "out", tmp_path / "cache"):
        for dirpath, _, filenames in os.walk(folder):
            for file in filenames:
                assert CANARY.encode() not in Path(dirpath, file).read_bytes(), file


def test_local_checkout_with_hooks_and_fsmonitor_runs_nothing(tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    secret = tmp_path / "secret.py"
    secret.write_text(f"from tensorflow import keras\n# {CANARY}\n")
    repo = make_repo(tmp_path / "repos", "trap", keras_files("trap"))
    checkout = tmp_path / "src" / "trap"
    git("clone", "-q", str(repo.bare), str(checkout))
    git("-C", str(checkout), "config", "core.fsmonitor", f"touch {ran}; echo")
    git("-C", str(checkout), "config", "core.hooksPath", str(checkout / "hooks"))
    (checkout / "hooks").mkdir()
    for hook in ("post-checkout", "post-index-change", "reference-transaction"):
        (checkout / "hooks" / hook).write_text(f"#!/bin/sh\ntouch {ran}\n")
        (checkout / "hooks" / hook).chmod(0o755)
    os.symlink(secret, checkout / "leak.py")
    result = mine(tmp_path, "--from", str(checkout))
    assert result.exit_code == 0, result.output
    assert not ran.exists()
    out = tmp_path / "out" / "text-classification"
    assert lines(out / "projects.jsonl")[0]["sha"] == repo.sha
    for name in ("projects.jsonl", "models.jsonl", "failures.jsonl"):
        assert CANARY not in (out / name).read_text()


def test_github_search_end_to_end(tmp_path: Path) -> None:
    alpha = make_repo(tmp_path / "repos", "alpha", keras_files("alpha"))
    beta = make_repo(tmp_path / "repos", "beta", keras_files("beta"))
    tasks = tmp_path / "tasks.toml"
    tasks.write_text('[text-classification]\nqueries = ["sentiment keras"]\n'
                     'include_keywords = ["sentiment"]\n')
    with FakeGitHub() as server:
        server.add("ann/alpha", alpha.url, stars=5)
        server.add("bob/beta", beta.url, stars=9, license="GPL-3.0")
        server.searches["sentiment keras"] = ["bob/beta", "ann/alpha"]
        result = mine(tmp_path, "--api-url", server.base_url, "--tasks-file", str(tasks),
                      env={"GITHUB_TOKEN": ""})
    assert result.exit_code == 0, result.output
    projects = lines(tmp_path / "out" / "text-classification" / "projects.jsonl")
    assert [(p["full_name"], p["stars"], p["sha"], p["status"]) for p in projects] == [
        ("bob/beta", 9, beta.sha, "extracted"), ("ann/alpha", 5, alpha.sha, "extracted")]
    assert projects[0]["license"] == "GPL-3.0"


def test_unreachable_github_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = mine(tmp_path, "--api-url", f"http://127.0.0.1:{port}", "--quiet")
    assert result.exit_code == 1
    errors = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert "GitHub cannot be reached" in errors[0]
    assert "--from DIR" in errors[0] and "--manifest FILE" in errors[0]
    assert "exnet build" in errors[0]


def test_nothing_mined_exits_non_zero(tmp_path: Path) -> None:
    manifest = tmp_path / "m.txt"
    manifest.write_text(f"{(tmp_path / 'a.git').as_uri()}\n{(tmp_path / 'b.git').as_uri()}\n")
    result = mine(tmp_path, "--manifest", str(manifest))
    assert result.exit_code == 1
    assert "nothing could be mined: all 2 projects failed" in result.output
    projects = lines(tmp_path / "out" / "text-classification" / "projects.jsonl")
    assert all(p["status"] == "failed" and p["reason"] for p in projects)


def test_extraction_over_time_is_a_recorded_failure(tmp_path: Path) -> None:
    src = checkouts(tmp_path / "src", 1)
    start = time.monotonic()
    result = mine(tmp_path, "--from", str(src), "--timeout", "1",
                  env={"EXNET_TEST_EXTRACT_DELAY": "30"})
    assert time.monotonic() - start < 15
    assert result.exit_code == 1
    task_dir = tmp_path / "out" / "text-classification"
    [project] = lines(task_dir / "projects.jsonl")
    assert project["status"] == "failed" and project["reason"] == "over the time limit (1 s)"
    assert lines(task_dir / "failures.jsonl") == [
        {"schema": "exnet.failure/1", "project": "proj0", "file": ".",
         "reason": "over the time limit (1 s)"}]


def test_sigkill_in_the_middle_then_resume(tmp_path: Path) -> None:
    """Kill -9 a run after some projects are done; the rerun redoes none of them."""
    src = checkouts(tmp_path / "src", 6)
    cache = tmp_path / "cache"
    cmd = [sys.executable, "-m", "exnet.cli", "mine", *TASK, "--from", str(src),
           "--out", str(tmp_path / "out"), "--cache-dir", str(cache),
           "--site-dir", str(tmp_path / "site"), "--jobs", "2"]
    env = {**os.environ, "EXNET_TEST_EXTRACT_DELAY": "1.0"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)

    def results() -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in cache.glob("results/**/exnet-*.json")}

    deadline = time.monotonic() + 30
    while len(results()) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)      # the run, its forkserver and its workers
    proc.communicate()
    done = results()
    assert 2 <= len(done) < 6, done
    task_dir = tmp_path / "out" / "text-classification"
    if (task_dir / "projects.jsonl").exists():   # a checkpoint: whole lines only
        assert all(p["status"] == "extracted" for p in lines(task_dir / "projects.jsonl"))

    rerun = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=60,
                           env={k: v for k, v in os.environ.items()
                                if k != "EXNET_TEST_EXTRACT_DELAY"})
    assert rerun.returncode == 0, rerun.stderr
    assert from_cache(rerun.stderr) >= len(done)
    assert "6 projects, 6 extracted" in rerun.stderr
    after = results()
    assert all(after[p] == mtime for p, mtime in done.items())   # not redone
    assert len(lines(task_dir / "projects.jsonl")) == 6


def test_one_source_at_a_time_and_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    manifest = tmp_path / "m.txt"
    manifest.write_text("ann/x\n")
    both = mine(tmp_path, "--from", str(tmp_path / "empty"), "--manifest", str(manifest))
    assert both.exit_code == 1 and "give one of them" in both.output
    empty = mine(tmp_path, "--from", str(tmp_path / "empty"))
    assert empty.exit_code == 1 and "no projects found in" in empty.output


def test_a_copy_under_another_name_is_read_back_by_content(tmp_path: Path) -> None:
    """Two checkouts with the same files (a fork, a copied tutorial): the second one's
    outcome is read from the cache's extract/ folder, under its own name."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("alice", "bob"):
        (src / name).mkdir()
        for rel, content in keras_files("same").items():
            (src / name / rel).write_text(str(content))
    result = mine(tmp_path, "--from", str(src), "--jobs", "1")
    assert result.exit_code == 0, result.output
    kept = list((tmp_path / "cache" / "extract").rglob("*.json"))
    assert len(kept) == 1
    models = lines(tmp_path / "out" / "text-classification" / "models.jsonl")
    assert [m["project"] for m in models] == ["alice", "bob"]
    assert {json.dumps({**m, "project": ""}, sort_keys=True) for m in models} == {
        json.dumps({**models[0], "project": ""}, sort_keys=True)}
