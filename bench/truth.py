"""How truthful is a corpus's model list?  The four measures of the model-list issue.

Reads corpus/<task>/models.jsonl (or --corpus DIR) and prints, per task:

- copies: models that repeat, in the same project, a layer-type sequence already listed
  (and, stricter, the same types *and* arguments);
- block-named models: models whose name says they are a building block, listed for review;
- untrained: models of projects that train something, which carry none of optimizer,
  learning rate, batch size, epochs or loss;
- datasets without evidence: dataset tags with no file/line behind them.

    python bench/truth.py [--corpus corpus] [--list]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

TRAINING = ("optimizer", "learning_rate", "batch_size", "epochs", "loss")
BLOCK_NAME = re.compile(r"(Block|Bottleneck|Cell|Unit|Residual|Shortcut|Attention|Layer)$")


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def measure(models: list[dict]) -> dict:
    seen_types: dict[str, set] = defaultdict(set)
    seen_args: dict[str, set] = defaultdict(set)
    copies_types, copies_args = [], []
    for m in models:
        types = tuple(layer["type"] for layer in m["layers"])
        args = json.dumps([[la["type"], la.get("args")] for la in m["layers"]], sort_keys=True)
        if types in seen_types[m["project"]]:
            copies_types.append(m)
        if args in seen_args[m["project"]]:
            copies_args.append(m)
        seen_types[m["project"]].add(types)
        seen_args[m["project"]].add(args)
    trains = {m["project"] for m in models if any(k in m["hyperparameters"] for k in TRAINING)}
    in_training = [m for m in models if m["project"] in trains]
    untrained = [m for m in in_training if not any(k in m["hyperparameters"] for k in TRAINING)]
    blocks = [m for m in models if BLOCK_NAME.search(m.get("name") or "")]
    no_evidence = [(m, d) for m in models for d in m.get("datasets", [])
                   if d not in {e["id"] for e in m.get("dataset_evidence", [])}]
    return {"models": len(models), "copies_types": copies_types, "copies_args": copies_args,
            "in_training": len(in_training), "untrained": untrained, "blocks": blocks,
            "no_evidence": no_evidence}


def _where(m: dict) -> str:
    return f"{m['project']} {m['file']}:{m.get('line') or m['span'][0]} {m['name']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--list", action="store_true", help="list the models behind each figure")
    opts = parser.parse_args()
    for path in sorted(opts.corpus.glob("*/models.jsonl")):
        r = measure(_load(path))
        n = r["models"]
        print(f"{path.parent.name}: {n} models")
        print(f"  copies by layer types        {len(r['copies_types']):4d}  "
              f"{100 * len(r['copies_types']) / n:5.1f}%")
        print(f"  copies by types and args     {len(r['copies_args']):4d}  "
              f"{100 * len(r['copies_args']) / n:5.1f}%")
        print(f"  block-named models           {len(r['blocks']):4d}")
        share = 100 * len(r["untrained"]) / max(r["in_training"], 1)
        print(f"  no training fact (of {r['in_training']} in training projects) "
              f"{len(r['untrained']):4d}  {share:5.1f}%")
        print(f"  dataset tags without evidence {len(r['no_evidence']):3d}")
        if opts.list:
            for label in ("copies_types", "blocks", "untrained"):
                for m in r[label]:
                    print(f"    {label}: {_where(m)}")


if __name__ == "__main__":
    main()
