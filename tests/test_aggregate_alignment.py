"""Alignment: UPGMA guide tree, progressive profile alignment, adding to a profile."""

from __future__ import annotations

import random
from itertools import pairwise

import numpy as np

from exnet.aggregate import build_summary
from exnet.aggregate.alignment import Alignment, _upgma_order, align
from exnet.aggregate.distance import Alphabet

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
