"""The package type-checks: mypy, with the settings of [tool.mypy] in pyproject.toml,
finds no error in `exnet`.

mypy cannot follow the editable install's mapping of `exnet` to pipeline/, so it is run
as by hand: on a temporary folder whose `exnet` is a symbolic link to pipeline/, named
by MYPYPATH (`mypy -p exnet`). The cache is a fresh temporary folder: the check does
not depend on, or write to, a developer's .mypy_cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error(tmp_path: Path) -> None:
    (tmp_path / "exnet").symlink_to(ROOT / "pipeline", target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MYPYPATH"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "mypy_cache"), "-p", "exnet"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    # Every module was checked, not a package mypy could not find.
    modules = sum(1 for _ in (ROOT / "pipeline").rglob("*.py"))
    assert f"no issues found in {modules} source files" in report, report
