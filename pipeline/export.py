"""Export stage: a corpus's records as flat tables for pandas, DuckDB and notebooks.

`export_corpus(corpus_dir, out_dir, fmt)` reads each task folder's projects.jsonl and
models.jsonl (bad lines are skipped and reported, as in aggregate) and writes five
tables, one file each, every row tagged with its task:

    projects.<fmt>         one row per project (exnet.project/1, lists ";"-joined)
    models.<fmt>           one row per model: where it is, its sequences, counts
    layers.<fmt>           one row per layer, in forward order (`position`)
    hyperparameters.<fmt>  one row per (model, hyperparameter)
    datasets.<fmt>         one row per (model, dataset), with where it was seen

Models are joined to the other tables by `model_id` (`exnet.records.model_id`, the id
of the site and summary.json). Every column has one type in every file: values of
several types (a hyperparameter's value, a layer's arguments) are JSON text, and a
hyperparameter's value is also given as `number` or `text` when it is one. The column
order and types are fixed by TABLES, so a table with no rows still has them.

CSV needs only pandas; parquet needs pyarrow (`pip install 'exnet[export]'`), which
the gallery itself never needs. Files are written atomically, rows sorted (projects by
name, models by id), so an unchanged corpus exports to the same rows.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exnet.atomic import write_atomic
from exnet.bundled import task_dirs
from exnet.errors import ExnetError
from exnet.recordfiles import model_lines, project_lines
from exnet.records import model_id
from exnet.sequences import core_sequence, full_sequence

FORMATS = ("parquet", "csv")
ARROW = " → "

#: table -> (column, pandas dtype), in file order.
TABLES: dict[str, list[tuple[str, str]]] = {
    "projects": [("task", "string"), ("project", "string"), ("url", "string"),
                 ("sha", "string"), ("default_branch", "string"), ("stars", "Int64"),
                 ("forks", "Int64"), ("license", "string"), ("topics", "string"),
                 ("created", "string"), ("pushed", "string"), ("source", "string"),
                 ("status", "string"), ("reason", "string"), ("models", "Int64"),
                 ("failures", "Int64"), ("mined", "string")],
    "models": [("task", "string"), ("model_id", "string"), ("project", "string"),
               ("file", "string"), ("cell", "Int64"), ("line", "Int64"),
               ("end_line", "Int64"), ("name", "string"), ("framework", "string"),
               ("style", "string"), ("schema", "string"), ("layers", "Int64"),
               ("full_sequence", "string"), ("core_sequence", "string"),
               ("dag", "boolean"), ("datasets", "string"), ("blocks", "string"),
               ("occurrences", "Int64")],
    "layers": [("task", "string"), ("model_id", "string"), ("position", "Int64"),
               ("type", "string"), ("api", "string"), ("line", "Int64"),
               ("cell", "Int64"), ("args", "string")],
    "hyperparameters": [("task", "string"), ("model_id", "string"), ("name", "string"),
                        ("value", "string"), ("number", "float64"), ("text", "string"),
                        ("how", "string"), ("file", "string"), ("line", "Int64"),
                        ("cell", "Int64"), ("api", "string")],
    "datasets": [("task", "string"), ("model_id", "string"), ("position", "Int64"),
                 ("dataset", "string"), ("source", "string"), ("file", "string"),
                 ("line", "Int64"), ("cell", "Int64")],
}


@dataclass(frozen=True)
class Exported:
    """One table written: its file and how many rows it has."""

    table: str
    path: Path
    rows: int

    def line(self) -> str:
        return f"{self.path} ({self.rows} rows)"


Row = dict[str, Any]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _joined(values: Any) -> str | None:
    return ";".join(str(v) for v in values) if isinstance(values, list) and values else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def project_row(task: str, rec: dict[str, Any]) -> Row:
    """The projects-table row of one exnet.project/1 record."""
    row: Row = {name: rec.get(name) for name, _ in TABLES["projects"]}
    row.update(task=task, project=rec["full_name"], topics=_joined(rec.get("topics")))
    for name in ("stars", "forks", "models", "failures"):
        row[name] = _int(rec.get(name))
    return row


def model_rows(task: str, rec: dict[str, Any]) -> dict[str, list[Row]]:
    """The rows one model record gives each of the models, layers, hyperparameters and
    datasets tables."""
    mid = model_id(rec)
    full = full_sequence(rec)
    span = rec["span"]
    model: Row = {
        "task": task, "model_id": mid, "project": rec["project"], "file": rec["file"],
        "cell": _int(rec.get("cell")), "line": _int(span[0]),
        "end_line": _int(span[-1]), "name": rec["name"],
        "framework": rec.get("framework"), "style": rec.get("style"),
        "schema": rec.get("schema"), "layers": len(rec["layers"]),
        "full_sequence": ARROW.join(full), "core_sequence": ARROW.join(core_sequence(full)),
        "dag": rec.get("edges") is not None, "datasets": _joined(rec.get("datasets")),
        "blocks": _joined(rec.get("blocks")),
        "occurrences": len(rec.get("occurrences") or []) or 1}
    layers = [{"task": task, "model_id": mid, "position": i, "type": layer["type"],
               "api": layer.get("api"), "line": _int(layer.get("line")),
               "cell": _int(layer.get("cell")), "args": _json(layer.get("args") or {})}
              for i, layer in enumerate(rec["layers"])]
    hyper = [_hyperparameter_row(task, mid, name, hp)
             for name, hp in sorted((rec.get("hyperparameters") or {}).items())]
    return {"models": [model], "layers": layers, "hyperparameters": hyper,
            "datasets": _dataset_rows(task, mid, rec)}


def _hyperparameter_row(task: str, mid: str, name: str, hp: dict[str, Any]) -> Row:
    value = hp.get("value")
    number = float(value) if isinstance(value, (int, float)) and \
        not isinstance(value, bool) else None
    return {"task": task, "model_id": mid, "name": name, "value": _json(value),
            "number": number, "text": value if isinstance(value, str) else None,
            "how": hp.get("how"), "file": hp.get("file"), "line": _int(hp.get("line")),
            "cell": _int(hp.get("cell")), "api": hp.get("api")}


def _dataset_rows(task: str, mid: str, rec: dict[str, Any]) -> list[Row]:
    # dataset_evidence is parallel to datasets (exnet.model/2); version 1 has none.
    evidence = {e.get("id"): e for e in rec.get("dataset_evidence") or []
                if isinstance(e, dict)}
    rows = []
    for i, dataset in enumerate(rec.get("datasets") or []):
        seen = evidence.get(dataset, {})
        rows.append({"task": task, "model_id": mid, "position": i, "dataset": dataset,
                     "source": seen.get("source"), "file": seen.get("file"),
                     "line": _int(seen.get("line")), "cell": _int(seen.get("cell"))})
    return rows


def corpus_rows(dirs: Iterable[Path], warn: Callable[[str], None]) -> dict[str, list[Row]]:
    """Every table's rows for the task folders `dirs`; lines that cannot be used are
    reported through `warn` and skipped."""
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    for task_dir in dirs:
        task = task_dir.name
        projects = []
        for number, rec, problem in project_lines(task_dir / "projects.jsonl"):
            if rec is None:
                warn(f"{task_dir / 'projects.jsonl'}:{number}: skipped ({problem})")
            else:
                projects.append(project_row(task, rec))
        tables["projects"] += sorted(projects, key=lambda r: r["project"])
        models = []
        for number, model, problem in model_lines(task_dir / "models.jsonl"):
            if model is None:
                warn(f"{task_dir / 'models.jsonl'}:{number}: skipped ({problem})")
            else:
                models.append(model_rows(task, model))
        for rows in sorted(models, key=lambda r: r["models"][0]["model_id"]):
            for name, table_rows in rows.items():
                tables[name] += table_rows
    return tables


def frame(table: str, rows: list[Row]) -> Any:
    """The pandas DataFrame of one table: its columns in order, each of its type."""
    import pandas as pd

    columns = TABLES[table]
    data = {name: pd.array([row.get(name) for row in rows], dtype=dtype)
            for name, dtype in columns}
    return pd.DataFrame(data, columns=[name for name, _ in columns])


def _encode(df: Any, fmt: str) -> bytes:
    if fmt == "csv":
        return str(df.to_csv(index=False, lineterminator="\n")).encode("utf-8")
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise ExnetError("parquet needs pyarrow: pip install 'exnet[export]' "
                         "(or use --format csv, which needs only pandas)") from exc


def export_corpus(corpus_dir: Path, out_dir: Path, fmt: str = "parquet",
                  tasks: list[str] | None = None, *,
                  warn: Callable[[str], None] | None = None) -> list[Exported]:
    """Write the five tables of the tasks (default: every task folder with a
    models.jsonl) into out_dir as `fmt` files; what was written."""
    if fmt not in FORMATS:
        raise ExnetError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        _need_pyarrow()
    dirs = task_dirs(Path(corpus_dir), tasks)
    tables = corpus_rows(dirs, warn or (lambda message: None))
    # Encode every table before writing any, so a failure leaves no half an export.
    encoded = {name: _encode(frame(name, rows), fmt) for name, rows in tables.items()}
    written = []
    for name, data in encoded.items():
        path = Path(out_dir) / f"{name}.{fmt}"
        write_atomic(path, data)
        written.append(Exported(name, path, len(tables[name])))
    return written
