"""Benchmark of the render stage: build time, page weight and time to first render.

    python bench/site.py [--sizes 100 10000] [--seed 4] [--runs 3] [--keep DIR]
    python bench/site.py --walk SITE [--widths 1280 390]
    python bench/site.py --screenshots SITE      # docs/gallery-task.png, docs/gallery-map.png

`--walk SITE` measures a site already built (`exnet build --out /tmp/site`: the bundled
corpus) instead: for every page kind (home, task, model, compare, map, check) of every
task, at each window width, the page height, whether it scrolls sideways
(`scrollWidth > innerWidth`) and the time to its first chart.

For each size, a corpus is generated with bench/aggregate.py's generator (a dozen common
architectures in Keras and PyTorch spelling, mutated; plausible hyperparameters,
datasets and projects), summarised by the aggregate stage (not timed here), then:

- build: wall time of `build_site` into an empty folder, and of a second build into the
  same folder (nothing changed, so nothing is written);
- weight: bytes the task page loads before its first view, without plotly.js (HTML,
  stylesheet, our scripts and the first part of the task's data, render/dataparts.py),
  raw and gzip-compressed (GitHub Pages serves gzip); the size of all the task's data
  files (the parts loaded later included); the size and file count of the whole site;
- browser (Debian's /usr/bin/chromium, headless, opened from file://): time from
  navigation start to the first render of the task page (the views in the first screen
  are drawn: the `exnet:first-render` mark) and to every view drawn (`exnet:all-views`),
  and the time from ticking a facet to every view redrawn; medians of --runs page loads.
  "chart ms" is the time from navigation start to the first chart element in the page
  (a plotly figure or the parallel coordinates), seen by a MutationObserver that the
  browser installs before any page script runs.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from exnet.render.dataparts import read_task_data

SIZES = (100, 10_000)
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_aggregate", Path(__file__).with_name("aggregate.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def make_corpus(root: Path, n: int, seed: int) -> Path:
    """corpus/bench/{models,projects}.jsonl and summary.json for n generated models."""
    from exnet.aggregate import aggregate_task

    task = root / "corpus" / "bench"
    task.mkdir(parents=True)
    models, projects = _generator()(n, seed)
    for name, rows in (("models.jsonl", models), ("projects.jsonl", projects)):
        with (task / name).open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows)
    aggregate_task(task)
    return root / "corpus"


def page_weight(site: Path) -> dict[str, float]:
    """What the task page loads, except plotly.js."""
    page = site / "bench" / "index.html"
    html = page.read_bytes()
    files = [html]
    for url in re.findall(rb'(?:src|href)="([^"#]+\.(?:js|css))"', html):
        if b"plotly-" in url:
            continue
        files.append((page.parent / url.decode()).resolve().read_bytes())
    everything = [p for p in site.rglob("*") if p.is_file()]
    return {"page_kb": sum(map(len, files)) / 1024,
            "page_gzip_kb": sum(len(gzip.compress(f, 6)) for f in files) / 1024,
            "data_kb": sum(p.stat().st_size for p in (site / "bench").glob("data*.js")) / 1024,
            "site_mb": sum(p.stat().st_size for p in everything) / 2 ** 20,
            "files": len(everything)}


#: Installed before any script of the page (CDP, so the page's CSP does not apply):
#: records when the first chart element appears.
FIRST_CHART = """(() => {
  const seen = () => document.querySelector('.chart .main-svg, .chart svg.pc-axes, .chart canvas');
  new MutationObserver((_, obs) => {
    if (window.__firstChart === undefined && seen()) {
      window.__firstChart = performance.now(); obs.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
})();"""


def browser_times(site: Path, runs: int) -> dict[str, float] | None:
    """Medians over `runs` page loads (None without Chromium or Playwright)."""
    if not CHROMIUM.exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    url = (site / "bench" / "index.html").as_uri()
    first, full, facet, chart = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(FIRST_CHART)
            page.goto(url)
            _wait_views(page)
            chart.append(_first_chart(page))
            marks = dict(page.evaluate(
                "() => performance.getEntriesByType('mark').map(m => [m.name, m.startTime])"))
            first.append(marks["exnet:first-render"])
            full.append(marks["exnet:all-views"])
            t0 = time.perf_counter()
            page.click("label[for=f-framework-0]")
            page.wait_for_timeout(5)
            _wait_views(page)
            facet.append((time.perf_counter() - t0) * 1000)
            page.close()
        browser.close()
    return {"first_ms": statistics.median(first), "all_ms": statistics.median(full),
            "facet_ms": statistics.median(facet), "chart_ms": statistics.median(chart)}


def _first_chart(page: Any, timeout: float = 60) -> float:
    deadline = time.monotonic() + timeout
    while (value := page.evaluate("window.__firstChart")) is None:
        if time.monotonic() > deadline:
            return float("nan")
        page.wait_for_timeout(10)
    return float(value)


def _page_urls(site: Path) -> list[tuple[str, str, str]]:
    """(task, kind, url) of one page of each kind per task; the model page is the one
    with the most layers (the longest page of its kind)."""
    out = [("-", "home", (site / "index.html").as_uri())]
    for task_dir in sorted(p for p in site.iterdir() if (p / "data.js").is_file()):
        data = read_task_data(task_dir)
        slugs = data["models"]["slug"]
        models = sorted(task_dir.glob("models/*.html"), key=lambda p: -p.stat().st_size)
        pair = ",".join(slugs[:2])
        for kind, url in (("task", task_dir / "index.html"), ("model", models[0]),
                          ("compare", task_dir / "compare.html"), ("map", task_dir / "map.html"),
                          ("check", task_dir / "check.html")):
            uri = url.as_uri() + (f"#m={pair}" if kind == "compare" else "")
            out.append((task_dir.name, kind, uri))
    return out


#: Page height, window width and the widest the page scrolls to.
_MEASURE = """() => ({height: document.documentElement.scrollHeight,
  scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  chart: window.__firstChart === undefined ? null : window.__firstChart})"""


def screenshots(site: Path, out: Path) -> None:
    """The README's pictures, from a site built from the bundled corpus: the
    text-classification task page (overview) and the image-classification map."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((site / "text-classification" / "index.html").as_uri())
        _wait_views(page)
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / "gallery-task.png"), full_page=True)
        page.goto((site / "image-classification" / "map.html").as_uri())
        page.wait_for_timeout(2000)
        page.screenshot(path=str(out / "gallery-map.png"), full_page=True)
        browser.close()


def walk(site: Path, widths: list[int]) -> None:
    """Print height, sideways scroll and first-chart time of every page kind."""
    from playwright.sync_api import sync_playwright

    print(f"{'task':<22} {'page':<8} {'width':>5} {'height px':>9} {'sideways':>8} "
          f"{'chart ms':>8}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for task, kind, url in _page_urls(site):
            for width in widths:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.add_init_script(FIRST_CHART)
                page.goto(url)
                page.wait_for_load_state("load")
                if kind == "task":
                    _wait_views(page)
                page.wait_for_timeout(600)
                m = page.evaluate(_MEASURE)
                side = "yes" if m["scroll"] > m["inner"] else "no"
                chart = "-" if m["chart"] is None else f"{m['chart']:.0f}"
                print(f"{task:<22} {kind:<8} {width:>5} {m['height']:>9} {side:>8} "
                      f"{chart:>8}", flush=True)
                page.close()
        browser.close()


def _wait_views(page: Any, timeout: float = 60) -> None:
    # The pages' CSP forbids eval, which wait_for_function needs: poll instead.
    deadline = time.monotonic() + timeout
    while page.evaluate("document.body.dataset.viewsPending") != "0":
        if time.monotonic() > deadline:
            raise TimeoutError("the task page did not finish drawing")
        page.wait_for_timeout(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the sites under DIR and keep them")
    parser.add_argument("--walk", type=Path, metavar="SITE",
                        help="measure every page kind of a built site instead")
    parser.add_argument("--widths", type=int, nargs="+", default=[1280, 390])
    parser.add_argument("--screenshots", type=Path, metavar="SITE",
                        help="write the README's screenshots (docs/) from a built site")
    args = parser.parse_args()
    if args.screenshots:
        screenshots(args.screenshots, Path(__file__).resolve().parent.parent / "docs")
        return
    if args.walk:
        walk(args.walk, args.widths)
        return
    from exnet.render import build_site

    print(f"{'models':>7} {'build s':>8} {'rebuild s':>9} {'page KB':>8} {'gzip KB':>8} "
          f"{'data KB':>10} {'site MB':>8} {'files':>6} {'first ms':>9} {'all ms':>7} "
          f"{'facet ms':>9} {'chart ms':>9}")
    with tempfile.TemporaryDirectory(prefix="exnet-bench-site-") as tmp:
        for n in args.sizes:
            root = (args.keep or Path(tmp)) / f"n{n}"
            corpus = make_corpus(root, n, args.seed)
            out = root / "site"
            t0 = time.perf_counter()
            build_site(corpus, out)
            build = time.perf_counter() - t0
            t0 = time.perf_counter()
            build_site(corpus, out)
            rebuild = time.perf_counter() - t0
            w = page_weight(out)
            b = browser_times(out, args.runs)
            times = (f"{b['first_ms']:>9.0f} {b['all_ms']:>7.0f} {b['facet_ms']:>9.0f} "
                     f"{b['chart_ms']:>9.0f}" if b else f"{'(no chromium)':>37}")
            print(f"{n:>7} {build:>8.2f} {rebuild:>9.2f} {w['page_kb']:>8.0f} "
                  f"{w['page_gzip_kb']:>8.0f} {w['data_kb']:>10.0f} {w['site_mb']:>8.1f} "
                  f"{w['files']:>6} {times}", flush=True)


if __name__ == "__main__":
    main()
