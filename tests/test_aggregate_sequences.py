"""Sequences: full and core sequences (exnet.sequences), rare-type merging, "block × N"
collapsing (exnet.aggregate.sequences)."""

from __future__ import annotations

import pytest

from exnet.aggregate.sequences import OTHER, SequenceTable, collapse, merge_rare, rare_types
from exnet.sequences import core_sequence, full_sequence


def layer(kind: str, **args: object) -> dict[str, object]:
    return {"type": kind, "api": kind, "line": 1, "args": args}


def test_activation_arguments_become_steps_except_in_recurrent_layers() -> None:
    rec = {"layers": [layer("Embedding", input_dim=100, output_dim=8),
                      layer("LSTM", units=8, activation="tanh"),
                      layer("Dense", units=16, activation="relu"),
                      layer("Dense", units=4, activation="linear"),
                      layer("Dense", units=1, activation="sigmoid")]}
    assert full_sequence(rec) == ("Embedding", "LSTM", "Dense", "Activation", "Dense",
                                  "Dense", "Activation")


def test_keras_and_pytorch_spellings_give_the_same_sequences() -> None:
    keras = {"layers": [layer("Dense", units=64, activation="relu"), layer("Dropout", rate=0.5),
                        layer("Dense", units=1, activation="sigmoid")]}
    torch = {"layers": [layer("Dense", units=64), layer("Activation", function="relu"),
                        layer("Dropout", rate=0.5), layer("Dense", units=1),
                        layer("Activation", function="sigmoid")]}
    assert full_sequence(keras) == full_sequence(torch)
    assert core_sequence(full_sequence(keras)) == ("Dense", "Dense")


def test_core_hides_activation_dropout_norms_flatten_reshape() -> None:
    full = ("Conv2D", "BatchNorm", "Activation", "MaxPool2D", "Dropout", "Flatten",
            "Reshape", "LayerNorm", "Dense")
    assert core_sequence(full) == ("Conv2D", "MaxPool2D", "Dense")


@pytest.mark.parametrize(("seq", "tokens"), [
    ("A A A A", ["A × 4"]),
    ("A B", ["A", "B"]),
    ("C P C P C P F D", ["(C → P) × 3", "F", "D"]),
    ("C C P C C P D", ["(C × 2 → P) × 2", "D"]),
    # fewest tokens: C, (C → P) × 2 beats C × 2, P, C, P
    ("C C P C P", ["C", "(C → P) × 2"]),
    # equally few tokens: the first token covering more wins
    ("A B A B A", ["(A → B) × 2", "A"]),
    ("E L L L D D", ["E", "L × 3", "D × 2"]),
    ("", []),
])
def test_collapse(seq: str, tokens: list[str]) -> None:
    assert list(collapse(tuple(seq.split()))) == tokens


def test_collapse_units_longer_than_max_unit_stay_expanded() -> None:
    seq = tuple("ABCDEABCDE")
    assert collapse(seq, 4) == seq
    assert collapse(seq, 5) == ("(A → B → C → D → E) × 2",)


def test_rare_types_count_models_not_occurrences() -> None:
    seqs = [("A", "A", "A", "B"), ("A", "C"), ("D",)]
    counts = [1, 2, 1]
    assert rare_types(seqs, counts, 2) == {"B", "D"}
    assert merge_rare(("A", "B", "D", "C"), {"B", "D"}) == ("A", OTHER, OTHER, "C")


def test_sequence_table_orders_by_count_then_types() -> None:
    table = SequenceTable([("B",), ("A",), ("B",), ("C",), ("A",), ("B",)])
    assert table.seqs == [("B",), ("A",), ("C",)]
    assert table.counts == [3, 2, 1]
    assert table.rows == [[0, 2, 5], [1, 4], [3]]
    assert table.of_model == [0, 1, 0, 2, 1, 0]
