"""Aggregate stage: the structural distance between layer sequences.

An edit distance with type-aware substitution costs: changing a layer into one of its
family (LSTM → GRU, Conv1D → Conv2D, MaxPool → AvgPool) costs SAME_FAMILY, into
anything else OTHER_TYPE, and inserting or removing a layer costs INDEL. The alignment,
the skeletons' variations and the model map all use this one cost model.

Distances for many pairs at once run as one dynamic programme vectorised over the
pairs (numpy), which is what makes thousands of sequences affordable without a C
extension; single pairs with an edit script use plain Python.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

INDEL = 1.0
SAME_FAMILY = 0.5
OTHER_TYPE = 1.0

_RECURRENT = {"LSTM", "GRU", "RNN"}
_ATTENTION = {"Attention", "TransformerEncoder", "TransformerDecoder"}
_MERGE = {"Concatenate", "Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum", "Dot"}
_RESHAPE = {"Flatten", "Reshape"}

#: Pairs per vectorised batch: large enough to amortise numpy's per-call cost, small
#: enough that a batch's rows (a few MB) stay in cache.
_CHUNK = 16384


def family(kind: str) -> str:
    """The family a layer type belongs to, for substitution costs (itself if none)."""
    if kind in _RECURRENT:
        return "recurrent"
    if kind in _ATTENTION or "Attention" in kind:
        return "attention"
    if kind in _MERGE:
        return "merge"
    if kind in _RESHAPE:
        return "reshape"
    if "Conv" in kind:
        return "convolution"
    if "Pool" in kind:
        return "global_pooling" if kind.startswith("Global") else "pooling"
    if kind.endswith("Norm"):
        return "normalisation"
    return kind


def substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    return SAME_FAMILY if family(a) == family(b) else OTHER_TYPE


class Alphabet:
    """Layer types numbered in sorted order; code len(types) is the gap / padding."""

    def __init__(self, types: set[str] | Sequence[str]) -> None:
        self.types: tuple[str, ...] = tuple(sorted(set(types)))
        self.index = {t: i for i, t in enumerate(self.types)}
        self.gap = len(self.types)
        n = self.gap + 1
        cost = np.full((n, n), INDEL)
        fams = [family(t) for t in self.types]
        for i in range(self.gap):
            for j in range(self.gap):
                cost[i, j] = 0.0 if i == j else (
                    SAME_FAMILY if fams[i] == fams[j] else OTHER_TYPE)
        cost[self.gap, self.gap] = 0.0
        #: (A+1)×(A+1) costs; row/column `gap` holds the indel cost.
        self.cost = cost

    def encode(self, seqs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Sequences as a padded code matrix (padding = gap) and their lengths."""
        lens = np.array([len(s) for s in seqs], dtype=np.int64)
        width = int(lens.max()) if len(seqs) and lens.max() > 0 else 1
        codes = np.full((len(seqs), width), self.gap, dtype=np.int64)
        for r, seq in enumerate(seqs):
            codes[r, :len(seq)] = [self.index[t] for t in seq]
        return codes, lens


def pair_distances(codes: np.ndarray, lens: np.ndarray, ia: np.ndarray, ib: np.ndarray,
                   cost: np.ndarray) -> np.ndarray:
    """Edit distances between sequences ia[p] and ib[p] for every pair p.

    The cost model is symmetric, so each pair is turned to put the shorter sequence
    first; pairs are then sorted by length so that a batch only loops over the cells
    its own sequences need.
    """
    ia = np.asarray(ia, dtype=np.int64)
    ib = np.asarray(ib, dtype=np.int64)
    out = np.empty(len(ia), dtype=np.float64)
    if len(ia) == 0:
        return out
    swap = lens[ia] > lens[ib]
    ia, ib = np.where(swap, ib, ia), np.where(swap, ia, ib)
    la_all, lb_all = lens[ia], lens[ib]
    order = np.lexsort((la_all, lb_all))
    width = cost.shape[0]
    flat = cost.ravel()
    for start in range(0, len(order), _CHUNK):
        sel = order[start:start + _CHUNK]
        la, lb = la_all[sel], lb_all[sel]
        big_a, big_b = int(la.max()), int(lb.max())
        n = len(sel)
        a = codes[ia[sel]]
        b = codes[ib[sel]]
        b_cols = [b[:, j] for j in range(big_b)]
        res = lb * INDEL  # right for empty first sequences; the rest is overwritten
        res = res.astype(np.float64)
        prev = [np.full(n, j * INDEL) for j in range(big_b + 1)]
        at = np.arange(n)
        for i in range(1, big_a + 1):
            base = a[:, i - 1] * width
            cur = [np.full(n, i * INDEL)]
            for j in range(1, big_b + 1):
                v = prev[j - 1] + flat[base + b_cols[j - 1]]
                np.minimum(v, prev[j] + INDEL, out=v)
                np.minimum(v, cur[j - 1] + INDEL, out=v)
                cur.append(v)
            done = la == i
            if done.any():
                res[done] = np.stack(cur)[lb[done], at[done]]
            prev = cur
        out[sel] = res
    return out


def grid_distances(codes: np.ndarray, lens: np.ndarray, rows: Sequence[int],
                   cols: Sequence[int], cost: np.ndarray) -> np.ndarray:
    """Distances of every sequence in `rows` to every sequence in `cols`, as a matrix."""
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    ia = np.repeat(r, len(c))
    ib = np.tile(c, len(r))
    return pair_distances(codes, lens, ia, ib, cost).reshape(len(r), len(c))


def all_distances(codes: np.ndarray, lens: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """The full symmetric distance matrix (computing each unordered pair once)."""
    m = len(lens)
    iu, ju = np.triu_indices(m, k=1)
    d = np.zeros((m, m), dtype=np.float64)
    vals = pair_distances(codes, lens, iu, ju, cost)
    d[iu, ju] = vals
    d[ju, iu] = vals
    return d


def edit_script(a: Sequence[str], b: Sequence[str]) -> list[list[object]]:
    """The edits that turn sequence a into b at minimum cost, positions in a.

    ["insert", i, t]: insert t before a[i] (i == len(a): at the end);
    ["remove", i, t]: remove a[i], which is t; ["replace", i, t, u]: a[i] t becomes u.
    Ties prefer keeping layers paired (replace), then removals, so scripts are stable.
    """
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        d[i][0] = i * INDEL
    for j in range(1, m + 1):
        d[0][j] = j * INDEL
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j - 1] + substitution(a[i - 1], b[j - 1]),
                          d[i - 1][j] + INDEL, d[i][j - 1] + INDEL)
    ops: list[list[object]] = []
    i, j = n, m
    while i or j:
        if i and j and d[i][j] == d[i - 1][j - 1] + substitution(a[i - 1], b[j - 1]):
            if a[i - 1] != b[j - 1]:
                ops.append(["replace", i - 1, a[i - 1], b[j - 1]])
            i, j = i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + INDEL:
            ops.append(["remove", i - 1, a[i - 1]])
            i -= 1
        else:
            ops.append(["insert", i, b[j - 1]])
            j -= 1
    ops.reverse()
    return ops
