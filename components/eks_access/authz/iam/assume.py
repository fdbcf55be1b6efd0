"""``sts:AssumeRole``: may this caller become that role, and on which conditions?

IAM User Guide, "Policy evaluation logic", "Determining whether a request is allowed or denied
within an account": an explicit Deny in any policy (identity, permissions boundary, the role's
trust policy) wins. Role trust policies must always allow the caller. Within one account, a
trust policy that names the caller's own ARN (or everyone) grants access directly, and an
implicit deny in the caller's identity policies or permissions boundary does not limit it;
a trust policy that names the account delegates to the account's identity policies, which must
allow ``sts:AssumeRole`` on the role, within the caller's permissions boundary. Across accounts
("Cross-account policy evaluation logic") both the caller's identity policies and the trust
policy must allow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from eks_access.authz.iam.context import RequestContext
from eks_access.authz.iam.evaluate import (
    Pending,
    PolicyDecision,
    PolicySource,
    Requirement,
    StatementRef,
    evaluate_policies,
    requirement_for,
)
from eks_access.authz.iam.principals import (
    ACCOUNT_ROOT,
    Caller,
    boundary_source,
    direct,
    identity_sources,
    principal_matcher,
)
from eks_access.authz.iam.render import describe_condition
from eks_access.model import AccessModel
from eks_access.model.arns import account_of
from eks_access.model.iam import IamRole, PolicyContents

ASSUME_ROLE = "sts:AssumeRole"


@dataclass(frozen=True)
class AssumeDecision:
    """``allowed`` may still be conditional: then ``requirement`` says what must hold."""

    allowed: bool
    role: IamRole
    caller: Caller
    requirement: Requirement = field(default_factory=Requirement)
    identity: PolicyDecision | None = None
    trust: PolicyDecision | None = None
    allowed_by: StatementRef | None = None  # the identity statement (or the trust statement, direct)
    trust_via: str = ""
    denied: bool = False
    reason: str = ""
    unknown: tuple[PolicySource, ...] = ()

    @property
    def conditional(self) -> bool:
        return self.allowed and not self.requirement.empty


def assume_role(model: AccessModel, caller: Caller, role: IamRole, context: RequestContext,
                sources: list[PolicySource] | None = None) -> AssumeDecision:  # fmt: skip
    """Decide ``caller`` -> ``role``; ``context`` is what the asker knows (session name, MFA).

    ``sources`` lets a caller that asks about many roles compute the identity policies once.
    """
    ctx = context.merged(caller.context())
    role_arn = role.arn or ""
    trust_source = PolicySource(f"role {role.name}", role.trust, role.origin)
    if role.trust is None:
        return AssumeDecision(False, role, caller, reason=f"the trust policy of role {role.name} is unknown",
                              unknown=(trust_source,))  # fmt: skip
    trust = evaluate_policies([trust_source], ASSUME_ROLE, role_arn, ctx, principal_matcher(caller))
    if sources is None:
        sources = identity_sources(model, caller.kind, caller.name)
    identity = evaluate_policies(sources, ASSUME_ROLE, role_arn, ctx)
    bsource = boundary_source(_boundary_of(model, caller))
    bound = evaluate_policies([bsource], ASSUME_ROLE, role_arn, ctx) if bsource is not None else None
    for decision in (identity, bound, trust):
        if decision is not None and decision.denied_by is not None:
            return AssumeDecision(False, role, caller, identity=identity, trust=trust, denied=True,
                                  reason=_deny_reason(decision.denied_by, role, caller))  # fmt: skip
    same_account = caller.account is not None and caller.account == account_of(role_arn)
    direct_trust = _only(trust, direct) if same_account else PolicyDecision()
    denies = _all_denies(identity, bound, trust)
    delegated = identity.may_allow and (bound is None or bound.may_allow) and trust.may_allow
    definite = bool(identity.allowed_by and (bound is None or bound.allowed_by) and trust.allowed_by)
    if direct_trust.may_allow and (direct_trust.allowed_by or not definite):
        groups = () if direct_trust.allowed_by else (direct_trust.allows,)
        ref = direct_trust.first_allow
        return AssumeDecision(True, role, caller, Requirement(groups, denies), identity, trust, ref,
                              ref.via if ref else "")  # fmt: skip
    if not identity.may_allow:
        return AssumeDecision(False, role, caller, identity=identity, trust=trust, unknown=identity.unknown,
                              reason=_no_identity_reason(identity, role, caller))  # fmt: skip
    if bound is not None and not bound.may_allow:
        return AssumeDecision(False, role, caller, identity=identity, trust=trust, unknown=bound.unknown,
                              reason=f"the permissions boundary of {caller.name} does not allow sts:AssumeRole on {role_arn}")  # fmt: skip
    if not delegated:
        return AssumeDecision(False, role, caller, identity=identity, trust=trust, reason=_trust_reason(trust, role, caller))
    ref = trust.first_allow
    return AssumeDecision(True, role, caller, requirement_for(identity, bound, trust), identity, trust,
                          identity.first_allow, ref.via if ref else ACCOUNT_ROOT)  # fmt: skip


def _boundary_of(model: AccessModel, caller: Caller) -> PolicyContents | None:
    if caller.kind == "user":
        user = model.users_by_name.get(caller.name)
        return user.boundary if user is not None and user.arn == caller.arn else None
    role = model.roles_by_name.get(caller.name)
    return role.boundary if role is not None else None


def _only(decision: PolicyDecision, keep: Callable[[str], bool]) -> PolicyDecision:
    """The part of a trust decision whose statements admit the caller in a given way."""
    return PolicyDecision(
        tuple(r for r in decision.allowed_by if keep(r.via)),
        tuple(p for p in decision.allows if keep(p.statement.via)),
        decision.denied_by,
        decision.denies,
    )


def _all_denies(*decisions: PolicyDecision | None) -> tuple[Pending, ...]:
    return tuple(p for d in decisions if d is not None for p in d.denies)


def _deny_reason(ref: StatementRef, role: IamRole, caller: Caller) -> str:
    if ref.source.label == f"role {role.name}":
        return f"the trust policy of role {role.name} denies {caller.arn} ({ref.describe()})"
    return f"{ref.source.label} explicitly denies sts:AssumeRole on {role.arn} for {caller.name}"


def _no_identity_reason(identity: PolicyDecision, role: IamRole, caller: Caller) -> str:
    why = f"{caller.name} has no identity policy allowing sts:AssumeRole on {role.arn}"
    if identity.unknown:
        labels = ", ".join(s.label for s in identity.unknown)
        why += f"; unknown: {labels} could allow it"
    return why


def _trust_reason(trust: PolicyDecision, role: IamRole, caller: Caller) -> str:
    why = f"the trust policy of role {role.name} does not admit {caller.arn}"
    if trust.failed:
        why += f" ({describe_condition(trust.failed[0][1])})"
    return why
