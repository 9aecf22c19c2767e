"""summary.json's facts, preprocessing overview and facts facets, from project and model
records written here."""

from __future__ import annotations

from typing import Any

from exnet.aggregate.facts import api_eras, score
from exnet.aggregate.summary import build_summary
from exnet.records import REPORTED


def model(project: str, name: str, line: int, **extra: Any) -> dict[str, Any]:
    return {"schema": "exnet.model/2", "project": project, "file": "m.py", "cell": None,
            "span": [line, line + 3], "name": name, "framework": "keras", "style": "sequential",
            "layers": [{"type": "Embedding", "args": {}}, {"type": "LSTM", "args": {}},
                       {"type": "Dense", "args": {"units": 1}}], **extra}


def env(statement: str, frameworks: list[dict], eras: list[dict], python: str | None,
        uses: list[str]) -> dict[str, Any]:
    return {"statement": statement, "uses": uses, "frameworks": frameworks, "libraries": [],
            "python": None if python is None else {"specifier": "", "version": python,
                                                   "evidence": []},
            "eras": eras, "sources": []}


def result(model_id: str | None, value: float, unit: str | None = None) -> dict[str, Any]:
    return {"metric": "accuracy", "value": value, "unit": unit, "split": "test",
            "dataset": "imdb", "model": model_id, "label": None, "source": "readme",
            "evidence": {"file": "README.md", "line": 3, "cell": None}, "reported": REPORTED}


TF1 = env("TensorFlow 1.x era — needs tensorflow<2 (tf.Session)", [],
          [{"framework": "tensorflow", "era": "1.x", "needs": "tensorflow<2",
            "api": "tf.Session", "evidence": []}], "3.6", ["tensorflow"])
TORCH = env("PyTorch 1.8.1", [{"name": "torch", "specifier": "==1.8.1", "conflict": False,
                               "pins": []}], [], None, ["torch"])
PROJECTS = [
    {"full_name": "ann/tf1", "stars": 5, "license": "MIT", "pushed": "2020-01-01T00:00:00Z",
     "licence": {"spdx": "MIT", "kind": "permissive", "how": "file", "evidence": None},
     "environment": TF1, "results": [result("ann/tf1:m.py:1:lstm", 87.5, "%")],
     "curves": [{"model": "ann/tf1:m.py:1:lstm", "source": "keras-progress",
                 "evidence": {"file": "nb.ipynb", "line": None, "cell": 4},
                 "epochs": [1, 2], "series": {"loss": [0.6, 0.4]}, "reported": REPORTED}]},
    {"full_name": "bob/torch", "stars": None, "license": None,
     "licence": {"spdx": None, "kind": "none", "how": None, "evidence": None},
     "environment": TORCH, "results": [result(None, 0.81)], "curves": []},
    {"full_name": "cat/old", "stars": 1},          # mined before facts existed
]
MODELS = [
    model("ann/tf1", "lstm", 1, datasets=["imdb"], preprocessing=[
        {"kind": "tokenizer", "api": "keras.preprocessing.text.Tokenizer", "file": "m.py",
         "line": 1, "args": {}},
        {"kind": "padding", "api": "keras.preprocessing.sequence.pad_sequences",
         "file": "m.py", "line": 2, "args": {"maxlen": 200}},
        {"kind": "embeddings", "api": "open", "file": "m.py", "line": 3,
         "args": {"name": "glove"}}]),
    model("bob/torch", "Net", 5, preprocessing=[
        {"kind": "resize", "api": "transforms.Resize", "file": "m.py", "line": 1,
         "args": {"size": 224}},
        {"kind": "augmentation", "api": "transforms.RandomHorizontalFlip", "file": "m.py",
         "line": 2, "args": {}}]),
    model("cat/old", "model", 9, hyperparameters={
        "max_sequence_length": {"value": 100, "file": "m.py", "line": 1, "how": "literal"}}),
]


def test_facts_part_tables_and_facets() -> None:
    s = build_summary(MODELS, PROJECTS, task="t")
    facts = s["facts"]
    assert facts["label"] == REPORTED
    assert facts["projects"]["rows"] == [
        ["ann/tf1", TF1["statement"], "3.6", ["TensorFlow 1.x"], "MIT", "permissive", 1, 1, 5,
         "2020-01-01T00:00:00Z"],
        ["bob/torch", "PyTorch 1.8.1", None, ["PyTorch 1.x"], None, "none", 1, 0, 3, None]]
    assert sorted(facts["environments"]) == ["ann/tf1", "bob/torch"]
    assert facts["results"]["rows"] == [
        ["ann/tf1", 0, "accuracy", 87.5, "%", 0.875, "test", "imdb", ["imdb"], "readme",
         "README.md", 3, None, None],
        ["bob/torch", None, "accuracy", 0.81, None, 0.81, "test", "imdb", [], "readme",
         "README.md", 3, None, None]]
    assert facts["curves"]["rows"] == [["ann/tf1", 0, "keras-progress", "nb.ipynb", 4, [1, 2],
                                        {"loss": [0.6, 0.4]}]]
    f = s["facets"]
    assert (f["api_era"]["values"], f["api_era"]["models"]) == (
        ["PyTorch 1.x", "TensorFlow 1.x", "unknown"], [[1], [0], [2]])
    assert (f["reported_results"]["values"], f["reported_results"]["models"]) == (
        ["reported results", "unknown"], [[0, 1], [2]])
    assert f["license_kind"]["values"] == ["permissive", "none", "unknown"]
    assert (f["python"]["values"], f["python"]["models"]) == (["3.6", "unknown"],
                                                              [[0], [1, 2]])


def test_preprocessing_overview_links_each_value_to_its_models() -> None:
    p = build_summary(MODELS, PROJECTS, task="t")["preprocessing"]
    assert p["models"] == 3
    assert (p["tokenizers"]["values"], p["tokenizers"]["models"]) == (["Keras Tokenizer"],
                                                                      [[0]])
    assert (p["pretrained_embeddings"]["values"], p["pretrained_embeddings"]["counts"]) == (
        ["none", "glove"], [2, 1])
    assert (p["image_sizes"]["values"], p["image_sizes"]["models"]) == (["224×224"], [[1]])
    assert p["augmented"] == {"models": 1, "share": 0.3333}
    assert p["padding_length"]["models"] == [[100, [2]], [200, [0]]]
    assert (p["padding_length"]["min"], p["padding_length"]["max"]) == (100, 200)


def test_api_eras_and_scores() -> None:
    assert api_eras(env("", [{"name": "tensorflow", "specifier": "<2,>=1.15"}], [], None,
                        [])) == ["TensorFlow 1.x"]
    assert api_eras(env("", [], [{"framework": "torch", "era": "0.x", "needs": None}], None,
                        ["torch"])) == ["PyTorch 0.x"]
    assert api_eras(env("", [], [], None, ["keras"])) == ["Keras (version not pinned)"]
    keras2 = [{"framework": "keras", "era": "2.x", "needs": "tensorflow<2.16"}]
    assert api_eras(env("", [], keras2, None, ["tensorflow"])) == [
        "TensorFlow (version not pinned)", "Keras 2.x"]
    assert score({"metric": "accuracy", "value": 91.0, "unit": None}) == 0.91
    assert score({"metric": "loss", "value": 0.3, "unit": None}) is None
