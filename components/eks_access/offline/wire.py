"""Values on the engine wire and in plan records: protobuf Structs, unknowns, references.

The Pulumi engine speaks ``google.protobuf.Struct``; the plan speaks plain JSON. Three
wire conventions matter (pulumi sdk/python/lib/pulumi/runtime/rpc.py, ``_special_sig_key``):
a resource reference is ``{SIG: RESOURCE_SIG, urn, ...}``, a secret is
``{SIG: SECRET_SIG, value}``, and a value a preview does not know yet is the string
:data:`UNKNOWN`. References become ``{"$ref": "<short type>::<logical name>"}``
(docs/plan-format.md), secrets are unwrapped (the plan is for review, not for access) and
unknowns stay the sentinel string, so None ("known to be empty") and "not known yet" never
merge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2

# What ``pulumi preview --json`` shows for a value that exists only after ``pulumi up``
# (pulumi sdk/python/lib/pulumi/runtime/rpc.py: UNKNOWN); defined once, in model.values.
from eks_access.model.values import is_unknown
from eks_access.plan.reader import UNKNOWN

__all__ = ["UNKNOWN", "has_ref", "has_unknown", "is_unknown", "plain_to_struct", "ref_label", "ref_name", "struct_to_plain"]

_SIG = "4dabf18193072939515e22adb298388d"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def has_unknown(value: Any) -> bool:
    """True when ``value`` is, or contains, the unknown sentinel."""
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def struct_to_plain(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A request's property Struct as plain Python, with the conventions above applied."""
    return {key: _value(item) for key, item in struct.fields.items()}


def _value(item: struct_pb2.Value) -> Any:
    kind = item.WhichOneof("kind")
    if kind == "string_value":
        return item.string_value
    if kind == "number_value":
        number = item.number_value
        return int(number) if number.is_integer() else number  # the wire has only doubles
    if kind == "bool_value":
        return item.bool_value
    if kind == "list_value":
        return [_value(v) for v in item.list_value.values]
    if kind == "struct_value":
        return _special(item.struct_value)
    return None


def _special(struct: struct_pb2.Struct) -> Any:
    fields = struct.fields
    sig = fields[_SIG].string_value if _SIG in fields else None
    if sig == _RESOURCE_SIG:
        return {"$ref": ref_label(fields["urn"].string_value)}
    if sig == _SECRET_SIG:
        return _value(fields["value"]) if "value" in fields else None
    return {key: _value(v) for key, v in fields.items()}


def ref_label(urn: str) -> str:
    """``<short type>::<logical name>`` of a URN, the plan's spelling of a reference."""
    parts = urn.split("::")
    if len(parts) < 4:
        return urn
    qualified_type = parts[2].rsplit("$", 1)[-1]
    return f"{qualified_type.rsplit(':', 1)[-1]}::{parts[-1]}"


def ref_name(value: Any) -> str | None:
    """The logical name a ``{"$ref": ...}`` value points at, or None for anything else."""
    if isinstance(value, Mapping) and isinstance(value.get("$ref"), str):
        return str(value["$ref"]).split("::", 1)[-1]
    return None


def has_ref(value: Any) -> bool:
    if isinstance(value, Mapping):
        return "$ref" in value or any(has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(has_ref(v) for v in value)
    return False


def plain_to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """The Struct the engine would send back; values are plain JSON (state never holds references)."""
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct
