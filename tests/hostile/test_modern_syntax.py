"""Modern Python is read, never a traceback: `match`, walrus, `except*`, PEP 695 type
parameters, PEP 701 f-strings, positional-only and keyword-only parameters, `lazy
import` and template strings.

The fixed cases pin exact layer sequences; the property test builds programs out of
every statement type libcst knows (checked against libcst itself, so a new node type
fails here until it is covered), placed at module level, in functions and in the
methods of Keras and PyTorch models, and asserts that extraction never escapes.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exnet.cli import main
from exnet.extract import extract_path

TORCH_MATCH = '''\
import torch.nn as nn
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--rnn", default="gru", choices=["lstm", "gru"])
args = parser.parse_args()

match args.rnn:
    case "lstm":
        HIDDEN = 64
    case _:
        HIDDEN = 32


class Classifier(nn.Module):
    def __init__(self, kind: str = args.rnn, /, *, classes: int = 2) -> None:
        super().__init__()
        self.embedding = nn.Embedding(5000, 100)
        match kind:
            case "lstm":
                self.rnn = nn.LSTM(100, HIDDEN, batch_first=True)
            case "gru" | "GRU":
                self.rnn = nn.GRU(100, HIDDEN, batch_first=True)
            case other if other.startswith("rnn"):
                self.rnn = nn.RNN(100, HIDDEN, batch_first=True)
        self.fc = nn.Linear(HIDDEN, classes)

    def forward(self, x):
        if (emb := self.embedding(x)) is not None:
            out, _ = self.rnn(emb)
        return self.fc(out[:, -1])


def describe(obj):
    match obj:
        case Classifier(fc=head):
            return head
        case {"name": name, **rest}:
            return name
        case [first, *others]:
            return first
        case None:
            return None


try:
    model = Classifier()
except* ValueError as group:
    pass
'''

KERAS_MATCH = '''\
from tensorflow import keras
from tensorflow.keras import layers

type Config = dict[str, int]
ARCH = "cnn"


def build[T](vocab: int, /, arch: str = ARCH, *, units: int = 64) -> keras.Model:
    model = keras.Sequential()
    model.add(layers.Embedding(vocab, 128))
    match arch:
        case "cnn":
            model.add(layers.Conv1D(units, 5, activation="relu"))
            model.add(layers.GlobalMaxPooling1D())
        case "lstm":
            model.add(layers.LSTM(units))
    model.add(layers.Dense(1, activation="sigmoid"))
    print(f"{"built"} {arch!r:>{units}}")
    return model


model = build(10000)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3, batch_size=32)
'''


def layers_of(model: dict) -> list[str]:
    return [layer["type"] for layer in model["layers"]]


def run(tmp_path: Path, text: str, name: str = "model.py") -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return json.loads(json.dumps(extract_path(path).to_json()))


def test_match_in_a_pytorch_model_chooses_the_argparse_default(tmp_path: Path) -> None:
    data = run(tmp_path, TORCH_MATCH)
    assert data["failures"] == []
    [model] = data["models"]
    assert layers_of(model) == ["Embedding", "GRU", "Dense"]
    assert model["layers"][1]["args"]["units"] == 32    # the module-level match's `case _`


def test_match_in_a_keras_builder_with_pep695_and_pep701(tmp_path: Path) -> None:
    data = run(tmp_path, KERAS_MATCH)
    assert data["failures"] == []
    [model] = data["models"]
    assert layers_of(model) == ["Embedding", "Conv1D", "GlobalMaxPool1D", "Dense"]
    hyper = {k: v["value"] for k, v in model["hyperparameters"].items()}
    assert (hyper["optimizer"], hyper["loss"], hyper["epochs"], hyper["batch_size"]) == \
        ("adam", "binary_cross_entropy", 3, 32)


def test_an_undecided_match_follows_the_first_case(tmp_path: Path) -> None:
    text = KERAS_MATCH.replace('ARCH = "cnn"', "import sys\nARCH = sys.argv[1]")
    [model] = run(tmp_path, text)["models"]
    assert layers_of(model) == ["Embedding", "Conv1D", "GlobalMaxPool1D", "Dense"]


def test_match_in_a_notebook_cell(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%%time\nimport torch.nn as nn"),
                nbformat.v4.new_code_cell(TORCH_MATCH.split("import argparse\n", 1)[1]
                                          .replace("args.rnn", '"lstm"'))]
    path = tmp_path / "nb.ipynb"
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    data = json.loads(json.dumps(extract_path(path).to_json()))
    [model] = data["models"]
    assert layers_of(model) == ["Embedding", "LSTM", "Dense"]


def test_check_reads_a_file_with_match(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(TORCH_MATCH, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--task", "text-classification",
                                       "--format", "json"])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 1) and not isinstance(result.exception, Exception)
    report = json.loads(result.output)
    assert [m["model"]["layers"] for m in report["models"]] == [["Embedding", "GRU", "Dense"]]


# -- every statement type, anywhere ---------------------------------------------------

def _concrete(base: type) -> set[str]:
    return {name for name, obj in vars(cst).items()
            if inspect.isclass(obj) and issubclass(obj, base) and obj is not base
            and not name.startswith("Base") and not inspect.isabstract(obj)}


#: One or more statements per libcst statement type; `{layer}` is a layer constructor
#: call of the surrounding framework, `{x}` an expression.
STATEMENTS: dict[str, list[str]] = {
    "ClassDef": ["class Inner[T]:\n    size: int = 3\n", "@dataclass\nclass D:\n    a: int = 1\n"],
    "For": ["for i in range(3):\n    {target} = {layer}\n",
            "async def _f():\n    async for i in aiter():\n        pass\n"],
    "FunctionDef": ["def helper(a, /, b=2, *args, c, d=4, **kw):\n    return {layer}\n",
                    "async def coro[T](x: T) -> T:\n    return await x\n",
                    "@staticmethod\ndef stat(*, k=1):\n    return k\n"],
    "If": ["if {x}:\n    {target} = {layer}\nelif not {x}:\n    pass\nelse: {target} = {layer}\n"],
    "Match": [
        "match {x}:\n    case 1 | 2:\n        {target} = {layer}\n    case [a, *rest]:\n"
        "        pass\n    case {{'k': v, **kw}}:\n        pass\n"
        "    case Point(x=0, y=yy) if yy > 0:\n        pass\n    case (p, q):\n        pass\n"
        "    case None:\n        pass\n    case str() as s:\n        pass\n"
        "    case _:\n        {target} = {layer}\n"],
    "Try": ["try:\n    {target} = {layer}\nexcept (ValueError, KeyError) as e:\n    raise\n"
            "else:\n    pass\nfinally:\n    pass\n"],
    "TryStar": ["try:\n    {target} = {layer}\nexcept* ValueError as eg:\n    pass\n"],
    "While": ["while {x}:\n    {target} = {layer}\n    break\nelse:\n    pass\n"],
    "With": ["with open('f') as fh, ctx() as (a, b):\n    {target} = {layer}\n",
             "async def _w():\n    async with lock:\n        pass\n"],
    "AnnAssign": ["{target}: object = {layer}\n", "unset: int\n"],
    "Assert": ["assert {x}, f'{{{x}!r:>{{10}}}}'\n"],
    "Assign": ["{target} = other = {layer}\n", "a, *b = [1, 2, 3]\n",
               "(c := 3)\n", "s = t'{{x}}'\n" if hasattr(cst, "TemplatedString") else "s = 1\n",
               "d = {{**m for m in ms}}\n" if hasattr(cst, "StarredDictComp") else "d = {{}}\n"],
    "AugAssign": ["n = 1\nn += {x}\nn **= 2\nn @= 3\n", "items = [{layer}]\nitems *= 3\n"],
    "Break": ["for _ in []:\n    break\n"],
    "Continue": ["for _ in []:\n    continue\n"],
    "Del": ["tmp = 1\ndel tmp\n"],
    "Expr": ["{layer}\n", "print(f'{{\"nested\"}} {{{x}}}')\n", "lambda q, /, *, r=1: q\n",
             "[y for y in range(3) if (z := y)]\n", "...\n", "1j + 2.5e-3\n"],
    "Global": ["global GLOBAL_NAME\n"],
    "Import": ["import os.path as osp\n"],
    "ImportFrom": ["from collections import OrderedDict as OD\n", "from . import sibling\n"],
    "LazyImport": ["lazy import json\n"],
    "LazyImportFrom": ["lazy from os import path\n"],
    "Nonlocal": ["def outer():\n    v = 1\n    def inner():\n        nonlocal v\n        v = 2\n"],
    "Pass": ["pass\n"],
    "Raise": ["if False:\n    raise ValueError('x') from None\n"],
    "Return": ["def r():\n    return\n"],
    "TypeAlias": ["type Alias[T] = list[T]\n"],
}

COMPOUND = _concrete(cst.BaseCompoundStatement)
SMALL = _concrete(cst.BaseSmallStatement)

def _parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError:
        return False
    return True


def test_every_libcst_statement_type_has_a_template() -> None:
    assert COMPOUND | SMALL <= set(STATEMENTS), sorted((COMPOUND | SMALL) - set(STATEMENTS))


FRAMEWORKS = {
    "keras": ("from tensorflow import keras\nfrom tensorflow.keras import layers\n",
              "layers.Dense(8)", "model = keras.Sequential([layers.Dense(4)])\n"),
    "pytorch": ("import torch\nimport torch.nn as nn\n", "nn.Linear(4, 8)",
                "model = nn.Sequential(nn.Linear(4, 2), nn.ReLU())\n"),
}
EXPRESSIONS = ["CONFIG['mode']", "len(sys.argv) > 1", "args.model", "x_train.shape[0]",
               "'lstm'", "(k := 2) > 1", "not FLAG", "a if b else c"]


def _indent(text: str, by: str) -> str:
    return "".join(by + line if line.strip() else line for line in text.splitlines(True))


def _program(framework: str, where: str, stmts: list[str]) -> str:
    header, layer, tail = FRAMEWORKS[framework]
    body = "".join(stmts)
    if where == "module":
        return header + body + tail
    if where == "function":
        return header + "def build(n=3):\n" + _indent(body, "    ") + \
            "    return " + ("keras.Sequential([layers.Dense(1)])" if framework == "keras"
                             else "nn.Sequential(nn.Linear(1, 1))") + "\nbuild()\n"
    base = "keras.Model" if framework == "keras" else "nn.Module"
    call = "call" if framework == "keras" else "forward"
    return (header + f"class Net({base}):\n    def __init__(self, size=4, /, *, k=2):\n"
            "        super().__init__()\n" + _indent(body, "        ") +
            f"        self.out = {layer}\n"
            f"    def {call}(self, x):\n" + _indent(body.replace("self.", "_."), "        ") +
            "        return self.out(x)\nnet = Net()\n")


statement = st.sampled_from(sorted(STATEMENTS)).flatmap(
    lambda kind: st.sampled_from(STATEMENTS[kind]))


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(framework=st.sampled_from(sorted(FRAMEWORKS)),
       where=st.sampled_from(["module", "function", "method"]),
       templates=st.lists(statement, min_size=1, max_size=4),
       x=st.sampled_from(EXPRESSIONS))
def test_no_statement_escapes(tmp_path: Path, framework: str, where: str,
                              templates: list[str], x: str) -> None:
    _, layer, _ = FRAMEWORKS[framework]
    target = "self.block" if where == "method" else "block"
    stmts = [t.format(target=target, layer=layer, x=x) for t in templates]
    text = _program(framework, where, stmts)
    if not _parses(text):   # a combination that is not Python (e.g. `nonlocal` misplaced)
        return
    path = tmp_path / "prog.py"
    path.write_text(text, encoding="utf-8")
    result = extract_path(path)      # must not raise
    data = json.loads(json.dumps(result.to_json()))
    for failure in data["failures"]:
        assert failure["reason"].strip(), failure
        assert "extractor error" not in failure["reason"], (failure, text)
    assert data["models"] or data["failures"], text


@pytest.mark.parametrize("kind", sorted(STATEMENTS))
def test_each_statement_type_in_each_place(tmp_path: Path, kind: str) -> None:
    for framework in FRAMEWORKS:
        for where in ("module", "function", "method"):
            _, layer, _ = FRAMEWORKS[framework]
            target = "self.block" if where == "method" else "block"
            for template in STATEMENTS[kind]:
                text = _program(framework, where, [template.format(
                    target=target, layer=layer, x="CONFIG['mode']")])
                if not _parses(text):
                    continue
                path = tmp_path / f"{framework}_{where}.py"
                path.write_text(text, encoding="utf-8")
                data = extract_path(path).to_json()
                assert not any("extractor error" in f.get("reason", "")
                               for f in data["failures"]), text
                assert data["models"], (kind, framework, where, text, data["failures"])
