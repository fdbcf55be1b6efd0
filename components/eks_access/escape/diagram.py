"""Names in diagram sources: Mermaid node and edge labels, Graphviz DOT strings.

Mermaid (https://mermaid.js.org/syntax/flowchart.html, "Entity codes to escape characters"):
inside a quoted label ``#name;`` and ``#123;`` are entity codes and ``"`` ends the label, so
``#``, ``"``, and the characters a label rendered as HTML would read (``<``, ``>``, ``&``) or a
markdown string would (a backtick) are written as numeric entity codes. DOT
(https://graphviz.org/doc/info/lang.html, "ID"): in a double-quoted string only ``\\"`` is an
escape, and a backslash before ``n``, ``l`` or ``r`` is a line break in a label
(https://graphviz.org/docs/attr-types/escString/), so backslashes are doubled. In both, control and
invisible characters are first shown as escapes (:func:`eks_access.escape.text.visible`), so a
name cannot start another statement.
"""

from __future__ import annotations

from eks_access.escape.text import visible

_MERMAID = {c: f"#{ord(c)};" for c in '#"<>&`'}


def mermaid_label(name: str) -> str:
    """The inside of a double-quoted Mermaid label."""
    return "".join(_MERMAID.get(c, c) for c in visible(name))


def dot_string(name: str) -> str:
    """A complete double-quoted DOT string."""
    return '"' + visible(name).replace("\\", "\\\\").replace('"', '\\"') + '"'
