"""Render stage: a model's own value marked on the task's distribution (model pages).

Each numeric hyperparameter the model sets gets a small chart, drawn here as inline SVG
(a model page loads no chart library): the task's models as bars — one per value for
sizes and counts, bins of a third of a decade on a log axis for rates — the middle half
shaded, the median as a line, and the model's value as a marked line with its label.
The figures (median, quartiles) are `exnet.figures.numeric`, the computation of the
"check your model" page. Every chart has a text alternative: a sentence and a table of
its bars. All text in the SVG is numbers formatted here, escaped all the same.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from exnet.figures import Numeric, numeric
from exnet.render.values import format_number

WIDTH, HEIGHT, PAD = 320, 96, 14
BASE = HEIGHT - 26            # the bars' baseline
MAX_BARS = 14


def _bars(values: list[float], axis: str) -> list[tuple[str, float, float, int]]:
    """(label, left, right, models) in axis units: log10 bins of a third of a decade
    (edges 1, 2, 5 times a power of ten), or one bar per value (the MAX_BARS most
    common, at their own places)."""
    if axis == "log":
        steps = (1.0, 2.0, 5.0)
        counts: Counter[tuple[int, int]] = Counter()
        for v in values:
            k = math.floor(math.log10(v) + 1e-9)
            j = max(i for i, s in enumerate(steps) if v >= s * 10 ** k * (1 - 1e-9))
            counts[(k, j)] += 1
        out = []
        for (k, j), n in sorted(counts.items()):
            lo = steps[j] * 10.0 ** k
            hi = steps[j + 1] * 10.0 ** k if j < 2 else 10.0 ** (k + 1)
            out.append((f"{format_number(lo)}–{format_number(hi)}", math.log10(lo),
                        math.log10(hi), n))
        return out
    top = Counter(values).most_common(MAX_BARS)
    return [(format_number(v), *_slot(v), n) for v, n in sorted(top)]


def _slot(v: float) -> tuple[float, float]:
    x = _position(v)
    return x - 0.06, x + 0.06


def _position(v: float) -> float:
    """Where a value sits on the axis: log10 of it (sizes and rates alike), so a batch
    size of 32 and of 64 are as far apart as 64 and 128."""
    return math.log10(v) if v > 0 else 0.0


@dataclass(frozen=True)
class Distribution:
    """A task's values of one hyperparameter, measured once for every model page."""

    label: str
    nums: list[float]                                  # sorted
    figure: Numeric
    bars: list[tuple[str, float, float, int]]

    @classmethod
    def of(cls, label: str, values: Sequence[Any], axis: str) -> Distribution | None:
        """None when fewer than two of the values are positive numbers."""
        nums = sorted(float(v) for v in values if isinstance(v, (int, float))
                      and not isinstance(v, bool) and v > 0 and math.isfinite(v))
        figure = numeric(nums) if len(nums) >= 2 else None
        return None if figure is None else cls(label, nums, figure, _bars(nums, axis))

    def strip(self, value: Any) -> dict[str, Any] | None:
        """The chart for one model: {"label", "svg", "sentence", "rows": [(bar,
        models)]}, or None when its value is not a positive number."""
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            return None
        figure, bars = self.figure, self.bars
        mine = _position(float(value))
        lo = min(min(b[1] for b in bars), mine - 0.1)
        hi = max(max(b[2] for b in bars), mine + 0.1)
        below = bisect.bisect_left(self.nums, float(value))
        sentence = (f"{self.label}: this model {format_number(value)}; the task's median is "
                    f"{format_number(figure.median)} (middle half {format_number(figure.q1)} "
                    f"to {format_number(figure.q3)}); {below} of {len(self.nums)} models set "
                    f"a smaller value.")
        return {"label": self.label, "sentence": sentence, "rows": [(b[0], b[3]) for b in bars],
                "svg": _svg(bars, figure, mine, float(value), lo, hi, sentence)}


def strip(label: str, value: Any, values: Sequence[Any], axis: str) -> dict[str, Any] | None:
    """The chart of one hyperparameter for one model (see `Distribution.strip`)."""
    dist = Distribution.of(label, values, axis)
    return None if dist is None else dist.strip(value)


def _svg(bars: list[tuple[str, float, float, int]], f: Numeric, mine: float, value: float,
         lo: float, hi: float, sentence: str) -> Markup:
    def x(u: float) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * (u - lo) / (hi - lo or 1.0), 1)

    top = max(b[3] for b in bars)
    parts = [f'<svg class="strip" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(sentence)}" preserveAspectRatio="none">']
    q1, q3, med = (_position(float(v)) for v in (f.q1, f.q3, f.median))
    parts.append(f'<rect class="strip-iqr" x="{x(q1)}" y="4" width="{max(x(q3) - x(q1), 1)}" '
                 f'height="{BASE - 4}"/>')
    for _, left, right, n in bars:
        h = round((BASE - 12) * n / top, 1)
        parts.append(f'<rect class="strip-bar" x="{x(left)}" y="{BASE - h}" '
                     f'width="{max(x(right) - x(left) - 1, 1.5)}" height="{h}"/>')
    parts.append(f'<line class="strip-median" x1="{x(med)}" x2="{x(med)}" y1="4" '
                 f'y2="{BASE}"/>')
    parts.append(f'<line class="strip-mine" x1="{x(mine)}" x2="{x(mine)}" y1="2" '
                 f'y2="{BASE + 4}"/>')
    anchor = "end" if x(mine) > WIDTH * 0.7 else "start"
    dx = -4 if anchor == "end" else 4
    parts.append(f'<text class="strip-label" x="{x(mine) + dx}" y="{BASE + 18}" '
                 f'text-anchor="{anchor}">this model: {escape(format_number(value))}</text>')
    parts.append(f'<text class="strip-axis" x="{x(med)}" y="{BASE + 18}" '
                 f'text-anchor="middle">{"" if abs(x(med) - x(mine)) < 70 else "median"}'
                 f'</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
