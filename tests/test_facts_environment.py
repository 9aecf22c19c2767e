"""The facts stage's environment: pins from every kind of file, conflicts, the Python
version, API eras from the code and the statement (fixtures in tests/fixtures/facts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from exnet.facts import path_environment, project_facts
from exnet.facts.environment import satisfiable
from exnet.facts.requirements import conda_requirement, poetry_specifier
from exnet.facts.statement import pretty

FIXTURES = Path(__file__).parent / "fixtures" / "facts"


def env(name: str) -> dict:
    return project_facts(FIXTURES / name).to_json()["environment"]


def pins(dep: dict) -> list[tuple]:
    return [(p["written"], p["specifier"], p["marker"], p["file"], p["line"], p["cell"])
            for p in dep["pins"]]


def test_requirements_includes_markers_options_and_conflicting_pins() -> None:
    e = env("conflicting")
    fw = {d["name"]: d for d in e["frameworks"]}
    assert fw["tensorflow"]["conflict"] is True and fw["tensorflow"]["specifier"] == ""
    assert pins(fw["tensorflow"]) == [
        ("tensorflow-gpu", "==1.15.0", None, "requirements.txt", 3, None),
        ("tensorflow", ">=2.0", None, "setup.py", 4, None)]
    assert pins(fw["keras"]) == [("keras", "==2.3.1", None, "setup.py", 5, None)]
    libs = {d["name"]: d for d in e["libraries"]}
    assert sorted(libs) == ["h5py", "matplotlib", "mylib", "numpy", "pandas", "scikit-learn"]
    # -r base.txt (which includes itself again: read once)
    assert pins(libs["pandas"]) == [("pandas", "==1.1.5", None, "base.txt", 1, None)]
    assert pins(libs["numpy"]) == [("numpy", ">=1.16", 'python_version >= "3.6"',
                                    "requirements.txt", 4, None)]
    assert libs["numpy"]["specifier"] == ""          # a marker's pin is not combined
    assert libs["h5py"]["specifier"] == "<3"          # --hash dropped
    assert libs["matplotlib"]["specifier"] == ">=3.1"  # a continued line
    assert libs["mylib"]["specifier"] == ""           # -e URL#egg=mylib
    assert e["python"] == {"specifier": ">=3.6", "version": None,
                           "evidence": [{"file": "setup.py", "line": 13, "cell": None}]}
    assert e["sources"] == ["requirements.txt", "base.txt", "setup.py"]
    assert e["statement"] == ("TensorFlow pins conflict (==1.15.0 in requirements.txt, >=2.0 "
                              "in setup.py) — needs tensorflow<2 (tf.Session), Keras 2.3.1; "
                              "Python ≥ 3.6")


def test_eras_come_from_code_lines_not_comments() -> None:
    e = env("conflicting")
    eras = {(x["framework"], x["api"]): x for x in e["eras"]}
    assert eras["tensorflow", "tf.Session"]["evidence"] == [
        {"file": "train.py", "line": 7, "cell": None}]            # line 6 is a comment
    assert eras["tensorflow", "tf.placeholder"]["needs"] == "tensorflow<2"
    assert eras["keras", "nb_epoch="]["needs"] == "keras<2.4"


def test_pyproject_environment_yml_and_runtime() -> None:
    e = env("pinned")
    fw = {d["name"]: d for d in e["frameworks"]}
    assert pins(fw["torch"]) == [("pytorch", "==1.8.1.*", None, "environment.yml", 6, None),
                                 ("torch", ">=1.8", None, "pyproject.toml", 7, None)]
    assert fw["torch"]["specifier"] == "==1.8.1.*,>=1.8" and not fw["torch"]["conflict"]
    assert [d["name"] for d in e["libraries"]] == ["numpy", "pip", "spacy", "tqdm"]
    assert e["python"]["version"] == "3.8"
    assert [x["file"] for x in e["python"]["evidence"]] == ["environment.yml",
                                                           "pyproject.toml", "runtime.txt"]
    # the pin <= 0.8.1 already meets what the legacy Field API needs (< 0.9)
    assert e["statement"] == "PyTorch 1.8.1.x, torchtext ≤ 0.8.1; Python 3.8"
    assert [(x["framework"], x["needs"]) for x in e["eras"]] == [
        ("torchtext", "torchtext<0.9"), ("torch", None)]


def test_poetry_and_python_version_file() -> None:
    e = env("poetry")
    fw = {d["name"]: d for d in e["frameworks"]}
    assert fw["tensorflow"]["specifier"] == "<2.5,>=2.4"
    assert {d["name"]: d["specifier"] for d in e["libraries"]} == {"pillow": "",
                                                                   "scipy": "<2,>=1.5.4"}
    assert e["python"]["version"] == "3.9"
    # tf.keras markers speak about TensorFlow; the pin (< 2.5) already meets < 2.6
    assert e["statement"] == "TensorFlow ≥ 2.4 and < 2.5; Python 3.9"
    apis = sorted(x["api"] for x in e["eras"])
    # tensorflow.keras.preprocessing.text is still there in TF 2.16+ (tf.keras keeps it)
    assert apis == ["fit_generator", "optimizer lr=", "predict_classes"]


def test_pipfile_and_a_pin_the_code_contradicts() -> None:
    e = env("pipenv")
    assert e["python"]["specifier"] == "==3.7.*" and e["python"]["version"] == "3.7"
    assert e["statement"] == ("PyTorch 1.4.0 — needs torch<0.5 (loss.data[0]), "
                              "torchvision ≥ 0.5; Python 3.7")


def test_notebook_pip_lines_and_kernel_versions() -> None:
    e = env("notebooks")
    fw = {d["name"]: d for d in e["frameworks"]}
    assert pins(fw["tensorflow"]) == [("tensorflow", "==2.3.0", None, "keras_imdb.ipynb",
                                       1, 1)]
    assert {d["name"]: d["specifier"] for d in e["libraries"]} == {"keras-tuner": ">=1.0",
                                                                   "nltk": ""}
    # three kernels, one each: 3.6.9, 3.7.10, 3.8.5; the highest of the most common
    assert e["python"]["version"] == "3.8" and e["python"]["specifier"] == ""
    # a kernel's version is what the notebooks ran with, not a requirement
    assert e["statement"] == ("TensorFlow 2.3.0, PyTorch (version not pinned; no removed "
                              "API in the code); notebooks ran on Python 3.8")


def test_path_environment_of_one_file() -> None:
    e = path_environment(FIXTURES / "pipenv" / "main.py").to_json()
    assert e["statement"] == "PyTorch 0.x era — needs torch<0.5 (loss.data[0])"


@pytest.mark.parametrize("spec, ok", [("==1.15.0,>=2.0", False), (">=1.15,<2", True),
                                      (">1.8,<1.9", True), ("==1.15.*,<1.15.2", True),
                                      ("<1.0,>=1.0", False)])
def test_satisfiable(spec: str, ok: bool) -> None:
    assert satisfiable(SpecifierSet(spec)) is ok


@pytest.mark.parametrize("spec, want", [("^1.2.3", "<2,>=1.2.3"), ("^0.2.3", "<0.3,>=0.2.3"),
                                        ("~1.2", "<1.3,>=1.2"), ("*", ""), ("2.0", "==2.0"),
                                        (">=1,<2", "<2,>=1")])
def test_poetry_specifier(spec: str, want: str) -> None:
    assert poetry_specifier(spec) == want


@pytest.mark.parametrize("spec, want", [("python=3.7", "python==3.7.*"),
                                        ("pytorch::pytorch>=1.8", "pytorch>=1.8"),
                                        ("numpy 1.19 py37_0", "numpy==1.19.*"),
                                        ("cudatoolkit", "cudatoolkit"),
                                        ("tensorflow==1.15", "tensorflow==1.15"),
                                        ("pytorch=1.13.1=py3.8_cuda11.6_cudnn8_0",
                                         "pytorch==1.13.1")])
def test_conda_requirement(spec: str, want: str) -> None:
    assert conda_requirement(spec) == want


@pytest.mark.parametrize("spec, want", [("==2.3.0", "2.3.0"), ("==1.15.*", "1.15.x"),
                                        ("<2,>=1.15", "≥ 1.15 and < 2"), (">=1.8", "≥ 1.8")])
def test_pretty(spec: str, want: str) -> None:
    assert pretty(spec) == want


def test_the_marker_named_is_the_one_that_sets_the_bound() -> None:
    from exnet.facts.statement import statement
    from exnet.records import Era

    eras = [Era("keras", "2.x", "tensorflow<2.16", "fit_generator", ()),
            Era("keras", "2.x", "tensorflow<2", "CuDNNLSTM/CuDNNGRU", ())]
    assert statement({"tensorflow"}, [], eras, None) == (
        "TensorFlow with the Keras 2.x API — needs tensorflow<2 (CuDNNLSTM/CuDNNGRU)")


@pytest.mark.parametrize("code, needs", [
    ("import keras\nfrom keras.preprocessing.text import Tokenizer\n", ["keras<3"]),
    ("from keras.preprocessing import sequence, text\n", ["keras<3"]),
    ("from tensorflow.keras.preprocessing.text import Tokenizer\n", []),
    ("import tensorflow as tf\ntok = tf.keras.preprocessing.text.Tokenizer()\n", []),
    ("from tensorflow import keras\ntok = keras.preprocessing.text.Tokenizer()\n", []),
    ("from keras.preprocessing.image import ImageDataGenerator\n", ["keras<3"]),
    ("import keras\ngen = keras.preprocessing.image.ImageDataGenerator(rescale=1/255)\n",
     ["keras<3"]),
    ("from keras.preprocessing.image import load_img\n", []),
    ("from tensorflow.keras.preprocessing.image import ImageDataGenerator\n", []),
    ("from tensorflow import keras\nimport tensorflow_hub as hub\n"
     "net = keras.Sequential([hub.KerasLayer(URL)])\n", ["tensorflow<2.16"]),
    ("import tf_keras as keras\nimport tensorflow_hub as hub\n"
     "net = keras.Sequential([hub.KerasLayer(URL)])\n", [None]),
    # the standalone package's old layer modules; tf.keras never had them public
    ("from keras.layers.embeddings import Embedding\n", ["keras<2.9"]),
    ("from keras.layers.convolutional import Conv1D\n", ["keras<2.13"]),
    ("from keras.layers import Conv1D, Embedding\n", []),
    ("from keras.layers import Dense, Merge\n", ["keras<2.2"]),
    ("from tensorflow import keras\ncb = keras.callbacks.ModelCheckpoint('m.h5', period=5)\n",
     ["tensorflow<2.16"]),
    ("from tensorflow.keras.layers import Input\nx = Input(shape=(784))\n", ["tensorflow<2.16"]),
    ("from tensorflow.keras.layers import Input\nx = Input(shape=(784,))\n", []),
    ("from transformers import AdamW, get_linear_schedule_with_warmup\n",
     ["transformers<4.50"]),
])
def test_keras_2_era_markers_and_where_they_do_not_apply(
        tmp_path: Path, code: str, needs: list[str | None]) -> None:
    (tmp_path / "prep.py").write_text(code)
    e = project_facts(tmp_path).to_json()["environment"]
    assert [x["needs"] for x in e["eras"]] == needs


def test_a_utf16_requirements_file_is_read(tmp_path: Path) -> None:
    # what PowerShell's `pip freeze > requirements.txt` writes
    text = "numpy==1.26.4\r\ntensorflow==2.13.0\r\n"
    (tmp_path / "requirements.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "train.py").write_text("import tensorflow as tf\n")
    facts = project_facts(tmp_path).to_json()
    e = facts["environment"]
    assert facts["problems"] == []
    assert [(d["name"], d["specifier"]) for d in e["frameworks"]] == [
        ("tensorflow", "==2.13.0")]
    assert [(d["name"], d["specifier"]) for d in e["libraries"]] == [("numpy", "==1.26.4")]
    assert e["statement"] == "TensorFlow 2.13.0"


def test_a_conda_export_named_requirements_txt(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "# platform: linux-64\npython=3.9.7=h12debd9_1\npytorch=1.9.0=py3.9_cpu_0\n"
        "pillow=8.3.1\nnumpy==1.21.2\n")
    (tmp_path / "net.py").write_text("import torch\n")
    facts = project_facts(tmp_path).to_json()
    e = facts["environment"]
    assert facts["problems"] == []
    assert [(d["name"], d["specifier"]) for d in e["frameworks"]] == [("torch", "==1.9.0")]
    assert [(d["name"], d["specifier"]) for d in e["libraries"]] == [
        ("numpy", "==1.21.2"), ("pillow", "==8.3.1.*")]
    assert e["python"]["specifier"] == "==3.9.7" and e["python"]["version"] == "3.9"
    assert e["statement"] == "PyTorch 1.9.0; Python 3.9"


def test_singular_requirement_files_conda_yaml_and_frameworks_named_by_use(
        tmp_path: Path) -> None:
    (tmp_path / "requirement.txt").write_text("torch==2.1.0\n")
    (tmp_path / "conda.yaml").write_text(
        "name: mlflow-env\ndependencies:\n  - python=3.8.16\n  - pip:\n"
        "    - torchvision==0.16.0\n")
    (tmp_path / "train.py").write_text(
        "import torch\nfrom transformers import (\n    AutoModel,\n)\nimport theano\n")
    e = project_facts(tmp_path).to_json()["environment"]
    assert [(d["name"], d["specifier"], d["pins"][0]["file"]) for d in e["frameworks"]] == [
        ("torch", "==2.1.0", "requirement.txt"), ("torchvision", "==0.16.0", "conda.yaml")]
    assert e["statement"] == (
        "PyTorch 2.1.0, torchvision 0.16.0, Transformers (version not pinned; no removed API "
        "in the code), Theano (version not pinned; no removed API in the code); Python 3.8")


def test_a_python_line_without_a_version_states_no_python(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("torch\npython -m spacy download en_core_web_sm\n")
    e = project_facts(tmp_path).to_json()["environment"]
    assert e["python"] is None
    assert e["statement"] == "PyTorch (version not pinned; no removed API in the code)"


def test_pip_lines_of_a_readme_and_pipfile_categories(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# Setup\n\n```powershell\n.\\.venv\\Scripts\\python.exe -m pip install --upgrade pip\n"
        ".\\.venv\\Scripts\\python.exe -m pip install torch==2.3.1 --index-url https://x.org\n"
        "```\n\nRun pip install transformers==9.9 in prose: not read.\n")
    (tmp_path / "Pipfile").write_text(
        '[packages]\ntorch = "*"\ntorchvision = "*"\n\n[cpu]\ntorchvision = "==0.26.0"\n'
        '\n[requires]\npython_version = "3.12"\n')
    (tmp_path / "train.py").write_text("import torch\n")
    e = project_facts(tmp_path).to_json()["environment"]
    assert [(d["name"], d["specifier"]) for d in e["frameworks"]] == [
        ("torch", "==2.3.1"), ("torchvision", "==0.26.0")]
    assert [d["name"] for d in e["libraries"]] == []
    assert e["statement"] == "PyTorch 2.3.1, torchvision 0.26.0; Python 3.12"


def test_kernels_named_in_capitals_count_and_the_binding_era_names_the_statement(
        tmp_path: Path) -> None:
    import json

    def notebook(name: str, kernel: str, version: str, code: str) -> None:
        (tmp_path / name).write_text(json.dumps({
            "nbformat": 4, "nbformat_minor": 2, "cells": [
                {"cell_type": "code", "source": code, "metadata": {}, "outputs": [],
                 "execution_count": 1}],
            "metadata": {"kernelspec": {"name": kernel, "display_name": kernel},
                         "language_info": {"name": "python", "version": version}}}))
    notebook("a.ipynb", "Python [Root]", "3.5.2", "from keras.layers.embeddings import E\n")
    notebook("b.ipynb", "Python [Root]", "3.5.2", "model.fit(x, y, nb_epoch=5)\n")
    notebook("c.ipynb", "conda-root-py", "2.7.12", "import keras\n")
    e = project_facts(tmp_path).to_json()["environment"]
    # the Keras 1 marker binds (keras<2.4), so the era said is its 1.x
    assert e["statement"] == ("Keras 1.x era — needs keras<2.4 (nb_epoch=); "
                              "notebooks ran on Python 3.5")
