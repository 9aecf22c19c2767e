"""A checkout's own git settings never run anything (`exnet mine --from`, discover).

Each checkout below sets one way that git can be made to run a program (signature
display with a signing program, pagers, external diff and textconv drivers, fsmonitor,
hooks, includes, credential helpers, ssh, proxies, filters, editors) to a script that
writes a marker file. exnet reads the checkout's identity and code; the marker must
never appear, and the identity must still be right.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepos import git, keras_files, make_repo

from exnet.cli import main
from exnet.discover import local_project

# (setting, value) pairs; "{evil}" is replaced by the marker-writing script's path.
SETTINGS = [
    ("log.showSignature", "true"),
    ("gpg.program", "{evil}"),
    ("gpg.ssh.program", "{evil}"),
    ("gpg.x509.program", "{evil}"),
    ("core.pager", "{evil}"),
    ("pager.log", "{evil}"),
    ("pager.show", "{evil}"),
    ("pager.rev-list", "{evil}"),
    ("diff.external", "{evil}"),
    ("diff.evil.textconv", "{evil}"),
    ("core.fsmonitor", "{evil}"),
    ("core.hooksPath", "{hooks}"),
    ("credential.helper", "!{evil}"),
    ("core.sshCommand", "{evil}"),
    ("core.gitProxy", "{evil}"),
    ("core.askPass", "{evil}"),
    ("core.editor", "{evil}"),
    ("core.alternateRefsCommand", "{evil}"),
    ("filter.evil.smudge", "{evil}"),
    ("filter.evil.clean", "{evil}"),
    ("filter.evil.process", "{evil}"),
    ("uploadpack.packObjectsHook", "{evil}"),
    ("alias.log", "!{evil}"),
]


def evil_script(folder: Path, marker: Path, name: str) -> Path:
    script = folder / f"{name}.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\ncat >/dev/null\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def signed_head(checkout: Path) -> str:
    """Rewrite HEAD as a commit carrying a (fake) gpg signature, so that signature
    display has something to verify."""
    raw = git("cat-file", "commit", "HEAD", cwd=checkout)
    header, _, message = raw.partition("\n\n")
    sig = ("gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n"
           " -----END PGP SIGNATURE-----")
    path = checkout / "signed-commit.txt"
    path.write_text(f"{header}\n{sig}\n\n{message}\n")
    sha = git("hash-object", "-t", "commit", "-w", "--literally", str(path), cwd=checkout)
    path.unlink()
    git("update-ref", "refs/heads/main", sha, cwd=checkout)
    return sha


def trapped_checkout(tmp_path: Path, marker: Path, settings: list[tuple[str, str]],
                     name: str = "trap") -> tuple[Path, str]:
    repo = make_repo(tmp_path / "repos", name,
                     {**keras_files(name), ".gitattributes": "* diff=evil filter=evil\n"})
    checkout = tmp_path / "src" / name
    git("clone", "-q", str(repo.bare), str(checkout))
    git("remote", "set-url", "origin", f"https://github.com/ann/{name}.git", cwd=checkout)
    sha = signed_head(checkout)
    evil = evil_script(checkout / ".git", marker, "evil")
    hooks = checkout / ".git" / "evil-hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "post-index-change", "reference-transaction",
                 "pre-auto-gc", "post-rewrite"):
        evil_script(hooks, marker, hook)
    included = checkout / ".git" / "included.cfg"
    included.write_text(f"[gpg]\n\tprogram = {evil}\n[log]\n\tshowSignature = true\n")
    config = checkout / ".git" / "config"
    text = config.read_text()
    text += f"[include]\n\tpath = {included}\n"
    text += f'[includeIf "gitdir:/"]\n\tpath = {included}\n'
    for key, value in settings:
        section, _, rest = key.partition(".")
        sub, _, leaf = rest.rpartition(".")
        head = f'[{section} "{sub}"]' if sub else f"[{section}]"
        text += f"{head}\n\t{leaf} = {value.format(evil=evil, hooks=hooks)}\n"
    config.write_text(text)
    return checkout, sha


@pytest.mark.parametrize("setting", SETTINGS, ids=[s[0] for s in SETTINGS])
def test_discover_reads_identity_without_running_a_setting(tmp_path: Path,
                                                           setting: tuple[str, str]) -> None:
    marker = tmp_path / "marker"
    # Signature display needs both halves; every checkout also has the includes.
    settings = [setting] + ([("log.showSignature", "true")] if setting[0] != "log.showSignature"
                            else [("gpg.program", "{evil}")])
    checkout, sha = trapped_checkout(tmp_path, marker, settings)
    project = local_project(checkout)
    assert not marker.exists(), marker.read_text()
    assert (project.full_name, project.sha, project.default_branch) == ("ann/trap", sha, "main")
    assert project.pushed == "2023-01-02T03:04:05Z"
    assert project.created == "2023-01-02T03:04:05Z"


def test_mine_from_a_checkout_with_every_trap_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    checkout, sha = trapped_checkout(tmp_path, marker, SETTINGS)
    result = CliRunner().invoke(main, [
        "mine", "--task", "text-classification", "--from", str(checkout),
        "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
        "--site-dir", str(tmp_path / "site"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert not marker.exists(), marker.read_text()
    projects = (tmp_path / "out" / "text-classification" / "projects.jsonl").read_text()
    assert f'"sha": "{sha}"' in projects and '"full_name": "ann/trap"' in projects


def test_a_git_file_pointing_elsewhere_gives_no_identity(tmp_path: Path) -> None:
    other = make_repo(tmp_path / "repos", "other", keras_files("other"))
    elsewhere = tmp_path / "elsewhere"
    git("clone", "-q", str(other.bare), str(elsewhere))
    git("remote", "set-url", "origin", "https://github.com/victim/famous.git", cwd=elsewhere)
    project_dir = tmp_path / "src" / "mine"
    project_dir.mkdir(parents=True)
    (project_dir / "model.py").write_text(keras_files("x")["model.py"])  # type: ignore[arg-type]
    (project_dir / ".git").write_text(f"gitdir: {elsewhere / '.git'}\n")
    project = local_project(project_dir)
    assert (project.full_name, project.url, project.sha) == ("mine", None, None)
    assert project.note is not None and ".git is a file" in project.note
    assert project.to_json()["note"] == project.note


def test_symlinked_refs_and_git_folder_are_not_followed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repos", "real", keras_files("real"))
    outside = tmp_path / "outside"
    git("clone", "-q", str(repo.bare), str(outside))
    linked = tmp_path / "src" / "linked"
    linked.mkdir(parents=True)
    os.symlink(outside / ".git", linked / ".git")
    assert local_project(linked).sha is None
    refs = tmp_path / "src" / "refs"
    git("clone", "-q", str(repo.bare), str(refs))
    heads = refs / ".git" / "refs" / "heads"
    for child in heads.iterdir():
        child.unlink()
    heads.rmdir()
    os.symlink(outside / ".git" / "refs" / "heads", heads)
    (refs / ".git" / "packed-refs").unlink(missing_ok=True)
    assert local_project(refs).sha is None
