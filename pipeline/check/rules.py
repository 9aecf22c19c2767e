"""The design mistakes `exnet check` looks for, each a small function over one model.

Each rule returns findings with a severity ("error", "warning", "info"), the file and
line it concerns, a one-line reason and the corpus evidence behind it. Rules read model
records only (the user's, and the corpus's), never code. What each rule looks for is
described for people in `exnet.rulebook`, which the site's "check your model" page reads
too: a new rule id goes there as well (a test checks).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exnet.check.placement import Group, Placement, resolved
from exnet.figures import OUTLIER_RULES, CorpusFigures, corpus_figures, outlier
from exnet.rulebook import RULE_IDS, SEVERITIES
from exnet.sequences import RECURRENT, core_sequence, full_sequence
from exnet.taskfit import looks_like, modality
from exnet.tricks import model_tricks

_NO_ACTIVATION = ("", "linear", "none", "identity", None)
_SEQUENCE_CONSUMERS = RECURRENT | {"Attention", "TransformerEncoder", "Conv1D", "Flatten",
                                   "GlobalMaxPool1D", "GlobalAvgPool1D", "MaxPool1D",
                                   "AvgPool1D", "Reshape", "Concatenate", "Add"}
_TRANSPARENT = {"Dropout", "BatchNorm", "LayerNorm"}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    file: str
    line: int
    reason: str
    evidence: str = ""
    cell: int | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "severity": self.severity,
                               "file": self.file, "line": self.line}
        if self.cell is not None:
            out["cell"] = self.cell
        out["reason"] = self.reason
        out["evidence"] = self.evidence
        return out


@dataclass
class Context:
    """What every rule may read: the model, the corpus and the placements."""

    model: Mapping[str, Any]
    corpus: Sequence[Mapping[str, Any]]
    task: str
    placements: Mapping[str, Placement]
    group: Group | None = None
    figures: CorpusFigures | None = None

    def corpus_figures(self) -> CorpusFigures:
        """The figures of the whole corpus, as the site shows them."""
        if self.figures is None:
            self.figures = corpus_figures(self.corpus)
        return self.figures

    def share(self, predicate: Callable[[Mapping[str, Any]], bool]) -> tuple[int, int]:
        n = len(self.corpus)
        return sum(1 for r in self.corpus if predicate(r)), n

    def at(self, index: int) -> tuple[str, int, int | None]:
        layer = self.model["layers"][index]
        return self.model["file"], layer["line"], layer.get("cell")

    def hp_at(self, name: str) -> tuple[str, int, int | None]:
        hp = self.model["hyperparameters"][name]
        return hp["file"], hp["line"], hp.get("cell")

    def finding(self, rule: str, severity: str, where: tuple[str, int, int | None],
                reason: str, evidence: str = "") -> Finding:
        # A rule the site's page does not describe is a bug of exnet, caught by the tests.
        if rule not in RULE_IDS or severity not in SEVERITIES:
            raise ValueError(f"rule {rule!r} ({severity}) is not in exnet.rulebook")
        return Finding(rule, severity, where[0], where[1], reason, evidence, where[2])

    def model_start(self) -> tuple[str, int, int | None]:
        return self.model["file"], self.model["span"][0], self.model.get("cell")


def _pct(k: int, n: int) -> str:
    return f"{k} of {n} {''}models ({100 * k / n:.0f}%)" if n else "no corpus models"


def _activation_of(layer: Mapping[str, Any]) -> str | None:
    if layer["type"] == "Activation":
        return (layer.get("args") or {}).get("function")
    act = (layer.get("args") or {}).get("activation")
    return None if act in _NO_ACTIVATION else str(act).lower()


def stacked_dense(ctx: Context) -> list[Finding]:
    """Two Dense layers with nothing non-linear between them collapse into one."""
    layers = ctx.model["layers"]
    out = []
    last_dense: int | None = None
    for i, layer in enumerate(layers):
        kind = layer["type"]
        if kind == "Dense":
            if last_dense is not None and _activation_of(layers[last_dense]) is None:
                k, n = ctx.share(_has_activated_dense_stack)
                out.append(ctx.finding(
                    "dense-without-activation", "warning", ctx.at(i),
                    f"Dense at line {layers[last_dense]['line']} feeds this Dense with no "
                    f"activation between: together they are one linear layer",
                    f"{_pct(k, n)} in the corpus put an activation between stacked Dense "
                    f"layers"))
            last_dense = i
        elif kind in _TRANSPARENT:
            continue
        else:
            last_dense = None
    return out


def _has_activated_dense_stack(record: Mapping[str, Any]) -> bool:
    seq = full_sequence(record)
    return any(a == "Dense" and b == "Activation" and "Dense" in seq[i + 2:i + 4]
               for i, (a, b) in enumerate(zip(seq, seq[1:])))


def _sets(name: str) -> Callable[[Mapping[str, Any]], bool]:
    """Whether a record has the hyperparameter `name` (resolved or not)."""
    return lambda record: name in (record.get("hyperparameters") or {})


def missing_training_setup(ctx: Context) -> list[Finding]:
    out = []
    hps = ctx.model.get("hyperparameters") or {}
    for name, what in (("loss", "loss function"), ("optimizer", "optimizer")):
        if name not in hps:
            k, n = ctx.share(_sets(name))
            out.append(ctx.finding(
                f"no-{name}", "error", ctx.model_start(),
                f"no {what} found for this model (compile(), a torch.optim/loss object, "
                f"or training code that uses it)",
                f"{_pct(k, n)} in the corpus set one"))
    return out


def _output(ctx: Context) -> tuple[int, str | None, int | None]:
    """Index of the output layer, its activation (None: linear), its units."""
    layers = ctx.model["layers"]
    activation: str | None = None
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        if layer["type"] == "Activation":
            activation = activation or (layer.get("args") or {}).get("function")
            continue
        if layer["type"] in _TRANSPARENT | {"Flatten", "Reshape"}:
            continue
        units = (layer.get("args") or {}).get("units")
        own = _activation_of(layer) if layer["type"] != "Activation" else None
        return i, activation or own, units if isinstance(units, int) else None
    return len(layers) - 1, activation, None


def _expects(loss_api: str, loss: str) -> str:
    """"logits" or "probabilities": what a loss as written expects as input. A loss that
    applies its own activation (BCEWithLogitsLoss, binary_cross_entropy_with_logits,
    from_logits=True, torch's CrossEntropyLoss, which applies log-softmax) wants logits."""
    api = loss_api.replace(" ", "").replace("_", "").lower()
    if "withlogits" in api or "fromlogits=true" in api:
        return "logits"
    if loss == "cross_entropy" and ("crossentropyloss" in api or "f.crossentropy" in api
                                    or api.endswith("functional.crossentropy")):
        return "logits"
    if loss == "nll":
        return "log-probabilities"
    return "probabilities"


def output_fits_loss(ctx: Context) -> list[Finding]:
    hps = ctx.model.get("hyperparameters") or {}
    loss = resolved(ctx.model, "loss")
    if loss not in ("binary_cross_entropy", "cross_entropy", "nll") or not ctx.model["layers"]:
        return []
    index, activation, units = _output(ctx)
    where = ctx.at(index)
    api = str(hps["loss"].get("api") or hps["loss"]["value"])
    expects = _expects(api, loss)
    out = []
    act = (activation or "").lower()
    if loss == "binary_cross_entropy" and act == "softmax":
        severity = "error" if units == 1 else "warning"
        out.append(ctx.finding(
            "softmax-with-binary-loss", severity, where,
            "softmax output with binary cross-entropy" + (
                ": a softmax over one unit is always 1" if units == 1 else
                ": use sigmoid for independent labels, or categorical cross-entropy"),
            _evidence(ctx, "binary_cross_entropy", "sigmoid")))
    if loss == "cross_entropy" and act == "sigmoid" and (units or 0) > 2:
        out.append(ctx.finding(
            "sigmoid-with-many-classes", "warning", where,
            f"sigmoid output over {units} classes with categorical cross-entropy: "
            f"classes are exclusive, use softmax", _evidence(ctx, "cross_entropy", "softmax")))
    if expects == "probabilities" and act not in ("sigmoid", "softmax") and not act:
        out.append(ctx.finding(
            "logits-into-probability-loss", "error", where,
            f"the output layer has no activation (logits) but the loss {api} expects "
            f"probabilities: add a {'sigmoid' if loss == 'binary_cross_entropy' else 'softmax'}"
            f" or use the loss's from-logits form", _evidence(ctx, loss, None)))
    if expects == "logits" and act in ("sigmoid", "softmax"):
        out.append(ctx.finding(
            "probabilities-into-logit-loss", "warning", where,
            f"the output applies {act} but the loss {api} expects logits and applies it "
            f"again", _evidence(ctx, loss, None)))
    if expects == "log-probabilities" and act not in ("log_softmax",):
        out.append(ctx.finding(
            "nll-without-log-softmax", "error", where,
            "NLL loss expects log-probabilities: end the model with log_softmax",
            _evidence(ctx, "nll", "log_softmax")))
    return out


def _evidence(ctx: Context, loss: str, activation: str | None) -> str:
    outs: Counter[str] = Counter()
    for r in ctx.corpus:
        if resolved(r, "loss") != loss or not r.get("layers"):
            continue
        sub = Context(r, (), ctx.task, {})
        outs[_output(sub)[1] or "none"] += 1
    total = sum(outs.values())
    if not total:
        return f"no corpus model uses {loss}"
    top = ", ".join(f"{k} {v}" for k, v in outs.most_common(3))
    return f"output activations of the {total} corpus models with {loss}: {top}"


def _factor(x: float) -> str:
    """5000.0 -> "5,000", 3.2 -> "3.2"."""
    return f"{x:,.0f}" if x >= 10 else f"{x:.2g}"


def unusual_values(ctx: Context) -> list[Finding]:
    """Epochs, learning rate and batch size far from the median of the models the model
    is compared with, by the robust rules of `exnet.figures.OUTLIER_RULES` (a factor of
    the median, or a robust z-score on a log scale): the corpus' extremes do not count."""
    out = []
    for name in OUTLIER_RULES:
        p = ctx.placements.get(name)
        if p is None or p.figure is None or p.n < 5:
            continue
        found = outlier(name, p.value, p.figure)
        if found is None:
            continue
        f = p.figure
        times = (f"{_factor(found.ratio)} times" if found.side == "above"
                 else f"1/{_factor(1 / found.ratio)} of")
        z = "" if found.z is None else f", robust z-score {found.z:+.1f}"
        out.append(ctx.finding(
            f"{name.replace('_', '-')}-outlier", found.severity, ctx.hp_at(name),
            f"{name} {float(p.value):g} is {times} the median of the {p.label} "
            f"({f.median:g}){z}",
            f"middle half {f.q1:g} to {f.q3:g}, median {f.median:g} over {p.n} models"))
    return out


def _regularised(record: Mapping[str, Any]) -> bool:
    used = set(model_tricks(record))
    return bool(used & {"dropout", "batch_norm", "layer_norm", "weight_decay",
                        "early_stopping"})


def no_regularisation(ctx: Context) -> list[Finding]:
    if _regularised(ctx.model):
        return []
    # The figure the site's "check your model" page shows (exnet.figures).
    share = ctx.corpus_figures().tricks["dropout"]
    if not share.n or share.k / share.n < 0.5:
        return []
    return [ctx.finding("no-regularisation", "warning", ctx.model_start(),
                        "no dropout, normalisation, weight decay or early stopping",
                        f"{_pct(share.k, share.n)} in the corpus use dropout")]


def _has_dense(record: Mapping[str, Any]) -> bool:
    return any(layer.get("type") == "Dense" for layer in record.get("layers") or [])


def no_dense(ctx: Context) -> list[Finding]:
    """No Dense (Linear) layer at all where most corpus models have one to classify with;
    a pretrained model last (it brings its own head) is not this mistake."""
    core = core_sequence(full_sequence(ctx.model))
    if not core or _has_dense(ctx.model) or core[-1] == "Pretrained":
        return []
    k, n = ctx.share(_has_dense)
    if not n or k / n < 0.8:
        return []
    return [ctx.finding("no-dense", "warning", ctx.at(len(ctx.model["layers"]) - 1),
                        f"no Dense (Linear) layer: the model ends with {core[-1]}, with "
                        f"nothing to map its features to the classes",
                        f"{_pct(k, n)} in the corpus have a Dense layer")]


def not_this_task(ctx: Context) -> list[Finding]:
    """The model's input does not look like the task's (an image model checked against
    text classification): its figures would compare it with the wrong models."""
    want = modality(ctx.task)
    seen, evidence = looks_like(ctx.model)
    if want is None or seen is None or seen == want:
        return []
    other = "image" if want == "text" else "text"
    return [ctx.finding(
        "not-this-task", "warning", ctx.model_start(),
        f"this looks like a{'n' if seen == 'image' else ''} {seen} model "
        f"({', '.join(evidence[:3])}), checked against {ctx.task}: pass the task it is "
        f"for (`exnet tasks` lists them, e.g. --task {other}-classification)",
        f"{ctx.task} models read {want}")]


def sequences_into_dense(ctx: Context) -> list[Finding]:
    """A Keras RNN that returns sequences, feeding a Dense head with nothing pooling."""
    layers = ctx.model["layers"]
    out = []
    for i, layer in enumerate(layers):
        args = layer.get("args") or {}
        if layer["type"] not in RECURRENT or not args.get("return_sequences"):
            continue
        for later in layers[i + 1:]:
            if later["type"] in _TRANSPARENT or later["type"] == "Activation":
                continue
            if later["type"] == "Dense" and not (later.get("args") or {}).get(
                    "time_distributed"):
                out.append(ctx.finding(
                    "sequences-into-dense", "warning", ctx.at(i),
                    f"{layer['type']} returns the whole sequence into a Dense head with no "
                    f"pooling, Flatten or further recurrent layer",
                    "the corpus ends recurrent stacks with return_sequences=False or a "
                    "global pooling layer"))
            break
    return out


def rare_orders(ctx: Context) -> list[Finding]:
    """Adjacent core layers (a → b) that few or no corpus models have."""
    mine = core_sequence(full_sequence(ctx.model))
    if len(mine) < 2 or not ctx.corpus:
        return []
    pairs: Counter[tuple[str, str]] = Counter()
    for r in ctx.corpus:
        seq = core_sequence(full_sequence(r))
        pairs.update(set(zip(seq, seq[1:])))
    n = len(ctx.corpus)
    out = []
    core_index = [i for i, layer in enumerate(ctx.model["layers"])
                  if layer["type"] in set(mine)]
    for j, pair in enumerate(zip(mine, mine[1:])):
        count = pairs.get(pair, 0)
        if count == 0 or count / n < 0.01:
            where = ctx.at(core_index[j + 1]) if j + 1 < len(core_index) else ctx.model_start()
            out.append(ctx.finding(
                "rare-layer-order", "warning" if count == 0 else "info", where,
                f"{pair[0]} → {pair[1]} is {'never' if count == 0 else 'rarely'} seen in "
                f"the corpus", f"{count} of {n} corpus models have it"))
    return out


RULES: tuple[Callable[[Context], list[Finding]], ...] = (
    not_this_task, missing_training_setup, stacked_dense, output_fits_loss, unusual_values,
    no_regularisation, no_dense, sequences_into_dense, rare_orders,
)
