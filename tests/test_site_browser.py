"""The built site in a real browser: Debian's headless Chromium driven by Playwright.

One site is built from tests/fixtures/site/corpus (12 hand-written models) and one from
tests/fixtures/site/hostile (attack strings everywhere); both are opened from file://
(and once through a local server under a sub-path, as on GitHub Pages project sites).
Playwright's own browser builds are never downloaded: the tests use /usr/bin/chromium,
which `.ci/run` installs, and skip with a reason where it is missing.

The pages' CSP forbids eval, which Playwright's wait_for_function uses, so waiting is a
poll of page.evaluate (which the CSP does not govern).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (.ci/run installs it: "
           "apt-get install chromium)")

FIXTURES = Path(__file__).parent / "fixtures" / "site"
SCREENSHOTS = Path(__file__).parent / "screenshots"
TASK = "text-classification"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from exnet.publish import publish

    tmp = tmp_path_factory.mktemp("browser")
    out = {}
    for name in ("corpus", "hostile"):
        shutil.copytree(FIXTURES / name, tmp / name)
        out[name] = publish(tmp / name, tmp / f"site-{name}").parent
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Page:
    """A browser page that records console errors, uncaught errors and dialogs."""

    def __init__(self, browser: Any, width: int = 1280, bypass_csp: bool = False) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def wait(self, expression: str, timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.page.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            self.page.wait_for_timeout(50)

    def open(self, url: str) -> None:
        self.page.goto(url)

    def open_task(self, url: str) -> None:
        self.open(url)
        self.settle()

    def settle(self) -> None:
        """Wait until every view of the task page has been drawn."""
        self.page.wait_for_timeout(60)
        self.wait("() => document.body.dataset.viewsPending === '0'")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.close()


def data(site: Path, task: str = TASK) -> dict[str, Any]:
    text = (site / task / "data.js").read_text(encoding="utf-8")
    return json.loads(text[len("window.EXNET_DATA="):-2])


def slug(site: Path, name: str) -> str:
    d = data(site)
    return d["models"]["slug"][d["models"]["name"].index(name)]


#: Counts shown by every view of the task page, read from the page itself.
VIEW_COUNTS = """() => {
  const sum = a => a.reduce((s, v) => s + v, 0);
  const sankey = document.getElementById('chart-sankey').data[0];
  const start = sankey.node.label.indexOf('(start)');
  const layers = document.getElementById('chart-layers').data;
  const emb = layers.map(t => t.x[t.y.indexOf('Embedding')] || 0);
  const opt = document.getElementById('hp-optimizer').data[1];
  return {
    selected: Number(document.getElementById('selected-count').textContent),
    rows: document.querySelectorAll('#model-rows tr').length,
    imdb: Number(document.getElementById('f-dataset-0-n').textContent),
    sankey_start: sum(sankey.link.value.filter((v, i) => sankey.link.source[i] === start)),
    embedding: sum(emb),
    optimizer: sum(opt.x),
    parcoords: Number(document.getElementById('chart-parcoords').dataset.lines),
    dropout: Number(document.querySelector('tr[data-trick="dropout"] [data-cell="models"]')
      .textContent),
    skeleton: document.querySelector('[data-skeleton="0"] .sk-models').textContent,
  };
}"""


def test_pages_load_without_console_errors(sites: dict[str, Path], page: Page) -> None:
    site = sites["corpus"]
    page.open((site / "index.html").as_uri())
    page.page.wait_for_timeout(200)
    assert page.js("() => document.querySelectorAll('.task-card').length") == 1
    page.open_task((site / TASK / "index.html").as_uri())
    model = site / TASK / "models" / f"{slug(site, 'SentimentGRU')}.html"
    page.open(model.as_uri())
    assert page.js("() => document.querySelectorAll('table.layers tbody tr').length") == 5
    page.open((site / TASK / "map.html").as_uri())
    page.wait("() => document.body.dataset.mapPoints === '12'")
    assert page.errors == []


def test_sankey_draws_the_expected_nodes(sites: dict[str, Path], page: Page) -> None:
    site = sites["corpus"]
    summary = json.loads((site.parent / "corpus" / TASK / "summary.json").read_text())
    views = summary["sankey"]["views"]
    page.open_task((site / TASK / "index.html").as_uri())
    drawn = page.js("() => [...document.querySelectorAll('#chart-sankey .sankey-node "
                    ".node-label')].map(n => n.textContent)")
    assert len(drawn) == len(views["core.input"]["nodes"])
    assert sorted(drawn) == sorted(label for _, label, _ in views["core.input"]["nodes"])
    page.page.click("label[for=sl-full]")
    page.page.click("label[for=sa-collapsed]")
    page.settle()
    # plotly animates the change: wait for the old nodes to leave
    expected = len(views["full.collapsed"]["nodes"])
    page.wait(f"() => document.querySelectorAll('#chart-sankey .sankey-node').length === "
              f"{expected}")
    assert page.js("() => document.getElementById('sa-aligned').disabled") is True
    assert page.errors == []


def test_a_facet_changes_every_view(sites: dict[str, Path], page: Page) -> None:
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri())
    before = page.js(VIEW_COUNTS)
    assert before["selected"] == before["rows"] == before["sankey_start"] == 12
    assert before["optimizer"] == before["parcoords"] == 12
    # by keyboard: focus the "pytorch" checkbox and press Space
    page.page.focus("#f-framework-1")
    page.page.keyboard.press("Space")
    page.settle()
    after = page.js(VIEW_COUNTS)
    assert after["selected"] == after["rows"] == after["sankey_start"] == 5
    assert after["optimizer"] == after["parcoords"] == 5
    assert after["imdb"] == 1 and before["imdb"] == 5
    assert after["embedding"] == 3 and before["embedding"] == 10
    summary = json.loads((sites["corpus"].parent / "corpus" / TASK / "summary.json").read_text())
    facets = summary["facets"]
    pytorch = set(facets["framework"]["models"][facets["framework"]["values"].index("pytorch")])
    dropout = set(facets["trick"]["models"][facets["trick"]["values"].index("dropout")])
    assert after["dropout"] == len(dropout & pytorch) and before["dropout"] == len(dropout)
    assert after["skeleton"] != before["skeleton"]
    assert "framework=pytorch" in page.js("() => location.hash")
    assert page.errors == []


def test_search_and_the_url_keep_the_filters(sites: dict[str, Path], page: Page) -> None:
    url = (sites["corpus"] / TASK / "index.html").as_uri()
    page.open_task(url)
    page.page.fill("#search", "imdb-lstm")
    page.wait("() => document.getElementById('selected-count').textContent === '2'")
    page.open_task(url + "#dataset=ag_news")
    assert page.js("() => document.getElementById('selected-count').textContent") == "3"
    assert page.js("() => document.getElementById('f-dataset-1').checked") or \
        page.js("() => [...document.querySelectorAll('input[data-facet=dataset]:checked')]"
                ".length") == 1
    page.page.click("#clear-filters")
    page.settle()
    assert page.js("() => document.getElementById('selected-count').textContent") == "12"
    assert page.errors == []


def test_clicking_the_sankey_filters_to_its_models(sites: dict[str, Path], page: Page) -> None:
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri())
    page.page.locator("#chart-sankey").scroll_into_view_if_needed()
    node = page.page.locator("#chart-sankey .sankey-node", has_text="GRU").first
    node.locator(".node-rect").click()
    page.settle()
    assert page.js("() => document.getElementById('selected-count').textContent") == "2"
    chip = page.js("() => document.getElementById('active-filters').textContent")
    assert "GRU at position 1" in chip
    page.page.click("#active-filters button")
    page.settle()
    assert page.js("() => document.getElementById('selected-count').textContent") == "12"
    assert page.errors == []


def test_brushing_an_axis_filters_the_models(sites: dict[str, Path], page: Page) -> None:
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri())
    axis = page.page.locator("#chart-parcoords .pc-hit").nth(1)     # learning rate
    axis.scroll_into_view_if_needed()
    box = axis.bounding_box()
    assert box is not None
    x = box["x"] + box["width"] / 2
    page.page.mouse.move(x, box["y"] + 4)           # drag over the top of the axis:
    page.page.mouse.down()                           # the largest learning rates
    page.page.mouse.move(x, box["y"] + box["height"] * 0.3, steps=5)
    page.page.mouse.up()
    page.settle()
    brushed = int(page.js("() => document.getElementById('selected-count').textContent"))
    assert 0 < brushed < 12
    assert "Learning rate" in page.js("() => document.getElementById('brush-filters')"
                                      ".textContent")
    # the keyboard clears it, and can set one too
    page.page.locator("#chart-parcoords .pc-hit").nth(1).focus()
    page.page.keyboard.press("Escape")
    page.settle()
    assert page.js("() => document.getElementById('selected-count').textContent") == "12"
    page.page.locator("#chart-parcoords .pc-hit").nth(3).focus()     # epochs
    page.page.keyboard.press("Enter")
    page.settle()
    assert int(page.js("() => document.getElementById('selected-count').textContent")) < 12
    assert page.errors == []


def test_compare_page(sites: dict[str, Path], page: Page) -> None:
    site = sites["corpus"]
    a, b = slug(site, "build_model"), slug(site, "stacked_lstm")
    page.open((site / TASK / "compare.html").as_uri() + f"#m={a},{b}")
    page.wait("() => document.body.dataset.compared === '2'")
    header = page.js("() => [...document.querySelectorAll('#aligned thead th')]"
                     ".map(th => th.textContent)")
    assert len(header) == 3 and "build_model" in header[1] and "stacked_lstm" in header[2]
    rows = page.js("() => [...document.querySelectorAll('#aligned tbody tr')].map(tr => "
                   "[...tr.children].map(td => td.textContent))")
    assert len(rows) == 4                       # Embedding, LSTM, (LSTM added), Dense
    assert sum(r[0].startswith("=") for r in rows) == 3
    assert sum(r[1:].count("") for r in rows) == 1
    page.page.fill("#pick-search", "TextCNN")
    page.page.click("#pick-results button")
    page.wait("() => document.body.dataset.compared === '3'")
    assert "Comparing 3 models" in page.js("() => document.getElementById('pick-status')"
                                           ".textContent")
    assert page.js("() => document.querySelectorAll('#compare-hyper tbody tr').length") >= 6
    assert page.errors == []


def test_the_model_list_leads_to_compare(sites: dict[str, Path], page: Page) -> None:
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri())
    boxes = page.page.locator("#model-rows input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.page.click("#compare-link")
    page.wait("() => document.body.dataset.compared === '2'")
    assert page.errors == []


def test_map_click_opens_the_model(sites: dict[str, Path], page: Page) -> None:
    page.open((sites["corpus"] / TASK / "map.html").as_uri())
    page.wait("() => document.body.dataset.mapPoints === '12'")
    page.page.select_option("#map-color", "dataset")
    page.wait("() => document.querySelectorAll('#chart-map .legendtext').length >= 5")
    point = page.page.locator("#chart-map .scatterlayer .point").first
    point.click(force=True)
    page.page.wait_for_url("**/models/*.html")
    assert page.js("() => document.querySelectorAll('table.layers').length") == 1
    assert page.errors == []


def test_served_from_a_sub_path(sites: dict[str, Path], page: Page,
                                tmp_path: Path) -> None:
    www = tmp_path / "www"
    shutil.copytree(sites["corpus"], www / "gallery")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.open(f"http://127.0.0.1:{server.server_address[1]}/gallery/")
        page.page.click(f"a[href='{TASK}/index.html']")
        page.settle()
        assert page.js("() => document.getElementById('selected-count').textContent") == "12"
        page.page.click("nav.site-nav a[href$='map.html']")
        page.wait("() => document.body.dataset.mapPoints === '12'")
    finally:
        server.shutdown()
        server.server_close()
    assert page.errors == []


def test_hostile_corpus_runs_nothing(sites: dict[str, Path], browser: Any) -> None:
    site = sites["hostile"]
    urls = [site / "index.html", site / "hostile" / "index.html", site / "hostile" / "map.html",
            *sorted((site / "hostile" / "models").glob("*.html"))]
    slugs = ",".join(data(site, "hostile")["models"]["slug"])
    # Without the CSP, so that only escaping stands between the payloads and the page;
    # then with it, where the pages must still load without an error.
    for bypass in (True, False):
        p = Page(browser, bypass_csp=bypass)
        try:
            for url in [u.as_uri() for u in urls] + \
                    [(site / "hostile" / "compare.html").as_uri() + f"#m={slugs}"]:
                p.open(url)
                if url.endswith("site-hostile/hostile/index.html"):
                    p.settle()
                    for node in p.page.locator("#chart-sankey .sankey-node").all():
                        node.hover()
                    p.page.fill("#search", "<script>")
                    p.page.wait_for_timeout(300)
                elif "compare.html" in url:
                    p.wait("() => document.body.dataset.compared === '3'")
                elif url.endswith("map.html"):
                    p.wait("() => document.body.dataset.mapPoints === '3'")
                    p.page.locator("#chart-map .scatterlayer .point").first.hover(force=True)
                else:
                    p.page.wait_for_timeout(100)
                assert p.js("() => window.__pwned") is None, url
                assert p.js("() => document.querySelectorAll('a[href^=\"javascript\"], "
                            "[onerror], [onload], [onmouseover]').length") == 0, url
            assert p.dialogs == []
            assert p.errors == []
        finally:
            p.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_task_page(sites: dict[str, Path], browser: Any, width: int) -> None:
    """Saved to tests/screenshots/ (git-ignored) to look at; the page must not be wider
    than the window (the wide figures scroll inside their own box)."""
    p = Page(browser, width=width)
    try:
        p.open_task((sites["corpus"] / TASK / "index.html").as_uri())
        assert p.js("() => document.documentElement.scrollWidth") <= width
        SCREENSHOTS.mkdir(exist_ok=True)
        p.page.screenshot(path=str(SCREENSHOTS / f"task-{width}.png"), full_page=True)
        assert p.errors == []
    finally:
        p.close()
