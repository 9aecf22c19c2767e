"""Every sub-package under pipeline/ is listed in pyproject.toml, so wheels ship it."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_every_subpackage_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {"exnet." + ".".join(p.parent.relative_to(ROOT / "pipeline").parts)
             for p in (ROOT / "pipeline").rglob("__init__.py")
             if p.parent != ROOT / "pipeline"} | {"exnet"}
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"
