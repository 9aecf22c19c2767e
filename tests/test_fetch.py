"""fetch: real git clones of bare repositories made by the tests, hostile ones included."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from gitrepos import CANARY, git, hostile_repo, keras_files, make_repo

from exnet.cache import Cache
from exnet.discover import manifest_entry
from exnet.fetch import FetchOptions, fetch, local_fingerprint, resolve_sha, safe_relpath
from exnet.records import Project


def project_of(url: str, sha: str | None = None) -> Project:
    return manifest_entry(url if sha is None else f"{url}@{sha}")


def all_files(root: Path) -> dict[str, os.stat_result]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            out[os.path.relpath(path, root)] = os.lstat(path)
    return out


def test_fetch_clones_once_into_the_cache(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "alpha", {**keras_files("alpha"), "data/x.csv": "1,2\n"})
    options = FetchOptions(Cache(tmp_path / "cache"))
    project = project_of(repo.url)
    first = fetch(project, options)
    assert first.reason is None and first.sha == repo.sha and not first.from_cache
    assert first.root == options.cache.repo_dir(project.full_name, repo.sha) / "tree"
    assert sorted(all_files(first.root)) == ["LICENSE", "README.md", "model.py"]
    assert (first.root / "model.py").read_text().startswith("from tensorflow import keras")
    # A second run clones nothing: even with the remote gone, the cache answers.
    os.rename(repo.bare, tmp_path / "gone.git")
    second = fetch(project_of(repo.url, repo.sha), options)
    assert second.from_cache and second.root == first.root
    assert not list((tmp_path / "cache" / "tmp").iterdir())   # no work left behind


def test_fetch_a_pinned_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "beta", keras_files("beta"))
    old = repo.sha
    (repo.work / "later.py").write_text("import torch\n")
    git("add", "-A", cwd=repo.work)
    git("commit", "-q", "-m", "later", cwd=repo.work)
    git("push", "-q", str(repo.bare), "main", cwd=repo.work)
    head = resolve_sha(project_of(repo.url))
    assert head != old
    pinned = fetch(project_of(repo.url, old), FetchOptions(Cache(tmp_path / "c")))
    assert pinned.sha == old and pinned.root is not None
    assert not (pinned.root / "later.py").exists()


def test_hostile_repository(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "secret.py"
    outside.parent.mkdir()
    outside.write_text(f"import keras\n# {CANARY}\n")
    ran = tmp_path / "hook-ran"
    repo = hostile_repo(tmp_path / "repos", outside, ran)
    options = FetchOptions(Cache(tmp_path / "cache"))
    start = time.monotonic()
    checkout = fetch(project_of(repo.url), options)
    assert time.monotonic() - start < 20          # nothing hangs
    assert checkout.reason is None and checkout.root is not None
    reasons = {f.file: f.reason for f in checkout.failures}
    assert reasons["leak.py"].startswith("symlink to") and "not followed" in reasons["leak.py"]
    assert "not followed" in reasons["data/escape"]
    assert reasons["huge.py"] == "file over 10 MB not downloaded"
    assert reasons["vendor/sub"].startswith("submodule not fetched")
    files = all_files(checkout.root)
    # No symlink, no executable, no submodule content, no huge file, no hook script.
    assert not any(os.path.islink(checkout.root / f) for f in files)
    assert not any(st.st_mode & 0o111 for f, st in files.items()
                   if not os.path.isdir(checkout.root / f))
    assert sorted(f for f in files if not os.path.isdir(checkout.root / f)) == [
        "LICENSE", "README.md", "broken.ipynb", "model.py", "nul.py"]
    # Nothing ran, nothing outside was copied in, and the 50 MB file never travelled.
    assert not ran.exists()
    for dirpath, _, filenames in os.walk(tmp_path / "cache"):
        for name in filenames:
            assert CANARY.encode() not in Path(dirpath, name).read_bytes()
    assert sum(st.st_size for st in all_files(tmp_path / "cache").values()) < 5_000_000


def test_server_without_blob_filter_still_keeps_big_files_out(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "nofilter", {"model.py": "import keras\n",
                                            "big.json": b"0" * 3_000_000},
                     allow_filter=False)
    checkout = fetch(project_of(repo.url),
                     FetchOptions(Cache(tmp_path / "c"), max_file_bytes=1_000_000))
    assert checkout.root is not None
    assert [(f.file, f.reason) for f in checkout.failures] == [
        ("big.json", "file over 1 MB not checked out")]
    assert sorted(all_files(checkout.root)) == ["model.py"]


def test_size_cap_per_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "fat", {"model.py": "import keras\n",
                                       "noise.bin": os.urandom(3_000_000)},
                     allow_filter=False)
    checkout = fetch(project_of(repo.url),
                     FetchOptions(Cache(tmp_path / "c"), max_repo_bytes=1_000_000))
    assert checkout.root is None and checkout.reason == "repository over 1 MB"
    assert checkout.lasting    # a second run will not try again


def test_a_silent_server_times_out(tmp_path: Path) -> None:
    """git talking to a server that accepts and never answers is killed in time."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]
    conns: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        start = time.monotonic()
        checkout = fetch(project_of(f"http://127.0.0.1:{port}/ann/slow.git"),
                         FetchOptions(Cache(tmp_path / "c"), timeout=1))
        assert time.monotonic() - start < 10
        assert checkout.root is None and "took longer than 1 s" in (checkout.reason or "")
        assert not checkout.lasting
    finally:
        stop.set()
        thread.join()
        for conn in conns:
            conn.close()
        listener.close()


def test_missing_repository_fails_without_prompting(tmp_path: Path) -> None:
    start = time.monotonic()
    checkout = fetch(project_of((tmp_path / "nothing.git").as_uri()),
                     FetchOptions(Cache(tmp_path / "c")))
    assert checkout.root is None and "failed" in (checkout.reason or "")
    assert time.monotonic() - start < 10


def test_local_checkouts_are_used_in_place(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "model.py").write_text("import keras\n")
    project = Project("p", None, None, None, None, source="local", path=str(tmp_path / "p"))
    checkout = fetch(project, FetchOptions(Cache(tmp_path / "c")))
    assert checkout.root == tmp_path / "p" and not (tmp_path / "c" / "repos").exists()
    before = local_fingerprint(tmp_path / "p")
    assert local_fingerprint(tmp_path / "p") == before
    (tmp_path / "p" / "train.py").write_text("import torch\n")
    assert local_fingerprint(tmp_path / "p") != before


@pytest.mark.parametrize("path, ok", [
    ("a/b.py", True), ("../x.py", False), ("/etc/passwd", False), ("a/../../b", False),
    (".git/config", False), ("sub/.GIT/hooks/x", False), ("a//b", False), ("", False),
])
def test_safe_relpath(path: str, ok: bool) -> None:
    assert (safe_relpath(path) is not None) == ok
