"""Aggregate stage: rare-type merging and "block × N" collapsing of layer sequences.

A model's full and core sequences are defined in `exnet.sequences` (shared with check);
this module groups them for the site: rare types merged into "Other" for the Sankey
views, repeated runs collapsed into "block × N" tokens, and the table of distinct
sequences that models point into.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from exnet.sequences import Seq

#: Label of merged rare types in the Sankey views.
OTHER = "Other"


def rare_types(sequences: Iterable[Seq], counts: Iterable[int], min_models: int) -> set[str]:
    """Types used by fewer than `min_models` models (a model counts once per type)."""
    used: dict[str, int] = {}
    for seq, n in zip(sequences, counts):
        for t in set(seq):
            used[t] = used.get(t, 0) + n
    return {t for t, n in used.items() if n < min_models}


def merge_rare(seq: Seq, rare: set[str]) -> Seq:
    """The sequence with every rare type replaced by "Other" (one step each, so that
    the Sankey still shows the model's true length)."""
    return tuple(OTHER if t in rare else t for t in seq) if rare else seq


def _primitive(unit: Seq) -> bool:
    """True unless the unit is itself a repetition (A A is A × 2, never a unit)."""
    n = len(unit)
    return not any(n % d == 0 and unit == unit[:d] * (n // d) for d in range(1, n))


@cache
def collapse(seq: Seq, max_unit: int = 4) -> Seq:
    """Collapse repeated runs into "block × N" tokens, with as few tokens as possible.

    Tokens are a type ("Dense"), a repeated type ("Dense × 2") or a repeated unit in
    parentheses, itself collapsed ("(Conv2D × 2 → MaxPool2D) × 3"). Among tokenisations
    with equally few tokens, the one whose first token covers more layers wins, then the
    shorter unit, which makes `A B A B A` read "(A → B) × 2, A" and `A A A A` "A × 4".
    """
    n = len(seq)
    # reps[i][u]: how many times seq[i:i+u] repeats back to back from i.
    reps = [[1] * (max_unit + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for u in range(1, max_unit + 1):
            if i + 2 * u <= n and seq[i:i + u] == seq[i + u:i + 2 * u]:
                reps[i][u] = reps[i + u][u] + 1
    # best[i] = (token count, -coverage of first token, unit, repeats) for seq[i:].
    best: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)] * (n + 1)
    for i in range(n - 1, -1, -1):
        choice = (best[i + 1][0] + 1, -1, 0, 1)
        for u in range(1, max_unit + 1):
            if reps[i][u] < 2 or not _primitive(seq[i:i + u]):
                continue
            for r in range(2, reps[i][u] + 1):
                cand = (best[i + u * r][0] + 1, -u * r, u, r)
                choice = min(choice, cand)
        best[i] = choice
    tokens: list[str] = []
    i = 0
    while i < n:
        _, _, u, r = best[i]
        if r == 1:
            tokens.append(seq[i])
            i += 1
        elif u == 1:
            tokens.append(f"{seq[i]} × {r}")
            i += r
        else:
            inner = " → ".join(collapse(seq[i:i + u], max_unit))
            tokens.append(f"({inner}) × {r}")
            i += u * r
    return tuple(tokens)


class SequenceTable:
    """Distinct sequences, numbered by model count (descending), then by the types.

    Distances, the alignment and the map are computed per distinct sequence, which are
    far fewer than models; models point into this table.
    """

    def __init__(self, per_model: Sequence[Seq]) -> None:
        rows_of: dict[Seq, list[int]] = {}
        for row, seq in enumerate(per_model):
            rows_of.setdefault(seq, []).append(row)
        self.seqs: list[Seq] = sorted(rows_of, key=lambda s: (-len(rows_of[s]), s))
        self.rows: list[list[int]] = [rows_of[s] for s in self.seqs]
        self.counts: list[int] = [len(r) for r in self.rows]
        index = {s: i for i, s in enumerate(self.seqs)}
        self.of_model: list[int] = [index[s] for s in per_model]

    def __len__(self) -> int:
        return len(self.seqs)
