"""exnet.render.project (a project's page), its slugs and the links to it, and the
preprocessing glance of the task page, with exact values.

The project pages are built from tests/fixtures/site/corpus with the facts of
tests/fixtures/site_facts/facts.json added (as tests/test_site_facts.py does):
ana/imdb-lstm has a licence, an environment, results for each of its two models and one
for the project, a description and two definitions set aside; jon/spam-gru has no line
in projects.jsonl at all.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from test_site_facts import TASK, corpus_with_facts

from exnet.publish import refresh_corpus
from exnet.render.assets import site_assets
from exnet.render.corpus import TaskSource, load_task
from exnet.render.factcharts import preprocessing_glance, preprocessing_overview
from exnet.render.jsdata import task_data
from exnet.render.links import project_slugs
from exnet.render.pages import render_site
from exnet.render.project import project_contexts, set_aside
from exnet.render.search import task_documents
from exnet.render.tables import task_tables

ANA = "https://github.com/ana/imdb-lstm/blob/" + "1" * 40 + "/"


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> TaskSource:
    corpus = corpus_with_facts(tmp_path_factory.mktemp("project") / "corpus")
    refresh_corpus(corpus, None)
    return load_task(corpus / TASK, {})


@pytest.fixture(scope="module")
def pages(task: TaskSource) -> dict[str, dict[str, Any]]:
    return dict(project_contexts(task, task_tables(task), site_assets().paths))


def test_one_page_per_project_with_models(pages: dict[str, dict[str, Any]]) -> None:
    assert sorted(pages) == ["ana--imdb-lstm", "ben--sentiment-gru", "cleo--textcnn",
                             "dan--news-cnn", "eve--bert-sst", "fay--imdb-bilstm",
                             "gus--yelp-mlp", "hal--twitter-lstm",
                             "ivy--ag-news-transformer", "jon--spam-gru"]


def test_project_head_links_github_at_the_mined_commit(pages: dict[str, dict[str, Any]]
                                                       ) -> None:
    ctx = pages["ana--imdb-lstm"]
    assert ctx["project"] == {
        "name": "ana/imdb-lstm", "url": "https://github.com/ana/imdb-lstm/tree/" + "1" * 40,
        "commit": "1111111111", "description": "Sentiment of IMDB reviews with a stacked LSTM",
        "topics": [], "stars": "120", "forks": "12", "models_text": "2 models"}
    assert ctx["title"] == "ana/imdb-lstm · text-classification"
    assert [c["href"] for c in ctx["crumbs"]] == ["../../index.html", "../index.html", None]


def test_project_models_link_their_pages_with_a_layer_summary(
        task: TaskSource, pages: dict[str, dict[str, Any]]) -> None:
    tables = task_tables(task)
    rows = [r for r in range(tables.n) if tables.models["project"][r] == "ana/imdb-lstm"]
    models = pages["ana--imdb-lstm"]["models"]
    assert [(m["name"], m["href"], m["where"], m["url"], m["architecture"], m["layers"],
             [c["label"] for c in m["core"]]) for m in models] == [
        ("build_model", f"../models/{tables.slugs[rows[0]]}.html", "model.py:10",
         ANA + "model.py#L10", "LSTM", "3 layers", ["Embedding", "LSTM", "Dense"]),
        ("stacked_lstm", f"../models/{tables.slugs[rows[1]]}.html", "model2.py:8",
         ANA + "model2.py#L8", "LSTM", "4 layers", ["Embedding", "LSTM × 2", "Dense"])]


def test_set_aside_definitions_with_their_reason_and_line(
        pages: dict[str, dict[str, Any]]) -> None:
    assert pages["ana--imdb-lstm"]["set_aside"] == [
        {"name": "PlainRNN", "where": "utils/plain.py:5", "url": ANA + "utils/plain.py#L5",
         "why": "defined but never built by the project's code, which trains another model"},
        {"name": "base", "where": "explore.ipynb (cell 3):2", "url": ANA + "explore.ipynb",
         "why": "a pretrained model used as it is, never trained in the project"}]


def test_set_aside_skips_what_cannot_be_shown() -> None:
    record = {"set_aside": [{"file": "", "line": 1, "name": "A", "why": "w"}, "junk",
                            {"file": "../up.py", "line": 2, "name": None, "why": None},
                            {"file": "b.py", "line": True, "name": " B ", "why": "w"}]}
    assert set_aside(record, "https://github.com/o/n/blob/HEAD/") == [
        {"name": "", "why": "", "where": "../up.py:2", "url": None},
        {"name": "B", "why": "w", "where": "b.py",
         "url": "https://github.com/o/n/blob/HEAD/b.py"}]
    assert set_aside({"set_aside": None}, None) == []


def test_facts_show_the_project_and_each_model(pages: dict[str, dict[str, Any]]) -> None:
    facts = pages["ana--imdb-lstm"]["facts"]
    assert facts["environment"]["statement"] == \
        "TensorFlow 1.x era — needs tensorflow<2 (tf.Session)"
    assert facts["licence"] == {"spdx": "MIT", "kind": "permissive", "how": "",
                                "link": {"where": "LICENSE", "url": ANA + "LICENSE"}}
    assert facts["reported"] == "reported by the project, not reproduced"
    assert [(title, [(r["metric"], r["value"], r["split"], r["link"]["where"]) for r in rows])
            for title, rows in facts["tables"]] == [
        ("Reported by the project without naming one model",
         [("accuracy", "88.1%", "test", "README.md:20")]),
        ("For build_model (model.py)", [("accuracy", "87.5%", "test", "README.md:12"),
                                        ("training time", "340 s", "", "train.ipynb (cell 7)")]),
        ("For stacked_lstm (model2.py)", [("accuracy", "0.86", "validation",
                                           "train.ipynb (cell 9)")])]


def test_a_project_without_a_record_shows_no_unknown_figure(
        pages: dict[str, dict[str, Any]]) -> None:
    ctx = pages["jon--spam-gru"]
    assert ctx["project"] == {"name": "jon/spam-gru", "url": "https://github.com/jon/spam-gru",
                              "commit": "", "description": "", "topics": [], "stars": "",
                              "forks": "", "models_text": "1 model"}
    assert ctx["facts"] is None and ctx["set_aside"] == []


def test_project_slugs_are_safe_and_distinct() -> None:
    def sha(name: str) -> str:
        return hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]

    # "a/b" would collide with "A/b" on a file system that ignores case
    assert project_slugs(["a/b", "A/b", "x/y z", "../..", "a/b"]) == {
        "../..": f"project-{sha('../..')}", "A/b": "A--b", "a/b": f"a--b-{sha('a/b')}",
        "x/y z": "x--y-z"}


def test_links_to_the_project_page(task: TaskSource) -> None:
    tables = task_tables(task)
    data = task_data(task, tables)
    names = data["projects"]["name"]
    assert data["projects"]["page"][names.index("ana/imdb-lstm")] == "ana--imdb-lstm"
    docs = [d for d in task_documents(task, tables) if d["kind"] == "project"]
    assert docs[0]["title"] == "ana/imdb-lstm"
    assert docs[0]["href"] == f"{TASK}/projects/ana--imdb-lstm.html"
    files = render_site([task], site_assets())
    model = files[f"{TASK}/models/{tables.slugs[0]}.html"].decode("utf-8")
    assert 'href="../projects/ana--imdb-lstm.html">ana/imdb-lstm</a>' in model
    page = files[f"{TASK}/projects/ana--imdb-lstm.html"].decode("utf-8")
    assert "Also defined, not counted" in page and "Reported by the project, not reproduced" \
        in page
    assert f"{TASK}/projects/jon--spam-gru.html" in files


def test_preprocessing_glance_one_line_per_kind(task: TaskSource) -> None:
    tables = task_tables(task)
    glance = preprocessing_glance(task, preprocessing_overview(task, tables))
    assert [(g["title"], g["text"], g["target"]) for g in glance] == [
        ("Tokenizers", "Keras Tokenizer 25%, get_tokenizer 8%", "h-prep-tokenizers"),
        ("Padding length", "median 200, middle half 200–300, over 3 models", "h-prep-padding"),
        ("Pretrained embeddings", "8% of the models (glove 8%)",
         "h-prep-pretrained_embeddings")]


def test_preprocessing_glance_images_and_augmentation() -> None:
    models = {"columns": ["id", "project", "name"],
              "rows": [[f"p/q:m.py:{i}:M", "p/q", f"M{i}"] for i in range(4)]}
    pre = {"models": 4, "tokenizers": {"values": [], "models": []},
           "pretrained_embeddings": {"values": ["none"], "models": [[0, 1, 2, 3]]},
           "image_sizes": {"values": ["32×32", "224×224", "28×28", "64×64"],
                           "models": [[0], [1], [2], [3]]},
           "augmentation": {"values": ["flip", "crop"], "models": [[0, 1], [1]]},
           "augmented": {"models": 2, "share": 0.5}}
    t = TaskSource("t", "T", "", {"models": models, "preprocessing": pre}, {}, 0)
    glance = preprocessing_glance(t, preprocessing_overview(t, task_tables(t)))
    assert [(g["key"], g["text"]) for g in glance] == [
        ("image_sizes", "32×32 25%, 224×224 25%, 28×28 25% (+1 more)"),
        ("augmentation", "50% of the models augment their input (2 of 4): flip 50%, crop 25%")]
    assert preprocessing_glance(t, None) == []


def test_project_pages_read_projects_jsonl(task: TaskSource) -> None:
    assert task.projects["ana/imdb-lstm"]["set_aside"][0]["name"] == "PlainRNN"
    assert "jon/spam-gru" not in task.projects
