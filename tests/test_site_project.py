"""A project's page on the built site, in headless Chromium: its facts, the links to its
models, the definitions set aside, no sideways scroll on a phone or a laptop, no "null",
"None" or "unknown" shown; the links that lead to it (model page, task page's model
list); and the task page's preprocessing glance, which opens the full section.

The site is the one of tests/test_site_facts.py: tests/fixtures/site/corpus with the
hand-written facts of tests/fixtures/site_facts/facts.json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_site_browser import CHROMIUM, TASK, Page, browser, slug
from test_site_facts import LEAF_VALUES, NO_VALUE, page, site, task_url

__all__ = ["browser", "page", "site"]     # shared fixtures, used by the tests below
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium (see "
                                "tests/test_site_browser.py)")
ANA = "https://github.com/ana/imdb-lstm/blob/" + "1" * 40 + "/"

PAGE_FACTS = """() => ({
  title: document.querySelector('h1').textContent.trim(),
  github: document.querySelector('h1 a').href,
  lead: document.querySelector('.lead').textContent.trim(),
  figures: [...document.querySelectorAll('.page-head .facts div')].map(
    d => d.querySelector('dt').textContent + ': ' + d.querySelector('dd').textContent),
  statement: document.querySelector('.env-statement').textContent.trim(),
  licence: document.querySelector('.licence').textContent.replace(/\\s+/g, ' ').trim(),
  licenceLink: document.querySelector('.licence a').href,
  reported: document.querySelector('.reported').textContent.trim(),
  tables: [...document.querySelectorAll('table.results')].map(t => [
    t.caption.textContent,
    ...[...t.tBodies[0].rows].map(r => r.cells[0].textContent + ' ' + r.cells[1].textContent)]),
  models: [...document.querySelectorAll('.project-models > li > a')].map(
    a => [a.textContent, a.getAttribute('href')]),
  setAside: [...document.querySelectorAll('.set-aside li')].map(
    li => [li.textContent.replace(/\\s+/g, ' ').trim(), li.querySelector('a').href]),
  wide: document.documentElement.scrollWidth, inner: window.innerWidth,
})"""


def project_url(site: Path, name: str) -> str:
    return (site / TASK / "projects" / f"{name}.html").as_uri()


@pytest.mark.parametrize("width", [390, 1280])
def test_project_page_shows_its_facts_models_and_set_aside(site: Path, browser: Any,
                                                           width: int) -> None:
    p = Page(browser, width=width)
    try:
        p.open(project_url(site, "ana--imdb-lstm"))
        shown = p.js(PAGE_FACTS)
        assert shown["wide"] <= shown["inner"] == width
        assert (shown["title"], shown["github"]) == (
            "ana/imdb-lstm", "https://github.com/ana/imdb-lstm/tree/" + "1" * 40)
        assert shown["lead"] == "Sentiment of IMDB reviews with a stacked LSTM"
        assert shown["figures"] == ["Models: 2 models", "Mined at commit: 1111111111",
                                    "Stars: 120", "Forks: 12"]
        assert shown["statement"] == "TensorFlow 1.x era — needs tensorflow<2 (tf.Session)"
        assert (shown["licence"], shown["licenceLink"]) == ("MIT · permissive · LICENSE",
                                                            ANA + "LICENSE")
        assert shown["reported"] == "Reported by the project, not reproduced."
        assert shown["tables"] == [
            ["Reported by the project without naming one model", "accuracy (ensemble) 88.1%"],
            ["For build_model (model.py)", "accuracy 87.5%", "training time 340 s"],
            ["For stacked_lstm (model2.py)", "accuracy 0.86"]]
        assert shown["models"] == [
            ["build_model", f"../models/{slug(site, 'build_model', 'ana/imdb-lstm')}.html"],
            ["stacked_lstm", f"../models/{slug(site, 'stacked_lstm', 'ana/imdb-lstm')}.html"]]
        assert shown["setAside"] == [
            ["PlainRNN · utils/plain.py:5: defined but never built by the project's code, "
             "which trains another model", ANA + "utils/plain.py#L5"],
            ["base · explore.ipynb (cell 3):2: a pretrained model used as it is, never "
             "trained in the project", ANA + "explore.ipynb"]]
        assert p.page.evaluate(LEAF_VALUES, list(NO_VALUE)) == []
        if width == 1280:               # the model links lead to the model pages
            p.page.click(".project-models > li > a >> nth=1")
            p.page.wait_for_load_state()
            assert p.js("() => document.querySelector('h1').textContent") == "stacked_lstm"
        assert p.errors == []
    finally:
        p.close()


def test_a_project_without_figures_says_nothing_of_them(site: Path, page: Page) -> None:
    page.open(project_url(site, "jon--spam-gru"))
    assert page.js("() => [...document.querySelectorAll('.page-head .facts dt')]"
                   ".map(d => d.textContent)") == ["Models"]
    assert page.js("() => document.querySelector('.set-aside, #h-facts')") is None
    assert page.page.evaluate(LEAF_VALUES, list(NO_VALUE)) == []


def test_model_page_and_model_list_link_the_project(site: Path, page: Page) -> None:
    page.open((site / TASK / "models" / f"{slug(site, 'TextCNN')}.html").as_uri())
    page.page.click("a.project-link")
    page.page.wait_for_load_state()
    assert page.page.url == project_url(site, "cleo--textcnn")
    page.open_task(task_url(site, "#models"))
    hrefs = page.js("() => [...document.querySelectorAll('#model-rows a.m-project')]"
                    ".map(a => a.getAttribute('href'))")
    assert "projects/cleo--textcnn.html" in hrefs and all(
        h.startswith("projects/") for h in hrefs)
    assert page.errors == []


def test_preprocessing_glance_opens_the_full_section(site: Path, page: Page) -> None:
    page.open_task(task_url(site, "#overview&q=lstm"))
    lines = page.js("() => [...document.querySelectorAll('.prep-glance-lines li')]"
                    ".map(li => li.textContent.trim())")
    assert lines == ["Tokenizers: Keras Tokenizer 25%, get_tokenizer 8%",
                     "Padding length: median 200, middle half 200–300, over 3 models",
                     "Pretrained embeddings: 8% of the models (glove 8%)"]
    page.page.click("[data-glance=padding_length] a")
    page.settle()
    assert page.js("() => document.body.dataset.tab") == "data"
    assert page.js("() => document.getElementById('h-prep-padding').getBoundingClientRect()"
                   ".top < window.innerHeight")
    assert "q=lstm" in page.page.url             # the filters stay
    assert page.errors == []
