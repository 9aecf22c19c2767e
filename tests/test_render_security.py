"""Render stage: a corpus whose every string is an attack (tests/fixtures/site/hostile).

Project names, paths, model names, layer types, arguments, hyperparameters, datasets,
URLs and commits carry <script>, event-handler and `javascript:` payloads. The built
pages must show them as text: no markup from the corpus, no `javascript:` link, and data
embedded as JSON that cannot close its script element. (tests/test_site_browser.py runs
the same site in Chromium with the CSP switched off, so that escaping alone is tested.)
"""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from exnet.publish import publish
from exnet.render.dataparts import read_task_data
from exnet.render.jsdata import safe_json

FIXTURES = Path(__file__).parent / "fixtures" / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    shutil.copytree(FIXTURES / "hostile", tmp / "corpus")
    publish(tmp / "corpus", tmp / "build")
    return tmp / "build"


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_payloads_are_text_not_markup(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    # task pages (incl. check), model pages, project pages, home, search
    assert len(pages) == 4 + 3 + 2 + 1 + 1
    seen_payload = False
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<svg onload" not in text, page
        assert "<script>window" not in text and "</script><script>" not in text, page
        seen_payload |= "&lt;img src=x onerror=alert(&#39;name&#39;)&gt;" in text
        if "/projects/" in page.as_posix() and "evil" in page.name:
            assert "&lt;img src=x onerror=alert(&#39;aside&#39;)&gt;" in text   # set aside
        parser = Elements()
        parser.feed(text)
        for tag, attrs in parser.tags:
            # the only SVG is the site's own chart of a model's settings (numbers only)
            assert tag not in ("img", "iframe", "object", "embed"), (page, tag)
            assert tag != "svg" or attrs.get("class") == "strip", (page, tag, attrs)
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            if (tag, attrs.get("rel"), attrs.get("href")) == ("link", "icon", "data:,"):
                continue                    # the site's own empty icon
            for name in ("href", "src", "action"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (page, value)
    assert seen_payload        # the payloads are shown, as text


def test_no_link_is_made_from_hostile_urls(site: Path) -> None:
    model_pages = [*(site / "hostile" / "models").glob("*.html"),
                   *(site / "hostile" / "projects").glob("*.html")]
    hrefs = []
    for page in model_pages:
        parser = Elements()
        parser.feed(page.read_text(encoding="utf-8"))
        hrefs += [a["href"] for t, a in parser.tags if t == "a" and a.get("href")]
    external = [h for h in hrefs if "://" in h]
    assert external and all(h == "https://github.com/evil/repo" or
                            h.startswith("https://github.com/evil/repo/blob/HEAD/")
                            for h in external)
    assert not any("etc/passwd" in h or "%3Csvg" in h for h in external)


def test_embedded_data_cannot_close_its_script(site: Path) -> None:
    for path in [*site.rglob("*.js")]:
        if path.parent.name == "assets":
            continue
        text = path.read_text(encoding="utf-8")
        assert "<" not in text and ">" not in text and "&" not in text, path
    payload = read_task_data(site / "hostile")
    assert any("<script>" in name for name in payload["models"]["name"])   # intact as data


def test_safe_json_escapes() -> None:
    text = safe_json({"a": "</script><!--&\u2028\u2029"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}'
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029"}
