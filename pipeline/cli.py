"""The `exnet` command line: click wiring only; each command's work lives in its stage.

Heavy imports happen inside the commands so that `exnet --help` stays instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from exnet import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exnet")
def main() -> None:
    """Mine deep-learning projects on GitHub into a browsable gallery of examples."""


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=True, dir_okay=True,
                                        path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json",
              show_default=True, help="JSON records (the contract) or a summary for people.")
def extract(path: Path, fmt: str) -> None:
    """Print the model records of a .py file, an .ipynb notebook or a folder."""
    from exnet.extract import extract_path
    from exnet.terminal import json_for_terminal

    result = extract_path(path)
    if fmt == "json":
        click.echo(json_for_terminal(json.dumps(result.to_json(), indent=2, sort_keys=False,
                                                ensure_ascii=False)))
    else:
        from exnet.extract.table import render_table

        render_table(result, sys.stdout)
    click.echo(result.summary_line(), err=True)


@main.command()
@click.option("--task", required=True, help="A task of corpus/tasks.toml (see `exnet tasks`).")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="Most projects to take from a GitHub search (best first, by stars).")
@click.option("--token", envvar="GITHUB_TOKEN", show_envvar=True,
              help="GitHub token: higher rate limits, and code search.")
@click.option("--api-url", envvar="GITHUB_API_URL", default="https://api.github.com",
              show_default=True, help="GitHub's REST API (GitHub Enterprise: its /api/v3).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Mine the projects listed in FILE (owner/name[@sha] or git URLs).")
@click.option("--from", "from_dir", type=click.Path(exists=True, file_okay=False,
                                                    path_type=Path),
              help="Mine local checkouts: DIR itself, or one project per sub-folder.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("corpus"), show_default=True,
              help="Write OUT/<task>/projects.jsonl, models.jsonl, failures.jsonl.")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Where the site is built.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Clones and results  [default: $XDG_CACHE_HOME/exnet]")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Extraction processes  [default: all cores]")
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds allowed per project, for its clone and for its extraction.")
@click.option("--tasks-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Task definitions  [default: corpus/tasks.toml]")
@click.option("--scheduler", metavar="local|tcp://HOST:PORT",
              help="Fetch and extract on a Dask cluster: a scheduler's address, or "
                   "`local` for a LocalCluster of --jobs workers (needs exnet[dask])  "
                   "[default: this machine's processes]")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary, for scripts.")
def mine(task: str, limit: int, token: str | None, api_url: str, manifest: Path | None,
         from_dir: Path | None, out_dir: Path, site_dir: Path, cache_dir: Path | None,
         jobs: int | None, timeout: float, tasks_file: Path | None, scheduler: str | None,
         quiet: bool) -> None:
    """Discover, fetch and extract a task's projects, then aggregate and build the site.

    The last line printed is where the result is (the site's index.html).
    """
    from exnet.github_search import SearchOptions
    from exnet.mine import MineOptions
    from exnet.mine import mine as run_mine
    from exnet.progress import Reporter
    from exnet.tasks import get_task

    options = MineOptions(
        task=get_task(task, tasks_file), out_dir=out_dir, site_dir=site_dir,
        cache_dir=cache_dir, manifest=manifest, from_dir=from_dir,
        search=SearchOptions(token=token or None, api_url=api_url, limit=limit),
        jobs=jobs or 0, extract_timeout=timeout, clone_timeout=timeout,
        scheduler=scheduler or None)
    with Reporter(quiet=quiet) as reporter:
        summary = run_mine(options, reporter)
    click.echo(str(summary.output))


@main.command()
@click.option("--tasks-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Task definitions  [default: corpus/tasks.toml]")
def tasks(tasks_file: Path | None) -> None:
    """List the tasks `exnet mine --task` knows."""
    from exnet.tasks import load_tasks

    for task in load_tasks(tasks_file).values():
        subtasks = f" (with {', '.join(task.subtasks)})" if task.subtasks else ""
        click.echo(f"{task.name}: {task.title}{subtasks}")
        click.echo(f"    {len(task.queries)} searches, {len(task.code_queries)} code searches;"
                   f" datasets: {', '.join(task.datasets) or '-'}")


@main.command()
@click.option("--task", help="Only this task (a folder of the corpus)  [default: every "
                             "task folder with a models.jsonl]")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The corpus folder  [default: the bundled corpus/]")
def aggregate(task: str | None, corpus_dir: Path | None) -> None:
    """Summarise each task's models.jsonl into summary.json (what the site draws).

    Prints the path of each summary written.
    """
    from exnet.aggregate import aggregate_corpus
    from exnet.bundled import corpus_dir as bundled_corpus

    def warn(message: str) -> None:
        click.echo(message, err=True)

    for path in aggregate_corpus(corpus_dir or bundled_corpus(), task, warn=warn):
        click.echo(str(path))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True, help="Parquet (needs pyarrow: exnet[export]) or CSV.")
@click.option("--task", "tasks", multiple=True,
              help="Only this task (repeat for several)  [default: every task folder "
                   "with a models.jsonl]")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The corpus folder  [default: the bundled corpus/]")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("export"), show_default=True, help="Where to write the tables.")
def export(fmt: str, tasks: tuple[str, ...], corpus_dir: Path | None, out_dir: Path) -> None:
    """Write the corpus as flat tables (projects, models, layers, hyperparameters,
    datasets) for pandas, DuckDB and notebooks.

    Prints each file written and its number of rows.
    """
    from exnet.bundled import corpus_dir as bundled_corpus
    from exnet.export import export_corpus
    from exnet.folders import ensure_writable

    def warn(message: str) -> None:
        click.echo(message, err=True)

    ensure_writable(out_dir, "--out")
    for table in export_corpus(corpus_dir or bundled_corpus(), out_dir, fmt,
                               list(tasks) or None, warn=warn):
        click.echo(table.line())


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--task", required=True, help="The task whose corpus to compare with "
                                            "(see `exnet tasks`).")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The corpus folder  [default: the bundled corpus/]")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True,
              help="markdown: ready to paste into a pull request.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
              default="error", show_default=True,
              help="Exit with 1 when a finding has this severity or worse.")
def check(path: Path, task: str, corpus_dir: Path | None, fmt: str, fail_on: str) -> None:
    """Place your own model (a file, notebook or folder) in the corpus of a task and
    report design mistakes: missing activations or loss, an output that does not fit
    the loss, hyperparameters far outside what others use, rare layer orders."""
    from exnet.bundled import corpus_dir as bundled_corpus
    from exnet.check import check_path
    from exnet.check.report import render_text
    from exnet.rulebook import SEVERITIES
    from exnet.terminal import json_for_terminal

    report = check_path(path, task, corpus_dir or bundled_corpus())
    if fmt == "json":
        click.echo(json_for_terminal(json.dumps(report.to_json(), indent=2,
                                                ensure_ascii=False)))
    elif fmt == "markdown":
        from exnet.check.markdown import render_markdown

        render_markdown(report, sys.stdout)
    else:
        render_text(report, sys.stdout)
    worst = report.worst()
    if fail_on != "never" and worst is not None and \
            SEVERITIES.index(worst) >= SEVERITIES.index(fail_on):
        sys.exit(1)


@main.command()
@click.option("--task", "tasks", multiple=True,
              help="Only this task (a folder of the corpus; repeat for several)  "
                   "[default: every task folder with a models.jsonl]")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The corpus folder  [default: the bundled corpus/]")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Where to write the site.")
def build(tasks: tuple[str, ...], corpus_dir: Path | None, out_dir: Path) -> None:
    """Render the static gallery from the corpus on disk (no network), aggregating
    first each task whose summary.json is missing or older than its records.

    Prints the path of the site's index.html; open it in a browser, or run `exnet serve`.
    """
    from exnet.bundled import corpus_dir as bundled_corpus
    from exnet.folders import ensure_writable
    from exnet.publish import publish

    def warn(message: str) -> None:
        click.echo(message, err=True)

    ensure_writable(out_dir, "--out")
    index = publish(corpus_dir or bundled_corpus(), out_dir, list(tasks) or None, warn=warn)
    click.echo(str(index))


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--dir", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="The built site to serve.")
def serve(port: int, site_dir: Path) -> None:
    """Preview the built site on http://127.0.0.1:PORT/ (Ctrl+C stops)."""
    from exnet.render.serve import serve as run_server

    run_server(site_dir, port, announce=lambda url: click.echo(f"Serving {site_dir} at {url}"))


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(exists=True, file_okay=False,
                                                         path_type=Path),
              required=True, help="The corpus folder to update (projects.jsonl per task).")
@click.option("--task", "tasks", multiple=True,
              help="Only this task (repeat for several)  [default: every task folder]")
@click.option("--token", envvar="GITHUB_TOKEN", show_envvar=True,
              help="GitHub token: 5,000 requests an hour instead of 60.")
@click.option("--api-url", envvar="GITHUB_API_URL", default="https://api.github.com",
              show_default=True, help="GitHub's REST API (GitHub Enterprise: its /api/v3).")
def refresh(corpus_dir: Path, tasks: tuple[str, ...], token: str | None,
            api_url: str) -> None:
    """Update the stars, forks, topics, description and last push of a corpus's GitHub
    projects (projects.jsonl), keeping everything else. Run `exnet aggregate` after."""
    from exnet.github_search import SearchOptions
    from exnet.refresh import refresh_corpus

    refresh_corpus(corpus_dir, list(tasks) or None,
                   SearchOptions(token=token or None, api_url=api_url),
                   note=lambda line: click.echo(line, err=True))


if __name__ == "__main__":  # pragma: no cover
    main()
