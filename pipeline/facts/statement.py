"""Facts stage: one plain sentence saying what a project needs to run.

Examples: "TensorFlow 1.x era — needs tensorflow<2 (tf.Session)", "PyTorch ≥ 1.8,
torchtext 0.x legacy Field API — needs torchtext<0.9 (torchtext.data.Field)",
"Keras 2.3.1, TensorFlow 1.15.x; Python 3.7". A pin comes from a file, an era from the
code; both are in the environment record with their evidence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from exnet.records import Dependency, Era, PythonVersion

NAMES = {"tensorflow": "TensorFlow", "keras": "Keras", "torch": "PyTorch",
         "torchvision": "torchvision", "torchtext": "torchtext", "torchaudio": "torchaudio",
         "transformers": "Transformers", "pytorch-lightning": "PyTorch Lightning",
         "lightning": "Lightning", "jax": "JAX", "flax": "Flax",
         "theano": "Theano"}
#: The order frameworks are named in.
ORDER = ("tensorflow", "keras", "torch", "torchvision", "torchtext", "torchaudio",
         "transformers", "pytorch-lightning", "lightning", "jax", "flax", "theano")
MAIN = ("tensorflow", "keras", "torch")
#: Named when the code imports them, pinned or not (a sub-library of PyTorch such as
#: torchvision only when pinned or its era is known).
NAMED_BY_USE = MAIN + ("transformers", "pytorch-lightning", "lightning", "jax", "flax",
                       "theano")
_SYMBOLS = {">=": "≥ ", "<=": "≤ ", "<": "< ", ">": "> ", "!=": "≠ ", "~=": "~= ",
            "===": "", "==": ""}


def pretty(specifier: str) -> str:
    """`==2.3.0` -> "2.3.0", `==1.15.*` -> "1.15.x", `<2,>=1.15` -> "≥ 1.15 and < 2"."""
    try:
        specs = sorted(SpecifierSet(specifier), key=lambda s: (s.operator[0] != ">",
                                                                s.operator))
    except InvalidSpecifier:
        return specifier
    exact = [s for s in specs if s.operator in ("==", "===")]
    specs = exact[:1] or specs          # an exact pin says it all
    words = [_SYMBOLS.get(s.operator, s.operator) + s.version.replace(".*", ".x")
             for s in specs]
    return " and ".join(words)


def _need_bound(need: str) -> Version:
    """The upper bound a need sets (`keras<2.4`: 2.4), or a very high one."""
    bound = Version("9999")
    for spec in SpecifierSet(re.sub(r"^[\w.\-]+", "", need)) if need else ():
        if spec.operator.startswith("<"):
            try:
                bound = min(bound, Version(spec.version))
            except InvalidVersion:
                continue
    return bound


def tightest(needs: list[str]) -> str:
    """The needs of several markers as one specifier: the lowest upper bound and the
    highest lower bound (`tensorflow<2.16`, `tensorflow<2.6` -> `tensorflow<2.6`)."""
    name = needs[0].split("<")[0].split(">")[0].split("=")[0]
    uppers: list[Version] = []
    lowers: list[Version] = []
    for need in needs:
        for spec in SpecifierSet(need[len(name):]):
            try:
                version = Version(spec.version)
            except InvalidVersion:
                continue
            (uppers if spec.operator.startswith("<") else lowers).append(version)
    parts = ([f">={max(lowers)}"] if lowers else []) + ([f"<{min(uppers)}"] if uppers else [])
    return name + ",".join(parts)


def _upper(specifier: str) -> tuple[Version, bool] | None:
    """The lowest upper bound a specifier sets, and whether the bound itself is allowed."""
    bounds: list[tuple[Version, bool]] = []
    for spec in SpecifierSet(specifier):
        try:
            version = Version(spec.version.replace(".*", ""))
        except InvalidVersion:
            continue
        if spec.operator == "<":
            bounds.append((version, False))
        elif spec.operator in ("<=", "==", "==="):
            if spec.version.endswith(".*"):
                release = list(version.release)
                release[-1] += 1
                bounds.append((Version(".".join(map(str, release))), False))
            else:
                bounds.append((version, True))
    return min(bounds) if bounds else None


def _satisfies(dep: Dependency, need: str, name: str) -> bool:
    """Whether the pins already keep below the upper bound the code needs."""
    try:
        pin, wanted = _upper(dep.specifier), _upper(need[len(name):])
    except InvalidSpecifier:
        return False
    if pin is None or wanted is None:
        return False
    return pin[0] < wanted[0] or (pin[0] == wanted[0] and not pin[1])


def _needs(fw: str, dep: Dependency | None, eras: list[Era]) -> list[str]:
    """What the code needs, per package, as "tensorflow<2 (tf.Session)": the tightest
    bound of the markers and the marker that sets it; left out when a pin meets it."""
    groups: dict[str, list[Era]] = {}
    for era in eras:
        if era.needs:
            groups.setdefault(re.match(r"[\w.\-]+", era.needs).group(), []).append(era)  # type: ignore[union-attr]
    out = []
    for package, group in groups.items():
        need = tightest([e.needs for e in group if e.needs])
        if package == fw and dep is not None and _satisfies(dep, need, package):
            continue
        bound = need[len(package):].split(",")[-1]
        api = next((e.api for e in group
                    if e.needs and bound in e.needs[len(package):].split(",")), group[0].api)
        out.append(f"{need} ({api})")
    return out


def _segment(fw: str, dep: Dependency | None, eras: list[Era]) -> str:
    name = NAMES.get(fw, fw)
    strict = [e for e in eras if e.needs]
    if dep is not None and dep.conflict:
        pins = ", ".join(f"{p.specifier or 'any'} in {p.evidence.file}" for p in dep.pins)
        head = f"{name} pins conflict ({pins})"
    elif dep is not None and dep.specifier:
        head = f"{name} {pretty(dep.specifier)}"
    elif strict:
        label = min(strict, key=lambda e: _need_bound(e.needs or "")).era     # the binding one
        head = f"{name} {label}" if label.startswith("with ") else f"{name} {label} era"
    elif eras:
        return (f"{name} (version not pinned; {eras[0].era}-era {eras[0].api}, still "
                f"accepted by current releases)")
    else:
        return f"{name} (version not pinned; no removed API in the code)"
    needs = _needs(fw, dep, eras)
    return head + (" — needs " + " and ".join(needs) if needs else "")


def _by_package(eras: list[Era], keras_alone: bool) -> dict[str, list[Era]]:
    """The eras under the package whose releases they speak about: a Keras marker that
    needs `tensorflow<2.16` is said of TensorFlow ("TensorFlow with the Keras 2.x API");
    without standalone Keras, every Keras marker is."""
    out: dict[str, list[Era]] = {}
    for era in eras:
        key = era.framework
        if era.needs:
            package = re.match(r"[\w.\-]+", era.needs)
            key = package.group() if package and package.group() in ORDER else key
        if era.framework == "keras" and not keras_alone:
            key = "tensorflow"
        if key != era.framework and era.framework == "keras":
            era = replace(era, era=f"with the Keras {era.era} API")
        out.setdefault(key, []).append(era)
    return out


def statement(uses: set[str], frameworks: list[Dependency], eras: list[Era],
              python: PythonVersion | None) -> str | None:
    """The sentence (see the module docstring); None when no framework is known."""
    pinned = {d.name: d for d in frameworks}
    keras_alone = "keras" in pinned or "keras" in uses or "tensorflow" not in uses | set(
        pinned)
    by_fw = _by_package(eras, keras_alone)
    named = [fw for fw in ORDER
             if fw in pinned or fw in by_fw or (fw in uses and fw in NAMED_BY_USE)]
    if not named:
        return None
    text = ", ".join(_segment(fw, pinned.get(fw), by_fw.get(fw, [])) for fw in named)
    if python is not None and python.specifier:
        text += "; Python " + (python.version or pretty(python.specifier))
    elif python is not None and python.version:
        # a kernel's version says what the notebooks ran with, not what the pins need
        text += f"; notebooks ran on Python {python.version}"
    return text
