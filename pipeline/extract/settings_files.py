"""Settings files a project reads at run time: YAML, JSON and INI configs (`configparser`),
and namespaces made from keyword arguments (`HParams(lr=1e-3)`, `SimpleNamespace(...)`,
`EasyDict`).

`yaml.safe_load(open("config.yaml"))` and `json.load(open("cfg.json"))` are followed to
the project's own file, which is read here as data (PyYAML's safe loader, the standard
json module: nothing in it can run), bounded in size and never through a symlink or out
of the project. Every value becomes `Const(how="config")` with the file and line it is
written on, so a learning rate read from `config.yaml` links to its line there.
"""

from __future__ import annotations

import bisect
import configparser
import json
import os
import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]   # no stubs unless types-PyYAML is installed

from exnet.extract.sources import Unreadable, read_bounded
from exnet.extract.values import (
    UNKNOWN,
    Const,
    DictVal,
    FileHandle,
    IniConfig,
    ListVal,
    Namespace,
    Value,
    all_of,
    plain,
)

MAX_SETTINGS_BYTES = 200_000
MAX_DEPTH = 8

#: Calls that make a namespace of their keyword arguments.
NAMESPACE_CALLS = ("HParams", "SimpleNamespace", "Namespace", "EasyDict", "edict",
                   "ConfigDict", "AttrDict", "DotMap", "Munch")


def read_settings(root: Path | None, base: str, path: str) -> Value | None:
    """The values of the project file `path` (relative to the project root or to the
    folder of the module `base` that reads it), or None when it is not one."""
    if not path.endswith((".yaml", ".yml", ".json")):
        return None
    found = _project_text(root, base, path)
    if found is None:
        return None
    rel, text = found
    return _yaml_value(text, rel) if rel.endswith((".yaml", ".yml")) \
        else _json_value(text, rel)


def hydra_config(root: Path | None, base: str, config_path: str | None,
                 config_name: str | None) -> DictVal | None:
    """The configuration `@hydra.main(config_path=..., config_name=...)` hands the function
    it decorates: the primary YAML file of `config_path` (relative to the module `base`),
    with the file each entry of its `defaults` list names (`- model: cnn` is
    `model/cnn.yaml`, placed under `model`) beneath it, and the primary file's own values
    over them, as Hydra composes them. Interpolations (`${data_dir}`) stay as written."""
    if not config_name:
        return None
    folder = os.path.join(os.path.dirname(base), config_path or "")

    def load(name: str) -> DictVal | None:
        name = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
        found = _project_text(root, "", os.path.normpath(os.path.join(folder, name)))
        value = _yaml_value(found[1], found[0]) if found is not None else None
        return value if isinstance(value, DictVal) else None

    primary = load(config_name)
    if primary is None:
        return None
    composed = DictVal({}, primary.line)
    defaults = primary.items.get("defaults")
    entries = defaults.items if isinstance(defaults, ListVal) else \
        [Const(v, 0) for v in defaults.value] if isinstance(defaults, Const) and \
        isinstance(defaults.value, list) else []
    for entry in entries:
        if isinstance(entry, DictVal) and len(entry.items) == 1:
            group, option = next(iter(entry.items.items()))
            option = plain(option)
            group = re.sub(r"^(override|optional)\s+", "", str(group)).strip("/")
            if not isinstance(option, str) or not group or "@" in group:
                continue   # `- model: null`, a package placement (`group@pkg`)
            part = load(f"{group}/{option}")
            if part is not None:
                for key, value in part.items.items():
                    if isinstance(value, Const) and value.value == option:
                        # `name: cnn` in model/cnn.yaml names the option a command line
                        # picks (`model=lstm`): a default, like an argparse option's
                        part.items[key] = Const(value.value, value.line, "argparse", value.file)
                _merge_at(composed, group.split("/"), part)
        elif isinstance(plain(entry), str) and plain(entry) != "_self_":
            part = load(str(plain(entry)))
            if part is not None:
                _merge(composed, part)
    _merge(composed, DictVal({k: v for k, v in primary.items.items() if k != "defaults"}))
    _interpolate(composed, composed, 0)
    return composed


_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][\w.]*)\}")


def _interpolate(root: DictVal, value: DictVal, depth: int) -> None:
    """`data_dir: data/${dataset.name}` with the value it names, where that value is a
    plain one written in the configuration (resolvers such as `${oc.env:X}` stay)."""
    for key, item in value.items.items():
        if isinstance(item, DictVal) and depth < MAX_DEPTH:
            _interpolate(root, item, depth + 1)
        elif isinstance(item, Const) and isinstance(item.value, str) and "${" in item.value:
            text = item.value
            for _ in range(3):   # a value may name another that names a third
                text = _INTERPOLATION.sub(lambda m: _scalar_at(root, m), text)
            value.items[key] = Const(text, item.line, item.how, item.file)


def _scalar_at(root: DictVal, match: re.Match[str]) -> str:
    found: Value | None = root
    for part in match.group(1).split("."):
        found = found.items.get(part) if isinstance(found, DictVal) else None
    value = plain(found) if isinstance(found, Const) else None
    return str(value) if isinstance(value, (str, int, float)) and \
        not isinstance(value, bool) else match.group(0)


def _merge_at(into: DictVal, keys: list[str], part: DictVal) -> None:
    for key in keys[:-1]:
        inner = into.items.get(key)
        if not isinstance(inner, DictVal):
            inner = into.items[key] = DictVal({}, part.line)
        into = inner
    inner = into.items.get(keys[-1])
    if not isinstance(inner, DictVal):
        inner = into.items[keys[-1]] = DictVal({}, part.line)
    _merge(inner, part)


def _merge(into: DictVal, part: DictVal) -> None:
    """`part` over `into`, mappings merged key by key (OmegaConf's merge)."""
    for key, value in part.items.items():
        there = into.items.get(key)
        if isinstance(there, DictVal) and isinstance(value, DictVal):
            _merge(there, value)
        else:
            into.items[key] = value


def _project_text(root: Path | None, base: str, path: str) -> tuple[str, str] | None:
    """(path from the root, text) of the project file `path`, read within bounds; None
    when it is not in the project, is reached through a symlink, or cannot be read."""
    if root is None or not path or "\0" in path:
        return None
    here = os.path.dirname(base)
    for candidate in dict.fromkeys([os.path.normpath(os.path.join(here, path)),
                                    os.path.normpath(path.lstrip("./") or path)]):
        if candidate.startswith("..") or os.path.isabs(candidate):
            continue   # outside the project: not ours to read
        full = root / candidate
        if any(p.is_symlink() for p in [full, *full.parents] if root in p.parents):
            continue
        try:
            text = read_bounded(full, MAX_SETTINGS_BYTES).decode("utf-8")
        except (OSError, Unreadable, UnicodeDecodeError):
            continue
        return Path(candidate).as_posix(), text
    return None


def _ini_sections(text: str, rel: str) -> dict[str, Value] | None:
    """An INI file's sections, each a DictVal of its options as strings (what
    configparser gives; `int(...)` of one is computed), each on its own line."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text, rel)
    except configparser.Error:
        return None
    lines: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        head = re.match(r"\s*\[([^\]]+)\]", line)
        if head:
            section = head[1].strip()
            continue
        key = re.match(r"\s*([^=:#;\s][^=:]*?)\s*[=:]", line)
        if key:
            lines.setdefault((section, parser.optionxform(key[1])), number)
    return {name: DictVal({key: Const(value, lines.get((name, key), 0), "config", rel)
                           for key, value in parser.items(name)},
                          lines.get((name, ""), 0))
            for name in parser.sections()}


def ini_method(root: Path | None, base: str, receiver: IniConfig, method: str,
               pos: list[Value], kw: dict[str, Value]) -> Value:
    """`config.read("configuration.cfg")` fills the parser with the project file's
    sections; `config.get("Params", "batchsize")` (and getint, getfloat, getboolean) is
    that option, `Const(how="config")` on its line."""
    if method == "read":
        paths = pos[0].items if pos and isinstance(pos[0], ListVal) else pos[:1]
        for path in (plain(p) for p in paths):
            found = _project_text(root, base, path) if isinstance(path, str) else None
            sections = _ini_sections(found[1], found[0]) if found else None
            if sections:
                receiver.items.update(sections)
        return UNKNOWN
    if method == "sections":
        return ListVal([Const(name, 0) for name in receiver.items])
    section, option = (plain(p) for p in pos[:2]) if len(pos) >= 2 else (None, None)
    if method not in _INI_GETTERS or not isinstance(section, str) or \
            not isinstance(option, str):
        return UNKNOWN
    values = receiver.items.get(section)
    value = values.items.get(option.lower()) if isinstance(values, DictVal) else None
    if not isinstance(value, Const):
        return kw.get("fallback", UNKNOWN)
    convert = _INI_GETTERS[method]
    try:
        return Const(convert(value.value), value.line, value.how, value.file)
    except ValueError:
        return UNKNOWN


def _boolean(text: str) -> bool:
    states = configparser.RawConfigParser.BOOLEAN_STATES
    if text.lower() not in states:
        raise ValueError(text)
    return states[text.lower()]


_INI_GETTERS: dict[str, Any] = {"get": str, "getint": int, "getfloat": float,
                                "getboolean": _boolean}
_INI_PARSERS = ("configparser.ConfigParser", "configparser.RawConfigParser",
                "configparser.SafeConfigParser")


def _yaml_value(text: str, rel: str) -> Value | None:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    return _from_node(node, rel, 0) if node is not None else None


def _from_node(node: yaml.Node, rel: str, depth: int) -> Value | None:
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        return None
    if isinstance(node, yaml.MappingNode):
        items: dict[str, Value] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                inner = _from_node(value, rel, depth + 1)
                if inner is not None:
                    items[str(key.value)] = inner
        return DictVal(items, line)
    if isinstance(node, yaml.SequenceNode):
        values = [_from_node(v, rel, depth + 1) for v in node.value]
        consts = all_of(Const, values)
        if consts is not None:
            return Const([v.value for v in consts], line, "config", rel)
        return ListVal([v for v in values if v is not None], line)
    if isinstance(node, yaml.ScalarNode):
        return Const(_scalar(node), line, "config", rel)
    return None


def _scalar(node: yaml.ScalarNode) -> Any:
    """A scalar as YAML's safe loader types it (`1e-3` is a float, `true` a bool)."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value
    finally:
        loader.dispose()


def _json_value(text: str, rel: str) -> Value | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    starts = [m.start() for m in re.finditer("\n", text)]
    return _from_json(data, text, starts, rel, 0, 0)


def _from_json(data: Any, text: str, newlines: list[int], rel: str, offset: int,
               depth: int) -> Value | None:
    line = _line_at(newlines, offset)
    if depth > MAX_DEPTH:
        return None
    if isinstance(data, dict):
        items: dict[str, Value] = {}
        for key, value in data.items():
            found = text.find(json.dumps(key), offset)
            at = found if found >= 0 else offset
            inner = _from_json(value, text, newlines, rel, at, depth + 1)
            if inner is not None:
                items[str(key)] = inner
        return DictVal(items, line)
    if isinstance(data, list) and not all(isinstance(v, (int, float, str, bool)) or v is None
                                          for v in data):
        return ListVal([v for v in (_from_json(x, text, newlines, rel, offset, depth + 1)
                                    for x in data) if v is not None], line)
    return Const(data, line, "config", rel)


def _line_at(newlines: list[int], offset: int) -> int:
    return bisect.bisect_right(newlines, offset - 1) + 1


def namespace_of(kw: dict[str, Value], pos: list[Value]) -> Namespace | None:
    """`HParams(lr=1e-3, batch_size=32)` or `EasyDict({"lr": 1e-3})` as a namespace whose
    literal values count as configuration."""
    attrs: dict[str, Value] = {}
    if pos and isinstance(pos[0], DictVal):
        attrs.update(pos[0].items)
    for key, value in kw.items():
        attrs[key] = Const(value.value, value.line, "config", value.file) \
            if isinstance(value, Const) and value.how == "literal" else value
    return Namespace(attrs) if attrs else None


_LOADERS = ("yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load", "json.load",
            "json.loads", "omegaconf.OmegaConf.load", "OmegaConf.load")


def on_library_call(root: Path | None, base: str, name: str, pos: list[Value],
                    kw: dict[str, Value]) -> Value | None:
    """What a settings call returns: a file's values, a namespace, or None if not one."""
    first: Value | None
    if pos:
        first = pos[0]
    else:   # the first argument passed by keyword, whatever its name
        first = next(iter(kw.values()), None)
    if name in _LOADERS or name.endswith(".OmegaConf.load"):
        path = first.path if isinstance(first, FileHandle) else plain(first) \
            if name.endswith("load") and not name.startswith("json") else None
        return read_settings(root, base, path) if isinstance(path, str) else None
    if name.rsplit(".", 1)[-1] in NAMESPACE_CALLS:
        return namespace_of(kw, pos)
    if name in _INI_PARSERS:
        return IniConfig({})
    return None
