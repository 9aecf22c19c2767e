"""Aggregation and site at scale: 1,000, 10,000 and 100,000 models in one task.

    python bench/scale.py [--sizes 1000 10000 100000] [--tasks 1] [--runs 3] [--keep DIR]

For each size, bench/synth.py writes a synthetic corpus (drawn from the bundled
corpus's distributions; the models of `--tasks` tasks, so with 1 one task page holds
them all), then each command runs as `python -m exnet.cli ...` in a fresh process:

- aggregate: `exnet aggregate --corpus C`: wall time and peak resident memory (the
  process's maximum RSS, from wait4);
- build: `exnet build --corpus C --out SITE` (the summaries are current, so it only
  renders): wall time and peak memory; then the same command again with nothing
  changed ("rebuild");
- site: total size, file count, and the largest file;
- first chart: headless Chromium (Debian's /usr/bin/chromium, file://) opens the first
  task's page; the time from navigation start to the first chart in the page (a plotly
  figure or a canvas), seen by a MutationObserver installed before any page script;
  median of `--runs` loads. Also the time to the `load` event.

The targets of issue 15: at 1,000 models the first chart under 1 s; an unchanged
rebuild of 10,000 under 3 s; at 100,000 aggregate under 2 min and 4 GB, the first chart
under 3 s, and no file over 20 MB. This is a benchmark, never a test (100,000 models
take minutes).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES = (1_000, 10_000, 100_000)
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
FIRST_CHART = """(() => {
  const seen = () => document.querySelector('svg.main-svg, .chart svg, .chart canvas');
  new MutationObserver((_, obs) => {
    if (window.__firstChart === undefined && seen()) {
      window.__firstChart = performance.now(); obs.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
})();"""


def _synth() -> Any:
    spec = importlib.util.spec_from_file_location("bench_synth",
                                                  Path(__file__).with_name("synth.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def run(*args: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `exnet ARGS` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "exnet.cli", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"exnet {' '.join(args)} failed:\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def site_size(site: Path) -> dict[str, Any]:
    files = [p for p in site.rglob("*") if p.is_file()]
    largest = max(files, key=lambda p: p.stat().st_size)
    return {"site_mb": sum(p.stat().st_size for p in files) / 2 ** 20, "files": len(files),
            "largest_mb": largest.stat().st_size / 2 ** 20,
            "largest": str(largest.relative_to(site))}


def first_chart(page_path: Path, runs: int) -> tuple[float, float] | None:
    """Median ms from navigation to the first chart, and to the load event."""
    if not CHROMIUM.exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    charts, loads = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(FIRST_CHART)
            page.goto(page_path.as_uri(), timeout=120_000)
            deadline = time.monotonic() + 120
            while (value := page.evaluate("window.__firstChart")) is None \
                    and time.monotonic() < deadline:
                page.wait_for_timeout(10)
            charts.append(float("nan") if value is None else float(value))
            loads.append(float(page.evaluate(
                "performance.getEntriesByType('navigation')[0].loadEventEnd")))
            page.close()
        browser.close()
    return statistics.median(charts), statistics.median(loads)


def measure(root: Path, n: int, tasks: int, runs: int) -> dict[str, Any]:
    corpus = _synth().write_corpus(root / "corpus", n, tasks)
    site = root / "site"
    agg_s, agg_mb = run("aggregate", "--corpus", str(corpus))
    build_s, build_mb = run("build", "--corpus", str(corpus), "--out", str(site))
    rebuild_s, _ = run("build", "--corpus", str(corpus), "--out", str(site))
    row: dict[str, Any] = {"models": n, "aggregate_s": agg_s, "aggregate_mb": agg_mb,
                           "build_s": build_s, "build_mb": build_mb,
                           "rebuild_s": rebuild_s, **site_size(site)}
    times = first_chart(site / "synth-0" / "index.html", runs)
    row["chart_ms"], row["load_ms"] = times or (float("nan"), float("nan"))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--tasks", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep corpora and sites under DIR")
    args = parser.parse_args()
    print(f"{'models':>7} | {'aggregate s':>11} {'MB':>6} | {'build s':>7} {'MB':>6} "
          f"{'rebuild s':>9} | {'site MB':>7} {'files':>6} {'largest MB':>10} | "
          f"{'chart ms':>8} {'load ms':>7} | largest file", flush=True)
    with tempfile.TemporaryDirectory(prefix="exnet-scale-") as tmp:
        for n in args.sizes:
            root = (args.keep or Path(tmp)) / f"n{n}"
            root.mkdir(parents=True, exist_ok=False)
            r = measure(root, n, args.tasks, args.runs)
            print(f"{n:>7} | {r['aggregate_s']:>11.1f} {r['aggregate_mb']:>6.0f} | "
                  f"{r['build_s']:>7.1f} {r['build_mb']:>6.0f} {r['rebuild_s']:>9.2f} | "
                  f"{r['site_mb']:>7.1f} {r['files']:>6} {r['largest_mb']:>10.2f} | "
                  f"{r['chart_ms']:>8.0f} {r['load_ms']:>7.0f} | {r['largest']}", flush=True)


if __name__ == "__main__":
    main()
