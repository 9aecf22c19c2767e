"""`exnet extract --format table`: the records as a summary a person can read."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table

from exnet.extract.project import ExtractResult
from exnet.terminal import plain


def _layer_chip(layer: dict) -> str:
    args = layer["args"]
    detail = ""
    for key in ("units", "filters", "output_dim", "rate", "function", "name"):
        if key in args:
            detail = str(args[key])
            break
    flags = "".join(" bi" for k in ("bidirectional",) if args.get(k))
    return f"{layer['type']}({detail}{flags})" if detail or flags else layer["type"]


def render_table(result: ExtractResult, out: TextIO) -> None:
    """Print one row per model (where, name, framework/style, layers, hyperparameters),
    then the failures. Every cell is `plain` text: names come from the files read, and
    their control characters and rich markup must reach the terminal as text."""
    console = Console(file=out, width=160, highlight=False, soft_wrap=False)
    table = Table(title="models", show_lines=True)
    for column in ("where", "name", "framework", "layers", "hyperparameters", "datasets"):
        table.add_column(column, overflow="fold")
    for model in result.to_json()["models"]:
        where = f"{model['file']}:{model['span'][0]}"
        if model["cell"] is not None:
            where = f"{model['file']} cell {model['cell']}:{model['span'][0]}"
        layers = " → ".join(_layer_chip(layer) for layer in model["layers"])
        hps = ", ".join(f"{k}={v['value']}" for k, v in model["hyperparameters"].items()
                        if k in ("optimizer", "learning_rate", "batch_size", "epochs", "loss"))
        cells = (where, model["name"], f"{model['framework']}/{model['style']}", layers,
                 hps, ", ".join(model["datasets"]))
        table.add_row(*map(plain, cells))
    console.print(table)
    if result.failures:
        failures = Table(title="failures")
        failures.add_column("file")
        failures.add_column("reason")
        for failure in result.failures:
            failures.add_row(plain(failure.file), plain(failure.reason))
        console.print(failures)
