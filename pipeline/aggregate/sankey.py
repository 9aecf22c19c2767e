"""Aggregate stage: the structure overview as Sankey flows.

A node is (step, label); a link joins consecutive nodes of a model's path and lists the
rows (in the summary's model table) of every model that takes it, so the site can
highlight and filter without recomputing anything. Paths are built once per distinct
sequence and shared by its models.

Views (summary["sankey"]["views"]):
- core.input / full.input: aligned from the input. "(start)" at step -1, layer i at
  step i, "(end)" right after the last layer, so model lengths show. A model longer
  than max_depth shows its first max_depth layers, then "…" at step max_depth and
  "(end)" at max_depth + 1.
- core.output / full.output: aligned from the output, so classifier heads line up:
  the last layer is at step -1, "(end)" at 0 for everyone, "(start)" before the first
  layer shown; long models show their last max_depth layers after a "…".
- core.aligned: steps are the columns of the multiple-sequence alignment (gaps are
  skipped, so links may jump columns); "…" after max_aligned_depth columns.
- core.collapsed / full.collapsed: like *.input over "block × N" tokens.
Types used by fewer than `other_min_models` models are merged into "Other" (per view
family: core types are counted over core sequences, full types over full sequences).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

from exnet.aggregate.sequences import collapse, merge_rare
from exnet.sequences import Seq

START, END, MORE = "(start)", "(end)", "…"

Path = list[tuple[int, str]]


def input_path(seq: Sequence[str], depth: int) -> Path:
    path: Path = [(-1, START)]
    path += [(i, t) for i, t in enumerate(seq[:depth])]
    if len(seq) > depth:
        return path + [(depth, MORE), (depth + 1, END)]
    return path + [(len(seq), END)]


def output_path(seq: Sequence[str], depth: int) -> Path:
    n = len(seq)
    if n > depth:
        path: Path = [(-depth - 2, START), (-depth - 1, MORE)]
        path += [(i - depth, t) for i, t in enumerate(seq[n - depth:])]
    else:
        path = [(-n - 1, START)] + [(i - n, t) for i, t in enumerate(seq)]
    return path + [(0, END)]


def aligned_path(seq: Sequence[str], cols: Sequence[int], depth: int) -> Path:
    path: Path = [(-1, START)]
    path += [(c, t) for c, t in zip(cols, seq) if c < depth]
    if any(c >= depth for c in cols):
        return path + [(depth, MORE), (depth + 1, END)]
    return path + [((cols[-1] + 1) if len(cols) else 0, END)]


def build_view(paths: Sequence[Path], rows: Sequence[Sequence[int]]) -> dict[str, Any]:
    """Nodes [step, label, models] sorted by (step, label) and links
    [source, target, rows] sorted by (source, target); rows ascending."""
    node_models: dict[tuple[int, str], int] = {}
    link_rows: dict[tuple[tuple[int, str], tuple[int, str]], list[int]] = {}
    for path, members in zip(paths, rows):
        for node in path:
            node_models[node] = node_models.get(node, 0) + len(members)
        for a, b in pairwise(path):
            link_rows.setdefault((a, b), []).extend(members)
    nodes = sorted(node_models)
    index = {n: i for i, n in enumerate(nodes)}
    links = sorted(([index[a], index[b], sorted(r)] for (a, b), r in link_rows.items()),
                   key=lambda link: (link[0], link[1]))
    return {"nodes": [[s, label, node_models[(s, label)]] for s, label in nodes],
            "links": links}


def build_sankey(core: Sequence[Seq], core_rows: Sequence[Sequence[int]],
                 core_rare: set[str], core_cols: Sequence[Sequence[int]],
                 full: Sequence[Seq], full_rows: Sequence[Sequence[int]],
                 full_rare: set[str], *, max_depth: int, max_aligned_depth: int,
                 max_unit: int) -> dict[str, Any]:
    """All views (see module docstring), keyed "core.input", "full.output", ..."""
    core_m = [merge_rare(s, core_rare) for s in core]
    full_m = [merge_rare(s, full_rare) for s in full]

    def view(seqs: Sequence[Seq], rows: Sequence[Sequence[int]],
             make: Callable[[Seq], Path]) -> dict[str, Any]:
        return build_view([make(s) for s in seqs], rows)

    views = {
        "core.input": view(core_m, core_rows, lambda s: input_path(s, max_depth)),
        "core.output": view(core_m, core_rows, lambda s: output_path(s, max_depth)),
        "core.collapsed": view(core_m, core_rows,
                               lambda s: input_path(collapse(s, max_unit), max_depth)),
        "core.aligned": build_view(
            [aligned_path(s, c, max_aligned_depth) for s, c in zip(core_m, core_cols)],
            core_rows),
        "full.input": view(full_m, full_rows, lambda s: input_path(s, max_depth)),
        "full.output": view(full_m, full_rows, lambda s: output_path(s, max_depth)),
        "full.collapsed": view(full_m, full_rows,
                               lambda s: input_path(collapse(s, max_unit), max_depth)),
    }
    return views
