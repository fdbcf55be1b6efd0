"""JSON as RFC 8259 defines it, for every reader of a user's JSON text (plan.json, batch lines,
JSON-valued stack config): Python's ``json`` module also accepts ``NaN``, ``Infinity`` and
``-Infinity`` (RFC 8259 section 6 has no such numbers) and keeps the last of duplicate names
(section 4: names SHOULD be unique; I-JSON, RFC 7493 section 2.3, MUST NOT repeat them).
"""

from __future__ import annotations

import json
from typing import Any, NoReturn


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
