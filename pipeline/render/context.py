"""Render stage: summary -> template contexts (plain dicts; the templates hold no logic).

Every page gets the same frame (`_frame`): the relative path to the site root (pages
link relatively so the site works from file:// and from any sub-path), the
Content-Security-Policy, the navigation, the stylesheet and the scripts. Each page
function then adds its own content, already formatted as text: numbers, shares, chips
and links are decided here, and the templates only place and escape them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from exnet import __version__
from exnet.figures import CATEGORICAL, NUMERIC, corpus_figures, corpus_models
from exnet.render.architecture import architecture_name
from exnet.render.charts import FACET_CHARTS, MAP_CONFIG, map_chart, task_charts
from exnet.render.corpus import TaskSource
from exnet.render.facets import task_facets
from exnet.render.factcharts import model_curves, task_facts
from exnet.render.facts import ORDER, model_facts
from exnet.render.families import FAMILIES, display_name, family_label, family_of
from exnet.render.jsdata import hyperparameter_dims, safe_json
from exnet.render.links import source_url, task_slug
from exnet.render.mapview import map_view
from exnet.render.strips import Distribution
from exnet.render.tables import TaskTables, seq_at
from exnet.render.values import (
    format_args,
    format_count,
    format_number,
    format_share,
    format_value,
    label,
    plural,
    shorten,
)
from exnet.rulebook import RULEBOOK

#: The policy every page carries (as a meta tag: static hosts set no headers). Scripts
#: and data come only from the site's own files; plotly.js injects <style> elements and
#: style attributes, hence 'unsafe-inline' for styles (styles cannot run code).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'none'; "
       "base-uri 'none'; form-action 'none'")
FACETS_SHOWN = 8
_METHODS = {"classical-mds": "classical multidimensional scaling",
            "landmark-mds": "landmark multidimensional scaling", "none": "none"}
PLOTLY = "plotly"  # key of the plotly.js asset in `assets`
#: The task page's sections (tabs), in order: (anchor, title).
SECTIONS = [{"id": "overview", "title": "Overview"}, {"id": "layers", "title": "Layers"},
            {"id": "hyperparameters", "title": "Hyperparameters"},
            {"id": "data", "title": "Datasets and preprocessing"},
            {"id": "tricks", "title": "Tricks"}, {"id": "models", "title": "Models"}]
#: Facets a distribution or the Sankey can be split by, side by side.
SPLITS = ("framework", "dataset", "era", "style")


def chips(tokens: Sequence[str]) -> list[dict[str, str]]:
    """A layer sequence as chips: label and family (for its colour)."""
    return [{"label": shorten(str(t), 60), "family": family_of(str(t))} for t in tokens]


def _frame(root: str, title: str, assets: Mapping[str, str], *, scripts: Sequence[str] = (),
           nav: Sequence[dict[str, Any]] = (), crumbs: Sequence[dict[str, Any]] = (),
           data: Mapping[str, Any] | None = None, body_class: str = "") -> dict[str, Any]:
    return {
        "root": root, "title": title, "csp": CSP, "version": __version__,
        "stylesheet": root + assets["css"],
        "scripts": [root + s for s in scripts],     # paths from the site root
        "nav": list(nav), "crumbs": list(crumbs), "body_class": body_class,
        "page_data": Markup(safe_json(data)) if data is not None else None,
        "home_href": root + "index.html", "search_href": root + "search.html",
    }


def _task_nav(root: str, slug: str, current: str) -> list[dict[str, Any]]:
    items = (("overview", "Overview", "index.html"), ("map", "Model map", "map.html"),
             ("compare", "Compare", "compare.html"), ("check", "Check your model",
                                                       "check.html"))
    return [{"label": text, "href": f"{root}{slug}/{href}", "current": key == current}
            for key, text, href in items]


def _totals(summary: Mapping[str, Any]) -> dict[str, Any]:
    totals = summary.get("totals") or {}
    return {"models": int(totals.get("models") or 0),
            "projects": int(totals.get("projects") or 0),
            "distinct": int(totals.get("distinct_core") or 0),
            "mined": summary.get("mined") or "unknown date"}


def home_context(tasks: Sequence[TaskSource], assets: Mapping[str, str]) -> dict[str, Any]:
    """The home page: every task with its counts and the date it was mined."""
    items = []
    for task in tasks:
        slug = task_slug(task.name)
        items.append({"title": task.title, "description": task.description,
                      "href": f"{slug}/index.html", "map_href": f"{slug}/map.html",
                      "compare_href": f"{slug}/compare.html", **_totals(task.summary)})
    mined = sorted(str(t.summary.get("mined")) for t in tasks if t.summary.get("mined"))
    ctx = _frame("", "exnet gallery", assets, body_class="home")
    ctx.update({"tasks": items, "mined": mined[-1] if mined else None,
                "models": sum(i["models"] for i in items),
                "projects": sum(i["projects"] for i in items)})
    return ctx


def _facet_context(task: TaskSource, tables: TaskTables) -> list[dict[str, Any]]:
    out = []
    for facet in task_facets(task, tables):
        key, values, counts = facet["key"], facet["values"], facet["counts"]
        options = [{"index": i, "id": f"f-{key}-{i}", "count": counts[i],
                    "label": label(str(v)) if key == "trick" else str(v)}
                   for i, v in enumerate(values)]
        out.append({"key": key, "legend": facet["legend"], "shown": options[:FACETS_SHOWN],
                    "more": options[FACETS_SHOWN:],
                    "any": "any of" if len(values) > 1 else ""})
    return out


def _edit_text(edit: Sequence[Any]) -> str:
    kind, pos = edit[0], edit[1] + 1 if isinstance(edit[1], int) else "?"
    if kind == "insert":
        return f"+ {edit[2]} before layer {pos}"
    if kind == "remove":
        return f"− {edit[2]} (layer {pos})"
    if kind == "replace":
        return f"{edit[2]} → {edit[3]} (layer {pos})"
    return " ".join(str(e) for e in edit)


def _skeletons(summary: Mapping[str, Any], tables: TaskTables) -> list[dict[str, Any]]:
    out = []
    for i, sk in enumerate(summary.get("skeletons") or []):
        variations = [{"index": j, "models": v.get("models", 0),
                       "models_text": plural(v.get("models", 0), "model"),
                       "chips": chips(seq_at(tables.core_collapsed, v.get("sequence"))),
                       "edits": [_edit_text(e) for e in v.get("edits") or []]}
                      for j, v in enumerate(sk.get("variations") or [])]
        out.append({"index": i, "chips": chips(sk.get("collapsed") or []),
                    "models": sk.get("models", 0), "share": format_share(sk.get("share", 0)),
                    "models_text": plural(sk.get("models", 0), "model"),
                    "variations_text": plural(len(variations), "variation"),
                    "near": sum(v["models"] for v in variations), "variations": variations})
    return out


def _tricks(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    tricks = summary.get("tricks") or {}
    return [{"key": k, "label": label(k), "models": v.get("models", 0),
             "share": format_share(v.get("share", 0)),
             "frameworks": [{"name": fw, "share": format_share(s.get("share", 0))}
                            for fw, s in sorted((v.get("by_framework") or {}).items())]}
            for k, v in sorted(tricks.items(), key=lambda kv: (-kv[1].get("models", 0),
                                                               kv[0]))]


def task_context(task: TaskSource, tables: TaskTables, assets: Mapping[str, str],
                 data_files: Sequence[str] = ("data.js",)) -> dict[str, Any]:
    """The task page: filters, every view's container and the server-rendered tables.
    `data_files`: the task data's files it lists (`dataparts`: the first view's only)."""
    slug = task_slug(task.name)
    root = "../"
    dims = hyperparameter_dims(task, tables)
    charts = task_charts(dims)
    frameworks = sorted({str(fw) for fw in tables.models["framework"]})
    ctx = _frame(root, task.title, assets, body_class="task",
                 scripts=[assets[PLOTLY], *(f"{slug}/{f}" for f in data_files),
                          assets["common"], assets["parcoords"], assets["dist"], assets["task"]],
                 nav=_task_nav(root, slug, "overview"),
                 crumbs=[{"label": "Home", "href": root + "index.html"},
                         {"label": task.title, "href": None}],
                 data={"charts": charts, "root": root})
    summary = task.summary
    ctx.update({
        "task": {"title": task.title, "description": task.description, "name": task.name,
                 **_totals(summary)},
        "approximations": [str(a) for a in summary.get("approximations") or []],
        "skipped": plural(len(summary.get("skipped") or []), "record") if summary.get("skipped")
        else "",
        "failures": plural(task.failures, "file") if task.failures else "",
        "facets": _facet_context(task, tables),
        "sections": SECTIONS,
        "splits": [{"key": f["key"], "label": f["legend"]} for f in task_facets(task, tables)
                   if f["key"] in SPLITS],
        "order": ORDER,
        "hyper": [{"key": d["key"], "label": d["label"], "id": f"hp-{d['key']}",
                   "title": charts["hyper"][d["key"]]["title"]} for d in dims],
        "charts": {"sankey": charts["sankey"]["title"], "layers": charts["layers"]["title"],
                   "parcoords": charts["parcoords"]["title"]},
        "facet_charts": [{"key": key, "id": f"fc-{key}", "title": charts["facets"][key]["title"]}
                         for key, _, _ in FACET_CHARTS
                         if any(f["key"] == key for f in task_facets(task, tables))],
        "tricks": _tricks(summary), "frameworks": frameworks,
        "skeletons": _skeletons(summary, tables),
        "families": [{"name": f, "label": family_label(f)} for f in FAMILIES
                     if f != "marker"],
    })
    ctx.update(task_facts(task, tables, assets, ctx))
    return ctx


def _hyperparameters(rec: Mapping[str, Any], blob: str | None) -> list[dict[str, Any]]:
    out = []
    hps = rec.get("hyperparameters") or {}
    for name in sorted(hps, key=str):
        hp = hps[name]
        if not isinstance(hp, Mapping):
            continue
        file, line = hp.get("file"), hp.get("line")
        out.append({"name": label(str(name)), "value": format_value(hp.get("value")),
                    "how": str(hp.get("how") or ""),
                    "where": f"{file}:{line}" if file else "",
                    "url": source_url(blob, file, line, hp.get("cell"))})
    return out


def _layers(rec: Mapping[str, Any], blob: str | None) -> list[dict[str, Any]]:
    out = []
    file = rec.get("file")
    # One link to the file, then an anchor per layer (a ResNet has hundreds of layers).
    file_url = source_url(blob, file, None, rec.get("cell"))
    notebook = file_url is None or rec.get("cell") is not None or str(file).endswith(".ipynb")
    for i, layer in enumerate(rec.get("layers") or [], start=1):
        if not isinstance(layer, Mapping):
            continue
        line = layer.get("line")
        url = file_url
        if not notebook and isinstance(line, int) and not isinstance(line, bool) and line > 0:
            url = f"{file_url}#L{line}"
        kind = str(layer.get("type"))
        out.append({"index": i, "type": kind, "family": family_of(kind),
                    "display": display_name(kind),
                    "api": str(layer.get("api") or ""), "line": line,
                    "args": format_args(layer.get("args")), "url": url})
    return out


def _preprocessing(rec: Mapping[str, Any], blob: str | None) -> list[dict[str, Any]]:
    out = []
    for step in rec.get("preprocessing") or []:
        if not isinstance(step, Mapping):
            continue
        out.append({"kind": str(step.get("kind") or ""), "api": str(step.get("api") or ""),
                    "args": format_args(step.get("args")),
                    "where": f"{step.get('file')}:{step.get('line')}",
                    "url": source_url(blob, step.get("file"), step.get("line"),
                                      step.get("cell"))})
    return out


def _dataset_evidence(rec: Mapping[str, Any], blob: str | None,
                      ids: list[str]) -> list[dict[str, Any]]:
    """Each dataset tag with where it is seen: a loader line, or the README."""
    shown = []
    evidence = [e for e in rec.get("dataset_evidence") or [] if isinstance(e, Mapping)]
    for ident in ids:
        e = next((e for e in evidence if e.get("id") == ident), None)
        if e is None:
            shown.append({"id": ident, "how": "", "where": "", "url": None})
            continue
        how = "README" if e.get("source") == "readme" else "loaded"
        where = f"{e.get('file')}" + (f" (cell {e['cell']})" if e.get("cell") is not None
                                      else "") + f":{e.get('line')}"
        shown.append({"id": ident, "how": how, "where": where,
                      "url": source_url(blob, e.get("file"), e.get("line"), e.get("cell"))})
    return shown


def _occurrences(rec: Mapping[str, Any], blob: str | None) -> list[dict[str, Any]]:
    """The other places the same architecture is defined (copies merged into this one)."""
    out = []
    for o in (rec.get("occurrences") or [])[1:]:
        if not isinstance(o, Mapping):
            continue
        span = o.get("span") or [None]
        line = span[0] if isinstance(span, list) and span else None
        where = f"{o.get('file')}" + (f" (cell {o['cell']})" if o.get("cell") is not None
                                      else "") + f":{line}"
        out.append({"name": str(o.get("name") or ""), "role": str(o.get("role") or ""),
                    "where": where, "url": source_url(blob, o.get("file"), line, o.get("cell"))})
    return out


def _neighbours(tables: TaskTables, row: int) -> list[dict[str, Any]]:
    """The model's nearest neighbours, each model once, and a project's copies of one
    core sequence once (the nearest): the model's own project's copies of its own
    sequence are not neighbours at all."""
    m = tables.models
    seen = {(m["project"][row], m["core"][row])}
    out: list[dict[str, Any]] = []
    for other, distance in m["neighbours"][row] or []:
        if not isinstance(other, int) or not 0 <= other < tables.n or other == row:
            continue
        key = (m["project"][other], m["core"][other])
        if key in seen:
            continue
        seen.add(key)
        out.append({"name": str(m["name"][other]), "project": str(m["project"][other]),
                    "slug": tables.slugs[other], "href": f"{tables.slugs[other]}.html",
                    "distance": format_number(distance),
                    "chips": chips(seq_at(tables.core_collapsed, m["core"][other]))})
    return out


def model_contexts(task: TaskSource, tables: TaskTables, assets: Mapping[str, str]
                   ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(slug, context) for every model page."""
    slug = task_slug(task.name)
    root = "../../"
    m = tables.models
    numeric_dims = [d for d in hyperparameter_dims(task, tables) if d["kind"] == "numeric"]
    dists = [x for x in (Distribution.of(d["label"], d["values"], d["axis"])
                         for d in numeric_dims) if x is not None]
    dist_values = {d["label"]: d["values"] for d in numeric_dims}
    curves = model_curves(task, tables, assets)
    for row in range(tables.n):
        rec = task.records.get(m["id"][row]) or {}
        blob = tables.blob[row]
        name = str(m["name"][row])
        file, line, cell = m["file"][row], m["line"][row], m["cell"][row]
        neighbours = _neighbours(tables, row)
        compare = [tables.slugs[row]] + [n["slug"] for n in neighbours[:1]]
        where = f"{file}" + (f" (cell {cell})" if cell is not None else "") + f":{line}"
        ctx = _frame(root, f"{name} · {task.title}", assets, body_class="model",
                     nav=_task_nav(root, slug, "model"),
                     crumbs=[{"label": "Home", "href": root + "index.html"},
                             {"label": task.title, "href": "../index.html"},
                             {"label": name, "href": None}])
        datasets = m["datasets"][row] or []
        ctx.update({
            "model": {
                "name": name, "project": str(m["project"][row]), "repo_url": tables.repo[row],
                "project_href": f"../projects/{tables.project_pages[str(m['project'][row])]}"
                                ".html",
                "where": where, "url": source_url(blob, file, line, cell),
                "framework": str(m["framework"][row]), "style": str(m["style"][row]),
                "datasets": _dataset_evidence(rec, blob, [str(d) for d in datasets]),
                "occurrences": _occurrences(rec, blob),
                "blocks": [str(b) for b in rec.get("blocks") or []],
                "params": format_count(m["params"][row]) if m["params"][row] is not None
                else "",
                "stars": tables.stars[row],
                "size": str(m["size"][row] or "unknown"),
                "tricks": [label(str(t)) for t in m["tricks"][row] or []],
                "core": chips(seq_at(tables.core_collapsed, m["core"][row])),
                "full": chips(seq_at(tables.full_collapsed, m["full"][row])),
            },
            "layers": _layers(rec, blob), "hyperparameters": _hyperparameters(rec, blob),
            "preprocessing": _preprocessing(rec, blob), "neighbours": neighbours,
            "strips": [c for c in (d.strip(dist_values[d.label][row]) for d in dists) if c],
            "task_href": "../index.html#hyperparameters",
            "compare_href": "../compare.html#m=" + ",".join(compare),
            "has_record": bool(rec),
        })
        ctx.update(model_facts(task, tables, row) | curves(row, ctx))
        yield tables.slugs[row], ctx


def compare_context(task: TaskSource, assets: Mapping[str, str],
                    data_files: Sequence[str] = ("data.js",)) -> dict[str, Any]:
    """The compare page: its controls; the browser fills in the chosen models."""
    slug = task_slug(task.name)
    root = "../"
    ctx = _frame(root, f"Compare models · {task.title}", assets, body_class="compare",
                 scripts=[*(f"{slug}/{f}" for f in data_files), assets["common"],
                          assets["compare"]],
                 nav=_task_nav(root, slug, "compare"),
                 crumbs=[{"label": "Home", "href": root + "index.html"},
                         {"label": task.title, "href": "index.html"},
                         {"label": "Compare", "href": None}],
                 data={"root": root, "max": 4})
    ctx["task"] = {"title": task.title}
    return ctx


def map_context(task: TaskSource, tables: TaskTables, assets: Mapping[str, str],
                data_files: Sequence[str] = ("data.js",)) -> dict[str, Any]:
    """The model map: the 2-D projection in a robust window (the far-out models at its
    edge), clusters named by their architecture, coloured by framework or dataset; zoom,
    and select an area to list and filter its models."""
    slug = task_slug(task.name)
    root = "../"
    space = task.summary.get("space") or {}
    m = tables.models
    view = map_view(m["x"], m["y"], [architecture_name(task.records.get(i) or {})
                                     for i in m["id"]])
    ctx = _frame(root, f"Model map · {task.title}", assets, body_class="map",
                 scripts=[assets[PLOTLY], *(f"{slug}/{f}" for f in data_files),
                          assets["common"], assets["map"]],
                 nav=_task_nav(root, slug, "map"),
                 crumbs=[{"label": "Home", "href": root + "index.html"},
                         {"label": task.title, "href": "index.html"},
                         {"label": "Model map", "href": None}],
                 data={"root": root, "layout": map_chart()["layout"], "config": MAP_CONFIG,
                       "view": view})
    explained = space.get("explained")
    ctx.update({"task": {"title": task.title, **_totals(task.summary)},
                "chart_title": map_chart()["title"],
                "outside": len(view["outside"]), "clusters": view["clusters"],
                "method": _METHODS.get(str(space.get("method")), str(space.get("method"))),
                "explained": format_share(explained) if isinstance(explained, (int, float))
                else None,
                "has_map": any(x is not None for x in tables.models["x"])})
    return ctx


def check_context(task: TaskSource, assets: Mapping[str, str]) -> dict[str, Any]:
    """The "check your model" page: how to run `exnet check` against this task's corpus
    (the site is static, so the check runs on the user's machine), what it looks for,
    and the corpus figures it compares with: `exnet.figures`, the very computation the
    command runs, on the same records, so the page and the command agree."""
    slug = task_slug(task.name)
    root = "../"
    ctx = _frame(root, f"Check your model · {task.title}", assets, body_class="check",
                 nav=_task_nav(root, slug, "check"),
                 crumbs=[{"label": "Home", "href": root + "index.html"},
                         {"label": task.title, "href": "index.html"},
                         {"label": "Check your model", "href": None}])
    records = corpus_models(task.records.values(), task.name)
    figs = corpus_figures(records)
    figures = []
    for name in NUMERIC:
        f = figs.numeric.get(name)
        if f is not None:
            figures.append({"key": name, "label": label(name), "models": f.n,
                            "median": format_number(f.median),
                            "q1": format_number(f.q1), "q3": format_number(f.q3),
                            "low": format_number(f.low), "high": format_number(f.high)})
    for name in CATEGORICAL:
        c = figs.categorical.get(name)
        if c is not None:
            figures.append({"key": name, "label": label(name), "models": c.n,
                            "top": c.top[0][0], "top_models": c.top[0][1]})
    dropout = figs.tricks["dropout"]
    ctx["task"] = {"title": task.title, "name": task.name, "models": figs.models}
    ctx["command"] = f"exnet check my_model.py --task {task.name}"
    ctx["rules"] = [{"rule": r.label, "severity": r.severity, "text": r.text}
                    for r in RULEBOOK]
    ctx["figures"] = figures
    ctx["dropout"] = {"percent": dropout.percent, "models": dropout.k, "of": dropout.n}
    return ctx


def search_context(assets: Mapping[str, str], parts: int = 1) -> dict[str, Any]:
    """The site search: a box and its results, over every task (search.js, and
    search-1.js ... when the documents are split: `jsdata.js_files`)."""
    names = ["search.js"] + [f"search-{i}.js" for i in range(1, parts)]
    ctx = _frame("", "Search", assets, body_class="search-page",
                 scripts=[*names, assets["common"], assets["minisearch"],
                          assets["search"]],
                 crumbs=[{"label": "Home", "href": "index.html"},
                         {"label": "Search", "href": None}])
    return ctx
