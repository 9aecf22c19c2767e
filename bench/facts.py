"""Measure the facts stage on checkouts: how many projects get an environment
statement, how many licence files are recognised, how many report results, and how
long it takes.

    python bench/facts.py ROOT        # ROOT/<task>/<project>/ or ROOT/<project>/

Prints one line per task and a total line, and lists every licence file that was not
recognised (a file of another licence, or one to look at).
"""

from __future__ import annotations

import sys
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


def main(root: Path) -> None:
    total: Counter[str] = Counter()
    unrecognised = []
    for task, folders in projects(root).items():
        n: Counter[str] = Counter()
        started = time.perf_counter()
        for folder in folders:
            facts = project_facts(folder)
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
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
