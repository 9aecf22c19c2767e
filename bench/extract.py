"""Benchmark: exnet's extraction throughput against plain `ast.parse` on the same files.

    python bench/extract.py DIR [DIR ...] [--repeat N] [--profile N]

Each DIR is a folder of projects (each sub-folder one project, as `exnet mine --from`
takes it) or a single project (a folder with code at its top). For the same .py and
.ipynb files, in the same run, it prints seconds, files/s and MB/s of

- reading and `ast.parse` of every file (notebooks: their code cells joined): the baseline;
- libcst's `parse_module` alone, timed around that call only, over the texts the
  extractor parses: the floor under any extractor built on libcst's tree;
- the extractor's parsing alone (`ast` gate, libcst, spans) of the files it parses;
- `exnet.extract.extract_project` over every project, cold: no kept outcomes (files that
  mention no deep-learning framework are skipped before any parse);
- the same with a warm cache: every project's outcome kept by content
  (`exnet.extract.reuse`, as `exnet mine` keeps them), so each is read back, not extracted;

and each one's ratio to the baseline. Best of N runs each. `--profile N` also prints the
N functions of the cold run with the most time of their own (cProfile).
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

import libcst as cst

from exnet.extract import extract_project
from exnet.extract.parsing import gate, parse
from exnet.extract.sources import Unreadable, iter_project_files, load_source, mentions_framework


def projects_in(root: Path) -> list[Path]:
    """DIR itself when it holds code at its top, else each of its sub-folders."""
    if any(root.glob("*.py")) or any(root.glob("*.ipynb")):
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def baseline(files: list[tuple[Path, str]]) -> tuple[float, int, int]:
    start = time.perf_counter()
    parsed = 0
    for path, rel in files:
        try:
            if rel.endswith(".ipynb"):
                source = load_source(path, rel)
                text = source.text if source is not None else ""
            else:
                text = path.read_bytes().decode("utf-8")
            ast.parse(text)
            parsed += 1
        except (SyntaxError, ValueError, UnicodeDecodeError, Unreadable, RecursionError,
                OSError):
            pass
    return time.perf_counter() - start, parsed, len(files)


def libcst_only(files: list[tuple[Path, str]]) -> tuple[float, int, int, int]:
    """libcst's parse alone of the texts the extractor hands it (those its gate admits)."""
    texts = []
    for path, rel in files:
        try:
            source = load_source(path, rel)
        except (Unreadable, OSError):
            continue
        if source is not None and gate(source.text) is None:
            texts.append(source.text)
    spent = 0.0
    for text in texts:
        start = time.perf_counter()
        try:
            cst.parse_module(text)
        except (cst.ParserSyntaxError, RecursionError):
            pass
        spent += time.perf_counter() - start
    return spent, 0, len(texts), 0


def parse_only(files: list[tuple[Path, str]]) -> tuple[float, int, int, int]:
    """What the extractor's parsing alone costs on the files it parses: the `ast` gate,
    libcst's parse and every node's span (the floor under a cold extraction)."""
    start = time.perf_counter()
    parsed = 0
    for path, rel in files:
        try:
            source = load_source(path, rel)
            if source is None:
                continue
            module, _ = parse(source)
            module.positions.spans.get(module.tree)   # every statement's spans made
            parsed += 1
        except (Unreadable, OSError, RecursionError):
            pass
    return time.perf_counter() - start, 0, parsed, 0


def exnet_run(projects: list[Path], reuse: Path | None = None) -> tuple[float, int, int, int]:
    start = time.perf_counter()
    models = extracted = skipped = 0
    for project in projects:
        result = extract_project(project, project.name, reuse=reuse)
        models += len(result.models)
        extracted += result.count("extracted")
        skipped += result.count("skipped")
    return time.perf_counter() - start, models, extracted, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", type=Path, nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    projects = [p for d in args.dirs for p in projects_in(d)]
    files = [(p, p.relative_to(proj).as_posix()) for proj in projects
             for p in iter_project_files(proj)]
    size = sum(p.stat().st_size for p, _ in files)
    mb = size / 1e6
    dl = sum(1 for p, _ in files if mentions_framework(p.read_bytes()))
    print(f"{len(projects)} projects, {len(files)} files ({mb:.1f} MB), "
          f"{dl} mention a deep-learning framework")
    base = min((baseline(files) for _ in range(args.repeat)), key=lambda r: r[0])
    bare = min((libcst_only(files) for _ in range(args.repeat)), key=lambda r: r[0])
    floor = min((parse_only(files) for _ in range(args.repeat)), key=lambda r: r[0])
    cold = min((exnet_run(projects) for _ in range(args.repeat)), key=lambda r: r[0])
    kept = Path(tempfile.mkdtemp(prefix="exnet-bench-"))
    try:
        exnet_run(projects, kept)   # fills the cache
        warm = min((exnet_run(projects, kept) for _ in range(args.repeat)),
                   key=lambda r: r[0])
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    print(f"{'':12} {'seconds':>8} {'files/s':>9} {'MB/s':>7} {'ratio':>6}")
    print(f"{'ast.parse':12} {base[0]:8.2f} {len(files) / base[0]:9.1f} {mb / base[0]:7.2f}"
          f" {1:6.2f}x  ({base[1]} parsed)")
    print(f"{'libcst alone':12} {bare[0]:8.2f} {len(files) / bare[0]:9.1f} "
          f"{mb / bare[0]:7.2f} {bare[0] / base[0]:6.2f}x  ({bare[2]} texts: parse_module only)")
    print(f"{'parse only':12} {floor[0]:8.2f} {len(files) / floor[0]:9.1f} "
          f"{mb / floor[0]:7.2f} {floor[0] / base[0]:6.2f}x  ({floor[2]} files: ast gate, "
          f"libcst, spans)")
    for label, run in (("exnet cold", cold), ("exnet warm", warm)):
        print(f"{label:12} {run[0]:8.2f} {len(files) / run[0]:9.1f} {mb / run[0]:7.2f}"
              f" {run[0] / base[0]:6.2f}x  ({run[2]} extracted, {run[3]} skipped unparsed, "
              f"{run[1]} models)")
    if warm[1:] != cold[1:]:
        print("warm and cold runs disagree: the cache changed a result", file=sys.stderr)
        return 1
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(exnet_run, projects)
        print(f"\ncold run, top {args.profile} functions by own time:")
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
