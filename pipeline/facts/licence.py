"""Facts stage: the project's licence, as an SPDX id and a kind, with its evidence.

Licence files at the top of the checkout (LICENSE, LICENCE, COPYING, UNLICENSE, with
any extension) are recognised by `identify` (pre-commit's file identification library):
its `license_id` compares the text, copyright lines removed and whitespace folded, with
the licence texts of choosealicense.com, exactly or within a 5% edit distance, so a
licence with a changed title or a reflowed paragraph is still recognised; a file that
holds only a licence's title ("MIT License" and a copyright line) is matched against
the titles of those same texts; an empty licence file grants nothing (kind "none"). A
file that
holds an `SPDX-License-Identifier:` tag, or that is only a licence's id, is read with
`license-expression` (the SPDX expression parser of the ScanCode project), as is the
`license` of package metadata (setup.py, setup.cfg, pyproject.toml).

The kind comes from the category that the ScanCode licence database (shipped with
`license-expression`) gives the licence: Permissive and Public Domain are
"permissive", Copyleft and Copyleft Limited "copyleft", any other category "other";
a project without a licence is "none".
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import cache
from pathlib import Path

from exnet.facts.files import MAX_TEXT_BYTES, Unreadable, read_text
from exnet.records import Evidence, Licence

LICENCE_PREFIXES = ("license", "licence", "copying", "unlicense")
KINDS = {"Permissive": "permissive", "Public Domain": "permissive",
         "Copyleft": "copyleft", "Copyleft Limited": "copyleft"}
_TAG = re.compile(r"SPDX-License-Identifier:\s*([^\s*#]+(?:\s+(?:AND|OR|WITH)\s+[^\s*#]+)*)")


@cache
def _categories() -> dict[str, str]:
    from license_expression import get_license_index

    out: dict[str, str] = {}
    for entry in get_license_index():
        for key in [entry.get("spdx_license_key"), *(entry.get("other_spdx_license_keys")
                                                     or ())]:
            if key:
                out.setdefault(key.lower(), str(entry.get("category") or ""))
    return out


def kind_of(spdx: str | None) -> str:
    """"permissive" | "copyleft" | "other" for an SPDX id or expression; "none" for None.
    An expression is as free as its most restrictive part's kind ("copyleft" wins)."""
    if not spdx:
        return "none"
    keys = [k for k in re.split(r"[\s()]+", spdx) if k and k not in ("AND", "OR", "WITH")]
    kinds = {KINDS.get(_categories().get(k.lower().removesuffix("+"), ""), "other")
             for k in keys}
    for kind in ("other", "copyleft", "permissive"):
        if kind in kinds:
            return kind
    return "other"


def spdx_of_expression(text: str) -> str | None:
    """A licence id or SPDX expression, normalised (`mit` -> MIT, `GPL-2.0+` ->
    GPL-2.0-or-later), when every id in it is a known SPDX id; else None."""
    from license_expression import ExpressionError, get_spdx_licensing

    text = text.strip().strip("\"'").strip()
    if not text or len(text) > 200:
        return None
    licensing = get_spdx_licensing()
    try:
        parsed = licensing.parse(text, validate=False)
    except (ExpressionError, TypeError, ValueError, AttributeError):
        return None
    if parsed is None or licensing.unknown_license_keys(parsed):
        return None
    return str(parsed)


def spdx_of_text(text: str) -> str | None:
    """The SPDX id of a licence file's text (see the module docstring), or None."""
    from identify.identify import license_id

    # identify reads a file by name: hand it the bounded text we read, never the
    # repository's file itself (which could have changed into a symlink).
    fd, name = tempfile.mkstemp(suffix=".txt", prefix="exnet-licence-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        found = license_id(name)
    finally:
        os.unlink(name)
    if found:
        return found
    titled = _title_only(text)
    if titled:
        return titled
    tag = _TAG.search(text)
    if tag:
        return spdx_of_expression(tag.group(1))
    words = text.strip()
    if "\n" not in words and len(words) <= 60:          # a file that is only an id
        return spdx_of_expression(words)
    return None


def _words(text: str) -> str:
    """Lower-case words, without parenthesised parts, punctuation or a leading "the"."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    return re.sub(r"^the ", "", " ".join(re.findall(r"[a-z0-9.]+", text)).strip(" ."))


@cache
def _titles() -> dict[str, str]:
    """The title of each licence text `identify` ships ("mit license", "bsd 3-clause
    license" as words), alone and with its version line."""
    from identify.vendor.licenses import LICENSES

    out: dict[str, str] = {}
    for spdx, body in LICENSES:
        lines = [ln for ln in body.splitlines() if ln.strip()
                 and not re.match(r"\s*(?:copyright|\(c\))", ln, re.I)]
        if lines:
            out.setdefault(_words(lines[0]), spdx)
            if len(lines) > 1 and re.match(r"\s*v(?:ersion|\.)?\s*\d", lines[1], re.I):
                out.setdefault(_words(lines[0] + " " + lines[1]), spdx)
    return out


def _title_only(text: str) -> str | None:
    """A file that holds only a licence's title (and copyright lines): "MIT License"."""
    lines = [ln for ln in text.splitlines() if ln.strip()
             and not re.match(r"\s*(?:copyright|\(c\)|©)", ln, re.I)]
    if not lines or len(" ".join(lines)) > 120:
        return None
    return _titles().get(_words(" ".join(lines)))


def licence_files(root: Path) -> list[str]:
    """The licence files at the top of the checkout, by name."""
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    return [n for n in names if n.lower().startswith(LICENCE_PREFIXES)
            and not os.path.islink(root / n) and os.path.isfile(root / n)]


def project_licence(root: Path, metadata: list[tuple[str, Evidence]]) -> tuple[
        Licence, list[tuple[str, str]]]:
    """The project's licence and the licence files it could not read or recognise
    ((file, reason) pairs). Licence files come first, then package metadata
    (`metadata`: the declared licence strings with where they are written)."""
    problems: list[tuple[str, str]] = []
    for name in licence_files(root):
        try:
            text = read_text(root / name, MAX_TEXT_BYTES)
        except Unreadable as exc:
            problems.append((name, str(exc)))
            continue
        if not text.strip():
            # An empty licence file grants nothing: the project has no licence.
            return Licence(None, "none", "file", Evidence(name)), problems
        spdx = spdx_of_text(text)
        if spdx:
            return Licence(spdx, kind_of(spdx), "file", Evidence(name)), problems
        problems.append((name, "licence text not recognised"))
    for declared, where in metadata:
        spdx = spdx_of_expression(declared)
        if spdx:
            return Licence(spdx, kind_of(spdx), "metadata", where), problems
    if problems:
        return Licence(None, "other", "file", Evidence(problems[0][0])), problems
    return Licence(None, "none", None, None), problems


def licence_of_id(spdx: str | None, how: str) -> Licence:
    """A Licence for an id another source gave (GitHub's), without a file to show."""
    return Licence(spdx, kind_of(spdx), how if spdx else None, None)
