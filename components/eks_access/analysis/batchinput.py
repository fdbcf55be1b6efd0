"""JSON lines in and out (``can-i --batch``), strictly and as a stream.

Input is split on ``\\n`` only (a ``\\r`` before it is dropped), never on U+2028, U+0085 or the
other characters ``str.splitlines`` breaks on: inside a JSON string they are ordinary text
(RFC 8259 section 7 lets them appear unescaped). A line is read with a bounded ``readline``, so
no line and no input size ever fills memory; stdin and files go through the same reader.

Every line must be one JSON text as RFC 8259 defines it, in UTF-8 (section 8.1), or it is
refused naming its line:

- bytes that are not UTF-8;
- ``NaN``, ``Infinity`` and ``-Infinity``, which Python's ``json`` accepts but are no JSON;
- an escaped lone surrogate (``"\\ud800"``): RFC 8259 section 8.2 leaves its behaviour
  unpredictable and I-JSON (RFC 7493 section 2.1) forbids it; it is not text;
- a name twice in one object: RFC 8259 section 4 says names SHOULD be unique and leaves
  duplicates' meaning to the implementation, I-JSON section 2.3 says MUST NOT; we refuse them
  rather than silently keep the last one;
- nesting deeper than ``MAX_DEPTH`` (also what stops a 100,000-deep line short of a
  RecursionError).

Numbers are kept as written (``JsonNumber``) so an ``id`` is echoed exactly: ``1.10``,
``-0`` and ``1e400`` come back as given, not as ``1.1``, ``0`` or an invalid ``Infinity``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from eks_access.errors import UsageError
from eks_access.escape.json import escape_hidden
from eks_access.jsonstrict import NotJson, refuse_constant, unique_object
from eks_access.safeio import nesting_exceeds

MAX_LINE_BYTES = 1024 * 1024
MAX_DEPTH = 64
_WHITESPACE = b" \t\r\n"  # RFC 8259 section 2: the only insignificant whitespace
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonNumber:
    """A JSON number exactly as written in the input."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class LineSource(Protocol):
    """What ``read_lines`` reads: a binary stream's ``readline`` (stdin's buffer, an open file)."""

    def readline(self, size: int = -1, /) -> bytes: ...


def read_lines(stream: LineSource, where: str, limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of ``stream`` without their terminators, read one at a time; a line longer
    than ``limit`` bytes, or a read error, is a ``UsageError`` naming ``WHERE:LINE``."""
    number = 0
    while True:
        number += 1
        try:
            chunk = stream.readline(limit + 2)
        except OSError as err:
            raise UsageError(f"{where}:{number}: cannot be read ({err.strerror or err})") from None
        if not chunk:
            return
        line = chunk[:-1] if chunk.endswith(b"\n") else chunk
        line = line[:-1] if chunk.endswith(b"\r\n") else line
        if len(line) > limit:
            raise UsageError(f"{where}:{number}: the line is longer than {limit} bytes")
        yield line


def as_bytes(raw: str | bytes) -> bytes:
    """A line given as text (by a library caller) as the bytes it would be read as."""
    return raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw


def is_blank(data: bytes) -> bool:
    return not data.strip(_WHITESPACE)


def parse_line(data: bytes, where: str) -> Any:
    """The JSON value of one line (not blank); ``where`` is ``FILE:LINE``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"{where}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise UsageError(f"{where}: nests deeper than {MAX_DEPTH} levels") from None
    except NotJson as err:
        raise UsageError(f"{where}: {err}") from None
    except json.JSONDecodeError as err:
        raise UsageError(f"{where}: not JSON ({err.msg} at column {err.colno})") from None
    if nesting_exceeds(value, MAX_DEPTH):
        raise UsageError(f"{where}: nests deeper than {MAX_DEPTH} levels")
    if _SURROGATE_ESCAPE.search(text) and _has_surrogate(value):
        raise UsageError(f"{where}: contains a lone surrogate escape (such as \\ud800), which is not text")
    return value


def dumps_line(echo: Mapping[str, Any], doc: Mapping[str, Any]) -> str:
    """``echo`` (values read by ``parse_line``, numbers as written) then ``doc``, as one JSON
    object on one line."""
    head = ",".join(f"{_scalar(key)}:{_dumps(value)}" for key, value in echo.items())
    body = _scalar(doc)
    if head:
        body = "{" + head + ("," + body[1:] if len(body) > 2 else "}")
    # Characters some line splitters break on (str.splitlines, JavaScript before ES2019) and the
    # other invisible ones (bidi overrides) are escaped, so an answer stays one visible line.
    return escape_hidden(body)


def _dumps(value: Any) -> str:
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{_scalar(str(k))}:{_dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from elsewhere: the ASCII form is still JSON
        text = json.dumps(value, allow_nan=False, separators=(",", ":"))
    return text


def _has_surrogate(value: Any) -> bool:
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


_DECODER = json.JSONDecoder(object_pairs_hook=unique_object, parse_constant=refuse_constant, parse_int=JsonNumber,
                            parse_float=JsonNumber)  # fmt: skip


__all__ = ["MAX_DEPTH", "MAX_LINE_BYTES", "JsonNumber", "LineSource", "as_bytes", "dumps_line", "is_blank", "parse_line", "read_lines"]
