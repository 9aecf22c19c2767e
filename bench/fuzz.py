"""Fuzz exnet with hostile and pathological inputs, many seeds per family.

    python bench/fuzz.py [--inputs 10000] [--jobs 2] [--seed 0]

Each input is one project written by a generator of tests/hostile/generators.py (at a
random scale, a few at full scale) plus a canary: code that would create a marker file
if anything ever executed it. Every input goes through `extract_path` (and one in
twenty through `exnet check` of each of its files) in worker processes. Printed at the
end, per family and in total: inputs tried, uncaught exceptions (crashes), inputs where
one command ran over the stated budget (10 s, or 1 GB for the worker), inputs with a
recorded failure, and code executions (canaries that fired).
Exit status 1 when any crash, overrun or execution happened.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from generators import FAMILIES  # noqa: E402

BUDGET_SECONDS = 10.0
BUDGET_BYTES = 1 << 30


def canary(marker: Path) -> str:
    """Python that creates `marker` if run, in several forms an analyser might trip on."""
    m = str(marker)
    return (f"import os\nopen({m!r}, 'w').write('ran')\n"
            f"os.system('touch {m}')\n__import__('os').system('touch {m}')\n"
            f"exec(\"open({m!r}, 'w')\")\neval(\"open({m!r}, 'w')\")\n"
            f"class Evil:\n    def __del__(self):\n        open({m!r}, 'w')\n"
            f"import torch\nx = torch.load({m!r})\n")


def one(task: tuple[int, str, float, int]) -> tuple[str, str, float, int, str]:
    """Run one input; (family, outcome, seconds, max RSS bytes, detail)."""
    index, family, scale, seed = task
    from exnet.extract import extract_path

    work = Path(tempfile.mkdtemp(prefix="exnet-fuzz-"))
    marker = work.parent / f"exnet-fuzz-marker-{os.getpid()}-{index}"
    try:
        project = work / "p"
        project.mkdir()
        for name, text in FAMILIES[family](random.Random(seed), scale).items():
            path = project / name
            path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text)
        (project / "zz_canary.py").write_text(canary(marker))
        seconds = 0.0   # the slowest single command (one `check FILE` or the extract)
        try:
            if index % 20 == 0:
                from exnet.bundled import corpus_dir
                from exnet.check import check_path

                for path in sorted(project.iterdir()):
                    start = time.perf_counter()
                    check_path(path, "text-classification", corpus_dir())
                    seconds = max(seconds, time.perf_counter() - start)
            start = time.perf_counter()
            result = extract_path(project)
            seconds = max(seconds, time.perf_counter() - start)
            outcome = "recorded" if result.failures else "clean"
            detail = ""
        except Exception:   # noqa: BLE001 - counting escapes is the point
            outcome, detail = "crashed", traceback.format_exc(limit=3)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        if marker.exists():
            outcome, detail = "executed", f"canary fired for {family} seed {seed}"
        elif outcome != "crashed" and (seconds > BUDGET_SECONDS or rss > BUDGET_BYTES):
            outcome, detail = "over budget", f"{seconds:.1f} s, {rss / 1e9:.2f} GB"
        return family, outcome, seconds, rss, detail
    finally:
        shutil.rmtree(work, ignore_errors=True)
        marker.unlink(missing_ok=True)


def plan(count: int, seed: int) -> list[tuple[int, str, float, int]]:
    rng = random.Random(seed)
    names = sorted(FAMILIES)
    tasks = []
    for i in range(count):
        family = names[i % len(names)]
        # Mostly small inputs (many seeds, fast); one in fifty at full size.
        scale = 1.0 if rng.random() < 0.02 else rng.uniform(0.001, 0.05)
        tasks.append((i, family, scale, rng.randrange(1 << 30)))
    return tasks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tasks = plan(args.inputs, args.seed)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    slowest: dict[str, float] = defaultdict(float)
    peak = 0
    problems: list[str] = []
    start = time.perf_counter()
    with mp.get_context("fork").Pool(args.jobs, maxtasksperchild=200) as pool:
        for n, (family, outcome, seconds, rss, detail) in enumerate(
                pool.imap_unordered(one, tasks, chunksize=8), start=1):
            counts[family]["tried"] += 1
            counts[family][outcome] += 1
            slowest[family] = max(slowest[family], seconds)
            peak = max(peak, rss)
            if outcome in ("crashed", "over budget", "executed"):
                problems.append(f"{family}: {outcome}: {detail.strip()[-300:]}")
            if n % 1000 == 0:
                print(f"  {n}/{len(tasks)} inputs, {time.perf_counter() - start:.0f} s",
                      file=sys.stderr)
    columns = ("tried", "crashed", "over budget", "recorded", "executed")
    print(f"{'family':20} " + " ".join(f"{c:>11}" for c in columns) + "  slowest")
    total: Counter[str] = Counter()
    for family in sorted(counts):
        total.update(counts[family])
        print(f"{family:20} " + " ".join(f"{counts[family][c]:>11}" for c in columns) +
              f"  {slowest[family]:.2f} s")
    print(f"{'total':20} " + " ".join(f"{total[c]:>11}" for c in columns) +
          f"  peak RSS {peak / 1e9:.2f} GB, {time.perf_counter() - start:.0f} s")
    for line in problems[:20]:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
