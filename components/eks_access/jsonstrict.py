"""JSON as RFC 8259 defines it, for every reader of a user's JSON text (plan.json, batch lines,
JSON-valued stack config): Python's ``json`` module also accepts ``NaN``, ``Infinity`` and
``-Infinity`` (RFC 8259 section 6 has no such numbers) and keeps the last of duplicate names
(section 4: names SHOULD be unique; I-JSON, RFC 7493 section 2.3, MUST NOT repeat them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn

from eks_access.errors import one_line


class NotJson(ValueError):
    """Text that Python's json module decodes but RFC 8259 (or I-JSON) does not allow."""


def refuse_constant(name: str) -> NoReturn:
    """``parse_constant`` for ``json.loads``: NaN, Infinity and -Infinity are refused."""
    raise NotJson(f"{name} is not a JSON value")


def unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for ``json.loads``: a name twice in one object is refused."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise NotJson(f"the name {json.dumps(key)} appears twice in one object")
            seen.add(key)
    return out


def json_kind(value: object) -> str:
    """What a decoded JSON value is, in JSON's words, for a message (``a number``, ``an array``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a number"  # int, float, or a reader's own exact-number type


def load_document(data: bytes, what: str, max_depth: int, fail: Callable[[str], Exception]) -> Any:
    """The JSON value of a whole file's bytes (UTF-8, RFC 8259, no duplicate names), or
    ``fail(reason)`` raised: ``is not UTF-8 text``, ``nests deeper than N levels`` (never a
    RecursionError), ``is not a WHAT: <the decoder's message>``."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=refuse_constant, object_pairs_hook=unique_object)
    except RecursionError:
        raise fail(f"nests deeper than {max_depth} levels") from None
    except UnicodeDecodeError:
        raise fail("is not UTF-8 text") from None
    except ValueError as err:
        raise fail(f"is not {what}: {one_line(str(err))}") from None
