"""Benchmark of the aggregate stage: time and peak memory for 100, 1,000 and 10,000 models.

    python bench/aggregate.py [--sizes 100 1000 10000] [--seed 4]

Models are generated, not mined: a dozen common architectures (LSTM/GRU/CNN text
classifiers, CNN image classifiers, VGG-style stacks, small ResNets, a ResNet-50
written out layer by layer as the extractor expands loops (68 core, 166 full layers),
BERT and Transformer heads, MLPs) in Keras and PyTorch spelling, each mutated by up to
three random layer edits (sometimes a custom layer no one else uses), with plausible
hyperparameters, datasets and projects: a mix of shared and one-off structures, so that
the exact/approximate thresholds are crossed as they would be by a large corpus.

Each size runs in a fresh process: wall time of `aggregate_task` (read, compute,
write), then the peak of traced allocations (Python objects and numpy buffers, via
tracemalloc) of a second run, and the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

SIZES = (100, 1_000, 10_000)
_RARE = ("Highway", "CapsuleLayer", "CRF", "KMaxPooling", "Maxout")


def _layer(kind: str, fw: str, line: int, **args: Any) -> dict[str, Any]:
    return {"type": kind, "api": ("nn." if fw == "pytorch" else "layers.") + kind,
            "line": line, "args": args}


def _template(rng: random.Random, fw: str) -> tuple[list[tuple[str, dict[str, Any]]], str]:
    """One architecture as (type, args) steps, and its dataset family."""
    e, h = rng.choice((50, 100, 128, 200, 300)), rng.choice((32, 64, 128, 256))
    emb = ("Embedding", {"input_dim": rng.choice((5000, 10000, 20000)), "output_dim": e})
    head = [("Dense", {"units": rng.choice((1, 2, 5))})]
    relu = [("Activation", {"function": "relu"})] if fw == "pytorch" else []
    which = rng.randrange(13)
    if which == 12:
        # ResNet-50 written out (as the extractor expands loops): 16 bottleneck blocks
        steps = [("Conv2D", {"filters": 64, "kernel_size": 7}), ("BatchNorm", {}),
                 ("Activation", {"function": "relu"}), ("MaxPool2D", {"pool_size": 3})]
        for stage, blocks in enumerate((3, 4, 6, 3)):
            for _ in range(blocks):
                f = 64 * 2 ** stage
                for k, width in ((1, f), (3, f), (1, 4 * f)):
                    steps += [("Conv2D", {"filters": width, "kernel_size": k}), ("BatchNorm", {})]
                    if width == f:
                        steps += [("Activation", {"function": "relu"})]
                steps += [("Add", {}), ("Activation", {"function": "relu"})]
        return steps + [("GlobalAvgPool2D", {}), ("Dense", {"units": 1000})], "image"
    if which == 0:
        return [emb, ("LSTM", {"units": h})] + head, "text"
    if which == 1:
        return [emb, ("LSTM", {"units": h, "bidirectional": True}),
                ("Dropout", {"rate": 0.5}), ("Dense", {"units": 64}), *relu] + head, "text"
    if which == 2:
        return [emb, ("Conv1D", {"filters": 128, "kernel_size": 5}), *relu,
                ("MaxPool1D", {"pool_size": 2}), ("Conv1D", {"filters": 128, "kernel_size": 5}),
                ("GlobalMaxPool1D", {}), ("Dense", {"units": 64}), ("Dropout", {"rate": 0.3})
                ] + head, "text"
    if which == 3:
        return [emb, ("GRU", {"units": h})] + head, "text"
    if which in (4, 5):
        blocks = rng.randint(2, 4)
        steps: list[tuple[str, dict[str, Any]]] = []
        for b in range(blocks):
            steps += [("Conv2D", {"filters": 32 * 2 ** b, "kernel_size": 3}), *relu,
                      ("MaxPool2D", {"pool_size": 2})]
        return steps + [("Flatten", {}), ("Dense", {"units": 128}), ("Dropout", {"rate": 0.5}),
                        ("Dense", {"units": 10})], "image"
    if which == 6:
        steps = []
        for b in range(5):
            steps += [("Conv2D", {"filters": 64 * 2 ** min(b, 3), "kernel_size": 3})] * 2
            steps += [("MaxPool2D", {"pool_size": 2})]
        return steps + [("Flatten", {}), ("Dense", {"units": 4096}), ("Dense", {"units": 4096}),
                        ("Dense", {"units": 1000})], "image"
    if which == 7:
        steps = [("Conv2D", {"filters": 64, "kernel_size": 7}), ("BatchNorm", {})]
        for _ in range(rng.randint(2, 6)):
            steps += [("Conv2D", {"filters": 64, "kernel_size": 3}), ("BatchNorm", {}),
                      ("Activation", {"function": "relu"}),
                      ("Conv2D", {"filters": 64, "kernel_size": 3}), ("BatchNorm", {}),
                      ("Add", {})]
        return steps + [("GlobalAvgPool2D", {}), ("Dense", {"units": 10})], "image"
    if which == 8:
        return [("Pretrained", {"name": "bert-base-uncased"}), ("Dropout", {"rate": 0.1})
                ] + head, "text"
    if which == 9:
        return [emb, ("TransformerEncoder", {"num_layers": 2}), ("GlobalAvgPool1D", {})
                ] + head, "text"
    if which == 10:
        return [("Dense", {"units": 512}), *relu, ("Dense", {"units": 256}), *relu,
                ("Dense", {"units": 10})], "image"
    return [emb, ("LSTM", {"units": h}), ("Attention", {}), ("Dense", {"units": 64})
            ] + head, "text"


def _mutate(rng: random.Random, steps: list[tuple[str, dict[str, Any]]]
            ) -> list[tuple[str, dict[str, Any]]]:
    pool = ["Dense", "Dropout", "Conv1D", "GRU", "LSTM", "BatchNorm", "MaxPool1D",
            "Attention", "Flatten", "GlobalAvgPool1D"]
    steps = list(steps)
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        kind = rng.choice(_RARE) if rng.random() < 0.05 else rng.choice(pool)
        op = rng.randrange(3)
        at = rng.randrange(len(steps) + 1)
        if op == 0 or len(steps) < 3:
            steps.insert(at, (kind, {"units": 64} if kind in ("Dense", "GRU", "LSTM") else {}))
        elif op == 1:
            del steps[min(at, len(steps) - 1)]
        else:
            steps[min(at, len(steps) - 1)] = (kind, {})
    return steps


def generate(n: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """n model records and their projects (deterministic for a seed)."""
    rng = random.Random(seed)
    models, projects = [], []
    p = 0
    while len(models) < n:
        name = f"user{p % 997}/repo{p}"
        projects.append({"full_name": name, "url": f"https://github.com/{name}",
                         "sha": f"{p:040x}", "stars": int(rng.lognormvariate(3, 2)),
                         "forks": rng.randrange(50), "license": "MIT", "description": "",
                         "topics": ["deep-learning"], "created": "2020-01-01",
                         "pushed": "2023-06-01", "default_branch": "main"})
        for m in range(min(rng.choice((1, 1, 2, 3)), n - len(models))):
            fw = rng.choice(("keras", "pytorch"))
            steps, family = _template(rng, fw)
            steps = _mutate(rng, steps)
            layers = [_layer(t, fw, 10 + i, **a) for i, (t, a) in enumerate(steps)]
            hp: dict[str, Any] = {}
            for key, values in (("optimizer", ("adam", "sgd", "rmsprop", "adamw")),
                                ("learning_rate", (1e-3, 1e-4, 2e-5, 5e-4, 0.01, 0.1)),
                                ("batch_size", (16, 32, 64, 128, 256)),
                                ("epochs", (5, 10, 20, 50, 100)),
                                ("loss", ("cross_entropy", "binary_cross_entropy"))):
                if rng.random() < 0.8:
                    how = "expression" if rng.random() < 0.05 else "literal"
                    value = "args.lr" if how == "expression" else rng.choice(values)
                    hp[key] = {"value": value, "file": "train.py", "line": 5, "how": how}
            datasets = [rng.choice(("imdb", "sst2", "ag_news", "yelp"))] if family == "text" \
                else [rng.choice(("mnist", "cifar10", "fashion_mnist"))]
            models.append({"schema": "exnet.model/1", "project": name, "file": f"model{m}.py",
                           "cell": None, "span": [10, 10 + len(layers)], "name": f"Net{m}",
                           "framework": fw, "style": "sequential" if fw == "keras" else "module",
                           "layers": layers, "edges": None, "hyperparameters": hp,
                           "datasets": datasets if rng.random() < 0.9 else []})
        p += 1
    return models, projects


def _child(task_dir: Path) -> None:
    from exnet.aggregate import aggregate_task

    t0 = time.perf_counter()
    path = aggregate_task(task_dir)
    seconds = time.perf_counter() - t0
    path.unlink()          # the second run must do all the work again
    tracemalloc.start()
    aggregate_task(task_dir)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    summary = json.loads(path.read_text(encoding="utf-8"))
    print(json.dumps({"seconds": seconds, "peak_traced_mb": peak / 2 ** 20,
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "distinct_core": summary["totals"]["distinct_core"],
                      "summary_mb": path.stat().st_size / 2 ** 20,
                      "space": summary["space"]["method"],
                      "aligned": [summary["alignment"]["progressive"],
                                  summary["alignment"]["added"]]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    print(f"{'models':>7} {'distinct':>8} {'time s':>7} {'peak traced MB':>15} "
          f"{'max RSS MB':>11} {'summary MB':>11}  method")
    with tempfile.TemporaryDirectory(prefix="exnet-bench-") as tmp:
        for n in args.sizes:
            task = Path(tmp) / f"bench{n}"
            task.mkdir()
            models, projects = generate(n, args.seed)
            for name, rows in (("models.jsonl", models), ("projects.jsonl", projects)):
                with (task / name).open("w", encoding="utf-8") as fh:
                    fh.writelines(json.dumps(r) + "\n" for r in rows)
            out = subprocess.run([sys.executable, __file__, "--child", str(task)],
                                 check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            progressive, added = r["aligned"]
            mode = f"{r['space']}, alignment {progressive} progressive + {added} added"
            print(f"{n:>7} {r['distinct_core']:>8} {r['seconds']:>7.2f} "
                  f"{r['peak_traced_mb']:>15.1f} {r['max_rss_mb']:>11.0f} "
                  f"{r['summary_mb']:>11.2f}  {mode}", flush=True)


if __name__ == "__main__":
    main()
