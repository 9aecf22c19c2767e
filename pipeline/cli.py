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

    result = extract_path(path)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, sort_keys=False, ensure_ascii=False))
    else:
        from exnet.extract.table import render_table

        render_table(result, sys.stdout)
    click.echo(result.summary_line(), err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
