"""Stage 1, discover: the projects to mine, as `exnet.project/1` records.

Three sources give the same records:

- GitHub search for a task (see `exnet.github_search`), kept a day in the cache so that
  a resumed run does not spend the rate limit again;
- a manifest (`--manifest FILE`): one project a line, `owner/name`, `owner/name@sha`,
  or a git URL (optionally `URL@sha`); `#` starts a comment. GitHub projects get their
  metadata from the API when it can be reached;
- local checkouts (`--from DIR`): DIR itself when it looks like a project (a .git
  folder, Python files, a README or a requirements file at its top), else one project per
  sub-folder. Metadata comes from git where it can be read, safely (`exnet.gitsafe`).

The records are `exnet.project/1` (`exnet.records.Project`; the fields are described in
the `exnet.records` docstring).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from exnet.cache import Cache, read_json, write_json_atomic
from exnet.errors import ExnetError
from exnet.gitsafe import checkout_identity
from exnet.progress import Reporter
from exnet.records import Project
from exnet.tasks import Task

DISCOVERY_TTL = 24 * 3600  # seconds a GitHub search stays in the cache

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_GITHUB_URL = re.compile(
    r"^(?:https?://(?:www\.)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?/?$")
OWNER_NAME = re.compile(r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<name>[A-Za-z0-9._-]+)$")
PROJECT_MARKERS = (".git", "setup.py", "pyproject.toml", "requirements.txt", "environment.yml")


@dataclass(frozen=True)
class Discovery:
    projects: tuple[Project, ...]
    note: str | None = None     # something people should know (a search stopped early)
    from_cache: bool = False


def discover(task: Task, *, search: Any = None, manifest: Path | None = None,
             from_dir: Path | None = None, cache: Cache | None = None,
             reporter: Reporter | None = None) -> Discovery:
    """The projects of one run, from exactly one source (see the module docstring).

    `search` is an `exnet.github_search.SearchOptions`; it is needed for GitHub search
    and used (best effort) to fill in the metadata of GitHub projects in a manifest.
    """
    reporter = reporter or Reporter(quiet=True)
    if manifest is not None and from_dir is not None:
        raise ExnetError("--manifest and --from both name the projects: give one of them")
    if from_dir is not None:
        return Discovery(tuple(local_projects(from_dir)))
    if manifest is not None:
        return _manifest_discovery(manifest, search, reporter)
    return _github_discovery(task, search, cache, reporter)


# -- GitHub search ---------------------------------------------------------------------

def _github_discovery(task: Task, search: Any, cache: Cache | None,
                      reporter: Reporter) -> Discovery:
    from exnet.github_search import GitHubSearch, SearchOptions

    options = search or SearchOptions()
    digest = hashlib.sha1(json.dumps([
        task.queries, task.code_queries if options.token else [], task.include_keywords,
        task.exclude_keywords, options.limit, options.max_size_kb, options.api_url,
    ]).encode()).hexdigest()[:16]
    path = cache.discover_path(task.name, digest) if cache else None
    cached = read_json(path) if path else None
    if isinstance(cached, dict) and time.time() - cached.get("at", 0) < DISCOVERY_TTL:
        projects = tuple(Project.from_cache(p) for p in cached.get("projects", []))
        return Discovery(projects, from_cache=True)
    result = GitHubSearch(options, reporter).search(task)
    if path is not None and result.stopped is None:
        write_json_atomic(path, {"at": time.time(),
                                 "projects": [asdict(p) for p in result.projects]})
    return Discovery(result.projects, result.stopped)


# -- manifests -------------------------------------------------------------------------

def parse_manifest(path: Path) -> list[Project]:
    """The projects a manifest names, in its order, without repeats (see the docstring)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExnetError(f"manifest {path} cannot be read ({exc}): check the path") from None
    projects: dict[str, Project] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            project = manifest_entry(line)
        except ValueError as exc:
            raise ExnetError(f"{path}:{number}: {exc}") from None
        projects.setdefault(f"{project.full_name}@{project.sha}", project)
    return list(projects.values())


def manifest_entry(line: str) -> Project:
    """One manifest line as a Project; ValueError (with the fix) for a malformed line."""
    spec, sha = line, None
    if "@" in line:
        head, _, tail = line.rpartition("@")
        if _SHA.fullmatch(tail.lower()):
            spec, sha = head, tail.lower()
        elif re.fullmatch(r"[0-9a-fA-F]{4,39}", tail) and head and ":" not in tail:
            raise ValueError(f"{tail!r} is not a full commit SHA: pin all 40 hex digits")
    match = OWNER_NAME.match(spec) or _GITHUB_URL.match(spec)
    if match:
        full_name = f"{match['owner']}/{match['name']}"
        return Project(full_name, f"https://github.com/{full_name}",
                       f"https://github.com/{full_name}.git", None, sha, source="manifest")
    if re.match(r"^(https?|ssh|git|file)://", spec) or re.match(r"^[\w.-]+@[\w.-]+:", spec):
        trimmed = re.sub(r"/\.git/?$", "", spec.rstrip("/"))   # a checkout's .git folder
        parts = [p for p in re.split(r"[/:]", trimmed) if p]
        if len(parts) < 2:
            raise ValueError(f"{spec!r} does not name a repository")
        name = re.sub(r"\.git$", "", parts[-1])
        url = spec if spec.startswith(("https://", "http://")) else None
        return Project(f"{parts[-2]}/{name}", url, spec, None, sha, source="manifest")
    raise ValueError(f"{line!r} is neither owner/name[@sha] nor a git URL")


def _manifest_discovery(path: Path, search: Any, reporter: Reporter) -> Discovery:
    projects = parse_manifest(path)
    github = [i for i, p in enumerate(projects)
              if p.clone_url == f"https://github.com/{p.full_name}.git"]
    if not github or search is None:
        return Discovery(tuple(projects))
    from github import GithubException

    from exnet.github_search import GitHubSearch, RateLimited

    session = GitHubSearch(search, reporter)
    note = None
    for i in github:
        try:
            projects[i] = session.details(projects[i])
        except GithubException as exc:
            if exc.status != 404:
                note = f"GitHub answered {exc.status}: some projects lack metadata"
        except (RateLimited, ExnetError) as exc:
            why = exc.describe() if isinstance(exc, RateLimited) else str(exc.message)
            note = f"{why}; projects of the manifest keep only their names"
            break
        reporter.update("discover", i + 1)
    return Discovery(tuple(projects), note)


# -- local checkouts -------------------------------------------------------------------

def looks_like_project(folder: Path) -> bool:
    """A folder with project markers (.git, setup.py, ...), a README or Python files."""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return False
    return any(n in PROJECT_MARKERS or n.lower().startswith("readme")
               or n.endswith((".py", ".ipynb")) for n in names)


def local_projects(root: Path) -> list[Project]:
    """The projects under `root`: root itself, or each sub-folder (sorted by name)."""
    if not root.is_dir():
        raise ExnetError(f"--from {root}: not a folder: name a checkout or a folder of them")
    if looks_like_project(root):
        folders = [root]
    else:
        folders = sorted((p for p in root.iterdir()
                          if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")),
                         key=lambda p: p.name)
    return [local_project(folder) for folder in folders]


def local_project(folder: Path) -> Project:
    """A Project for one local checkout, with what its .git folder and LICENSE file tell.

    The checkout is hostile input: git never runs inside it (see
    `exnet.gitsafe.checkout_identity`)."""
    folder = folder.resolve()
    full_name, url = folder.name, None
    ident = checkout_identity(folder)
    match = _GITHUB_URL.match(ident.remote or "")
    if match:
        full_name = f"{match['owner']}/{match['name']}"
        url = f"https://github.com/{full_name}"
    sha = ident.sha if ident.sha and _SHA.fullmatch(ident.sha) else None
    return Project(full_name, url, None, ident.branch, sha, license=guess_license(folder),
                   created=_utc(ident.created), pushed=_utc(ident.pushed), source="local",
                   path=str(folder), note=ident.note)


def _utc(iso: str | None) -> str | None:
    """git's `%cI` (with an offset) as a UTC `...Z` time, like GitHub's."""
    if not iso:
        return None
    from datetime import datetime, timezone

    try:
        when = datetime.fromisoformat(iso).astimezone(timezone.utc)
    except ValueError:
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


# (SPDX id, pattern), most specific first. The GNU licenses name each other in their
# bodies (GPL-3.0 mentions the Affero GPL), so their titles count only near the top.
_LICENSES = (
    ("AGPL-3.0", r"GNU AFFERO GENERAL PUBLIC LICENSE"),
    ("LGPL-3.0", r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3"),
    ("LGPL-2.1", r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1"),
    ("GPL-3.0", r"GNU GENERAL PUBLIC LICENSE\s+Version 3"),
    ("GPL-2.0", r"GNU GENERAL PUBLIC LICENSE\s+Version 2"),
    ("Apache-2.0", r"Apache License,?\s+Version 2\.0"),
    ("MPL-2.0", r"Mozilla Public License,?\s+(?:Version|v\.?)\s*2\.0"),
    ("BSD-3-Clause", r"Neither the name of .{0,200}? nor the names of"),
    ("BSD-2-Clause", r"Redistributions in binary form must reproduce"),
    ("MIT", r"Permission is hereby granted, free of charge, to any person"),
    ("Unlicense", r"This is free and unencumbered software released into the public domain"),
    ("CC0-1.0", r"CC0 1\.0 Universal"),
    ("ISC", r"Permission to use, copy, modify, and(?:/or)? distribute this software for any"),
)
LICENSE_NAMES = ("license", "license.md", "license.txt", "license.rst", "licence",
                 "licence.md", "licence.txt", "copying", "copying.md", "copying.txt")


def guess_license(folder: Path) -> str | None:
    """The SPDX id of the LICENSE (or COPYING) file at the top of `folder`, if recognised."""
    try:
        names = {p.name.lower(): p for p in folder.iterdir()}
    except OSError:
        return None
    for name in LICENSE_NAMES:
        path = names.get(name)
        if path is None or path.is_symlink() or not path.is_file():
            continue
        try:
            with path.open("rb") as fh:
                text = fh.read(100_000).decode("utf-8", "replace")
        except OSError:
            return None
        return license_of_text(text)
    return None


def license_of_text(text: str) -> str | None:
    """The SPDX id a license text reads as, or None."""
    flat = re.sub(r"\s+", " ", text).strip()
    for spdx, pattern in _LICENSES:
        where = flat[:300] if "GNU" in pattern else flat
        if re.search(pattern, where, re.IGNORECASE | re.DOTALL):
            return spdx
    return None


def with_sha(project: Project, sha: str | None) -> Project:
    return replace(project, sha=sha)
