"""Model identity: when two definitions in one project are the same architecture.

Every count the gallery shows is a share of the model list, so a project that defines one
network in model.py, rebuilds it in predict.py and again in a notebook must weigh once,
not three times. This module decides which model records of one project are copies and
merges them into one record that lists every place the architecture occurs
(`occurrences`, see docs/RECORDS.md).

Two definitions are the same architecture when (docs/ARCHITECTURE.md, "Model identity"):

- they are of the same framework and have the same layer types in the same order, with
  the same edges;
- every layer argument that both resolved is equal. An argument that one copy resolved
  and the other did not (`nn.Linear(512, n_classes)` with `n_classes` read from data in
  one file, a literal in the other) does not make them differ, because it is the same
  code read with less knowledge; arguments that only say where the input comes from
  (`input_shape`, `input_length`) and whether a pretrained part is frozen
  (`trainable`, a stage of training, not a design) are not compared, nor is the name of
  a pretrained part loaded from a local folder (`"./fine_tuned_model"`, a checkpoint of
  the hub model the project fine-tuned).

Copies trained with different settings (the same network trained once with SGD and
once with Adam, in two notebooks) are still one architecture, so one record: every
share the gallery shows counts architectures. The record keeps the training settings
of the copy that says most; the others stay listed among its occurrences, as "trained".

Of the copies, the record keeps the one that says most: the one with most training
facts (optimizer, learning rate, batch size, epochs, loss) whose value is known, then
most training facts, then most hyperparameters,
then most resolved arguments, then the first in file order. Arguments it lacks are
filled from the other copies, hyperparameters only from copies that are trained (an
inference script's batch size is not the training one). Each occurrence has a role:
"trained" (training code uses it), "inference" (its weights are loaded and it is never
trained there) or "definition".
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from exnet.records import Hyperparameter, Layer, Model, Occurrence

#: Arguments that do not change what a layer computes on its input.
NOT_COMPARED = frozenset({"input_shape", "input_length", "trainable", "batch_input_shape"})

TRAINING_FACTS = ("optimizer", "learning_rate", "batch_size", "epochs", "loss")


#: A pretrained part loaded from a local folder (`from_pretrained("./fine_tuned_model")`)
#: is a checkpoint of some hub model: the same architecture as any of them.
_LOCAL_CHECKPOINT = re.compile(r"^(?:\.{1,2}/|/)|(?:^|/)(?:models?|checkpoints?|outputs?|"
                               r"saved?_?models?|fine[_-]?tuned\w*|results?)(?:/|$)", re.I)


def _checkpoint(layer: Layer, key: str) -> bool:
    value = layer.args.get(key)
    return layer.type == "Pretrained" and key == "name" and isinstance(value, str) and \
        _LOCAL_CHECKPOINT.search(value) is not None


def _args_agree(a: Layer, b: Layer) -> bool:
    if a.type != b.type:
        return False
    for key in a.args.keys() & b.args.keys():
        if _checkpoint(a, key) or _checkpoint(b, key):
            continue
        x, y = a.args[key], b.args[key]
        # equal values first (cheap); JSON only to see [3, 3] and (3, 3) as one
        if key not in NOT_COMPARED and x != y and _norm(x) != _norm(y):
            return False
    return True


def _norm(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def same_architecture(a: Model, b: Model) -> bool:
    """True when `a` and `b` are one architecture (see the module docstring)."""
    if a.framework != b.framework or len(a.layers) != len(b.layers):
        return False
    if (a.edges or None) != (b.edges or None):
        return False
    return all(_args_agree(x, y) for x, y in zip(a.layers, b.layers))


def trained(model: Model) -> bool:
    return any(name in model.hyperparameters for name in TRAINING_FACTS)


def _weight(model: Model) -> tuple[int, int, int, int]:
    """Higher says more: resolved training facts, training facts, then resolved
    arguments. A search script's `lr=trial.suggest_loguniform(...)` says less than
    the plain training script's `lr=0.001`."""
    facts = [model.hyperparameters[name] for name in TRAINING_FACTS
             if name in model.hyperparameters]
    resolved = sum(fact.how != "expression" for fact in facts)
    args = sum(len(layer.args) for layer in model.layers)
    return (resolved, len(facts), len(model.hyperparameters), args)


def merge_copies(models: list[Model], loaded: set[int]) -> list[Model]:
    """One record per architecture of a project's models (all of one project).

    `loaded` holds the indexes in `models` of definitions whose weights the code loads
    (`load_state_dict`, `load_weights`): rebuilt for inference."""
    order = sorted(range(len(models)), key=lambda i: (
        tuple(-w for w in _weight(models[i])), models[i].file, models[i].cell or 0,
        models[i].span[0]))
    clusters: list[list[int]] = []
    # Only models with the same framework, layer types and edges can be one architecture:
    # compare arguments within those buckets (a file of 3,000 classes stays linear).
    buckets: dict[tuple[Any, ...], list[list[int]]] = {}
    for i in order:
        m = models[i]
        key = (m.framework, tuple(layer.type for layer in m.layers), m.edges or None)
        bucket = buckets.setdefault(key, [])
        for cluster in bucket:
            if all(same_architecture(models[j], m) for j in cluster):
                cluster.append(i)
                break
        else:
            bucket.append([i])
            clusters.append(bucket[-1])
    merged = [_merge([models[i] for i in c], [i in loaded for i in c]) for c in clusters]
    merged.sort(key=lambda m: (m.file, m.cell or 0, m.span[0], m.name))
    return merged


def _role(model: Model, is_loaded: bool) -> str:
    if trained(model):
        return "trained"
    return "inference" if is_loaded else "definition"


def _merge(copies: list[Model], loaded: list[bool]) -> Model:
    best = copies[0]
    layers = list(best.layers)
    hyper = dict(best.hyperparameters)
    evidence = list(best.dataset_evidence)
    for other in copies[1:]:
        layers = [replace(mine, args={**theirs.args, **mine.args})
                  for mine, theirs in zip(layers, other.layers)]
        if trained(other):   # an inference script's batch size is not the training one
            for name, value in other.hyperparameters.items():
                hyper.setdefault(name, value)
            evidence += [d for d in other.dataset_evidence
                         if d.id not in {e.id for e in evidence}]
    places = [Occurrence(m.file, m.cell, m.span, m.name, _role(m, is_loaded))
              for m, is_loaded in zip(copies, loaded)]
    places.sort(key=lambda o: (o.role != "trained", o.file, o.cell or 0, o.span[0]))
    blocks = sorted({b for m in copies for b in m.blocks})
    return replace(best, layers=tuple(layers), hyperparameters=_sorted(hyper),
                   datasets=tuple(d.id for d in evidence), dataset_evidence=tuple(evidence),
                   occurrences=tuple(places), blocks=tuple(blocks))


def _sorted(hyper: dict[str, Hyperparameter]) -> dict[str, Hyperparameter]:
    return {k: hyper[k] for k in sorted(hyper)}
