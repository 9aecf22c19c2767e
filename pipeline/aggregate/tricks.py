"""Aggregate stage: how many models use each trick, overall and per framework.

The rules themselves are `exnet.tricks` (shared with `exnet check`), so the site and the
command line always give the same figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from exnet.tricks import TRICKS, model_tricks

__all__ = ["TRICKS", "model_tricks", "summarise_tricks"]


def summarise_tricks(tricks: Sequence[Sequence[str]],
                     frameworks: Sequence[str]) -> dict[str, Any]:
    """Per trick: models, share, and the same per framework (share of that framework)."""
    total = len(tricks)
    per_fw = pd.Series(list(frameworks), dtype=object).value_counts().to_dict()
    rows = [(t, fw) for ts, fw in zip(tricks, frameworks) for t in ts]
    df = pd.DataFrame(rows, columns=["trick", "framework"])
    counts = df.groupby(["trick", "framework"]).size().to_dict()
    out: dict[str, Any] = {}
    for name in TRICKS:
        by_fw = {fw: int(counts.get((name, fw), 0)) for fw in per_fw}
        used = sum(by_fw.values())
        out[name] = {
            "models": used,
            "share": round(used / total, 4) if total else 0.0,
            "by_framework": {fw: {"models": by_fw[fw], "share": round(by_fw[fw] / n, 4)}
                             for fw, n in sorted(per_fw.items())},
        }
    return out
