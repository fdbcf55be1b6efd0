"""IAM JSON policy documents -> :class:`PolicyDocument`, refusing what IAM refuses to store.

Grammar: IAM JSON policy element reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html) and the
policy grammar page (reference_policies_grammar.html): ``Statement`` is one object or a list;
each has ``Effect`` ``Allow``/``Deny``, exactly one of ``Action``/``NotAction``, at most one of
``Resource``/``NotResource`` and of ``Principal``/``NotPrincipal``; element values are a string
or a list of strings; ``Condition`` maps an operator to ``{key: value or [values]}`` where a
value is a string, number or boolean. Errors carry the key path inside the document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from eks_access.model.iam import (
    Condition,
    Effect,
    PolicyDocument,
    PrincipalSpec,
    SetQualifier,
    Statement,
)
from eks_access.model.values import kind_of

_QUALIFIERS: tuple[SetQualifier, ...] = ("ForAnyValue", "ForAllValues")


class DocumentError(ValueError):
    """A policy document IAM would refuse; ``path`` is the key path inside the document."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


def parse_document(value: str | Mapping[str, Any]) -> PolicyDocument:
    """A document from the JSON string the AWS provider takes, or an already-parsed mapping."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as err:
            raise DocumentError("", f"not valid JSON ({err})") from None
    if not isinstance(value, Mapping):
        raise DocumentError("", f"expected a JSON object, got {kind_of(value)}")
    version = value.get("Version")
    if version is not None and not isinstance(version, str):
        raise DocumentError("Version", f"expected a string, got {kind_of(version)}")
    if "Statement" not in value:
        raise DocumentError("Statement", "is required")
    raw = value["Statement"]
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list):
        raise DocumentError("Statement", f"expected an object or a list of objects, got {kind_of(raw)}")
    return PolicyDocument(tuple(_statement(s, i) for i, s in enumerate(items)), version)


def _statement(raw: Any, index: int) -> Statement:
    path = f"Statement[{index}]"
    if not isinstance(raw, Mapping):
        raise DocumentError(path, f"expected an object, got {kind_of(raw)}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise DocumentError(f"{path}.Effect", f"must be Allow or Deny, got {effect!r}")
    _one_of(raw, path, "Action", "NotAction", required=True)
    _one_of(raw, path, "Resource", "NotResource", required=False)
    _one_of(raw, path, "Principal", "NotPrincipal", required=False)
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise DocumentError(f"{path}.Sid", f"expected a string, got {kind_of(sid)}")
    checked: Effect = "Allow" if effect == "Allow" else "Deny"
    return Statement(
        index=index,
        effect=checked,
        sid=sid,
        actions=_strings(raw, "Action", path),
        not_actions=_strings(raw, "NotAction", path),
        resources=_strings(raw, "Resource", path),
        not_resources=_strings(raw, "NotResource", path),
        principal=_principal(raw, "Principal", path),
        not_principal=_principal(raw, "NotPrincipal", path),
        conditions=_conditions(raw.get("Condition"), f"{path}.Condition"),
    )


def _one_of(raw: Mapping[str, Any], path: str, a: str, b: str, *, required: bool) -> None:
    if a in raw and b in raw:
        raise DocumentError(path, f"has both {a} and {b}; a statement takes one")
    if required and a not in raw and b not in raw:
        raise DocumentError(path, f"needs {a} or {b}")


def _strings(raw: Mapping[str, Any], key: str, path: str) -> tuple[str, ...] | None:
    if key not in raw:
        return None
    value = raw[key]
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DocumentError(f"{path}.{key}", f"expected a string or a list of strings, got {kind_of(value)}")
    return tuple(values)


def _principal(raw: Mapping[str, Any], key: str, path: str) -> PrincipalSpec | None:
    if key not in raw:
        return None
    value = raw[key]
    if value == "*":
        return PrincipalSpec(everyone=True)
    if not isinstance(value, Mapping):
        raise DocumentError(f"{path}.{key}", f"expected \"*\" or an object of principal lists, got {kind_of(value)}")
    entries: list[tuple[str, str]] = []
    for kind, values in value.items():
        listed = [values] if isinstance(values, str) else values
        if not isinstance(kind, str) or not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
            raise DocumentError(f"{path}.{key}.{kind}", f"expected a string or a list of strings, got {kind_of(values)}")
        entries.extend((kind, v) for v in listed)
    return PrincipalSpec(everyone=False, entries=tuple(entries))


def _conditions(raw: Any, path: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise DocumentError(path, f"expected an object of condition operators, got {kind_of(raw)}")
    out: list[Condition] = []
    for written, block in raw.items():
        if not isinstance(block, Mapping):
            raise DocumentError(f"{path}.{written}", f"expected an object of condition keys, got {kind_of(block)}")
        qualifier, operator, if_exists = split_operator(str(written))
        for key, values in block.items():
            out.append(Condition(operator, str(key), _condition_values(values, f"{path}.{written}.{key}"), if_exists, qualifier))
    return tuple(out)


def split_operator(written: str) -> tuple[SetQualifier | None, str, bool]:
    """``ForAnyValue:StringLikeIfExists`` -> (``ForAnyValue``, ``StringLike``, True)."""
    qualifier: SetQualifier | None = None
    for q in _QUALIFIERS:
        if written.startswith(q + ":"):
            qualifier, written = q, written[len(q) + 1 :]
            break
    if written.endswith("IfExists") and written != "IfExists":
        return qualifier, written[: -len("IfExists")], True
    return qualifier, written, False


def _condition_values(values: Any, path: str) -> tuple[str, ...]:
    listed = values if isinstance(values, list) else [values]
    out: list[str] = []
    for v in listed:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, int | float):
            out.append(json.dumps(v))
        elif isinstance(v, str):
            out.append(v)
        else:
            raise DocumentError(path, f"expected strings, numbers or booleans, got {kind_of(v)}")
    return tuple(out)
