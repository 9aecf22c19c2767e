"""Models an author selects by editing the training script: commented-out alternatives.

Training scripts often list the models they can train as commented-out assignments beside
the live one, and the author picks one by moving the comment:

    # net = VGG('VGG19')
    # net = ResNet18()
    net = SimpleDLA()

Each alternative whose constructor is a model class of the project (or a project function
that builds one) is trained by the same code as the live model, so it gets that code's
training settings, with `selected_at` naming the commented line (docs/ARCHITECTURE.md,
"Run-time model selection"). A comment is parsed with libcst, never run, and only when it
sits within a few lines of a live assignment to the same name in a file that trains.
"""

from __future__ import annotations

import io
import re
import textwrap
import tokenize
from dataclasses import dataclass

import libcst as cst

from exnet.extract.program import ModuleInfo

#: A commented assignment of a call: `# net = ResNet18()`, `#model = models.Net(10)`.
_COMMENTED = re.compile(r"^[ \t]*#[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_][\w.]*)[ \t]*\(")
_LIVE = r"^[ \t]*{}[ \t]*(?::[^=\n]*)?=(?!=)"

#: How far (in lines) an alternative may sit from the live assignment it replaces.
NEAR = 15
MAX_COMMENT = 300


@dataclass(frozen=True)
class Alternative:
    """`# name = callee(...)` at `line` of `unit`: another model for the variable `name`."""

    unit: str
    line: int
    name: str
    callee: str


def _is_assignment_of_call(text: str) -> bool:
    try:
        stmt = cst.parse_statement(textwrap.dedent(text).strip() + "\n")
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return False
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    return isinstance(small, (cst.Assign, cst.AnnAssign)) and isinstance(small.value, cst.Call)


def commented_alternatives(module: ModuleInfo) -> list[Alternative]:
    """The commented-out model assignments of a module that replace a live one nearby."""
    text = module.source.text
    if "#" not in text:
        return []
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if len(line) > MAX_COMMENT:
            continue
        match = _COMMENTED.match(line)
        if match is None:
            continue
        name, callee = match[1], match[2]
        live = re.compile(_LIVE.format(re.escape(name)))
        window = lines[max(0, i - NEAR): i + NEAR + 1]
        if not any(live.match(other) for other in window):
            continue
        if _commented_statement(lines, i):
            out.append(Alternative(module.rel, i + 1, name, callee))
    return out


#: How many comment lines one commented-out statement may span (`# model = Net(` then
#: one argument per line, then `# )`).
MAX_SPAN = 12


def _commented_statement(lines: list[str], first: int) -> bool:
    """Whether the comment lines from `first` on hold one assignment of a call."""
    text = ""
    for line in lines[first: first + MAX_SPAN]:
        stripped = line.lstrip()
        if not stripped.startswith("#") or len(line) > MAX_COMMENT:
            return False
        text += stripped[1:] + "\n"
        if _is_assignment_of_call(text):
            return True
    return False


def references(module: ModuleInfo) -> tuple[set[str], set[str]]:
    """The names a module's code uses (comments, strings and import lines left out):
    (used anywhere, used in module-level statements). Read with `tokenize`, never run."""
    anywhere: set[str] = set()
    top: set[str] = set()
    line: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(module.source.text).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                _logical(line, anywhere, top)
                line = []
            elif tok.type == tokenize.NAME:
                line.append(tok)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        _logical(line, anywhere, top)
    return anywhere, top


def attribute_names(module: ModuleInfo) -> set[str]:
    """The names a module's code reads as attributes (`net.build_base()`: `build_base`),
    comments and strings left out. Read with `tokenize`, never run."""
    found: set[str] = set()
    dot = False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(module.source.text).readline):
            if dot and tok.type == tokenize.NAME:
                found.add(tok.string)
            dot = tok.type == tokenize.OP and tok.string == "."
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return found


def _logical(tokens: list[tokenize.TokenInfo], anywhere: set[str], top: set[str]) -> None:
    if not tokens or tokens[0].string in ("import", "from"):
        return
    names = {t.string for t in tokens}
    anywhere |= names
    if tokens[0].start[1] == 0 and tokens[0].string not in ("def", "class", "async"):
        top |= names
