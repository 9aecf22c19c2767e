"""Aggregate stage: counts and the facet index the site filters on in the browser.

Each facet maps its values to the rows (in the summary's model table) of the models
that have them, so a filter is a union/intersection of small sorted lists. Multi-valued
facets (dataset, layer, trick) list a model under each of its values. Bucketed facets
(size, stars) keep their natural order; the others are ordered by count, then value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: Estimated parameter count buckets: (label, upper bound exclusive).
SIZE_BUCKETS = (("<10K", 10_000), ("10K–100K", 100_000), ("100K–1M", 1_000_000),
                ("1M–10M", 10_000_000), ("10M–100M", 100_000_000), ("≥100M", None))
STAR_BUCKETS = (("<10", 10), ("10–99", 100), ("100–999", 1_000), ("1K–9.9K", 10_000),
                ("≥10K", None))
UNKNOWN = "unknown"


def _bucket(value: int | None, buckets: tuple[tuple[str, int | None], ...]) -> str:
    if value is None:
        return UNKNOWN
    for label, upper in buckets:
        if upper is None or value < upper:
            return label
    return UNKNOWN  # pragma: no cover - the last bucket is open


def size_bucket(params: int | None) -> str:
    return _bucket(params, SIZE_BUCKETS)


def stars_bucket(stars: Any) -> str:
    ok = isinstance(stars, int) and not isinstance(stars, bool) and stars >= 0
    return _bucket(stars if ok else None, STAR_BUCKETS)


def facet(values_per_model: Sequence[Sequence[str]], multi: bool,
          order: Sequence[str] | None = None) -> dict[str, Any]:
    """{"multi", "values", "counts", "models"}: parallel lists, models = row lists."""
    rows: dict[str, list[int]] = {}
    for row, values in enumerate(values_per_model):
        for v in dict.fromkeys(values):        # once per model, first-seen order
            rows.setdefault(v, []).append(row)
    if order is not None:
        keys = [v for v in (*order, UNKNOWN) if v in rows]
    else:
        keys = sorted(rows, key=lambda v: (v == UNKNOWN, -len(rows[v]), v))
    return {"multi": multi, "values": keys, "counts": [len(rows[k]) for k in keys],
            "models": [rows[k] for k in keys]}


def build_facets(frameworks: Sequence[str], styles: Sequence[str],
                 datasets: Sequence[Sequence[str]], types: Sequence[Sequence[str]],
                 sizes: Sequence[str], stars: Sequence[str],
                 tricks: Sequence[Sequence[str]]) -> dict[str, Any]:
    """The facet index over the model table (models without a dataset: "unknown")."""
    return {
        "framework": facet([[f] for f in frameworks], False),
        "style": facet([[s] for s in styles], False),
        "dataset": facet([list(d) or [UNKNOWN] for d in datasets], True),
        "layer": facet(types, True),
        "size": facet([[s] for s in sizes], False, [b for b, _ in SIZE_BUCKETS]),
        "stars": facet([[s] for s in stars], False, [b for b, _ in STAR_BUCKETS]),
        "trick": facet(tricks, True),
    }
