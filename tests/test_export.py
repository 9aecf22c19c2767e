"""export: the corpus as flat tables (parquet and CSV), exact rows on a tiny corpus."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from exnet.cli import main
from exnet.export import TABLES

PROJECTS = [
    {"schema": "exnet.project/1", "full_name": "bob/tweets", "url": "https://github.com/bob/tweets",
     "default_branch": "main", "sha": "b" * 40, "stars": 12, "forks": None, "license": "MIT",
     "description": "not exported", "topics": ["nlp", "keras"], "created": "2021-01-02T03:04:05Z",
     "pushed": "2022-01-02T03:04:05Z", "source": "github", "status": "extracted",
     "reason": None, "models": 1, "failures": 0, "mined": "2026-12-01"},
    {"schema": "exnet.project/1", "full_name": "ann/imdb", "url": None, "default_branch": None,
     "sha": None, "stars": None, "forks": None, "license": None, "topics": [],
     "created": None, "pushed": None, "source": "local", "status": "extracted",
     "reason": None, "models": 1, "failures": 2, "mined": "2026-12-01"},
]
KERAS = {
    "schema": "exnet.model/2", "project": "bob/tweets", "file": "train.py", "cell": None,
    "span": [5, 9], "name": "model", "framework": "keras", "style": "sequential",
    "layers": [
        {"type": "Embedding", "api": "Embedding", "line": 6,
         "args": {"input_dim": 5000, "output_dim": 64}},
        {"type": "LSTM", "api": "LSTM", "line": 7, "args": {"units": 32}},
        {"type": "Dense", "api": "Dense", "line": 8,
         "args": {"units": 1, "activation": "sigmoid"}}],
    "edges": None,
    "hyperparameters": {
        "optimizer": {"value": "adam", "file": "train.py", "line": 10, "how": "literal",
                      "api": "adam"},
        "learning_rate": {"value": 0.001, "file": "config.yaml", "line": 2, "how": "config"},
        "metrics": {"value": ["accuracy"], "file": "train.py", "line": 10, "how": "literal"},
        "epochs": {"value": "args.epochs * 2", "file": "train.py", "line": 11,
                   "how": "expression"}},
    "datasets": ["sentiment140", "imdb"],
    "dataset_evidence": [
        {"id": "sentiment140", "file": "data.py", "line": 3, "cell": None, "source": "loader"},
        {"id": "imdb", "file": "README.md", "line": 1, "cell": None, "source": "readme"}],
    "preprocessing": [],
    "occurrences": [{"file": "train.py", "cell": None, "span": [5, 9], "name": "model",
                     "role": "trained"},
                    {"file": "predict.py", "cell": None, "span": [2, 6], "name": "model",
                     "role": "inference"}],
    "blocks": [],
}
TORCH_V1 = {
    "schema": "exnet.model/1", "project": "ann/imdb", "file": "nb.ipynb", "cell": 3,
    "span": [1, 8], "name": "Net", "framework": "pytorch", "style": "module",
    "layers": [{"type": "Dense", "api": "nn.Linear", "line": 2, "cell": 3,
                "args": {"in_features": 10, "units": 2}}],
    "edges": [[0, 0]], "hyperparameters": {"batch_size": {"value": 32, "file": "nb.ipynb",
                                                         "line": 1, "cell": 5,
                                                         "how": "constant"}},
    "datasets": ["imdb"], "preprocessing": [],
}
KERAS_ID = "bob/tweets:train.py:5:model"
TORCH_ID = "ann/imdb:nb.ipynb#cell3:1:Net"
NA = None

EXPECTED = {
    "projects": [
        ["tiny", "ann/imdb", NA, NA, NA, NA, NA, NA, NA, NA, NA, "local", "extracted", NA,
         1, 2, "2026-12-01"],
        ["tiny", "bob/tweets", "https://github.com/bob/tweets", "b" * 40, "main", 12, NA,
         "MIT", "nlp;keras", "2021-01-02T03:04:05Z", "2022-01-02T03:04:05Z", "github",
         "extracted", NA, 1, 0, "2026-12-01"]],
    "models": [
        ["tiny", TORCH_ID, "ann/imdb", "nb.ipynb", 3, 1, 8, "Net", "pytorch", "module",
         "exnet.model/1", 1, "Dense", "Dense", True, "imdb", NA, 1],
        ["tiny", KERAS_ID, "bob/tweets", "train.py", NA, 5, 9, "model", "keras",
         "sequential", "exnet.model/2", 3, "Embedding → LSTM → Dense → Activation",
         "Embedding → LSTM → Dense", False, "sentiment140;imdb", NA, 2]],
    "layers": [
        ["tiny", TORCH_ID, 0, "Dense", "nn.Linear", 2, 3, '{"in_features": 10, "units": 2}'],
        ["tiny", KERAS_ID, 0, "Embedding", "Embedding", 6, NA,
         '{"input_dim": 5000, "output_dim": 64}'],
        ["tiny", KERAS_ID, 1, "LSTM", "LSTM", 7, NA, '{"units": 32}'],
        ["tiny", KERAS_ID, 2, "Dense", "Dense", 8, NA,
         '{"activation": "sigmoid", "units": 1}']],
    "hyperparameters": [
        ["tiny", TORCH_ID, "batch_size", "32", 32.0, NA, "constant", "nb.ipynb", 1, 5, NA],
        ["tiny", KERAS_ID, "epochs", '"args.epochs * 2"', NA, "args.epochs * 2",
         "expression", "train.py", 11, NA, NA],
        ["tiny", KERAS_ID, "learning_rate", "0.001", 0.001, NA, "config", "config.yaml", 2,
         NA, NA],
        ["tiny", KERAS_ID, "metrics", '["accuracy"]', NA, NA, "literal", "train.py", 10, NA,
         NA],
        ["tiny", KERAS_ID, "optimizer", '"adam"', NA, "adam", "literal", "train.py", 10, NA,
         "adam"]],
    "datasets": [
        ["tiny", TORCH_ID, 0, "imdb", NA, NA, NA, NA],
        ["tiny", KERAS_ID, 0, "sentiment140", "loader", "data.py", 3, NA],
        ["tiny", KERAS_ID, 1, "imdb", "readme", "README.md", 1, NA]],
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    task = tmp_path / "corpus" / "tiny"
    task.mkdir(parents=True)
    lines = [json.dumps(KERAS), "{not json", json.dumps(TORCH_V1),
             json.dumps({"schema": "exnet.failure/1", "file": "x.py", "reason": "r"})]
    (task / "models.jsonl").write_text("\n".join(lines) + "\n")
    (task / "projects.jsonl").write_text("".join(json.dumps(p) + "\n" for p in PROJECTS))
    return tmp_path / "corpus"


def plain(value: object) -> object:
    """A cell as a Python value: NA and NaN are None, numpy scalars plain."""
    if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def read(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "parquet":
        return pd.read_parquet(path)
    table = path.stem
    return pd.read_csv(path, dtype=dict(TABLES[table]), keep_default_na=False,
                       na_values=[""])


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_gives_exact_rows(corpus: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "tables"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--corpus", str(corpus),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{out / name}.{fmt} ({len(rows)} rows)" for name, rows in EXPECTED.items()]
    assert result.stderr.splitlines() == [
        f"{corpus / 'tiny' / 'models.jsonl'}:2: skipped (not JSON: Expecting property name "
        "enclosed in double quotes)"]
    for name, rows in EXPECTED.items():
        df = read(out / f"{name}.{fmt}", fmt)
        assert list(df.columns) == [column for column, _ in TABLES[name]]
        assert [[plain(v) for v in row] for row in df.itertuples(index=False)] == rows, name


def test_an_unchanged_corpus_exports_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    def export() -> dict[str, bytes]:
        CliRunner().invoke(main, ["export", "--format", "csv", "--corpus", str(corpus),
                                  "--out", str(tmp_path / "t")])
        return {p.name: p.read_bytes() for p in (tmp_path / "t").iterdir()}

    assert export() == export()


def test_export_of_the_bundled_corpus_joins_on_model_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    models = pd.read_parquet(tmp_path / "models.parquet")
    layers = pd.read_parquet(tmp_path / "layers.parquet")
    assert models.model_id.is_unique
    assert set(layers.model_id) == set(models.model_id)
    counts = layers.groupby("model_id").size()
    assert (counts[models.model_id].to_numpy() == models.layers.to_numpy()).all()


def test_parquet_without_pyarrow_is_one_clear_line(corpus: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)   # import fails
    result = CliRunner().invoke(main, ["export", "--corpus", str(corpus),
                                       "--out", str(tmp_path / "t")])
    assert result.exit_code == 1
    assert "pip install 'exnet[export]'" in result.output and "--format csv" in result.output
    assert not (tmp_path / "t" / "models.parquet").exists()
