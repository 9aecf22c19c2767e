"""Real git repositories for the fetch and mine tests, made in a temporary folder.

`make_repo` builds a bare repository from a dict of files (plus symlinks and submodules
when asked) and returns its file:// URL and head commit; `keras_files` is a tiny project
with one Keras Sequential model; `hostile_repo` is everything a repository can do to a
miner: a symlink to a file outside the checkout, a 50 MB file, a submodule, hooks, a .py
full of NUL bytes and a notebook that is not JSON.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

KERAS_MODEL = ("from tensorflow import keras\n"
               "model = keras.Sequential([keras.layers.Dense(10)])\n")

#: Written into files outside the checkouts; must never show up in any output.
CANARY = "EXNET-CANARY-7f3a"


def git(*args: str, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_AUTHOR_DATE="2023-01-02T03:04:05Z",
               GIT_COMMITTER_DATE="2023-01-02T03:04:05Z")
    out = subprocess.run(["git", "-c", "init.defaultBranch=main",
                          "-c", "protocol.file.allow=always", *args],
                         cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip()


@dataclass(frozen=True)
class Repo:
    bare: Path
    url: str
    sha: str
    work: Path


def make_repo(base: Path, name: str, files: dict[str, str | bytes], *,
              symlinks: dict[str, str] | None = None,
              submodules: dict[str, str] | None = None,
              executable: tuple[str, ...] = (), allow_filter: bool = True) -> Repo:
    """A bare repository `base/<name>.git` with one commit holding `files`.

    `symlinks` maps a path to its target; `submodules` maps a path to a repository URL
    (a gitlink plus .gitmodules, as `git submodule add` makes them).
    """
    work = base / "work" / name
    work.mkdir(parents=True)
    git("init", "-q", str(work))
    for rel, content in files.items():
        path = work / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        if rel in executable:
            path.chmod(0o755)
    for rel, target in (symlinks or {}).items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, work / rel)
    git("add", "-A", cwd=work)
    if submodules:
        lines = []
        for rel, url in submodules.items():
            sub_sha = git("ls-remote", url, "HEAD").split()[0]
            git("update-index", "--add", "--cacheinfo", f"160000,{sub_sha},{rel}", cwd=work)
            lines.append(f'[submodule "{rel}"]\n\tpath = {rel}\n\turl = {url}\n')
        (work / ".gitmodules").write_text("".join(lines))
        git("add", ".gitmodules", cwd=work)
    git("commit", "-q", "-m", f"{name}", cwd=work)
    bare = base / f"{name}.git"
    git("clone", "-q", "--bare", str(work), str(bare))
    if allow_filter:   # as GitHub does: partial clones may leave big blobs on the server
        git("config", "uploadpack.allowFilter", "true", cwd=bare)
    return Repo(bare, bare.resolve().as_uri(), git("rev-parse", "HEAD", cwd=bare), work)


def keras_files(name: str) -> dict[str, str | bytes]:
    """A tiny project: one Keras model, a README, a license."""
    return {
        "model.py": KERAS_MODEL,
        "README.md": f"# {name}\nSentiment analysis of IMDB reviews with Keras.\n",
        "LICENSE": "MIT License\n\nPermission is hereby granted, free of charge, to any "
                   "person obtaining a copy of this software\n",
    }


def hostile_repo(base: Path, outside: Path, canary_file: Path) -> Repo:
    """A repository that tries everything; `outside` is a file outside any checkout
    holding CANARY, `canary_file` is where a hook that ran would write."""
    sub = make_repo(base, "hostile-sub", {"sub.py": f"# {CANARY} submodule content\n"})
    hook = f"#!/bin/sh\necho ran > {canary_file}\n"
    repo = make_repo(
        base, "hostile",
        {
            **keras_files("hostile"),
            "huge.py": b"x = 1\n" * (50_000_000 // 6 + 1),   # 50 MB
            "nul.py": b"\0" * 4096,
            "broken.ipynb": "this is { not JSON",
            ".githooks/post-checkout": hook,
            "hooks/post-checkout": hook,
            ".gitattributes": "*.py filter=evil\n",
        },
        symlinks={"leak.py": str(outside), "data/escape": "../../../../../../etc/passwd"},
        submodules={"vendor/sub": sub.url},
        executable=(".githooks/post-checkout", "hooks/post-checkout"),
    )
    # Server-side hooks in the bare repository itself: a fetch must not run them either.
    for name in ("post-checkout", "post-merge", "reference-transaction", "pre-upload-pack"):
        path = repo.bare / "hooks" / name
        path.write_text(hook)
        path.chmod(0o755)
    return repo
