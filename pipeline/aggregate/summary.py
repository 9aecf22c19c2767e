"""Aggregate stage: assembling summary.json from a task's records (pure, no I/O).

The order matters only for one reason: every part refers to models by their row in
the model table, so the rows are fixed first (sorted by model id) and everything else
is computed over records in that order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from exnet import editdistance
from exnet.aggregate import distance
from exnet.aggregate.alignment import Alignment, align
from exnet.aggregate.distributions import (
    hyperparameter_distributions,
    layer_argument_distributions,
    numeric_summary,
)
from exnet.aggregate.facets import build_facets, size_bucket, stars_bucket
from exnet.aggregate.facts import build_facts, preprocessing_overview
from exnet.aggregate.layer_counts import layer_distribution
from exnet.aggregate.options import Options
from exnet.aggregate.params import estimate_params
from exnet.aggregate.sankey import build_sankey
from exnet.aggregate.sequences import (
    SequenceTable,
    collapse,
    rare_types,
)
from exnet.aggregate.skeletons import build_skeletons
from exnet.aggregate.space import Space, build_space
from exnet.aggregate.table import (
    KEY_HYPERPARAMETERS,
    MODEL_COLUMNS,
    key_hyperparameter,
    model_neighbours,
    project_table,
)
from exnet.aggregate.tricks import model_tricks, summarise_tricks
from exnet.records import SUMMARY_SCHEMA, model_id
from exnet.sequences import core_sequence, full_sequence
from exnet.taskfit import misfit


def _coord(v: float) -> float:
    return round(float(v), 4) + 0.0          # + 0.0 turns -0.0 into 0.0


def _alignment_json(alignment: Alignment, seqs: Sequence[tuple[str, ...]],
                    counts: Sequence[int]) -> dict[str, Any]:
    """The alignment plus a consensus row: per column the most common type (by models),
    how many models have that type there, and how many have any layer there."""
    per_col: list[dict[str, int]] = [{} for _ in range(alignment.length)]
    for seq, cols, n in zip(seqs, alignment.columns, counts):
        for t, c in zip(seq, cols):
            per_col[c][t] = per_col[c].get(t, 0) + n
    consensus = []
    for tally in per_col:
        top = min(tally, key=lambda t: (-tally[t], t))
        consensus.append([top, tally[top], sum(tally.values())])
    return {"method": "progressive", "length": alignment.length,
            "progressive": alignment.progressive, "added": alignment.added,
            "columns": alignment.columns, "consensus": consensus}


def build_summary(records: Sequence[Mapping[str, Any]],
                  projects: Sequence[Mapping[str, Any]] = (), *, task: str = "",
                  options: Options | None = None,
                  skipped: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The summary of one task (structure documented in `exnet.aggregate`)."""
    opt = options or Options()
    why_not = [misfit(r, task) for r in records]    # once per record: it reads every layer
    left_out = [{"id": model_id(r), "project": r.get("project"), "file": r.get("file"),
                 "name": r.get("name"), "reason": why}
                for r, why in zip(records, why_not) if why is not None]
    records = [r for r, why in zip(records, why_not) if why is None]
    ids = [model_id(r) for r in records]
    order = sorted(range(len(records)), key=lambda i: (ids[i], i))
    records = [records[i] for i in order]
    ids = [ids[i] for i in order]
    n = len(records)

    full = [full_sequence(r) for r in records]
    core = [core_sequence(s) for s in full]
    core_t, full_t = SequenceTable(core), SequenceTable(full)
    min_models = max(1, math.ceil(round(opt.other_min_share * n, 9)))

    alphabet = distance.Alphabet({t for s in core_t.seqs for t in s})
    codes, lens = alphabet.encode(core_t.seqs)
    space = build_space(codes, lens, core_t.counts, alphabet.cost, opt)
    alignment = align(core_t.seqs, core_t.counts, alphabet, opt.progressive_limit)
    core_rare = rare_types(core_t.seqs, core_t.counts, min_models)
    full_rare = rare_types(full_t.seqs, full_t.counts, min_models)
    views = build_sankey(core_t.seqs, core_t.rows, core_rare, alignment.columns,
                         full_t.seqs, full_t.rows, full_rare, max_depth=opt.max_depth,
                         max_aligned_depth=opt.max_aligned_depth, max_unit=opt.max_unit)

    stars_of = {p["full_name"]: p.get("stars") for p in projects}
    params = [estimate_params(r) for r in records]
    tricks = [model_tricks(r) for r in records]
    sizes = [size_bucket(p) for p in params]
    stars = [stars_bucket(stars_of.get(r["project"])) for r in records]
    frameworks = [str(r.get("framework", "")) for r in records]
    styles = [str(r.get("style", "")) for r in records]
    datasets = [[d for d in r.get("datasets") or () if isinstance(d, str)] for r in records]
    neighbours = model_neighbours(core_t.of_model, core_t.rows, space.near, opt.k_neighbours)

    rows = []
    for i, r in enumerate(records):
        s = core_t.of_model[i]
        rows.append([ids[i], r["project"], r["file"], r.get("cell"), r["span"][0], r["name"],
                     frameworks[i], styles[i], s, full_t.of_model[i],
                     *(key_hyperparameter(r, name) for name in KEY_HYPERPARAMETERS),
                     datasets[i], params[i], sizes[i], stars[i], tricks[i],
                     _coord(space.coords[s, 0]), _coord(space.coords[s, 1]), neighbours[i]])

    per_project: dict[str, int] = {}
    for r in records:
        per_project[r["project"]] = per_project.get(r["project"], 0) + 1
    known = [p for p in params if p is not None]
    approximations = _approximations(space, alignment, opt)
    facts_part, facts_facets = build_facts(records, ids, projects)
    mined = sorted(str(p["mined"]) for p in projects if p.get("mined"))

    return {
        "schema": SUMMARY_SCHEMA,
        "task": task,
        "mined": mined[-1] if mined else None,
        "totals": {"models": n, "projects": len(per_project),
                   "distinct_core": len(core_t), "distinct_full": len(full_t),
                   "skipped": len(skipped), "left_out": len(left_out)},
        "skipped": list(skipped),
        "left_out": sorted(left_out, key=lambda m: str(m["id"])),
        "options": opt.to_json(),
        "approximations": approximations,
        "models": {"columns": list(MODEL_COLUMNS), "rows": rows},
        "projects": project_table(projects, per_project),
        "sequences": {
            "core": {"columns": ["types", "collapsed", "models"],
                     "rows": [[list(s), list(collapse(s, opt.max_unit)), c]
                              for s, c in zip(core_t.seqs, core_t.counts)]},
            "full": {"columns": ["types", "collapsed", "models"],
                     "rows": [[list(s), list(collapse(s, opt.max_unit)), c]
                              for s, c in zip(full_t.seqs, full_t.counts)]},
        },
        "layers": layer_distribution(records),
        "sankey": {"other_min_models": min_models,
                   "other": {"core": sorted(core_rare), "full": sorted(full_rare)},
                   "max_depth": opt.max_depth, "max_aligned_depth": opt.max_aligned_depth,
                   "views": views},
        "skeletons": build_skeletons(core_t.seqs, core_t.counts, codes, lens,
                                     alphabet.cost, n, opt),
        "alignment": _alignment_json(alignment, core_t.seqs, core_t.counts),
        "hyperparameters": hyperparameter_distributions(records),
        "layer_arguments": layer_argument_distributions(records),
        "tricks": summarise_tricks(tricks, frameworks),
        "params": {"estimated": True, "models": len(known), "missing": n - len(known),
                   **numeric_summary(known, "log10")},
        "facets": {**build_facets(frameworks, styles, datasets,
                                  [sorted({layer["type"] for layer in r["layers"]})
                                   for r in records], sizes, stars, tricks),
                   **facts_facets},
        # The projects' facts (environment, reported results, licence; exnet.facts).
        "facts": facts_part,
        "preprocessing": preprocessing_overview(records),
        "space": {"method": space.method, "exact": space.exact, "landmarks": space.landmarks,
                  "explained": round(space.explained, 4), "k": opt.k_neighbours,
                  "distance": {"indel": editdistance.INDEL,
                               "same_family": editdistance.SAME_FAMILY,
                               "other_type": editdistance.OTHER_TYPE,
                               "families": {t: editdistance.family(t)
                                            for t in alphabet.types
                                            if editdistance.family(t) != t}}},
    }


def _approximations(space: Space, alignment: Alignment, opt: Options) -> list[str]:
    out = []
    if not space.exact:
        out.append(f"space: {space.why}; map by landmark MDS with {space.landmarks} "
                   f"max-min landmarks, neighbours re-ranked exactly among "
                   f"{opt.knn_candidates} candidates per sequence")
    if alignment.added:
        out.append(f"alignment: progressive over the {alignment.progressive} most common "
                   f"distinct core sequences; {alignment.added} others added to its "
                   f"profile (insert columns for unmatched layers)")
    return out
