"""Facts stage: the requirements a project states, read from its files, never run.

Sources, each a pin with its file and line (cell for notebooks):

- `requirements*.txt` (and `*requirement*.txt`, files under a `requirements/` folder),
  following `-r`/`-c` includes inside the checkout, with markers, hashes, options,
  editable and URL requirements;
- `setup.py` read as a syntax tree: the literal `install_requires`, `python_requires`
  and `license` of its `setup(...)` call (a list bound to a module-level name too);
- `setup.cfg` (`[options]`, `[metadata] license`), `pyproject.toml` (PEP 621
  `[project]` and `[tool.poetry]`, with `^`/`~` ranges), `Pipfile`,
  `environment.yml` and MLflow's `conda.yaml` (conda specs and their `pip:` list);
- notebook lines `!pip install ...`, `%pip install ...`, `pip install ...`, and the
  `pip install` lines of the top README's code blocks;
- the Python version from `runtime.txt`, `.python-version`, the files above, and, when
  nothing states it, notebook kernel metadata (`language_info.version`).

Requirement strings are parsed by `packaging` (PEP 508); a string it refuses is left
out with the reason. Names are canonical (PEP 503) and the framework packages fold to
one name each (`tensorflow-gpu` is tensorflow, `pytorch` is torch).
"""

from __future__ import annotations

import ast
import configparser
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from exnet.facts.files import Notebook, Unreadable, obj, read_text
from exnet.records import Evidence, Pin

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Package names that are one framework (canonical name -> framework).
ALIASES = {
    "tensorflow-gpu": "tensorflow", "tensorflow-cpu": "tensorflow", "tf-nightly": "tensorflow",
    "tensorflow-macos": "tensorflow", "tf-nightly-gpu": "tensorflow",
    "intel-tensorflow": "tensorflow", "pytorch": "torch", "pytorch-cpu": "torch",
    "torch-gpu": "torch", "keras-gpu": "keras", "tf-keras": "keras",
}
MAX_INCLUDES = 8          # depth of -r includes followed


@dataclass
class Stated:
    """Everything the dependency files state: pins, Python versions, licences."""

    pins: list[Pin] = field(default_factory=list)
    python: list[tuple[str, Evidence]] = field(default_factory=list)   # specifiers
    kernels: list[tuple[str, Evidence]] = field(default_factory=list)  # notebook versions
    licences: list[tuple[str, Evidence]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def add(self, text: str, ev: Evidence) -> None:
        """One PEP 508 requirement string (a `python` requirement is a Python version)."""
        pin = parse_requirement(text, ev)
        if pin is None:
            self.problems.append((ev.file, f"line {ev.line}: not a requirement"))
        elif pin.name == "python":
            self.python.append((pin.specifier, ev))
        else:
            self.pins.append(pin)
        if ev.file not in self.sources:
            self.sources.append(ev.file)


def canonical(name: str) -> str:
    key = str(canonicalize_name(name))
    return ALIASES.get(key, key)


def parse_requirement(text: str, ev: Evidence) -> Pin | None:
    """A Pin for one requirement string, or None when packaging refuses it. A conda-like
    `name=1.2` (a slip pip refuses too) is read as `name==1.2`."""
    text = text.strip()
    try:
        req = Requirement(text)
    except InvalidRequirement:
        fixed = re.sub(r"^([A-Za-z0-9][\w.\-]*)\s*=\s*(\d[\w.*]*)$", r"\1==\2", text)
        try:
            req = Requirement(fixed)
        except InvalidRequirement:
            return None
    return Pin(canonical(req.name), req.name, str(req.specifier),
               str(req.marker) if req.marker else None, ev)


# -- requirements files ---------------------------------------------------------------

def is_requirements_file(rel: str) -> bool:
    path = PurePosixPath(rel.lower())
    return path.suffix in (".txt", ".in") and (     # "requirement.txt" too
        "requirement" in path.name or "requirements" in path.parts[:-1])


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, line) with `\\` continuations joined and comments removed."""
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        yield start, buffer + line
        buffer = ""
    if buffer:
        yield start, buffer


#: `name=version=build` (or `name=version`): a single `=` is conda's, never pip's
_CONDA_LINE = re.compile(r"^[A-Za-z0-9][\w.\-]*=(?!=)[^=<>!~\s;]+(?:=[^=\s;]+)?$")


def read_requirements(root: Path, rel: str, stated: Stated, depth: int = 0,
                      seen: set[str] | None = None) -> None:
    seen = seen if seen is not None else set()
    if rel in seen or depth > MAX_INCLUDES:
        return
    seen.add(rel)
    try:
        text = read_text(root / rel)
    except Unreadable as exc:
        stated.problems.append((rel, str(exc)))
        return
    if rel not in stated.sources:
        stated.sources.append(rel)
    for number, line in _logical_lines(text):
        line = line.strip()
        if not line:
            continue
        include = re.match(r"^(?:-r|--requirement|-c|--constraint)[\s=]+(\S+)", line)
        if include:
            target = _inside(rel, include.group(1))
            if target is not None and (root / target).is_file():
                read_requirements(root, target, stated, depth + 1, seen)
            continue
        egg = re.search(r"#egg=([A-Za-z0-9][\w.\-]*)", line)
        if line.startswith(("-e", "--editable")) or "://" in line.split("@")[0]:
            if egg:
                stated.add(egg.group(1), Evidence(rel, number))
            continue
        if line.startswith("-"):
            continue                                      # --index-url, -f, --pre ...
        line = re.sub(r"\s--hash[=\s]\S+", "", line)
        line = re.split(r"\s+-{1,2}[a-z]", line)[0]      # per-requirement options
        if _CONDA_LINE.match(line):                       # `conda list --export` output
            name, version, *build = line.split("=")
            line = f"{name}=={version}" if build else f"{name}=={version}.*"
        stated.add(line, Evidence(rel, number))


def _inside(rel: str, target: str) -> str | None:
    """`target` named in file `rel`, as a path of the checkout; None if it leaves it."""
    parts: list[str] = list(PurePosixPath(rel).parent.parts)
    for part in PurePosixPath(target).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", "/"):
            parts.append(part)
    return "/".join(parts) or None


# -- setup.py, setup.cfg, pyproject.toml, Pipfile, environment.yml ---------------------

def _literal(node: ast.AST, names: dict[str, ast.AST]) -> Any:
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def read_setup_py(text: str, rel: str, stated: Stated) -> None:
    """The literal keywords of the `setup(...)` call; the file is parsed, never run."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        stated.problems.append((rel, "setup.py does not parse"))
        return
    names: dict[str, ast.AST] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], ast.Name):
            names[stmt.targets[0].id] = stmt.value
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(
                node.func, "attr", None)) == "setup"):
            continue
        for kw in node.keywords:
            value = _literal(kw.value, names)
            if kw.arg == "install_requires" and isinstance(value, (list, tuple)):
                line = getattr(kw.value, "lineno", node.lineno)
                for item in value:
                    if isinstance(item, str):
                        stated.add(item, Evidence(rel, _line_of(text, item, line)))
            elif kw.arg == "python_requires" and isinstance(value, str):
                stated.python.append((value, Evidence(rel, kw.value.lineno)))
            elif kw.arg == "license" and isinstance(value, str):
                stated.licences.append((value, Evidence(rel, kw.value.lineno)))


def _line_of(text: str, needle: str, default: int | None = None) -> int | None:
    """The first line of `text` that holds `needle` (quoted, when it can be)."""
    for quoted in (f'"{needle}"', f"'{needle}'", needle):
        at = text.find(quoted)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return default


def read_setup_cfg(text: str, rel: str, stated: Stated) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        stated.problems.append((rel, "setup.cfg does not parse"))
        return
    if parser.has_option("options", "install_requires"):
        for item in parser.get("options", "install_requires").splitlines():
            item = item.split("#")[0].strip()
            if item:
                stated.add(item, Evidence(rel, _line_of(text, item)))
    if parser.has_option("options", "python_requires"):
        value = parser.get("options", "python_requires").strip()
        stated.python.append((value, Evidence(rel, _line_of(text, "python_requires"))))
    if parser.has_option("metadata", "license"):
        value = parser.get("metadata", "license").strip()
        stated.licences.append((value, Evidence(rel, _line_of(text, "license"))))


def poetry_specifier(spec: Any) -> str | None:
    """A Poetry version constraint (`^1.2`, `~1.2`, `*`, `>=1,<2`) as a PEP 440 one."""
    if isinstance(spec, dict):
        spec = spec.get("version", "*")
    if not isinstance(spec, str):
        return None
    out = []
    for part in (p.strip() for p in spec.split(",")):
        m = re.fullmatch(r"([\^~])\s*(\d+(?:\.\d+)*)", part)
        if part in ("", "*"):
            continue
        if m:
            nums = [int(n) for n in m.group(2).split(".")]
            if m.group(1) == "^":
                bump = next((i for i, n in enumerate(nums) if n != 0), len(nums) - 1)
            else:
                bump = min(1, len(nums) - 1) if len(nums) > 1 else 0
            upper = nums[:bump] + [nums[bump] + 1]
            out += [f">={m.group(2)}", "<" + ".".join(map(str, upper))]
        elif re.fullmatch(r"\d[\w.*]*", part):
            out.append(f"=={part}")
        else:
            out.append(part)
    try:
        return str(SpecifierSet(",".join(out)))
    except InvalidSpecifier:
        return None


def read_pyproject(text: str, rel: str, stated: Stated) -> None:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        stated.problems.append((rel, "pyproject.toml does not parse"))
        return
    project = obj(data.get("project"))
    for item in project.get("dependencies") or ():
        if isinstance(item, str):
            stated.add(item, Evidence(rel, _line_of(text, item)))
    if isinstance(project.get("requires-python"), str):
        stated.python.append((project["requires-python"],
                              Evidence(rel, _line_of(text, "requires-python"))))
    lic = project.get("license")
    lic = lic.get("text") if isinstance(lic, dict) else lic
    if isinstance(lic, str):
        stated.licences.append((lic, Evidence(rel, _line_of(text, "license"))))
    poetry = obj(obj(data.get("tool")).get("poetry"))
    _named_specs(poetry.get("dependencies"), text, rel, stated, poetry_specifier)
    if isinstance(poetry.get("license"), str):
        stated.licences.append((poetry["license"], Evidence(rel, _line_of(text, "license"))))


def _named_specs(table: Any, text: str, rel: str, stated: Stated, convert: Any) -> None:
    """A TOML table of name = version constraint (Poetry, Pipfile)."""
    if not isinstance(table, dict):
        return
    for name, spec in table.items():
        specifier = convert(spec)
        if not isinstance(name, str) or specifier is None:
            continue
        line = _line_of(text, f"{name} =") or _line_of(text, name)
        if name.lower() == "python":
            stated.python.append((specifier, Evidence(rel, line)))
        else:
            stated.add(f"{name}{specifier}", Evidence(rel, line))


def pipfile_specifier(spec: Any) -> str | None:
    if isinstance(spec, dict):
        spec = spec.get("version", "*")
    if not isinstance(spec, str):
        return None
    spec = spec.strip()
    if spec in ("", "*"):
        return ""
    try:
        return str(SpecifierSet(spec))
    except InvalidSpecifier:
        return None


def read_pipfile(text: str, rel: str, stated: Stated) -> None:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        stated.problems.append((rel, "Pipfile does not parse"))
        return
    # [packages], [dev-packages] and any other category Pipenv installs (`[cuda]`)
    for section, table in data.items():
        if section not in ("source", "requires", "scripts", "pipenv") and \
                isinstance(table, dict):
            _named_specs(table, text, rel, stated, pipfile_specifier)
    requires = obj(data.get("requires"))
    version = requires.get("python_version") or requires.get("python_full_version")
    if isinstance(version, str):
        stated.python.append((f"=={version}.*" if version.count(".") == 1 else
                              f"=={version}", Evidence(rel, _line_of(text, "python_"))))


def conda_requirement(spec: str) -> str | None:
    """A conda match spec (`python=3.7`, `pytorch::pytorch>=1.8`, `numpy 1.19 py37_0`)
    as a PEP 508 string: `=1.2` means 1.2.*, `==1.2` exactly 1.2."""
    spec = spec.split("::")[-1].strip()
    m = re.fullmatch(r"([A-Za-z0-9][\w.\-]*)\s*(?:(==|>=|<=|!=|>|<|=|\s)\s*([\w.*,<>=!]+))?"
                     r"(?:[=\s]\S+)?", spec)
    if not m:
        return None
    name, op, version = m.group(1), m.group(2), m.group(3)
    if not version:
        return name
    if op == "=" and "=" in version:
        # `pytorch=1.13.1=py3.8_cuda11.6_0` (a `conda env export`): that version, one build
        return f"{name}=={version.split('=', 1)[0]}"
    if op in ("=", " ") or op is None or op.isspace():
        return f"{name}=={version}" if version.endswith("*") else f"{name}=={version}.*"
    return f"{name}{op}{version}"


def read_environment_yml(text: str, rel: str, stated: Stated) -> None:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        stated.problems.append((rel, "environment file does not parse"))
        return
    deps = data.get("dependencies") if isinstance(data, dict) else None
    for item in deps or ():
        if isinstance(item, str):
            req = conda_requirement(item)
            if req is not None:
                stated.add(req, Evidence(rel, _line_of(text, item)))
        elif isinstance(item, dict) and isinstance(item.get("pip"), list):
            for pip_item in item["pip"]:
                if isinstance(pip_item, str) and not pip_item.startswith("-"):
                    stated.add(pip_item, Evidence(rel, _line_of(text, pip_item)))


# -- notebooks, runtime.txt, .python-version -------------------------------------------

_PIP = re.compile(r"^\s*[!%]?\s*(?:\S*python(?:3(?:\.\d+)?)?(?:\.exe)?\s+-m\s+)?"
                  r"(pip3?|conda)\s+install\s+(.*)$")
_TOOLS = {"pip", "setuptools", "wheel"}       # "pip install --upgrade pip": not a need


def _install_line(line: str, ev: Evidence, stated: Stated) -> None:
    """The packages of one `pip install` or `conda install` line."""
    m = _PIP.match(line)
    if not m:
        return
    try:
        words = shlex.split(m.group(2).split("#")[0].split("&&")[0])
    except ValueError:
        return
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
        elif word in ("-r", "-c", "-f", "-i", "--index-url", "--extra-index-url",
                      "--find-links", "-c", "--channel", "--target", "-t"):
            skip_next = True
        elif not word.startswith("-") and "://" not in word and "/" not in word:
            req = conda_requirement(word) if m.group(1) == "conda" else word
            if req and canonical(re.split(r"[<>=!~\[;\s]", req, maxsplit=1)[0]) not in _TOOLS:
                stated.add(req, ev)


def read_notebook_installs(nb: Notebook, stated: Stated) -> None:
    """`!pip install x==1`, `%pip install`, `pip install` and `!conda install` lines."""
    for cell in nb.cells:
        for number, line in enumerate(cell.source.splitlines(), start=1):
            _install_line(line, Evidence(nb.rel, number, cell.index), stated)


def read_readme_installs(text: str, rel: str, stated: Stated) -> None:
    """`pip install torch==2.1.0` in a README's code blocks (a `$ ` prompt allowed)."""
    fenced = False
    for number, line in enumerate(text.splitlines()[:5000], start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif fenced or line.startswith("    "):
            _install_line(re.sub(r"^\s*[$>]\s*", "", line), Evidence(rel, number), stated)


def python_of_runtime(text: str) -> str | None:
    """The Python version of runtime.txt (`python-3.7.3`) or .python-version (`3.8.10`)."""
    m = re.search(r"(?:^|python-?)(\d\.\d+(?:\.\d+)?)\b", text.strip())
    return m.group(1) if m else None
