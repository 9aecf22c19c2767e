"""Facets: counts of frameworks, styles, datasets, and the index the site filters on."""

from __future__ import annotations

from typing import Any

import pytest

from exnet.aggregate import build_summary
from exnet.aggregate.facets import facet, size_bucket, stars_bucket


def model(project: str, framework: str, style: str, types: str,
          datasets: list[str], **args: Any) -> dict[str, Any]:
    layers = [{"type": t, "api": t, "line": 1, "args": dict(args)} for t in types.split()]
    return {"schema": "exnet.model/1", "project": project, "file": "m.py", "cell": None,
            "span": [1, 2], "name": "m", "framework": framework, "style": style,
            "layers": layers, "edges": None, "hyperparameters": {}, "datasets": datasets}


CORPUS = [
    model("a/a", "keras", "sequential", "Dense Dropout", ["imdb"], units=4, input_dim=4),
    model("b/b", "pytorch", "module", "LSTM Dense", ["imdb", "sst2"]),
    model("c/c", "keras", "functional", "Pretrained Dense", []),
    model("d/d", "keras", "sequential", "Dense", ["mnist"], units=10, in_features=10),
]
PROJECTS = [{"full_name": "a/a", "stars": 5}, {"full_name": "b/b", "stars": 120},
            {"full_name": "c/c", "stars": 25000}, {"full_name": "x/unused", "stars": 1}]


def test_facet_index_exact() -> None:
    facets = build_summary(CORPUS, PROJECTS)["facets"]
    assert facets["framework"] == {"multi": False, "values": ["keras", "pytorch"],
                                   "counts": [3, 1], "models": [[0, 2, 3], [1]]}
    assert facets["style"]["values"] == ["sequential", "functional", "module"]
    assert facets["style"]["models"] == [[0, 3], [2], [1]]
    assert facets["dataset"] == {"multi": True, "values": ["imdb", "mnist", "sst2", "unknown"],
                                 "counts": [2, 1, 1, 1], "models": [[0, 1], [3], [1], [2]]}
    assert facets["layer"]["values"] == ["Dense", "Dropout", "LSTM", "Pretrained"]
    assert facets["layer"]["counts"] == [4, 1, 1, 1]
    # sizes: 4·4+4 = 20 and 10·10+10 = 110 are known; LSTM and Pretrained sizes are not
    assert facets["size"] == {"multi": False, "values": ["<10K", "unknown"],
                              "counts": [2, 2], "models": [[0, 3], [1, 2]]}
    assert facets["stars"]["values"] == ["<10", "100–999", "≥10K", "unknown"]
    assert facets["stars"]["models"] == [[0], [1], [2], [3]]
    assert facets["trick"]["values"] == ["dropout", "pretrained_backbone"]


def test_model_table_carries_the_facet_values() -> None:
    summary = build_summary(CORPUS, PROJECTS)
    cols = summary["models"]["columns"]
    first = dict(zip(cols, summary["models"]["rows"][0]))
    assert (first["params"], first["size"], first["stars"], first["tricks"]) == (
        20, "<10K", "<10", ["dropout"])
    assert summary["projects"]["rows"][-1][0] == "x/unused"
    assert summary["projects"]["rows"][-1][-1] == 0
    assert summary["totals"]["projects"] == 4


@pytest.mark.parametrize(("params", "bucket"), [
    (None, "unknown"), (0, "<10K"), (9_999, "<10K"), (10_000, "10K–100K"),
    (1_329_473, "1M–10M"), (110_000_000, "≥100M")])
def test_size_buckets(params: int | None, bucket: str) -> None:
    assert size_bucket(params) == bucket


@pytest.mark.parametrize(("stars", "bucket"), [
    (None, "unknown"), ("12", "unknown"), (True, "unknown"), (9, "<10"), (10, "10–99"),
    (999, "100–999"), (1000, "1K–9.9K"), (10_000, "≥10K")])
def test_star_buckets(stars: Any, bucket: str) -> None:
    assert stars_bucket(stars) == bucket


def test_facet_orders() -> None:
    assert facet([["b"], ["a"], ["b"], ["unknown"], ["unknown"], ["unknown"]], False) == {
        "multi": False, "values": ["b", "a", "unknown"], "counts": [2, 1, 3],
        "models": [[0, 2], [1], [3, 4, 5]]}
    # a value listed twice for one model counts once
    assert facet([["x", "x"]], True)["counts"] == [1]
