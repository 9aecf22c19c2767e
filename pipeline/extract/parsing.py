"""Parsing a source text safely into a libcst tree with line numbers.

`ast.parse` (C, about 25 times faster than libcst) screens every text first: syntax
errors and Python 2 are reported from it, and trees that are too deep or too big are
refused, because libcst's recursive parts could exhaust the stack or the memory on
hostile input (a chain of 20,000 attributes, a literal list of 200,000 items). Notebooks
lose only the cells that do not parse.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import functools
import re
import sys
from typing import Any

import libcst as cst
from libcst.metadata import ByteSpanPositionProvider, MetadataWrapper

from exnet.extract.names import ImportMap
from exnet.extract.program import ModuleInfo
from exnet.extract.sources import (
    Source,
    Unreadable,
    blank_magics,
    notebook_source,
    quiet_parse,
)
from exnet.extract.values import remember_text

MAX_NESTING = 100          # levels of syntax tree; real learner code stays under 30
MAX_NODES = 50_000         # syntax nodes per file; the largest of 1,646 real files has 6,321
MAX_LINES = 50_000         # lines per file or notebook; learners' files have a few thousand
MAX_ITEMS = 20_000         # commas per file (literal items); an embedded data table is not a model

_ASYNC_ARGUMENT = re.compile(r"(?<=[(,\s])async\s*=(?!=)")
_MAGIC_LINE = re.compile(r"^[ \t]*[%!][ \t]*\w", re.M)   # `!pip install`, `! pip install`
#: Python 2 constructs, as a person would name them, by the pattern that shows them.
_PY2_CONSTRUCTS = (
    (re.compile(r"^\s*print\s+[^\s(=.]|^\s*print\s*$"), "print statement"),
    (re.compile(r"^\s*exec\s+[\"'\w]"), "exec statement"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:"), "`except E, name:` clause"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,"), "`raise E, message` statement"),
    (re.compile(r"`[^`\n]+`"), "backtick repr"),
    (re.compile(r"<>"), "`<>` operator"),
    (re.compile(r"\b\d+[lL]\b"), "long integer literal"),
    (re.compile(r"(?<![\w.])0\d+\b"), "old octal literal"),
    (re.compile(r"\bur[\"']", re.I), "`ur` string prefix"),
)


def gate(text: str) -> str | None:
    """Why a text must not reach libcst, or None when it may."""
    lines = text.count("\n")
    if lines > MAX_LINES:   # 900,000 blank lines parse fast but cost everything after
        return f"too long to analyse ({lines} lines, over {MAX_LINES})"
    if text.count(",") > MAX_ITEMS:   # a 480,000-item literal: refuse before ast builds it
        return f"too large to analyse (over {MAX_ITEMS} items in literals)"
    try:
        tree = quiet_parse(text)
    except SyntaxError as exc:
        py2 = _python2(text, exc.lineno)
        if py2 is not None:
            return py2
        if _newer_python(text):
            return None
        return f"syntax error at line {exc.lineno}"
    except (RecursionError, MemoryError):
        return "pathologically nested code"
    except ValueError:
        return "invalid source (NUL bytes)"
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_NESTING:
            return f"pathologically nested code (over {MAX_NESTING} levels)"
        if count > MAX_NODES:
            return f"too large to analyse (over {MAX_NODES} syntax nodes)"
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def _python2(text: str, lineno: int | None) -> str | None:
    """"Python 2 print statement at line 3": the construct on the line where parsing
    failed (or the first one in the file), or None if the text does not read as Python 2."""
    lines = text.split("\n")
    if lineno and 0 < lineno <= len(lines):
        for pattern, construct in _PY2_CONSTRUCTS:
            if pattern.search(lines[lineno - 1]):
                return f"Python 2 {construct} at line {lineno}"
    # Elsewhere only the statements no Python 3 file has (a stray backtick or "<>" in
    # a string is not evidence).
    for i, line in enumerate(lines[:5_000]):
        for pattern, construct in _PY2_CONSTRUCTS[:4]:
            if pattern.search(line):
                return f"Python 2 {construct} at line {i + 1}"
    return None


MAX_NEWER_BYTES = 300_000   # texts only a newer Python parses go to libcst up to this


def _newer_python(text: str) -> bool:
    """True when a text that this Python's `ast` refuses is valid newer Python (PEP 695
    type parameters, PEP 701 f-strings on Python 3.11), which libcst's own parser reads.

    Without `ast`'s tree the nesting is estimated from brackets and indentation first,
    so that nothing pathological reaches libcst."""
    if sys.version_info >= (3, 12) or len(text) > MAX_NEWER_BYTES:
        return False
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    indents = (len(line) - len(line.lstrip()) for line in text.splitlines())
    if deepest > MAX_NESTING // 2 or max(indents, default=0) > MAX_NESTING * 2:
        return False
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return False
    return True


def parse(source: Source) -> tuple[ModuleInfo, list[str]]:
    """A ModuleInfo for a Source, and the reasons notebook cells were dropped.

    Raises Unreadable with the reason to record when the file cannot be analysed."""
    cell_failures: list[str] = []
    refused = gate(source.text)
    if refused is not None and refused.startswith("syntax error") and not source.is_notebook \
            and _MAGIC_LINE.search(source.text):
        # A notebook exported as .py keeps `%matplotlib inline` and `!pip install` lines.
        text = "\n".join(blank_magics(source.text.split("\n")))
        if gate(text) is None:
            source, refused = Source(source.rel, text), None
    if refused is not None and refused.startswith("syntax error") and \
            _ASYNC_ARGUMENT.search(source.text):
        # PyTorch before 0.4 spelled `non_blocking` as `.cuda(async=True)`, which no
        # Python since 3.7 parses: the keyword is renamed, every line keeps its place.
        text = _ASYNC_ARGUMENT.sub("async_=", source.text)
        if gate(text) is None:
            source, refused = dataclasses.replace(source, text=text), None
    if refused is not None:
        if not source.is_notebook or refused.startswith("too large"):
            raise Unreadable(refused)
        source, cell_failures = good_cells(source)
    try:
        tree = cst.parse_module(source.text)
        spans = node_spans(tree)
    except cst.ParserSyntaxError as exc:
        raise Unreadable(f"syntax error at line {exc.raw_line}") from None
    except RecursionError:
        raise Unreadable("pathologically nested code") from None
    remember_text(spans, source.text)
    imports = ImportMap.of(tree)
    imports.assume_conventional(source.text)
    imports.assume_keras_fragment(source.text)
    return ModuleInfo(source, tree, imports, LineIndex(source.text, spans)), cell_failures


def good_cells(source: Source) -> tuple[Source, list[str]]:
    """A notebook without the code cells that do not parse, and why each was dropped."""
    cells: dict[int, list[str]] = {}
    lines = source.text.split("\n")
    for i, cell in enumerate(source.cell_of):
        cells.setdefault(cell, []).append(lines[i])
    good: list[tuple[int, str]] = []
    failures: list[str] = []
    for cell, cell_lines in cells.items():
        text = "\n".join(cell_lines)
        refused = gate(text + "\n")
        if refused is None:
            good.append((cell, text))
        else:
            failures.append(f"cell {cell}: {refused}")
    return notebook_source(source.rel, good), failures


def node_spans(tree: cst.Module) -> Any:
    """Character spans of the nodes of `tree`, made as they are asked for.

    They come from libcst's own span-recording code generation (`MetadataWrapper.resolve`
    with `ByteSpanPositionProvider` would also walk the whole tree with a visitor and
    count bytes), driven one top-level statement at a time: a statement's spans are
    made when a node in it, or after it, is first asked for. A file whose code the
    interpreter never reaches past its first statements is never generated whole.
    Falls back to the public API if libcst changes."""
    try:
        return _LazySpans(tree, _counting_state())
    except (ImportError, AttributeError, TypeError):
        spans = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(ByteSpanPositionProvider)
        return _CharSpans(tree, spans)


class _LazySpans:
    """`get(node)`: the node's span, generating statements in order until it is known;
    `peek(node)`: the span only if it is already known."""

    def __init__(self, tree: cst.Module, state_class: Any) -> None:
        provider = ByteSpanPositionProvider()
        self.state = state_class(default_indent=tree.default_indent,
                                 default_newline=tree.default_newline,
                                 provider=provider, get_length=None)
        self.computed: Any = provider._computed
        self.tree = tree
        self.pending: Any = iter((*tree.header, *tree.body, *tree.footer))
        self.state.before_codegen(tree)

    def peek(self, node: cst.CSTNode) -> Any:
        return self.computed.get(node)

    def get(self, node: cst.CSTNode) -> Any:
        span = self.computed.get(node)
        if span is None and self.pending is not None:
            for statement in self.pending:
                statement._codegen(self.state)
                span = self.computed.get(node)
                if span is not None:
                    return span
            self.pending = None
            self.state.after_codegen(self.tree)
            span = self.computed.get(node)
        return span


@functools.cache
def _counting_state() -> Any:
    """libcst's span-recording codegen state, made to count characters instead of
    keeping the code it generates, and to record a node's position without a generator
    context manager: together they halve the cost of spans, the largest part of parsing."""
    from libcst.metadata.span_provider import CodeSpan, SpanProvidingCodegenState

    class Position:
        __slots__ = ("state", "node", "start_node", "end_node", "start")

        def __init__(self, state: Any, node: Any, start_node: Any, end_node: Any) -> None:
            self.state, self.node = state, node
            self.start_node, self.end_node = start_node, end_node

        def __enter__(self) -> None:
            self.start = self.state.position

        def __exit__(self, *exc: object) -> None:
            computed = self.state.provider._computed
            start = computed[self.start_node].start if self.start_node is not None \
                else self.start
            if self.end_node is not None:
                end_span = computed[self.end_node]
                length = end_span.start + end_span.length - start
            else:
                length = self.state.position - start
            computed[self.node] = CodeSpan(start, length)

    class CountingState(SpanProvidingCodegenState):
        def add_token(self, value: str) -> None:
            self.position += len(value)

        def add_indent_tokens(self) -> None:
            for token in self.indent_tokens:
                self.position += len(token)

        def pop_trailing_newline(self) -> None:
            pass   # the end of the module's own span, which nothing reads

        def record_syntactic_position(self, node: Any, *, start_node: Any = None,
                                      end_node: Any = None) -> Any:
            return Position(self, node, start_node, end_node)

    return CountingState


class _CharSpans:
    """Byte spans of the public API seen as character spans (for non-ASCII text)."""

    def __init__(self, tree: cst.Module, spans: Any) -> None:
        self.data = tree.code.encode("utf-8")
        self.spans = spans

    def peek(self, node: cst.CSTNode) -> Any:
        return self.get(node)

    def get(self, node: cst.CSTNode) -> Any:
        from libcst.metadata import CodeSpan

        span = self.spans.get(node)
        if span is None:
            return None
        start = len(self.data[: span.start].decode("utf-8", "replace"))
        length = len(self.data[span.start: span.start + span.length].decode("utf-8", "replace"))
        return CodeSpan(start, length)


class LineIndex:
    """Node -> line lookups from character spans (cheaper to compute than full
    line/column positions; lines are found by bisecting newline offsets on demand)."""

    def __init__(self, text: str, spans: Any) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.spans = spans

    def _line(self, offset: int) -> int:
        return bisect.bisect_right(self.newlines, offset - 1) + 1

    def start(self, node: cst.CSTNode) -> int:
        span = self.spans.get(node)
        return self._line(span.start) if span is not None else 0

    def end(self, node: cst.CSTNode) -> int:
        span = self.spans.get(node)
        return self._line(span.start + max(span.length - 1, 0)) if span is not None else 0
