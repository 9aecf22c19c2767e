"""`exnet build`: the corpus on disk -> the site, aggregating first what is out of date.

An orchestrator above the aggregate and render stages, which never call each other:
each task's summary.json that is missing, of another schema or older than its records
is rebuilt (`exnet.aggregate.refresh_corpus`), then the site is rendered from the
summaries and records (`exnet.render.build_site`). So `exnet build` with no argument
renders the bundled corpus in one command, and always shows the records on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exnet.aggregate import refresh_corpus
from exnet.render import build_site


def publish(corpus_dir: Path, out_dir: Path, tasks: list[str] | None = None, *,
            warn: Callable[[str], None] | None = None) -> Path:
    """Aggregate the tasks (default: every task folder with a models.jsonl) whose
    summary is not current, then build their site into out_dir; the site's index.html.
    `warn` hears about input lines the aggregate stage skipped."""
    refresh_corpus(Path(corpus_dir), tasks, warn=warn)
    return build_site(Path(corpus_dir), Path(out_dir), tasks)
