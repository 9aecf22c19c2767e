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
import math
import shutil
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exnet.render.dataparts import read_task_data

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
    """The fixture corpus, the hostile one, and the bundled corpus (real data, for the
    pages-that-fit checks; its summaries are current, so it is rendered in place)."""
    from exnet.bundled import corpus_dir
    from exnet.publish import publish
    from exnet.render import build_site

    tmp = tmp_path_factory.mktemp("browser")
    out = {}
    for name in ("corpus", "hostile"):
        shutil.copytree(FIXTURES / name, tmp / name)
        out[name] = publish(tmp / name, tmp / f"site-{name}").parent
    out["bundled"] = build_site(corpus_dir(), tmp / "site-bundled").parent
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
        """Wait until every view of the task page's open section has been drawn."""
        self.page.wait_for_timeout(60)
        self.wait("() => document.body.dataset.viewsPending === '0'")

    def tab(self, name: str) -> None:
        """Open a section of the task page (by its tab) and wait for its views."""
        self.page.click(f"#tab-{name}")
        self.settle()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.close()


def data(site: Path, task: str = TASK) -> dict[str, Any]:
    return read_task_data(site / task)


def slug(site: Path, name: str, project: str | None = None) -> str:
    d = data(site)
    m = d["models"]
    for row, model in enumerate(m["name"]):
        if model == name and project in (None, d["projects"]["name"][m["project"][row]]):
            return m["slug"][row]
    raise KeyError(name)


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
    assert page.js("() => document.querySelectorAll('table.layers tbody tr').length") == 6
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


def view_counts(page: Page) -> dict[str, Any]:
    """VIEW_COUNTS, with the sections whose charts it reads opened in turn."""
    for tab in ("layers", "hyperparameters", "models", "overview"):
        page.tab(tab)
    return page.js(VIEW_COUNTS)


def test_a_facet_changes_every_view(sites: dict[str, Path], page: Page) -> None:
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri())
    before = view_counts(page)
    assert before["selected"] == before["rows"] == before["sankey_start"] == 12
    assert before["optimizer"] == before["parcoords"] == 12
    # by keyboard: focus the "pytorch" checkbox and press Space
    page.page.focus("#f-framework-1")
    page.page.keyboard.press("Space")
    page.settle()
    after = view_counts(page)
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
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri() + "#hyperparameters")
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
    # same types, other arguments: no "=", and the differing arguments are shown
    c = slug(site, "model", "hal/twitter-lstm")
    page.open((site / TASK / "compare.html").as_uri() + f"#m={a},{c}")
    page.wait("() => document.body.dataset.compared === '2'")
    rows = page.js("() => [...document.querySelectorAll('#aligned tbody tr')].map(tr => "
                   "[...tr.children].map(td => td.textContent))")
    assert [r[0] for r in rows] == ["≠ args 1", "≠ args 2", "≠ args 3"]
    assert "input_dim=20000, output_dim=128" in rows[0][1]
    assert "input_dim=5000, output_dim=64" in rows[0][2]
    assert "units=64" in rows[1][1] and "units=100" in rows[1][2]
    assert page.errors == []


def test_the_model_list_leads_to_compare(sites: dict[str, Path], page: Page) -> None:
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri() + "#models")
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


def page_urls(site: Path) -> list[str]:
    """One page of every kind per task: home, search, each task section, the model page
    with the most layers, the largest project page, compare, map and check."""
    urls = [(site / "index.html").as_uri(), (site / "search.html").as_uri() + "#q=lstm"]
    for task in sorted(p for p in site.iterdir() if (p / "data.js").is_file()):
        d = data(site, task.name)
        index = (task / "index.html").as_uri()
        urls += [index + "#" + tab for tab in
                 ("overview", "layers", "hyperparameters&split=framework", "data", "tricks",
                  "models")]
        longest = max(task.glob("models/*.html"), key=lambda p: p.stat().st_size)
        biggest = max(task.glob("projects/*.html"), key=lambda p: p.stat().st_size)
        urls += [longest.as_uri(), biggest.as_uri(), (task / "compare.html").as_uri() + "#m=" +
                 ",".join(d["models"]["slug"][:3]), (task / "map.html").as_uri(),
                 (task / "check.html").as_uri()]
    return urls


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_scrolls_sideways(sites: dict[str, Path], browser: Any, width: int) -> None:
    """Every page kind of the bundled corpus (real names, paths and sizes) fits the
    window (wide figures scroll inside their own box); the task page's overview is
    short. A screenshot of the task page goes to tests/screenshots/ (git-ignored)."""
    p = Page(browser, width=width)
    try:
        for site in (sites["bundled"],):
            for url in page_urls(site):
                p.open(url)
                if "/index.html#" in url:
                    p.settle()
                else:
                    p.page.wait_for_timeout(150)
                wide = p.js("() => document.documentElement.scrollWidth")
                assert wide <= width, (url, wide)
        p.open_task((sites["bundled"] / TASK / "index.html").as_uri())
        assert p.js("() => document.documentElement.scrollHeight") < (2500 if width > 900
                                                                        else 4500)
        SCREENSHOTS.mkdir(exist_ok=True)
        p.page.screenshot(path=str(SCREENSHOTS / f"task-{width}.png"), full_page=True)
        assert p.errors == []
    finally:
        p.close()


def test_sections_are_tabs_with_anchors_and_charts_wait_until_opened(
        sites: dict[str, Path], page: Page) -> None:
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri())
    # only the open section is drawn: the layer chart waits for its tab
    assert page.js("() => document.getElementById('chart-layers').data") is None
    assert page.js("() => document.getElementById('layers').hidden") is True
    page.page.focus("#tab-overview")
    page.page.keyboard.press("ArrowRight")                 # by keyboard
    page.settle()
    assert page.js("() => document.activeElement.id") == "tab-layers"
    assert page.js("() => location.hash") == "#layers"
    assert page.js("() => document.getElementById('chart-layers').data.length") > 0
    assert page.js("() => document.getElementById('overview').hidden") is True
    page.open_task((sites["corpus"] / TASK / "index.html").as_uri() + "#tricks")
    assert page.js("() => document.getElementById('tab-tricks').getAttribute("
                   "'aria-selected')") == "true"
    assert page.errors == []


def test_the_first_view_waits_for_no_other_part_of_the_data(
        sites: dict[str, Path], page: Page) -> None:
    """The overview is drawn from data.js alone; the parts (render/dataparts.py) load
    after it, and a link into a section that needs one waits for it."""
    site = sites["corpus"]
    url = (site / TASK / "index.html").as_uri()
    page.open_task(url)
    listed = page.js("() => [...document.querySelectorAll('script[src]')]"
                     ".map(s => s.getAttribute('src'))")
    assert f"../{TASK}/data.js" in listed
    assert not any("/data-" in src for src in listed)          # no part blocks the page
    marks = ["exnet:data-models", "exnet:data-hyper", "exnet:data-sankey"]
    page.wait(f"() => {marks}.every(m => performance.getEntriesByName(m).length)")
    first = page.js("() => performance.getEntriesByName('exnet:first-render')[0].startTime")
    loaded = page.js(f"() => {marks}.map(m => performance.getEntriesByName(m)[0].startTime)")
    assert min(loaded) > first
    # links that need a part: the model list, a search, another Sankey view
    page.open_task(url + "#models")
    assert page.js("() => document.querySelectorAll('#model-rows tr').length") == 12
    where = page.js("() => document.querySelector('#model-rows .m-src').textContent")
    assert ".py:" in where or ".ipynb" in where
    page.open_task(url + "#q=imdb-lstm")
    assert page.js("() => document.getElementById('selected-count').textContent") == "2"
    page.open_task(url + "#sankey=full.output")
    assert page.js("() => document.getElementById('sa-output').checked") is True
    assert page.js("() => document.querySelectorAll('#chart-sankey .sankey-node').length") > 0
    assert page.errors == []


def test_the_url_holds_the_state_and_back_and_forward_work(
        sites: dict[str, Path], page: Page) -> None:
    site = sites["corpus"]
    a, b = slug(site, "build_model"), slug(site, "TextCNN")
    url = (site / TASK / "index.html").as_uri()
    page.open_task(url)
    page.page.click("label[for=f-framework-1]")             # pytorch
    page.settle()
    page.page.click("label[for=sl-full]")
    page.settle()
    page.tab("hyperparameters")
    page.page.click("#hyperparameters [data-split=dataset]")
    page.settle()
    hash_ = page.js("() => location.hash")
    assert hash_ == "#hyperparameters&framework=pytorch&sankey=full.input&split=dataset"
    page.page.go_back()                                      # the split goes
    page.settle()
    assert page.js("() => location.hash") == "#hyperparameters&framework=pytorch&sankey=full.input"
    assert page.js("() => document.querySelector('#hyperparameters [data-split=\"\"]')"
                   ".getAttribute('aria-pressed')") == "true"
    page.page.go_back()                                      # back to the overview
    page.page.go_back()                                      # core layers again
    page.settle()
    assert page.js("() => location.hash") == "#framework=pytorch"
    assert page.js("() => document.getElementById('sl-core').checked") is True
    page.page.go_forward()
    page.settle()
    assert page.js("() => document.getElementById('sl-full').checked") is True
    # a link shows exactly what its sender saw: section, filters, selection, compare set
    page.open_task(url + f"#models&dataset=imdb&sel={a},{b}&cmp={a},{b}")
    assert page.js("() => document.getElementById('tab-models').getAttribute("
                   "'aria-selected')") == "true"
    assert page.js("() => document.getElementById('selected-count').textContent") == "1"
    assert page.js("() => document.getElementById('f-dataset-0').checked") is True
    assert "2 models picked" in page.js("() => document.getElementById('compare-count')"
                                        ".textContent")
    assert "chosen on the map" in page.js("() => document.getElementById('active-filters')"
                                          ".textContent")
    assert page.errors == []


def test_distributions_a_learner_can_read(sites: dict[str, Path], page: Page) -> None:
    site = sites["corpus"]
    page.open_task((site / TASK / "index.html").as_uri() + "#hyperparameters")
    lr = page.js("() => { const el = document.getElementById('hp-learning_rate'); "
                 "return {ticks: el.layout.xaxis.ticktext, x: el.data[1].x, "
                 "shapes: el.layout.shapes, median: el.dataset.median}; }")
    # a log axis labelled by decades, bins of a third of a decade (1, 2, 5 x 10^n)
    assert "1e-4" in lr["ticks"] and "0.001" in lr["ticks"]
    lrs = sorted(v for v in data(site)["hyper"][1]["values"] if v)
    assert lr["median"] == str(statistics.median(lrs))
    dashed = [s for s in lr["shapes"] if s["type"] == "line"]
    assert len(dashed) == 1 and abs(dashed[0]["x0"] - math.log10(float(lr["median"]))) < 1e-9
    assert any(s["type"] == "rect" for s in lr["shapes"])        # the middle half
    # batch size: one bar per value, labelled by the value
    batch = page.js("() => document.getElementById('hp-batch_size').layout.xaxis.ticktext")
    assert batch == ["16", "32", "64", "128"]
    page.page.select_option("#lr-bins", "decade")
    page.settle()
    decades = page.js("() => document.getElementById('hp-learning_rate').data[0].x")
    assert decades != lr["x"] and all(abs(x % 1 - 0.5) < 1e-9 for x in decades)
    # "what do PyTorch users pick for the learning rate?": one click
    page.page.click("#hyperparameters [data-split=framework]")
    page.settle()
    names = page.js("() => document.getElementById('hp-learning_rate').data.map(t => t.name)")
    assert names == ["keras", "pytorch"]
    table = page.js("() => document.querySelector('#tbl-hp-learning_rate table').textContent")
    assert "pytorch" in table and "median" in table
    # the Sankey splits too, side by side
    page.tab("overview")
    assert page.js("() => document.querySelectorAll('#sankeys .chart-sankey').length") == 2
    # a model's page marks its own value on the task's distribution
    page.open((site / TASK / "models" / f"{slug(site, 'SentimentGRU')}.html").as_uri())
    strip = page.js("() => [...document.querySelectorAll('.strip-figure figcaption')]"
                    ".map(f => f.textContent)")
    assert any(t.startswith("Learning rate: this model 0.001; the task's median is")
               for t in strip)
    assert page.js("() => document.querySelectorAll('svg.strip .strip-mine').length") >= 3
    assert page.errors == []


def test_map_is_robust_zooms_and_selects(sites: dict[str, Path], page: Page) -> None:
    site = sites["bundled"]
    on_map = sum(x is not None for x in data(site, "image-classification")["models"]["x"])
    page.open((site / "image-classification" / "map.html").as_uri())
    page.wait(f"() => document.body.dataset.mapPoints === '{on_map}'")
    info = page.js("() => { const el = document.getElementById('chart-map'); return {"
                   "labels: el.layout.annotations.map(a => a.text), "
                   "triangles: el.data.reduce((n, t) => n + t.marker.symbol.filter("
                   "s => s === 'triangle-up').length, 0), "
                   "range: el._fullLayout.xaxis.range}; }")
    assert any(label.startswith("CNN (") for label in info["labels"])
    assert info["triangles"] > 0
    assert info["range"][1] - info["range"][0] < 30        # compressed, not -40..270
    assert "far-out" in page.js("() => document.querySelector('.map-note').textContent")
    # select an area: its models are listed, with a link to the overview
    page.page.check("#map-select")
    box = page.page.locator("#chart-map .nsewdrag").first.bounding_box()
    assert box is not None
    page.page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] - 5, steps=6)
    page.page.mouse.up()
    selected = int(page.wait("() => document.body.dataset.mapSelected"))
    assert 0 < selected <= on_map
    assert "sel=" in page.js("() => location.hash")
    href = page.js("() => document.querySelector('#map-selection a').getAttribute('href')")
    assert href.startswith("index.html#models&sel=")
    page.open_task((site / "image-classification" / "index.html").as_uri() +
                   href[len("index.html"):])
    assert page.js("() => document.getElementById('selected-count').textContent") == \
        str(selected)
    assert page.errors == []


def test_search_finds_models_by_layers_tricks_and_datasets(sites: dict[str, Path],
                                                           page: Page) -> None:
    page.open((sites["corpus"] / "search.html").as_uri())
    page.wait("() => document.body.dataset.searchReady === '1'")
    page.page.fill("#site-search", "GRU attention imdb")
    page.wait("() => Number(document.body.dataset.results) > 0")
    first = page.js("() => { const li = document.querySelector('#search-results li'); "
                    "return [li.dataset.kind, li.dataset.all, li.querySelector('a').textContent,"
                    " li.querySelector('a').getAttribute('href')]; }")
    assert first[:3] == ["model", "1", "SentimentGRU"]
    page.page.click("#search-results li a")
    page.page.wait_for_url("**/models/*.html")
    assert page.js("() => document.querySelector('h1').textContent") == "SentimentGRU"
    page.open((sites["corpus"] / "search.html").as_uri() + "#q=ag_news")
    page.wait("() => Number(document.body.dataset.results) > 0")
    kinds = page.js("() => [...document.querySelectorAll('#search-results li')]"
                    ".map(li => li.dataset.kind)")
    assert "dataset" in kinds and "model" in kinds
    assert page.errors == []


def test_no_serious_accessibility_violations(sites: dict[str, Path], browser: Any) -> None:
    """axe-core (axe-playwright-python) on every page kind: no serious or critical
    violation."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    p = Page(browser)
    try:
        found = []
        for url in page_urls(sites["corpus"]):
            p.open(url)
            if "/index.html#" in url:
                p.settle()
            else:
                p.page.wait_for_timeout(200)
            results = axe.run(p.page)
            found += [(url, v["id"], v["impact"]) for v in results.response["violations"]
                      if v["impact"] in ("serious", "critical")]
        assert found == []
    finally:
        p.close()


def test_data_split_into_files_reads_back_whole(tmp_path: Path, browser: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `jsdata.MAX_FILE_BYTES` (8 MB; 100,000 models hold about 30 MB of task data
    and 60 MB of search documents) the task data and the search documents are split into
    files that run in order; the pages read them back whole."""
    from exnet.publish import publish
    from exnet.render import jsdata

    monkeypatch.setattr(jsdata, "MAX_FILE_BYTES", 3_000)
    shutil.copytree(FIXTURES / "corpus", tmp_path / "corpus")
    site = publish(tmp_path / "corpus", tmp_path / "site").parent
    parts = sorted((site / TASK).glob("data*.js"))
    searches = sorted(site.glob("search*.js"))
    assert len(parts) > 3 and len(searches) > 2
    # a file over the bound holds one statement: one value too big to cut further
    assert all(p.stat().st_size <= 3_000 or p.read_text().count(";\n") == 1
               for p in [*parts, *searches])
    page = Page(browser)
    try:
        page.open_task((site / TASK / "index.html").as_uri())
        assert page.js("() => document.getElementById('selected-count').textContent") == "12"
        page.page.fill("#search", "imdb-lstm")
        page.wait("() => document.getElementById('selected-count').textContent === '2'")
        page.open((site / TASK / "map.html").as_uri())
        page.wait("() => document.body.dataset.mapPoints === '12'")
        page.open((site / "search.html").as_uri())
        page.wait("() => document.body.dataset.searchReady === '1'")
        page.page.fill("#site-search", "GRU attention imdb")
        page.wait("() => Number(document.body.dataset.results) > 0")
        assert page.errors == []
    finally:
        page.close()
