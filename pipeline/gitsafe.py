"""Running git on repositories we do not trust (used by the discover and fetch stages).

A repository, or a local checkout handed to `--from`, is hostile input. Every git call
here therefore runs with:

- no prompts: GIT_TERMINAL_PROMPT=0, ssh in batch mode, no credential helper, so a
  private or vanished repository fails at once instead of waiting for a password;
- no configuration but ours: GIT_CONFIG_NOSYSTEM, an empty global config and a private
  empty HOME, so neither the user's nor the system's settings (aliases, helpers, url
  rewrites) apply, and the parent's GIT_* variables are dropped;
- nothing that runs code: hooks, fsmonitor, signature display and the signing programs,
  pagers, external diff and textconv drivers, editors, proxies, alternate-refs commands
  and credential helpers are all switched off on the command line (which outranks every
  config file, and reaches the git processes git starts through GIT_CONFIG_PARAMETERS);
  no submodules, no LFS smudging; fetched objects are checked (`transfer.fsckObjects`);
- a checkout we did not make (`--from DIR`) is never handed to git at all: its HEAD,
  refs and config are read as files here (`checkout_identity`), and git reads only its
  objects, through a private empty repository that borrows them as alternates, so no
  setting of that checkout (includeIf, aliases, drivers, ...) is ever loaded;
- `core.symlinks=false` and `safe.directory=*` (checkouts owned by someone else are read,
  never written);
- a time limit, and optionally a cap on the bytes written into a folder while git runs:
  the whole process group is killed when either is passed.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import stat
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
    "core.pager=cat",
    "core.editor=true",
    "sequence.editor=true",
    "core.untrackedCache=false",
    "log.showSignature=false",
    "gpg.program=false",
    "gpg.ssh.program=false",
    "gpg.x509.program=false",
    "pager.log=false",
    "pager.show=false",
    "pager.diff=false",
    "commit.gpgSign=false",
    "tag.gpgSign=false",
    "transfer.fsckObjects=true",
    "fetch.fsckObjects=true",
    "receive.fsckObjects=true",
    # Old GitHub projects carry these harmless defects; the checks that matter (paths
    # with .git or .., malformed trees, symlinked .gitmodules) stay errors.
    "fetch.fsck.zeroPaddedFilemode=ignore",
    "fetch.fsck.badTimezone=ignore",
    "fetch.fsck.missingSpaceBeforeDate=ignore",
    "fetch.fsck.missingEmail=ignore",
    "fetch.fsck.badFilemode=ignore",
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
    cmd = ["git", "--no-pager"]
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


# -- a checkout we did not make ---------------------------------------------------------

_REF_NAME = re.compile(r"^refs/(?:heads|tags|remotes)/[A-Za-z0-9._/+@-]{1,200}$")
_HEX = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
_SMALL = 1 << 20   # HEAD, a ref, packed-refs or config past this is not a real one


@dataclass(frozen=True)
class CheckoutIdentity:
    """What a local checkout says about itself: origin URL, commit, branch and dates.

    `note` says why nothing was taken (a `.git` file pointing elsewhere, a symlink)."""

    remote: str | None = None
    sha: str | None = None
    branch: str | None = None
    created: str | None = None     # git's %cI of the first commit
    pushed: str | None = None      # git's %cI of HEAD
    note: str | None = None


def checkout_identity(folder: Path) -> CheckoutIdentity:
    """Read a checkout's identity without letting git load any of its settings.

    HEAD, refs, packed-refs and config are read here as plain files (no symlink is
    followed); git only reads commit objects, from a private repository of ours whose
    alternates point at the checkout's objects."""
    dot = folder / ".git"
    try:
        st = os.lstat(dot)
    except OSError:
        return CheckoutIdentity()
    if stat.S_ISLNK(st.st_mode):
        return CheckoutIdentity(note=".git is a symbolic link: its identity is not taken")
    if not stat.S_ISDIR(st.st_mode):
        # A worktree or submodule `.git` file names another repository, which could be
        # anyone's: taking its URL and commit would misattribute the code.
        return CheckoutIdentity(note=".git is a file pointing elsewhere: its identity is "
                                     "not taken")
    remote = _config_value(_small_file(dot / "config"), "remote", "origin", "url")
    head = (_small_file(dot / "HEAD") or "").strip()
    branch = None
    sha: str | None = head if _HEX.match(head) else None
    if head.startswith("ref:"):
        ref = head[4:].strip()
        if _REF_NAME.match(ref) and ".." not in ref:
            branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
            sha = _ref_sha(dot, ref)
    if sha is None:
        return CheckoutIdentity(remote=remote, branch=branch)
    pushed, created = _commit_dates(dot, sha)
    return CheckoutIdentity(remote, sha, branch, created, pushed)


def _small_file(path: Path) -> str | None:
    """A small regular file's text (never through a symlink), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _SMALL:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(_SMALL).decode("utf-8", "replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def _ref_sha(dot: Path, ref: str) -> str | None:
    parts = ref.split("/")
    folders = [dot.joinpath(*parts[:i]) for i in range(1, len(parts))]
    linked = any(os.path.islink(f) for f in folders)   # refs/heads -> /elsewhere
    loose = "" if linked else (_small_file(dot.joinpath(*parts)) or "").strip()
    if _HEX.match(loose):
        return loose
    for line in (_small_file(dot / "packed-refs") or "").splitlines():
        sha, _, name = line.strip().partition(" ")
        if name == ref and _HEX.match(sha):
            return sha
    return None


def _config_value(text: str | None, section: str, subsection: str, key: str) -> str | None:
    """One value of a git config file, read as text (the file's includes are not followed:
    they could name anything). Enough of git's syntax for `[remote "origin"] url = ...`."""
    if not text:
        return None
    current: tuple[str, str | None] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        head = re.match(r'^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(.*)$', line)
        if head:
            current = (head[1].lower(), head[2])
            line = head[3].strip()
            if not line:
                continue
        if current != (section, subsection):
            continue
        name, eq, value = line.partition("=")
        if eq and name.strip().lower() == key:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value or None
    return None


def _commit_dates(dot: Path, sha: str) -> tuple[str | None, str | None]:
    """(%cI of `sha`, %cI of its first ancestor) read through a private repository."""
    objects = dot / "objects"
    if objects.is_symlink() or not objects.is_dir():
        return None, None
    with tempfile.TemporaryDirectory(prefix="exnet-read-") as tmp:
        private = Path(tmp) / "r.git"
        try:
            run_git(["init", "-q", "--bare", "--template=", str(private)], timeout=30)
            info = private / "objects" / "info"
            info.mkdir(parents=True, exist_ok=True)
            (info / "alternates").write_text(str(objects.resolve()) + "\n")
            shallow = _small_file(dot / "shallow")
            if shallow and all(_HEX.match(s.strip()) for s in shallow.splitlines() if s):
                (private / "shallow").write_text(shallow)
            git_dir = ["--git-dir", str(private)]
            pushed = run_git(git_dir + ["log", "-1", "--format=%cI", sha, "--"],
                             cwd=Path(tmp), timeout=30).stdout.decode().strip()
            roots = run_git(git_dir + ["rev-list", "--max-parents=0", "--format=%cI", sha,
                                       "--"], cwd=Path(tmp), timeout=30).stdout.decode()
        except (GitError, OSError):
            return None, None
    dates = [ln for ln in roots.splitlines() if not ln.startswith("commit ")]
    return pushed or None, dates[-1] if dates else None
