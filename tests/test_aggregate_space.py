"""Model space: type-aware edit distance, classical and landmark MDS, nearest neighbours."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from exnet.aggregate import Options, build_summary
from exnet.aggregate.distance import Alphabet, all_distances, pair_distances
from exnet.aggregate.space import classical_mds, landmark_mds
from exnet.editdistance import distance as plain_distance
from exnet.editdistance import edit_script, family, substitution


def distance(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    alphabet = Alphabet(set(a) | set(b))
    codes, lens = alphabet.encode([a, b])
    return float(pair_distances(codes, lens, np.array([0]), np.array([1]), alphabet.cost)[0])


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("Embedding LSTM Dense", "Embedding LSTM Dense", 0.0),
    ("Embedding LSTM Dense", "Embedding GRU Dense", 0.5),          # same family
    ("Embedding LSTM Dense", "Embedding Conv1D Dense", 1.0),       # other type
    ("Embedding LSTM Dense", "Embedding Dense", 1.0),              # removal
    ("Conv2D MaxPool2D Dense", "Conv1D AvgPool1D Dense", 1.0),     # two family swaps
    ("Dense", "", 1.0),
    ("", "", 0.0),
    ("Embedding LSTM LSTM Dense", "Dense", 3.0),
])
def test_edit_distance(a: str, b: str, expected: float) -> None:
    assert distance(tuple(a.split()), tuple(b.split())) == expected
    assert plain_distance(tuple(a.split()), tuple(b.split())) == expected   # check's


def test_families() -> None:
    assert family("GRU") == family("LSTM") == "recurrent"
    assert family("SeparableConv2D") == family("Conv1D") == "convolution"
    assert family("GlobalAvgPool2D") != family("MaxPool2D")
    assert family("MyBlock") == "MyBlock"
    assert substitution("Add", "Concatenate") == 0.5


def test_batched_distances_match_the_scripted_distance() -> None:
    rng = random.Random(7)
    types = ["Embedding", "LSTM", "GRU", "Dense", "Conv1D", "MaxPool1D", "Attention"]
    seqs = [tuple(rng.choice(types) for _ in range(rng.randint(0, 9))) for _ in range(40)]
    alphabet = Alphabet(types)
    codes, lens = alphabet.encode(seqs)
    d = all_distances(codes, lens, alphabet.cost)
    for i in range(0, 40, 3):
        for j in range(1, 40, 4):
            cost = sum({"insert": 1.0, "remove": 1.0}.get(str(op[0]), 0.0)
                       + (substitution(str(op[2]), str(op[3])) if op[0] == "replace" else 0.0)
                       for op in edit_script(seqs[i], seqs[j]))
            assert d[i, j] == cost == d[j, i] == plain_distance(seqs[i], seqs[j])


def test_edit_script_positions_are_in_the_first_sequence() -> None:
    a = ("Embedding", "LSTM", "Dense")
    assert edit_script(a, ("Embedding", "Conv1D", "LSTM", "Dense")) == [
        ["insert", 1, "Conv1D"]]
    assert edit_script(a, ("Embedding", "GRU")) == [["replace", 1, "LSTM", "GRU"],
                                                    ["remove", 2, "Dense"]]
    assert edit_script(a, a + ("Dense",)) == [["insert", 3, "Dense"]]


def test_classical_mds_recovers_points_on_a_line() -> None:
    d = np.array([[0, 1, 3], [1, 0, 2], [3, 2, 0]], dtype=float)
    coords, explained = classical_mds(d)
    # centred at the mean (4/3), largest coordinate positive
    assert np.allclose(coords[:, 0], [-4 / 3, -1 / 3, 5 / 3])
    assert np.allclose(coords[:, 1], 0, atol=1e-6)   # sqrt of a rounding-size eigenvalue
    assert explained == pytest.approx(1.0)


def test_landmark_mds_equals_classical_mds_on_euclidean_points() -> None:
    pts = np.array([[0, 0], [4, 0], [0, 3], [4, 3], [1, 1], [2, 5]], dtype=float)
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    exact, _ = classical_mds(d)
    approx, _ = landmark_mds(d[:, [0, 1, 2, 3]], [0, 1, 2, 3])
    # both are the same configuration up to translation: compare distances
    da = np.sqrt(((approx[:, None] - approx[None]) ** 2).sum(-1))
    assert np.allclose(da, d)
    de = np.sqrt(((exact[:, None] - exact[None]) ** 2).sum(-1))
    assert np.allclose(de, d)


def model(project: str, types: str, framework: str = "keras") -> dict[str, Any]:
    return {"schema": "exnet.model/1", "project": project, "file": "m.py", "cell": None,
            "span": [1, 2], "name": "m", "framework": framework, "style": "sequential",
            "layers": [{"type": t, "api": t, "line": 1, "args": {}} for t in types.split()],
            "edges": None, "hyperparameters": {}, "datasets": []}


CORPUS = [model("a/a", "Embedding LSTM Dense"), model("b/b", "Embedding LSTM Dense", "pytorch"),
          model("c/c", "Embedding GRU Dense"), model("d/d", "Embedding Conv1D LSTM Dense"),
          model("e/e", "Conv2D MaxPool2D Dense")]


def test_neighbours_and_coordinates_in_the_model_table() -> None:
    summary = build_summary(CORPUS, options=Options(k_neighbours=3))
    cols = summary["models"]["columns"]
    rows = {r[0].split(":")[0]: dict(zip(cols, r)) for r in summary["models"]["rows"]}
    assert rows["a/a"]["neighbours"] == [[1, 0.0], [2, 0.5], [3, 1.0]]
    assert rows["c/c"]["neighbours"] == [[0, 0.5], [1, 0.5], [3, 1.5]]
    assert rows["e/e"]["neighbours"] == [[0, 2.0], [1, 2.0], [2, 2.0]]
    assert (rows["a/a"]["x"], rows["a/a"]["y"]) == (rows["b/b"]["x"], rows["b/b"]["y"])
    assert summary["space"]["method"] == "classical-mds" and summary["space"]["exact"]
    assert summary["approximations"] == []


def test_landmark_mode_beyond_the_exact_limit_says_so() -> None:
    exact = build_summary(CORPUS, options=Options(k_neighbours=3))
    approx = build_summary(CORPUS, options=Options(k_neighbours=3, exact_space_limit=2,
                                                    landmarks=3))
    assert approx["space"]["method"] == "landmark-mds"
    assert approx["space"]["exact"] is False and approx["space"]["landmarks"] == 3
    assert approx["approximations"][0].startswith(
        "space: 4 distinct core sequences exceed exact_space_limit 2; map by landmark MDS")
    # with as many candidates as sequences the re-ranked neighbours are the exact ones
    cols = exact["models"]["columns"]
    k = cols.index("neighbours")
    assert [r[k] for r in approx["models"]["rows"]] == [r[k] for r in exact["models"]["rows"]]
    for row in approx["models"]["rows"]:
        assert all(isinstance(v, float) for v in row[cols.index("x"):cols.index("y") + 1])


def test_landmark_mode_when_all_pairs_would_cost_too_much() -> None:
    summary = build_summary(CORPUS, options=Options(exact_space_cells=50))
    assert summary["space"]["method"] == "landmark-mds"
    # distinct core lengths 3, 3, 3, 4: three 3·3 pairs and three 3·4 pairs = 63 cells
    assert summary["approximations"][0].startswith(
        "space: all-pairs distances need 63 DP cells, over exact_space_cells 50;")
