"""`exnet check`: placements are exact on a small hand-made corpus, each finding is raised
where it should be and nowhere else (a table of cases, and ExampleNet's table of
learners' mistakes, each with a fixture that makes it and one that does not), outliers
follow robust rules, the three output formats, and the exit code follows --fail-on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exnet.check import check_path
from exnet.check.placement import Group, place
from exnet.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "check"
TASK = "text-classification"


def layer(type_: str, line: int, **args: Any) -> dict[str, Any]:
    return {"type": type_, "api": type_, "line": line, "args": args}


def record(project: str, name: str, layers: list[dict[str, Any]], **hps: Any) -> dict[str, Any]:
    return {
        "schema": "exnet.model/1", "project": project, "file": "train.py", "cell": None,
        "span": [3, 20], "name": name, "framework": "keras", "style": "sequential",
        "layers": layers, "edges": None,
        "hyperparameters": {k: {"value": v, "file": "train.py", "line": 30, "how": "literal"}
                            for k, v in hps.items()},
        "datasets": ["imdb"], "preprocessing": [],
    }


LSTM_STACK = [layer("Embedding", 4, input_dim=10000, output_dim=64), layer("LSTM", 5, units=64),
              layer("Dropout", 6, rate=0.5), layer("Dense", 7, units=1, activation="sigmoid")]
LSTM_HEAD = LSTM_STACK[:3] + [layer("Dense", 7, units=32, activation="relu"),
                              layer("Dense", 8, units=1, activation="sigmoid")]
CNN_STACK = [layer("Embedding", 4), layer("Conv1D", 5, filters=64, activation="relu"),
             layer("GlobalMaxPool1D", 6), layer("Dense", 7, units=4, activation="softmax")]
LEARNING_RATES = [0.001, 0.001, 0.001, 0.001, 0.01, 0.0001, 0.002, 0.0005]
EPOCHS = [5, 10, 10, 20, 3, 10, 15, 8]


def corpus_records() -> list[dict[str, Any]]:
    out = []
    for i, (lr, ep) in enumerate(zip(LEARNING_RATES, EPOCHS)):
        out.append(record(f"learner{i}/sentiment", f"model{i}",
                          LSTM_HEAD if i >= 6 else LSTM_STACK,
                          optimizer="adam" if i < 6 else "rmsprop", learning_rate=lr,
                          epochs=ep, batch_size=64, loss="binary_cross_entropy"))
    for i in range(2):
        out.append(record(f"news{i}/topics", "cnn", CNN_STACK, optimizer="adam",
                          loss="cross_entropy", epochs=10, batch_size=32))
    return out


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    task_dir = tmp_path / "corpus" / TASK
    task_dir.mkdir(parents=True)
    (task_dir / "models.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in corpus_records()), encoding="utf-8")
    (task_dir / "projects.jsonl").write_text(json.dumps(
        {"full_name": "learner0/sentiment", "sha": "a" * 40}) + "\n", encoding="utf-8")
    return tmp_path / "corpus"


def everyone() -> Group:
    return Group(corpus_records(), f"{TASK} models")


def test_learning_rate_placement_is_exact() -> None:
    p = place("learning_rate", 0.5, everyone())
    # 8 corpus models set it; all 8 are smaller; sorted values
    # [0.0001, 0.0005, 0.001, 0.001, 0.001, 0.001, 0.002, 0.01] -> median 0.001
    assert (p.n, p.below, p.above, p.agree) == (8, 100.0, 0.0, 0)
    assert (p.median, p.most_common, p.most_common_count) == (0.001, 0.001, 4)
    assert p.figure is not None
    # quartiles by linear interpolation: q1 at position 1.75, q3 at 5.25
    assert (p.figure.low, p.figure.q1, p.figure.q3, p.figure.high) == (
        0.0001, 0.000875, 0.00125, 0.01)
    assert p.sentence() == ("learning_rate 0.5 is above 100% of 8 text-classification "
                            "models, whose median is 0.001 (middle half 0.000875 to "
                            "0.00125); most common 0.001 (4); 0 agree")


def test_epochs_placement_counts_ties_apart() -> None:
    p = place("epochs", 10, everyone())
    # epochs of all 10 models: [5, 10, 10, 20, 3, 10, 15, 8, 10, 10]
    assert (p.n, p.agree) == (10, 5)
    assert p.below == pytest.approx(30.0)      # 3, 5, 8
    assert p.above == pytest.approx(20.0)      # 15, 20
    assert p.median == 10


def test_categorical_placement() -> None:
    p = place("optimizer", "sgd", everyone())
    assert (p.n, p.agree, p.most_common, p.most_common_count) == (10, 0, "adam", 8)


def findings(corpus: Path, fixture: str) -> dict[str, set[str]]:
    report = check_path(FIXTURES / fixture, TASK, corpus)
    return {r.model["name"]: {f.rule for f in r.findings} for r in report.models}


CASES = [
    # (fixture, model, findings that must be raised, findings that must not be)
    ("clean_keras.py", "model", set(), {"dense-without-activation", "no-loss", "no-optimizer",
                                        "softmax-with-binary-loss", "no-regularisation",
                                        "epochs-outlier", "rare-layer-order"}),
    ("mistakes_keras.py", "model",
     {"dense-without-activation", "softmax-with-binary-loss", "epochs-outlier",
      "learning-rate-outlier", "sequences-into-dense", "no-regularisation"},
     {"no-loss", "no-optimizer", "logits-into-probability-loss"}),
    ("odd_order.py", "model", {"rare-layer-order"},
     {"dense-without-activation", "no-regularisation", "softmax-with-binary-loss"}),
    ("logits_torch.py", "Net", {"logits-into-probability-loss"},
     {"softmax-with-binary-loss", "no-regularisation", "no-loss", "dense-without-activation"}),
    ("untrained_torch.py", "Tagger", {"no-loss", "no-optimizer"},
     {"no-regularisation", "logits-into-probability-loss"}),
]


@pytest.mark.parametrize("fixture, name, raised, not_raised", CASES,
                         ids=[c[0] for c in CASES])
def test_findings_table(corpus: Path, fixture: str, name: str, raised: set[str],
                        not_raised: set[str]) -> None:
    found = findings(corpus, fixture)[name]
    assert raised <= found, f"missing {raised - found}; found {found}"
    assert not (not_raised & found), f"unexpected {not_raised & found}"


def test_every_rule_is_described_for_the_site(corpus: Path) -> None:
    """exnet.rulebook, which the site's page lists, names every rule id check raises."""
    from exnet.check.rules import Context
    from exnet.rulebook import RULE_IDS, RULEBOOK, SEVERITIES

    raised = {rule for fixture, *_ in CASES for rules in findings(corpus, fixture).values()
              for rule in rules}
    assert raised and raised <= RULE_IDS
    assert all(entry.severity in SEVERITIES and entry.ids for entry in RULEBOOK)
    ctx = Context(corpus_records()[0], [], TASK, {})
    with pytest.raises(ValueError, match="not in exnet.rulebook"):
        ctx.finding("undescribed-rule", "warning", ctx.model_start(), "reason")


def test_finding_lines_point_at_the_code(corpus: Path) -> None:
    report = check_path(FIXTURES / "mistakes_keras.py", TASK, corpus)
    by_rule = {f.rule: f for f in report.models[0].findings}
    text = (FIXTURES / "mistakes_keras.py").read_text().splitlines()
    stacked = [text[f.line - 1].strip() for f in report.models[0].findings
               if f.rule == "dense-without-activation"]
    assert stacked == ["layers.Dense(64),", 'layers.Dense(1, activation="softmax"),']
    assert "softmax" in text[by_rule["softmax-with-binary-loss"].line - 1]
    assert "epochs=5000" in text[by_rule["epochs-outlier"].line - 1]
    assert by_rule["epochs-outlier"].severity == "error"       # 500 x the median
    assert by_rule["learning-rate-outlier"].severity == "error"
    assert "return_sequences=True" in text[by_rule["sequences-into-dense"].line - 1]


def test_neighbours_and_edits(corpus: Path) -> None:
    report = check_path(FIXTURES / "clean_keras.py", TASK, corpus)
    near = report.models[0].neighbours
    # clean_keras core: Embedding LSTM Dense Dense, as learner6 and learner7 (distance 0);
    # then the other LSTM models, Embedding LSTM Dense: one Dense fewer.
    assert [(n.project, n.distance, n.edits) for n in near] == [
        ("learner6/sentiment", 0.0, []), ("learner7/sentiment", 0.0, []),
        ("learner0/sentiment", 1.0, [["remove", 3, "Dense"]])]
    assert near[2].url == "https://github.com/learner0/sentiment/blob/" + "a" * 40 + \
        "/train.py#L3"
    assert near[0].url == "https://github.com/learner6/sentiment/blob/HEAD/train.py#L3"


def test_cli_exit_codes_and_json(corpus: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(main, ["check", str(FIXTURES / "clean_keras.py"), "--task", TASK,
                                 "--corpus", str(corpus)])
    assert clean.exit_code == 0, clean.output
    assert "findings: none" in clean.output
    bad = runner.invoke(main, ["check", str(FIXTURES / "mistakes_keras.py"), "--task", TASK,
                               "--corpus", str(corpus), "--format", "json"])
    assert bad.exit_code == 1, bad.output
    data = json.loads(bad.output)
    assert data["schema"] == "exnet.check/2" and data["corpus_models"] == 10
    lenient = runner.invoke(main, ["check", str(FIXTURES / "mistakes_keras.py"), "--task",
                                   TASK, "--corpus", str(corpus), "--fail-on", "never"])
    assert lenient.exit_code == 0


def test_unknown_task_is_a_clear_error(corpus: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "clean_keras.py"), "--task",
                                       "speech", "--corpus", str(corpus)])
    assert result.exit_code == 1
    assert "no corpus models for task 'speech'" in result.output
    assert "Traceback" not in result.output


def test_check_and_the_site_give_the_same_dropout_share(corpus: Path) -> None:
    """One rule (exnet.tricks) for both: a recurrent dropout argument counts as dropout
    in `exnet check` exactly as in the summary's trick table."""
    from exnet.aggregate import aggregate_task

    task_dir = corpus / TASK
    records = [json.loads(line) for line in (task_dir / "models.jsonl").read_text().splitlines()]
    # a CNN model whose only dropout is an LSTM's `dropout=` argument
    records[-1]["layers"].insert(1, layer("LSTM", 5, units=8, dropout=0.3))
    (task_dir / "models.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    summary = json.loads(aggregate_task(task_dir).read_text())
    site = summary["tricks"]["dropout"]["models"]
    report = check_path(FIXTURES / "mistakes_keras.py", TASK, corpus).to_json()
    evidence = [f["evidence"] for m in report["models"] for f in m["findings"]
                if f["rule"] == "no-regularisation"]
    assert evidence == [f"{site} of {len(records)} models "
                        f"({round(100 * site / len(records))}%) in the corpus use dropout"]
