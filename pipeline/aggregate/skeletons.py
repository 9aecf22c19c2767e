"""Aggregate stage: commonalities and variations.

A skeleton is a core sequence shared by models, listed most common first (empty core
sequences, i.e. models without layers, are not skeletons). Its variations are the
other distinct core sequences within `variation_radius` of it and within half its
length (near neighbours in the structural distance), each with the edits (insert,
remove, replace) that turn the skeleton into it, so the site can say "… and 7 models
add a Conv1D before the LSTM".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from exnet.aggregate.distance import grid_distances
from exnet.aggregate.options import Options
from exnet.aggregate.sequences import collapse
from exnet.editdistance import edit_script
from exnet.sequences import Seq


def build_skeletons(seqs: Sequence[Seq], counts: Sequence[int], codes: np.ndarray,
                    lens: np.ndarray, cost: np.ndarray, total: int,
                    options: Options) -> list[dict[str, Any]]:
    """The `options.skeletons` most common non-empty core sequences with variations."""
    picked = [s for s in range(len(seqs)) if seqs[s]][:options.skeletons]
    if not picked:
        return []
    d = grid_distances(codes, lens, picked, range(len(seqs)), cost)
    out = []
    idx = np.arange(len(seqs))
    for row, s in enumerate(picked):
        # Near means a few edits *and* less than half the skeleton changed: two edits
        # to a three-layer model make another model, not a variation.
        radius = min(options.variation_radius, len(seqs[s]) / 2)
        near = [o for o in np.lexsort((idx, d[row])).tolist()
                if o != s and d[row, o] <= radius and seqs[o]]
        support = counts[s] + sum(counts[o] for o in near)
        variations = sorted(near, key=lambda o: (d[row, o], -counts[o], o))
        out.append({
            "sequence": s,
            "collapsed": list(collapse(seqs[s], options.max_unit)),
            "models": counts[s],
            "share": round(counts[s] / total, 4),
            "support": support,
            "variations": [{"sequence": o, "models": counts[o],
                            "distance": round(float(d[row, o]), 4),
                            "edits": edit_script(seqs[s], seqs[o])}
                           for o in variations[:options.variations]],
        })
    return out
