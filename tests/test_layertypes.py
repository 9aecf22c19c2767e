"""The layer-type table (exnet.layertypes): complete for what exnet has seen, and the one
source every derived table agrees with.

A type that appears in the bundled corpus, in a fixture's extracted models or in a
summary must have a row, unless it is a project's own class (listed in the record's
`blocks`). If one of the completeness tests fails, add the type's row to
pipeline/layertypes.py (docs/ARCHITECTURE.md, "Canonical vocabulary", says how).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from exnet import editdistance, layertypes, sequences
from exnet.aggregate.params import FORMULAS, LayerIn, estimate_params, layer_params
from exnet.extract import vocabulary
from exnet.render import families
from exnet.render.assets import site_assets
from exnet.tricks import TRICKS, model_tricks

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
#: Fixture models made to attack the site (script in type names), not to be read.
HOSTILE = FIXTURES / "site" / "hostile"


def _models(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def _unknown(models: Iterable[Mapping[str, Any]], extra: Iterable[str] = ()) -> list[str]:
    """Types with no row that are not a project's own class (a block of some model)."""
    models = list(models)
    blocks = {b for m in models for b in m.get("blocks") or ()}
    seen = [layer["type"] for m in models for layer in m.get("layers") or ()]
    return sorted({t for t in [*seen, *extra] if layertypes.get(t) is None} - blocks)


def _summary_types(summary: Mapping[str, Any]) -> set[str]:
    """The layer types a summary names: its layer distribution, the layer facet and the
    families of its edit distance."""
    return ({row["type"] for row in summary.get("layers") or ()}
            | {str(v) for v in summary["facets"]["layer"]["values"]}
            | set(summary["space"]["distance"]["families"]))


TASKS = sorted(p.parent.name for p in CORPUS.glob("*/models.jsonl"))


@pytest.mark.parametrize("task", TASKS)
def test_every_type_of_the_bundled_corpus_has_a_row(task: str) -> None:
    models = list(_models(CORPUS / task / "models.jsonl"))
    summary = json.loads((CORPUS / task / "summary.json").read_text(encoding="utf-8"))
    assert _unknown(models, _summary_types(summary)) == []


def test_every_type_of_the_fixture_records_has_a_row() -> None:
    files = [p for p in FIXTURES.rglob("models.jsonl") if HOSTILE not in p.parents]
    assert len(files) >= 2
    assert _unknown(m for p in files for m in _models(p)) == []


@cache
def _extracted_fixtures() -> tuple[dict[str, Any], ...]:
    from exnet.extract import extract_path

    folders = [*sorted((FIXTURES / "extract").iterdir()), FIXTURES / "check"]
    return tuple(m for folder in folders for m in extract_path(folder).to_json()["models"])


def test_every_type_the_extractor_gives_on_the_fixtures_has_a_row() -> None:
    models = _extracted_fixtures()
    assert len(models) > 50
    assert _unknown(models) == []


def test_an_unknown_type_is_reported() -> None:
    models = [{"layers": [{"type": "Dense"}, {"type": "Capsule"}, {"type": "MyBlock"}],
               "blocks": ["MyBlock"]}]
    assert _unknown(models) == ["Capsule"]


# --- the table itself ---------------------------------------------------------------

def test_rows_and_families_are_named_once() -> None:
    names = [t.name for t in layertypes.TYPES]
    assert len(names) == len(set(names))
    fams = [f.name for f in layertypes.FAMILIES]
    assert len(fams) == len(set(fams))


@pytest.mark.parametrize("row", layertypes.TYPES, ids=lambda r: r.name)
def test_row_is_complete(row: layertypes.LayerType) -> None:
    assert row.family in layertypes.FAMILY_BY_NAME and row.family != "marker"
    assert row.display.strip()
    assert row.params.name in FORMULAS, f"{row.name}: no formula {row.params.name!r}"
    assert set(row.tricks) <= set(TRICKS)
    # the formula runs on a layer of which nothing is known: its constants are all there
    count, _ = layer_params({"type": row.name, "args": {}}, None, "keras")
    assert count is None or count == 0


def test_every_formula_is_used_by_a_row() -> None:
    used = {t.params.name for t in layertypes.TYPES}
    assert set(FORMULAS) == used


def test_every_family_has_a_colour_and_a_tint() -> None:
    colour = re.compile(r"#[0-9a-f]{6}")
    for fam in layertypes.FAMILIES:
        assert colour.fullmatch(fam.colour) and colour.fullmatch(fam.tint), fam.name
        assert fam.label.strip()
    shown = [f.colour for f in layertypes.FAMILIES]
    assert len(shown) == len(set(shown)), "two families share a colour"


def test_every_family_but_the_markers_has_a_type() -> None:
    used = {t.family for t in layertypes.TYPES}
    assert used == {f.name for f in layertypes.FAMILIES} - {"marker"}


def test_spellings_of_each_framework_are_unique_and_read_back() -> None:
    for column, table in (("keras", vocabulary.KERAS), ("torch", vocabulary.TORCH),
                          ("flax", vocabulary.FLAX)):
        for row in layertypes.TYPES:
            for spelling in getattr(row, column):
                if spelling.adaptive:
                    assert vocabulary.TORCH_ADAPTIVE[spelling.name] == row.name
                elif spelling.rank:
                    key = f"{spelling.name}/{spelling.rank}"
                    assert vocabulary.FLAX_RANKED[key].type == row.name
                else:
                    assert table[spelling.name].type == row.name


def test_ranked_spellings_name_an_argument_they_read() -> None:
    for row in layertypes.TYPES:
        for spelling in (*row.flax, *row.flax_functional):
            if spelling.rank:
                assert spelling.rank_from in (*spelling.positional,
                                              *spelling.rename.values()), row.name
                assert row.name.endswith(f"{spelling.rank}D"), row.name


def test_the_extractor_vocabulary_comes_from_the_table() -> None:
    assert vocabulary.KERAS["Convolution2D"].type == "Conv2D"
    assert vocabulary.TORCH["Linear"].rename["out_features"] == "units"
    assert vocabulary.TORCH["ReLU6"].fixed == {"function": "relu6"}
    assert vocabulary.ACTIVATION_FUNCTIONS["swish_"] == "silu"
    assert vocabulary.KERAS_MERGE_FUNCTIONS["concatenate"] == "Concatenate"
    assert vocabulary.FUNCTIONAL_POOLS["max_pool2d"] == "MaxPool2D"
    assert vocabulary.FUNCTIONAL_GLOBAL["adaptive_avg_pool2d"] == "GlobalAvgPool2D"
    assert vocabulary.TORCH_ADAPTIVE["AdaptiveMaxPool1d"] == "GlobalMaxPool1D"
    assert vocabulary.FLAX["Embed"].rename == {"num_embeddings": "input_dim",
                                               "features": "output_dim"}
    assert vocabulary.FLAX_RANKED["Conv/2"].type == "Conv2D"
    assert vocabulary.FLAX_FUNCTIONS_RANKED["max_pool/1"].type == "MaxPool1D"
    assert vocabulary.FLAX_FUNCTIONS["relu"].fixed == {"function": "relu"}
    every = [*vocabulary.KERAS.values(), *vocabulary.TORCH.values(), *vocabulary.FLAX.values(),
             *vocabulary.FLAX_RANKED.values(), *vocabulary.FLAX_FUNCTIONS.values()]
    assert all(layertypes.get(k.type) is not None for k in every)


# --- every derived table agrees with the table ---------------------------------------

def test_core_and_decoration() -> None:
    assert sequences.HIDDEN_IN_CORE == {t.name for t in layertypes.TYPES if not t.core}
    assert sequences.HIDDEN_IN_CORE == {"Activation", "Dropout", "BatchNorm", "LayerNorm",
                                        "Flatten", "Reshape"}
    assert sequences.RECURRENT == {"LSTM", "GRU", "RNN"}


def test_families_read_the_same_on_the_site_and_in_the_edit_distance() -> None:
    for row in layertypes.TYPES:
        assert families.family_of(row.name) == row.family
        fam = layertypes.FAMILY_BY_NAME[row.family]
        assert editdistance.family(row.name) == (row.family if fam.substitutes else row.name)
    for a in layertypes.TYPES:
        for b in layertypes.TYPES:
            same = a.family == b.family and layertypes.FAMILY_BY_NAME[a.family].substitutes
            expected = 0.0 if a is b else (
                editdistance.SAME_FAMILY if same else editdistance.OTHER_TYPE)
            assert editdistance.substitution(a.name, b.name) == expected, (a.name, b.name)


@pytest.mark.parametrize(("kind", "family", "tricks"), [
    ("SelfAttn", "attention", ("attention",)),
    ("TransformerBlock", "attention", ("attention",)),
    ("ResNetConvBlock", "convolution", ()),
    ("GlobalKMaxPooling", "global_pooling", ()),
    ("KMaxPool", "pooling", ()),
    ("GroupNorm", "normalization", ()),
    ("RandomErasing", "other", ("data_augmentation",)),
    ("Capsule", "other", ()),
])
def test_a_type_with_no_row_is_placed_by_its_name(kind: str, family: str,
                                                  tricks: tuple[str, ...]) -> None:
    assert layertypes.get(kind) is None
    assert layertypes.family_of(kind) == families.family_of(kind) == family
    assert layertypes.tricks_of(kind) == tricks
    # a project's class is its own family in the edit distance unless its name places it
    assert editdistance.family(kind) == (kind if family == "other" else family)


@pytest.mark.parametrize("row", [t for t in layertypes.TYPES if t.tricks],
                         ids=lambda r: r.name)
def test_a_type_signals_its_tricks(row: layertypes.LayerType) -> None:
    record = {"name": "Net", "layers": [{"type": row.name, "api": row.name, "args": {}}]}
    assert set(row.tricks) <= set(model_tricks(record))


def test_types_that_learn_nothing_count_no_parameters() -> None:
    shape = (10, 8)
    for name in ("Dropout", "Activation", "Add", "Multiply", "Concatenate"):
        assert layer_params({"type": name, "args": {}}, shape, "pytorch") == (0, shape)
    assert estimate_params({"framework": "keras", "layers": [
        {"type": "Pretrained", "args": {}}]}) is None


def test_formula_constants_reach_the_formula(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Mapping[str, int]] = {}

    def spy(x: LayerIn) -> tuple[int | None, None]:
        seen[x.kind] = x.constants
        return None, None

    monkeypatch.setitem(FORMULAS, "recurrent", spy)
    layer_params({"type": "GRU", "args": {}}, None, "keras")
    assert seen == {"GRU": {"gates": 3, "keras_reset_after": 1}}


def test_the_stylesheet_has_every_family() -> None:
    css = families.family_css()
    for fam in layertypes.FAMILIES:
        assert f"--fam-{fam.name}: {fam.colour};" in css
        assert f".fam-{fam.name} {{ border-left-color: var(--fam-{fam.name}); " \
               f"background-color: {fam.tint}; }}" in css
    built = next(data for path, data in site_assets().files.items()
                 if re.fullmatch(r"assets/exnet\.[0-9a-f]{10}\.css", path))
    text = built.decode("utf-8")
    assert families.CSS_MARKER not in text and css in text
    with pytest.raises(ValueError, match="family rules"):
        families.stylesheet("body {}")


def test_display_names() -> None:
    assert families.display_name("BatchNorm") == "Batch normalization"
    assert families.display_name("MyBlock") == "MyBlock"
    assert families.family_label("global_pooling") == "global pooling"


def test_the_table_prints_one_line_per_type() -> None:
    text = layertypes.markdown()
    assert len(text.splitlines()) == len(layertypes.TYPES) + 2
    assert "| BatchNorm | normalization | decoration | BatchNormalization | BatchNorm1d, " \
           "BatchNorm2d, BatchNorm3d | BatchNorm | batch_norm | normalization |" in text


# --- a row flows from the extractor to the site ----------------------------------------

#: (fixture, layer type, its canonical arguments there, the model's parameter count)
FLOWS = [
    ("wrappers/torch_bilstm.py", "LSTM", {
        "input_size": 100, "units": 128, "num_layers": 2, "bidirectional": True,
        "batch_first": True, "dropout": 0.3}, 3_131_298),
    # Embedding 160,000 + 2 decoder layers of 2·(4·32² + 4·32) + 2·32·64 + 64 + 32 + 3·2·32
    # (self- and cross-attention, feed-forward, three LayerNorms) + Linear 66
    ("transformer_decoder", "TransformerDecoder", {
        "d_model": 32, "num_heads": 4, "dim_feedforward": 64, "num_layers": 2}, 185_730),
]


@pytest.mark.parametrize(("fixture", "kind", "args", "params"), FLOWS,
                         ids=[f[1] for f in FLOWS])
def test_a_row_flows_through_every_stage(tmp_path: Path, fixture: str, kind: str,
                                         args: dict[str, Any], params: int) -> None:
    from exnet.extract import extract_path
    from exnet.publish import publish
    from exnet.sequences import core_sequence, full_sequence

    row = layertypes.get(kind)
    assert row is not None
    [model] = [m for m in extract_path(FIXTURES / "extract" / fixture).to_json()["models"]
               if kind in {layer["type"] for layer in m["layers"]}]
    assert [layer["args"] for layer in model["layers"] if layer["type"] == kind] == [args]
    assert (kind in core_sequence(full_sequence(model))) == row.core
    assert set(row.tricks) <= set(model_tricks(model))
    assert estimate_params(model) == params
    # aggregate and render a corpus of this one model
    task = tmp_path / "corpus" / "text-classification"
    task.mkdir(parents=True)
    model["project"] = "learner/flow"
    (task / "models.jsonl").write_text(json.dumps(model) + "\n", encoding="utf-8")
    (task / "projects.jsonl").write_text(json.dumps({
        "full_name": "learner/flow", "url": "https://github.com/learner/flow",
        "sha": "1" * 40, "stars": 1, "mined": "2024-05-01"}) + "\n", encoding="utf-8")
    publish(tmp_path / "corpus", tmp_path / "site")
    summary = json.loads((task / "summary.json").read_text(encoding="utf-8"))
    [counted] = [t for t in summary["layers"] if t["type"] == kind]
    assert counted["core"] == row.core and summary["params"]["max"] == params
    for trick in row.tricks:
        assert summary["tricks"][trick]["models"] == 1
    [page] = (tmp_path / "site" / "text-classification" / "models").glob("*.html")
    assert f'<span class="chip fam-{row.family}" title="{row.display}">{kind}</span>' \
        in page.read_text(encoding="utf-8")
