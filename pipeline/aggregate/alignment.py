"""Aggregate stage: multiple-sequence alignment of the distinct core sequences.

The Sankey's aligned view puts corresponding layers of different models in the same
column (the embedding with the embedding, the classifier head with the head), so the
static site never has to align anything itself.

Method (ClustalW-like, over the layer alphabet with the costs of `distance`):
1. Guide tree: UPGMA on the exact distances between the `progressive_limit` most common
   distinct sequences.
2. Progressive alignment: clusters are merged in guide-tree order by aligning their
   profiles (per column, the model-weighted frequency of each type and of gaps) with
   sum-of-pairs costs; a column once formed is never split.
3. Any further sequences (large corpora only) are aligned one by one against the
   finished profile in a single vectorised pass; their residues that match no column
   are put in insert columns between profile columns (wide enough for the longest
   insertion), as profile aligners do. The summary reports how many were added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exnet.aggregate.distance import Alphabet, all_distances
from exnet.editdistance import INDEL
from exnet.sequences import Seq

#: Sequences added to the profile per vectorised batch.
_BATCH = 512


@dataclass(frozen=True)
class Alignment:
    """Column of every layer of every distinct core sequence."""

    length: int
    columns: list[list[int]]        # per distinct sequence, one column per layer
    progressive: int                # sequences aligned progressively
    added: int                      # sequences added to the profile afterwards


class _Profile:
    def __init__(self, members: list[int], cols: dict[int, list[int]], freq: np.ndarray,
                 weight: float) -> None:
        self.members = members
        self.cols = cols            # member -> column of each of its layers
        self.freq = freq            # (L, A+1) model-weighted counts, last column = gaps
        self.weight = weight


def _upgma_order(d: np.ndarray, sizes: list[float]) -> list[tuple[int, int]]:
    """Merge order of UPGMA: (kept, absorbed) cluster ids; the first minimum on ties."""
    m = d.shape[0]
    d = d.astype(np.float64).copy()
    np.fill_diagonal(d, np.inf)
    size = np.array(sizes, dtype=np.float64)
    alive = np.ones(m, dtype=bool)
    merges: list[tuple[int, int]] = []
    for _ in range(m - 1):
        flat = int(np.argmin(d))
        i, j = divmod(flat, m)
        i, j = min(i, j), max(i, j)
        merges.append((i, j))
        row = (size[i] * d[i] + size[j] * d[j]) / (size[i] + size[j])
        d[i, :] = row
        d[:, i] = row
        d[i, i] = np.inf
        d[j, :] = np.inf
        d[:, j] = np.inf
        size[i] += size[j]
        alive[j] = False
    return merges


def _merge(x: _Profile, y: _Profile, cost: np.ndarray) -> _Profile:
    """Align two profiles (Needleman-Wunsch on sum-of-pairs column costs)."""
    gap = cost.shape[0] - 1
    fx, fy = x.freq / x.weight, y.freq / y.weight
    s = fx @ cost @ fy.T                        # column-vs-column expected cost
    gx = fx @ cost[:, gap]                      # x column against a gap column
    gy = fy @ cost[:, gap]
    lx, ly = len(fx), len(fy)
    dp = [[0.0] * (ly + 1) for _ in range(lx + 1)]
    for i in range(1, lx + 1):
        dp[i][0] = dp[i - 1][0] + gx[i - 1]
    for j in range(1, ly + 1):
        dp[0][j] = dp[0][j - 1] + gy[j - 1]
    sl, gxl, gyl = s.tolist(), gx.tolist(), gy.tolist()
    for i in range(1, lx + 1):
        row, up, srow, gxi = dp[i], dp[i - 1], sl[i - 1], gxl[i - 1]
        for j in range(1, ly + 1):
            row[j] = min(up[j - 1] + srow[j - 1], up[j] + gxi, row[j - 1] + gyl[j - 1])
    path: list[tuple[int | None, int | None]] = []
    i, j = lx, ly
    eps = 1e-9
    while i or j:
        if i and j and abs(dp[i][j] - (dp[i - 1][j - 1] + sl[i - 1][j - 1])) < eps:
            path.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and abs(dp[i][j] - (dp[i - 1][j] + gxl[i - 1])) < eps:
            path.append((i - 1, None))
            i -= 1
        else:
            path.append((None, j - 1))
            j -= 1
    path.reverse()
    new_x = {old: new for new, (old, _) in enumerate(path) if old is not None}
    new_y = {old: new for new, (_, old) in enumerate(path) if old is not None}
    freq = np.zeros((len(path), gap + 1))
    for new, (a, b) in enumerate(path):
        freq[new] += x.freq[a] if a is not None else _gaps(gap, x.weight)
        freq[new] += y.freq[b] if b is not None else _gaps(gap, y.weight)
    cols = {mem: [new_x[c] for c in cs] for mem, cs in x.cols.items()}
    cols.update({mem: [new_y[c] for c in cs] for mem, cs in y.cols.items()})
    return _Profile(x.members + y.members, cols, freq, x.weight + y.weight)


def _gaps(gap: int, weight: float) -> np.ndarray:
    v = np.zeros(gap + 1)
    v[gap] = weight
    return v


def _add_to_profile(profile: _Profile, codes: np.ndarray, lens: np.ndarray,
                    cost: np.ndarray) -> list[list[tuple[int, int]]]:
    """Align many sequences to a fixed profile at once (vectorised over sequences).

    Returns, per sequence, per layer: (profile column, -1) for a match, or
    (boundary, k) for the k-th layer inserted before profile column `boundary`.
    """
    ptr = _pointers(profile, codes, lens, cost)
    return [_inserts(placed) for placed in _traceback(ptr, lens)]


def _pointers(profile: _Profile, codes: np.ndarray, lens: np.ndarray,
              cost: np.ndarray) -> np.ndarray:
    """Needleman-Wunsch of every sequence against the profile: the traceback pointers,
    (profile + 1, width + 1, sequences), 0 diagonal, 1 profile column skipped, 2 insert.

    A row of the table is computed for all sequences and all layers at once. Only the
    insert move depends on the cell to its left; that chain is resolved by repeating one
    vectorised step until nothing changes, which takes as many steps as the longest run
    of insertions, not one per layer. Every cell gets the same floating-point sums as a
    cell-by-cell loop would, so ties break the same way.
    """
    gap = cost.shape[0] - 1
    f = profile.freq / profile.weight
    match = f @ cost                            # (L, A+1): column vs residue type
    skip = f @ cost[:, gap]                     # profile column left without a residue
    lp, n = len(f), len(lens)
    width = int(lens.max()) if n else 0
    residues = codes[:, :width].T               # (width, n)
    ptr = np.zeros((lp + 1, width + 1, n), dtype=np.int8)
    prev = np.arange(width + 1, dtype=np.float64)[:, None] * INDEL + np.zeros(n)
    ptr[0, 1:, :] = 2
    for i in range(1, lp + 1):
        diag = np.empty_like(prev)
        up = prev + skip[i - 1]
        diag[0] = np.inf
        diag[1:] = prev[:-1] + match[i - 1][residues]
        best = np.minimum(diag, up)
        cur = best.copy()
        while True:
            left = cur[:-1] + INDEL
            nxt = np.minimum(best[1:], left)
            if np.array_equal(nxt, cur[1:]):
                break
            cur[1:] = nxt
        ptr[i] = np.where(diag == cur, 0, np.where(up == cur, 1, 2))
        prev = cur
    return ptr


def _traceback(ptr: np.ndarray, lens: np.ndarray) -> list[list[tuple[int, int]]]:
    """Follow the pointers of all sequences together: per sequence, in forward order,
    (profile column, -1) for a match and (boundary, 0) for an inserted layer."""
    n = len(lens)
    i = np.full(n, ptr.shape[0] - 1, dtype=np.int64)
    j = lens.astype(np.int64).copy()
    rows = np.arange(n)
    steps: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    active = (i > 0) | (j > 0)
    while active.any():
        r = rows[active]
        step = ptr[i[r], j[r], r]
        moved = step != 1
        steps.append((r[moved], np.where(step[moved] == 0, i[r[moved]] - 1, i[r[moved]]),
                      step[moved] == 0))
        i[r] -= step != 2
        j[r] -= step != 1
        active = (i > 0) | (j > 0)
    placed: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for r, col, matched in reversed(steps):
        for row, c, m in zip(r.tolist(), col.tolist(), matched.tolist()):
            placed[row].append((c, -1 if m else 0))
    return placed


def _inserts(placed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Number the inserted layers of a run before the same profile column 0, 1, 2..."""
    fixed: list[tuple[int, int]] = []
    k = 0
    for pos, (c, kind) in enumerate(placed):
        if kind == -1:
            fixed.append((c, -1))
            k = 0
        else:
            k = k + 1 if pos and placed[pos - 1] == (c, 0) else 0
            fixed.append((c, k))
    return fixed


def align(seqs: list[Seq], counts: list[int], alphabet: Alphabet, limit: int) -> Alignment:
    """Align distinct core sequences (ordered most common first); see module docstring."""
    m = len(seqs)
    if m == 0:
        return Alignment(0, [], 0, 0)
    cost = alphabet.cost
    gap = alphabet.gap
    p = min(m, limit)
    codes, lens = alphabet.encode(seqs)
    profiles: list[_Profile] = []
    for s in range(p):
        freq = np.zeros((len(seqs[s]), gap + 1))
        for pos, t in enumerate(seqs[s]):
            freq[pos, alphabet.index[t]] = counts[s]
        profiles.append(_Profile([s], {s: list(range(len(seqs[s])))}, freq, float(counts[s])))
    if p > 1:
        d = all_distances(codes[:p], lens[:p], cost)
        for i, j in _upgma_order(d, [1.0] * p):
            profiles[i] = _merge(profiles[i], profiles[j], cost)
    final = profiles[0]
    if p == m:
        return Alignment(len(final.freq), [final.cols[s] for s in range(m)], p, 0)
    # In batches of similar length, so that no short sequence pays for a long one's
    # table; the traceback pointers take (profile × length × batch) bytes.
    rest = p + np.argsort(lens[p:], kind="stable")
    placed: list[list[tuple[int, int]]] = [[] for _ in range(m - p)]
    for lo in range(0, m - p, _BATCH):
        batch = rest[lo:lo + _BATCH]
        width = max(int(lens[batch].max()), 1)
        for s, places in zip(batch.tolist(),
                             _add_to_profile(final, codes[batch, :width], lens[batch], cost)):
            placed[s - p] = places
    lp = len(final.freq)
    widths = [0] * (lp + 1)                      # insert columns before each profile col
    for seq_places in placed:
        for c, k in seq_places:
            if k >= 0:
                widths[c] = max(widths[c], k + 1)
    start_ins, new_col = [0] * (lp + 1), [0] * lp
    at = 0
    for b in range(lp + 1):
        start_ins[b] = at
        at += widths[b]
        if b < lp:
            new_col[b] = at
            at += 1
    columns = [[new_col[c] for c in final.cols[s]] for s in range(p)]
    for seq_places in placed:
        columns.append([new_col[c] if k < 0 else start_ins[c] + k for c, k in seq_places])
    return Alignment(at, columns, p, m - p)
