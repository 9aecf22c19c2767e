"""Synthetic corpora at any size, drawn from the bundled corpus's own distributions.

    python bench/synth.py OUT --models 100000 [--tasks 1] [--seed 7]

writes OUT/<task>/models.jsonl and projects.jsonl (exnet.model/2, exnet.project/1) for
`--models` models spread over `--tasks` tasks (`synth-0`, `synth-1`, ...). Each task
imitates one bundled task in turn (image, text, image, ...), so its corpus looks like
that task's, only bigger:

- a model starts as a copy of a real model of the bundled task (its layers in order,
  with their arguments, its framework and style), picked at random, so the mix of layer
  sequences follows the bundled one; then, with the share of mutation below, up to three
  layer edits (insert, remove, replace) draw layer types, with real arguments, by how
  often the bundled task uses them; about 1 in 200 new types is one no other model uses,
  as in a large real corpus's long tail;
- each hyperparameter is present with the share of bundled models that have it, and its
  value (with `how`) is drawn from the bundled values of that hyperparameter;
- datasets follow the template model, or are drawn from the task's datasets;
- projects hold 1 to 4 models, as the bundled ones do, and stars are log-normal.

Nothing from the bundled projects is copied but their facts (layer types, arguments,
hyperparameter values); names, files and projects are generated. Deterministic for a
seed. Used by bench/scale.py; also importable (`write_corpus`).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTATED = 0.35          # share of models edited away from their template
RARE = 0.005            # share of inserted layer types no other model uses


@dataclass
class Source:
    """What is drawn from one bundled task."""

    models: list[dict[str, Any]]
    layer_types: list[str]
    layer_weights: list[int]
    layers_by_type: dict[str, list[dict[str, Any]]]
    hyper: dict[str, tuple[float, list[dict[str, Any]]]]   # name -> (share, values)
    datasets: list[str]
    per_project: list[int]


def load_source(task_dir: Path) -> Source:
    """The distributions of one bundled task folder."""
    models = [json.loads(line) for line in (task_dir / "models.jsonl").open(encoding="utf-8")
              if line.strip()]
    models = [m for m in models if m.get("layers")]
    types = Counter(layer["type"] for m in models for layer in m["layers"])
    by_type: dict[str, list[dict[str, Any]]] = {}
    for m in models:
        for layer in m["layers"]:
            by_type.setdefault(layer["type"], []).append(layer)
    values: dict[str, list[dict[str, Any]]] = {}
    for m in models:
        for name, hp in (m.get("hyperparameters") or {}).items():
            values.setdefault(name, []).append(hp)
    hyper = {name: (len(v) / len(models), v) for name, v in sorted(values.items())}
    datasets = sorted({d for m in models for d in m.get("datasets") or []})
    per_project = list(Counter(m["project"] for m in models).values())
    return Source(models, sorted(types), [types[t] for t in sorted(types)], by_type, hyper,
                  datasets, per_project)


def _layer(rng: random.Random, source: Source, kind: str | None, line: int) -> dict[str, Any]:
    if kind is None:
        kind = rng.choices(source.layer_types, source.layer_weights)[0]
    real = rng.choice(source.layers_by_type[kind]) if kind in source.layers_by_type else {}
    return {"type": kind, "api": real.get("api", kind), "line": line,
            "args": dict(real.get("args") or {})}


def _layers(rng: random.Random, source: Source, template: dict[str, Any],
            serial: int) -> list[dict[str, Any]]:
    layers = [dict(layer) for layer in template["layers"]]
    if rng.random() < MUTATED:
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(layers) + 1)
            op = rng.randrange(3)
            if op == 1 and len(layers) > 2:
                del layers[min(at, len(layers) - 1)]
                continue
            kind = f"Custom{serial}" if rng.random() < RARE else None
            new = _layer(rng, source, kind, 0)
            if op == 0 or not layers:
                layers.insert(at, new)
            else:
                layers[min(at, len(layers) - 1)] = new
    for line, layer in enumerate(layers, start=10):
        layer["line"] = line
        layer.pop("cell", None)
    return layers


def _model(rng: random.Random, source: Source, project: str, index: int,
           serial: int) -> dict[str, Any]:
    template = rng.choice(source.models)
    layers = _layers(rng, source, template, serial)
    file = f"models/net{index}.py"
    name = f"{template['name'][:20]}{index}"
    hyper = {}
    for hp_name, (share, values) in source.hyper.items():
        if rng.random() < share:
            hp = dict(rng.choice(values))
            hp.update(file="train.py", line=5 + len(hyper))
            hp.pop("cell", None)
            hp.pop("selected_at", None)
            hyper[hp_name] = hp
    datasets = list(template.get("datasets") or [])
    if not datasets and source.datasets and rng.random() < 0.5:
        datasets = [rng.choice(source.datasets)]
    span = [10, 10 + len(layers)]
    return {"schema": "exnet.model/2", "project": project, "file": file, "cell": None,
            "span": span, "name": name, "framework": template["framework"],
            "style": template["style"], "layers": layers,
            "edges": None, "hyperparameters": dict(sorted(hyper.items())),
            "datasets": datasets,
            "dataset_evidence": [{"id": d, "file": "train.py", "line": 3, "cell": None,
                                  "source": "loader"} for d in datasets],
            "preprocessing": [],
            "occurrences": [{"file": file, "cell": None, "span": span, "name": name,
                             "role": "trained"}],
            "blocks": []}


def _project(rng: random.Random, name: str, models: int) -> dict[str, Any]:
    stars = int(rng.lognormvariate(1.5, 2.0))
    return {"schema": "exnet.project/1", "full_name": name,
            "url": f"https://github.com/{name}", "default_branch": "main",
            "sha": f"{rng.getrandbits(160):040x}", "stars": stars, "forks": stars // 5,
            "license": rng.choice(("MIT", "Apache-2.0", None, "GPL-3.0")),
            "description": None, "topics": [], "created": "2021-03-04T05:06:07Z",
            "pushed": "2023-08-09T10:11:12Z", "source": "github", "status": "extracted",
            "reason": None, "models": models, "failures": 0, "mined": "2026-12-01"}


def write_task(task_dir: Path, source: Source, n: int, seed: int) -> None:
    """n generated models (and their projects) into task_dir, written as they are made."""
    rng = random.Random(seed)
    task_dir.mkdir(parents=True, exist_ok=True)
    made = p = 0
    with (task_dir / "models.jsonl").open("w", encoding="utf-8") as models, \
            (task_dir / "projects.jsonl").open("w", encoding="utf-8") as projects:
        while made < n:
            count = min(rng.choice(source.per_project), n - made)
            name = f"user{p % 4999}/project-{seed}-{p}"
            for i in range(count):
                record = _model(rng, source, name, i, made)
                models.write(json.dumps(record, ensure_ascii=False) + "\n")
                made += 1
            projects.write(json.dumps(_project(rng, name, count)) + "\n")
            p += 1


def write_corpus(out: Path, models: int, tasks: int = 1, seed: int = 7) -> Path:
    """A synthetic corpus of `models` models over `tasks` tasks in `out`; `out`."""
    bundled = ROOT / "corpus"
    sources = [load_source(d) for d in sorted(bundled.iterdir())
               if (d / "models.jsonl").is_file()]
    for t in range(tasks):
        share = models // tasks + (t < models % tasks)
        write_task(Path(out) / f"synth-{t}", sources[t % len(sources)], share, seed + t)
    return Path(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_corpus(args.out, args.models, args.tasks, args.seed)
    print(args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
