"""Render stage: how values read on the site (numbers, arguments, hyperparameter names).

Values come from mined code and can be anything JSON holds; they are turned into short
plain text here and escaped by the templates (or set as text by the browser code), never
interpreted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

#: Display names of canonical hyperparameters (others: the name with spaces).
HYPERPARAMETER_LABELS = {
    "optimizer": "Optimizer", "learning_rate": "Learning rate", "batch_size": "Batch size",
    "epochs": "Epochs", "loss": "Loss", "weight_decay": "Weight decay",
    "momentum": "Momentum", "max_sequence_length": "Max sequence length",
    "pretrained_embeddings": "Pretrained embeddings", "metrics": "Metrics",
    "early_stopping": "Early stopping", "lr_scheduler": "LR scheduler",
    "lr_schedule": "LR schedule", "batch_norm": "Batch normalization",
}
_MAX_TEXT = 80


def label(name: str) -> str:
    """A display name for a hyperparameter or facet key."""
    return HYPERPARAMETER_LABELS.get(name) or name.replace("_", " ").capitalize()


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 model", "2 models"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def shorten(text: str, limit: int = _MAX_TEXT) -> str:
    """`text` cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_number(v: float) -> str:
    """Short, exact-looking numbers: 64, 0.001, 2e-05, 1.5."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if not math.isfinite(v):
        return str(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6g}"


def format_value(v: Any, limit: int = _MAX_TEXT) -> str:
    """Any JSON value as short text (strings as they are, containers as compact JSON)."""
    if v is None:
        return "None"
    if isinstance(v, (bool, int, float)):
        return format_number(v)
    if isinstance(v, str):
        return shorten(v, limit)
    if isinstance(v, (list, tuple)) and all(isinstance(x, (int, float)) and not isinstance(
            x, bool) for x in v):
        return shorten("(" + ", ".join(format_number(x) for x in v) + ")", limit)
    try:
        text = json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):  # pragma: no cover - JSON input is always dumpable
        text = repr(v)
    return shorten(text, limit)


def format_count(n: float | None) -> str:
    """Parameter counts and other large numbers: 950, 12.3K, 2.1M, 1.2B."""
    if n is None:
        return "unknown"
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= size:
            return f"{n / size:.3g}{unit}"
    return format_number(n)


def format_share(share: float) -> str:
    """A share of models as a percentage: 0.5 -> "50%", 0.004 -> "0.4%"."""
    pct = 100 * share
    if pct == 0 or pct >= 10:
        return f"{pct:.0f}%"
    return f"{pct:.1g}%"


#: Arguments shown in a layer's one-line summary, in order; value only (no name).
_BRIEF_ARGS = ("units", "filters", "output_dim", "num_heads", "rate", "function", "name",
               "pool_size")


def layer_brief(layer: Mapping[str, Any]) -> str:
    """The arguments that matter most, in a few characters: "128 bi", "64 k3", "0.5"."""
    args = layer.get("args") or {}
    if not isinstance(args, Mapping):
        return ""
    parts: list[str] = []
    if layer.get("type") == "Embedding" and "input_dim" in args:
        parts.append(format_value(args["input_dim"], 12) + "→"
                     + format_value(args.get("output_dim", "?"), 12))
    for key in _BRIEF_ARGS:
        if key in args and not (key == "output_dim" and parts):
            parts.append(format_value(args[key], 24))
            break
    if "kernel_size" in args:
        parts.append("k" + format_value(args["kernel_size"], 12).strip("()").replace(", ", "×"))
    if args.get("bidirectional") is True:
        parts.append("bi")
    if isinstance(args.get("num_layers"), int) and args["num_layers"] > 1:
        parts.append(f"×{args['num_layers']} layers")
    if isinstance(args.get("activation"), str):
        parts.append(shorten(args["activation"], 16))
    return shorten(" ".join(parts), 40)


def format_args(args: Any) -> list[tuple[str, str]]:
    """All arguments of a layer as (name, text) pairs, sorted by name."""
    if not isinstance(args, Mapping):
        return []
    return [(shorten(str(k), 40), format_value(args[k])) for k in sorted(args, key=str)]
