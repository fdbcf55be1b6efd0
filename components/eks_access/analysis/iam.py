"""IAM policy evaluation, as far as a plan can answer it.

Only the parts that decide EKS access are modelled: identity policies allowing ``sts:AssumeRole``
(explicit Deny wins) and role trust policies. Conditions cannot be evaluated without a live
request, so they are turned into plain-language requirements the caller must meet; the one
exception is ``aws:PrincipalArn``, which the analyzer knows and therefore checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

ASSUME_ROLE = "sts:AssumeRole"


@lru_cache(maxsize=4096)
def _wildcard_re(pattern: str, fold: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL if fold else re.DOTALL)


def wildcard_match(pattern: str, value: str, *, fold: bool = False) -> bool:
    """IAM glob: ``*`` any run, ``?`` one character; actions compare case-insensitively."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if fold else pattern == value
    return _wildcard_re(pattern, fold).match(value) is not None


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        return [str(x) for x in v]
    return [str(v)]


@dataclass(frozen=True)
class Condition:
    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principals: tuple[tuple[str, str], ...] = ()  # (type, value); ("*", "*") for Principal "*"
    conditions: tuple[Condition, ...] = ()

    def action_matches(self, action: str) -> bool:
        if self.not_actions:
            return not any(wildcard_match(p, action, fold=True) for p in self.not_actions)
        return any(wildcard_match(p, action, fold=True) for p in self.actions)

    def resource_matches(self, resource: str) -> bool:
        if self.not_resources:
            return not any(wildcard_match(p, resource) for p in self.not_resources)
        if not self.resources:
            return True  # trust policies have no Resource element
        return any(wildcard_match(p, resource) for p in self.resources)


@dataclass(frozen=True)
class PolicyDoc:
    source: str  # human label: "policy developers-assume-role"
    statements: tuple[Statement, ...]
    error: str | None = None


def parse_policy(doc: str | Mapping[str, Any] | None, source: str) -> PolicyDoc:
    """Accept the JSON string the AWS provider takes, or an already-parsed dict."""
    if doc is None:
        return PolicyDoc(source, ())
    if isinstance(doc, str):
        try:
            parsed = json.loads(doc)
        except ValueError as exc:
            return PolicyDoc(source, (), error=f"invalid JSON: {exc}")
    else:
        parsed = doc
    if not isinstance(parsed, Mapping):
        return PolicyDoc(source, (), error="policy is not a JSON object")
    raw_stmts = parsed.get("Statement") or []
    if isinstance(raw_stmts, Mapping):
        raw_stmts = [raw_stmts]
    stmts: list[Statement] = []
    for s in raw_stmts:
        if not isinstance(s, Mapping):
            continue
        principals: list[tuple[str, str]] = []
        p = s.get("Principal")
        if p == "*":
            principals.append(("*", "*"))
        elif isinstance(p, Mapping):
            for ptype, vals in p.items():
                principals.extend((str(ptype), v) for v in _as_list(vals))
        conds: list[Condition] = []
        for op, kv in (s.get("Condition") or {}).items():
            if isinstance(kv, Mapping):
                for key, vals in kv.items():
                    conds.append(Condition(str(op), str(key), tuple(_as_list(vals))))
        stmts.append(
            Statement(
                effect=str(s.get("Effect", "Allow")),
                actions=tuple(_as_list(s.get("Action"))),
                not_actions=tuple(_as_list(s.get("NotAction"))),
                resources=tuple(_as_list(s.get("Resource"))),
                not_resources=tuple(_as_list(s.get("NotResource"))),
                principals=tuple(principals),
                conditions=tuple(conds),
            )
        )
    return PolicyDoc(source, tuple(stmts))


@dataclass
class Caller:
    """Who is calling STS: what trust conditions and principals are checked against."""

    arn: str
    account: str
    name: str  # IAM user name, for ${aws:username}


@dataclass
class Decision:
    allowed: bool
    by: list[str] = field(default_factory=list)  # sources of the allowing statements
    denied_by: str | None = None
    requirements: list[str] = field(default_factory=list)
    via: str = ""  # for trust: how the caller is admitted
    reason: str = ""


def _substitute(value: str, caller: Caller | None) -> str:
    if caller is None:
        return value
    return (
        value.replace("${aws:username}", caller.name)
        .replace("${aws:PrincipalAccount}", caller.account)
        .replace("${aws:principalaccount}", caller.account)
    )


def describe_condition(cond: Condition, caller: Caller | None) -> str:
    """A trust/identity condition as the requirement a person must meet."""
    key = cond.key.lower()
    op = cond.operator
    vals = [_substitute(v, caller) for v in cond.values]
    shown = " or ".join(vals)
    like = "Like" in op and any("*" in v or "?" in v for v in vals)
    if key == "sts:rolesessionname":
        return f"session name must {'match' if like else 'equal'} {shown}"
    if key == "aws:multifactorauthpresent":
        if op.startswith("Bool") and [v.lower() for v in vals] == ["true"]:
            return "must sign in with MFA"
        return f"MFA present must be {shown}"
    if key == "aws:multifactorauthage":
        return f"MFA sign-in must be at most {shown} seconds old ({op})"
    if key == "aws:principalarn":
        return f"caller ARN must match {shown}"
    if key == "sts:externalid":
        return f"external ID must equal {shown}"
    if key == "aws:sourceip":
        return f"source IP must be in {shown}"
    return f"{op} {cond.key} = {shown}"


def _principal_arn_ok(cond: Condition, caller: Caller) -> bool | None:
    """Evaluate ``aws:PrincipalArn`` conditions (the analyzer knows the caller); None: n/a."""
    if cond.key.lower() != "aws:principalarn":
        return None
    vals = [_substitute(v, caller) for v in cond.values]
    hit = any(wildcard_match(v, caller.arn, fold=False) for v in vals)
    negated = cond.operator.startswith(("ArnNot", "StringNot"))
    return not hit if negated else hit


def evaluate_identity(
    docs: Sequence[PolicyDoc], action: str, resource: str, caller: Caller | None = None
) -> Decision:
    """Union of identity policies; an unconditional explicit Deny wins over every Allow."""
    allow_by: list[str] = []
    reqs: list[str] = []
    for doc in docs:
        for st in doc.statements:
            if not (st.action_matches(action) and st.resource_matches(resource)):
                continue
            if st.effect == "Deny":
                if not st.conditions:
                    return Decision(False, denied_by=doc.source,
                                    reason=f"explicit Deny in {doc.source}")  # fmt: skip
                reqs.append(
                    f"not denied by {doc.source}: "
                    + "; ".join(describe_condition(c, caller) for c in st.conditions)
                )
            elif st.effect == "Allow":
                allow_by.append(doc.source)
                reqs.extend(describe_condition(c, caller) for c in st.conditions)
    if not allow_by:
        return Decision(False, reason="no statement allows it")
    return Decision(True, by=_unique(allow_by), requirements=_unique(reqs))


def evaluate_trust(doc: PolicyDoc, caller: Caller, action: str = ASSUME_ROLE) -> Decision:
    """Does the role's trust policy admit ``caller``, and on which conditions?"""
    admitted_via: list[str] = []
    reqs: list[str] = []
    failed_cond: str | None = None
    for st in doc.statements:
        if not st.action_matches(action):
            continue
        via = _principal_match(st.principals, caller)
        if via is None:
            continue
        if st.effect == "Deny":
            if not st.conditions:
                return Decision(False, denied_by=doc.source,
                                reason=f"the trust policy of {doc.source} denies {caller.arn}")  # fmt: skip
            continue
        ok = True
        st_reqs: list[str] = []
        for c in st.conditions:
            verdict = _principal_arn_ok(c, caller)
            if verdict is False:
                ok = False
                failed_cond = describe_condition(c, caller)
                break
            st_reqs.append(describe_condition(c, caller))
        if ok:
            admitted_via.append(via)
            reqs.extend(st_reqs)
    if not admitted_via:
        why = f"the trust policy of {doc.source} does not admit {caller.arn}"
        if failed_cond:
            why += f" ({failed_cond})"
        return Decision(False, reason=why)
    return Decision(True, via=admitted_via[0], requirements=_unique(reqs))


def _principal_match(principals: Iterable[tuple[str, str]], caller: Caller) -> str | None:
    for ptype, value in principals:
        if ptype == "*" or (ptype == "AWS" and value == "*"):
            return "any principal"
        if ptype != "AWS":
            continue
        if value == caller.arn:
            return "caller ARN"
        if value == caller.account or value == f"arn:aws:iam::{caller.account}:root":
            return "account root"
    return None


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for i in items:
        seen.setdefault(i, None)
    return list(seen)


def assume_targets(docs: Sequence[PolicyDoc]) -> tuple[set[str], list[str]]:
    """Exact role ARNs and wildcard patterns named by Allow statements covering AssumeRole.

    Lets the graph find candidate roles without testing every user against every role.
    """
    exact: set[str] = set()
    patterns: list[str] = []
    for doc in docs:
        for st in doc.statements:
            if st.effect != "Allow" or not st.action_matches(ASSUME_ROLE):
                continue
            if st.not_resources:
                patterns.append("*")
                continue
            for r in st.resources:
                if "*" in r or "?" in r:
                    patterns.append(r)
                else:
                    exact.add(r)
    return exact, patterns
