"""Aggregate stage: the layer distribution — which types how many models use.

A model counts once per type however often it uses it ("models"); "layers" counts
occurrences. Shares are of all models, and per framework of that framework's models.
Types come straight from the records (activation arguments are not counted as
Activation layers here; the Sankey's full view does expand them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from exnet.sequences import HIDDEN_IN_CORE


def layer_distribution(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per type, most used first (then by name)."""
    total = len(records)
    frameworks = pd.Series([r.get("framework", "") for r in records], dtype=object)
    per_fw = frameworks.value_counts().to_dict()
    rows = [(i, r.get("framework", ""), layer["type"])
            for i, r in enumerate(records) for layer in r["layers"]]
    df = pd.DataFrame(rows, columns=["model", "framework", "type"])
    if df.empty:
        return []
    occurrences = df.groupby("type").size()
    used = df.drop_duplicates(["model", "type"])
    models = used.groupby("type").size()
    by_fw = used.groupby(["type", "framework"]).size()
    out = []
    for kind in sorted(models.index, key=lambda t: (-int(models[t]), t)):
        fw_counts = by_fw[kind].to_dict()
        out.append({
            "type": kind,
            "models": int(models[kind]),
            "share": round(int(models[kind]) / total, 4),
            "layers": int(occurrences[kind]),
            "core": kind not in HIDDEN_IN_CORE,
            "by_framework": {fw: {"models": int(fw_counts.get(fw, 0)),
                                  "share": round(fw_counts.get(fw, 0) / n, 4)}
                             for fw, n in sorted(per_fw.items())},
        })
    return out
