"""Aggregate stage: edit distances between many layer sequences at once.

The cost model (type-aware substitutions, INDEL for an inserted or removed layer) is
`exnet.editdistance`'s, shared with check, which also runs it on single pairs and
gives the edit scripts. Here distances for many pairs at once run as one dynamic
programme vectorised over the pairs (numpy), which is what makes thousands of
sequences affordable without a C extension; the alignment and the model map use it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from exnet.editdistance import INDEL, OTHER_TYPE, SAME_FAMILY, family

#: Elements of one (sequence length × pairs) array of a batch: large enough to amortise
#: numpy's per-call cost, small enough (8 MB) that memory stays flat.
_CELLS = 1 << 20


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
