"""Render stage: a task's data (`jsdata.task_data`) as the files its pages load.

The task page opens on its overview: the Sankey of the first view, the filters' counts,
the skeletons. Its other sections need more data than that first view does, and at
100,000 models that data is most of the bytes (every model's layer types for the
search, its file and line for the table, every hyperparameter column, the six other
Sankey views). So the data is cut in parts:

- `data.js` (and `data-1.js` ... when it is big, `jsdata.js_files`): what the first view
  and every filter need. Its `parts` member names the files of each other part.
- `data-<part>.js` (and `data-<part>-1.js` ...): one per part of `DEFERRED`. The task
  page loads a part when a section, a filter or a link needs it, and the rest once the
  first view is drawn (`EXNET.needData` in exnet-common.js). The compare and map pages
  list every file.

A deferred member stays in the first file as `null`, so that the names of the Sankey
views and the shape of the object are known before their data is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exnet.render import jsdata
from exnet.render.jsdata import assignments, js_files, member, pack

TARGET = "window.EXNET_DATA"
#: The Sankey view the task page opens on (`state.view` in exnet-task.js).
FIRST_SANKEY_VIEW = "core.input"
#: The members of the task data that the first view does not read, by the part that
#: carries them: the model table and the search's words ("models"), the training
#: settings ("hyper"), and every Sankey view but the first ("sankey", added per view).
DEFERRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "models": (("models", "file"), ("models", "cell"), ("models", "line"),
               ("models", "types"), ("files",), ("projects", "ref"), ("projects", "stars"),
               ("projects", "page")),
    "hyper": (("hyper",),),
}


@dataclass(frozen=True)
class DataFiles:
    """A task's data files: the first ones, run in order by every page, and each part's."""

    first: list[tuple[str, str]]
    parts: dict[str, list[tuple[str, str]]]

    def names(self, *, every_part: bool) -> list[str]:
        """The file names a page lists as scripts, in order."""
        names = [name for name, _ in self.first]
        if every_part:
            names += [name for files in self.parts.values() for name, _ in files]
        return names

    def files(self) -> list[tuple[str, str]]:
        return self.first + [f for files in self.parts.values() for f in files]


def _deferred(data: Mapping[str, Any]) -> dict[str, list[tuple[str, ...]]]:
    paths = {part: [p for p in members if _has(data, p)] for part, members in DEFERRED.items()}
    views = data.get("sankey") or {}
    paths["sankey"] = [("sankey", name) for name in sorted(views) if name != FIRST_SANKEY_VIEW]
    return {part: members for part, members in paths.items() if members}


def _has(data: Mapping[str, Any], path: Sequence[str]) -> bool:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False
        node = node[key]
    return True


def _get(data: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = data
    for key in path:
        node = node[key]
    return node


def _without(data: Mapping[str, Any], paths: Iterable[Sequence[str]]) -> dict[str, Any]:
    """A copy of `data` with each path's value replaced by None (copied along the paths
    only: the values themselves are shared, not copied)."""
    out = dict(data)
    for path in paths:
        node = out
        for key in path[:-1]:
            node[key] = dict(node[key])
            node = node[key]
        node[path[-1]] = None
    return out


def task_data_files(data: Mapping[str, Any], limit: int | None = None) -> DataFiles:
    """The files of a task's data (names relative to the task's folder)."""
    limit = jsdata.MAX_FILE_BYTES if limit is None else limit
    deferred = _deferred(data)
    parts: dict[str, list[tuple[str, str]]] = {}
    for part, paths in deferred.items():
        statements = (s for path in paths
                      for s in assignments(member(TARGET, path), _get(data, path), limit))
        texts = pack(statements, limit)
        parts[part] = [(f"data-{part}.js" if i == 0 else f"data-{part}-{i}.js", text)
                       for i, text in enumerate(texts)]
    first = _without(data, (p for paths in deferred.values() for p in paths))
    first["parts"] = {part: [name for name, _ in files] for part, files in parts.items()}
    texts = js_files(TARGET, first, limit)
    return DataFiles([("data.js" if i == 0 else f"data-{i}.js", text)
                      for i, text in enumerate(texts)], parts)


def read_task_data(folder: Path) -> dict[str, Any]:
    """The whole task data back from a built task folder: its first files, then every
    part named in them (for tests, benchmarks and notebooks; no script is run)."""
    data: dict[str, Any] = {}
    i = 0
    while (path := folder / ("data.js" if i == 0 else f"data-{i}.js")).is_file():
        _run(path.read_text(encoding="utf-8"), data)
        i += 1
    for names in (data.get("parts") or {}).values():
        for name in names:
            _run((folder / name).read_text(encoding="utf-8"), data)
    return data


def _run(text: str, data: dict[str, Any]) -> None:
    """Apply the statements `jsdata` writes (one per line): `T[k]...=JSON;` and
    `T[k]...=T[k]....concat(JSON);`, where T is TARGET."""
    decoder = json.JSONDecoder()
    for line in text.split("\n"):   # not splitlines: U+0085 and the like stay in strings
        if not line:
            continue
        path, pos = _target(line, 0, decoder)
        if line[pos] != "=":
            raise ValueError(f"not a data statement: {line[:80]!r}")
        pos += 1
        concat = line.startswith(TARGET, pos)
        if concat:
            _, pos = _target(line, pos, decoder)
            if not line.startswith(".concat(", pos):
                raise ValueError(f"not a data statement: {line[:80]!r}")
            pos += len(".concat(")
        value, pos = decoder.raw_decode(line, pos)
        if line[pos:] != (");" if concat else ";"):
            raise ValueError(f"not a data statement: {line[:80]!r}")
        if not path:
            data.clear()
            data.update(value)
            continue
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = node[path[-1]] + value if concat else value


def _target(line: str, pos: int, decoder: json.JSONDecoder) -> tuple[list[str], int]:
    if not line.startswith(TARGET, pos):
        raise ValueError(f"not a data statement: {line[:80]!r}")
    pos += len(TARGET)
    path = []
    while line.startswith("[", pos):
        key, pos = decoder.raw_decode(line, pos + 1)
        if line[pos] != "]":
            raise ValueError(f"not a data statement: {line[:80]!r}")
        path.append(key)
        pos += 1
    return path, pos
