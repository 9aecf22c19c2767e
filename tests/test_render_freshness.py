"""Render stage: an unchanged rebuild renders nothing; any changed input, or an output
file gone or edited, renders again (exnet.render.freshness, exnet.render.write)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import exnet.render.pages
from exnet.publish import publish
from exnet.render.write import MANIFEST

FIXTURES = Path(__file__).parent / "fixtures" / "site"
TASK = "text-classification"


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    publish(corpus, tmp_path / "build")
    return corpus, tmp_path / "build"


def renders(corpus: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether a build of corpus into out renders pages."""
    calls = []
    real = exnet.render.pages.iter_site

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(exnet.render.pages, "iter_site", counting)
    publish(corpus, out)
    return bool(calls)


def test_an_unchanged_rebuild_does_not_render(built: tuple[Path, Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out = built
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["schema"] == "exnet.site-manifest/1" and len(manifest["key"]) == 64
    assert manifest["files"][f"{TASK}/index.html"] == (out / TASK / "index.html").stat().st_size
    assert not renders(corpus, out, monkeypatch)


def test_a_changed_input_renders_again(built: tuple[Path, Path],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out = built
    with (corpus / TASK / "failures.jsonl").open("a") as fh:
        fh.write('{"schema": "exnet.failure/1", "file": "x.py", "reason": "syntax error"}\n')
    assert renders(corpus, out, monkeypatch)
    assert not renders(corpus, out, monkeypatch)
    (corpus / "tasks.toml").write_text('[text-classification]\ntitle = "Texts"\n')
    assert renders(corpus, out, monkeypatch)
    # a project page shows projects.jsonl's description and set-aside definitions
    projects = corpus / TASK / "projects.jsonl"
    projects.write_text(projects.read_text().replace('"description": ""',
                                                     '"description": "Spam or not"', 1))
    assert renders(corpus, out, monkeypatch)


@pytest.mark.parametrize("damage", ["remove", "edit"])
def test_a_damaged_site_is_rendered_again(built: tuple[Path, Path], damage: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out = built
    page = out / TASK / "compare.html"
    good = page.read_bytes()
    if damage == "remove":
        page.unlink()
    else:
        page.write_bytes(good + b"<!-- edited -->")
    assert renders(corpus, out, monkeypatch)
    assert page.read_bytes() == good


def test_a_manifest_of_the_first_form_is_read(built: tuple[Path, Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out = built
    (out / "stale.html").write_text("from an earlier build")
    (out / MANIFEST).write_text(json.dumps(["index.html", "stale.html"]))
    assert renders(corpus, out, monkeypatch)
    assert not (out / "stale.html").exists()        # listed by the old build, not this one
    assert not renders(corpus, out, monkeypatch)


def test_pages_are_written_as_they_are_made(tmp_path: Path) -> None:
    """write_site takes the pages one at a time (a generator): each is on disk before the
    next is made, so a site of 100,000 model pages is never held in memory whole."""
    from exnet.render.write import MANIFEST, write_site

    out = tmp_path / "site"
    seen: list[bool] = []

    def pages():  # type: ignore[no-untyped-def]
        yield "index.html", b"<p>home</p>"
        seen.append((out / "index.html").is_file())
        yield "task/models/a.html", b"<p>a</p>"
        seen.append((out / "task/models/a.html").is_file())
        yield "task/data.js", b"window.X=1;\n"

    done = write_site(out, pages(), "key-1")
    assert seen == [True, True] and done.written == 3
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["key"] == "key-1" and manifest["files"] == {
        "index.html": 11, "task/data.js": 12, "task/models/a.html": 8}
