"""Names for GitHub-flavoured markdown (a pull-request comment) that render as the text they hold.

Grammar: the GFM spec (https://github.github.com/gfm/), which GitHub renders comments with
(cmark-gfm). A name goes into a code span (GFM §6.1): its delimiter is a backtick run longer
than any run inside the name, padded with a space when the name starts or ends with a backtick
or space (the spec strips one space from each side), so no backtick in the name can close it.
Code spans are not parsed further, so HTML, links and emphasis stay text, and GitHub does not
turn ``@name`` or ``#123`` inside code into mentions or references. In a table cell a ``|``
ends the cell even inside a code span; GFM §4.10 lets ``\\|`` stand for it there. Line breaks
would end the table row, so control and invisible characters are shown as escapes first
(:func:`eks_access.escape.text.visible`).

Prose around names (a finding's message, which quotes names) is escaped as text instead: the
punctuation that can start inline markup is backslash-escaped (GFM §2.4 lets any ASCII
punctuation be): code spans, emphasis and strikethrough, links and images, raw HTML and entity
references, table pipes and GitHub's ``$`` math; so are the ``:`` of ``://`` and the ``.`` of
``www.``, which would start an extended autolink (GFM §6.9). The mentions and references GitHub
adds after rendering (``@user``, ``#123``) ignore backslashes, so ``@`` and ``#`` are followed by
a zero-width space (``&#8203;``): the text reads the same but is no longer a mention, an e-mail
autolink or an issue reference (the way Renovate's pull requests quote ``@`` names). Other
punctuation only matters at the start of a line, which a table cell never is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from eks_access.escape.text import shorten, visible

#: GitHub refuses a comment body over 65,536 characters: its REST API answers 422 "Body is too
#: long (maximum is 65536 characters)" (as seen in telia-oss/github-pr-resource#259).
GITHUB_COMMENT_LIMIT = 65536

_BACKTICKS = re.compile(r"`+")
_INLINE = re.compile(r"([\\`*_~\[\]<>&|$])|(?=://)|(?i:(?<=www)(?=\.))")
_SPACED = {"@": "@&#8203;", "#": "#&#8203;"}


def code(name: str, limit: int | None = None, *, table: bool = True) -> str:
    """``name`` as an unbreakable code span; longer than ``limit``, shortened. In a table cell
    (``table``) a ``|`` is written ``\\|``; elsewhere that would show the backslash."""
    text = visible(name if limit is None else shorten(name, limit))
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    shown = text.replace("|", chr(92) + "|") if table else text
    return f"{fence}{pad}{shown}{pad}{fence}"


def fit(head: list[str], rows: list[str], limit: int, left_out: Callable[[int], str]) -> str:
    """``head`` and as many ``rows`` as fit in ``limit`` characters; when some do not, a closing
    line ``left_out(n)`` says how many were left out (the rows are ordered most important first)."""
    text = "\n".join([*head, *rows, ""])
    if len(text) <= limit:
        return text
    size = sum(len(line) + 1 for line in head)
    kept: list[str] = []
    for row in rows:
        note = left_out(len(rows) - len(kept) - 1)
        if size + len(row) + 1 + len(note) + 2 > limit:
            break
        kept.append(row)
        size += len(row) + 1
    return "\n".join([*head, *kept, "", left_out(len(rows) - len(kept)), ""])


def prose(text: str, limit: int | None = None) -> str:
    """``text`` as markdown text that renders as itself; longer than ``limit``, shortened."""
    shown = visible(text if limit is None else shorten(text, limit))
    escaped = _INLINE.sub(lambda m: "\\" + (m.group(1) or ""), shown)
    return "".join(_SPACED.get(c, c) for c in escaped) if "@" in escaped or "#" in escaped else escaped
