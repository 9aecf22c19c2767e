"""The rules of `exnet check`, described for people: one table that check and render read.

`exnet check` runs the rules (`exnet.check.rules`) on a user's machine; the site, which
is static, lists the same rules on each task's "check your model" page. Both read this
module, so the page describes exactly the rules the command runs, with their severity.

Each entry names the rule ids its findings carry (`ids`), how the page labels them
(`label`: one id, or several that share a sentence), the worst severity they are raised
with, and one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from exnet.figures import OUTLIER_RULES

#: Severities of findings, mildest first (`exnet check --fail-on` compares by this order).
SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class RuleDescription:
    ids: tuple[str, ...]
    label: str
    severity: str
    text: str


_EPOCHS = OUTLIER_RULES["epochs"]


def _thresholds() -> str:
    """ "epochs from 50 times the median, ..." from the rules check applies."""
    parts = []
    for name, rule in OUTLIER_RULES.items():
        low = f" or 1/{rule.low:g} of it" if rule.low is not None else ""
        parts.append(f"{name.replace('_', ' ')} from {rule.high:g} times the median{low}")
    return ", ".join(parts)


RULEBOOK: tuple[RuleDescription, ...] = (
    RuleDescription(
        ("no-loss", "no-optimizer"), "no-loss / no-optimizer", "error",
        "No loss function or optimizer found for the model: it cannot be trained as "
        "written."),
    RuleDescription(
        ("dense-without-activation",), "dense-without-activation", "warning",
        "Two Dense layers with no activation between them: together they are one linear "
        "layer."),
    RuleDescription(
        ("softmax-with-binary-loss",), "softmax-with-binary-loss", "error",
        "A softmax output trained with binary cross-entropy (always 1 over a single "
        "unit)."),
    RuleDescription(
        ("sigmoid-with-many-classes",), "sigmoid-with-many-classes", "warning",
        "A sigmoid output over several exclusive classes with categorical cross-entropy."),
    RuleDescription(
        ("logits-into-probability-loss",), "logits-into-probability-loss", "error",
        "An output without activation fed to a loss that expects probabilities (BCELoss, "
        "Keras losses without from_logits)."),
    RuleDescription(
        ("probabilities-into-logit-loss",), "probabilities-into-logit-loss", "warning",
        "A softmax or sigmoid output fed to a loss that applies it again "
        "(CrossEntropyLoss, BCEWithLogitsLoss)."),
    RuleDescription(
        ("nll-without-log-softmax",), "nll-without-log-softmax", "error",
        "NLL loss on an output that is not log_softmax."),
    RuleDescription(
        ("not-this-task",), "not-this-task", "warning",
        "The model does not look like the task (an image model checked against text "
        "classification): its figures compare it with the wrong models."),
    RuleDescription(
        ("epochs-outlier", "learning-rate-outlier", "batch-size-outlier"),
        "epochs / learning-rate / batch-size outlier", "error",
        "A value far from the median of comparable models (same task, same dataset "
        f"family, for the learning rate the same optimizer): {_thresholds()}, or a "
        f"robust z-score beyond {_EPOCHS.z:g} on a log scale; an error from "
        f"{_EPOCHS.error:g} times off. One corpus project that trains 4,000 epochs does "
        f"not make 3,000 normal."),
    RuleDescription(
        ("no-regularisation",), "no-regularisation", "warning",
        "No dropout, normalisation, weight decay or early stopping where most corpus "
        "models use dropout."),
    RuleDescription(
        ("no-dense",), "no-dense", "warning",
        "No Dense (Linear) layer to map features to classes where most corpus models "
        "have one."),
    RuleDescription(
        ("sequences-into-dense",), "sequences-into-dense", "warning",
        "A recurrent layer returning the whole sequence straight into a Dense head."),
    RuleDescription(
        ("rare-layer-order",), "rare-layer-order", "warning",
        "Two adjacent layers in an order that no (warning) or few (info) corpus models "
        "use."),
)

#: Every rule id a finding of `exnet check` can carry.
RULE_IDS = frozenset(rule_id for entry in RULEBOOK for rule_id in entry.ids)
