"""Where a corpus lives: the bundled one (the `exnet.corpus` package, corpus/ in the
source tree), and the task folders of any corpus.

The corpus ships inside the package so that `exnet build` renders a real gallery after a
plain `pip install`, with no network; in a source checkout it is the corpus/ folder.
"""

from __future__ import annotations

from pathlib import Path

from exnet.errors import ExnetError


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


def task_dirs(corpus_dir: Path, tasks: list[str] | None) -> list[Path]:
    """The named tasks' folders (each must hold a models.jsonl), or every task folder of
    the corpus that holds one; a clear ExnetError when there is none."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise ExnetError(f"no corpus folder at {corpus_dir}: pass --corpus DIR")
    if tasks:
        dirs = [corpus_dir / task for task in tasks]
        for d in dirs:
            if not (d / "models.jsonl").is_file():
                raise ExnetError(f"no models.jsonl in {d}: run `exnet mine --task "
                                 f"{d.name}` first, or check the task name")
        return dirs
    dirs = sorted(p for p in corpus_dir.iterdir()
                  if p.is_dir() and (p / "models.jsonl").is_file())
    if not dirs:
        raise ExnetError(f"no task folder with a models.jsonl in {corpus_dir}: run "
                         f"`exnet mine --task TASK` first, or pass --corpus DIR")
    return dirs
