"""IAM identity policy documents a user writes (``inlinePolicy``), checked against IAM's grammar.

Source: IAM JSON policy element reference,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html (Version, Id,
Statement as one object or a list, Sid, Effect, Action/NotAction, Resource/NotResource,
Principal/NotPrincipal, Condition) and the grammar page
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html; condition
operators from .../reference_policies_elements_condition_operators.html (every operator may take
``IfExists`` except ``Null``; ``ForAllValues:``/``ForAnyValue:`` qualify multivalued keys).
An inline policy is an *identity* policy: IAM refuses a Principal in it ("Policy document should
not specify a principal", PutRolePolicy MalformedPolicyDocument).

The returned document is what IAM receives: ``Statement`` always a list (a single object is
valid IAM and means the same), ``Version`` 2012-10-17.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from eks_access.errors import SpecError
from eks_access.limits import (
    IAM_INLINE_POLICY_AGGREGATE_ROLE_MAX,
    iam_policy_length,
    iam_policy_text_problem,
)
from eks_access.spec.fields import check_keys, expect_mapping, expect_str, index, join, kind

_BASE_OPERATORS = (
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
)
#: Every operator IAM accepts: the base operators, their ``IfExists`` forms (not ``Null``), and
#: both with a ``ForAllValues:``/``ForAnyValue:`` set qualifier.
CONDITION_OPERATORS: frozenset[str] = frozenset(
    f"{qualifier}{op}{suffix}"
    for op in _BASE_OPERATORS
    for suffix in (("",) if op == "Null" else ("", "IfExists"))
    for qualifier in ("", "ForAllValues:", "ForAnyValue:")
)
_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal")
_ACTION = re.compile(r"\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+", re.ASCII)
_RESOURCE = re.compile(r"\*|arn:[^:\s]*:[^:\s]*:[^:\s]*:[^:\s]*:\S+", re.ASCII)
_SID = re.compile(r"[A-Za-z0-9]*", re.ASCII)
_VERSIONS = ("2012-10-17",)


def load_policy_document(raw: object, path: str) -> dict[str, Any]:
    """An IAM identity policy, grammar and size checked; errors name the key path."""
    data = expect_mapping(raw, path)
    check_keys(data, path, ("Version", "Id", "Statement"), required=("Statement",))
    version = data.get("Version", "2012-10-17")
    if version not in _VERSIONS:
        raise SpecError(join(path, "Version"), "must be '2012-10-17' (the current IAM policy language version)")
    if "Id" in data:
        expect_str(data["Id"], join(path, "Id"))
    raw_statements = data["Statement"]
    spath = join(path, "Statement")
    if isinstance(raw_statements, Mapping):
        statements = [_statement(raw_statements, spath)]
    elif isinstance(raw_statements, list) and raw_statements:
        statements = [_statement(s, index(spath, i)) for i, s in enumerate(raw_statements)]
    else:
        raise SpecError(spath, "must be a statement object or a non-empty list of them")
    document: dict[str, Any] = {"Version": "2012-10-17", **({"Id": data["Id"]} if "Id" in data else {}), "Statement": statements}
    _check_text(document, path)
    length = iam_policy_length(document)
    if length > IAM_INLINE_POLICY_AGGREGATE_ROLE_MAX:
        raise SpecError(path, f"is {length} characters (white space not counted); IAM allows at most "
                              f"{IAM_INLINE_POLICY_AGGREGATE_ROLE_MAX} of inline policy per role")
    return document


def _statement(raw: object, path: str) -> dict[str, Any]:
    s = expect_mapping(raw, path)
    check_keys(s, path, _STATEMENT_KEYS, required=("Effect",))
    for key in ("Principal", "NotPrincipal"):
        if key in s:
            raise SpecError(join(path, key), "an identity policy names no principal (IAM refuses it: "
                                             "\"Policy document should not specify a principal\"); trust goes in the role's trust policy")
    if "Sid" in s and not (isinstance(s["Sid"], str) and _SID.fullmatch(s["Sid"])):
        raise SpecError(join(path, "Sid"), "must be letters and digits only")
    if s["Effect"] not in ("Allow", "Deny"):
        raise SpecError(join(path, "Effect"), f"must be 'Allow' or 'Deny', got {s['Effect']!r}")
    _one_of(s, path, "Action", "NotAction", _ACTION, "an action such as 's3:GetObject' or '*'")
    _one_of(s, path, "Resource", "NotResource", _RESOURCE, "an ARN (arn:partition:service:region:account:resource) or '*'")
    if "Condition" in s:
        _condition(s["Condition"], join(path, "Condition"))
    return dict(s)


def _one_of(s: Mapping[str, Any], path: str, key: str, not_key: str, pattern: re.Pattern[str], what: str) -> None:
    if key in s and not_key in s:
        raise SpecError(path, f"has both {key} and {not_key}; a statement takes one of them")
    name = key if key in s else not_key
    if name not in s:
        raise SpecError(join(path, key), f"is required ({key} or {not_key})")
    value = s[name]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise SpecError(join(path, name), f"must be a string or a non-empty list of strings, got {kind(value)}")
    for i, item in enumerate(items):
        at = join(path, name) if isinstance(value, str) else index(join(path, name), i)
        if not isinstance(item, str) or not pattern.fullmatch(item):
            raise SpecError(at, f"{item!r} is not {what}")


def _condition(raw: object, path: str) -> None:
    block = expect_mapping(raw, path)
    if not block:
        raise SpecError(path, "must not be empty")
    for operator, entries in block.items():
        op_path = join(path, operator)
        if operator not in CONDITION_OPERATORS:
            raise SpecError(op_path, "is not an IAM condition operator (e.g. StringEquals, ArnLike, Bool, "
                                     "NumericLessThanIfExists, ForAnyValue:StringLike)")
        keys = expect_mapping(entries, op_path)
        if not keys:
            raise SpecError(op_path, "must name at least one condition key")
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            if not values:
                raise SpecError(join(op_path, key), "must have at least one value")
            for i, item in enumerate(values):
                at = index(join(op_path, key), i) if isinstance(value, list) else join(op_path, key)
                if item is None or not isinstance(item, (str, int, float, bool)):
                    raise SpecError(at, f"a condition value is a string, number or boolean, got {kind(item)}")
                boolean = operator.endswith("Null") or operator.removesuffix("IfExists").endswith("Bool")
                if boolean and str(item).lower() not in ("true", "false"):
                    raise SpecError(at, f"{operator} takes true or false, got {item!r}")


def _check_text(value: Any, path: str) -> None:
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            problem = iam_policy_text_problem(item)
            if problem:
                raise SpecError(at, problem)
        elif isinstance(item, Mapping):
            for k, v in item.items():
                problem = iam_policy_text_problem(str(k))
                if problem:
                    raise SpecError(join(at, str(k)), f"key {problem}")
                stack.append((v, join(at, str(k))))
        elif isinstance(item, list):
            stack.extend((v, index(at, i)) for i, v in enumerate(item))

