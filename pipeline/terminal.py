"""Text from repositories, made safe to print on a person's terminal.

File names, model names, layer arguments and failure reasons come from mined
repositories and users' files. Printed raw, a name holding an escape sequence
("\\x1b[2J", "\\x1b]8;;...") would clear the screen or forge a link, and a name holding
rich markup ("[red]", "[link=...]") would be styled by rich. So every such text goes
through `shown` (control characters written out as `\\x1b`, `\\r`, `\\u202e`) and,
where rich prints it, through `plain` (a `rich.text.Text`, which rich never reads as
markup). JSON output escapes C0 controls itself; `json_for_terminal` escapes the rest.
"""

from __future__ import annotations

from rich.text import Text

#: C0 and C1 control characters, DEL, and the Unicode marks that reorder or break
#: what a terminal shows (bidirectional overrides and isolates, line separators).
_INVISIBLE = ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029",
              *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
_CONTROLS = [*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0))]

_SHOWN = str.maketrans({c: f"\\x{ord(c):02x}" for c in _CONTROLS}
                       | {c: f"\\u{ord(c):04x}" for c in _INVISIBLE})
#: In JSON text: C0 controls are already escaped by json.dumps; the others are not.
_JSON = str.maketrans({c: f"\\u{ord(c):04x}" for c in _CONTROLS[0x20:] + _INVISIBLE})


def shown(text: object) -> str:
    """`text` with every control character written out (`\\x1b`, `\\x0d`, `\\u202e`)."""
    return str(text).translate(_SHOWN)


def plain(text: object) -> Text:
    """A rich Text of `shown(text)`: printed as it is, never read as markup."""
    return Text(shown(text))


def json_for_terminal(text: str) -> str:
    """JSON text (from json.dumps) with DEL, C1 controls and bidirectional marks in its
    strings written as \\uXXXX escapes: the same JSON value, safe on a terminal."""
    return text.translate(_JSON)
