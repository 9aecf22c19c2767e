"""exnet.render.facts and factcharts on small hand-made summaries: the facts facets
without "unknown", the default model order, the page parts and the scatter's points."""

from __future__ import annotations

from typing import Any

from exnet.render.corpus import TaskSource
from exnet.render.factcharts import preprocessing_overview, scatter_points, training_curves
from exnet.render.facts import environment, fact_facets, licence, model_order, results
from exnet.render.tables import task_tables

LABEL = "reported by the project, not reproduced"
RESULTS = ["project", "row", "metric", "value", "unit", "score", "split", "dataset",
           "model_datasets", "source", "file", "line", "cell", "label"]


def summary(**extra: Any) -> dict[str, Any]:
    """Four models: a/x (row 0), b/y (1, 2), c/z (3); c's size is unknown."""
    models = [["a/x:m.py:1:A", "a/x", "m.py", None, 1, "A", 1000, [[1, 1.0]]],
              ["b/y:m.py:1:B", "b/y", "m.py", None, 1, "B", 50, [[0, 1.0], [3, 2.0]]],
              ["b/y:n.py:1:C", "b/y", "n.py", None, 1, "C", 70, []],
              ["c/z:m.py:1:D", "c/z", "m.py", None, 1, "D", None, []]]
    projects = [["a/x", "1" * 40, "2021-05-01"], ["b/y", "2" * 40, "2024-01-01"],
                ["c/z", "3" * 40, "2023-01-01"]]
    return {"models": {"columns": ["id", "project", "file", "cell", "line", "name", "params",
                                   "neighbours"], "rows": models},
            "projects": {"columns": ["full_name", "sha", "pushed"], "rows": projects},
            **extra}


def task(**extra: Any) -> TaskSource:
    return TaskSource("t", "T", "", summary(**extra), {}, 0)


def test_fact_facets_drop_unknown_and_empty_facets() -> None:
    facets = {"license_kind": {"values": ["permissive", "none", "unknown"],
                               "models": [[0], [3], [1, 2]], "multi": False},
              "python": {"values": ["unknown"], "models": [[0, 1, 2, 3]], "multi": False}}
    shown = fact_facets(task(facets=facets))
    assert shown == [{"key": "license_kind", "legend": "Licence", "multi": False,
                      "values": ["permissive", "none"], "counts": [1, 1],
                      "models": [[0], [3]]}]


def test_order_is_most_complete_then_most_recently_pushed() -> None:
    facts = {"projects": {"columns": ["full_name", "completeness"],
                          "rows": [["a/x", 5], ["b/y", 2], ["c/z", 2]]}}
    t = task(facts=facts)
    # a/x is the most complete; b/y and c/z tie, and b/y was pushed later
    assert model_order(t, task_tables(t)) == [0, 1, 2, 3]
    bare = task()                                  # no facts: by push date alone
    assert model_order(bare, task_tables(bare)) == [1, 2, 3, 0]


def test_environment_links_every_fact_to_its_line() -> None:
    env = {"statement": "PyTorch ≥ 1.8", "python": {"specifier": "", "version": "3.8",
                                                     "evidence": [{"file": "nb.ipynb",
                                                                   "line": None, "cell": None}]},
           "frameworks": [{"name": "torch", "specifier": ">=1.8", "conflict": True,
                           "pins": [{"written": "torch>=1.8", "file": "requirements.txt",
                                     "line": 3, "cell": None},
                                    {"written": "torch<1.8", "file": "../etc/passwd",
                                     "line": 1, "cell": None}]}],
           "eras": [{"api": "torch.autograd.Variable", "needs": None,
                     "evidence": [{"file": "train.py", "line": 9, "cell": None}]}]}
    shown = environment(env, "https://github.com/a/x/blob/abc1234/")
    assert shown is not None
    places = shown["frameworks"][0]["places"]
    assert places[0] == {"written": "torch>=1.8", "where": "requirements.txt:3",
                         "url": "https://github.com/a/x/blob/abc1234/requirements.txt#L3"}
    assert places[1]["url"] is None               # a path leaving the repository: no link
    assert shown["frameworks"][0]["conflict"] is True
    assert shown["python"]["kernel"] is True and shown["python"]["text"] == "3.8"
    assert shown["eras"][0]["places"][0]["url"].endswith("/train.py#L9")
    assert environment({"statement": None, "frameworks": [], "libraries": [],
                        "python": None, "eras": []}, None) is None


def test_licence_and_results_say_nothing_of_what_is_unknown() -> None:
    assert licence(None, None) is None
    assert licence({"spdx": None, "kind": "none", "how": None, "evidence": None}, None) == {
        "spdx": "", "kind": "no licence found", "how": "", "link": None}
    rows = [["a/x", 0, "accuracy", 87.5, "%", 0.875, "test", "imdb", ["imdb"], "readme",
             "README.md", 4, None, None],
            ["a/x", None, "accuracy", 0.9, None, 0.9, None, None, [], "readme",
             "README.md", 9, None, "ensemble"],
            ["a/x", 0, "loss", None, None, None, None, None, [], "readme", "README.md", 5,
             None, None]]
    t = task(facts={"label": LABEL, "results": {"columns": RESULTS, "rows": rows}})
    tables = task_tables(t)
    own = results(t, tables, "a/x", 0)
    assert [(r["metric"], r["value"], r["split"], r["dataset"]) for r in own] == [
        ("accuracy", "87.5%", "test", "imdb")]     # the loss without a number is left out
    assert own[0]["link"]["url"] == "https://github.com/a/x/blob/" + "1" * 40 + "/README.md#L4"
    assert [r["label"] for r in results(t, tables, "a/x", None)] == ["ensemble"]


def test_scatter_takes_one_point_per_model_and_dataset() -> None:
    rows = [["b/y", 1, "accuracy", 0.80, None, 0.80, "train", None, ["imdb"], "n", "nb", None,
             1, None],
            ["b/y", 1, "accuracy", 0.85, None, 0.85, "test", None, ["imdb"], "n", "nb", None,
             2, None],
            ["b/y", 1, "wall_time", 120, "s", None, None, None, ["imdb"], "n", "nb", None, 2,
             None],
            ["b/y", 2, "accuracy", 0.7, None, 0.7, "test", None, ["imdb", "sst2"], "n", "nb",
             None, 3, None],                      # two datasets, none named: not drawn
            ["c/z", 3, "accuracy", 91, "%", 0.91, "test", "ag_news", ["ag_news"], "r", "R",
             1, None, None]]
    t = task(facts={"results": {"columns": RESULTS, "rows": rows}})
    points = scatter_points(t, task_tables(t))
    assert [(p["dataset"], p["name"], p["score"], p["split"], p["params"], p["seconds"])
            for p in points] == [("ag_news", "D", 0.91, "test", None, None),
                                 ("imdb", "B", 0.85, "test", 50, 120.0)]


def test_curves_overlay_the_nearest_neighbours_that_have_some() -> None:
    t = task()
    tables = task_tables(t)
    runs = {1: [{"epochs": [1], "series": {"loss": [0.5]}}],
            3: [{"epochs": [1, 2], "series": {"loss": [0.6, 0.4]}}]}
    assert [(c["name"], c["own"]) for c in training_curves(tables, 1, runs)] == [
        ("B", True), ("D", False)]                # row 0, the nearest, has no curves
    assert training_curves(tables, 0, runs) == []


def test_preprocessing_overview_links_each_value_to_its_models() -> None:
    pre = {"models": 4, "tokenizers": {"values": ["Keras Tokenizer"], "models": [[0, 1]]},
           "pretrained_embeddings": {"values": ["none", "glove"], "models": [[0, 1, 2], [3]]},
           "image_sizes": {"values": [], "models": []},
           "augmentation": {"values": [], "models": []}, "augmented": {"models": 0},
           "padding_length": {"models": [[200, [0]]], "n": 1, "median": 200, "q1": 200,
                              "q3": 200}}
    t = task(preprocessing=pre)
    tables = task_tables(t)
    shown = preprocessing_overview(t, tables)
    assert shown is not None
    assert [p["key"] for p in shown["parts"]] == ["tokenizers", "pretrained_embeddings"]
    keras = shown["parts"][0]["bars"][0]
    assert (keras["value"], keras["count"], keras["share"]) == ("Keras Tokenizer", 2, "50%")
    assert [m["href"] for m in keras["models"]] == [f"models/{tables.slugs[r]}.html"
                                                    for r in (0, 1)]
    assert shown["padding"]["text"] == "median 200, middle half 200–200, over 1 model"
    assert shown["augmented"] is None
    assert preprocessing_overview(task(), tables) is None


def test_many_padding_lengths_are_grouped_by_histogram_bin() -> None:
    lengths = [[v, [i]] for i, v in enumerate(range(10, 140, 10))]   # 13 models, 13 lengths
    pre = {"models": 13, "padding_length": {
        "models": lengths, "n": 13, "median": 70, "q1": 40, "q3": 100,
        "histogram": {"edges": [8, 16, 32, 64, 128, 256], "scale": "log2"}}}
    t = task(preprocessing=pre)
    shown = preprocessing_overview(t, task_tables(t))
    assert shown is not None
    assert [(b["value"], b["count"]) for b in shown["padding"]["bars"]] == [
        ("8–15", 1), ("16–31", 2), ("32–63", 3), ("64–127", 6), ("128–255", 1)]
