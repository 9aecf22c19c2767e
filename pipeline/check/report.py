"""`exnet check --format text`: the check report as a person reads it."""

from __future__ import annotations

from typing import TextIO

from exnet.check import CheckReport

_MARK = {"error": "✗ error", "warning": "! warning", "info": "· info"}


def _edit(op: list[object]) -> str:
    if op[0] == "insert":
        return f"+{op[2]}"
    if op[0] == "remove":
        return f"-{op[2]}"
    return f"{op[2]}→{op[3]}"


def render_text(report: CheckReport, out: TextIO) -> None:
    if not report.models:
        out.write("no model found to check\n")
    for r in report.models:
        m = r.model
        where = f"{m['file']}:{m['span'][0]}" if m["cell"] is None else \
            f"{m['file']} cell {m['cell']}:{m['span'][0]}"
        out.write(f"{m['name']} ({m['framework']}, {where})\n")
        out.write("  layers: " + " → ".join(layer["type"] for layer in m["layers"]) + "\n")
        if r.placements:
            out.write(f"  against {report.corpus_models} {report.task} models:\n")
            for p in r.placements.values():
                out.write(f"    {p.sentence(report.task)}\n")
        if r.neighbours:
            out.write("  nearest corpus models:\n")
            for n in r.neighbours:
                diff = ", ".join(_edit(e) for e in n.edits) or "same core layers"
                out.write(f"    {n.project} {n.file}:{n.line} {n.name} "
                          f"(distance {n.distance:g}: {diff})\n")
                if n.url:
                    out.write(f"      {n.url}\n")
        if r.findings:
            out.write("  findings:\n")
            for f in r.findings:
                loc = f"{f.file}:{f.line}" if f.cell is None else f"{f.file} cell {f.cell}:{f.line}"
                out.write(f"    {_MARK[f.severity]} [{f.rule}] {loc}: {f.reason}\n")
                if f.evidence:
                    out.write(f"        corpus: {f.evidence}\n")
        else:
            out.write("  findings: none\n")
        out.write("\n")
    for failure in report.failures:
        out.write(f"could not read {failure['file']}: {failure['reason']}\n")
