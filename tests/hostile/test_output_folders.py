"""Output folders: one that cannot be written stops `exnet mine` / `exnet build` before
any work, with one sentence; a second `exnet mine` into a folder being written stops at
once and names the process that holds it; a finished or killed run leaves it free.

Tests run as root, for whom permission bits stop nothing, so the folders below are
refused for real: a path through a regular file, a folder under /sys, and, where this
machine lets a test make a private mount namespace, a read-only and a full tmpfs. (A
regular file in place of the folder is refused by the command line's own checks.)
Every run is a real `python -m exnet.cli` process.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from gitrepos import keras_files

TASK = "text-classification"
OPTIONS = ("--out", "--cache-dir", "--site-dir")


def checkout(base: Path) -> Path:
    """One local project with one Keras model."""
    (base / "proj").mkdir(parents=True)
    for rel, content in keras_files("proj").items():
        (base / "proj" / rel).write_text(str(content))
    return base


def mine_command(tmp_path: Path, **folders: Path) -> list[str]:
    where = {"--out": tmp_path / "out", "--cache-dir": tmp_path / "cache",
             "--site-dir": tmp_path / "site"}
    where.update({f"--{k.replace('_', '-')}": v for k, v in folders.items()})
    return [sys.executable, "-m", "exnet.cli", "mine", "--task", TASK, "--from",
            str(tmp_path / "src"), "--jobs", "1",
            *[str(part) for option, path in where.items() for part in (option, path)]]


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, **env})


def assert_refused(done: subprocess.CompletedProcess[str], folder: Path, option: str,
                   reasons: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    sentence = (f"Error: cannot write to {re.escape(str(folder))} \\(({reasons})\\): "
                f"choose another {option}")
    assert re.fullmatch(sentence, done.stderr.strip()), done.stderr


def assert_no_work_done(tmp_path: Path) -> None:
    assert not list((tmp_path / "cache").glob("results/**/*.json"))
    assert not list((tmp_path / "cache").glob("repos/**/*"))
    assert not (tmp_path / "out" / TASK).exists()
    assert not (tmp_path / "site" / "index.html").exists()


def through_a_file(tmp_path: Path) -> Path:
    (tmp_path / "plain-file").write_text("x")
    return tmp_path / "plain-file" / "folder"


def under_sys(tmp_path: Path) -> Path:
    return Path("/sys") / f"exnet-test-{uuid.uuid4().hex}"


BLOCKED = [(through_a_file, "part of the path is a file"),
           (under_sys, "read-only|not permitted|permission denied")]


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("blocked,reasons", BLOCKED, ids=[b[0].__name__ for b in BLOCKED])
def test_mine_stops_before_any_work(tmp_path: Path, option: str, blocked, reasons: str) -> None:
    checkout(tmp_path / "src")
    folder = blocked(tmp_path)
    command = mine_command(tmp_path, **{option.lstrip("-").replace("-", "_"): folder})
    assert_refused(run(command), folder, option, reasons)
    assert_no_work_done(tmp_path)


@pytest.mark.parametrize("blocked,reasons", BLOCKED, ids=[b[0].__name__ for b in BLOCKED])
def test_build_stops_before_rendering(tmp_path: Path, blocked, reasons: str) -> None:
    folder = blocked(tmp_path)
    done = run([sys.executable, "-m", "exnet.cli", "build", "--out", str(folder)])
    assert_refused(done, folder, "--out", reasons)


# -- a read-only and a full file system, in a mount namespace of the test's own -------

MOUNT = {
    "read-only": 'mount -t tmpfs -o ro,size=1m tmpfs "$1" || exit 99',
    "full": 'mount -t tmpfs -o size=256k tmpfs "$1" || exit 99; '
            'head -c 1m /dev/zero > "$1/filler" 2>/dev/null; true',
}


def in_namespace(kind: str, mountpoint: Path, command: list[str]) -> list[str]:
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) here to make a private mount")
    mountpoint.mkdir()
    return ["unshare", "--mount", "sh", "-c", MOUNT[kind] + '; shift; exec "$@"', "sh",
            str(mountpoint), *command]


def namespace_run(command: list[str]) -> subprocess.CompletedProcess[str]:
    done = run(command)
    if done.returncode == 99 or "unshare failed" in done.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    return done


@pytest.mark.parametrize("kind,option,reason", [
    ("read-only", "--out", "read-only"), ("read-only", "--cache-dir", "read-only"),
    ("read-only", "--site-dir", "read-only"), ("full", "--out", "no space left"),
    ("full", "--cache-dir", "no space left")])
def test_mine_on_a_read_only_or_full_file_system(tmp_path: Path, kind: str, option: str,
                                                 reason: str) -> None:
    checkout(tmp_path / "src")
    mountpoint = tmp_path / "mnt"
    folder = mountpoint / "folder"
    command = mine_command(tmp_path, **{option.lstrip("-").replace("-", "_"): folder})
    done = namespace_run(in_namespace(kind, mountpoint, command))
    assert_refused(done, folder, option, reason)
    assert_no_work_done(tmp_path)


def test_build_on_a_read_only_file_system(tmp_path: Path) -> None:
    mountpoint = tmp_path / "mnt"
    command = [sys.executable, "-m", "exnet.cli", "build", "--out", str(mountpoint / "site")]
    done = namespace_run(in_namespace("read-only", mountpoint, command))
    assert_refused(done, mountpoint / "site", "--out", "read-only")


# -- one run at a time in an output folder -------------------------------------------

def start_slow_run(tmp_path: Path, delay: str) -> tuple[subprocess.Popen[str], Path]:
    """A `mine` whose extraction waits `delay` s; returned once it holds the lock."""
    lock = tmp_path / "out" / ".exnet-mine.lock"
    proc = subprocess.Popen(mine_command(tmp_path), text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "EXNET_TEST_EXTRACT_DELAY": delay})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        if lock.is_file() and lock.read_text().strip() == str(proc.pid):
            return proc, lock
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"the first run never took the lock: {proc.communicate()}")


def assert_stopped_by_lock(tmp_path: Path, holder: int) -> None:
    second = run(mine_command(tmp_path, cache_dir=tmp_path / "cache2"))
    assert second.returncode == 1, second.stderr
    assert second.stderr.strip() == (
        f"Error: another exnet mine is writing to {tmp_path / 'out'} (pid {holder}); "
        f"wait for it or choose another --out")
    assert not (tmp_path / "cache2" / "results").exists()   # it did no work


def test_a_second_run_into_the_same_folder_stops_then_runs_after(tmp_path: Path) -> None:
    checkout(tmp_path / "src")
    first, lock = start_slow_run(tmp_path, "1.5")
    try:
        assert_stopped_by_lock(tmp_path, first.pid)
        _, err = first.communicate(timeout=30)
        assert first.returncode == 0, err
    finally:
        first.kill()
    assert not lock.exists()
    again = run(mine_command(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "1 extracted (1 from cache)" in again.stderr


def test_a_killed_run_leaves_the_folder_free(tmp_path: Path) -> None:
    checkout(tmp_path / "src")
    first, lock = start_slow_run(tmp_path, "30")
    try:
        assert_stopped_by_lock(tmp_path, first.pid)
    finally:
        os.killpg(first.pid, signal.SIGKILL)     # the run, its forkserver, its workers
        first.communicate()
    assert lock.exists()                         # left behind, but no longer locked
    again = run(mine_command(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "1 extracted (0 from cache)" in again.stderr
    assert not lock.exists()
