"""`exnet check --format markdown`: the report ready to paste into a pull request.

GitHub renders markdown and some HTML, so every text that comes from the user's files
or from mined repositories (names, files, layer types, reasons that quote them) is
escaped here: markdown punctuation gets a backslash, `<` and `>` become entities (no
HTML element can be formed), and code spans use a backtick fence longer than any run of
backticks inside. Control characters are written out as on the terminal (`shown`).
Links are only the GitHub URLs check builds itself (`placement.github_url`).
"""

from __future__ import annotations

import re
from typing import TextIO

from exnet.check import CheckReport, ModelReport
from exnet.check.report import compared_with, edit_text
from exnet.terminal import shown

_MARK = {"error": "✗ error", "warning": "! warning", "info": "· info"}
#: What can start markup inside a line (the texts never start a line: no "#" or "-").
_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")


def text(value: object) -> str:
    """Plain text safe in markdown and in a table cell."""
    out = _PUNCTUATION.sub(r"\\\1", shown(value).replace("\n", " "))
    return out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(value: object) -> str:
    """A code span of `value`, whatever backticks it holds (none breaks out of it)."""
    body = shown(value).replace("\n", " ").replace("|", "\\|")
    runs = [len(r) for r in re.findall(r"`+", body)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def _where(file: str, line: int, cell: int | None) -> str:
    return code(f"{file}:{line}" if cell is None else f"{file} cell {cell}:{line}")


def _model(r: ModelReport, report: CheckReport, write: list[str]) -> None:
    m = r.model
    write.append(f"### {code(m['name'])} ({text(m['framework'])}, "
                 f"{_where(m['file'], m['span'][0], m['cell'])})")
    write.append("")
    write.append("**Layers:** " + " → ".join(text(layer["type"]) for layer in m["layers"]))
    write.append("")
    group = compared_with(r, report.corpus_models)
    write.append(text(group[0].upper() + group[1:]) + ".")
    write.append("")
    if r.placements:
        write.append("| hyperparameter | yours | where it falls |")
        write.append("|---|---|---|")
        for name, p in r.placements.items():
            write.append(f"| {text(name)} | {code(p.value)} | {text(p.sentence())} |")
        write.append("")
    if r.findings:
        write.append("| finding | rule | where | why | corpus |")
        write.append("|---|---|---|---|---|")
        for f in r.findings:
            write.append(f"| {_MARK[f.severity]} | {code(f.rule)} | "
                         f"{_where(f.file, f.line, f.cell)} | {text(f.reason)} | "
                         f"{text(f.evidence)} |")
    else:
        write.append("No findings.")
    write.append("")
    if r.neighbours:
        write.append("Nearest corpus models:")
        write.append("")
        for n in r.neighbours:
            diff = ", ".join(text(edit_text(e)) for e in n.edits) or "same core layers"
            label = f"{text(n.project)} {code(f'{n.file}:{n.line}')} {text(n.name)}"
            shown_label = f"[{label}]({n.url})" if n.url else label
            write.append(f"- {shown_label} (distance {n.distance:g}: {diff})")
        write.append("")


def render_markdown(report: CheckReport, out: TextIO) -> None:
    """The report as GitHub-flavoured markdown: one section per model."""
    lines = [f"## exnet check: {text(report.task)}", ""]
    if not report.models:
        lines += ["No model found to check.", ""]
    for r in report.models:
        _model(r, report, lines)
    for failure in report.failures:
        lines.append(f"- could not read {code(failure['file'])}: {text(failure['reason'])}")
    out.write("\n".join(lines).rstrip("\n") + "\n")
