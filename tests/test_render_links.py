"""Render stage: links are made only to GitHub at the mined commit, and only http(s)."""

from __future__ import annotations

import pytest

from exnet.render.links import (
    blob_base,
    model_slug,
    model_slugs,
    repo_url,
    safe_href,
    source_url,
    task_slug,
)


@pytest.mark.parametrize("url", ["https://github.com/a/b", "http://example.org/x?y=1#z"])
def test_http_urls_are_links(url: str) -> None:
    assert safe_href(url) == url


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", " https://x.org", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:x", "//evil.org/x", "/etc/passwd",
    "https://", "https://a.org/\nx", None, 42, "file:///etc/passwd",
])
def test_anything_else_is_not(url: object) -> None:
    assert safe_href(url) is None


@pytest.mark.parametrize("project, expected", [
    ("alice/imdb-lstm", "https://github.com/alice/imdb-lstm"),
    ("A-1/some.repo_name", "https://github.com/A-1/some.repo_name"),
    ("alice", None), ("a/b/c", None), ("../x", None), ("alice/..", None),
    ("<script>alert(1)</script>/x", None), ("javascript:alert(1)/x", None), ("", None),
])
def test_repo_url_only_for_owner_name(project: str, expected: str | None) -> None:
    assert repo_url(project) == expected


def test_blob_base_uses_the_mined_commit_or_head() -> None:
    assert blob_base("a/b", "0123abcd" * 5) == f"https://github.com/a/b/blob/{'0123abcd' * 5}/"
    assert blob_base("a/b", None) == "https://github.com/a/b/blob/HEAD/"
    assert blob_base("a/b", "javascript:alert(1)") == "https://github.com/a/b/blob/HEAD/"
    assert blob_base("not a project", "abc1234") is None


@pytest.mark.parametrize("file, line, cell, expected", [
    ("src/model.py", 12, None, "src/model.py#L12"),
    ("nb/train.ipynb", 3, 4, "nb/train.ipynb"),             # notebook lines count from the cell
    ("nb/train.ipynb", 3, None, "nb/train.ipynb"),
    ("my model.py", 1, None, "my%20model.py#L1"),
    ("a#b.py", 2, None, "a%23b.py#L2"),
    ("javascript:alert(1).py", 5, None, "javascript%3Aalert%281%29.py#L5"),
    ("x.py", None, None, "x.py"), ("x.py", True, None, "x.py"),
])
def test_source_urls(file: str, line: object, cell: object, expected: str) -> None:
    base = "https://github.com/a/b/blob/HEAD/"
    assert source_url(base, file, line, cell) == base + expected


@pytest.mark.parametrize("file", ["../../etc/passwd", "/abs.py", "a//b.py", "./a.py", "", None])
def test_paths_leaving_the_repository_get_no_link(file: object) -> None:
    assert source_url("https://github.com/a/b/blob/HEAD/", file, 1) is None


def test_slugs_are_stable_hex_and_unique() -> None:
    ids = ["a/b:m.py:1:M", "a/b:m.py:9:N", "a/b:m.py:1:M"]
    slugs = model_slugs(ids)
    assert slugs[0] == model_slug(ids[0]) and len(slugs[0]) == 12
    assert len(set(slugs)) == 3 and slugs[2] == f"{slugs[0]}-2"
    assert task_slug("text-classification") == "text-classification"
    assert task_slug("../<evil>") == "evil"
