"""Facts stage: training logs in notebook outputs, read as per-epoch series.

Two shapes of log are read from a cell's output text:

- Keras progress output: an `Epoch 3/10` line, then the progress bar whose last state
  (after the carriage returns and backspaces that redraw it) ends with
  `- 12s 58ms/step - loss: 0.41 - accuracy: 0.81 - val_loss: 0.45 - val_accuracy: 0.79`
  (`acc`/`val_acc` of older Keras, the `━` bar of Keras 3 too);
- printed epoch lines, as PyTorch loops write them: a line naming `epoch` and its
  number with `name: value` pairs (`Epoch 3 | Train Loss: 0.41 | Val. Acc: 79.2%`),
  and the lines after it that carry more pairs, until the next epoch and for at most
  `CONTINUED` lines (a batch's progress lines are skipped and not counted):
  `val loss: 0.41 Accuracy: 0.79`, where the split that opens a line holds for its
  pairs that name none, or `Testing Info: Accuracy: 71.9%, Loss: 0.88` (a `test`
  series). A line that opens with "best", "final", "total" or "overall" sums a run
  up and ends the epoch's lines.

A cell may hold several runs (k folds, a second model): the epoch count starting again
starts a new run. A run is labelled with the model a line just before it names
("Training baseline", "=== Model: BiLSTM ===", not "Training fold 2"). Accuracy
values printed as percentages are stored as fractions in the series; the final
epoch's values, as printed, become results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SERIES = ("loss", "accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy")
_NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
_EPOCH_KERAS = re.compile(r"^\s*Epoch\s+(\d+)\s*/\s*(\d+)\s*$")
_KERAS_PAIR = re.compile(r"(?:^|\s[-─]\s|\s)([a-z_][a-z0-9_]*):\s*(" + _NUMBER + r"|nan)\b")
_KERAS_TIME = re.compile(r"(?:\]|━|─|^)\s*-?\s*(\d+(?:\.\d+)?)(s|ms)\b")
_EPOCH_LOG = re.compile(r"\bepoch(?:\b|(?=\d))\s*(?:\[|:|#|=)?\s*(\d+)(?:\s*(?:/|of)\s*(\d+))?",
                        re.I)
#: How many lines after an epoch's line may still carry its values.
CONTINUED = 12
#: The split that opens a line ("val loss: 0.41 Accuracy: 0.79", "Testing Info: ...").
_LEAD_SPLIT = re.compile(r"^\W*(train(?:ing)?|val(?:id(?:ation)?)?\.?|test(?:ing)?|dev|eval)\b",
                         re.I)
#: A line that sums a run up ("Best val Acc: 0.908"), not one epoch's values.
_SUMMARY = re.compile(r"^\W*(?:best|final|total|overall)\b", re.I)
#: tqdm bars ("100%|███| 782/782 [10:50<00:00, 1.20it/s, loss=0.764]") show a batch's
#: values, and Keras callbacks print "Epoch 00003: val_loss improved from ...".
_NOT_A_LOG = re.compile(r"\d+(?:\.\d+)?\s*(?:it/s|s/it)\b|\d+%\||(?:Int|Float)Progress\(|"
                        r"^\s*Epoch \d+:\s*(?:\w+\s+)?"
                        r"(?:improved|did not improve|early stopping|ReduceLROnPlateau|saving)")
_INNER = re.compile(r"\b(?:batch|step|iter(?:ation)?|it)\b\s*(?:\[|:|#|=)?\s*\d+", re.I)
_LOG_PAIR = re.compile(
    r"(?P<split>train(?:ing)?|val(?:id(?:ation)?)?\.?|test(?:ing)?|dev|eval)?[\s_]*"
    r"(?P<name>loss|acc(?:uracy)?)\s*(?:[:=]{1,2}|\bis\b)?\s*(?P<value>" + _NUMBER +
    r")\s*(?P<pct>%)?",
    re.I)
_SPLIT_WORD = r"(train(?:ing)?|val(?:id(?:ation)?)?|test|dev|eval)"
_SLASHED = re.compile(_SPLIT_WORD + r"\s*/\s*" + _SPLIT_WORD + r"[\s_]+(loss|acc(?:uracy)?)"
                      r"\s*[:=]?\s*(" + _NUMBER + r")\s*(%)?\s*/\s*(" + _NUMBER + r")\s*(%)?",
                      re.I)
_EPOCH_TIME = re.compile(r"\btime\b[^\d]{0,12}(?:(\d+)\s*m(?:in)?\s*)?(\d+(?:\.\d+)?)\s*s\b",
                         re.I)


@dataclass
class Run:
    """One training run in a cell: per epoch, the last values printed."""

    kind: str                                   # "keras-progress" | "epoch-log"
    epochs: list[int] = field(default_factory=list)
    values: list[dict[str, float]] = field(default_factory=list)
    percent: set[str] = field(default_factory=set)   # names printed with a %
    total: int | None = None        # the epochs the log says it runs ("Epoch 3/10")
    last_line: int = 0              # the screen line the last values were read from
    lines: dict[str, int] = field(default_factory=dict)   # the last epoch's, per name
    label: str | None = None        # the model a line just before the run names

    def finished(self) -> bool:
        """Whether the log reached the epoch count it names."""
        return self.total is not None and bool(self.epochs) and self.epochs[-1] >= self.total

    def at(self, epoch: int) -> dict[str, float]:
        if self.epochs and self.epochs[-1] == epoch:
            return self.values[-1]
        self.epochs.append(epoch)
        self.values.append({})
        self.lines = {}
        return self.values[-1]

    def series(self) -> dict[str, tuple[float | None, ...]]:
        out: dict[str, tuple[float | None, ...]] = {}
        for name in (*SERIES, "seconds"):
            column = tuple(_fraction(v.get(name), name in self.percent, "accuracy" in name)
                           for v in self.values)
            if any(x is not None for x in column):
                out[name] = column
        return out


def _fraction(value: float | None, percent: bool, accuracy: bool) -> float | None:
    """An accuracy as a fraction: printed with a %, or above 1 (then it is a percentage)."""
    if value is None:
        return None
    if accuracy and (percent or 1 < value <= 100):
        return round(value / 100, 6)
    return value


_BAR = re.compile(r"(\d+)/(\d+)\s*(?:\[|━)")


def _last_bar(line: str) -> str:
    """A progress bar's last state when its redraws were saved without the carriage
    returns between them ("... - ETA: 26s - loss: 0.16 - acc: 0.938125000/25000 [===]
    - 296s - loss: 0.17 - acc: 0.94"): from the last bar on. The last bar's count is
    glued to the figure before it; a finished bar's count ends with its total."""
    bars = list(_BAR.finditer(line))
    if len(bars) < 2:
        return line
    last = bars[-1]
    done, total = last.group(1), last.group(2)
    if len(done) > len(total) and done.endswith(total):
        return line[last.start(1) + len(done) - len(total):]
    if last.start() > 0 and line[last.start() - 1].isspace():
        return line[last.start():]
    return line


def screen_lines(text: str) -> list[str]:
    """The lines as they were last shown: a carriage return or backspaces redraw a line,
    a bar redrawn without them shows its last state (`_last_bar`), and terminal colour
    codes are dropped."""
    out = []
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)     # colours of Keras 3's bar
    for raw in text.split("\n"):
        parts = [p for p in raw.split("\r") if p.strip()]
        line = parts[-1] if parts else ""
        out.append(_last_bar(re.split(r"\x08+", line)[-1]))
    return out


def _canonical(name: str, split: str | None) -> str:
    base = "accuracy" if name.lower().startswith("acc") else "loss"
    split = (split or "").lower().rstrip(".")
    if split.startswith(("val", "dev", "eval")):
        return "val_" + base
    if split.startswith("test"):
        return "test_" + base
    return base


def keras_values(line: str) -> dict[str, float]:
    """The metrics of a Keras progress line (`acc` as `accuracy`), and its seconds."""
    values: dict[str, float] = {}
    for name, value in _KERAS_PAIR.findall(line):
        if value == "nan" or name in ("eta",):
            continue
        name = re.sub(r"^(val_)?(?:acc|binary_accuracy|categorical_accuracy|"
                      r"sparse_categorical_accuracy)$", r"\1accuracy", name)
        values[name] = float(value)
    time = _KERAS_TIME.search(line)
    # "0s" is an epoch shorter than the print's resolution, not one that took no time
    if time and values and "ETA" not in line and float(time.group(1)) > 0:
        values["seconds"] = float(time.group(1)) / (1000 if time.group(2) == "ms" else 1)
    return values


def is_keras_progress(line: str) -> bool:
    return bool(re.search(r"\d+/\d+\s*(?:\[|━|─|-\s)", line)) or line.lstrip().startswith("- ")


def unfinished(line: str) -> bool:
    """A Keras progress bar stopped before its last step ("8/348 ━━ 7:12 1s/step", or
    Keras 2's "ETA"): the values of a part of an epoch, e.g. of an interrupted run."""
    m = re.search(r"(\d+)/(\d+)\s*(?:\[|━|─|-\s)", line)
    return " ETA" in line or (m is not None and int(m.group(1)) < int(m.group(2)))


#: A line that names the model a run is about to train ("Training baseline",
#: "===== Model: BiLSTM =====").
_RUN_NAME = re.compile(r"^\W*(?:training|fitting|model)\s*[:-]?\s+(?P<name>[A-Za-z][\w+.-]{0,30}"
                       r"(?:\s+[A-Za-z][\w+.-]{0,30}){0,2}?)\W*$", re.I)
#: Words that make such a name a loop's step or a setting, not a model.
_NOT_A_NAME = re.compile(r"\b(?:fold|run|trial|split|seed|iter\w*|round|epochs?|data|set|"
                         r"model|on|with|for|the|started|complete\w*|done|finished)\b", re.I)


def run_name(lines: list[str], index: int, used: set[int]) -> str | None:
    """The model named on the last line with text before `index` (at most 3 lines
    back, none of them part of an earlier run's log)."""
    for back in range(index - 1, max(-1, index - 4), -1):
        if back in used:
            return None
        if lines[back].strip():
            m = _RUN_NAME.match(lines[back])
            name = m.group("name").strip() if m else None
            return name if name and not _NOT_A_NAME.search(name) else None
    return None


def _bar_follows(lines: list[str], index: int) -> bool:
    """Whether a Keras progress bar comes after the `Epoch 3/20` line at `index` before
    any other line of figures: a loop that prints "Epoch 3/20" and then its own lines
    ("Train Loss: 0.41 | Train Acc: 79.2%") is an epoch log."""
    for line in lines[index + 1:index + 1 + CONTINUED]:
        if is_keras_progress(line) or _EPOCH_KERAS.match(line):
            return True
        if _LOG_PAIR.search(line) and not _NOT_A_LOG.search(line):
            return False
    return True         # warnings, blank lines, nothing: as Keras prints it


def _new_run(runs: list[Run], kind: str, epoch: int) -> Run:
    """The run an epoch line continues (the last of its kind, while epochs do not go
    down: a second line about the same epoch adds to it), or a new one."""
    last = next((r for r in reversed(runs) if r.kind == kind), None)
    if last is None or (last.epochs and epoch < last.epochs[-1]):
        last = Run(kind)
        runs.append(last)
    return last


def parse_runs(text: str, used: set[int] | None = None) -> list[Run]:
    """The training runs a cell's output shows (see the module docstring); the indexes
    of the `screen_lines` they were read from are added to `used`."""
    runs: list[Run] = []
    used = used if used is not None else set()
    keras_epoch: int | None = None
    keras_run: Run | None = None
    log_epoch: int | None = None
    since = 0                       # lines since the current epoch's, batches not counted
    lines = screen_lines(text)
    for index, line in enumerate(lines):
        if _NOT_A_LOG.search(line):
            used.add(index)
            continue
        m = _EPOCH_KERAS.match(line)
        if m and not _bar_follows(lines, index):
            m = None            # "Epoch 3/20" above printed lines: an epoch log's header
        if m:
            keras_epoch, log_epoch = int(m.group(1)), None
            count = len(runs)
            keras_run = _new_run(runs, "keras-progress", keras_epoch)
            keras_run.total = int(m.group(2))
            if len(runs) > count:
                keras_run.label = run_name(lines, index, used)
            used.add(index)
            continue
        if keras_run is not None and keras_epoch is not None and is_keras_progress(line):
            if unfinished(line):
                used.add(index)
                continue
            values = keras_values(line)
            if "loss" in values or "accuracy" in values:
                keras_run.at(keras_epoch).update(values)
                keras_run.last_line = index
                keras_run.lines.update(dict.fromkeys(values, index))
                used.add(index)
            continue
        if _INNER.search(line) and not _EPOCH_LOG.search(line):
            continue            # a batch's progress within the epoch: not its values
        if log_epoch is not None and since > CONTINUED:
            log_epoch = None
        count = len(runs)
        epoch, read = _epoch_line(line, runs, log_epoch, index)
        if len(runs) > count:
            runs[-1].label = run_name(lines, index, used)
        since = 0 if epoch is not None and epoch != log_epoch or _EPOCH_LOG.search(line) \
            else since + 1
        log_epoch = epoch
        if read:
            used.add(index)
    return [r for r in runs if r.epochs and any(r.values)]


def _epoch_line(line: str, runs: list[Run], epoch: int | None,
                index: int) -> tuple[int | None, bool]:
    """Reads a printed epoch line (or a line continuing one): the current epoch, and
    whether the line was read as part of the log."""
    m = _EPOCH_LOG.search(line)
    if m and _INNER.search(line):
        return None, False
    # "train/val loss: 0.0140/0.0214": two splits, two values, in order
    slashed = [(name, float(v), bool(pct)) for s1, s2, metric, v1, p1, v2, p2 in
               _SLASHED.findall(line)
               for name, v, pct in ((_canonical(metric, s1), v1, p1),
                                    (_canonical(metric, s2), v2, p2))]
    pairs = list(_LOG_PAIR.finditer(_SLASHED.sub(" ", line)))
    if m:
        epoch = int(m.group(1))
        run = _new_run(runs, "epoch-log", epoch)
        if m.group(2):
            run.total = int(m.group(2))
    elif epoch is not None and (pairs or slashed) and not _SUMMARY.match(line):
        run = next(r for r in reversed(runs) if r.kind == "epoch-log")
    else:
        # a blank line, a rule or a line of other figures keeps the epoch; a summary
        # line ends it
        return (None if _SUMMARY.match(line) else epoch), False
    values = run.at(epoch)
    run.last_line = index
    lead = _LEAD_SPLIT.match(line)
    read = [(_canonical(pair.group("name"), pair.group("split") or (lead and lead.group(1))),
             float(pair.group("value")), bool(pair.group("pct"))) for pair in pairs]
    for name, value, pct in slashed + read:
        values[name] = value
        run.lines[name] = index
        if pct:
            run.percent.add(name)
    t = _EPOCH_TIME.search(line)
    if t:
        values["seconds"] = int(t.group(1) or 0) * 60 + float(t.group(2))
    return epoch, True
