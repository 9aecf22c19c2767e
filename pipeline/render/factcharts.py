"""Render stage: the charts and overview built on the projects' facts — the reported
results scatter and the preprocessing overview of the task page (and its one-line-per-kind
glance at the top of the page), and the training curves of a model page.

The scatter compares reported accuracy with model size (or training time) one dataset
at a time: numbers reported on different datasets are not comparable, and the chart
says so. The curves chart overlays a model's per-epoch logs with those of its nearest
neighbours that printed some. Both are drawn by assets/exnet-facts.js from JSON that
sits in the page; the preprocessing overview is plain HTML, every value linking to the
pages of the models behind it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from exnet.render.corpus import TaskSource
from exnet.render.facts import facts_table, result_text
from exnet.render.jsdata import safe_json
from exnet.render.tables import TaskTables
from exnet.render.values import format_number, format_share, plural

PLOTLY = "plotly"
#: Where several splits report an accuracy, the one the scatter shows.
SPLIT_PREFERENCE = {"test": 0, "validation": 1, "": 2, "train": 3}
CURVE_SERIES = ("loss", "val_loss", "test_loss", "accuracy", "val_accuracy", "test_accuracy")
NEIGHBOUR_CURVES = 3
#: Distinct padding lengths shown one bar each; more are grouped by histogram bin.
PADDING_BARS = 12
#: Overview parts that are facets in summary.json's `preprocessing`: (key, title, label
#: of the "none" value or None to leave it out).
OVERVIEW_PARTS = (("tokenizers", "Tokenizers", None),
                  ("pretrained_embeddings", "Pretrained embeddings", "none"),
                  ("image_sizes", "Image input sizes", None),
                  ("augmentation", "Augmentation", None))


def _wall_times(t: Mapping[str, list[Any]], n: int) -> dict[int, float]:
    seconds: dict[int, float] = {}
    for i, row in enumerate(t.get("row", [])):
        value = t["value"][i]
        if (isinstance(row, int) and 0 <= row < n and t["metric"][i] == "wall_time"
                and isinstance(value, (int, float)) and not isinstance(value, bool)):
            seconds[row] = float(value)
    return seconds


def scatter_points(task: TaskSource, tables: TaskTables) -> list[dict[str, Any]]:
    """One point per model and dataset with a reported accuracy (the split preferred by
    SPLIT_PREFERENCE), with the model's estimated size and printed training time."""
    t = facts_table(task.summary, "results")
    best: dict[tuple[int, str], tuple[int, int]] = {}
    for i, row in enumerate(t.get("row", [])):
        datasets = [t["dataset"][i]] if t["dataset"][i] else list(t["model_datasets"][i] or [])
        if (not isinstance(row, int) or not 0 <= row < tables.n or len(datasets) != 1
                or t["metric"][i] != "accuracy" or t["score"][i] is None):
            continue
        rank = SPLIT_PREFERENCE.get(str(t["split"][i] or ""), 2)
        key = (row, str(datasets[0]))
        if key not in best or rank <= best[key][0]:
            best[key] = (rank, i)
    seconds = _wall_times(t, tables.n)
    m = tables.models
    points = []
    for (row, dataset), (_, i) in sorted(best.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        params = m["params"][row]
        points.append({"row": row, "dataset": dataset, "score": t["score"][i],
                       "text": result_text(t["value"][i], t["unit"][i]),
                       "split": str(t["split"][i] or ""),
                       "params": params if isinstance(params, int) else None,
                       "seconds": seconds.get(row), "name": str(m["name"][row]),
                       "project": str(m["project"][row]),
                       "href": f"models/{tables.slugs[row]}.html"})
    return points


def results_scatter(task: TaskSource, tables: TaskTables) -> dict[str, Any] | None:
    """The scatter's context: its datasets (most points first) and its JSON; None when
    no model has a reported accuracy."""
    points = scatter_points(task, tables)
    if not points:
        return None
    counts: dict[str, int] = {}
    for p in points:
        counts[p["dataset"]] = counts.get(p["dataset"], 0) + 1
    datasets = sorted(counts, key=lambda d: (-counts[d], d))
    axes = [{"key": "params", "label": "Parameters (estimated)"}]
    if any(p["seconds"] is not None for p in points):
        axes.append({"key": "seconds", "label": "Training time (s, as printed)"})
    table = facts_table(task.summary, "results")
    unplaced = sum(1 for r, metric in zip(table.get("row", []), table.get("metric", []))
                   if r is None and metric == "accuracy")
    reported = str((task.summary.get("facts") or {}).get("label") or "")
    return {"datasets": [{"name": d, "text": f"{d} ({plural(counts[d], 'model')})"}
                         for d in datasets],
            "axes": axes, "reported": reported,
            "unplaced": plural(unplaced, "accuracy", "accuracies") if unplaced else "",
            "json": Markup(safe_json({"points": points, "datasets": datasets,
                                      "axes": axes, "reported": reported}))}


def _models(rows: Sequence[int], tables: TaskTables) -> list[dict[str, str]]:
    m = tables.models
    return [{"name": str(m["name"][r]), "project": str(m["project"][r]),
             "href": f"models/{tables.slugs[r]}.html"}
            for r in rows if isinstance(r, int) and 0 <= r < tables.n]


def _bars(values: Sequence[Any], rows: Sequence[Sequence[int]], n: int,
          tables: TaskTables, none: str | None) -> list[dict[str, Any]]:
    out = []
    for value, models in zip(values, rows):
        text = str(value)
        if text == "none" and none is None:
            continue
        share = len(models) / n if n else 0.0
        out.append({"value": text, "count": len(models), "share": format_share(share),
                    "width": f"{100 * share:.1f}", "models": _models(models, tables)})
    return out


def _padding_bins(padding: Mapping[str, Any]) -> list[tuple[str, list[int]]]:
    """Padding lengths with their models: one bar per length, or, past PADDING_BARS
    lengths, per bin of the summary's histogram ("128–255"), empty bins left out."""
    lengths = [(v, list(rows)) for v, rows in padding.get("models") or [] if rows]
    edges = (padding.get("histogram") or {}).get("edges") or []
    if len(lengths) <= PADDING_BARS or len(edges) < 2:
        return [(format_number(v), rows) for v, rows in lengths]
    bins = []
    for lo, hi in zip(edges, edges[1:]):
        rows = sorted(r for v, rs in lengths if lo <= v < hi for r in rs)
        if rows:
            top = hi - 1 if isinstance(hi, int) else hi
            bins.append((f"{format_number(lo)}–{format_number(top)}", rows))
    return bins


def preprocessing_overview(task: TaskSource, tables: TaskTables) -> dict[str, Any] | None:
    """The task page's overview of input preparation; None when nothing was found."""
    pre = task.summary.get("preprocessing") or {}
    n = int(pre.get("models") or 0)
    if not n:
        return None
    parts = []
    for key, title, none in OVERVIEW_PARTS:
        facet = pre.get(key) or {}
        bars = _bars(facet.get("values") or [], facet.get("models") or [], n, tables, none)
        if any(b["value"] != "none" for b in bars):
            parts.append({"key": key, "title": title, "bars": bars})
    padding = pre.get("padding_length") or {}
    lengths = _padding_bins(padding)
    pad = None
    if lengths:
        pad = {"bars": _bars([label for label, _ in lengths],
                             [rows for _, rows in lengths], n, tables, None),
               "text": f"median {format_number(padding.get('median') or 0)}, middle half "
                       f"{format_number(padding.get('q1') or 0)}–"
                       f"{format_number(padding.get('q3') or 0)}"
                       f", over {plural(int(padding.get('n') or 0), 'model')}"}
    augmented = pre.get("augmented") or {}
    aug = None
    if augmented.get("models"):
        aug = f"{format_share(float(augmented.get('share') or 0))} of the models augment " \
              f"their input ({augmented['models']} of {n})"
    if not parts and pad is None:
        return None
    return {"models": plural(n, "model"), "parts": parts, "padding": pad, "augmented": aug}


def _top(bars: Sequence[Mapping[str, Any]], shown: int = 3) -> str:
    """The most used values of a part, with their shares: "Tokenizer 29%, ... (+2 more)"."""
    named = [b for b in bars if b["value"] != "none"]
    text = ", ".join(f"{b['value']} {b['share']}" for b in named[:shown])
    return text + (f" (+{len(named) - shown} more)" if len(named) > shown else "")


def preprocessing_glance(task: TaskSource, overview: Mapping[str, Any] | None
                         ) -> list[dict[str, str]]:
    """One line per kind of input preparation for the top of the task page, each linking
    to its part of the full overview (`target`: the id of its heading); [] without one."""
    if not overview:
        return []
    pre = task.summary.get("preprocessing") or {}
    n = int(pre.get("models") or 0)
    parts = {p["key"]: p for p in overview["parts"]}
    lines = []
    for key, title, _ in OVERVIEW_PARTS:
        part = parts.get(key)
        if part is None:
            continue
        text = _top(part["bars"])
        if key == "pretrained_embeddings":
            facet = pre.get(key) or {}
            used = {r for v, rows in zip(facet.get("values") or [], facet.get("models") or [])
                    if str(v) != "none" for r in rows}
            text = f"{format_share(len(used) / n if n else 0.0)} of the models ({text})"
        elif key == "augmentation" and overview.get("augmented"):
            text = f"{overview['augmented']}: {text}"
        lines.append({"key": key, "title": title, "text": text, "target": f"h-prep-{key}"})
    if overview.get("padding"):
        lines.insert(1 if "tokenizers" in parts else 0,
                     {"key": "padding_length", "title": "Padding length",
                      "text": str(overview["padding"]["text"]), "target": "h-prep-padding"})
    return lines


def _curve_runs(task: TaskSource, tables: TaskTables) -> dict[int, list[dict[str, Any]]]:
    t = facts_table(task.summary, "curves")
    runs: dict[int, list[dict[str, Any]]] = {}
    for i, row in enumerate(t.get("row", [])):
        series = t["series"][i]
        if not (isinstance(row, int) and 0 <= row < tables.n and isinstance(series, Mapping)
                and t["epochs"][i]):
            continue
        kept = {k: list(v) for k, v in series.items() if k in CURVE_SERIES
                and isinstance(v, list) and any(x is not None for x in v)}
        if kept:
            runs.setdefault(row, []).append({"epochs": list(t["epochs"][i]), "series": kept})
    return runs


def training_curves(tables: TaskTables, row: int,
                    runs: Mapping[int, Sequence[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The model's training runs, then those of its nearest neighbours that have any (at
    most NEIGHBOUR_CURVES models); [] when the model has none."""
    if not runs.get(row):
        return []
    m = tables.models
    chosen = [row]
    for other, _ in m["neighbours"][row] or []:
        if len(chosen) > NEIGHBOUR_CURVES:
            break
        if isinstance(other, int) and other not in chosen and runs.get(other):
            chosen.append(other)
    return [{"name": str(m["name"][r]), "project": str(m["project"][r]), "own": r == row,
             "href": f"{tables.slugs[r]}.html", "runs": list(runs[r])} for r in chosen]


def task_facts(task: TaskSource, tables: TaskTables, assets: Mapping[str, str],
               ctx: Mapping[str, Any]) -> dict[str, Any]:
    """What the task page adds for the facts: the overview, the scatter, and the script
    that draws it."""
    scatter = results_scatter(task, tables)
    scripts = list(ctx["scripts"])
    if scatter is not None:
        scripts.append(str(ctx["root"]) + assets["facts"])
    overview = preprocessing_overview(task, tables)
    return {"preprocessing_overview": overview,
            "preprocessing_glance": preprocessing_glance(task, overview),
            "results_scatter": scatter, "scripts": scripts}


def model_curves(task: TaskSource, tables: TaskTables, assets: Mapping[str, str]
                 ) -> Any:
    """A function (row, page context) -> what a model page adds for its training curves:
    the chart's JSON and the scripts that draw it (plotly only where there is a chart)."""
    runs = _curve_runs(task, tables)

    def add(row: int, ctx: Mapping[str, Any]) -> dict[str, Any]:
        models = training_curves(tables, row, runs)
        if not models:
            return {"curves": None}
        root = str(ctx["root"])
        return {"curves": {"json": Markup(safe_json({"models": models})),
                           "neighbours": len(models) - 1},
                "scripts": [*ctx["scripts"], root + assets[PLOTLY], root + assets["common"],
                            root + assets["facts"]]}
    return add
