"""Compare two mined corpora record by record: what a change of the extractor changed.

    python bench/corpus_diff.py BEFORE AFTER [--task T ...] [--json]

BEFORE and AFTER are `exnet mine --out` folders (or corpus folders), each holding
`<task>/models.jsonl`. Records are matched per project by where they are defined
(file, cell, name; the span breaks ties between several of one name), so a record whose
layers or settings changed is one "changed" record, listed with the fields that
differ (`layers[3].args.units`, `hyperparameters.batch_size.value`, `span`); records
found on one side only are "added" or "removed". Projects whose failures changed are
listed too. The exit status is 0 either way: a difference is a finding to explain, and
the output is where it is explained from (the issue's closing note lists each).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

Key = tuple[Any, ...]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _place(model: dict[str, Any]) -> Key:
    return (model["file"], model.get("cell"), model["name"])


def match(before: list[dict[str, Any]], after: list[dict[str, Any]]
          ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]],
                     list[dict[str, Any]]]:
    """(pairs, removed, added) of one project's records: by place, then by the nearest
    span among records of the same place."""
    by_place: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for model in after:
        by_place[_place(model)].append(model)
    pairs, removed = [], []
    for model in before:
        options = by_place.get(_place(model), [])
        if not options:
            removed.append(model)
            continue
        best = min(options, key=lambda m: abs(m["span"][0] - model["span"][0]))
        options.remove(best)
        pairs.append((model, best))
    added = [m for options in by_place.values() for m in options]
    return pairs, removed, added


def differences(a: Any, b: Any, path: str = "") -> Iterator[str]:
    """The paths at which two JSON values differ (a list of other length is one
    difference at the list, with both lengths)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in a:
                yield f"{where}: added {json.dumps(b[key])[:120]}"
            elif key not in b:
                yield f"{where}: removed {json.dumps(a[key])[:120]}"
            else:
                yield from differences(a[key], b[key], where)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f"{path}[{i}]")
    elif a != b:
        yield f"{path}: {json.dumps(a)[:120]} -> {json.dumps(b)[:120]}"


def _types(model: dict[str, Any]) -> str:
    return " ".join(layer["type"] for layer in model["layers"])


def compare_task(before_dir: Path, after_dir: Path, task: str) -> dict[str, Any]:
    """The differences of one task: per project, records added, removed and changed."""
    by_project: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"before": [], "after": []})
    for side, folder in (("before", before_dir), ("after", after_dir)):
        for model in read_jsonl(folder / task / "models.jsonl"):
            by_project[model["project"]][side].append(model)
    projects: dict[str, Any] = {}
    for project in sorted(by_project):
        pairs, removed, added = match(by_project[project]["before"],
                                      by_project[project]["after"])
        changed = [{"record": f"{a['file']}:{a['name']}", "fields": fields}
                   for a, b in pairs for fields in [list(differences(a, b))] if fields]
        if changed or removed or added:
            projects[project] = {
                "changed": changed,
                "removed": [f"{m['file']}:{m['name']} [{_types(m)}]" for m in removed],
                "added": [f"{m['file']}:{m['name']} [{_types(m)}]" for m in added]}
    failures = {side: {(f.get("project"), f["file"], f["reason"]) for f in read_jsonl(
        folder / task / "failures.jsonl")} for side, folder in (("before", before_dir),
                                                               ("after", after_dir))}
    return {"projects": projects,
            "failures_removed": sorted(map(list, failures["before"] - failures["after"])),
            "failures_added": sorted(map(list, failures["after"] - failures["before"]))}


def _print(task: str, result: dict[str, Any]) -> None:
    projects = result["projects"]
    counts = [sum(len(p[k]) for p in projects.values()) for k in ("changed", "removed", "added")]
    print(f"{task}: {len(projects)} projects differ; records changed {counts[0]}, "
          f"removed {counts[1]}, added {counts[2]}; failures removed "
          f"{len(result['failures_removed'])}, added {len(result['failures_added'])}")
    for project, diff in projects.items():
        print(f"  {project}")
        for change in diff["changed"]:
            print(f"    changed {change['record']}")
            for field in change["fields"]:
                print(f"      {field}")
        for kind in ("removed", "added"):
            for record in diff[kind]:
                print(f"    {kind} {record}")
    for kind in ("failures_removed", "failures_added"):
        for failure in result[kind]:
            print(f"  {kind.replace('_', ' ')}: {' | '.join(map(str, failure))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--task", action="append", help="tasks to compare (default: every "
                        "task folder BEFORE holds)")
    parser.add_argument("--json", action="store_true", help="the differences as JSON")
    args = parser.parse_args(argv)
    tasks = args.task or sorted(p.name for p in args.before.iterdir()
                                if (p / "models.jsonl").is_file())
    results = {task: compare_task(args.before, args.after, task) for task in tasks}
    if args.json:
        json.dump(results, sys.stdout, indent=1, sort_keys=True)
        print()
    else:
        for task, result in results.items():
            _print(task, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
