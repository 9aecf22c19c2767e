"""Aggregate stage: the model space (REMAP-style map) — distances, 2-D projection, kNN.

Everything here works on distinct core sequences: models with the same core sequence
sit on the same point at distance 0, so M distinct sequences (far fewer than models)
bound the work.

- Up to `Options.exact_space_limit` distinct sequences (and `exact_space_cells` of DP
  work): the exact M×M distance matrix, classical MDS (Torgerson), exact neighbours.
- Beyond it, memory stays O(M·K): K landmarks chosen by max-min distance (the first is
  the most common sequence), landmark MDS (de Silva & Tenenbaum 2004) from the M×K
  distances, and nearest neighbours re-ranked exactly among the `knn_candidates`
  sequences closest in landmark-distance space. The summary says so ("approximations").

The projection is deterministic: eigenvectors from numpy's symmetric solver, each axis
turned so that its largest coordinate (by magnitude, first on ties) is positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exnet.aggregate.distance import all_distances, grid_distances, pair_distances
from exnet.aggregate.options import Options


@dataclass(frozen=True)
class Space:
    """The map of distinct core sequences."""

    coords: np.ndarray                       # (M, 2)
    #: per sequence: other sequences (index, distance), nearest first, enough to give
    #: each of its models k neighbours
    near: list[list[tuple[int, float]]]
    method: str                              # "classical-mds" | "landmark-mds" | "none"
    exact: bool
    landmarks: int | None
    explained: float                         # share of variance on the two axes
    why: str = ""                            # why the map is approximate, if it is


def _orient(coords: np.ndarray) -> np.ndarray:
    for axis in range(coords.shape[1]):
        col = coords[:, axis]
        if len(col) and col[int(np.argmax(np.abs(col)))] < 0:
            coords[:, axis] = -col
    return coords


def _top_two(b: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The two largest eigenpairs of a symmetric matrix (negative ones count as 0)."""
    vals, vecs = np.linalg.eigh(b)
    order = np.argsort(-vals, kind="stable")[:2]
    top = np.clip(vals[order], 0.0, None)
    positive = vals[vals > 1e-9].sum()
    explained = float(top.sum() / positive) if positive > 0 else 0.0
    lam = np.zeros(2)
    vec = np.zeros((b.shape[0], 2))
    lam[:len(top)] = top
    vec[:, :len(top)] = vecs[:, order]
    return lam, vec, explained


def classical_mds(d: np.ndarray) -> tuple[np.ndarray, float]:
    """Torgerson's classical MDS of a distance matrix into 2-D, and the share explained."""
    m = d.shape[0]
    if m == 0:
        return np.zeros((0, 2)), 0.0
    j = np.eye(m) - 1.0 / m
    b = -0.5 * j @ (d ** 2) @ j
    lam, vec, explained = _top_two(b)
    return _orient(vec * np.sqrt(lam)), explained


def landmark_mds(to_landmarks: np.ndarray, landmarks: list[int]) -> tuple[np.ndarray, float]:
    """Landmark MDS: classical MDS of the landmarks, every point placed by triangulation
    from its squared distances to them. `to_landmarks` is (M, K)."""
    sq = to_landmarks ** 2
    delta = sq[landmarks, :]                 # K×K squared distances among landmarks
    k = len(landmarks)
    j = np.eye(k) - 1.0 / k
    lam, vec, explained = _top_two(-0.5 * j @ delta @ j)
    pinv = np.zeros((2, k))
    for axis in range(2):
        if lam[axis] > 1e-9:
            pinv[axis] = vec[:, axis] / np.sqrt(lam[axis])
    mean = delta.mean(axis=0)
    coords = -0.5 * (sq - mean) @ pinv.T
    return _orient(coords), explained


def _maxmin_landmarks(codes: np.ndarray, lens: np.ndarray, cost: np.ndarray,
                      k: int) -> tuple[list[int], np.ndarray]:
    """K landmarks by max-min distance, starting from sequence 0 (the most common),
    and the (M, K) distances of every sequence to them."""
    m = len(lens)
    everyone = np.arange(m)
    chosen = [0]
    cols = [pair_distances(codes, lens, np.zeros(m, dtype=np.int64), everyone, cost)]
    nearest = cols[0].copy()
    while len(chosen) < k:
        nxt = int(np.argmax(nearest))       # first index on ties
        if nearest[nxt] <= 0:
            break
        chosen.append(nxt)
        col = pair_distances(codes, lens, np.full(m, nxt, dtype=np.int64), everyone, cost)
        cols.append(col)
        np.minimum(nearest, col, out=nearest)
    return chosen, np.stack(cols, axis=1)


def _near_lists(order_of: list[np.ndarray], dist_of: list[np.ndarray],
                counts: list[int], k: int) -> list[list[tuple[int, float]]]:
    """Cut each sequence's sorted neighbour list once it holds k models."""
    out: list[list[tuple[int, float]]] = []
    for s, (order, dist) in enumerate(zip(order_of, dist_of)):
        picked: list[tuple[int, float]] = []
        have = counts[s] - 1                 # same-sequence models come first
        for o, dv in zip(order.tolist(), dist.tolist()):
            if have >= k:
                break
            if o == s:
                continue
            picked.append((o, round(dv, 4)))
            have += counts[o]
        out.append(picked)
    return out


def build_space(codes: np.ndarray, lens: np.ndarray, counts: list[int], cost: np.ndarray,
                options: Options) -> Space:
    """The map and neighbour lists of distinct core sequences (see module docstring)."""
    m = len(lens)
    k = options.k_neighbours
    if m == 0:
        return Space(np.zeros((0, 2)), [], "none", True, None, 0.0)
    total = float(lens.sum())
    cells = (total * total - float((lens.astype(np.float64) ** 2).sum())) / 2
    if m <= options.exact_space_limit and cells <= options.exact_space_cells:
        d = all_distances(codes, lens, cost)
        coords, explained = classical_mds(d)
        idx = np.arange(m)
        orders = [np.lexsort((idx, d[s])) for s in range(m)]
        near = _near_lists(orders, [d[s][o] for s, o in zip(range(m), orders)], counts, k)
        return Space(coords, near, "classical-mds", True, None, explained)
    why = (f"{m} distinct core sequences exceed exact_space_limit "
           f"{options.exact_space_limit}" if m > options.exact_space_limit else
           f"all-pairs distances need {cells:.3g} DP cells, over exact_space_cells "
           f"{options.exact_space_cells:.3g}")
    chosen, to_land = _maxmin_landmarks(codes, lens, cost, min(options.landmarks, m))
    coords, explained = landmark_mds(to_land, chosen)
    # Candidates: nearest in landmark-distance space (the vectors of distances to the
    # landmarks), by chunks so that memory stays O(M·chunk); then exact re-ranking.
    c = min(options.knn_candidates, m - 1)
    sq = (to_land ** 2).sum(axis=1)
    cand = np.empty((m, c), dtype=np.int64)
    for start in range(0, m, 1024):
        block = to_land[start:start + 1024]
        d2 = sq[start:start + 1024, None] + sq[None, :] - 2.0 * block @ to_land.T
        rows = np.arange(start, start + len(block))
        d2[np.arange(len(block)), rows] = np.inf
        part = np.argpartition(d2, c - 1, axis=1)[:, :c]
        cand[start:start + len(block)] = np.sort(part, axis=1)
    ia = np.repeat(np.arange(m), c)
    exact = pair_distances(codes, lens, ia, cand.ravel(), cost).reshape(m, c)
    orders, dists = [], []
    for s in range(m):
        o = np.lexsort((cand[s], exact[s]))
        orders.append(cand[s][o])
        dists.append(exact[s][o])
    near = _near_lists(orders, dists, counts, k)
    return Space(coords, near, "landmark-mds", False, len(chosen), explained, why)


__all__ = ["Space", "build_space", "classical_mds", "grid_distances", "landmark_mds"]
