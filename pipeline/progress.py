"""What people see while `exnet mine` runs: a bar per stage, notes, and a closing table.

On a terminal, rich draws one bar per stage (discover, fetch, extract) with its counts;
elsewhere (a pipe, CI) each stage prints one plain line when it ends; with `quiet`
nothing is printed here at all. All of it goes to stderr, so stdout carries only the
final line that says where the output is.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from exnet.terminal import shown


class Reporter:
    """Progress and notes for one run; see the module docstring for the three modes."""

    def __init__(self, quiet: bool = False, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.quiet = quiet
        self.live = not quiet and self.console.is_terminal
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    # -- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> Reporter:  # noqa: PYI034
        if self.live:
            self._progress = Progress(
                SpinnerColumn(), TextColumn("{task.description:<10}"), BarColumn(),
                MofNCompleteColumn(), TextColumn("{task.fields[info]}"), TimeElapsedColumn(),
                console=self.console)
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()

    def finish(self) -> None:
        """Stop the bars (drawn once more, final), so that what follows prints below."""
        if self._progress is not None:
            self._progress.refresh()
            self._progress.stop()
            self._progress = None

    # -- stages ----------------------------------------------------------------------

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage's bar (a spinner while `total` is unknown)."""
        if self._progress is not None and name not in self._tasks:
            self._tasks[name] = self._progress.add_task(name, total=total, info="")

    def update(self, name: str, completed: int, total: int | None = None,
               info: str = "") -> None:
        if self._progress is not None and name in self._tasks:
            self._progress.update(self._tasks[name], completed=completed, total=total,
                                  info=escape(shown(info)))

    def stage_done(self, name: str, line: str) -> None:
        """End a stage: its bar stops; off a terminal its one line is printed."""
        if self._progress is not None and name in self._tasks:
            task = self._progress.tasks[self._tasks[name]]
            if task.total is None:
                self._progress.update(self._tasks[name], total=task.completed)
        elif not self.quiet:
            self.console.print(escape(shown(line)), soft_wrap=True)

    # -- messages --------------------------------------------------------------------

    def note(self, message: str) -> None:
        """One line for people (warnings, where the run stopped and why)."""
        if not self.quiet:
            self.console.print(escape(shown(message)), soft_wrap=True)

    def countdown(self, seconds: float, why: str, stage: str = "discover") -> None:
        """Wait `seconds`, showing the time left (on a terminal, updated every second)."""
        end = time.monotonic() + max(0.0, seconds)
        on_bar = self.live and stage in self._tasks
        if not on_bar:
            self.note(f"{why}: waiting {seconds:.0f} s")
        while (left := end - time.monotonic()) > 0:
            if on_bar:
                self.update(stage, int(self._completed(stage)),
                            info=f"{why}: waiting {left:.0f} s")
            time.sleep(min(1.0, left))
        if on_bar:
            self.update(stage, int(self._completed(stage)), info="")

    def _completed(self, stage: str) -> float:
        assert self._progress is not None
        return self._progress.tasks[self._tasks[stage]].completed

    def table(self, title: str, rows: Sequence[tuple[str, str]]) -> None:
        """The closing summary: two columns, what and how many."""
        if self.quiet:
            return
        table = Table(title=title, show_header=False, title_justify="left", min_width=44)
        table.add_column("what")
        table.add_column("count", justify="right")
        for what, count in rows:
            table.add_row(escape(what), escape(count))
        self.console.print(table)
