"""Generators of hostile and pathological inputs, one family each, shared by the hostile
test suite (small sizes) and bench/fuzz.py (many seeds, full sizes).

Each generator takes a `random.Random` and a `scale` in (0, 1] and returns a dict of
files (relative path -> text or bytes) making one project. Scale 1 is the size that
found a defect in the red-team pass; the tests use smaller scales where they can.
"""

from __future__ import annotations

import json
import random
from typing import Callable

Files = dict[str, "str | bytes"]

KERAS = "from tensorflow import keras\nfrom tensorflow.keras.layers import Dense\n"
TORCH = "import torch\nimport torch.nn as nn\n"


def sequence_growth(rng: random.Random, scale: float = 1.0) -> Files:
    """`L = L + L` (or `L *= 2`, `L.extend(L)`) doubling a list of layers many times."""
    times = max(8, int(60 * scale))
    op = rng.choice(["L = L + L", "L *= 2", "L.extend(L)", "L = L * 2"])
    body = "L = [Dense(1)]\n" + f"{op}\n" * times
    return {"grow.py": KERAS + body + "model = keras.Sequential(L)\n"}


def many_classes(rng: random.Random, scale: float = 1.0) -> Files:
    """Thousands of small nn.Module classes."""
    count = max(50, int(3000 * scale))
    parts = [TORCH]
    for i in range(count):
        parts.append(f"class M{i}(nn.Module):\n    def __init__(self):\n"
                     "        super().__init__()\n"
                     f"        self.fc = nn.Linear({rng.randint(1, 9)}, {rng.randint(1, 9)})\n"
                     f"    def forward(self, x):\n        return self.fc(x)\n")
    return {"many.py": "".join(parts)}


def deep_instantiation(rng: random.Random, scale: float = 1.0) -> Files:
    """Classes each building two of the next: 2**depth instantiations."""
    depth = max(8, int(40 * scale))
    parts = [TORCH, "class C0(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                    "        self.fc = nn.Linear(2, 2)\n    def forward(self, x):\n"
                    "        return self.fc(x)\n"]
    for i in range(1, depth):
        parts.append(f"class C{i}(nn.Module):\n    def __init__(self):\n"
                     "        super().__init__()\n"
                     f"        self.a = C{i - 1}()\n        self.b = C{i - 1}()\n"
                     f"    def forward(self, x):\n        return self.b(self.a(x))\n")
    parts.append(f"model = C{depth - 1}()\n")
    return {"deep.py": "".join(parts)}


def blank_lines(rng: random.Random, scale: float = 1.0) -> Files:
    count = max(1000, int(900_000 * scale))
    return {"blank.py": KERAS + "\n" * count + "model = keras.Sequential([Dense(1)])\n"}


def big_notebook(rng: random.Random, scale: float = 1.0) -> Files:
    count = max(100, int(50_000 * scale))
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": KERAS if i == 0 else f"x{i} = {i}\n"} for i in range(count)]
    cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                  "source": "model = keras.Sequential([Dense(1)])\n"})
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    return {"big.ipynb": json.dumps(nb)}


def big_literal(rng: random.Random, scale: float = 1.0) -> Files:
    count = max(1000, int(480_000 * scale))
    return {"lit.py": KERAS + "DATA = [" + "1," * count + "]\n"
            "model = keras.Sequential([Dense(1)])\n"}


def modern_syntax(rng: random.Random, scale: float = 1.0) -> Files:
    """match, walrus, except*, PEP 695 and PEP 701 in and around a model."""
    arch = rng.choice(["lstm", "gru", "cnn"])
    return {"modern.py": TORCH + f'''
type Vec = list[float]
KIND = "{arch}"

class Net[T](nn.Module):
    def __init__(self, kind=KIND, /, *, n: int = 4):
        super().__init__()
        match kind:
            case "lstm":
                self.rnn = nn.LSTM(8, n)
            case "gru" | "GRU":
                self.rnn = nn.GRU(8, n)
            case {{"conv": size}} if size > 1:
                self.rnn = nn.Conv1d(8, n, size)
            case [first, *rest]:
                self.rnn = nn.RNN(8, n)
            case _:
                self.rnn = nn.Linear(8, n)
        self.tag = f"{{"x"}}-{{kind!r:>{{n}}}}"

    def forward(self, x):
        if (y := self.rnn(x)) is not None:
            return y
        return x

try:
    model = Net()
except* ValueError:
    pass
'''}


def token_soup(rng: random.Random, scale: float = 1.0) -> Files:
    """Random Python-ish tokens around framework names: mostly syntax errors."""
    tokens = ["keras", "torch", "nn.Linear(", "Dense(", ")", "(", "[", "]", ":", "\n",
              "    ", "def", "class", "match", "case", "=", "+", "*", "lambda", "if",
              "else", "for", "in", "range(", "1", "'s'", "f'{", "}'", ",", ".", "@",
              "await", "yield", "async", "with", "as", "return", "x", "L"]
    size = max(20, int(400 * scale))
    return {"soup.py": TORCH + "".join(rng.choice(tokens) + " " for _ in range(size))}


def hostile_names(rng: random.Random, scale: float = 1.0) -> Files:
    """Terminal escapes and rich markup in file names and strings."""
    esc = rng.choice(["\x1b[31m", "\x1b]0;pwned\x07", "[bold red]", "[link=http://x]y[/link]",
                      "\r\x7f"])
    safe = esc.replace("/", "_")   # a file name cannot hold "/"; the markup can stay
    return {f"m{safe}.py": KERAS + f"model = keras.Sequential([Dense(1, name={esc!r})])\n"}


def non_utf8(rng: random.Random, scale: float = 1.0) -> Files:
    """A Latin-1 file without a coding cookie, and binary noise named .py."""
    return {"latin.py": ("# caf\xe9\n" + KERAS).encode("latin-1"),
            "noise.py": bytes(rng.randrange(256) for _ in range(512)),
            "ok.py": KERAS + "model = keras.Sequential([Dense(2)])\n"}


FAMILIES: dict[str, Callable[[random.Random, float], Files]] = {
    "sequence_growth": sequence_growth,
    "many_classes": many_classes,
    "deep_instantiation": deep_instantiation,
    "blank_lines": blank_lines,
    "big_notebook": big_notebook,
    "big_literal": big_literal,
    "modern_syntax": modern_syntax,
    "token_soup": token_soup,
    "hostile_names": hostile_names,
    "non_utf8": non_utf8,
}
