"""Measure the facts stage on checkouts: how many projects get an environment
statement, how many licence files are recognised, how many report results, and how
long it takes.

    python bench/facts.py ROOT        # ROOT/<task>/<project>/ or ROOT/<project>/
    python bench/facts.py ROOT --json OUT   # also write OUT/<task>/<project>.json

Prints one line per task and a total line, and lists every licence file that was not
recognised (a file of another licence, or one to look at). With --json, each project's
facts (`Facts.to_json()`) go to a file, for checking them by hand.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from exnet.facts import project_facts
from exnet.facts.licence import licence_files


def projects(root: Path) -> dict[str, list[Path]]:
    tasks = [d for d in sorted(root.iterdir()) if d.is_dir()]
    if tasks and all(any(p.is_dir() for p in t.iterdir()) and not (t / ".git").exists()
                     and not any(t.glob("*.py")) for t in tasks):
        return {t.name: [p for p in sorted(t.iterdir()) if p.is_dir()] for t in tasks}
    return {root.name: tasks}


def main(root: Path, dump: Path | None = None) -> None:
    total: Counter[str] = Counter()
    unrecognised = []
    for task, folders in projects(root).items():
        n: Counter[str] = Counter()
        started = time.perf_counter()
        for folder in folders:
            facts = project_facts(folder)
            if dump is not None:
                out = dump / task / f"{folder.name}.json"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps(facts.to_json(), indent=1, ensure_ascii=False))
            n["projects"] += 1
            n["statement"] += facts.environment.statement is not None
            n["results"] += bool(facts.results)
            n["curves"] += bool(facts.curves)
            if licence_files(folder):
                n["licence files"] += 1
                lic = facts.licence
                if lic.how == "file" and (lic.spdx or lic.kind == "none"):
                    n["recognised"] += 1
                else:
                    unrecognised.append(f"{task}/{folder.name}: {lic.evidence}")
        seconds = time.perf_counter() - started
        print(f"{task}: {n['projects']} projects, environment statement "
              f"{n['statement']} ({n['statement'] / max(1, n['projects']):.0%}), licence "
              f"files recognised {n['recognised']}/{n['licence files']}, reported results "
              f"{n['results']}, curves {n['curves']}; {seconds:.1f} s")
        total.update(n)
    print(f"total: {total['projects']} projects, statement {total['statement']}, licence "
          f"{total['recognised']}/{total['licence files']}, results {total['results']}, "
          f"curves {total['curves']}")
    for line in unrecognised:
        print(f"  not recognised: {line}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", type=Path)
    parser.add_argument("--json", type=Path, help="write each project's facts here")
    args = parser.parse_args()
    main(args.root, args.json)
