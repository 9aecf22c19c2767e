"""mine on a Dask cluster (`--scheduler`): the same corpus as the local pool, and a
worker killed mid-run loses nothing. Real LocalClusters, real git repositories."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepos import keras_files, make_repo

from exnet.cli import main

distributed = pytest.importorskip("distributed")

CORPUS_FILES = ("projects.jsonl", "models.jsonl", "failures.jsonl", "manifest.txt")
TORCH = ("import torch.nn as nn\n\n\nclass Net(nn.Module):\n"
         "    def __init__(self):\n        super().__init__()\n"
         "        self.fc = nn.Linear(10, 2)\n\n    def forward(self, x):\n"
         "        return self.fc(x)\n")


def mine(tmp_path: Path, name: str, *args: str) -> dict[str, bytes]:
    """Run `exnet mine` into tmp_path/name; the corpus files it wrote."""
    result = CliRunner().invoke(main, [
        "mine", "--task", "text-classification", "--out", str(tmp_path / name / "out"),
        "--cache-dir", str(tmp_path / name / "cache"), "--site-dir",
        str(tmp_path / name / "site"), "--jobs", "2", *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output, result.output
    task_dir = tmp_path / name / "out" / "text-classification"
    return {file: (task_dir / file).read_bytes() for file in CORPUS_FILES}


def test_local_cluster_writes_the_corpus_of_the_local_pool(tmp_path: Path) -> None:
    repos = tmp_path / "repos"
    urls = [make_repo(repos, "alpha", keras_files("alpha")).url,
            make_repo(repos, "beta", {**keras_files("beta"), "net.py": TORCH,
                                      "broken.py": "import torch\ndef f(:\n"},
                      symlinks={"leak.py": "/etc/passwd"}).url,
            (tmp_path / "missing.git").as_uri(),
            make_repo(repos, "gamma", {"README.md": "no model here\n"}).url]
    manifest = tmp_path / "manifest.txt"
    manifest.write_text("".join(url + "\n" for url in urls))
    pool = mine(tmp_path, "pool", "--manifest", str(manifest))
    dask = mine(tmp_path, "dask", "--manifest", str(manifest), "--scheduler", "local")
    assert dask == pool
    projects = [json.loads(line) for line in pool["projects.jsonl"].splitlines()]
    assert [(p["full_name"], p["status"], p["models"]) for p in projects] == [
        ("repos/alpha", "extracted", 1), ("repos/beta", "extracted", 2),
        (f"{tmp_path.name}/missing", "failed", 0), ("repos/gamma", "extracted", 0)]
    failures = pool["failures.jsonl"].decode()
    assert "not followed" in failures and "syntax error" in failures


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    for i in range(6):
        for rel, content in keras_files(f"proj{i}").items():
            (src / f"proj{i}" / rel).parent.mkdir(parents=True, exist_ok=True)
            (src / f"proj{i}" / rel).write_text(str(content))
    monkeypatch.setenv("EXNET_TEST_EXTRACT_DELAY", "1.5")   # the workers inherit it
    cache = tmp_path / "cache"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        proc = subprocess.Popen(
            [sys.executable, "-m", "exnet.cli", "mine", "--task", "text-classification",
             "--from", str(src), "--out", str(tmp_path / "out"), "--cache-dir", str(cache),
             "--site-dir", str(tmp_path / "site"), "--scheduler", cluster.scheduler_address],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        victim = None
        deadline = time.monotonic() + 60
        while victim is None and time.monotonic() < deadline and proc.poll() is None:
            busy = [w for w, keys in client.processing().items() if keys]
            if len(busy) == 2:       # both workers in the middle of a project
                victim = busy[0]
            time.sleep(0.05)
        assert victim is not None, proc.communicate()
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
        # Each outcome was cached by the run itself: a rerun on the cluster redoes none.
        rerun = subprocess.run(proc.args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, err
    assert "6 projects, 6 extracted (6 from cache)" in rerun.stderr, rerun.stderr
    assert "6 projects, 6 extracted (0 from cache), 0 failed, 6 models" in err
    task_dir = tmp_path / "out" / "text-classification"
    projects = [json.loads(line) for line in (task_dir / "projects.jsonl").read_text().splitlines()]
    assert [(p["full_name"], p["status"]) for p in projects] == [
        (f"proj{i}", "extracted") for i in range(6)]
    models = [json.loads(line) for line in (task_dir / "models.jsonl").read_text().splitlines()]
    assert [m["project"] for m in models] == [f"proj{i}" for i in range(6)]   # once each
    assert len(list(cache.glob("results/**/exnet-*.json"))) == 6


def test_without_dask_the_scheduler_option_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src" / "p"
    src.mkdir(parents=True)
    (src / "model.py").write_text(keras_files("p")["model.py"])
    monkeypatch.setitem(sys.modules, "distributed", None)   # as if not installed
    result = CliRunner().invoke(main, [
        "mine", "--task", "text-classification", "--from", str(src),
        "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
        "--site-dir", str(tmp_path / "site"), "--scheduler", "local"])
    assert result.exit_code == 1
    assert "--scheduler needs Dask" in result.output
    assert "pip install 'exnet[dask]'" in result.output
