"""Render stage: the model map's view — robustly scaled coordinates, the far-out
models, and clusters labelled by their dominant architecture.

A classical MDS of edit distances puts a few very unusual models (a 160-layer ResNet
written out, an empty model) far from everyone else, and axes scaled to them squeeze the
other models into a corner. So each axis is centred on its median, measured in
interquartile ranges and compressed beyond the middle: t = asinh((v - median) / IQR),
linear near the centre and logarithmic far from it. Every model stays in view, the bulk
spreads out, and the page says so; models beyond `FENCE` interquartile ranges (Tukey's
far-out fences) are drawn apart (`outside`). Clusters are found by k-means on the
compressed coordinates from a deterministic start (farthest-point seeding from the most
populated spot) and named by the architecture most of their models share
(`architecture.architecture_name`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

FENCE = 3.0
MAX_CLUSTERS = 8
#: A cluster gets a label when it holds this share of the models (and 3 at least).
LABEL_SHARE = 0.04
_ITERATIONS = 30


def _robust(v: np.ndarray) -> tuple[float, float]:
    """The centre (median) and unit (interquartile range, else the range) of an axis."""
    q1, med, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    unit = q3 - q1 if q3 > q1 else (np.ptp(v) or 1.0)
    return float(med), float(unit)


def _seeds(points: np.ndarray, k: int) -> np.ndarray:
    """k starting centres: the most populated spot, then each time the point farthest
    from every centre chosen so far (deterministic, spread out)."""
    keys, counts = np.unique(points, axis=0, return_counts=True)
    centres = [keys[int(np.argmax(counts))]]
    dist = np.linalg.norm(points - centres[0], axis=1)
    while len(centres) < k:
        far = int(np.argmax(dist))
        if dist[far] <= 0:
            break
        centres.append(points[far])
        dist = np.minimum(dist, np.linalg.norm(points - points[far], axis=1))
    return np.array(centres)


def _kmeans(points: np.ndarray, k: int) -> np.ndarray:
    centres = _seeds(points, k)
    assign = np.zeros(len(points), dtype=np.int64)
    for _ in range(_ITERATIONS):
        d = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2)
        new = np.argmin(d, axis=1)
        if np.array_equal(new, assign) and _ > 0:
            break
        assign = new
        centres = np.array([points[assign == c].mean(axis=0) if np.any(assign == c)
                            else centres[c] for c in range(len(centres))])
    return assign


def map_view(xs: Sequence[Any], ys: Sequence[Any], names: Sequence[str]) -> dict[str, Any]:
    """{"tx", "ty": per row the compressed coordinates (None: not on the map), "outside":
    [rows beyond the fences], "clusters": [{label, models, names: [[name, models]] (the
    3 most common), x, y (compressed), rows}]} for the models at (xs[r], ys[r]), whose
    architectures are names[r]."""
    rows = [r for r in range(len(xs)) if isinstance(xs[r], (int, float))
            and isinstance(ys[r], (int, float))]
    empty: dict[str, Any] = {"tx": None, "ty": None, "outside": [], "clusters": []}
    if len(rows) < 2:
        return empty
    pts = np.array([[float(xs[r]), float(ys[r])] for r in rows])
    centre, unit = zip(*(_robust(pts[:, i]) for i in (0, 1)))
    z = (pts - np.array(centre)) / np.array(unit)
    t = np.arcsinh(z)
    far = np.any(np.abs(z) > FENCE + 0.5, axis=1)
    tx: list[float | None] = [None] * len(xs)
    ty: list[float | None] = [None] * len(xs)
    for i, r in enumerate(rows):
        tx[r], ty[r] = round(float(t[i, 0]), 4), round(float(t[i, 1]), 4)
    clusters = _clusters(t, [names[r] for r in rows], len(rows))
    for c in clusters:
        c["rows"] = [rows[i] for i in c.pop("members")]
    return {"tx": tx, "ty": ty, "outside": [rows[i] for i in np.flatnonzero(far)],
            "clusters": clusters}


def _clusters(pts: np.ndarray, names: list[str], total: int) -> list[dict[str, Any]]:
    if len(pts) < 3:
        return []
    distinct = len(np.unique(pts, axis=0))
    k = int(min(MAX_CLUSTERS, max(1, distinct // 3)))
    assign = _kmeans(pts, k)
    out: list[dict[str, Any]] = []
    for c in range(int(assign.max()) + 1):
        members = np.flatnonzero(assign == c)
        if len(members) < max(3, LABEL_SHARE * total):
            continue
        common = Counter(names[i] for i in members).most_common(3)
        centre = np.median(pts[members], axis=0)
        out.append({"label": common[0][0], "models": int(len(members)),
                    "members": [int(i) for i in members],
                    "names": [[name, int(n)] for name, n in common],
                    "x": float(centre[0]), "y": float(centre[1])})
    out.sort(key=lambda c: (-int(c["models"]), str(c["label"])))
    return out
