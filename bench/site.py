"""Benchmark of the render stage: build time, page weight and time to first render.

    python bench/site.py [--sizes 100 10000] [--seed 4] [--runs 3] [--keep DIR]

For each size, a corpus is generated with bench/aggregate.py's generator (a dozen common
architectures in Keras and PyTorch spelling, mutated; plausible hyperparameters,
datasets and projects), summarised by the aggregate stage (not timed here), then:

- build: wall time of `build_site` into an empty folder, and of a second build into the
  same folder (nothing changed, so nothing is written);
- weight: bytes the task page loads without plotly.js (HTML, stylesheet, our scripts and
  the task's data.js), raw and gzip-compressed (GitHub Pages serves gzip), plus the size
  and file count of the whole site;
- browser (Debian's /usr/bin/chromium, headless, opened from file://): time from
  navigation start to the first render of the task page (the views in the first screen
  are drawn: the `exnet:first-render` mark) and to every view drawn (`exnet:all-views`),
  and the time from ticking a facet to every view redrawn; medians of --runs page loads.
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
            "data_kb": (site / "bench" / "data.js").stat().st_size / 1024,
            "site_mb": sum(p.stat().st_size for p in everything) / 2 ** 20,
            "files": len(everything)}


def browser_times(site: Path, runs: int) -> dict[str, float] | None:
    """Medians over `runs` page loads (None without Chromium or Playwright)."""
    if not CHROMIUM.exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    url = (site / "bench" / "index.html").as_uri()
    first, full, facet = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            _wait_views(page)
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
            "facet_ms": statistics.median(facet)}


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
    args = parser.parse_args()
    from exnet.render import build_site

    print(f"{'models':>7} {'build s':>8} {'rebuild s':>9} {'page KB':>8} {'gzip KB':>8} "
          f"{'data.js KB':>10} {'site MB':>8} {'files':>6} {'first ms':>9} {'all ms':>7} "
          f"{'facet ms':>9}")
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
            times = (f"{b['first_ms']:>9.0f} {b['all_ms']:>7.0f} {b['facet_ms']:>9.0f}" if b
                     else f"{'(no chromium)':>27}")
            print(f"{n:>7} {build:>8.2f} {rebuild:>9.2f} {w['page_kb']:>8.0f} "
                  f"{w['page_gzip_kb']:>8.0f} {w['data_kb']:>10.0f} {w['site_mb']:>8.1f} "
                  f"{w['files']:>6} {times}", flush=True)


if __name__ == "__main__":
    main()
