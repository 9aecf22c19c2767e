"""Extraction results kept by content, so that the same files are extracted once.

Forks, copied tutorials and vendored model zoos hold files that other projects hold too.
A project's records depend on its files together (a `train.py` trains the class that
`model.py` defines), so what is kept is the outcome of one set of files: the key is a
digest of

- the extractor's version (`exnet.extract.version`) and its `Limits`;
- every code file `iter_project_files` lists: its path in the project and its bytes (a
  symbolic link, a FIFO or a file over the size bound by what it is, since that alone
  decides its outcome);
- the README, which dataset mentions come from;
- every YAML and JSON file of the project, which code may load as settings (which ones
  it does is only known while interpreting, so all of them count).

The project's name is not part of the key: records are kept as the first project wrote
them and relabelled with the asking project's name on the way out. A result cut short by
the time budget is not kept, because whether a file runs out of time depends on the
machine's load. Entries are JSON files written atomically; one that is missing, unreadable
or not of the expected shape is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from exnet.atomic import write_atomic
from exnet.extract.settings_files import MAX_SETTINGS_BYTES
from exnet.extract.sources import MAX_NOTEBOOK_BYTES, iter_project_files, read_readme
from exnet.extract.state import Limits
from exnet.extract.version import extractor_version

ENTRY_SCHEMA = "exnet.extract-entry/1"
_SETTINGS_SUFFIXES = (".yaml", ".yml", ".json")


def content_key(root: Path) -> str:
    """The digest of everything the extraction of the project at `root` reads."""
    digest = hashlib.blake2b(digest_size=20)

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)

    limits = Limits.from_env()
    add(extractor_version(), f"{limits.steps}/{limits.instances}/{limits.seconds}")
    for path in iter_project_files(root):
        add("code", path.relative_to(root).as_posix(), _content(path, MAX_NOTEBOOK_BYTES))
    name, text = read_readme(root)
    add("readme", name, text)
    for path in _settings_files(root):
        add("settings", path.relative_to(root).as_posix(), _content(path, MAX_SETTINGS_BYTES))
    return digest.hexdigest()


def _content(path: Path, limit: int) -> bytes:
    """A file's bytes, or what stands for them when the extractor would not read it."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            return b"\0symlink"
        if not stat.S_ISREG(st.st_mode):
            return b"\0special"
        if st.st_size > limit:
            return b"\0over %d" % st.st_size
        with open(path, "rb") as fh:
            return hashlib.blake2b(fh.read(), digest_size=20).digest()
    except OSError as exc:
        return b"\0unreadable %s" % str(exc.strerror or exc).encode()


def _settings_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        found.extend(Path(dirpath) / name for name in sorted(filenames)
                     if name.lower().endswith(_SETTINGS_SUFFIXES))
    return found


def entry_path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.json"


def load_kept(folder: Path, key: str) -> dict[str, Any] | None:
    """The entry kept for `key` (`ExtractResult.to_json()` and the file outcomes), or None."""
    try:
        data = json.loads(entry_path(folder, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema") != ENTRY_SCHEMA \
            or data.get("key") != key:
        return None
    return data


def keep(folder: Path, key: str, entry: dict[str, Any]) -> None:
    """Keep `entry` (`ExtractResult.to_json(outcomes=True)`) under `key`, unless the time
    budget cut the extraction short."""
    if any("time budget" in f.get("reason", "") for f in entry.get("failures", ())):
        return
    entry = {"schema": ENTRY_SCHEMA, "key": key, **entry}
    try:
        write_atomic(entry_path(folder, key), json.dumps(entry, ensure_ascii=False))
    except OSError:   # a full or read-only cache costs speed, never the result
        pass
