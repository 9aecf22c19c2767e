"""Render stage: the only places a URL is made.

Links point to GitHub at the mined commit: `https://github.com/{project}/blob/{sha}/{file}#L{line}`
("HEAD" when the commit is unknown; no `#L` for notebooks, whose lines count from their
cell). A project becomes a link only when its name looks like owner/name, a path only
when it stays inside the repository, and any other URL only when it is http(s): nothing
that came from a repository can turn into a `javascript:` link.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote, urlsplit

_OWNER_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/(?!\.\.?$)[A-Za-z0-9._-]{1,100}")
_SHA = re.compile(r"[0-9a-f]{7,40}")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: object) -> str | None:
    """`url` if it is an absolute http(s) URL without spaces or control characters."""
    if not isinstance(url, str) or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def repo_url(project: object) -> str | None:
    """https://github.com/owner/name, or None when `project` is not owner/name."""
    if isinstance(project, str) and _OWNER_NAME.fullmatch(project):
        return f"https://github.com/{project}"
    return None


def commit_ref(project: object, sha: object) -> str | None:
    """The mined commit (or "HEAD" when unknown) of a project that can be linked, else
    None; the browser rebuilds links from the project name and this."""
    if repo_url(project) is None:
        return None
    return sha if isinstance(sha, str) and _SHA.fullmatch(sha) else "HEAD"


def blob_base(project: object, sha: object) -> str | None:
    """The prefix of file links in a project at its mined commit (HEAD if unknown)."""
    ref = commit_ref(project, sha)
    return None if ref is None else f"{repo_url(project)}/blob/{ref}/"


def source_url(base: str | None, file: object, line: object = None,
               cell: object = None) -> str | None:
    """A link to `file` (and `line`, outside notebooks) under a `blob_base`."""
    if base is None or not isinstance(file, str) or not file:
        return None
    segments = file.split("/")
    if file.startswith("/") or any(s in ("", ".", "..") for s in segments):
        return None
    url = base + "/".join(quote(s, safe="") for s in segments)
    # Lines in notebooks count from their cell, so a notebook link opens the file.
    notebook = cell is not None or file.endswith(".ipynb")
    if not notebook and isinstance(line, int) and not isinstance(line, bool) and line > 0:
        url += f"#L{line}"
    return safe_href(url)


def model_slug(model_id: str, length: int = 12) -> str:
    """The file name (without .html) of a model's page: stable across builds."""
    return hashlib.sha1(model_id.encode("utf-8")).hexdigest()[:length]


def model_slugs(ids: list[str]) -> list[str]:
    """Slugs for the model rows, in order; a repeated id gets its row number appended."""
    seen: set[str] = set()
    out = []
    for row, model in enumerate(ids):
        slug = model_slug(model)
        if slug in seen:
            slug = f"{slug}-{row}"
        seen.add(slug)
        out.append(slug)
    return out


def task_slug(name: str) -> str:
    """A task folder name as a safe path segment."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    return slug or "task"


def project_slugs(names: list[str]) -> dict[str, str]:
    """The file name (without .html) of each project's page: "owner--name", its unsafe
    characters replaced; names that would collide (also by case, on file systems that
    ignore it) get a digest of the name appended."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for name in sorted(set(names)):
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.replace("/", "--")).strip(".-")
        if not slug or slug.lower() in seen:
            slug = f"{slug or 'project'}-{model_slug(name, 8)}"
        seen.add(slug.lower())
        out[name] = slug
    return out
