"""Stage `facts`: what a project needs to run, what it reports, and under which licence.

`project_facts(root, models)` reads one checkout — files only: it never follows a
symlink, bounds every size and never runs, imports or installs anything — and returns
an `exnet.records.Facts`:

- the environment (`environment`: pins from requirements files, setup.py, setup.cfg,
  pyproject.toml, Pipfile, environment.yml or conda.yaml, and notebook and README pip
  lines; the Python version;
  the API era the code shows; one plain statement);
- the results the project reports in notebook outputs (`outputs`) and its READMEs
  (`readme`: the top folder's and those of sub-folders, where a repository keeps its
  project in a folder), each labelled "reported by the project, not reproduced";
- per-epoch training curves from notebook outputs (`curves`);
- the licence (`licence`).

Results and curves name a model of `models` (the project's model records, JSON) only
when it is unambiguous (`attach`). Bad input costs its file, never the project: what
could not be read is listed in `Facts.problems`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from exnet import __version__
from exnet.facts.attach import Attacher
from exnet.facts.environment import environment
from exnet.facts.files import (
    MAX_TEXT_BYTES,
    README_NAMES,
    Notebook,
    Unreadable,
    read_notebook,
    read_text,
    walk,
)
from exnet.facts.licence import licence_of_id, project_licence
from exnet.facts.outputs import notebook_outputs
from exnet.facts.readme import readme_results
from exnet.records import Environment, Facts, Licence, Result

__all__ = ["facts_json", "facts_version", "path_environment", "project_facts",
           "project_fields"]

MAX_NOTEBOOKS = 200
MAX_READMES = 8
MAX_README_DEPTH = 3       # folders above a README read for results


@cache
def facts_version() -> str:
    """The exnet version plus a digest of this stage's code and the record module, so
    a cached outcome made by other facts code is not reused."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")) + [here.parent / "records.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _notebooks(root: Path, files: list[str], problems: list[tuple[str, str]]
               ) -> list[Notebook]:
    out = []
    for rel in [f for f in files if f.endswith(".ipynb")][:MAX_NOTEBOOKS]:
        try:
            out.append(read_notebook(root, rel))
        except Unreadable as exc:
            problems.append((rel, str(exc)))
    return out


def _readmes(root: Path, files: list[str]) -> list[tuple[str, str]]:
    """The READMEs read for results: the top folder's, then those of sub-folders (a
    project kept in a folder of its repository, `mnist_cnn/README.md`), at most
    `MAX_READMES`, nearest first."""
    named = [rel for rel in files if rel.rsplit("/", 1)[-1].lower() in README_NAMES
             and rel.count("/") < MAX_README_DEPTH]
    out = []
    for rel in sorted(named, key=lambda r: (r.count("/"), r))[:MAX_READMES]:
        try:
            out.append((rel, read_text(root / rel, MAX_TEXT_BYTES)))
        except Unreadable:
            continue
    return out


def _results(root: Path, files: list[str], notebooks: list[Notebook],
             attacher: Attacher) -> tuple[list[Result], list[Any]]:
    results: list[Result] = []
    curves = []
    for nb in notebooks:
        found, runs = notebook_outputs(nb)
        results += [attacher.result(r) for r in found]
        curves += [attacher.curve(c) for c in runs]
    for rel, text in _readmes(root, files):
        lines = text.splitlines()
        for r in readme_results(rel, text):
            line = lines[r.evidence.line - 1] if r.evidence.line else None
            results.append(attacher.result(r, line))
    return results, curves


def project_facts(root: Path, models: Sequence[Mapping[str, Any]] = ()) -> Facts:
    """The facts of the checkout at `root` (see the module docstring)."""
    root = Path(root)
    problems: list[tuple[str, str]] = []
    files = walk(root)
    notebooks = _notebooks(root, files, problems)
    env, stated = environment(root, files, notebooks)
    problems += stated.problems
    results, curves = _results(root, files, notebooks, Attacher(models, notebooks))
    licence, licence_problems = project_licence(root, stated.licences)
    problems += licence_problems
    return Facts(env, tuple(results), tuple(curves), licence, tuple(problems))


def path_environment(path: Path) -> Environment:
    """The environment of a file, notebook or folder (what `exnet check` shows)."""
    path = Path(path)
    if path.is_dir():
        root, files = path, walk(path)
    else:
        root, files = path.parent, [path.name]
    notebooks = _notebooks(root, files, [])
    return environment(root, files, notebooks)[0]


def project_fields(facts: Mapping[str, Any] | None, license: str | None) -> dict[str, Any]:
    """The fields mine adds to a project record from its facts (JSON, as cached):
    `environment`, `results`, `curves`, `licence`, and `license` — the SPDX id the
    facts found in a file or metadata, else the one the project had (GitHub's)."""
    if not isinstance(facts, Mapping):
        return {}
    licence: Mapping[str, Any] = facts.get("licence") or {}
    if not licence.get("spdx") and license:
        licence = licence_of_id(license, "github").to_json()
    elif not licence:
        licence = Licence(None, "none", None, None).to_json()
    return {"license": licence.get("spdx"), "licence": licence,
            "environment": facts.get("environment"), "results": facts.get("results") or [],
            "curves": facts.get("curves") or []}


def facts_json(root: Path, models: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """`project_facts(...).to_json()` for the mine's worker: a bug meeting odd input
    costs the facts of that project (recorded in `problems`), never its extraction."""
    try:
        return project_facts(root, models).to_json()
    except Exception as exc:  # noqa: BLE001 (a bug meeting odd input: record it, go on)
        env = Environment(None, (), (), (), None, (), ())
        broken = Facts(env, (), (), Licence(None, "none", None, None),
                       ((".", f"facts error: {type(exc).__name__}: {exc}"[:300]),))
        return broken.to_json()
