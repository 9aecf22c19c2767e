"""Aggregate stage: the projects' facts (exnet.facts) and a preprocessing overview, as
summary.json's `facts` and `preprocessing` parts and four more facets.

`facts` (built from projects.jsonl; a project without facts is simply not listed):

- `label`: "reported by the project, not reproduced";
- `projects`: table, one row per project with facts — `full_name`, `statement`,
  `python` (major.minor or null), `api_eras` ([label]), `license` (SPDX or null),
  `license_kind`, `results`, `curves` (counts), `completeness` (0–6: licence,
  statement, Python, pins, results, stars known), `pushed`;
- `environments`: {full_name: the project's `environment` object as mined};
- `licences`: {full_name: the project's `licence` object};
- `results`: table — `project`, `row` (the model's row in `models.rows`, null at
  project level or when the model is not in the table), `metric`, `value`, `unit`,
  `score` (an accuracy-like value as a fraction 0–1, else null), `split`, `dataset`,
  `model_datasets` (the model's dataset ids, [] without a model), `source`, `file`,
  `line`, `cell`, `label`;
- `curves`: table — `project`, `row`, `source`, `file`, `cell`, `epochs`, `series`.

`preprocessing` (from the model records' `preprocessing` and hyperparameters): each
part lists the rows behind every value, so a page can link a bar to its models —
`tokenizers`, `pretrained_embeddings` (glove, word2vec, fasttext, ... or "none"),
`image_sizes` ("224×224"), `augmentation` (kinds) as facets
{values, counts, models}; `padding_length` {models: [[length, [rows]]], distribution};
`augmented` {models, share}; `models` (how many rows the shares are of).

Facets added (over model rows, from each model's project): `api_era` (multi:
"TensorFlow 1.x", "Keras 1.x", "PyTorch 0.x", "PyTorch (version not pinned)", ...),
`reported_results` ("reported results" | "none reported"), `license_kind`
("permissive" | "copyleft" | "other" | "none") and `python` ("3.7" ...); "unknown"
when the project has no facts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from exnet.aggregate.distributions import numeric_summary
from exnet.aggregate.facets import UNKNOWN, facet
from exnet.records import REPORTED

PROJECT_COLUMNS = ("full_name", "statement", "python", "api_eras", "license", "license_kind",
                   "results", "curves", "completeness", "pushed")
RESULT_COLUMNS = ("project", "row", "metric", "value", "unit", "score", "split", "dataset",
                  "model_datasets", "source", "file", "line", "cell", "label")
CURVE_COLUMNS = ("project", "row", "source", "file", "cell", "epochs", "series")
NAMES = {"tensorflow": "TensorFlow", "keras": "Keras", "torch": "PyTorch"}
_SCORES = ("accuracy", "top5_accuracy", "f1", "auc", "precision", "recall")


def _major(specifier: str) -> str | None:
    """The major version a specifier allows ("==1.15.0" -> "1.x", "<2" -> "1.x")."""
    exact = re.search(r"===?\s*(\d+)", specifier)
    if exact:
        return f"{exact.group(1)}.x"
    below = re.search(r"<\s*(\d+)(?:\.0)?(?:,|$)", specifier)
    above = re.search(r">=?\s*(\d+)", specifier)
    if below and above and int(below.group(1)) == int(above.group(1)) + 1:
        return f"{above.group(1)}.x"
    if below and not above and below.group(1) in ("1", "2", "3"):
        return f"{int(below.group(1)) - 1}.x"
    return None


def api_eras(env: Mapping[str, Any]) -> list[str]:
    """Framework-and-era labels of one project's environment."""
    out: list[str] = []
    pins = {d.get("name"): str(d.get("specifier") or "") for d in env.get("frameworks") or ()
            if isinstance(d, dict)}
    eras = [e for e in env.get("eras") or () if isinstance(e, dict)]
    uses = set(env.get("uses") or ())
    for fw, name in NAMES.items():
        major = _major(pins.get(fw, ""))
        marked = [e for e in eras if e.get("framework") == fw]
        if major is None and fw == "tensorflow" and any(
                e.get("needs") in ("tensorflow<2", "tensorflow<2.0") for e in eras):
            major = "1.x"
        if major is None and marked and fw != "tensorflow":
            major = str(marked[0].get("era"))
        if major:
            out.append(f"{name} {major}")
        elif fw in pins or fw in uses:
            out.append(f"{name} (version not pinned)")
    return out


def score(result: Mapping[str, Any]) -> float | None:
    """An accuracy-like result as a fraction, to compare results of one dataset."""
    value = result.get("value")
    if result.get("metric") not in _SCORES or not isinstance(value, (int, float)):
        return None
    if result.get("unit") == "%" or 1 < value <= 100:
        return round(value / 100, 6)
    return float(value) if 0 <= value <= 1 else None


def _completeness(p: Mapping[str, Any]) -> int:
    env = p.get("environment") or {}
    return sum((bool(p.get("license")), bool(env.get("statement")), bool(env.get("python")),
                bool(env.get("frameworks") or env.get("libraries")), bool(p.get("results")),
                isinstance(p.get("stars"), int)))


def build_facts(records: Sequence[Mapping[str, Any]], ids: Sequence[str],
                projects: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any],
                                                                dict[str, Any]]:
    """(the summary's `facts` part, the four facets) over the rows of `records`."""
    row_of = {model_id: row for row, model_id in enumerate(ids)}
    with_facts = [p for p in projects if isinstance(p.get("environment"), dict)]
    by_name = {str(p["full_name"]): p for p in with_facts}
    project_rows, results, curves = [], [], []
    for p in sorted(with_facts, key=lambda p: str(p["full_name"])):
        env = p["environment"]
        python = (env.get("python") or {}).get("version")
        project_rows.append([p["full_name"], env.get("statement"), python, api_eras(env),
                             p.get("license"), (p.get("licence") or {}).get("kind", "none"),
                             len(p.get("results") or ()), len(p.get("curves") or ()),
                             _completeness(p), p.get("pushed")])
        for r in p.get("results") or ():
            row = row_of.get(str(r.get("model")))
            ev = r.get("evidence") or {}
            results.append([p["full_name"], row, r.get("metric"), r.get("value"),
                            r.get("unit"), score(r), r.get("split"), r.get("dataset"),
                            list(records[row].get("datasets") or ()) if row is not None else [],
                            r.get("source"), ev.get("file"), ev.get("line"), ev.get("cell"),
                            r.get("label")])
        for c in p.get("curves") or ():
            ev = c.get("evidence") or {}
            curves.append([p["full_name"], row_of.get(str(c.get("model"))), c.get("source"),
                           ev.get("file"), ev.get("cell"), c.get("epochs"), c.get("series")])
    part = {"label": REPORTED,
            "projects": {"columns": list(PROJECT_COLUMNS), "rows": project_rows},
            "environments": {n: by_name[n]["environment"] for n in sorted(by_name)},
            "licences": {n: by_name[n].get("licence") for n in sorted(by_name)},
            "results": {"columns": list(RESULT_COLUMNS), "rows": results},
            "curves": {"columns": list(CURVE_COLUMNS), "rows": curves}}
    return part, _facets(records, by_name)


def _facets(records: Sequence[Mapping[str, Any]],
            by_name: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    eras, reported, kinds, pythons = [], [], [], []
    for r in records:
        p = by_name.get(str(r.get("project")))
        if p is None:
            eras.append([UNKNOWN])
            reported.append([UNKNOWN])
            kinds.append([UNKNOWN])
            pythons.append([UNKNOWN])
            continue
        env = p["environment"]
        eras.append(api_eras(env) or [UNKNOWN])
        reported.append(["reported results" if p.get("results") else "none reported"])
        kinds.append([str((p.get("licence") or {}).get("kind") or "none")])
        pythons.append([str((env.get("python") or {}).get("version") or UNKNOWN)])
    return {"api_era": facet(eras, True),
            "reported_results": facet(reported, False, ["reported results",
                                                        "none reported"]),
            "license_kind": facet(kinds, False, ["permissive", "copyleft", "other", "none"]),
            "python": facet(pythons, False)}


# -- preprocessing overview -----------------------------------------------------------

def _tokenizer(api: str) -> str:
    last = api.split(".")[-1]
    if last == "from_pretrained":
        return "pretrained (transformers)"
    if last == "Tokenizer" and "keras" in api.lower():
        return "Keras Tokenizer"
    return last


def _size(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return f"{value}×{value}"
    if isinstance(value, list) and len(value) >= 2 and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value[:2]):
        return f"{value[0]}×{value[1]}"
    return None


def _image_size(r: Mapping[str, Any]) -> str | None:
    for p in r.get("preprocessing") or ():
        if isinstance(p, dict) and p.get("kind") == "resize":
            size = _size((p.get("args") or {}).get("size"))
            if size:
                return size
    for layer in r.get("layers") or ():
        shape = (layer.get("args") or {}).get("input_shape") if isinstance(layer, dict) else None
        if isinstance(shape, list) and len(shape) == 3:
            dims = [d for d in shape if d not in (1, 3)] or shape[:2]
            size = _size(dims if len(dims) >= 2 else shape[:2])
            if size:
                return size
    return None


def _padding(r: Mapping[str, Any]) -> int | None:
    for p in r.get("preprocessing") or ():
        if isinstance(p, dict) and p.get("kind") == "padding":
            value = (p.get("args") or {}).get("maxlen")
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    hp = (r.get("hyperparameters") or {}).get("max_sequence_length") or {}
    value = hp.get("value") if isinstance(hp, dict) and hp.get("how") != "expression" else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else None


def preprocessing_overview(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The summary's `preprocessing` part (see the module docstring)."""
    tokenizers, embeddings, sizes, augment = [], [], [], []
    lengths: dict[int, list[int]] = {}
    for row, r in enumerate(records):
        steps = [p for p in r.get("preprocessing") or () if isinstance(p, dict)]
        tokenizers.append(sorted({_tokenizer(str(p.get("api"))) for p in steps
                                  if p.get("kind") in ("tokenizer", "vectorizer")}))
        names = {str((p.get("args") or {}).get("name")) for p in steps
                 if p.get("kind") == "embeddings" and (p.get("args") or {}).get("name")}
        hp = (r.get("hyperparameters") or {}).get("pretrained_embeddings") or {}
        if isinstance(hp, dict) and isinstance(hp.get("value"), str):
            names.add(hp["value"].lower())
        embeddings.append(sorted(names) or ["none"])
        size = _image_size(r)
        sizes.append([size] if size else [])
        augment.append(sorted({str(p.get("api")).split(".")[-1] for p in steps
                               if p.get("kind") == "augmentation"}))
        length = _padding(r)
        if length is not None:
            lengths.setdefault(length, []).append(row)
    n = len(records)
    augmented = sum(1 for a in augment if a)
    values = [v for v, rows in lengths.items() for _ in rows]
    return {
        "models": n,
        "tokenizers": facet(tokenizers, True),
        "pretrained_embeddings": facet(embeddings, True),
        "image_sizes": facet(sizes, False),
        "augmentation": facet(augment, True),
        "augmented": {"models": augmented, "share": round(augmented / n, 4) if n else 0.0},
        "padding_length": {"models": [[v, lengths[v]] for v in sorted(lengths)],
                           **numeric_summary(values, "log2")},
    }
