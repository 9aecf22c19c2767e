"""Output folders: proved writable before any work starts, and locked while `mine` writes.

A run that finds out at its end that it cannot write its output has wasted all its
work, and a traceback does not say what to do. So each folder a command writes to is
made and probed first (a small file written, flushed and removed): a read-only, full or
forbidden folder, or a file in the way, stops the command at once with one sentence
naming the folder, the cause and the option to change.

Two `exnet mine` runs into one output folder would overwrite each other's files, the
last to finish silently winning. So a run holds an exclusive `flock` on
`<out>/.exnet-mine.lock` (holding its pid) for as long as it writes; a second run stops
at once and says which process holds the folder. The kernel drops the lock when its
process ends in any way, SIGKILL included, so a killed run never leaves a folder locked.
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from exnet.errors import ExnetError

LOCK_NAME = ".exnet-mine.lock"

#: Bytes the probe writes: enough that a full file system refuses them.
PROBE_BYTES = 64 * 1024

_WHY = {
    errno.EROFS: "read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted",
    errno.ENOSPC: "no space left",
    errno.EDQUOT: "over the disk quota",
    errno.ENOTDIR: "part of the path is a file",
    errno.EEXIST: "a file is in the way",
    errno.ENOENT: "the folder cannot be made there",
}


def _cannot_write(folder: Path, exc: OSError, option: str) -> ExnetError:
    why = _WHY.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()
    return ExnetError(f"cannot write to {folder} ({why}): choose another {option}")


def ensure_writable(folder: Path, option: str) -> None:
    """Make `folder` (and its parents) and prove that a file can be written, flushed
    and removed in it; else ExnetError naming the cause and `option` (e.g. "--out")."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".exnet-probe-", dir=folder)
        try:
            os.write(fd, bytes(PROBE_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise _cannot_write(folder, exc, option) from None


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock for the `with` block; ExnetError at once when
    another process holds it. `out_dir` must exist (see `ensure_writable`)."""
    path = out_dir / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise _cannot_write(out_dir, exc, "--out") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            pid = f" (pid {holder})" if holder.isdigit() else ""
            raise ExnetError(f"another exnet mine is writing to {out_dir}{pid}; wait for it "
                             f"or choose another --out") from None
        # The holder before us removes the file as it ends; a lock on that removed file
        # guards nothing, so lock the file that is there now.
        try:
            current = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except OSError:
            current = False
        if current:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        try:
            os.unlink(path)     # still locked: the next run finds no file, or a new one
        except OSError:
            pass
        os.close(fd)
