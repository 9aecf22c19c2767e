"""Configuration modules: constants in project files that never mention a framework.

A learner's `config.py` (`BATCH_SIZE = 64`, `class Config: lr = 1e-3`) cannot hold a
model, so it is skipped before any libcst parse; but train.py reads its values. When a
parsed module imports such a file, its module-level literals, dicts and simple classes
are read here with `ast` (literals only, via `ast.literal_eval`; nothing is executed)
and become `Const(how="config")` values for the interpreter.
"""

from __future__ import annotations

import ast
from typing import Any

from exnet.extract.sources import quiet_parse
from exnet.extract.values import Const, DictVal, Namespace, Value

MAX_CONFIG_BYTES = 200_000


def _literal(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _value(node: ast.AST, rel: str, classes: dict[str, Namespace]) -> Value | None:
    if isinstance(node, ast.Dict):
        items: dict[str, Value] = {}
        for key, value in zip(node.keys, node.values):
            ok, k = _literal(key) if key is not None else (False, None)
            if ok and isinstance(k, str):
                inner = _value(value, rel, classes)
                if inner is not None:
                    items[k] = inner
        return DictVal(items, node.lineno)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in classes:
            return classes[node.func.id]          # `cfg = Config()`
        if node.func.id == "dict":
            return DictVal({kw.arg: v for kw in node.keywords if kw.arg
                            for v in [_value(kw.value, rel, classes)] if v is not None},
                           node.lineno)
    ok, value = _literal(node)
    if ok and isinstance(value, (int, float, str, bool, list, tuple)) and \
            len(repr(value)) < 2000:
        return Const(list(value) if isinstance(value, tuple) else value,
                     getattr(node, "lineno", 0), "config", rel)
    return None


def _assignments(stmt: ast.stmt) -> list[tuple[ast.expr, ast.expr]]:
    """(target, value) of each name a class-body statement assigns (`lr = 1e-3`,
    `a = b = 0`, `lr: float = 1e-3`)."""
    if isinstance(stmt, ast.Assign):
        return [(target, stmt.value) for target in stmt.targets]
    if isinstance(stmt, ast.AnnAssign) and stmt.value:
        return [(stmt.target, stmt.value)]
    return []


def _class(node: ast.ClassDef, rel: str, classes: dict[str, Namespace]) -> Namespace:
    attrs: dict[str, Value] = {}
    for stmt in node.body:
        for target, value_node in _assignments(stmt):
            if isinstance(target, ast.Name):
                value = _value(value_node, rel, classes)
                if value is not None:
                    attrs[target.id] = value
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
            for inner in ast.walk(stmt):
                if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
                    t = inner.targets[0]
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and \
                            t.value.id == "self":
                        value = _value(inner.value, rel, classes)
                        if value is not None:
                            attrs[t.attr] = value
    return Namespace(attrs)


def config_env(text: str, rel: str) -> dict[str, Value]:
    """Name -> value for the module-level configuration a text defines."""
    if len(text) > MAX_CONFIG_BYTES:
        return {}
    try:
        tree = quiet_parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    env: dict[str, Value] = {}
    classes: dict[str, Namespace] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            classes[stmt.name] = env[stmt.name] = _class(stmt, rel, classes)
        elif isinstance(stmt, ast.Assign):
            value = _value(stmt.value, rel, classes)
            if value is not None:
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        env[target.id] = value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and \
                isinstance(stmt.target, ast.Name):
            value = _value(stmt.value, rel, classes)
            if value is not None:
                env[stmt.target.id] = value
    return env
