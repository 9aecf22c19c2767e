"""Facts stage: a project's environment — frameworks, libraries, Python, API era.

`environment(root, files, notebooks)` reads every source of `exnet.facts.requirements`,
combines the pins of each library (`Dependency`: the pins without a marker intersected;
a conflict when no version meets them all), finds the Python version, scans the code
for era markers (`exnet.facts.era`) and writes the statement (`exnet.facts.statement`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePosixPath

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from exnet.facts import era as era_markers
from exnet.facts import requirements as req
from exnet.facts.files import MAX_CODE_BYTES, README_NAMES, Notebook, Unreadable, read_text
from exnet.facts.statement import ORDER, statement
from exnet.records import Dependency, Environment, Evidence, Pin, PythonVersion

FRAMEWORKS = frozenset(ORDER) | {"tensorflow-hub", "tensorflow-text", "tensorflow-addons",
                                 "tensorflow-datasets"}
_READERS = {"setup.py": req.read_setup_py, "setup.cfg": req.read_setup_cfg,
            "pyproject.toml": req.read_pyproject, "pipfile": req.read_pipfile,
            "environment.yml": req.read_environment_yml,
            "environment.yaml": req.read_environment_yml,
            # MLflow projects name their conda environment conda.yaml
            "conda.yml": req.read_environment_yml, "conda.yaml": req.read_environment_yml}
MAX_DEPTH = 3          # folder depth of setup.py, environment.yml, ... read
MAX_CODE_TOTAL = 20_000_000   # characters of .py code scanned for era markers


def satisfiable(spec: SpecifierSet) -> bool:
    """Whether some version meets `spec`: tried on the versions it names and the next
    releases after each (enough for the ==, >=, <, ~= and wildcard pins people write)."""
    candidates: set[Version] = set()
    for s in spec:
        try:
            v = Version(s.version.replace(".*", ""))
        except InvalidVersion:
            return True
        parts = list(v.release) + [0] * (3 - len(v.release))
        candidates |= {v, Version(f"{parts[0]}.{parts[1]}.{parts[2] + 1}"),
                       Version(f"{parts[0]}.{parts[1] + 1}"), Version(f"{parts[0] + 1}")}
    return not candidates or any(spec.contains(c, prereleases=True) for c in candidates)


def combine(name: str, pins: list[Pin]) -> Dependency:
    plain = [p.specifier for p in pins if p.marker is None and p.specifier]
    try:
        spec = SpecifierSet(",".join(plain))
    except InvalidSpecifier:
        spec = SpecifierSet()
    conflict = len(set(plain)) > 1 and not satisfiable(spec)
    return Dependency(name, "" if conflict else str(spec), conflict, tuple(pins))


def python_version(stated: req.Stated) -> PythonVersion | None:
    """The Python the files ask for; else the version notebooks last ran with."""
    # "python" named with no version (a stray "python -m spacy download" line) says nothing
    if any(spec for spec, _ in stated.python):
        specs = [s for s, _ in stated.python if s]
        try:
            spec = SpecifierSet(",".join(specs))
        except InvalidSpecifier:
            spec = SpecifierSet()
        exact = [s.version for s in spec if s.operator in ("==", "~=", "===")]
        version = ".".join(exact[0].split(".")[:2]) if exact else None
        return PythonVersion(str(spec), version, tuple(ev for _, ev in stated.python[:3]))
    if stated.kernels:
        minors = Counter(".".join(v.split(".")[:2]) for v, _ in stated.kernels)
        top = max(minors, key=lambda v: (minors[v], v))
        evidence = tuple(ev for v, ev in stated.kernels if v.startswith(top + "."))[:3]
        return PythonVersion("", top, evidence)
    return None


def _shallow(rel: str) -> bool:
    return len(PurePosixPath(rel).parts) <= MAX_DEPTH


def read_stated(root: Path, files: list[str], notebooks: list[Notebook]) -> req.Stated:
    stated = req.Stated()
    for rel in files:
        name = PurePosixPath(rel).name.lower()
        if req.is_requirements_file(rel) and _shallow(rel):
            req.read_requirements(root, rel, stated)
        elif name in _READERS and _shallow(rel):
            try:
                text = read_text(root / rel)
            except Unreadable as exc:
                stated.problems.append((rel, str(exc)))
                continue
            _READERS[name](text, rel, stated)
            stated.sources.append(rel)
        elif "/" not in rel and name in README_NAMES:
            try:
                req.read_readme_installs(read_text(root / rel), rel, stated)
            except Unreadable:
                continue
        elif name in ("runtime.txt", ".python-version") and _shallow(rel):
            try:
                version = req.python_of_runtime(read_text(root / rel))
            except Unreadable:
                version = None
            if version:
                spec = f"=={version}" if version.count(".") == 2 else f"=={version}.*"
                stated.python.append((spec, Evidence(rel, 1)))
                stated.sources.append(rel)
    for nb in notebooks:
        req.read_notebook_installs(nb, stated)
        if nb.python and nb.python[:1].isdigit() and (nb.kernel or "python").lower().startswith(
                ("python", "conda", "py")):
            stated.kernels.append((nb.python, Evidence(nb.rel)))
    return stated


def code_lines(root: Path, files: list[str], notebooks: list[Notebook]
               ) -> dict[str, list[era_markers.Line]]:
    out: dict[str, list[era_markers.Line]] = {}
    budget = MAX_CODE_TOTAL
    for rel in files:
        if rel.endswith(".py") and budget > 0:
            try:
                text = read_text(root / rel, MAX_CODE_BYTES)
            except Unreadable:
                continue
            budget -= len(text)
            out[rel] = [(rel, n, None, line) for n, line in enumerate(text.splitlines(), 1)]
    for nb in notebooks:
        out[nb.rel] = [(nb.rel, n, cell.index, line) for cell in nb.cells
                       for n, line in enumerate(cell.source.splitlines(), 1)]
    return out


def environment(root: Path, files: list[str], notebooks: list[Notebook]
                ) -> tuple[Environment, req.Stated]:
    """The environment of a checkout (and what was stated, for the licence metadata)."""
    stated = read_stated(root, files, notebooks)
    by_name: dict[str, list[Pin]] = {}
    for pin in stated.pins:
        by_name.setdefault(pin.name, []).append(pin)
    deps = [combine(name, pins) for name, pins in sorted(by_name.items())]
    frameworks = [d for d in deps if d.name in FRAMEWORKS]
    libraries = [d for d in deps if d.name not in FRAMEWORKS]
    lines = code_lines(root, files, notebooks)
    uses = era_markers.imports([line for file in lines.values() for line in file])
    eras = era_markers.eras(lines)
    python = python_version(stated)
    text = statement(uses, frameworks, eras, python)
    env = Environment(text, tuple(sorted(uses)), tuple(frameworks), tuple(libraries), python,
                      tuple(eras), tuple(dict.fromkeys(stated.sources)))
    return env, stated
