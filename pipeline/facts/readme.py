"""Facts stage: results a project's README states, in tables and sentences.

- Markdown tables: a header cell naming a metric (`Accuracy`, `Test Acc`, `F1`) makes
  its column a result column; each row gives one result per such column, labelled
  with the row's first other cell (a model's name, at most 60 characters; an empty
  cell repeats the one above), its split from a `Phase` or `Split` column if any. The dataset
  is a `Dataset` column's value or one named in the header cell.
- Sentences: a metric next to a number ("reaches 89.2% accuracy on IMDB", "test
  accuracy of 0.91", "F1 score: 0.88"), with the split named just before the metric
  and the dataset named in the same line, when exactly one is.

- Fenced blocks of pasted output (no language, `text`, `output`, `console`, or a
  shell's, whose commands state nothing): their lines are read as notebook output
  lines are ("Test Accuracy: 0.9933", a classification report's rows), and a pasted
  training log's final epoch as a notebook's is, unless the block elides epochs
  ("...") and stops before the count it names; code blocks (a language named) are
  skipped, as are indented lines that read as code.
- A sentence's clause that sets itself apart (", although ...", ", while the paper
  ...") does not make the number of another clause someone else's; prose its writer
  indented (no code-like character on the line) is read as prose.
- Emphasis and code marks are layout: "**Validation Accuracy:** **91.6%**" reads as
  "Validation Accuracy: 91.6%", "val_acc of 0.907" as "val acc of 0.907".

Datasets are named as the extractor names them (`exnet.facts.datasets`).
"""

from __future__ import annotations

import html
import re
import sys
from bisect import bisect_right
from collections import Counter

from exnet.facts.curves import parse_runs
from exnet.facts.datasets import dataset_named
from exnet.facts.outputs import final_runs, final_values, line_results
from exnet.records import Evidence, Result

_METRIC = (r"top[-_ ]?5[-_ ]accuracy|accuracy|acc|f1[-_ ]?score|f1|roc[-_ ]auc|auc|"
           r"precision|recall|error[-_ ]rate|loss")
_HEADER = re.compile(r"^\W*(?:(?P<qual>macro|weighted|micro|overall|final)[\s-]+)?"
                     r"(?:(?P<split>test(?:ing)?|validation|valid|val|dev|train(?:ing)?)\.?\s*)?"
                     r"(?P<metric>" + _METRIC + r")\b", re.I)
#: A column of differences between two others ("Δ", "+0.1113"): no result of its own.
_DIFFERENCE = re.compile(r"^\W*(?:Δ|delta|diff\w*|change|improvement|gain)\W*$", re.I)
_NUMBER = re.compile(r"^\**\s*(?P<value>\d{1,3}(?:\.\d+)?|0?\.\d+)\s*(?P<pct>%)?\s*\**$")
_SENTENCE = re.compile(
    r"(?:(?P<pre>\d{1,3}(?:\.\d+)?)\s*(?P<prepct>%)\s+(?:\w+\s+){0,2}?"
    r"(?P<metric1>" + _METRIC + r")\b)"
    r"|(?:\b(?P<metric2>" + _METRIC + r")\b(?:\s+score)?(?:\s*\([^()\n]{1,30}\)|\))?"
    r"(?:\s*[:=]\s*|\s+|[^.\d\n|()]{0,40}?"
    r"(?:\bof|\bis|=|:|\breach(?:es|ed)?|\bachiev(?:es|ed|ing)|\bto|\bat|\baround|\babout|"
    r"\bapproximately|\bgets?|\bgot|\bwith|\bwas|\bwere|\bare)\s*)[~≈]?\s*"
    # "%83.70": the sign before the number, as Turkish and French write it
    r"(?P<leadpct>%(?=\d))?(?P<post>\d{1,3}(?:\.\d+)?|0?\.\d+)\s*(?P<postpct>%)?)", re.I)
#: A sentence with one of these words is about something else than the project's own
#: result (a paper, a benchmark, a target, a comparison, a phase of training): its
#: numbers are not taken.
_ELSEWHERE = re.compile(
    r"\b(?:paper|arxiv|benchmark|official|state[- ]of[- ]the[- ]art|sota|human|target|goal|"
    r"aim|expect\w*|competition|ilsvrc|winner|won|place|vs\.?|versus|compared|improv\w*|"
    r"increase\w*|gap|difference|higher|lower|better|worse|drop\w*|gain\w*|boost\w*|"
    r"up to|var(?:y|ied|ies)|more than|less than|over|above|below|at least|per class|"
    r"class(?:es)?|fell|rose)\b|[<>≥≤`]|"
    r"\bepochs?\s*\d+\s*[-–]\s*\d+", re.I)     # "(Epochs 5-12): 68.0%": a phase of training
_CLAUSE = re.compile(r",\s+(?:although|though|but|while|whereas|however|yet)\b", re.I)
_VAGUE = re.compile(r"\b(?:close to|nearly|almost|near)\s*[~≈]?\s*\**\s*$", re.I)
_LABEL_BEFORE = re.compile(r"(?:^|[-*+]\s)\s*[A-Z][\w /-]{0,30}:\s*$")
_SPLIT_BEFORE = re.compile(r"\b(test(?:ing)?|validation|valid|val|dev|train(?:ing)?)"
                           r"(?:\s+set)?[\s-]*$", re.I)
#: "... accuracy of 87.55 against the test set": the split named just after the number.
_SPLIT_AFTER = re.compile(r"[^.;\d]{0,30}?\b(?:on|against|for|in)\s+(?:the\s+)?"
                          r"(test(?:ing)?|validation|valid|val|dev|train(?:ing)?)\s+"
                          r"(?:set|data|dataset|split)\b", re.I)
#: Results read from one README at most: more is not a project's report of itself.
MAX_RESULTS = 200
SPLITS = {"test": "test", "testing": "test", "validation": "validation", "valid": "validation",
          "val": "validation", "dev": "validation", "train": "train", "training": "train"}


def metric_name(text: str) -> str:
    key = re.sub(r"[-_ ]", "", text.lower())
    if key.startswith("top5"):
        return "top5_accuracy"
    return {"acc": "accuracy", "f1score": "f1", "rocauc": "auc", "errorrate": "error"}.get(
        key, key)


def _dataset(text: str) -> str | None:
    return dataset_named(text)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _plain(text: str) -> str:
    """A table cell's words without markdown emphasis, links or code marks."""
    text = html.unescape(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text))
    return re.sub(r"[*`]|(?<!\w)_+|_+(?!\w)", "", text).strip()[:60]


def _averaged(label: str | None, m: re.Match[str]) -> str | None:
    """A label that keeps how an F1 or precision was averaged ("Macro F1": "macro
    avg", as a classification report names it), after the row's or column's name."""
    qual = (m.group("qual") or "").lower()
    if qual not in ("macro", "weighted", "micro"):
        return label
    return f"{label} · {qual} avg" if label else f"{qual} avg"


def _row_table(rows: list[tuple[int, str]], rel: str) -> list[Result]:
    """A table whose rows name the metric (`| Test Accuracy | 93.4% |`): one result per
    number, labelled with its column's header when there are several value columns."""
    header = [_plain(h) for h in _cells(rows[0][1])]
    out = []
    for number, line in rows[2:]:
        cells = _cells(line)
        m = _HEADER.match(_plain(cells[0])) if cells else None
        if m is None or not re.fullmatch(r"[\w .-]*", _plain(cells[0])):
            continue
        values = [(i, v) for i, c in enumerate(cells[1:], start=1)
                  if not (i < len(header) and _DIFFERENCE.match(header[i]))
                  and not re.match(r"\s*[-+−±]\s*\d", _plain(c))
                  and (v := _NUMBER.match(re.sub(r"\s*\(.*\)|[^\d.%*\s]+$|^[^\d.]+", "",
                                                 _plain(c)).strip()))]
        for i, value in values:
            label = header[i] if len(values) > 1 and i < len(header) else None
            out.append(Result(metric_name(m.group("metric")), float(value.group("value")),
                              "%" if value.group("pct") else None,
                              SPLITS.get((m.group("split") or "").lower()), None, "readme",
                              Evidence(rel, number), label=_averaged(label or None, m)))
    return out


def _table(rows: list[tuple[int, str]], rel: str) -> list[Result]:
    header = _cells(rows[0][1])
    metrics = {i: m for i, h in enumerate(header) if (m := _HEADER.match(_plain(h)))}
    if not metrics:
        return _row_table(rows, rel)
    names = [_plain(h).lower() for h in header]
    if any(n in ("support", "class", "category", "label", "digit", "species", "flower")
           for n in names):
        return []               # a per-class report, not one model's results
    label_col = next((i for i in range(len(header)) if i not in metrics), None)
    data_col = next((i for i, h in enumerate(header) if h.lower().strip("* ") == "dataset"),
                    None)
    # a "Phase" or "Split" column names each row's split ("Train", "Test")
    split_col = next((i for i, n in enumerate(names) if n in ("phase", "split", "set", "subset")
                      and i != label_col), None)
    out = []
    above: list[str] = []       # the row before's cells: an empty cell repeats the one above
    for number, line in rows[2:]:
        cells = [c or (above[i] if i < len(above) else "")
                 for i, c in enumerate(_cells(line))]
        above = cells
        label = _plain(cells[label_col]) if label_col is not None and \
            label_col < len(cells) else None
        row_split = SPLITS.get(_plain(cells[split_col]).lower()) \
            if split_col is not None and split_col < len(cells) else None
        named = re.fullmatch(r"(test(?:ing)?|validation|valid|val|dev|train(?:ing)?)"
                             r"(?:\s+(?:set|data|split))?", label or "", re.I)
        if named:               # a row named "Test Set" is a split, not a model
            row_split, label = row_split or SPLITS[named.group(1).lower()], None
        for i, m in metrics.items():
            value = _NUMBER.match(cells[i]) if i < len(cells) else None
            if not value:
                continue
            dataset = _dataset(cells[data_col]) if data_col is not None and \
                data_col < len(cells) else _dataset(header[i])
            if label is not None and re.fullmatch(r"\d+", label):
                continue        # a class number's row
            percent = value.group("pct") or "%" in header[i]
            out.append(Result(metric_name(m.group("metric")), float(value.group("value")),
                              "%" if percent else None,
                              SPLITS.get((m.group("split") or "").lower()) or row_split,
                              dataset, "readme", Evidence(rel, number),
                              label=_averaged(label or None, m)))
    return out


_ON = re.compile(r"\b(?:on|for|among|across|over)\s+(?:the\s+)?(?P<what>[^:=~≈]*?)\s*"
                 r"(?:\b(?:of|is|was|were|at|reaches|reached|achieves|achieved)\b|[:=~≈]|$)",
                 re.I)


def _subset(gap: str) -> bool:
    """Whether the words between a metric and its number restrict it to a part of the
    data ("accuracy on uncertain predictions: 48.9%"), not to a split or a dataset
    ("accuracy on the test set of 0.91", "accuracy on IMDB: 89%")."""
    m = _ON.search(gap)
    if m is None or not m.group("what").strip():
        return False
    what = m.group("what")
    return not re.match(r"(?:test(?:ing)?|validation|valid|val|dev|train(?:ing)?|held[- ]out)"
                        r"\b", what, re.I) and dataset_named(what) is None


def _plausible(text: str, m: re.Match[str], metric: str, value: float, pct: bool) -> bool:
    """Whether a matched number is the project's own result, as far as the words say:
    not a range ("65-70%"), a signed difference ("+24.8%"), a per-class figure
    ("Shirt: 78% F1"), a figure on a part of the data ("accuracy on uncertain
    predictions"), a loss without decimals, a vague figure ("nearly 80%"), nor in a
    sentence about a paper, a target or a comparison (`_ELSEWHERE`)."""
    start = m.start("pre") if m.group("pre") else m.start("post")
    if m.group("metric2") and _subset(text[m.end("metric2"):start]):
        return False
    if text[max(0, start - 1):start] in ("-", "–", "+", "±", ",", ".") or \
            re.match(r"\s*%?\s*[-–]\s*\d", text[m.end():]):
        return False
    if metric_name(metric) == "loss":
        if pct or "." not in (m.group("pre") or m.group("post")) or value >= 10:
            return False
    elif not pct and value > 1:
        return False            # "accuracy of 3 models": not a score
    if m.group("pre") and _LABEL_BEFORE.search(text[max(0, start - 40):start]):
        return False
    if _VAGUE.search(text[max(0, start - 20):start]):
        return False            # "close to 1.0", "nearly 80%": no figure stated
    low = max(0, start - 300)
    # a line break ends a sentence only in a plain-text README (`_sentences`)
    sentence_start = max(text.rfind(". ", low, start), text.rfind("; ", low, start),
                         text.rfind("\n", low, start), low - 1) + 1
    high = min(len(text), m.end() + 300)
    end = min([i for i in (text.find(". ", m.end(), high), text.find("; ", m.end(), high),
                           text.find("\n", m.end(), high)) if i >= 0] or [high])
    # a clause that sets itself apart (", although ...", ", while the paper ...") speaks
    # of something else: only the number's own clause is looked at
    before = [c.end() for c in _CLAUSE.finditer(text, sentence_start, start)]
    after = _CLAUSE.search(text, m.end(), end)
    clause = text[(before[-1] if before else sentence_start):(after.start() if after else end)]
    return _ELSEWHERE.search(clause) is None


def _sentences(lines: list[tuple[int, str]], rel: str) -> list[Result]:
    """Results of one paragraph (lines joined, so a sentence may wrap); each result's
    line is the one where its metric is written. In a plain-text README (no Markdown or
    reStructuredText) a line is a sentence of its own."""
    joint = " " if rel.lower().endswith((".md", ".markdown", ".mdx", ".rst")) else "\n"
    text, starts = "", []
    for number, line in lines:
        starts.append((len(text), number))
        line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
        # A line break tag and a number set in code marks ("`89.2%`") are layout, not
        # a comparison or code: `_ELSEWHERE` must not see their "<" or "`".
        line = re.sub(r"<br\s*/?>", " ", line, flags=re.I)
        # emphasis marks (a bullet's "* " stays) and "val_acc" are layout too
        line = re.sub(r"(?<=\S)\*|\*(?=\S)", "", re.sub(r"\*\*|__", "", line))
        line = re.sub(r"\b(val|valid|test|train)_(acc|accuracy|loss|f1)\b", r"\1 \2", line,
                      flags=re.I)
        text += re.sub(r"`\s*(\d{1,3}(?:\.\d+)?\s*%?)\s*`", r"\1", line) + joint
    out: list[Result] = []
    previous = -1               # where the last result's match ends
    text = re.sub(r"(\d),(\d{1,2})\s*%", r"\1.\2%", text)     # 84,4% is 84.4%
    for m in _SENTENCE.finditer(text):
        if len(out) >= MAX_RESULTS:
            break
        metric = m.group("metric1") or m.group("metric2")
        at = m.start("metric1") if m.group("metric1") else m.start("metric2")
        value = m.group("pre") or m.group("post")
        pct = m.group("prepct") or m.group("postpct") or m.group("leadpct")
        if not pct and metric_name(metric) != "loss" and "." in value and \
                1 < float(value) <= 100:
            pct = "%"           # "an accuracy of 87.55": a percentage without its sign
        if not _plausible(text, m, metric, float(value), bool(pct)):
            continue
        # Only the words just before: a long paragraph must not cost its length per match.
        before = _SPLIT_BEFORE.search(text[max(0, at - 40):at]) or \
            _SPLIT_AFTER.match(text, m.end(), min(len(text), m.end() + 60))
        num = float(value)
        number = starts[bisect_right(starts, (at, sys.maxsize)) - 1][1]
        out.append(Result(metric_name(metric), num, "%" if pct else None,
                          SPLITS.get(before.group(1).lower()) if before else None,
                          _dataset_of(text, m, previous), "readme", Evidence(rel, number)))
        previous = m.end()
    return out


def _dataset_of(text: str, m: re.Match[str], previous: int) -> str | None:
    """The dataset a matched result is on: one named in its clause after the number
    ("89.2% accuracy on IMDB", "0.87 on the test set of SST-2"), else one named before
    it in its sentence ("On IMDB, it reaches 89.2%"), but not before an earlier result
    of the sentence and its clause: that dataset is the earlier result's."""
    after = re.split(r"[,;.!?](?:\s|$)|\s(?=\d)", text[m.end():m.end() + 80])[0]
    head = re.split(r"(?<=[.!?])\s", text[max(0, m.start() - 300):m.start()])[-1]
    if previous > m.start() - len(head):
        head = text[previous:m.start()].rsplit(",", 1)[-1]
    return _dataset(after) or _dataset(head + text[m.start():m.end()])


#: An indented line that reads as code (or a shell session, or a table), not prose.
_CODE_LIKE = re.compile(r"[=(){}\[\]<>|`#$@]|^\s*(?:import|from|def|class|return|pip|python|"
                        r"cd|git|conda)\b|\.(?:py|sh|ipynb)\b|^\s*\S+$")
#: Fences whose text is output, not code: no language, one that names output, or a
#: shell's (a session: commands, then what they print).
_OUTPUT_FENCES = ("", "text", "txt", "output", "console", "log", "plaintext", "bash", "sh",
                  "shell", "zsh", "shell-session", "sh-session", "powershell", "ps1", "cmd",
                  "bat", "terminal")
_ELISION = re.compile(r"\s*(?:\.{3,}|…|\[\s*\.{3}\s*\])\s*")


def _output_block(lines: list[tuple[int, str]], rel: str) -> list[Result]:
    """Results in a fenced block of pasted output ("Test Accuracy: 0.9933", a
    classification report, a training log's final epoch), read as notebook output
    lines are; a metric stated more than once in the block is a log of steps, not a
    result."""
    lines = lines[:500]
    used: set[int] = set()
    runs = parse_runs("\n".join(line for _, line in lines), used)
    out: list[Result] = []
    elided = any(_ELISION.fullmatch(line) for _, line in lines)
    for run in final_runs(runs):
        if elided and not run.finished():
            continue
        out += [Result(metric, value, unit, split, None, "readme",
                       Evidence(rel, lines[line][0]),
                       label=run.label if len(runs) > 1 else None)
                for metric, value, unit, split, line in final_values(run)]
    # a log cut by "..." before its last epoch is a sample: what it states before the
    # cut is a step of the run, what follows the cut ("Best validation accuracy") is not
    cut = max((i for i, (_, line) in enumerate(lines) if _ELISION.fullmatch(line)), default=-1)
    sample = cut if elided and any(not run.finished() for run in runs) else -1
    stated = [(number, r) for i, (number, line) in enumerate(lines)
              if i not in used and i > sample for r in line_results(line)]
    seen = Counter((r[0], r[3], r[4]) for _, r in stated)
    return out + [Result(metric, value, unit, split, None, "readme", Evidence(rel, number),
                         label=label)
                  for number, (metric, value, unit, split, label) in stated
                  if seen[metric, split, label] == 1]


def readme_results(rel: str, text: str) -> list[Result]:
    """The results a README states (see the module docstring)."""
    out: list[Result] = []
    fenced = False
    table: list[tuple[int, str]] = []
    paragraph: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal table, paragraph
        if len(out) >= MAX_RESULTS:
            table, paragraph = [], []
            return
        if len(table) >= 3 and re.fullmatch(r"[\s|:\-]+", table[1][1]):
            out.extend(_table(table, rel))
        if paragraph:
            out.extend(_sentences(paragraph, rel))
        table, paragraph = [], []

    block: list[tuple[int, str]] | None = None     # a fence's lines, if it is output
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")) and \
                not re.match(r"\s*(```|~~~).*\S.*\1", line):    # not "```url``` text"
            flush()
            if fenced and block is not None:
                out.extend(_output_block(block, rel))
            fenced = not fenced
            info = line.lstrip()[3:].strip().lower()
            block = [] if fenced and info in _OUTPUT_FENCES else None
            continue
        if fenced and block is not None:
            block.append((number, line))
            continue
        if line.startswith("    ") and not fenced and not _CODE_LIKE.search(line):
            line = line.strip()     # prose indented by its writer, not code
        if fenced or line.startswith("    ") or not line.strip():
            flush()
            continue
        if line.strip().startswith("|") or (table and "|" in line):
            if paragraph:
                flush()
            table.append((number, line))
            continue
        if table:
            flush()
        if re.match(r"\s*(?:[-*+]|\d+[.)])\s", line) and paragraph:
            flush()             # a list item is a sentence of its own
        if line.lstrip().startswith("#"):
            flush()
            paragraph = [(number, line)]
            flush()
            continue
        paragraph.append((number, line))
    flush()
    return out[:MAX_RESULTS]
