"""Facts stage: which model a reported number or curve belongs to, when that is clear.

A number on the wrong model is worse than none, so a result or curve names a model
(its `exnet.records.model_id`) only in these cases, and stays at project level
otherwise:

- notebook output that names its model ("GRU test accuracy: 0.88"): the one model record
  of that name, as for README text below;
- other notebook output: exactly one model record has a training setting (epochs, batch
  size, optimizer, loss, ...) written in that very cell (the cell that fits it); or,
  when no model's setting is in the cell, exactly one model record lives in that
  notebook (by its place or a setting's) and the cell's code names it;
- README: the row label or sentence names exactly one model record by its name (a
  name of four characters or more that is not a generic word such as "model");
- a curve: as other notebook output, except that one of several runs in a cell goes
  to the model its run's name names ("Training cnnv2"), or stays at project level.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from exnet.facts.files import Notebook
from exnet.facts.outputs import MACRO
from exnet.records import Curve, Result, model_id

GENERIC = frozenset({"model", "net", "network", "classifier", "clf", "baseline", "module",
                     "sequential", "cnn", "rnn", "lstm", "gru", "mlp", "dnn", "base"})


def _places(record: Mapping[str, Any]) -> list[tuple[str, int | None]]:
    """(file, cell) of every occurrence of the model."""
    places = [(str(o.get("file")), o.get("cell")) for o in record.get("occurrences") or ()
              if isinstance(o, dict)]
    return places or [(str(record.get("file")), record.get("cell"))]


def _settings(record: Mapping[str, Any]) -> list[tuple[str, int | None]]:
    hps = record.get("hyperparameters") or {}
    return [(str(h.get("file")), h.get("cell")) for h in hps.values() if isinstance(h, dict)]


class Attacher:
    """Decides the model of each result and curve (see the module docstring)."""

    def __init__(self, models: Sequence[Mapping[str, Any]],
                 notebooks: Sequence[Notebook]) -> None:
        self.models = [m for m in models if isinstance(m, Mapping) and "span" in m]
        self.ids = [model_id(m) for m in self.models]
        self.sources = {(nb.rel, c.index): c.source for nb in notebooks for c in nb.cells}

    def for_cell(self, file: str, cell: int | None) -> str | None:
        fitted = [i for i, m in enumerate(self.models) if (file, cell) in _settings(m)]
        if len(fitted) == 1:
            return self.ids[fitted[0]]
        if fitted:
            return None
        here = [i for i, m in enumerate(self.models)
                if any(f == file for f, _ in _places(m) + _settings(m))]
        if len(here) != 1:
            return None
        name = str(self.models[here[0]].get("name", ""))
        code = self.sources.get((file, cell), "") if cell is not None else ""
        return self.ids[here[0]] if name and re.search(
            rf"(?<![\w.]){re.escape(name)}\b", code) else None

    def for_text(self, text: str | None) -> str | None:
        if not text:
            return None
        hits = [i for i, m in enumerate(self.models)
                if len(str(m.get("name", ""))) >= 4
                and str(m.get("name")).lower() not in GENERIC
                and re.search(rf"(?<![\w]){re.escape(str(m.get('name')))}(?![\w])", text,
                              re.I)]
        names = {str(self.models[i].get("name")).lower() for i in hits}
        return self.ids[hits[0]] if len(hits) == 1 and len(names) == 1 else None

    def result(self, r: Result, line_text: str | None = None) -> Result:
        if r.source == "notebook-output":
            if r.label is not None and r.label != MACRO:
                # a line that names its model ("GRU test accuracy: 0.88"): that model or
                # none, never the cell's, which may print several models' numbers
                return replace(r, model=self.for_text(r.label))
            return replace(r, model=self.for_cell(r.evidence.file, r.evidence.cell))
        return replace(r, model=self.for_text(r.label or line_text))

    def curve(self, c: Curve) -> Curve:
        if c.shared:
            # one of several runs in a cell (models or folds in a loop): its own name's
            # model, or none; never the cell's, which may hold another's
            return replace(c, model=self.for_text(c.label))
        return replace(c, model=self.for_cell(c.evidence.file, c.evidence.cell))
