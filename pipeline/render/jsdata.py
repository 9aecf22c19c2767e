"""Render stage: the data the browser code reads, as safe JSON.

Pages carry a strict Content-Security-Policy (no inline scripts) and must work from
file://, where fetch() cannot read JSON; so each task's data is a script file,
`<task>/data.js`, that assigns one global (`window.EXNET_DATA`), and the small
per-page data sits in `<script type="application/json">` blocks. Both are written by
`safe_json`: JSON with `<`, `>`, `&` and the JavaScript line separators escaped, so no
string from a repository can close a script element or start markup.

The task data is columnar and indexed (strings interned, models referred to by row):
10,000 models stay around a few megabytes. Filtering happens in the browser over these
arrays: the Sankey views are stored as the distinct paths models take through each
view's nodes plus the path of every model, so that link counts for any selection are a
sum over the selected models.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from exnet.render.architecture import architecture_name
from exnet.render.corpus import TaskSource
from exnet.render.facets import task_facets
from exnet.render.facts import model_order
from exnet.render.families import FAMILIES, family_of
from exnet.render.tables import TaskTables, seq_at
from exnet.render.values import format_args, label, layer_brief

DATA_SCHEMA = "exnet.site-data/2"
#: Hyperparameters drawn on the task page, in order, with their kind and axis: numbers
#: that take a few values (sizes, counts) are drawn as one bar per value ("discrete"),
#: rates on a log axis in bins of a decade or finer ("log"). The parallel coordinates
#: read the scale of their axis.
HYPERPARAMETERS = (("optimizer", "categorical", ""), ("learning_rate", "numeric", "log10"),
                   ("batch_size", "numeric", "log2"), ("epochs", "numeric", "log2"),
                   ("loss", "categorical", ""), ("weight_decay", "numeric", "log10"),
                   ("momentum", "numeric", "linear"),
                   ("max_sequence_length", "numeric", "log2"),
                   ("pretrained_embeddings", "categorical", ""))
AXES = {"log10": "log", "log2": "discrete", "linear": "discrete"}
#: Models per file of layer details (read by the compare page, a few files at a time).
DETAIL_SHARD = 100
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}


def safe_json(obj: Any) -> str:
    """Deterministic compact JSON that is safe inside a script element or a .js file."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, sort_keys=True,
                      separators=(",", ":"))
    for char, escaped in _ESCAPES.items():
        text = text.replace(char, escaped)
    return text


def js_assign(target: str, obj: Any) -> str:
    """A script that stores `obj` under `target` (a trusted dotted name, not data)."""
    return f"{target}={safe_json(obj)};\n"


#: The largest data file the site should hold (GitHub Pages warns past 50 MB, and one
#: file is parsed in one go): data bigger than this is split into several files.
MAX_FILE_BYTES = 8_000_000


def js_files(target: str, obj: Any, limit: int | None = None) -> list[str]:
    """Scripts that, run in order, store `obj` under `target`, each under `limit` bytes
    where the data allows (one member's own value is never cut below a list item).

    Small data is one `js_assign`. Bigger data is the object with its small members
    first, then each big member on its own: a mapping by its members in turn, a list in
    chunks appended with `concat` (not `push.apply`, which passes every item as an
    argument). Member names are written as `safe_json` strings, so a key that came from a
    repository is data inside brackets, never code."""
    limit = MAX_FILE_BYTES if limit is None else limit
    return pack(assignments(target, obj, limit), limit)


def pack(statements: Iterable[str], limit: int) -> list[str]:
    """Whole statements, in order, packed into files of at most `limit` bytes."""
    files: list[str] = []
    for statement in statements:
        if files and len(files[-1]) + len(statement) <= limit:
            files[-1] += statement
        else:
            files.append(statement)
    return files


def member(target: str, path: Sequence[str]) -> str:
    """`target["a"]["b"]`: a member of a trusted target, keys written as safe strings."""
    return target + "".join(f"[{safe_json(str(key))}]" for key in path)


def assignments(target: str, obj: Any, limit: int) -> list[str]:
    """Statements that store `obj` under `target`, each under `limit` bytes where the
    data allows (see `js_files`)."""
    whole = js_assign(target, obj)
    if len(whole) <= limit:
        return [whole]
    if isinstance(obj, Mapping):
        sizes = {k: len(safe_json(v)) for k, v in obj.items()}
        big = [k for k, _ in sorted(sizes.items(), key=lambda kv: -kv[1])]
        small = dict(obj)
        rest: list[str] = []
        while big and len(js_assign(target, small)) > limit // 2:
            key = big.pop(0)
            del small[key]
            rest.extend(assignments(member(target, [key]), obj[key], limit))
        return [js_assign(target, {**small, **{k: None for k in obj if k not in small}})
                ] + rest
    if isinstance(obj, list) and len(obj) > 1:
        out: list[list[Any]] = []
        chunk: list[Any] = []
        size = 0
        for item in obj:
            item_size = len(safe_json(item)) + 1
            if chunk and size + item_size > limit - len(target) * 2 - 32:
                out.append(chunk)
                chunk, size = [], 0
            chunk.append(item)
            size += item_size
        out.append(chunk)
        return [js_assign(target, out[0])] + [
            f"{target}={target}.concat({safe_json(c)});\n" for c in out[1:]]
    return [whole]


def category(value: Any) -> str:
    """The text a categorical value is shown and grouped by."""
    return value if isinstance(value, str) else json.dumps(value)


def _intern(values: Iterable[Any], *, ordered: bool = False
            ) -> tuple[list[Any], list[int]]:
    """Distinct values (in first-seen order, or sorted) and each value's index."""
    values = list(values)
    distinct = sorted(set(values), key=str) if ordered else list(dict.fromkeys(values))
    table = {v: i for i, v in enumerate(distinct)}
    return distinct, [table[v] for v in values]


def _number(v: Any) -> int | float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return v


def hyperparameter_values(task: TaskSource, tables: TaskTables, key: str) -> list[Any]:
    """Each model's resolved value of a hyperparameter (None when absent or unresolved):
    from the model table when it has the column, else from the model records."""
    column = tables.models.get(key)
    if column is not None:
        return list(column)
    out: list[Any] = []
    for model in tables.models["id"]:
        hp = ((task.records.get(model) or {}).get("hyperparameters") or {}).get(key)
        if not isinstance(hp, Mapping) or hp.get("how") == "expression":
            out.append(None)
            continue
        v = hp.get("value")
        out.append(v.lower() if isinstance(v, str) else v
                   if isinstance(v, (int, float, bool)) else None)
    return out


#: Layer arguments drawn beside the hyperparameters, one value per model (that of the
#: model's first layer of the kind, so that a model counts once): (key, label, layer
#: types, argument, scale). A layer argument every model sets alike would tell nothing;
#: one that few models have is left out (LAYER_DIM_MIN models).
LAYER_DIMS = (
    ("lstm_units", "LSTM units (first LSTM layer)", ("LSTM",), "units", "log2"),
    ("gru_units", "GRU units (first GRU layer)", ("GRU",), "units", "log2"),
    ("conv_filters", "Convolution filters (first convolution)",
     ("Conv1D", "Conv2D", "Conv3D"), "filters", "log2"),
    ("embedding_dim", "Embedding size", ("Embedding",), "output_dim", "log2"),
    ("dropout_rate", "Dropout rate (first Dropout layer)", ("Dropout",), "rate", "linear"),
)
LAYER_DIM_MIN = 3


def layer_dims(task: TaskSource, tables: TaskTables) -> list[dict[str, Any]]:
    """The layer arguments of LAYER_DIMS as distributions like the hyperparameters'
    (marked `layer`, so the parallel coordinates of training settings leave them out)."""
    dims = []
    records = [task.records.get(model) or {} for model in tables.models["id"]]
    for key, text, types, argument, scale in LAYER_DIMS:
        values: list[int | float | None] = []
        for record in records:
            first = next((layer for layer in record.get("layers") or ()
                          if isinstance(layer, Mapping) and layer.get("type") in types), None)
            args = first.get("args") if first is not None else None
            values.append(_number(args.get(argument)) if isinstance(args, Mapping) else None)
        if sum(v is not None for v in values) >= LAYER_DIM_MIN:
            dims.append({"key": key, "label": text, "title": text.split(" (")[0].lower(),
                         "kind": "numeric", "scale": scale, "axis": AXES[scale],
                         "values": values, "layer": True})
    return dims


def hyperparameter_dims(task: TaskSource, tables: TaskTables) -> list[dict[str, Any]]:
    """The hyperparameters some model sets, each with per-model values (numbers, or
    indices into `cats`), plus the estimated parameter count."""
    dists = task.summary.get("hyperparameters") or {}
    dims: list[dict[str, Any]] = []
    for key, kind, scale in HYPERPARAMETERS:
        dist = dists.get(key) or {}
        if not dist.get("models"):
            continue
        values = hyperparameter_values(task, tables, key)
        if kind == "numeric":
            dims.append({"key": key, "label": label(key), "kind": kind, "scale": scale,
                         "axis": AXES[scale], "values": [_number(v) for v in values]})
            continue
        cats = [category(v) for v, _ in dist.get("top") or []]
        index = {c: i for i, c in enumerate(cats)}
        coded: list[int | None] = []
        for v in values:
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                coded.append(None)
                continue
            c = category(v)
            if c not in index:
                index[c] = len(cats)
                cats.append(c)
            coded.append(index[c])
        dims.append({"key": key, "label": label(key), "kind": kind, "cats": cats,
                     "values": coded})
    dims.extend(layer_dims(task, tables))
    params = task.summary.get("params") or {}
    if params.get("models"):
        dims.append({"key": "params", "label": "Parameters (estimated)", "kind": "numeric",
                     "title": "parameters", "scale": "log10", "axis": "log",
                     "values": [_number(v) for v in tables.models["params"]]})
    return dims


def sankey_view(view: Mapping[str, Any], n_models: int) -> dict[str, Any]:
    """One Sankey view as nodes, the distinct paths through them, and each model's path
    (-1 for a model the view does not show)."""
    nodes = [list(node) for node in view.get("nodes") or []]
    steps: list[list[tuple[int, int]]] = [[] for _ in range(n_models)]
    for source, target, rows in view.get("links") or []:
        for r in rows:
            if 0 <= r < n_models:
                steps[r].append((source, target))
    paths: dict[tuple[int, ...], int] = {}
    row_path: list[int] = []
    for links in steps:
        if not links:
            row_path.append(-1)
            continue
        links.sort(key=lambda st: (nodes[st[0]][0], st[0]))
        path = (links[0][0], *(t for _, t in links))
        row_path.append(paths.setdefault(path, len(paths)))
    return {"nodes": [[n[0], n[1], n[2], FAMILIES.index(family_of(str(n[1])))]
                      for n in nodes],
            "paths": [list(p) for p in paths], "row": row_path}


def _facets(task: TaskSource, tables: TaskTables) -> list[dict[str, Any]]:
    out = []
    for facet in task_facets(task, tables):
        values = [str(v) for v in facet["values"]]
        out.append({"key": facet["key"], "label": facet["legend"],
                    "multi": facet["multi"], "values": values,
                    "labels": [label(v) if facet["key"] == "trick" else v for v in values],
                    "rows": facet["models"]})
    return out


def task_data(task: TaskSource, tables: TaskTables) -> dict[str, Any]:
    """Everything the task, compare and map pages compute views from."""
    m = tables.models
    n = tables.n
    files, file_index = _intern(m["file"])
    project_names, project_index = _intern(m["project"])
    first: dict[Any, int] = {}
    for r, project in enumerate(m["project"]):
        first.setdefault(project, r)
    # Sorted, so that a framework has the same colour in every task.
    frameworks, fw_index = _intern((str(f) for f in m["framework"]), ordered=True)
    tokens, core_tokens = _intern_sequences(tables.core_collapsed)
    datasets = [(ds or [None])[0] if isinstance(ds, list) else None for ds in m["datasets"]]
    dataset_names, dataset_index = _intern(datasets)
    archs, arch_index = _intern(architecture_name(task.records.get(i) or {})
                                for i in m["id"])
    views = (task.summary.get("sankey") or {}).get("views") or {}
    return {
        "schema": DATA_SCHEMA,
        "task": task.name,
        "title": task.title,
        "n": n,
        "families": list(FAMILIES),
        "models": {
            "name": [str(v) for v in m["name"]], "project": project_index,
            "file": file_index, "cell": m["cell"], "line": m["line"], "fw": fw_index,
            "core": m["core"], "slug": tables.slugs, "x": m["x"], "y": m["y"],
            "dataset": dataset_index, "order": model_order(task, tables), "arch": arch_index,
            # every layer type of the model (its full sequence), for the text filter
            "types": [sorted({t for t in seq_at(tables.full_types, f)}) for f in m["full"]],
        },
        "archs": archs,
        "hasStars": tables.has_stars,
        "files": files,
        "frameworks": frameworks,
        "datasets": ["none" if d is None else str(d) for d in dataset_names],
        # links are rebuilt by the browser from the name and the commit (null: no link)
        "projects": {"name": [str(p) for p in project_names],
                     "ref": [tables.ref[first[p]] for p in project_names],
                     "stars": [tables.stars[first[p]] for p in project_names],
                     "page": [tables.project_pages.get(str(p)) for p in project_names]},
        "tokens": tokens,
        "tokenFamily": [FAMILIES.index(family_of(t)) for t in tokens],
        "core": core_tokens,
        "facets": _facets(task, tables),
        "typeFamily": {str(t): FAMILIES.index(family_of(str(t)))
                       for t in ((task.summary.get("facets") or {}).get("layer") or {})
                       .get("values") or []},
        "hyper": hyperparameter_dims(task, tables),
        "sankey": {name: sankey_view(view, n) for name, view in sorted(views.items())},
        "skeletons": [{"sequence": s.get("sequence"),
                       "variations": [v.get("sequence") for v in s.get("variations") or []]}
                      for s in task.summary.get("skeletons") or []],
        "details": {"size": DETAIL_SHARD, "files": (n + DETAIL_SHARD - 1) // DETAIL_SHARD},
    }


def _intern_sequences(seqs: Sequence[Sequence[str]]) -> tuple[list[str], list[list[int]]]:
    table: dict[str, int] = {}
    coded = [[table.setdefault(t, len(table)) for t in seq] for seq in seqs]
    return list(table), coded


def detail_shards(task: TaskSource, tables: TaskTables) -> list[dict[str, Any]]:
    """Per shard of DETAIL_SHARD model rows, each model's full layer list as
    [type, brief arguments, line, {argument: text}] (what the compare page aligns and
    compares: two layers are the same only when their type and arguments are)."""
    shards: list[dict[str, Any]] = []
    for start in range(0, tables.n, DETAIL_SHARD):
        layers: list[list[list[Any]]] = []
        for row in range(start, min(start + DETAIL_SHARD, tables.n)):
            rec = task.records.get(tables.models["id"][row])
            if rec is None:
                kinds = seq_at(tables.full_types, tables.models["full"][row])
                layers.append([[str(k), "", None, {}] for k in kinds])
                continue
            layers.append([[str(layer.get("type")), layer_brief(layer),
                            layer.get("line") if isinstance(layer.get("line"), int) else None,
                            dict(format_args(layer.get("args")))]
                           for layer in rec.get("layers") or []
                           if isinstance(layer, Mapping)])
        shards.append({"start": start, "layers": layers})
    return shards
