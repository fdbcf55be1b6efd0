"""Condition operators, evaluated as IAM does, in three values: true, false, or not known yet.

IAM User Guide, "IAM JSON policy elements: Condition operators"
(reference_policies_elements_condition_operators.html):
- a key not in the request makes a condition false, except that negated operators
  (``StringNotLike``, ``ArnNotLike``, ...) are then true; ``...IfExists`` is true when the key
  is absent; ``Null`` tests presence itself;
- several values for one key are ORed; for a negated operator they are NORed
  ("Conditions with multiple context keys or values");
- ``ForAnyValue:`` is true when at least one request value matches (false when the key is
  absent); ``ForAllValues:`` when every request value matches (true when the key is absent)
  (reference_policies_condition-single-vs-multi-valued-context-keys.html);
- policy variables work in String and ARN operators only (reference_policies_variables.html).
A key the analyzer has no value for leaves the condition unknown: the caller gets it back as
a structured requirement instead of a guessed answer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from eks_access.authz.iam.context import RequestContext
from eks_access.authz.iam.patterns import Part, Pattern, arn_match, flatten, glob_match
from eks_access.authz.iam.variables import substitute
from eks_access.model.iam import Condition

Tri = bool | None  # None: not known

NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}
_VARIABLE_OPERATORS = {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"}


@dataclass(frozen=True)
class Outcome:
    """A condition's truth, and the condition with every variable the context knows replaced."""

    truth: Tri
    condition: Condition


def is_negated(operator: str) -> bool:
    return operator in NEGATED


def evaluate(condition: Condition, context: RequestContext) -> Outcome:
    resolved = _resolved(condition, context)
    if condition.operator == "Null":
        return Outcome(_null(condition, context), resolved)
    presence = context.presence(condition.key)
    if presence == "unknown":
        return Outcome(None, resolved)
    negated = is_negated(condition.operator)
    if presence == "absent":
        if condition.if_exists or condition.qualifier == "ForAllValues":
            return Outcome(True, resolved)
        if condition.qualifier == "ForAnyValue":
            return Outcome(False, resolved)
        return Outcome(negated, resolved)
    base = NEGATED.get(condition.operator, condition.operator)
    matcher = _MATCHERS.get(base)
    if matcher is None:
        return Outcome(None, resolved)  # an operator IAM does not define: nothing to conclude
    request = context.get(condition.key) or ()
    per_value: list[Tri] = [_any(_value_match(matcher, base, p, r, context) for p in condition.values) for r in request]
    if negated:
        per_value = [_not(t) for t in per_value]
    if condition.qualifier == "ForAllValues":
        return Outcome(_all(per_value), resolved)
    if negated and condition.qualifier is None:
        return Outcome(_all(per_value), resolved)  # NOR over every value the key has
    return Outcome(_any(per_value), resolved)


def _null(condition: Condition, context: RequestContext) -> Tri:
    presence = context.presence(condition.key)
    if presence == "unknown":
        return None
    absent = presence == "absent"
    return any((v.lower() == "true") == absent for v in condition.values)


def _value_match(matcher: Callable[[Pattern, str], Tri], base: str, policy_value: str, request_value: str,
                 context: RequestContext) -> Tri:  # fmt: skip
    if base not in _VARIABLE_OPERATORS:
        return matcher((Part(policy_value, literal=True),), request_value)
    sub = substitute(policy_value, context)
    if sub.pattern is None:
        return False if sub.missing else None
    return matcher(sub.pattern, request_value)


def _resolved(condition: Condition, context: RequestContext) -> Condition:
    if NEGATED.get(condition.operator, condition.operator) not in _VARIABLE_OPERATORS:
        return condition
    values: list[str] = []
    for v in condition.values:
        sub = substitute(v, context)
        values.append(flatten(sub.pattern) if sub.pattern is not None else v)
    return replace(condition, values=tuple(values))


# --- operator families ---------------------------------------------------------------------


def _string_equals(p: Pattern, v: str) -> Tri:
    return flatten(p) == v


def _string_equals_ignore_case(p: Pattern, v: str) -> Tri:
    return flatten(p).casefold() == v.casefold()


def _string_like(p: Pattern, v: str) -> Tri:
    return glob_match(p, v)


def _arn(p: Pattern, v: str) -> Tri:
    return arn_match(p, v)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[Pattern, str], Tri]:
    def match(p: Pattern, v: str) -> Tri:
        a, b = _number(v), _number(flatten(p))
        return a is not None and b is not None and compare(a, b)

    return match


def _date(text: str) -> float | None:
    number = _number(text)
    if number is not None:
        return number  # epoch seconds
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def _dates(compare: Callable[[float, float], bool]) -> Callable[[Pattern, str], Tri]:
    def match(p: Pattern, v: str) -> Tri:
        a, b = _date(v), _date(flatten(p))
        return a is not None and b is not None and compare(a, b)

    return match


def _bool(p: Pattern, v: str) -> Tri:
    return flatten(p).lower() == v.lower()


def _binary(p: Pattern, v: str) -> Tri:
    return flatten(p) == v


def _ip(p: Pattern, v: str) -> Tri:
    try:
        return ipaddress.ip_address(v) in ipaddress.ip_network(flatten(p), strict=False)
    except ValueError:
        return False


_MATCHERS: dict[str, Callable[[Pattern, str], Tri]] = {
    "StringEquals": _string_equals,
    "StringEqualsIgnoreCase": _string_equals_ignore_case,
    "StringLike": _string_like,
    "NumericEquals": _numeric(lambda a, b: a == b),
    "NumericLessThan": _numeric(lambda a, b: a < b),
    "NumericLessThanEquals": _numeric(lambda a, b: a <= b),
    "NumericGreaterThan": _numeric(lambda a, b: a > b),
    "NumericGreaterThanEquals": _numeric(lambda a, b: a >= b),
    "DateEquals": _dates(lambda a, b: a == b),
    "DateLessThan": _dates(lambda a, b: a < b),
    "DateLessThanEquals": _dates(lambda a, b: a <= b),
    "DateGreaterThan": _dates(lambda a, b: a > b),
    "DateGreaterThanEquals": _dates(lambda a, b: a >= b),
    "Bool": _bool,
    "BinaryEquals": _binary,
    "IpAddress": _ip,
    "ArnEquals": _arn,
    "ArnLike": _arn,
}
KNOWN_OPERATORS = frozenset(_MATCHERS) | frozenset(NEGATED) | {"Null"}


# --- three-valued logic ----------------------------------------------------------------------


def _not(t: Tri) -> Tri:
    return None if t is None else not t


def _any(values: Iterable[Tri]) -> Tri:
    unknown = False
    for t in values:
        if t is True:
            return True
        if t is None:
            unknown = True
    return None if unknown else False


def _all(values: Iterable[Tri]) -> Tri:
    unknown = False
    for t in values:
        if t is False:
            return False
        if t is None:
            unknown = True
    return None if unknown else True
