"""Where the bundled corpus lives: the `exnet.corpus` package (corpus/ in the source tree).

The corpus ships inside the package so that `exnet build` renders a real gallery after a
plain `pip install`, with no network; in a source checkout it is the corpus/ folder.
"""

from __future__ import annotations

from pathlib import Path


def corpus_dir() -> Path:
    """The bundled corpus folder: task definitions and one folder of records per task."""
    try:
        from importlib.resources import files

        path = Path(str(files("exnet.corpus")))
        if (path / "tasks.toml").is_file():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "corpus"
