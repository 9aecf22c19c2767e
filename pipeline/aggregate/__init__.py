"""Aggregate stage: model records of a task -> summary.json, what the site draws.

`aggregate_task(task_dir)` reads task_dir/models.jsonl (and task_dir/projects.jsonl if
present) and atomically writes task_dir/summary.json. The work is split by part of the
summary: sequences (core/full, "block × N"), sankey, alignment, skeletons, distance and
space (map, neighbours), layer_counts, distributions, tricks, params, facets, table.

summary.json — schema "exnet.summary/1"
=======================================
Compact JSON, keys sorted at every level except "schema", which comes first. Models
are referred to everywhere by their **row**: the index into `models.rows`. Distinct
sequences are referred to by their index into `sequences.core.rows` / `.full.rows`.
Tables are {"columns": [names], "rows": [[values in column order], ...]}.

schema        "exnet.summary/1"
task          task name (the task folder's name)
mined         the latest "mined" date found in projects.jsonl, else null (no timestamps
              are generated here, so an unchanged corpus gives a byte-identical file)
totals        {models, projects (with at least one model), distinct_core, distinct_full,
              skipped (input lines not used), left_out (models of another task)}
skipped       [{file, line, reason}] input lines that were not used, and why
left_out      [{id, project, file, name, reason}] models that do not fit the task (an
              MNIST autoencoder in a text task; see `exnet.taskfit`), in no total
options       the thresholds used (see `Options`): other_min_share, max_depth, ...
approximations  [text] what was sampled or approximated because of corpus size, and
              why; empty when everything is exact (by default up to 1,000 distinct core
              sequences for the map, 200 for the progressive alignment)

models        table, one row per model, sorted by id. Columns:
  id            `exnet.records.model_id`: "owner/name:file[#cellN]:line:name"
  project, file, cell, line, name, framework, style   from the record (line = span[0])
  core          index into sequences.core.rows (the core sequence)
  full          index into sequences.full.rows (the full sequence)
  optimizer, learning_rate, batch_size, epochs, loss
                resolved values (strings lower-cased), null when absent or unresolved;
                provenance (file, line, how) stays in models.jsonl, joined by id
  datasets      [dataset ids]
  params        estimated parameter count (int), null when any layer size is unknown
  size          model-size bucket of params ("<10K" ... "≥100M", "unknown")
  stars         stars bucket of the project ("<10" ... "≥10K", "unknown")
  tricks        [trick names] (see tricks)
  x, y          2-D coordinates on the map (same for models with the same core)
  neighbours    [[row, distance], ...] the k nearest other models, nearest first
projects      table: full_name, url, sha, stars, forks, license, topics, created,
              pushed, default_branch, models (count); projects of projects.jsonl and
              any project a model names, by full_name; facts only, no descriptions

sequences.core / sequences.full
              tables of distinct sequences, most common first: types ([layer type]),
              collapsed ([token]: "Dense", "Dense × 2", "(Conv2D → MaxPool2D) × 3"),
              models (count). The full sequence is the layer list with activation
              arguments as Activation steps; core drops Activation, Dropout, BatchNorm,
              LayerNorm, Flatten, Reshape.

layers        [{type, models, share, layers (occurrences), core (shown in core views),
              by_framework: {framework: {models, share}}}], most used first; share is
              of all models, per framework of that framework's models

sankey        {other_min_models, other: {core: [types], full: [types]}, max_depth,
              max_aligned_depth, views}. Types used by fewer than other_min_models
              models (ceil(other_min_share × models)) are drawn as "Other".
  views       {"core.input", "core.output", "core.aligned", "core.collapsed",
              "full.input", "full.output", "full.collapsed"}, each
              {nodes: [[step, label, models]], links: [[source, target, [rows]]]};
              source/target index nodes; nodes sorted by (step, label). Labels: a layer
              type, "Other", a "block × N" token (collapsed views), "(start)", "(end)",
              "…" (the model goes on beyond max_depth). Steps: input views count from
              the first layer (0), with "(start)" at -1 and "(end)" after the last
              layer, so lengths show; output views count back from the output (last
              layer -1, "(end)" at 0 for all); the aligned view uses alignment columns.
              Every model follows one path from "(start)" to "(end)".

skeletons     [{sequence, collapsed, models, share, support, variations}] the most
              common non-empty core sequences, most common first. support = models
              within the variation radius, min(variation_radius, half the skeleton's
              length), itself included; variations = [{sequence, models, distance,
              edits}] within that radius, nearest first; edits turn the skeleton into
              the variation, positions in the skeleton: ["insert", i, type] (before
              position i), ["remove", i, type], ["replace", i, from_type, to_type]

alignment     {method: "progressive", length (columns), progressive (sequences aligned
              progressively), added (added to the profile afterwards), columns: per
              distinct core sequence the column of each of its layers, consensus: per
              column [most common type, its models, models with any layer there]}

hyperparameters  {name: distribution} for optimizer, learning_rate, batch_size, epochs,
              loss, weight_decay, momentum, max_sequence_length, pretrained_embeddings.
              Every entry: kind ("numeric" | "categorical"), models (with a resolved
              value), missing, unresolved (how == "expression"), non_numeric, n.
              categorical: top [[value, models]] by count. numeric: min, q1, median,
              q3, max, top (10 most common [[value, count]]), histogram {scale
              ("log10" | "log2" | "linear"), edges, counts} with left-closed bins;
              the statistics are absent when n is 0.
layer_arguments  {"LSTM.units", "GRU.units", "Dense.units", "Dropout.rate",
              "Conv.filters", "Conv.kernel_size", "Embedding.output_dim",
              "Embedding.input_dim": numeric distribution over layers, plus layers (of
              those types), models (contributing), missing (layers without a value),
              non_square (kernel sizes like "1x7", counted apart)}

tricks        {dropout, batch_norm, bidirectional, attention, pretrained_embeddings,
              pretrained_backbone, early_stopping, lr_schedule, weight_decay,
              data_augmentation: {models, share, by_framework: {fw: {models, share}}}}

params        {estimated: true, models (with an estimate), missing, n, min, q1,
              median, q3, max, top, histogram (log10)}

facets        {framework, style, dataset, layer, size, stars, trick: {multi, values,
              counts, models: [[rows] per value]}} — parallel lists; "unknown" is a value
              (no dataset, no estimate, project not listed) and comes last

space         {method ("classical-mds" | "landmark-mds" | "none"), exact, landmarks,
              explained (variance share of the two axes), k, distance: {indel,
              same_family, other_type, families: {type: family}}}; the coordinates and
              neighbours are in the model table

facts, preprocessing, and the facets api_era, reported_results, license_kind, python
              the projects' facts (environment, reported results, curves, licence)
              and the preprocessing overview: see `exnet.aggregate.facts`
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from exnet.aggregate.options import Options
from exnet.aggregate.summary import build_summary
from exnet.bundled import task_dirs
from exnet.errors import ExnetError
from exnet.records import SUMMARY_SCHEMA

__all__ = [
    "SUMMARY_SCHEMA",
    "Options",
    "aggregate_corpus",
    "aggregate_task",
    "build_summary",
    "refresh_corpus",
    "summary_is_current",
]


def aggregate_task(task_dir: Path, *, options: Options | None = None,
                   warn: Callable[[str], None] | None = None) -> Path:
    """Summarise task_dir/models.jsonl into task_dir/summary.json; return its path.

    Bad input lines are skipped, recorded in the summary and passed to `warn`. The file
    is replaced atomically, and left untouched when its content would not change.
    """
    from exnet.aggregate.load import read_task
    from exnet.aggregate.write import dumps, write_atomically

    task_dir = Path(task_dir)
    if not (task_dir / "models.jsonl").is_file():
        raise ExnetError(f"no models.jsonl in {task_dir}: run `exnet mine` for this task "
                         f"first, or pass the folder that holds it")
    data = read_task(task_dir)
    if warn is not None:
        for s in data.skipped:
            warn(f"{task_dir / s.file}:{s.line}: skipped: {s.reason}")
    summary = build_summary(data.models, data.projects, task=task_dir.name,
                            options=options, skipped=[s.to_json() for s in data.skipped])
    out = task_dir / "summary.json"
    write_atomically(out, dumps(summary))
    return out


def aggregate_corpus(corpus_dir: Path, task: str | None = None, *,
                     options: Options | None = None,
                     warn: Callable[[str], None] | None = None) -> list[Path]:
    """Aggregate one task (corpus_dir/<task>/) or every task folder with a models.jsonl."""
    dirs = task_dirs(Path(corpus_dir), [task] if task is not None else None)
    return [aggregate_task(d, options=options, warn=warn) for d in dirs]


def summary_is_current(task_dir: Path) -> bool:
    """True when task_dir/summary.json exists, is this version's schema and is not older
    than the records it summarises (models.jsonl, projects.jsonl)."""
    path = Path(task_dir) / "summary.json"
    try:
        built = path.stat().st_mtime
        schema = _summary_schema(path)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    inputs = [Path(task_dir) / "models.jsonl", Path(task_dir) / "projects.jsonl"]
    return schema == SUMMARY_SCHEMA and not any(
        p.is_file() and p.stat().st_mtime > built for p in inputs)


def _summary_schema(path: Path) -> object:
    """The schema of a summary.json. One this stage wrote starts with it and ends
    whole, so its ends are read, not the whole file (100 MB at 100,000 models)."""
    head = '{"schema":' + json.dumps(SUMMARY_SCHEMA) + ","
    with path.open("rb") as fh:
        start = fh.read(len(head))
        fh.seek(max(0, path.stat().st_size - 2))
        if start == head.encode() and fh.read() == b"}\n":
            return SUMMARY_SCHEMA
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return data.get("schema") if isinstance(data, dict) else None


def refresh_corpus(corpus_dir: Path, tasks: list[str] | None = None, *,
                   options: Options | None = None,
                   warn: Callable[[str], None] | None = None) -> list[Path]:
    """Aggregate the named tasks (default: every task folder with a models.jsonl) whose
    summary.json is missing, of another schema or older than its records; return the
    summaries written. What `exnet build` runs before rendering."""
    return [aggregate_task(d, options=options, warn=warn)
            for d in task_dirs(Path(corpus_dir), tasks) if not summary_is_current(d)]
