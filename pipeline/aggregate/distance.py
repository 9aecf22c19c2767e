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

from collections.abc import Sequence

import numpy as np

INDEL = 1.0
SAME_FAMILY = 0.5
OTHER_TYPE = 1.0

_RECURRENT = {"LSTM", "GRU", "RNN"}
_ATTENTION = {"Attention", "TransformerEncoder", "TransformerDecoder"}
_MERGE = {"Concatenate", "Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum", "Dot"}
_RESHAPE = {"Flatten", "Reshape"}

#: Elements of one (sequence length × pairs) array of a batch: large enough to amortise
#: numpy's per-call cost, small enough (8 MB) that memory stays flat.
_CELLS = 1 << 20


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


def _bucket(lengths: np.ndarray) -> np.ndarray:
    """Length classes 25% wide (0-1, 2, 3, 4, 5, 6-7, ... 60-79, 80-104, ...)."""
    return np.floor(np.log(lengths + 4.0) / np.log(1.25)).astype(np.int64)


def _chunks(la: np.ndarray, lb: np.ndarray) -> list[tuple[int, int]]:
    """Cut pairs sorted by (lb, la) into batches of similar lengths of *both*
    sequences (a batch loops over its longest first sequence and pads to its longest
    second one), each small enough that one (length × batch) array stays under _CELLS
    elements."""
    key = _bucket(lb) * 1000 + _bucket(la)
    cuts = np.flatnonzero(np.diff(key)) + 1
    out = []
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(lb)]):
        size = max(64, _CELLS // (int(lb[hi - 1]) + 1))
        out += [(int(s), int(min(s + size, hi))) for s in range(int(lo), int(hi), size)]
    return out


def pair_distances(codes: np.ndarray, lens: np.ndarray, ia: np.ndarray, ib: np.ndarray,
                   cost: np.ndarray) -> np.ndarray:
    """Edit distances between sequences ia[p] and ib[p] for every pair p.

    One dynamic programme for a whole batch of pairs: row i of every pair's DP table at
    once. Rows are kept shifted, E[j] = D[i][j] - j·INDEL, which turns the only
    sequential step, D[i][j] = min(..., D[i][j-1] + INDEL), into a running minimum, so
    numpy computes whole rows and Python loops only over rows. Costs are multiples of
    0.5, exact in float32. The cost model is symmetric, so each pair puts its shorter
    sequence first (fewer rows), and pairs are batched by length so that short pairs
    do not pay for the padding of long ones.
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
    diag = (cost.ravel() - INDEL).astype(np.float32)     # substitution, in shifted rows
    for lo, hi in _chunks(la_all[order], lb_all[order]):
        sel = order[lo:hi]
        la, lb = la_all[sel], lb_all[sel]
        big_a, big_b = int(la.max()), int(lb.max())
        n = len(sel)
        a = codes[ia[sel], :max(big_a, 1)] * width
        b_t = codes[ib[sel], :max(big_b, 1)].T[:big_b]     # (Lb, n): row j = j-th layers
        res = (lb * INDEL).astype(np.float64)              # right when a is empty
        prev = np.zeros((big_b + 1, n), dtype=np.float32)  # row 0: D = j·INDEL, E = 0
        at = np.arange(n)
        for i in range(1, big_a + 1):
            cur = np.empty_like(prev)
            cur[0] = i * INDEL
            np.add(prev[1:], INDEL, out=cur[1:])           # from above
            sub = diag[b_t + a[:, i - 1]]                   # diagonal ...
            sub += prev[:-1]
            np.minimum(cur[1:], sub, out=cur[1:])
            np.minimum.accumulate(cur, axis=0, out=cur)     # ... or from the left
            done = la == i
            if done.any():
                res[done] = cur[lb[done], at[done]] + lb[done] * INDEL
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
    The script is read from the front; among equally cheap scripts it keeps equal layers
    paired as early as possible, then prefers removing and inserting to replacing, which
    reads most naturally: (E, L, D) -> (E, L, D, D) is "insert Dense at the end", and
    (E, C, L, D) -> (E, L, D, D) is "remove Conv1D, insert Dense", not two replacements.
    """
    n, m = len(a), len(b)
    # d[i][j]: cost of turning a[i:] into b[j:] (suffixes, so the traceback runs forward)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        d[i][m] = (n - i) * INDEL
    for j in range(m - 1, -1, -1):
        d[n][j] = (m - j) * INDEL
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            d[i][j] = min(d[i + 1][j + 1] + substitution(a[i], b[j]),
                          d[i + 1][j] + INDEL, d[i][j + 1] + INDEL)
    ops: list[list[object]] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and a[i] == b[j] and d[i][j] == d[i + 1][j + 1]:
            i, j = i + 1, j + 1
        elif i < n and d[i][j] == d[i + 1][j] + INDEL:
            ops.append(["remove", i, a[i]])
            i += 1
        elif j < m and d[i][j] == d[i][j + 1] + INDEL:
            ops.append(["insert", i, b[j]])
            j += 1
        else:
            ops.append(["replace", i, a[i], b[j]])
            i, j = i + 1, j + 1
    return ops
