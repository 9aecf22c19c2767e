"""Benchmark: exnet's extraction throughput against plain `ast.parse` on the same files.

    python bench/extract.py DIR [--repeat N]

DIR is a folder of projects (each sub-folder one project, as `exnet mine --from` takes
it) or a single project (a folder with code at its top). For the same .py and .ipynb
files, in the same run, it prints
files/s and MB/s of (a) reading and `ast.parse` of every file (notebooks: their code
cells joined), and (b) `exnet.extract.extract_project` over every project, which skips
files that mention no deep-learning framework before any parse. Best of N runs.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

from exnet.extract import extract_project
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


def exnet_run(projects: list[Path]) -> tuple[float, int, int, int]:
    start = time.perf_counter()
    models = extracted = skipped = 0
    for project in projects:
        result = extract_project(project, project.name)
        models += len(result.models)
        extracted += result.count("extracted")
        skipped += result.count("skipped")
    return time.perf_counter() - start, models, extracted, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    projects = projects_in(args.dir)
    files = [(p, p.relative_to(proj).as_posix()) for proj in projects
             for p in iter_project_files(proj)]
    size = sum(p.stat().st_size for p, _ in files)
    mb = size / 1e6
    dl = sum(1 for p, _ in files if mentions_framework(p.read_bytes()))
    print(f"{len(projects)} projects, {len(files)} files ({mb:.1f} MB), "
          f"{dl} mention keras/tensorflow/torch")
    base = min((baseline(files) for _ in range(args.repeat)), key=lambda r: r[0])
    ours = min((exnet_run(projects) for _ in range(args.repeat)), key=lambda r: r[0])
    print(f"{'':12} {'seconds':>8} {'files/s':>9} {'MB/s':>7}")
    print(f"{'ast.parse':12} {base[0]:8.2f} {len(files) / base[0]:9.1f} {mb / base[0]:7.2f}"
          f"   ({base[1]} parsed)")
    print(f"{'exnet':12} {ours[0]:8.2f} {len(files) / ours[0]:9.1f} {mb / ours[0]:7.2f}"
          f"   ({ours[2]} extracted, {ours[3]} skipped unparsed, {ours[1]} models)")
    print(f"exnet / ast.parse time: {ours[0] / base[0]:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
