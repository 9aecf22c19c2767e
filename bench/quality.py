"""Extractor accuracy against hand-labelled models.

    python bench/quality.py [--corpus DIR] [--gold FILE] [--diffs]

Two label sets ship in corpus/quality/: `gold.jsonl` (50 models of the bundled corpus)
and `holdout.jsonl` (46 models of 32 projects that are not in the corpus and were not
looked at while developing; score them against a corpus mined from those projects).

For each labelled model (task, project, file, cell, and name or line), the model record
is looked up in DIR/<task>/models.jsonl, by its own place or any of its `occurrences`.
Printed per task: models found, exact layer sequences (the labeller's reading, or an
equally valid alternative in `alt_layers`), and for optimizer, learning rate, batch
size, epochs, loss and (where labelled with a known id) dataset, the fields exnet got
right out of those the code sets. Labels "absent", "unresolvable" and "default" (the
framework's default, not written in the code) are not counted as present; an
unresolved expression is not right.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

FIELDS = ("optimizer", "learning_rate", "batch_size", "epochs", "loss", "dataset")
NOT_PRESENT = ("absent", "unresolvable", "default")
ROOT = Path(__file__).resolve().parent.parent


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9)
    return a == b


def _places(record: dict[str, Any]) -> list[dict[str, Any]]:
    own = {k: record[k] for k in ("file", "cell", "span", "name")}
    return [own] + list(record.get("occurrences") or [])


def find(records: list[dict[str, Any]], gold: dict[str, Any]) -> dict[str, Any] | None:
    """The record of a labelled model: same project, file and cell, then the same name,
    else the definition nearest the labelled line."""
    here = [(r, p) for r in records if r["project"] == gold["project"] for p in _places(r)
            if p["file"] == gold["file"] and p["cell"] == gold["cell"]]
    named = [(r, p) for r, p in here if p["name"] == gold["name"]]
    line = gold["span"][0] if gold.get("span") else gold.get("line")
    pool = named or ([] if line is None else here)
    if not pool:
        return None
    if line is not None:
        pool.sort(key=lambda rp: abs(rp[1]["span"][0] - line))
    return pool[0][0]


def dataset_id(label: Any) -> str | None:
    """The dataset id of a label ("imdb", "cifar10"), None for custom data."""
    if not isinstance(label, str) or label in NOT_PRESENT or label.startswith("custom"):
        return None
    return re.split(r"[\s(]", label.strip(), maxsplit=1)[0] or None


def score(items: list[dict[str, Any]], records: list[dict[str, Any]], task: str,
          diffs: bool) -> None:
    exact = found = 0
    counts = {f: [0, 0] for f in FIELDS}      # right, present
    for g in items:
        record = find(records, g)
        found += record is not None
        layers = [layer["type"] for layer in record["layers"]] if record else None
        if layers is not None and (layers == g["layers"] or layers in g.get("alt_layers", [])):
            exact += 1
        elif diffs:
            print(f"  {task} {g['project']} {g['file']} {g['name']}: layers\n"
                  f"    gold  {g['layers']}\n    exnet {layers}")
        hps = (record or {}).get("hyperparameters", {})
        for field in FIELDS:
            if field == "dataset":
                want = dataset_id(g.get("dataset"))
                if want is None:
                    continue
                counts[field][1] += 1
                ok = record is not None and want in record.get("datasets", [])
                counts[field][0] += ok
                if not ok and diffs:
                    print(f"  {task} {g['project']} {g['name']}: dataset gold {want!r}, "
                          f"exnet {(record or {}).get('datasets')!r}")
                continue
            want = g[field]
            if want in NOT_PRESENT:
                continue
            counts[field][1] += 1
            got = hps.get(field)
            ok = got is not None and got.get("how") != "expression" and (
                same(got["value"], want) or any(
                    same(got["value"], alt)
                    for alt in g.get("alt_hyperparameters", {}).get(field, [])))
            counts[field][0] += ok
            if not ok and diffs:
                print(f"  {task} {g['project']} {g['name']}: {field} gold {want!r}, "
                      f"exnet {None if got is None else got['value']!r}")
    right = sum(c[0] for f, c in counts.items() if f != "dataset")
    present = sum(c[1] for f, c in counts.items() if f != "dataset")
    print(f"{task}: {found}/{len(items)} models found; layer sequences exact "
          f"{exact}/{len(items)}; hyperparameter fields right {right}/{present}")
    for field in FIELDS:
        print(f"    {field:14} {counts[field][0]:3}/{counts[field][1]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gold", type=Path, default=ROOT / "corpus" / "quality" / "gold.jsonl")
    parser.add_argument("--diffs", action="store_true", help="print every difference")
    args = parser.parse_args(argv)
    golds = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in golds:
        by_task[g["task"]].append(g)
    for task, items in sorted(by_task.items(), key=lambda kv: kv[0] != "text-classification"):
        path = args.corpus / task / "models.jsonl"
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                   if line.strip()]
        records = [r for r in records if "layers" in r]
        score(items, records, task, args.diffs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
