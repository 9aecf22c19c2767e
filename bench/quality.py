"""Extractor accuracy against the hand-labelled gold set in corpus/quality/gold.jsonl.

    python bench/quality.py [--corpus DIR] [--diffs]

For each labelled model (task, project, file, cell, name), finds the model record in
DIR/<task>/models.jsonl (the bundled corpus by default) and prints, per task: exact
layer-sequence matches (the labeller's reading, or an equally valid alternative noted
in `alt_layers`), and for optimizer, learning rate, batch size, epochs and loss the
fields exnet got right out of those the code sets ("absent" and "unresolvable" labels
are not counted as present; an unresolved expression is not right).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

FIELDS = ("optimizer", "learning_rate", "batch_size", "epochs", "loss")
ROOT = Path(__file__).resolve().parent.parent


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9)
    return a == b


def find(records: list[dict[str, Any]], gold: dict[str, Any]) -> dict[str, Any] | None:
    found = [r for r in records if r["project"] == gold["project"] and r["file"] == gold["file"]
             and r["cell"] == gold["cell"] and r["name"] == gold["name"]]
    if len(found) > 1 and gold.get("span"):
        found.sort(key=lambda r: abs(r["span"][0] - gold["span"][0]))
    return found[0] if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gold", type=Path, default=ROOT / "corpus" / "quality" / "gold.jsonl")
    parser.add_argument("--diffs", action="store_true", help="print every difference")
    args = parser.parse_args(argv)
    golds = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines()]
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in golds:
        by_task[g["task"]].append(g)
    for task, items in sorted(by_task.items(), key=lambda kv: kv[0] != "text-classification"):
        path = args.corpus / task / "models.jsonl"
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        exact = 0
        counts = {f: [0, 0] for f in FIELDS}      # right, present
        for g in items:
            record = find(records, g)
            layers = [layer["type"] for layer in record["layers"]] if record else None
            if layers is not None and (layers == g["layers"] or layers in g.get("alt_layers", [])):
                exact += 1
            elif args.diffs:
                print(f"  {task} {g['project']} {g['file']} {g['name']}: layers\n"
                      f"    gold  {g['layers']}\n    exnet {layers}")
            hps = (record or {}).get("hyperparameters", {})
            for field in FIELDS:
                want = g[field]
                if want in ("absent", "unresolvable"):
                    continue
                counts[field][1] += 1
                got = hps.get(field)
                ok = got is not None and got.get("how") != "expression" and (
                    same(got["value"], want) or any(
                        same(got["value"], alt)
                        for alt in g.get("alt_hyperparameters", {}).get(field, [])))
                counts[field][0] += ok
                if not ok and args.diffs:
                    print(f"  {task} {g['project']} {g['name']}: {field} gold {want!r}, "
                          f"exnet {None if got is None else got['value']!r}")
        right = sum(c[0] for c in counts.values())
        present = sum(c[1] for c in counts.values())
        print(f"{task}: layer sequences exact {exact}/{len(items)}; hyperparameter fields "
              f"right {right}/{present}")
        for field in FIELDS:
            print(f"    {field:14} {counts[field][0]:3}/{counts[field][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
