"""JSON text in which a name's invisible characters are ``\\u`` escapes, not raw characters.

``json.dumps(..., ensure_ascii=False)`` (readable non-ASCII names) escapes only C0 controls,
quote and backslash (RFC 8259 §7), and leaves U+2028, U+202E and the other characters of
:data:`eks_access.escape.text.HIDDEN_CATEGORIES` raw, so a terminal showing the JSON acts on them.
Outside strings JSON text holds only printable ASCII and whitespace, so replacing each such character by its ``\\uXXXX``
escape (a surrogate pair above U+FFFF, RFC 8259 §7) yields the same value.
"""

from __future__ import annotations

import json
from typing import Any

from eks_access.escape.text import hidden


def _u(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def dumps(obj: Any, *, indent: int | None = None, separators: tuple[str, str] | None = None) -> str:
    return escape_hidden(json.dumps(obj, indent=indent, separators=separators, ensure_ascii=False))


def escape_hidden(text: str) -> str:
    """JSON text with every invisible or line-breaking character (U+0085, U+2028, U+202E...) as a ``\\u`` escape."""
    if text.isascii():
        return text
    return "".join(_u(c) if c > "~" and hidden(c) else c for c in text)
