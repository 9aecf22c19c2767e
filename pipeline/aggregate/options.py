"""Aggregate stage: the knobs of the summary, with the defaults the site is designed for.

Every value used is written into summary.json ("options"), so a reader of the summary
knows which thresholds produced it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Options:
    """Thresholds and sizes of the aggregate stage (all recorded in the summary)."""

    #: A layer type used by fewer than this share of models (rounded up to a model
    #: count) is drawn as "Other" in the Sankey views; 2% keeps ~30 labels readable.
    other_min_share: float = 0.02
    #: Sankey input/output views show this many layers, then a "…" node.
    max_depth: int = 12
    #: The aligned view has gap columns, so it gets more room before "…".
    max_aligned_depth: int = 20
    #: Repeated units of up to this many layers collapse into "block × N".
    max_unit: int = 4
    #: How many skeletons (most common core sequences) are listed.
    skeletons: int = 20
    #: Variations of a skeleton: distinct core sequences within this edit distance (and
    #: within half the skeleton's length) ...
    variation_radius: float = 2.0
    #: ... at most this many per skeleton, nearest first.
    variations: int = 10
    #: Nearest neighbours listed per model.
    k_neighbours: int = 5
    #: Up to this many distinct core sequences, distances are exact and all-pairs
    #: (memory M² float64: 8 MB at 1,000); beyond it, landmark MDS and approximate kNN.
    exact_space_limit: int = 1000
    #: ... and only while the all-pairs work, the sum over pairs of len(a)·len(b)
    #: DP cells, stays under this (about a second): many long models (ResNets written
    #: out layer by layer) go the landmark way sooner.
    exact_space_cells: int = 200_000_000
    #: Landmarks for landmark MDS (chosen by max-min distance, deterministic).
    landmarks: int = 64
    #: Candidate sequences per sequence for approximate kNN, re-ranked exactly.
    knn_candidates: int = 16
    #: Progressive alignment over at most this many distinct core sequences (the most
    #: common); the rest are added to the finished alignment's profile.
    progressive_limit: int = 200

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
