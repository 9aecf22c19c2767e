"""The layering of docs/ARCHITECTURE.md, checked by import-linter ([tool.importlinter] in
pyproject.toml): the stages are independent of each other (check may call extract's
public API on the user's file), orchestrators sit above them and shared modules below,
GitHub search belongs to discover, the modules inside extract import one another
without a cycle, and each framework handler stands alone.

The contracts are run as `lint-imports` runs them by hand; a second test proves that
they catch what they are meant to catch, on a copy of the package with forbidden
imports added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` in cwd (it reads cwd's pyproject.toml and imports `exnet` with cwd
    first on sys.path), with the same Python as the tests."""
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.is_file() else [shutil.which("lint-imports") or
                                                      "lint-imports"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([*command, "--no-cache"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def test_import_contracts_are_kept() -> None:
    result = lint_imports(ROOT)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "5 kept, 0 broken" in report, report


#: Imports the contracts forbid: (module to add it to, import line, what must be named).
FORBIDDEN = [
    ("render/charts.py", "import exnet.aggregate.load", "exnet.render.charts -> "
                                                        "exnet.aggregate.load"),
    ("check/rules.py", "import exnet.extract.vocabulary", "exnet.check.rules -> "
                                                          "exnet.extract.vocabulary"),
    ("cache.py", "import exnet.extract.version", "exnet.cache -> exnet.extract.version"),
    ("aggregate/facets.py", "import exnet.cli", "exnet.aggregate.facets -> exnet.cli"),
    ("fetch.py", "import exnet.github_search", "exnet.fetch -> exnet.github_search"),
    # a cycle inside extract: the graph would import the calls that import it
    ("extract/graph.py", "import exnet.extract.calls", "exnet.extract.graph -> "
                                                        "exnet.extract.calls"),
    ("extract/frameworks/flax.py", "import exnet.extract.frameworks.keras",
     "exnet.extract.frameworks.flax -> exnet.extract.frameworks.keras"),
]


def test_forbidden_imports_break_the_contracts(tmp_path: Path) -> None:
    """A copy of the package with each import of FORBIDDEN added: every contract is
    broken, and the report names each added import."""
    package = tmp_path / "exnet"
    shutil.copytree(ROOT / "pipeline", package,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for module, line, _ in FORBIDDEN:
        path = package / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n",
                        encoding="utf-8")
    (package / "newcomer.py").write_text('"""A module placed in no layer."""\n')
    result = lint_imports(tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode != 0, report
    assert "0 kept, 5 broken" in report, report
    for _, _, chain in FORBIDDEN:
        assert chain in report, f"{chain} not reported:\n{report}"
    assert "exnet.newcomer" in report, report
