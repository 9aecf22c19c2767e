"""The projects' facts on the built site, in headless Chromium: the facts facets, the
reported-results scatter, the preprocessing overview, a model page's environment,
licence, results and training curves, and that no page shows "null", "None" or
"unknown" as a value.

The site is built from tests/fixtures/site/corpus with the hand-written facts of
tests/fixtures/site_facts/facts.json added to its projects (and preprocessing steps to
four of its models), as `exnet mine` would add them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_site_browser import CHROMIUM, FIXTURES, TASK, Page, browser, data, slug

__all__ = ["browser"]     # the shared browser fixture, used by the tests below
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium (see "
                                "tests/test_site_browser.py)")
FACTS = Path(__file__).parent / "fixtures" / "site_facts" / "facts.json"
#: Text a page must never show as a value.
NO_VALUE = ("null", "None", "unknown", "undefined", "NaN")


def corpus_with_facts(folder: Path) -> Path:
    """tests/fixtures/site/corpus copied to folder, with the facts of FACTS added."""
    from exnet.records import model_id

    overlay = json.loads(FACTS.read_text(encoding="utf-8"))
    shutil.copytree(FIXTURES / "corpus", folder)
    task = folder / TASK
    projects = [json.loads(line) for line in (task / "projects.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    (task / "projects.jsonl").write_text("".join(
        json.dumps({**p, **overlay["projects"].get(p["full_name"], {})}) + "\n"
        for p in projects), encoding="utf-8")
    models = [json.loads(line) for line in (task / "models.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    (task / "models.jsonl").write_text("".join(
        json.dumps({**m, "preprocessing": overlay["models"].get(model_id(m),
                                                                  m["preprocessing"])}) + "\n"
        for m in models), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from exnet.publish import publish

    tmp = tmp_path_factory.mktemp("facts")
    return publish(corpus_with_facts(tmp / "corpus"), tmp / "site").parent


@pytest.fixture
def page(browser: Any) -> Any:
    p = Page(browser)
    yield p
    p.close()


def task_url(site: Path, hash_: str = "") -> str:
    return (site / TASK / "index.html").as_uri() + hash_


def model_url(site: Path, name: str, project: str | None = None) -> str:
    return (site / TASK / "models" / f"{slug(site, name, project)}.html").as_uri()


def test_facts_facets_filter_the_models(site: Path, page: Page) -> None:
    page.open_task(task_url(site))
    legends = page.js("() => Object.fromEntries([...document.querySelectorAll("
                      "'fieldset.facet')].map(f => [f.dataset.facet, "
                      "[...f.querySelectorAll('label')].map(l => l.textContent)]))")
    assert legends["license_kind"] == ["permissive", "copyleft", "none"]
    assert legends["reported_results"] == ["reported results", "none reported"]
    assert legends["python"] == ["3.8", "3.7"]                     # newest first
    assert sorted(legends["api_era"]) == ["Keras (version not pinned)",
                                          "PyTorch (version not pinned)", "TensorFlow 1.x"]
    page.page.click("label[for=f-license_kind-1]")                  # copyleft: ben's GRU
    page.wait("() => document.getElementById('selected-count').textContent === '1'")
    assert "license_kind=copyleft" in page.js("() => location.hash")
    page.page.click("label[for=f-license_kind-0]")                  # or permissive: +3
    page.wait("() => document.getElementById('selected-count').textContent === '4'")
    page.open_task(task_url(site, "#models&python=3.7"))
    page.wait("() => document.querySelectorAll('#model-rows tr').length === 2")
    assert page.errors == [] and page.dialogs == []


def scatter(page: Page) -> Any:
    return page.js("() => { const c = document.getElementById('chart-results'); return {"
                   "x: c.data[0].x, y: c.data[0].y, name: c.data[0].name, "
                   "note: c.layout.annotations[0].text, title: document"
                   ".getElementById('t-chart-results').textContent, rows: document"
                   ".querySelectorAll('#tbl-chart-results tbody tr').length}; }")


def test_scatter_compares_within_one_dataset(site: Path, page: Page) -> None:
    page.open_task(task_url(site, "#data"))
    page.wait("() => document.getElementById('chart-results').dataset.drawn === 'true'")
    drawn = scatter(page)
    # imdb: build_model 87.5% (test), stacked_lstm 0.86 (validation), and SentimentGRU
    # 0.84, whose size is not known: in the table, not on the chart
    assert sorted(drawn["y"]) == pytest.approx([86.0, 87.5])
    assert drawn["name"] == "imdb" and drawn["rows"] == 3
    assert "1 without a known size" in drawn["note"]
    assert "one dataset only" in drawn["title"] and all(x > 0 for x in drawn["x"])
    page.page.select_option("#results-dataset", "ag_news")
    page.wait("() => document.getElementById('chart-results').data[0].name === 'ag_news'")
    assert scatter(page)["y"] == pytest.approx([89.0])
    page.page.select_option("#results-dataset", "imdb")
    page.page.click("label[for=rx-seconds]")                         # only build_model
    page.wait("() => document.getElementById('chart-results').data[0].x.length === 1")
    assert scatter(page)["x"] == [340]
    assert page.errors == []


def test_scatter_follows_the_page_filters(site: Path, page: Page) -> None:
    # copyleft: ben's SentimentGRU only, whose size is not known: the table keeps it, the
    # chart says why it is empty, and no other model's point is left on it
    page.open_task(task_url(site, "#data"))
    page.wait("() => document.getElementById('chart-results').dataset.drawn === 'true'")
    page.page.click("label[for=f-license_kind-1]")
    page.wait("() => document.querySelectorAll('#tbl-chart-results tbody tr').length === 1")
    text = page.js("() => document.getElementById('chart-results').textContent")
    assert "among the 1 selected model" in text
    assert page.js("() => !(document.getElementById('chart-results').data || []).length")
    page.page.click("label[for=f-license_kind-1]")                  # the filter removed
    page.wait("() => document.querySelectorAll('#tbl-chart-results tbody tr').length === 3")
    page.wait("() => (document.getElementById('chart-results').data || []).length === 1")
    assert sorted(scatter(page)["y"]) == pytest.approx([86.0, 87.5])
    assert page.errors == []


def test_preprocessing_overview_links_to_its_models(site: Path, page: Page) -> None:
    page.open_task(task_url(site, "#data"))
    parts = page.js("() => Object.fromEntries([...document.querySelectorAll('.prep-part')]"
                    ".map(p => [p.dataset.prep, [...p.querySelectorAll('.prep-bars > li')]"
                    ".map(li => [li.querySelector('.prep-value').textContent, "
                    "[...li.querySelectorAll('a')].map(a => a.getAttribute('href'))])]))")
    assert [v for v, _ in parts["tokenizers"]] == ["Keras Tokenizer", "get_tokenizer"]
    keras = parts["tokenizers"][0][1]
    assert sorted(keras) == sorted(f"models/{slug(site, n, p)}.html" for n, p in (
        ("build_model", None), ("stacked_lstm", None), ("bilstm", None)))
    assert all((site / TASK / href).is_file() for href in keras)
    assert [v for v, _ in parts["pretrained_embeddings"]] == ["none", "glove"]
    assert [(v, len(links)) for v, links in parts["padding_length"]] == [("200", 2), ("400", 1)]
    assert "image_sizes" not in parts and "augmentation" not in parts


def test_model_page_shows_environment_results_licence(site: Path, page: Page) -> None:
    page.open(model_url(site, "build_model"))
    facts = page.js("() => ({statement: document.querySelector('.env-statement').textContent,"
                    " links: [...document.querySelectorAll('.env-evidence a')].map(a => a.href),"
                    " licence: document.querySelector('.licence').textContent,"
                    " reported: document.querySelector('.reported').textContent,"
                    " results: [...document.querySelectorAll('table.results tbody tr')].map("
                    "tr => [...tr.children].map(c => c.textContent.trim()))})")
    assert facts["statement"] == "TensorFlow 1.x era — needs tensorflow<2 (tf.Session)"
    base = "https://github.com/ana/imdb-lstm/blob/" + "1" * 40
    assert facts["links"] == [f"{base}/requirements.txt#L1", f"{base}/runtime.txt#L1",
                              f"{base}/model.py#L30"]
    assert "MIT" in facts["licence"] and "permissive" in facts["licence"]
    assert facts["reported"] == "Reported by the project, not reproduced."
    assert facts["results"][0][:4] == ["accuracy", "87.5%", "test", "imdb"]
    assert facts["results"][1][:2] == ["training time", "340 s"]
    assert facts["results"][2][:4] == ["accuracy (ensemble)", "88.1%", "test", "imdb"]
    page.open(model_url(site, "model", "dan/news-cnn"))             # hostile text stays text
    assert page.js("() => document.querySelector('.env-statement').textContent") == \
        "Keras 2.x API <img src=x onerror=alert(1)>"
    assert page.js("() => document.querySelectorAll('.env-statement img').length") == 0
    assert page.errors == [] and page.dialogs == []


def test_model_page_draws_training_curves_with_neighbours(site: Path, page: Page) -> None:
    d = data(site)
    page.open(model_url(site, "SentimentGRU"))
    page.page.locator("#chart-curves").scroll_into_view_if_needed()   # drawn once shown
    page.wait("() => document.getElementById('chart-curves').dataset.drawn === 'true'")
    traces = page.js("() => document.getElementById('chart-curves').data.map(t => "
                     "[t.name, t.xaxis, t.y.length])")
    # its own run printed a training loss and accuracy for 2 epochs, and the accuracy on
    # a test set evaluated every epoch (dotted)
    assert [t for t in traces if "(" not in t[0]] == [
        ["SentimentGRU · training loss", "x", 2], ["SentimentGRU · training accuracy", "x2", 2],
        ["SentimentGRU · test accuracy", "x2", 2]]
    assert page.js("() => document.getElementById('chart-curves').data.find(t => "
                   "t.name.endsWith('test accuracy')).line.dash") == "dot"
    # its one neighbour with curves, build_model, drawn with all four series (3 epochs)
    assert [t for t in traces if "(" in t[0]] == [
        [f"build_model (ana/imdb-lstm) · {s}", axis, 3] for s, axis in (
            ("training loss", "x"), ("validation loss", "x"), ("training accuracy", "x2"),
            ("validation accuracy", "x2"))]
    assert page.js("() => document.querySelectorAll('#tbl-chart-curves tbody tr').length") == 5
    # loss on the left, accuracy on the right: two panels, not one
    assert page.js("() => { const l = document.getElementById('chart-curves')._fullLayout; "
                   "return l.xaxis2.domain[0] > l.xaxis.domain[1] && l.yaxis2._id === 'y2' "
                   "&& l.xaxis2.anchor === 'y2'; }") is True
    # a model without curves has no chart and loads no plotly
    page.open(model_url(site, "TextCNN"))
    assert page.js("() => [document.getElementById('chart-curves'), "
                   "[...document.scripts].some(s => /plotly/.test(s.src))]") == [None, False]
    assert d["n"] == 12 and page.errors == []


LEAF_VALUES = """(words) => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.parentElement.closest('code, pre, script')) continue;
    if (words.includes(n.textContent.trim())) out.push(n.parentElement.outerHTML.slice(0, 120));
  }
  return out;
}"""


def test_no_page_shows_null_none_or_unknown(site: Path, page: Page) -> None:
    shown: dict[str, list[str]] = {}
    for url in [(site / "index.html").as_uri()] + [
            task_url(site, f"#{tab}") for tab in ("overview", "layers", "hyperparameters",
                                                  "data", "tricks", "models")]:
        page.open_task(url) if "#" in url else page.open(url)
        page.page.wait_for_timeout(150)
        shown[url] = page.page.evaluate(LEAF_VALUES, list(NO_VALUE))
    for model in sorted((site / TASK / "models").glob("*.html")):
        page.open(model.as_uri())
        shown[model.name] = page.page.evaluate(LEAF_VALUES, list(NO_VALUE))
    assert {k: v for k, v in shown.items() if v} == {}
    # the check sees such a value where one is shown
    page.js("() => document.querySelector('main').append(Object.assign("
            "document.createElement('dd'), {textContent: ' None '}))")
    assert page.page.evaluate(LEAF_VALUES, list(NO_VALUE)) == ["<dd> None </dd>"]
    assert page.errors == []


def test_bundled_pages_show_no_null_none_or_unknown(tmp_path: Path) -> None:
    """Every server-rendered page of the bundled gallery: no such value in any element
    (a layer argument shows code as written, where `None` is Python's)."""
    import re

    from exnet.bundled import corpus_dir
    from exnet.render import build_site

    site = build_site(corpus_dir(), tmp_path / "site").parent
    value = re.compile(r"<(?P<tag>[a-z0-9]+)(?P<attrs>[^>]*)>\s*(?:null|None|unknown|"
                       r"undefined|NaN)\s*<")
    found = {}
    for path in site.rglob("*.html"):
        hits = [m.group(0) for m in value.finditer(path.read_text(encoding="utf-8"))
                if m.group("tag") != "code" and "arg-value" not in m.group("attrs")]
        if hits:
            found[path.name] = hits[:3]
    assert found == {}
