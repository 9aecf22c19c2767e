"""Records read back from disk are checked against the record shape before use.

A cached extraction result, a corpus' models.jsonl or a failures list may have been
written by another version, cut short, or edited by hand; a stage that trusted it would
crash on it or, worse, write it out wrong (a "models" string written out letter by
letter). Each function here returns why a value cannot be used as that kind of record,
or None when it can; the caller skips the value (or treats a cache entry as missing)
and goes on. The shapes are those of `exnet.records` (see its module docstring).
"""

from __future__ import annotations

from typing import Any

from exnet.records import FRAMEWORKS, MODEL_SCHEMAS


def model_problem(rec: Any) -> str | None:
    """Why `rec` cannot be used as a model record (exnet.model/1 or /2), or None."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    if rec.get("schema") not in MODEL_SCHEMAS:
        return f"schema is {rec.get('schema')!r}, expected one of {', '.join(MODEL_SCHEMAS)}"
    for key, kind in (("project", str), ("file", str), ("name", str), ("layers", list)):
        if not isinstance(rec.get(key), kind):
            return f"field {key!r} missing or not a {kind.__name__}"
    if rec.get("framework") not in FRAMEWORKS:
        return (f"framework is {rec.get('framework')!r}, expected one of "
                f"{', '.join(map(repr, FRAMEWORKS))}")
    span = rec.get("span")
    if not (isinstance(span, list) and span and isinstance(span[0], int)):
        return "field 'span' missing or not [first, last]"
    if any(not isinstance(layer, dict) or not isinstance(layer.get("type"), str)
           or not isinstance(layer.get("args") or {}, dict) for layer in rec["layers"]):
        return "a layer is not an object with a string 'type' and object 'args'"
    for key, want in (("hyperparameters", dict), ("datasets", list), ("edges", list)):
        if rec.get(key) is not None and not isinstance(rec[key], want):
            return f"field {key!r} is not a {want.__name__}"
    for name, hp in (rec.get("hyperparameters") or {}).items():
        if not isinstance(hp, dict) or "value" not in hp:
            return f"hyperparameter {name!r} is not an object with a 'value'"
    return None


def failure_problem(rec: Any) -> str | None:
    """Why `rec` cannot be used as a failure record (exnet.failure/1), or None."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    for key in ("file", "reason"):
        if not isinstance(rec.get(key), str):
            return f"field {key!r} missing or not a str"
    return None


def records_problem(value: Any, what: str) -> str | None:
    """Why `value` cannot be used as a list of `what` ("models" or "failures"), or None."""
    if not isinstance(value, list):
        return f"{what!r} is not a list"
    check = model_problem if what == "models" else failure_problem
    for index, rec in enumerate(value):
        problem = check(rec)
        if problem is not None:
            return f"{what}[{index}]: {problem}"
    return None


def result_problem(data: Any) -> str | None:
    """Why `data` cannot be used as a project's extraction outcome (exnet.result/1, see
    `exnet.workers`), or None; whose outcome it is, the caller checks."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if data.get("status") not in ("extracted", "failed"):
        return f"status is {data.get('status')!r}, not 'extracted' or 'failed'"
    for key in ("sha", "reason", "stage", "mined"):
        if data.get(key) is not None and not isinstance(data[key], str):
            return f"field {key!r} is not a str"
    return records_problem(data.get("models"), "models") or \
        records_problem(data.get("failures"), "failures") or facts_problem(data.get("facts"))


def facts_problem(facts: Any) -> str | None:
    """Why `facts` (a project's facts, `exnet.records.Facts` as JSON, or None when there
    are none) cannot be used, or None."""
    if facts is None:
        return None
    if not isinstance(facts, dict):
        return "'facts' is not an object"
    for key, kind in (("environment", dict), ("results", list), ("curves", list),
                      ("licence", dict)):
        if not isinstance(facts.get(key), kind):
            return f"facts field {key!r} missing or not a {kind.__name__}"
    for index, result in enumerate(facts["results"]):
        if not (isinstance(result, dict) and isinstance(result.get("metric"), str)
                and isinstance(result.get("value"), (int, float))
                and isinstance(result.get("evidence"), dict)):
            return f"facts results[{index}] is not a result with metric, value and evidence"
    for index, curve in enumerate(facts["curves"]):
        if not (isinstance(curve, dict) and isinstance(curve.get("epochs"), list)
                and isinstance(curve.get("series"), dict)):
            return f"facts curves[{index}] is not a curve with epochs and series"
    return None
