"""Stage 2, fetch: one commit of each project, checked out into the cache, safely.

For a remote project, fetch

1. resolves the commit: the pinned SHA, else the head of the default branch
   (`git ls-remote`, which costs no API quota);
2. reuses `repos/<owner>/<name>/<sha>/` from the cache when it is there, so a second run
   clones nothing;
3. otherwise fetches that one commit (`--depth 1`) into a bare repository with a blob size
   filter (`--filter=blob:limit=N`: large files never travel), no tags and no submodules,
   under a time limit and a size cap (git is killed past either; see `exnet.gitsafe`);
4. and checks the files out *itself*, from git's object store, instead of letting git
   do it: only regular files within the size limit whose names the extractor reads are
   written, always as plain non-executable files in folders we made. So no hook, filter
   driver, LFS smudge or checkout of a submodule ever runs, no symlink is ever created
   (a symlink is recorded, never followed), and no path can leave the checkout.

Everything left out that someone might wonder about (symlinks, submodules, files over
the limit) becomes a `Failure` of the project with the reason. A local checkout
(`--from`) is used where it is, read-only; the extractor follows no symlinks either.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from exnet.cache import Cache, read_json, remove_tree, write_json_atomic
from exnet.gitsafe import GitError, GitTimeout, GitTooBig, dir_size, run_git
from exnet.records import Failure, Project

#: Files written into a checkout: what the extractor and the facts stage read (code,
#: notebooks, READMEs, configs, requirements, Pipfile, .python-version, licences).
#: Everything else is not needed and not written.
KEEP_SUFFIXES = frozenset({".py", ".ipynb", ".md", ".rst", ".txt", ".cfg", ".ini",
                           ".toml", ".yaml", ".yml", ".json"})
KEEP_PREFIXES = ("readme", "license", "licence", "copying", "unlicense", "pipfile",
                 ".python-version")

_SHA = re.compile(r"^[0-9a-f]{40}$|^[0-9a-f]{64}$")
BATCH_BYTES = 50_000_000   # file contents held in memory at once while checking out


@dataclass(frozen=True)
class FetchOptions:
    cache: Cache
    timeout: float = 300.0              # seconds per clone
    max_repo_bytes: int = 500_000_000   # what git may download, and what we write
    max_file_bytes: int = 10_000_000    # the blob filter; larger files are left out


@dataclass(frozen=True)
class Checkout:
    """The outcome of fetching one project."""

    sha: str | None
    root: Path | None                   # the files to extract; None when fetching failed
    failures: tuple[Failure, ...] = ()  # files left out, and why
    reason: str | None = None           # why the project could not be fetched
    from_cache: bool = False
    lasting: bool = True                # False when the failure may pass (network, time)


def resolve_sha(project: Project, timeout: float = 60.0) -> str:
    """The commit to mine: the pinned SHA, else the head of the default branch."""
    if project.sha:
        return project.sha
    if not project.clone_url:
        raise GitError("no URL to clone from")
    ref = f"refs/heads/{project.default_branch}" if project.default_branch else "HEAD"
    out = run_git(["ls-remote", "--", project.clone_url, ref], timeout=timeout).stdout
    for line in out.decode("utf-8", "replace").splitlines():
        sha, _, name = line.partition("\t")
        if name == ref and _SHA.match(sha):
            return sha
    raise GitError(f"{ref} not found in {project.clone_url}")


def fetch(project: Project, options: FetchOptions, sha: str | None = None) -> Checkout:
    """Check out one commit of `project` into the cache (see the module docstring).

    `sha` is the commit `resolve_sha` found, when the caller already asked; `project.sha`
    is a pinned commit (a manifest's `@sha`), which is never replaced by the branch head.
    """
    if project.path is not None:
        return Checkout(project.sha, Path(project.path))
    try:
        sha = sha or resolve_sha(project, timeout=min(60.0, options.timeout))
    except GitError as exc:
        return Checkout(None, None, reason=str(exc), lasting=False)
    final = options.cache.repo_dir(project.full_name, sha)
    done = read_json(final / "fetch.json")
    if isinstance(done, dict) and (final / "tree").is_dir():
        return Checkout(sha, final / "tree", _failures(project, done), from_cache=True)
    work = options.cache.tmp_dir()
    try:
        bare = work / "repo.git"
        try:
            _fetch_commit(project, sha, bare, options)
            failures = _checkout(project, sha, bare, work / "tree", options)
        except GitTooBig as exc:
            return Checkout(sha, None, reason=str(exc))
        except GitTimeout as exc:
            return Checkout(sha, None, reason=str(exc), lasting=False)
        except GitError as exc:
            return Checkout(sha, None, reason=str(exc), lasting=False)
        remove_tree(bare)
        write_json_atomic(work / "fetch.json", {
            "full_name": project.full_name, "sha": sha,
            "failures": [f.to_json() for f in failures]})
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(work, final)   # atomic: the checkout appears whole or not at all
        except OSError:
            if not (final / "fetch.json").is_file():   # not another run's finished copy
                remove_tree(final)
                os.rename(work, final)
        return Checkout(sha, final / "tree", tuple(failures))
    finally:
        remove_tree(work)


def _failures(project: Project, done: dict[str, object]) -> tuple[Failure, ...]:
    rows = done.get("failures") or []
    assert isinstance(rows, list)
    return tuple(Failure(file=str(r.get("file", "")), reason=str(r.get("reason", "")),
                         project=project.full_name) for r in rows if isinstance(r, dict))


def _fetch_commit(project: Project, sha: str, bare: Path, options: FetchOptions) -> None:
    """Download one commit, blobs over the limit left on the server, into `bare`."""
    assert project.clone_url
    if project.clone_url.startswith("-"):   # would read as an option to git
        raise GitError(f"unsafe clone URL {project.clone_url[:60]!r}")
    run_git(["init", "-q", "--bare", "--template=", str(bare)], timeout=30)
    for key, value in (("remote.origin.url", project.clone_url),
                       ("remote.origin.promisor", "true"),
                       ("remote.origin.partialclonefilter",
                        f"blob:limit={options.max_file_bytes}"),
                       ("core.repositoryformatversion", "1"),
                       ("extensions.partialClone", "origin")):
        run_git(["-C", str(bare), "config", key, value], timeout=30)
    fetch_args = ["-C", str(bare), "fetch", "-q", "--depth", "1", "--no-tags",
                  "--no-recurse-submodules", "--no-write-fetch-head",
                  f"--filter=blob:limit={options.max_file_bytes}", "origin"]
    try:
        run_git(fetch_args + [f"{sha}:refs/exnet/commit"], timeout=options.timeout,
                watch=bare, max_bytes=options.max_repo_bytes)
    except (GitTimeout, GitTooBig):
        raise
    except GitError:
        # Some servers refuse a fetch by SHA; the branch head is the same commit unless
        # someone pushed in between, which the check below notices.
        if project.sha:
            raise GitError(f"the server refuses to send pinned commit {sha[:12]}") from None
        ref = f"refs/heads/{project.default_branch}" if project.default_branch else "HEAD"
        run_git(fetch_args + [f"{ref}:refs/exnet/commit"], timeout=options.timeout,
                watch=bare, max_bytes=options.max_repo_bytes)
    got = run_git(["-C", str(bare), "rev-parse", "refs/exnet/commit"], timeout=30)
    if got.stdout.decode().strip() != sha:
        raise GitError(f"commit {sha[:12]} is no longer the head of the branch: run again")
    # From here on git must never go back to the server for a missing (filtered) blob.
    run_git(["-C", str(bare), "config", "remote.origin.url", "/nonexistent"], timeout=30)
    if dir_size(bare) > options.max_repo_bytes:
        raise GitTooBig(f"repository over {options.max_repo_bytes // 1_000_000} MB")


def _wanted(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return os.path.splitext(name)[1] in KEEP_SUFFIXES or name.startswith(KEEP_PREFIXES)


def safe_relpath(path: str) -> PurePosixPath | None:
    """`path` when it stays inside the checkout and avoids .git, else None."""
    parts = path.split("/")
    if (not path or path.startswith("/") or "\x00" in path
            or any(p in ("", ".", "..") or p.lower() == ".git" for p in parts)):
        return None
    return PurePosixPath(path)


def _checkout(project: Project, sha: str, bare: Path, tree: Path,
              options: FetchOptions) -> list[Failure]:
    """Write the wanted files of `sha` into `tree` (see the module docstring)."""
    git_dir = ["-C", str(bare)]
    listing = run_git(git_dir + ["ls-tree", "-r", "-z", "--full-tree", sha], timeout=120)
    missing = run_git(git_dir + ["rev-list", "--objects", "--missing=print", sha],
                      timeout=120).stdout.decode("ascii", "replace").split()
    absent = {m[1:] for m in missing if m.startswith("?")}
    failures: list[Failure] = []
    want: list[tuple[PurePosixPath, str]] = []
    links: list[tuple[str, str]] = []

    def fail(rel: str, reason: str) -> None:
        failures.append(Failure(file=rel, reason=reason, project=project.full_name))

    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = meta.decode("ascii", "replace").split()
        rel = raw_path.decode("utf-8", "replace")
        if mode == "160000":
            fail(rel, "submodule not fetched (submodules are never followed)")
        elif mode == "120000":
            links.append((rel, oid))
        elif kind != "blob":
            continue
        elif oid in absent:
            fail(rel, f"file over {options.max_file_bytes // 1_000_000} MB not downloaded")
        elif _wanted(rel):
            safe = safe_relpath(rel)
            if safe is None:
                fail(rel, "unsafe path not checked out")
            else:
                want.append((safe, oid))
    targets = _read_blobs(bare, sorted({oid for _, oid in links}), 4096)
    for rel, oid in links:
        target = targets.get(oid, b"").decode("utf-8", "replace")
        fail(rel, f"symlink to {target[:100]!r} not followed (links are never checked out)")
    tree.mkdir()
    sizes = _blob_sizes(bare, sorted({oid for _, oid in want}))
    written = 0
    batch: list[tuple[PurePosixPath, str]] = []
    batch_bytes = 0
    for path, oid in want + [(PurePosixPath("."), "")]:   # a sentinel flushes the last batch
        size = sizes.get(oid)
        if oid and (size is None or size > options.max_file_bytes):
            fail(str(path), f"file over {options.max_file_bytes // 1_000_000} MB not checked out")
            continue
        if batch and (not oid or batch_bytes + (size or 0) > BATCH_BYTES):
            blobs = _read_blobs(bare, sorted({o for _, o in batch}), options.max_file_bytes)
            for brel, boid in batch:
                try:
                    _write_new(tree, brel, blobs[boid])
                except OSError as exc:   # e.g. a name the file system refuses
                    fail(str(brel), f"not checked out ({exc.strerror})")
            batch, batch_bytes = [], 0
        if oid:
            written += size or 0
            if written > options.max_repo_bytes:
                raise GitTooBig(f"checkout over {options.max_repo_bytes // 1_000_000} MB")
            batch.append((path, oid))
            batch_bytes += size or 0
    return sorted(failures, key=lambda f: (f.file, f.reason))


def _write_new(tree: Path, rel: PurePosixPath, data: bytes) -> None:
    """Create tree/rel as a new regular file (0644) in folders made here, never following
    a link: the folders were made by us and O_NOFOLLOW | O_EXCL refuses anything else."""
    target = tree.joinpath(*rel.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except FileExistsError:
        return    # a file and a folder of one name (case games): keep the first
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _blob_sizes(bare: Path, oids: list[str]) -> dict[str, int]:
    """Sizes of the given blobs that are present in `bare`."""
    if not oids:
        return {}
    out = run_git(["-C", str(bare), "cat-file", "--batch-check"],
                  stdin="".join(o + "\n" for o in oids).encode(), timeout=120)
    sizes = {}
    for line in out.stdout.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            sizes[parts[0]] = int(parts[2])
    return sizes


def _read_blobs(bare: Path, oids: list[str], limit: int) -> dict[str, bytes]:
    """The contents of the given blobs that are present and at most `limit` bytes."""
    keep = [oid for oid, size in _blob_sizes(bare, oids).items() if size <= limit]
    if not keep:
        return {}
    out = run_git(["-C", str(bare), "cat-file", "--batch"],
                  stdin="".join(o + "\n" for o in keep).encode(), timeout=300).stdout
    blobs: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        size = int(header[2])
        blobs[header[0].decode()] = out[end + 1: end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


def local_fingerprint(root: Path) -> str:
    """A digest of a local checkout's readable files (path, size, mtime), so a changed
    checkout is extracted again while an unchanged one comes from the cache."""
    digest = hashlib.sha1()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not _wanted(name):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                # A name that is not UTF-8 is bytes smuggled in a str: hash it as bytes.
                rel = os.fsencode(os.path.relpath(path, root))
                digest.update(rel + f"\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
