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


def test_wheel_ships_templates_and_the_bundled_corpus(tmp_path: Path) -> None:
    """`pip install exnet` must be enough for `exnet build`: templates, assets and the
    corpus are package data."""
    import subprocess
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next(tmp_path.glob("exnet-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "exnet/corpus/tasks.toml" in names
    for task in ("text-classification", "image-classification"):
        for part in ("models.jsonl", "projects.jsonl", "summary.json", "manifest.txt"):
            if (ROOT / "corpus" / task / part).exists():
                assert f"exnet/corpus/{task}/{part}" in names
    assert any(n.startswith("exnet/site_templates/") and n.endswith(".html") for n in names)
    assert "exnet/extract/interpreter.py" in names
