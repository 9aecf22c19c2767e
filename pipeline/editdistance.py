"""The structural distance between two layer sequences, and the edits between them.

An edit distance with type-aware substitution costs: changing a layer into one of its
family (LSTM → GRU, Conv1D → Conv2D, MaxPool → AvgPool; the families of the layer-type
table, `exnet.layertypes`) costs SAME_FAMILY, into
anything else OTHER_TYPE, and inserting or removing a layer costs INDEL. This is the one
cost model of exnet: aggregate's alignment, skeleton variations and model map
(`exnet.aggregate.distance` runs it vectorised over many pairs) and check's nearest
corpus models use it, so a distance reads the same on the site and in `exnet check`.
Here it runs in plain Python, one pair at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from exnet import layertypes

INDEL = 1.0
SAME_FAMILY = 0.5
OTHER_TYPE = 1.0


def family(kind: str) -> str:
    """The family a layer type belongs to for substitution costs: its family in the
    layer-type table (`exnet.layertypes.family_of`), or the type itself when that family
    holds unrelated types ("other")."""
    name = layertypes.family_of(kind)
    return name if layertypes.FAMILY_BY_NAME[name].substitutes else kind


def substitution(a: str, b: str) -> float:
    """The cost of changing layer type a into b: 0, SAME_FAMILY or OTHER_TYPE."""
    if a == b:
        return 0.0
    return SAME_FAMILY if family(a) == family(b) else OTHER_TYPE


def distance(a: Sequence[str], b: Sequence[str]) -> float:
    """The edit distance between two sequences (INDEL per layer inserted or removed,
    `substitution` per layer changed)."""
    prev = [j * INDEL for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [i * INDEL] + [0.0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j - 1] + substitution(a[i - 1], b[j - 1]),
                         prev[j] + INDEL, cur[j - 1] + INDEL)
        prev = cur
    return prev[-1]


def edit_script(a: Sequence[str], b: Sequence[str]) -> list[list[object]]:
    """The edits that turn sequence a into b at minimum cost, positions in a.

    ["insert", i, t]: insert t before a[i] (i == len(a): at the end);
    ["remove", i, t]: remove a[i], which is t; ["replace", i, t, u]: a[i] t becomes u.
    The script is read from the front; among equally cheap scripts it keeps equal layers
    paired as early as possible, then prefers removing and inserting to replacing, which
    reads most naturally: (E, L, D) -> (E, L, D, D) is "insert Dense at the end", and
    (E, C, L, D) -> (E, L, D, D) is "remove Conv1D, insert Dense", not two replacements.
    """
    n, m = len(a), len(b)
    # d[i][j]: cost of turning a[i:] into b[j:] (suffixes, so the traceback runs forward)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        d[i][m] = (n - i) * INDEL
    for j in range(m - 1, -1, -1):
        d[n][j] = (m - j) * INDEL
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            d[i][j] = min(d[i + 1][j + 1] + substitution(a[i], b[j]),
                          d[i + 1][j] + INDEL, d[i][j + 1] + INDEL)
    ops: list[list[object]] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and a[i] == b[j] and d[i][j] == d[i + 1][j + 1]:
            i, j = i + 1, j + 1
        elif i < n and d[i][j] == d[i + 1][j] + INDEL:
            ops.append(["remove", i, a[i]])
            i += 1
        elif j < m and d[i][j] == d[i][j + 1] + INDEL:
            ops.append(["insert", i, b[j]])
            j += 1
        else:
            ops.append(["replace", i, a[i], b[j]])
            i, j = i + 1, j + 1
    return ops
