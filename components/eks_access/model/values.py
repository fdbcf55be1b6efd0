"""Values a plan may hold that are not values: Pulumi's preview unknowns.

A first ``pulumi preview`` does not know the outputs of resources that do not exist yet (a
role's ARN, a JSON policy built from it); ``eks-access plan --preview`` writes them as Pulumi's
unknown sentinel string (pulumi/pulumi ``sdk/python/lib/pulumi/runtime/rpc.py``
``UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"``). The model never treats that string as a
value: a field that held it is stored as absent (``None`` or left out of a list) and its key
path is listed in the object's ``unknowns``, so every consumer can say "unknown" instead of
guessing.
"""

from __future__ import annotations

from typing import Any

UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""Pulumi's unknown-value sentinel (``pulumi.runtime.rpc.UNKNOWN``), as plan.json writes it."""


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value == UNKNOWN_SENTINEL


def contains_unknown(value: Any) -> bool:
    """True when the sentinel appears anywhere inside ``value`` (strings, lists, mappings)."""
    if isinstance(value, str):
        return UNKNOWN_SENTINEL in value
    if isinstance(value, dict):
        return any(contains_unknown(k) or contains_unknown(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def kind_of(value: Any) -> str:
    """A value's JSON kind, for messages: ``string``, ``number``, ``list``, ``object``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
