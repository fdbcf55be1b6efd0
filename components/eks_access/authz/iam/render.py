"""Structured conditions and requirements as people read them, and as JSON keeps them."""

from __future__ import annotations

from typing import Any

from eks_access.authz.iam.conditions import NEGATED
from eks_access.authz.iam.evaluate import Pending, Requirement
from eks_access.model.iam import Condition


def _wild(values: tuple[str, ...]) -> bool:
    return any("*" in v or "?" in v for v in values)


def describe_condition(c: Condition) -> str:
    """A condition as the requirement a person must meet (``session name must equal dev1``)."""
    key = c.key.lower()
    negated = c.operator in NEGATED
    base = NEGATED.get(c.operator, c.operator)
    shown = " or ".join(c.values)
    must = "must not" if negated else "must"
    suffix = " (when present)" if c.if_exists else ""
    if c.qualifier:
        return f"{c.written} {c.key} = {shown}"
    if c.operator == "ResourceVariable":
        return f"the value of {c.key} must make Resource {shown} match"
    if key == "sts:rolesessionname" and base in ("StringEquals", "StringLike", "StringEqualsIgnoreCase"):
        verb = "match" if base == "StringLike" and _wild(c.values) else "equal"
        return f"session name {must} {verb} {shown}{suffix}"
    if key == "aws:multifactorauthpresent" and c.operator == "Bool":
        if [v.lower() for v in c.values] == ["true"] and not c.if_exists:
            return "must sign in with MFA"
        return f"MFA present must be {shown}{suffix}"
    if key == "aws:multifactorauthage":
        return f"MFA sign-in must be at most {shown} seconds old ({c.written})"
    if key == "aws:principalarn":
        return f"caller ARN {must} match {shown}{suffix}"
    if key == "sts:externalid":
        return f"external ID {must} equal {shown}{suffix}"
    if key == "aws:sourceip" and base == "IpAddress":
        return f"source IP {must} be in {shown}{suffix}"
    return f"{c.written} {c.key} = {shown}"


def describe_pending(p: Pending) -> str:
    return " and ".join(describe_condition(c) for c in p.conditions)


def literal_condition(c: Condition) -> str:
    """The condition as written (operator, key, values), for Deny statements: when it holds,
    the Deny applies."""
    return f"{c.written} {c.key} = {' or '.join(c.values)}"


def describe_requirement(r: Requirement) -> list[str]:
    """One line per thing that must hold, in evaluation order."""
    out: list[str] = []
    for group in r.all_of:
        if len(group) == 1:
            out.extend(describe_condition(c) for c in group[0].conditions)
        else:
            alternatives = " or ".join(f"({describe_pending(p)})" for p in group)
            out.append(f"one of: {alternatives}")
    for deny in r.none_of:
        when = " and ".join(literal_condition(c) for c in deny.conditions)
        out.append(f"not denied by {deny.statement.describe()}, which applies when {when}")
    return list(dict.fromkeys(out))


def condition_json(c: Condition) -> dict[str, Any]:
    return {
        "operator": c.operator,
        "qualifier": c.qualifier,
        "ifExists": c.if_exists,
        "key": c.key,
        "values": list(c.values),
        "text": describe_condition(c),
    }


def pending_json(p: Pending) -> dict[str, Any]:
    return {"statement": p.statement.describe(), "conditions": [condition_json(c) for c in p.conditions]}


def requirement_json(r: Requirement) -> dict[str, Any]:
    """``allOf``: groups that must each have one alternative hold; ``noneOf``: Deny statements
    whose conditions must not all hold."""
    return {
        "allOf": [[pending_json(p) for p in group] for group in r.all_of],
        "noneOf": [pending_json(p) for p in r.none_of],
    }
