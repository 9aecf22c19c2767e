"""Running git on repositories we do not trust (used by the discover and fetch stages).

A repository, or a local checkout handed to `--from`, is hostile input. Every git call
here therefore runs with:

- no prompts: GIT_TERMINAL_PROMPT=0, ssh in batch mode, no credential helper, so a
  private or vanished repository fails at once instead of waiting for a password;
- no configuration but ours: GIT_CONFIG_NOSYSTEM, an empty global config and a private
  empty HOME, so neither the user's nor the system's settings (aliases, helpers, url
  rewrites) apply, and the parent's GIT_* variables are dropped;
- nothing that runs code: `core.hooksPath=/dev/null`, `core.fsmonitor=false` (a checkout's
  own .git/config could name a program there), no submodules, no LFS smudging;
- `core.symlinks=false` and `safe.directory=*` (checkouts owned by someone else are read,
  never written);
- a time limit, and optionally a cap on the bytes written into a folder while git runs:
  the whole process group is killed when either is passed.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: `-c` settings given to every git call (see the module docstring for why).
SAFE_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.symlinks=false",
    "core.askPass=",
    "credential.helper=",
    "safe.directory=*",
    "protocol.allow=user",
    "protocol.https.allow=always",
    "protocol.http.allow=always",
    "protocol.ssh.allow=always",
    "protocol.git.allow=always",
    "protocol.file.allow=always",
    "protocol.ext.allow=never",
    "submodule.recurse=false",
    "fetch.recurseSubmodules=false",
)

_home: str | None = None
_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.Lock()
_aborted = False


def _private_home() -> str:
    """An empty HOME for git, made once per process and removed at exit."""
    global _home
    if _home is None or not os.path.isdir(_home):
        _home = tempfile.mkdtemp(prefix="exnet-git-home-")
        atexit.register(shutil.rmtree, _home, True)
    return _home


def git_env() -> dict[str, str]:
    """The environment git runs in: ours, minus every GIT_* variable of the caller."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "SSH_ASKPASS")) and k != "XDG_CONFIG_HOME"}
    home = _private_home()
    env.update({
        "HOME": home,
        "XDG_CONFIG_HOME": home,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
        "GIT_PROTOCOL_FROM_USER": "0",
        "LC_ALL": "C",
    })
    return env


class GitError(Exception):
    """A git call failed; the message is a one-line reason fit for a failure record."""


class GitTimeout(GitError):
    pass


class GitTooBig(GitError):
    pass


@dataclass(frozen=True)
class GitResult:
    stdout: bytes
    stderr: str


def dir_size(path: Path) -> int:
    """Bytes under `path`, counting symlinks as themselves (never following them)."""
    total = 0
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        for name in filenames + dirnames:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def run_git(args: list[str], *, cwd: Path | None = None, timeout: float = 60.0,
            watch: Path | None = None, max_bytes: int | None = None,
            stdin: bytes | None = None) -> GitResult:
    """Run `git <args>` safely; GitError (with git's last error line) when it fails.

    With `watch` and `max_bytes`, the size of `watch` is checked twice a second and git is
    killed when it grows past `max_bytes` (GitTooBig); past `timeout` it is killed too
    (GitTimeout).
    """
    if _aborted:
        raise GitError("git not run: the run is stopping")
    cmd = ["git"]
    for setting in SAFE_CONFIG:
        cmd += ["-c", setting]
    cmd += args
    try:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=git_env(), stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise GitError(f"git cannot be run ({exc}): install git") from None
    with _running_lock:
        _running.add(proc)
    try:
        return _wait(proc, args, timeout, watch, max_bytes, stdin)
    finally:
        with _running_lock:
            _running.discard(proc)


def abort_all() -> None:
    """Kill every git process still running and refuse new ones (Ctrl-C: stop now, not
    after the clones in flight finish)."""
    global _aborted
    _aborted = True
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _wait(proc: subprocess.Popen[bytes], args: list[str], timeout: float,
          watch: Path | None, max_bytes: int | None, stdin: bytes | None) -> GitResult:
    deadline = time.monotonic() + timeout
    pending = stdin
    out_parts: list[bytes] = []
    err_parts: list[bytes] = []
    while True:
        try:
            out, err = proc.communicate(input=pending, timeout=0.5)
            out_parts.append(out or b"")
            err_parts.append(err or b"")
            break
        except subprocess.TimeoutExpired:
            pending = None  # communicate() keeps feeding stdin across retries
            if time.monotonic() > deadline:
                _kill(proc)
                raise GitTimeout(f"git {_verb(args)} took longer than {timeout:g} s") from None
            if watch is not None and max_bytes is not None and dir_size(watch) > max_bytes:
                _kill(proc)
                raise GitTooBig(f"repository over {max_bytes // 1_000_000} MB") from None
    stderr = b"".join(err_parts).decode("utf-8", "replace")
    if proc.returncode != 0:
        raise GitError(f"git {_verb(args)} failed: {last_line(stderr) or proc.returncode}")
    return GitResult(b"".join(out_parts), stderr)


def _verb(args: list[str]) -> str:
    """The git command of `args` ("fetch" in `-C repo fetch ...`), for messages."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in ("-C", "-c") else rest[1:]
    return rest[0] if rest else "command"


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill git and everything it started (remote helpers, upload-pack, index-pack)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass


def last_line(stderr: str) -> str:
    """The last meaningful line git printed, trimmed to one short line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(("hint:", "warning: filtering"))] or lines
    return lines[-1][:200] if lines else ""
