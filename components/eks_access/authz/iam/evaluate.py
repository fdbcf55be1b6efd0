"""Evaluating a set of IAM policies for one request, as AWS documents it.

IAM User Guide, "Policy evaluation logic" (reference_policies_evaluation-logic.html): every
applicable policy is read; an explicit ``Deny`` that applies ends the evaluation, a ``Deny``
whose conditions are not known yet becomes a risk the answer must name; otherwise one
applicable ``Allow`` statement is enough (conditions of different statements are
alternatives; within one statement every condition must hold). A statement applies when its
``Action``/``NotAction`` matches the action, its ``Resource``/``NotResource`` the resource
(policy variables substituted), its ``Principal``/``NotPrincipal`` the caller (resource-based
policies), and its conditions hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from eks_access.authz.iam.conditions import evaluate
from eks_access.authz.iam.context import RequestContext
from eks_access.authz.iam.patterns import Pattern, arn_match, glob_match, plain
from eks_access.authz.iam.variables import substitute
from eks_access.model.iam import Condition, PolicyDocument, Statement
from eks_access.model.origin import Origin


@dataclass(frozen=True)
class PolicySource:
    """One policy document and how it reaches the principal (directly or through a group)."""

    label: str
    document: PolicyDocument | None
    origin: Origin | None = None
    via_group: str | None = None
    via_membership: Origin | None = None


@dataclass(frozen=True)
class StatementRef:
    source: PolicySource
    statement: Statement
    via: str = ""  # resource-based policies: how the principal matched

    def describe(self) -> str:
        sid = f" ({self.statement.sid})" if self.statement.sid else ""
        return f"{self.source.label} Statement[{self.statement.index}]{sid}"


@dataclass(frozen=True)
class Pending:
    """A statement that applies if all of its still-unknown conditions hold."""

    statement: StatementRef
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class PolicyDecision:
    allowed_by: tuple[StatementRef, ...] = ()
    allows: tuple[Pending, ...] = ()
    denied_by: StatementRef | None = None
    denies: tuple[Pending, ...] = ()
    unknown: tuple[PolicySource, ...] = ()
    failed: tuple[tuple[StatementRef, Condition], ...] = ()  # statements a false condition ruled out

    @property
    def may_allow(self) -> bool:
        return bool(self.allowed_by or self.allows)

    @property
    def first_allow(self) -> StatementRef | None:
        if self.allowed_by:
            return self.allowed_by[0]
        return self.allows[0].statement if self.allows else None


PrincipalMatch = Callable[[Statement], str | None]
"""For resource-based policies: how a statement's Principal/NotPrincipal admits the caller."""


def evaluate_policies(sources: Sequence[PolicySource], action: str, resource: str, context: RequestContext,
                      principal: PrincipalMatch | None = None) -> PolicyDecision:  # fmt: skip
    allowed: list[StatementRef] = []
    allows: list[Pending] = []
    denies: list[Pending] = []
    unknown: list[PolicySource] = []
    failed: list[tuple[StatementRef, Condition]] = []
    for source in sources:
        if source.document is None:
            unknown.append(source)
            continue
        for st in source.document.statements:
            via = ""
            if principal is not None:
                matched = principal(st)
                if matched is None:
                    continue
                via = matched
            if not _action_matches(st, action):
                continue
            ref = StatementRef(source, st, via)
            applies, pending, false_condition = _applies(st, resource, context)
            if applies is False:
                if false_condition is not None:
                    failed.append((ref, false_condition))
                continue
            if st.effect == "Deny":
                if applies is True:
                    return PolicyDecision(denied_by=ref)
                denies.append(Pending(ref, pending))
            elif applies is True:
                allowed.append(ref)
            else:
                allows.append(Pending(ref, pending))
    return PolicyDecision(tuple(allowed), tuple(allows), None, tuple(denies), tuple(unknown), tuple(failed))


def action_matches(st: Statement, action: str) -> bool:
    """Does the statement's Action/NotAction cover ``action`` (case-insensitive, wildcards)?"""
    return _action_matches(st, action)


def _action_matches(st: Statement, action: str) -> bool:
    if st.not_actions is not None:
        return not any(glob_match(plain(a), action, fold=True) for a in st.not_actions)
    return any(glob_match(plain(a), action, fold=True) for a in st.actions or ())


def _applies(st: Statement, resource: str, context: RequestContext) -> tuple[bool | None, tuple[Condition, ...], Condition | None]:
    """(True | False | None, unresolved conditions, the false condition that ruled it out)."""
    pending: list[Condition] = []
    resource_truth = _resource_matches(st, resource, context, pending)
    if resource_truth is False:
        return False, (), None
    for condition in st.conditions:
        outcome = evaluate(condition, context)
        if outcome.truth is False:
            return False, (), outcome.condition
        if outcome.truth is None:
            pending.append(outcome.condition)
    if pending or resource_truth is None:
        return None, tuple(pending), None
    return True, (), None


def _resource_matches(st: Statement, resource: str, context: RequestContext, pending: list[Condition]) -> bool | None:
    """Resource/NotResource with variables; an unknown variable becomes a requirement."""
    patterns = st.not_resources if st.not_resources is not None else st.resources
    if patterns is None:
        return True  # trust policies name no Resource: the role itself is the resource
    hit: bool | None = False
    for text in patterns:
        sub = substitute(text, context)
        if sub.pattern is None:
            if sub.needs:
                pending.append(Condition("ResourceVariable", ",".join(sub.needs), (text,)))
                hit = None if hit is False else hit
            continue
        if _resource_pattern_matches(sub.pattern, resource):
            hit = True
            break
    if st.not_resources is not None:
        return None if hit is None else not hit
    return hit


def _resource_pattern_matches(pattern: Pattern, resource: str) -> bool:
    return arn_match(pattern, resource) if resource.startswith("arn:") else glob_match(pattern, resource)


@dataclass(frozen=True)
class Requirement:
    """What must hold for a conditional "yes": for every group one alternative, and no deny.

    ``all_of`` groups are ANDed, the alternatives inside a group ORed (different Allow
    statements); each ``none_of`` entry is a Deny statement whose conditions must not all hold.
    """

    all_of: tuple[tuple[Pending, ...], ...] = ()
    none_of: tuple[Pending, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.all_of and not self.none_of

    def conditions(self) -> tuple[Condition, ...]:
        """Every condition named by a single-alternative group (what the caller must satisfy)."""
        out: list[Condition] = []
        for group in self.all_of:
            if len(group) == 1:
                out.extend(c for c in group[0].conditions if c not in out)
        return tuple(out)


def requirement_for(*decisions: PolicyDecision | None) -> Requirement:
    """AND of the given decisions' allows (a definite allow satisfies its group), plus every
    conditional Deny any of them holds."""
    groups: list[tuple[Pending, ...]] = []
    denies: list[Pending] = []
    for d in decisions:
        if d is None:
            continue
        denies.extend(d.denies)
        if not d.allowed_by and d.allows:
            groups.append(d.allows)
    return Requirement(tuple(groups), tuple(denies))
