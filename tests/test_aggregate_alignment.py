"""Alignment: UPGMA guide tree, progressive profile alignment, adding to a profile."""

from __future__ import annotations

import random
from itertools import pairwise

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from exnet.aggregate import build_summary
from exnet.aggregate.alignment import Alignment, _add_to_profile, _Profile, _upgma_order, align
from exnet.aggregate.distance import Alphabet
from exnet.editdistance import INDEL

E, L, D, C, G = "Embedding", "LSTM", "Dense", "Conv1D", "GRU"


def run(seqs: list[tuple[str, ...]], counts: list[int], limit: int = 200) -> Alignment:
    return align(seqs, counts, Alphabet({t for s in seqs for t in s}), limit)


def test_upgma_merges_closest_clusters_first() -> None:
    d = np.array([[0, 1, 4, 5], [1, 0, 4, 5], [4, 4, 0, 2], [5, 5, 2, 0]], dtype=float)
    assert _upgma_order(d, [1.0] * 4) == [(0, 1), (2, 3), (0, 2)]


def test_progressive_alignment_opens_columns_for_insertions() -> None:
    result = run([(E, L, D), (E, C, L, D), (E, D)], [3, 1, 1])
    assert result.length == 4
    assert result.columns == [[0, 2, 3], [0, 1, 2, 3], [0, 3]]
    assert (result.progressive, result.added) == (3, 0)


def test_family_substitutions_share_a_column() -> None:
    result = run([(E, L, D), (E, G, D), (E, C, G, D)], [2, 1, 1])
    assert result.columns == [[0, 2, 3], [0, 2, 3], [0, 1, 2, 3]]


def test_sequences_beyond_the_limit_get_insert_columns() -> None:
    # Only (E, L, D) is aligned progressively; the others are added to its profile.
    # The two-layer insertion widens the insert slot between E and L to two columns.
    result = run([(E, L, D), (E, C, L, D), (E, D), (E, C, C, L, D)], [3, 1, 1, 1], limit=1)
    assert (result.progressive, result.added, result.length) == (1, 3, 5)
    assert result.columns == [[0, 3, 4], [0, 1, 3, 4], [0, 4], [0, 1, 2, 3, 4]]


def test_single_and_empty_sequences() -> None:
    assert run([(E, D)], [1]).columns == [[0, 1]]
    result = run([(E, D), ()], [1, 1])
    assert (result.length, result.columns) == (2, [[0, 1], []])


def test_summary_alignment_has_a_consensus_row() -> None:
    def model(project: str, types: list[str]) -> dict:
        return {"schema": "exnet.model/1", "project": project, "file": "m.py", "cell": None,
                "span": [1, 2], "name": "m", "framework": "keras", "style": "sequential",
                "layers": [{"type": t, "api": t, "line": 1, "args": {}} for t in types],
                "edges": None, "hyperparameters": {}, "datasets": []}

    summary = build_summary([model("a/a", [E, L, D]), model("b/b", [E, L, D]),
                             model("c/c", [E, C, L, D]), model("d/d", [E, D])])
    alignment = summary["alignment"]
    assert alignment["length"] == 4
    assert alignment["columns"] == [[0, 2, 3], [0, 1, 2, 3], [0, 3]]
    assert alignment["consensus"] == [[E, 4, 4], [C, 1, 1], [L, 3, 3], [D, 4, 4]]


def test_alignments_are_valid_for_many_random_sequences() -> None:
    rng = random.Random(5)
    types = [E, L, D, C, G, "MaxPool1D"]
    seqs = sorted({tuple(rng.choice(types) for _ in range(rng.randint(0, 9)))
                   for _ in range(600)})
    for limit in (len(seqs), 40):              # all progressive; mostly added
        result = run(seqs, [1] * len(seqs), limit)
        assert result.progressive + result.added == len(seqs)
        for seq, cols in zip(seqs, result.columns):
            assert len(cols) == len(seq)
            assert all(a < b for a, b in pairwise(cols))       # order kept
            assert all(0 <= c < result.length for c in cols)


def _one_by_one(freq: np.ndarray, weight: float, seq: list[int],
                cost: np.ndarray) -> list[tuple[int, int]]:
    """The textbook alignment of one sequence to a profile, cell by cell (diagonal, then
    skipping a profile column, then inserting on ties), numbered as `_add_to_profile`
    numbers inserts."""
    gap = cost.shape[0] - 1
    f = freq / weight
    match, skip = f @ cost, f @ cost[:, gap]
    lp, n = len(f), len(seq)
    dp = [[0.0] * (n + 1) for _ in range(lp + 1)]
    for j in range(1, n + 1):
        dp[0][j] = dp[0][j - 1] + INDEL
    for i in range(1, lp + 1):
        dp[i][0] = dp[i - 1][0] + skip[i - 1]
        for j in range(1, n + 1):
            dp[i][j] = min(min(dp[i - 1][j - 1] + match[i - 1][seq[j - 1]],
                               dp[i - 1][j] + skip[i - 1]), dp[i][j - 1] + INDEL)
    placed: list[tuple[int, int]] = []
    i, j = lp, n
    while i or j:
        if i and j and dp[i][j] == dp[i - 1][j - 1] + match[i - 1][seq[j - 1]]:
            placed.append((i - 1, -1))
            i, j = i - 1, j - 1
        elif i and dp[i][j] == dp[i - 1][j] + skip[i - 1]:
            i -= 1
        else:
            placed.append((i, 0))
            j -= 1
    placed.reverse()
    out, k = [], 0
    for pos, (c, kind) in enumerate(placed):
        k = 0 if kind == -1 else (k + 1 if pos and placed[pos - 1] == (c, 0) else 0)
        out.append((c, -1 if kind == -1 else k))
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_adding_many_sequences_at_once_equals_adding_each_alone(seed: int) -> None:
    """The vectorised profile alignment (rows at once, insert runs resolved by repeated
    steps, traceback of all sequences together) gives each sequence exactly the
    alignment of the cell-by-cell programme, ties included."""
    rng = np.random.default_rng(seed)
    types = 5
    cost = rng.integers(0, 3, (types + 1, types + 1)) / 2.0
    cost = (cost + cost.T) / 2
    np.fill_diagonal(cost, 0.0)
    cost[:, types] = cost[types, :] = INDEL
    cost[types, types] = 0.0
    freq = rng.integers(0, 4, (int(rng.integers(1, 9)), types + 1)).astype(float)
    weight = float(max(freq.sum(axis=1).max(), 1.0))
    seqs = [list(rng.integers(0, types, int(rng.integers(0, 12)))) for _ in
            range(int(rng.integers(1, 20)))]
    lens = np.array([len(s) for s in seqs])
    codes = np.full((len(seqs), max(int(lens.max()), 1)), types)
    for r, s in enumerate(seqs):
        codes[r, :len(s)] = s
    profile = _Profile([0], {0: []}, freq, weight)
    assert _add_to_profile(profile, codes, lens, cost) == [
        _one_by_one(freq, weight, s, cost) for s in seqs]
