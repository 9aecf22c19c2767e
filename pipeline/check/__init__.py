"""Stage `check`: place a user's own model in the corpus and catch common design mistakes.

`check_path(path, task, corpus_dir)` extracts the models of a file, notebook or folder
(the extract stage), reads the task's corpus records (models.jsonl, projects.jsonl) and
reports, for each model: the corpus models it is compared with (the task's, or those
trained on the same family of datasets), where its hyperparameters fall among them
(`placement`), the nearest corpus models and how the user's model differs from them,
and the findings of the rules in `rules` (each with a severity, file:line, a reason and
corpus evidence). The corpus figures are `exnet.figures`', the ones the site shows.
Reports are written as text (`report`), markdown (`markdown`) or JSON (`to_json`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exnet.check.placement import (
    CATEGORICAL,
    NUMERIC,
    Group,
    Neighbour,
    Placement,
    group_for,
    nearest,
    place,
    resolved,
)
from exnet.check.rules import RULES, Context, Finding
from exnet.errors import ExnetError
from exnet.figures import CorpusFigures, corpus_figures, corpus_models
from exnet.rulebook import SEVERITIES

REPORT_SCHEMA = "exnet.check/2"


@dataclass
class ModelReport:
    model: dict[str, Any]
    group: Group
    placements: dict[str, Placement] = field(default_factory=dict)
    neighbours: list[Neighbour] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        m = self.model
        return {
            "model": {"file": m["file"], "cell": m["cell"], "span": m["span"],
                      "name": m["name"], "framework": m["framework"],
                      "layers": [layer["type"] for layer in m["layers"]]},
            "compared_with": self.group.to_json(),
            "hyperparameters": {k: p.to_json() for k, p in self.placements.items()},
            "neighbours": [n.to_json() for n in self.neighbours],
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass
class CheckReport:
    task: str
    corpus_models: int
    models: list[ModelReport]
    failures: list[dict[str, Any]]
    figures: CorpusFigures
    #: The checked code's environment (exnet.facts) and, per neighbour model id, what
    #: its project reports (exnet.check.facts).
    environment: dict[str, Any] | None = None
    reported: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def worst(self) -> str | None:
        found = [f.severity for r in self.models for f in r.findings]
        return max(found, key=SEVERITIES.index) if found else None

    def to_json(self) -> dict[str, Any]:
        return {"schema": REPORT_SCHEMA, "task": self.task,
                "corpus_models": self.corpus_models, "corpus": self.figures.to_json(),
                "models": [r.to_json() for r in self.models], "failures": self.failures,
                "environment": self.environment, "neighbour_results": self.reported}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                out.append(record)
    return out


def load_corpus(corpus_dir: Path, task: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The task's model records and each project's mined commit."""
    task_dir = corpus_dir / task
    # Models of another task (an MNIST autoencoder in a text corpus) are in no figure.
    models = corpus_models(read_jsonl(task_dir / "models.jsonl"), task)
    if not models:
        raise ExnetError(f"no corpus models for task {task!r} in {task_dir}: run "
                         f"`exnet tasks` for the task names, or pass --corpus DIR")
    shas = {p["full_name"]: p["sha"] for p in read_jsonl(task_dir / "projects.jsonl")
            if isinstance(p.get("full_name"), str) and isinstance(p.get("sha"), str)
            and p["sha"]}
    return models, shas


def check_model(model: dict[str, Any], corpus: list[dict[str, Any]], shas: dict[str, str],
                task: str, figures: CorpusFigures | None = None) -> ModelReport:
    report = ModelReport(model, group_for(model, corpus, task))
    hps = model.get("hyperparameters") or {}
    optimizer = resolved(model, "optimizer")
    for name in NUMERIC + CATEGORICAL:
        hp = hps.get(name)
        if hp and hp.get("how") != "expression":
            report.placements[name] = place(name, hp["value"], report.group, optimizer)
    report.neighbours = nearest(model, corpus, shas)
    ctx = Context(model, corpus, task, report.placements, report.group, figures)
    for rule in RULES:
        report.findings.extend(rule(ctx))
    report.findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), f.line, f.rule))
    return report


def check_path(path: Path, task: str, corpus_dir: Path) -> CheckReport:
    from exnet.extract import extract_path

    corpus, shas = load_corpus(corpus_dir, task)
    result = extract_path(path).to_json()
    figures = corpus_figures(corpus)
    reports = [check_model(m, corpus, shas, task, figures) for m in result["models"]]
    from exnet.check.facts import neighbour_results
    from exnet.facts import path_environment

    near = {(n.id, n.project) for r in reports for n in r.neighbours}
    return CheckReport(task, len(corpus), reports, result["failures"], figures,
                       path_environment(path).to_json(),
                       neighbour_results(corpus_dir / task, sorted(near)))
