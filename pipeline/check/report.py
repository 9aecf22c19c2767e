"""`exnet check --format text`: the check report as a person reads it.

Names, files, layer arguments and reasons come from the user's files and from mined
repositories: each line goes out through `shown`, so their control characters are
printed as text (`\\x1b`) and never reach the terminal as escape sequences."""

from __future__ import annotations

from typing import TextIO

from exnet.check import CheckReport, ModelReport
from exnet.check.facts import environment_lines, results_lines
from exnet.terminal import shown

_MARK = {"error": "✗ error", "warning": "! warning", "info": "· info"}


def edit_text(op: list[object]) -> str:
    if op[0] == "insert":
        return f"+{op[2]}"
    if op[0] == "remove":
        return f"-{op[2]}"
    return f"{op[2]}→{op[3]}"


def compared_with(r: ModelReport, corpus_models: int) -> str:
    """ "compared with 45 text-classification models on sentiment data (of 211)"."""
    n = len(r.group.records)
    return f"compared with {n} {r.group.label}" + (
        f" (of {corpus_models})" if n != corpus_models else "")


def render_text(report: CheckReport, out: TextIO) -> None:
    def write(line: str) -> None:
        out.write(shown(line) + "\n")

    for line in environment_lines(report.environment):
        write(line)
    if not report.models:
        write("no model found to check")
    for r in report.models:
        m = r.model
        where = f"{m['file']}:{m['span'][0]}" if m["cell"] is None else \
            f"{m['file']} cell {m['cell']}:{m['span'][0]}"
        write(f"{m['name']} ({m['framework']}, {where})")
        write("  layers: " + " → ".join(layer["type"] for layer in m["layers"]))
        if r.placements:
            write(f"  {compared_with(r, report.corpus_models)}:")
        else:
            write(f"  {compared_with(r, report.corpus_models)}: no hyperparameter to place")
        for p in r.placements.values():
            write(f"    {p.sentence()}")
        if r.neighbours:
            write("  nearest corpus models:")
            for n in r.neighbours:
                diff = ", ".join(edit_text(e) for e in n.edits) or "same core layers"
                write(f"    {n.project} {n.file}:{n.line} {n.name} "
                      f"(distance {n.distance:g}: {diff})")
                if n.url:
                    write(f"      {n.url}")
                for line in results_lines(report.reported.get(n.id, [])):
                    write(f"      {line}")
        if r.findings:
            write("  findings:")
            for f in r.findings:
                loc = f"{f.file}:{f.line}" if f.cell is None else f"{f.file} cell {f.cell}:{f.line}"
                write(f"    {_MARK[f.severity]} [{f.rule}] {loc}: {f.reason}")
                if f.evidence:
                    write(f"        corpus: {f.evidence}")
        else:
            write("  findings: none")
        write("")
    for failure in report.failures:
        write(f"could not read {failure['file']}: {failure['reason']}")
