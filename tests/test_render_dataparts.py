"""The task data cut into the first view's files and the parts loaded later
(exnet.render.dataparts), and read back whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from exnet.render.dataparts import DataFiles, read_task_data, task_data_files

TARGET = "window.EXNET_DATA="


def small() -> dict[str, Any]:
    return {
        "n": 2,
        "models": {"name": ["lstm", "cnn"], "slug": ["a1", "b2"], "fw": [0, 1],
                   "file": [0, 0], "cell": [None, 3], "line": [12, 40],
                   "types": [["Embedding", "LSTM"], ["Conv2D"]]},
        "files": ["train.py"],
        "projects": {"name": ["u/p"], "ref": ["abc"], "stars": [4], "page": [None]},
        "hyper": [{"key": "epochs", "values": [10, None]}],
        "sankey": {"core.input": {"nodes": [[0, "LSTM"]]}, "full.input": {"nodes": []}},
        "facets": [{"key": "framework", "rows": [[0], [1]]}],
    }


def write(files: DataFiles, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.files():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_first_file_holds_the_first_view_and_names_the_parts() -> None:
    files = task_data_files(small())
    assert [name for name, _ in files.first] == ["data.js"]
    assert {part: [n for n, _ in f] for part, f in files.parts.items()} == {
        "models": ["data-models.js"], "hyper": ["data-hyper.js"], "sankey": ["data-sankey.js"]}
    text = files.first[0][1]
    assert text.startswith(TARGET) and text.endswith(";\n")
    first = json.loads(text[len(TARGET):-2])
    assert first["models"] == {"name": ["lstm", "cnn"], "slug": ["a1", "b2"], "fw": [0, 1],
                               "file": None, "cell": None, "line": None, "types": None}
    assert first["projects"] == {"name": ["u/p"], "ref": None, "stars": None, "page": None}
    assert first["files"] is None and first["hyper"] is None
    # every Sankey view is named; only the first one's data is there
    assert first["sankey"] == {"core.input": {"nodes": [[0, "LSTM"]]}, "full.input": None}
    assert first["facets"] == small()["facets"]
    assert first["parts"] == {"models": ["data-models.js"], "hyper": ["data-hyper.js"],
                              "sankey": ["data-sankey.js"]}
    assert dict(files.parts["hyper"])["data-hyper.js"] == (
        'window.EXNET_DATA["hyper"]=[{"key":"epochs","values":[10,null]}];\n')
    assert files.names(every_part=False) == ["data.js"]
    assert files.names(every_part=True) == ["data.js", "data-models.js", "data-hyper.js",
                                            "data-sankey.js"]


def test_the_input_is_not_changed() -> None:
    data = small()
    task_data_files(data)
    assert data == small()


def test_read_back_whole(tmp_path: Path) -> None:
    folder = write(task_data_files(small()), tmp_path / "task")
    back = read_task_data(folder)
    assert back.pop("parts") == {"models": ["data-models.js"], "hyper": ["data-hyper.js"],
                                 "sankey": ["data-sankey.js"]}
    assert back == small()


def test_a_task_without_a_member_has_no_part_for_it() -> None:
    data = small()
    del data["hyper"]
    data["sankey"] = {"core.input": {"nodes": []}}
    files = task_data_files(data)
    assert list(files.parts) == ["models"]


def test_parts_past_the_size_bound_run_in_order(tmp_path: Path) -> None:
    data = small()
    data["models"]["types"] = [["Dense"] * 40 for _ in range(2)] * 30
    data["hyper"] = [{"key": f"h{i}", "values": list(range(30))} for i in range(8)]
    data["typeFamily"] = {f'</script>"]{i}': i for i in range(200)}   # keys from a repository
    files = task_data_files(data, limit=400)
    assert len(files.first) > 1 and len(files.parts["hyper"]) > 1
    assert [n for n, _ in files.parts["hyper"]][:3] == [
        "data-hyper.js", "data-hyper-1.js", "data-hyper-2.js"]
    for _, text in files.files():
        assert "<" not in text and ">" not in text
    back = read_task_data(write(files, tmp_path / "task"))
    back.pop("parts")
    assert back == data


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                      st.text(max_size=12))


@settings(max_examples=60, deadline=None)
@given(names=st.lists(st.text(max_size=20), min_size=1, max_size=30),
       types=st.lists(st.lists(st.text(max_size=8), max_size=5), max_size=30),
       extra=st.dictionaries(st.text(max_size=10), st.lists(json_leaf, max_size=20),
                             max_size=6),
       limit=st.integers(60, 2_000))
def test_any_data_reads_back_whole(tmp_path_factory: Any, names: list[str],
                                   types: list[list[str]], extra: dict[str, Any],
                                   limit: int) -> None:
    data = {**{k: v for k, v in extra.items() if k not in ("models", "hyper", "parts")},
            "models": {"name": names, "types": types}, "hyper": [{"values": names}]}
    folder = write(task_data_files(data, limit=limit), tmp_path_factory.mktemp("d"))
    back = read_task_data(folder)
    back.pop("parts")
    assert back == data
