"""The gallery's own reading of the summary: neighbour lists without repeats, no order
or facet on data the corpus lacks, era and preparation facets, architecture names, the
map's robust view and clusters, the search documents, and the model page's strip."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from exnet.publish import publish
from exnet.render.architecture import architecture_name, backbone
from exnet.render.context import _neighbours
from exnet.render.corpus import load_task
from exnet.render.facets import task_facets
from exnet.render.facts import model_order
from exnet.render.mapview import map_view
from exnet.render.search import task_documents
from exnet.render.strips import strip
from exnet.render.tables import TaskTables, task_tables

FIXTURES = Path(__file__).parent / "fixtures" / "site"
TASK = "text-classification"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("gallery")
    corpus = tmp / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    publish(corpus, tmp / "site")
    return corpus, tmp / "site"


def layer(kind: str, **args: Any) -> dict[str, Any]:
    return {"type": kind, "args": args}


@pytest.mark.parametrize("layers, name", [
    ([layer("Embedding"), layer("LSTM", bidirectional=True), layer("Attention"),
      layer("Dense")], "BiLSTM + attention"),
    ([layer("Embedding"), layer("GRU"), layer("Dense")], "GRU"),
    ([layer("Conv2D"), layer("MaxPool2D"), layer("Dense")], "CNN"),
    ([layer("Conv2D"), layer("Add"), layer("Dense")], "ResNet-style CNN"),
    ([layer("Embedding"), layer("Conv1D"), layer("LSTM"), layer("Dense")], "1-D CNN + LSTM"),
    ([layer("Pretrained", name="bert-base-uncased"), layer("Dropout"), layer("Dense")],
     "BERT (pretrained)"),
    ([layer("Embedding"), layer("TransformerEncoder"), layer("Dense")], "Transformer"),
    ([layer("Dense"), layer("Dense")], "MLP"),
])
def test_architecture_names(layers: list[dict[str, Any]], name: str) -> None:
    assert architecture_name({"name": "m", "layers": layers}) == name


def test_backbone_names() -> None:
    assert backbone("torchvision.models.resnet50") == "ResNet-50"
    assert backbone("distilbert-base-uncased") == "DistilBERT"
    assert backbone("__getattribute__") == "pretrained model"


def tables_with(neighbours: list[list[list[float]]], projects: list[str],
                cores: list[int]) -> TaskTables:
    n = len(projects)
    models = {"project": projects, "core": cores, "name": [f"m{i}" for i in range(n)],
              "neighbours": neighbours}
    return TaskTables(models=models, projects={}, slugs=[f"s{i}" for i in range(n)],
                      blob=[None] * n, ref=[None] * n, repo=[None] * n, stars=[None] * n,
                      core_collapsed=[["LSTM"], ["GRU"]], full_collapsed=[],
                      core_types=[], full_types=[])


def test_neighbours_never_repeat_a_model_or_a_projects_copy() -> None:
    # model 0 (project a, core 0); 1: a copy in its own project; 2 and 3: two copies of
    # one architecture in project b; 2 listed twice; 4: project c
    tables = tables_with([[[1, 0], [2, 1], [2, 1], [3, 1], [0, 0], [4, 2]], [], [], [], []],
                         ["a", "a", "b", "b", "c"], [0, 0, 1, 1, 1])
    assert [n["slug"] for n in _neighbours(tables, 0)] == ["s2", "s4"]


def test_no_sort_or_facet_on_data_the_corpus_lacks(built: tuple[Path, Path]) -> None:
    corpus, _ = built
    task = load_task(corpus / TASK, {})
    tables = task_tables(task)
    assert tables.has_stars                       # the fixture corpus knows its stars
    # ...and still sorts by no figure: without facts, by project and name (one push date)
    names = [str(tables.models["project"][r]).lower() for r in model_order(task, tables)]
    assert names == sorted(names)
    unknown = {**task.summary["projects"], "rows": [
        [None if c == "stars" else v for c, v in zip(task.summary["projects"]["columns"], r)]
        for r in task.summary["projects"]["rows"]]}
    facets = dict(task.summary["facets"])
    facets["stars"] = {"values": ["unknown"], "counts": [12], "models": [list(range(12))]}
    blind = task_tables(type(task)(task.name, task.title, "", {**task.summary,
                                   "projects": unknown, "facets": facets},
                                   task.records, 0))
    assert not blind.has_stars
    keys = [f["key"] for f in task_facets(type(task)(task.name, task.title, "", {
        **task.summary, "facets": facets}, task.records, 0), blind)]
    assert "stars" not in keys and "era" in keys


def test_era_and_preparation_facets(built: tuple[Path, Path]) -> None:
    corpus, _ = built
    task = load_task(corpus / TASK, {})
    tables = task_tables(task)
    first = tables.models["id"][0]
    steps = [{"kind": "tokenizer"}, {"kind": "padding"}]
    records = {**task.records, first: {**task.records[first], "preprocessing": steps}}
    task = type(task)(task.name, task.title, "", task.summary, records, 0)
    facets = {f["key"]: f for f in task_facets(task, tables)}
    # the fixture projects were created in 2020; jon/spam-gru is not in projects.jsonl,
    # and the site shows no "unknown" value
    assert facets["era"]["values"] == ["2019–2020"] and facets["era"]["counts"] == [11]
    prep = facets["prep"]
    assert prep["values"] == ["padding", "tokenizer", "none found"] and prep["multi"]
    assert prep["models"] == [[0], [0], list(range(1, 12))]


def test_map_view_compresses_far_out_models_and_names_clusters() -> None:
    # 30 LSTMs around (0, 0), 30 CNNs around (10, 0), and 2 far-out models
    xs = [0.1 * (i % 5) for i in range(30)] + [10 + 0.1 * (i % 5) for i in range(30)]
    xs += [500.0, -400.0]
    ys = [0.1 * (i // 5) for i in range(30)] * 2 + [0.0, 300.0]
    names = ["LSTM"] * 30 + ["CNN"] * 30 + ["ResNet", "MLP"]
    view = map_view(xs, ys, names)
    assert view["outside"] == [60, 61]
    assert max(abs(v) for v in view["tx"]) < 10          # asinh: far, but in view
    # each cluster is one group's, named by it; the far-out pair is no cluster's name
    assert {c["label"] for c in view["clusters"]} == {"CNN", "LSTM"}
    assert all(len(c["names"]) == 1 for c in view["clusters"])


def test_search_documents_find_models_by_their_parts(built: tuple[Path, Path]) -> None:
    corpus, _ = built
    task = load_task(corpus / TASK, {})
    docs = task_documents(task, task_tables(task))
    gru = next(d for d in docs if d["kind"] == "model" and d["title"] == "SentimentGRU")
    assert {"GRU", "Attention", "imdb"} <= set(gru["words"].split())
    assert "BiGRU + attention" in gru["context"]
    kinds = {d["kind"] for d in docs}
    assert kinds == {"model", "project", "layer type", "dataset", "file"}
    layer_doc = next(d for d in docs if d["kind"] == "layer type" and d["title"] == "GRU")
    assert layer_doc["href"] == f"{TASK}/index.html#layers&layer=GRU"
    site = built[1]
    text = (site / "search.js").read_text(encoding="utf-8")
    assert json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))["documents"]


def test_model_value_on_the_task_distribution() -> None:
    values = [0.001] * 6 + [0.0001, 0.01, None, "args.lr"]
    chart = strip("Learning rate", 0.01, values, "log")
    assert chart is not None
    assert chart["sentence"] == ("Learning rate: this model 0.01; the task's median is "
                                 "0.001 (middle half 0.001 to 0.001); 7 of 8 models set a "
                                 "smaller value.")
    assert chart["rows"] == [("0.0001–0.0002", 1), ("0.001–0.002", 6), ("0.01–0.02", 1)]
    assert 'class="strip-mine"' in chart["svg"]
    assert strip("Learning rate", None, values, "log") is None


def test_a_model_of_hundreds_of_layers_keeps_its_page_short(tmp_path: Path) -> None:
    """A ResNet written out layer by layer: its chips stop at 60 with a count of the
    rest, and its layer table shows 40 rows with the others behind a disclosure (the
    largest bundled model page went from 26,987 px to 3,175 px tall at 1280 px)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    models = corpus / TASK / "models.jsonl"
    rows = [json.loads(line) for line in models.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(7)
    kinds = [rng.choice(["Conv1D", "BatchNorm", "Activation", "Dropout", "MaxPool1D",
                         "Dense"]) for _ in range(120)]
    deep = dict(rows[0], name="DeepNet", span=[30, 400], layers=[
        {"type": kind, "api": f"layers.{kind}", "line": 31 + i, "args": {}}
        for i, kind in enumerate(kinds)])
    models.write_text("".join(json.dumps(r) + "\n" for r in [*rows, deep]), encoding="utf-8")
    publish(corpus, tmp_path / "site")
    pages = [p for p in (tmp_path / "site" / TASK / "models").glob("*.html")
             if "DeepNet" in p.read_text(encoding="utf-8").split("<h1", 1)[1][:300]]
    [page] = pages
    html = page.read_text(encoding="utf-8")
    full = html.split('<span class="seq-label">Full</span>', 1)[1].split("</p>", 1)[0]
    assert full.count('class="chip ') == 60
    more = re.search(r"and (\d+) more \(every layer is in the table below\)", full)
    assert more and int(more.group(1)) > 10
    first, rest = html.split('<details class="more-layers">', 1)
    assert first.count('<td class="num">') == 40
    assert "<summary>The other 80 layers</summary>" in rest
    assert rest.split("</details>", 1)[0].count('<td class="num">') == 80


def test_layer_arguments_are_distributions_of_their_own(built: tuple[Path, Path]) -> None:
    """LSTM and GRU units, embedding size and dropout rate: each model's first layer of
    the kind, drawn one bar per value beside the hyperparameters (issue 13, point 5);
    an argument fewer than three models have (GRU units: two) is left out, and the
    parallel coordinates of training settings keep to the hyperparameters."""
    from exnet.render.charts import parcoords_axes
    from exnet.render.jsdata import hyperparameter_dims

    corpus, _ = built
    task = load_task(corpus / TASK, {})
    tables = task_tables(task)
    dims = {d["key"]: d for d in hyperparameter_dims(task, tables) if d.get("layer")}
    assert sorted(dims) == ["dropout_rate", "embedding_dim", "lstm_units"]
    by_name = dict(zip((f"{p}/{n}" for p, n in zip(tables.models["project"],
                                                   tables.models["name"])),
                       zip(dims["lstm_units"]["values"], dims["embedding_dim"]["values"],
                           dims["dropout_rate"]["values"])))
    assert by_name["fay/imdb-bilstm/bilstm"] == (64, 128, None)      # first LSTM: 64
    assert by_name["ben/sentiment-gru/SentimentGRU"] == (None, 100, 0.5)
    assert by_name["eve/bert-sst/BertClassifier"] == (None, None, 0.1)
    assert dims["lstm_units"]["axis"] == "discrete" and dims["lstm_units"]["label"] == \
        "LSTM units (first LSTM layer)"
    axes = {a["label"] for a in parcoords_axes(hyperparameter_dims(task, tables))}
    assert not axes & {d["label"] for d in dims.values()}
