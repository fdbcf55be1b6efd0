"""Names for a terminal: every character that is not printed as itself is shown as an escape.

A name is printed as the characters it holds, except those a terminal or a reader would act on
or not see: C0 and C1 controls (ESC starts ANSI sequences, CR rewrites the line, NEL U+0085 and
LF end it), the line and paragraph separators U+2028/U+2029, and format characters (Unicode
category Cf: the bidirectional overrides U+202A-U+202E and isolates U+2066-U+2069 that reorder
what follows, "Trojan Source", CVE-2021-42574; zero-width joiners and spaces; tag characters).
They are shown as Python-style escapes (``\\x1b``, ``\\u202e``, ``\\U000e0001``).
"""

from __future__ import annotations

import re
import unicodedata

#: Unicode general categories never printed raw: controls, format, line and paragraph separators,
#: surrogates (a lone one cannot be encoded) and unassigned code points.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})

#: Marker a shortened name ends with, followed by how much was left out.
ELLIPSIS = "…"

_ASCII_PRINTABLE = re.compile(r"[ -~]*")


def hidden(char: str) -> bool:
    """True for a character a terminal would act on or a reader would not see."""
    return unicodedata.category(char) in HIDDEN_CATEGORIES


def escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every hidden character replaced by its escape; printable text unchanged."""
    if _ASCII_PRINTABLE.fullmatch(text):
        return text
    return "".join(escape_char(c) if hidden(c) else c for c in text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a visible marker saying how many were cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}{ELLIPSIS}({len(text) - limit} more characters)"


def lines(parts: list[str]) -> str:
    """Lines joined for a terminal, each made visible: a name inside a line cannot start another."""
    return "\n".join(visible(line) for line in parts)
