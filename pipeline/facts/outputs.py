"""Facts stage: results a project's notebooks print, and its training curves.

From each code cell's output text (`exnet.facts.curves` reads the epoch logs):

- a training run's final epoch: loss and accuracy (split "train"), val_loss and
  val_accuracy ("validation"), test_loss and test_accuracy ("test"), as printed, and
  the per-epoch seconds of its last epoch (`epoch_time`); only when the cell holds one
  run, or of each of several runs that a line before each names ("Training
  baseline"; k folds and unnamed runs are left to the curves), and not for a
  one-epoch log in a cell that does not train or that names no split (an evaluation
  loop's, as often);
- printed lines that name a metric and a number, once in the cell (a metric printed
  again and again is a log of steps, and gives its last value only when printed
  exactly as many times as the epochs the cell's code sets): "Test accuracy: 0.87",
  "Accuracy 0.939",
  "Validation loss = 0.31", "accuracy on test set: 87.2%", "Best val Acc: 0.908", a
  classification report's `accuracy` row and its `macro avg` F1 (labelled "macro
  avg"); the split when the line names it, else the one split named in the arguments
  of the one `print` in the cell that writes the line's words; a line that starts
  with a model's name ("LSTM Test Accuracy: 0.86", "Bi-GRU accuracy = 87.1%") is
  labelled with that name, so two models' numbers printed in one cell are two
  results (a word such as "Fold", "Epoch" or "Class" makes the line a step or a part,
  not a model: not taken);
- a dict or JSON of metrics printed as a value (`exnet.facts.printed_data`);
- a Keras evaluation progress line (a cell that calls `.evaluate(` and no `.fit(`):
  its loss and accuracy, with the split the call's arguments name, unless the cell
  also prints that metric (Keras 3's bar may show other figures than it returned);
- nothing printed by a cell that computes it on data typed into the cell
  (`torch.tensor([[2.0, 0.5]])`) and neither trains nor runs a model: a demonstration;
- `Wall time: 1min 5s` of a cell that trains (calls `.fit(`, `train(` or loops over
  epochs): the training time (`wall_time`, seconds).

No prose is kept: metric, number, unit, split and the cell they came from.
"""

from __future__ import annotations

import re

from exnet.facts.curves import (
    SERIES,
    Run,
    is_keras_progress,
    keras_values,
    parse_runs,
    screen_lines,
    unfinished,
)
from exnet.facts.files import Cell, Notebook
from exnet.facts.printed_data import printed_data
from exnet.records import Curve, Evidence, Result

_METRIC = (r"(?P<metric>top[-_ ]?5[-_ ]accuracy|accuracy|acc|f1[-_ ]?score|f1|roc[-_ ]auc|"
           r"auroc|auc|precision|recall|loss|error(?:[-_ ]rate)?)")
_SPLIT = r"(?P<split>test(?:ing)?|validation|valid|val|dev|train(?:ing)?)"
_NUM = r"(?P<value>[-+]?(?:\d+\.\d+|\.\d+|\d+))\s*(?P<pct>%)?"
_LINE = re.compile(
    r"^\W{0,4}(?:(?:final|overall|best|model|mean|average|avg|the)\s+)*"
    r"(?:" + _SPLIT + r"(?:\s+set|\s+data)?[\s_-]+)?"
    r"(?:(?P<qual>macro|micro|weighted)[\s_-]+)?" + _METRIC +
    r"(?:\s+(?:score|on|of)\s*(?:the\s+)?" + _SPLIT.replace("split", "split2") +
    r"?(?:\s+(?:set|data))?)?(?:\s*(?:[:=]|\bis\b)\s*|\s+)" + _NUM + r"\s*$", re.I)
#: A split that opens a line and holds for its metrics: "TEST →", "Testing Info:".
_LEAD = re.compile(r"^\W{0,4}" + _SPLIT + r"(?:\s+(?:set|data|info|results?|metrics?))?"
                   r"\s*(?:→|->|=>|:)\s*(?=\S)", re.I)
#: The same line after a model's name: "LSTM Test Accuracy: 0.86", "Bi-GRU accuracy =
#: 87.1%". The name (one to three words, no digit-only word) becomes the result's label.
_LABEL = r"(?P<label>[A-Za-z][\w+.-]{0,24}(?:\s+[A-Za-z][\w+.-]{0,24}){0,2}?)"
_LABELLED = re.compile(r"^\W{0,4}" + _LABEL + r"\s*[-:]?\s+" + _LINE.pattern[len(r"^\W{0,4}"):],
                       re.I)
#: Words that make a label a step of a loop or a part of the data, not a model.
_NOT_A_MODEL = re.compile(
    r"\b(?:epoch|step|batch|iter\w*|fold|run|trial|class|label|round|best|final|overall|"
    r"mean|average|avg|train\w*|test\w*|val\w*|dev|print|the|my|our|your|model)$", re.I)
_REPORT = re.compile(r"^\s*accuracy\s+(?P<value>\d?\.\d+)\s+\d+\s*$")
MACRO = "macro avg"     # the label of a classification report's macro F1
#: A classification report's "macro avg" row: precision, recall, f1-score, support.
_MACRO = re.compile(r"^\s*macro avg\s+\d?\.\d+\s+\d?\.\d+\s+(?P<value>\d?\.\d+)\s+\d+\s*$")
_WALL = re.compile(r"^\s*Wall time:\s*(.+?)\s*$")
_TRAINS = re.compile(r"\.fit(?:_generator)?\(|\btrain\w*\(|\bfor\s+epoch\b|\.backward\(")
_UNITS = {"h": 3600.0, "min": 60.0, "s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}
SPLITS = {"test": "test", "testing": "test", "validation": "validation", "valid": "validation",
          "val": "validation", "dev": "validation", "train": "train", "training": "train"}
METRICS = {"acc": "accuracy", "f1score": "f1", "f1_score": "f1", "f1-score": "f1",
           "f1 score": "f1", "roc auc": "auc", "roc-auc": "auc", "roc_auc": "auc",
           "auroc": "auc",
           "error rate": "error", "error-rate": "error", "error_rate": "error"}


def metric_name(text: str) -> str:
    key = text.lower()
    if key.startswith("top"):
        return "top5_accuracy"
    return METRICS.get(key, key)


def seconds(text: str) -> float | None:
    """`1min 5s`, `12.3 s`, `850 ms`, `1h 2min 3s` in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(h|min|ms|µs|us|ns|s)\b", text)
    if not parts:
        return None
    return round(sum(float(n) * _UNITS[u] for n, u in parts), 3)


def _result(metric: str, value: float, unit: str | None, split: str | None,
            ev: Evidence, label: str | None = None) -> Result:
    return Result(metric, value, unit, split, None, "notebook-output", ev, label=label)


def final_values(run: Run) -> list[tuple[str, float, str | None, str, int]]:
    """A run's final epoch as (metric, value, unit, split, line): loss and accuracy with
    the split their series names, and the screen line each was read from."""
    last = run.values[-1]
    out: list[tuple[str, float, str | None, str, int]] = []
    for name in SERIES:
        if name in last:
            unit = "%" if name in run.percent else None
            split = {"val": "validation", "test": "test"}.get(name.split("_")[0], "train")
            out.append((name.split("_")[-1], last[name], unit, split,
                        run.lines.get(name, run.last_line)))
    return out


def one_unsplit_epoch(run: Run) -> bool:
    """A printed log of one epoch that names no split ("Epoch0/0 ... epoch loss: 0.007
    epoch accuracy: 0.88"): as often an evaluation loop's as a training run's, so
    "train" would be a guess."""
    return run.kind == "epoch-log" and len(run.epochs) == 1 and \
        not any("_" in name for name in run.values[-1])


def final_runs(runs: list[Run]) -> list[Run]:
    """The runs whose final epoch is a result: the one run of a cell or README block, or
    each of several runs when each is labelled with a model of its own (k folds and
    unnamed runs are left to the curves); never a one-epoch log that names no split."""
    if len(runs) > 1:
        labels = [r.label for r in runs]
        if not all(labels) or len(set(labels)) != len(labels):
            return []
    return [r for r in runs if not one_unsplit_epoch(r)]


def _final_epoch(cell: Cell, ev: Evidence, runs: list[Run]) -> list[Result]:
    out = []
    for run in final_runs(runs):
        if len(run.epochs) == 1 and run.kind == "epoch-log" and \
                not _TRAINS.search(cell.source):
            continue
        # one run is the cell's (attached by the cell); several, each by its name
        label = run.label if len(runs) > 1 else None
        out += [_result(metric, value, unit, split, ev, label)
                for metric, value, unit, split, _ in final_values(run)]
        last = run.values[-1]
        if "seconds" in last:
            out.append(_result("epoch_time", last["seconds"], "s", None, ev, label))
    return out


Stated = tuple[str, float, "str | None", "str | None", "str | None"]


def line_results(line: str) -> list[Stated]:
    """The results one printed line states, as (metric, value, unit, split, label): a
    metric and a number ("Test accuracy: 0.87", several on one line split by `|`, `,`,
    `;` or tabs), the same after a model's name, a classification report's accuracy
    row or its macro F1. A line about an epoch states none (it is a log line)."""
    # "(818 validation images)"; the look-behind keeps a long run of spaces linear
    plain = re.sub(r"(?<!\s)\s*\([^)]*\)", "", line)
    # "Test accuracy<TAB>0.87": a row of two cells is a metric and its number
    cells = [c for c in plain.split("\t") if c.strip()] if "\t" in plain else []
    if len(cells) == 2 and re.search("[A-Za-z]", cells[0]) and \
            re.fullmatch(r"\s*[-+]?[\d.]+\s*%?\s*", cells[1]):
        plain = f"{cells[0]}: {cells[1].strip()}"
    # "TEST → loss=0.149 | F1=0.963", "Testing Info: Accuracy: 71.9%, Loss: 0.88": the
    # split named first holds for every metric of the line that names none
    lead = _LEAD.match(plain)
    if lead:
        plain = plain[lead.end():]
    # split, then strip: `\s*[|,;\t]\s*` backtracks on a long run of tabs (quadratic)
    parts = [part.strip() for part in re.split(r"[|,;\t]", plain)]
    pairs: list[tuple[re.Match[str], str | None]] = [
        (m, None) for part in parts if (m := _LINE.match(part))]
    if not pairs and len(parts) == 1:
        m = _LABELLED.match(plain)
        if m and not _NOT_A_MODEL.search(m.group("label").strip()):
            pairs = [(m, m.group("label").strip())]
    if not pairs and not is_keras_progress(line):
        # ".." and " - " part pairs too ("Test loss: 0.442.. Test accuracy: 0.873"), once
        # a model's name before " - " has had its chance; a Keras bar's pairs are the
        # bar's (see `_printed`)
        parts = [part.strip() for part in re.split(r"[|,;\t]|\.{2,}\s|\s[-–]\s", plain)]
        pairs = [(m, None) for part in parts if (m := _LINE.match(part))]
    if pairs:
        if "epoch" in line.lower():
            return []
        out: list[Stated] = []
        for m, label in pairs:
            split = m.group("split") or m.group("split2") or (lead and lead.group("split"))
            if m.group("qual"):     # "Val Macro F1: 0.7654": averaged as a report's row
                qual = f"{m.group('qual').lower()} avg"
                label = f"{label} · {qual}" if label else qual
            out.append((metric_name(m.group("metric")), float(m.group("value")),
                        "%" if m.group("pct") else None, SPLITS.get((split or "").lower()),
                        label))
        return out
    m = _REPORT.match(line)
    if m:
        return [("accuracy", float(m.group("value")), None, None, None)]
    m = _MACRO.match(line)
    if m:
        return [("f1", float(m.group("value")), None, None, MACRO)]
    return []


#: Data typed into the cell: what it computes is a demonstration, not a model's result.
_TYPED_DATA = re.compile(r"\b(?:torch\.tensor|torch\.Tensor|np\.array|numpy\.array|"
                         r"tf\.constant)\(\s*\[")
_USES_A_MODEL = re.compile(r"\.evaluate\(|\.predict\w*\(|\bmodel\w*\(|\bnet\w*\(")


def _printed(cell: Cell, ev: Evidence, used: set[int]) -> list[Result]:
    """Printed metrics, evaluation and wall time (lines of epoch logs, `used`, are not);
    none from a cell that computes them on data typed into it ("loss: 0.2007" of a
    criterion shown on two hand-made logits) and neither trains nor runs a model."""
    if _TYPED_DATA.search(cell.source) and not _TRAINS.search(cell.source) and \
            not _USES_A_MODEL.search(cell.source):
        return []
    out: list[Result] = []
    bar: list[Result] = []          # what an evaluation's progress bar shows
    evaluates = ".evaluate(" in cell.source and not _TRAINS.search(cell.source)
    lines = screen_lines(cell.outputs)
    data, taken = printed_data(lines)
    # what `evaluate()` returned, printed: its split is the call's
    returned = evaluated_split(cell.source) if evaluates else None
    out += [Result(metric, value, "%" if metric != "loss" and 1 < value <= 100 else None,
                   split or returned, None, "notebook-output", ev, label=label)
            for metric, value, split, label, _ in data]
    for index, line in enumerate(lines):
        if index in used or index in taken:
            continue
        stated = line_results(line)
        if stated:
            printed_split = printed_split_of(line, cell.source) if len(stated) == 1 else None
            out.extend(Result(metric, value, unit, split or printed_split, None,
                              "notebook-output", ev, label=label)
                       for metric, value, unit, split, label in stated)
            continue
        if evaluates and re.search(r"\d+/\d+\s*(?:\[|━|-\s)", line) and not unfinished(line):
            values = keras_values(line)
            split = evaluated_split(cell.source)
            for name in ("loss", "accuracy"):
                if name in values:
                    bar.append(_result(name, values[name], None, split, ev))
        m = _WALL.match(line)
        if m and _TRAINS.search(cell.source):
            value = seconds(m.group(1))
            if value is not None:
                out.append(_result("wall_time", value, "s", None, ev))
    # Keras 3's bar can show other figures than evaluate() returned (0.90 on the bar,
    # 0.89 printed from its return value): a printed line says what was returned
    printed = {r.metric for r in out}
    return out + [r for r in bar if r.metric not in printed]


_SPLIT_WORD = re.compile(r"(?<![A-Za-z])(test|val|dev|train)(?:ing|id|idation)?(?![a-z])", re.I)


def printed_split_of(line: str, source: str) -> str | None:
    """The split of a printed line that names none ("Accuracy 0.939"), from the one
    `print` in the cell's code that writes its words: the one split its arguments name
    (`print('Accuracy', correct / len(train_set))` is "train"), else None."""
    words = re.split(r"[-+]?\.?\d", line, maxsplit=1)[0].strip(" \t:=")
    if len(words) < 4:
        return None
    hits = [code for code in source.splitlines() if words in code and "print" in code]
    if len(hits) != 1:
        return None
    named = {SPLITS[m.group(1).lower()] for m in _SPLIT_WORD.finditer(hits[0])}
    return named.pop() if len(named) == 1 else None


def evaluated_split(source: str) -> str | None:
    """The split an `.evaluate(...)` call names in its arguments (`x_test`, `val_ds`,
    `X_train`), None when they name none or several."""
    m = re.search(r"\.evaluate\(([^)]{0,300})", source)     # arguments may span lines
    args = m.group(1).lower() if m else ""
    named = {split for word, split in (("test", "test"), ("val", "validation"),
                                       ("dev", "validation"), ("train", "train"))
             if word in args}
    return named.pop() if len(named) == 1 else None


_EPOCH_COUNT = re.compile(r"\b(?:n_|num_|nb_|max_)?epochs?\s*=\s*(\d+)\b", re.I)
_FOLDS = re.compile(r"fold|\.split\(|cross_val", re.I)


def epochs_of(source: str) -> int | None:
    """The one epoch count a cell's code sets (`epochs=100`, `num_epochs = 20`), if it
    loops over no folds."""
    counts = {int(n) for n in _EPOCH_COUNT.findall(source)}
    return counts.pop() if len(counts) == 1 and not _FOLDS.search(source) else None


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def _rounded_alike(a: float, b: float) -> bool:
    """Whether two printed values are one figure at two precisions (0.3028 and 0.30),
    the coarser having at least two decimals."""
    places = min(_decimals(a), _decimals(b))
    return places >= 2 and round(a, places) == round(b, places)


def _once(results: list[Result], source: str = "") -> list[Result]:
    """The printed results whose metric and split a cell states once: one printed in a
    loop is a log of many steps, not a result. The same number printed again (a
    summary repeated after a report) is still one result, and so is one figure printed
    at two precisions (0.3028, and 0.30 in a report's row). A metric printed exactly as
    many times as the epochs the cell's code sets (3 or more, no folds) is an epoch
    log: its last value is the final epoch's."""
    values: dict[tuple[str, str | None, str | None], list[float]] = {}
    for r in results:
        values.setdefault((r.metric, r.split, r.label), []).append(r.value)
    epochs = epochs_of(source)
    out, seen = [], set()
    for r in results:
        key = (r.metric, r.split, r.label)
        if key in seen:
            continue
        printed = values[key]
        if len(set(printed)) == 1:
            out.append(r)
            seen.add(key)
        elif len(printed) == 2 and _rounded_alike(*printed):
            # "Accuracy: 0.3028" and a report's "accuracy 0.30": one figure, twice
            out.append(max((x for x in results if (x.metric, x.split, x.label) == key),
                           key=lambda x: _decimals(x.value)))
            seen.add(key)
        elif epochs is not None and epochs >= 3 and len(printed) == epochs:
            out.append(next(x for x in reversed(results)
                            if (x.metric, x.split, x.label) == key))
            seen.add(key)
    return out


def notebook_outputs(nb: Notebook) -> tuple[list[Result], list[Curve]]:
    """The results and curves of one notebook (see the module docstring)."""
    results: list[Result] = []
    curves: list[Curve] = []
    for cell in nb.cells:
        if not cell.outputs.strip():
            continue
        ev = Evidence(nb.rel, None, cell.index)
        used: set[int] = set()
        runs = parse_runs(cell.outputs, used)
        results += _final_epoch(cell, ev, runs)
        results += _once(_printed(cell, ev, used), cell.source)
        for run in runs:
            if len(run.epochs) >= 2:
                several = len(runs) > 1
                curves.append(Curve(run.kind, ev, tuple(run.epochs), run.series(),
                                    label=run.label if several else None, shared=several))
    return results, curves
