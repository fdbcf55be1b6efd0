"""What an IAM user or role may do by its own permissions: identity policies within its
permissions boundary.

IAM User Guide, "Policy evaluation logic" and "Permissions boundaries for IAM entities"
(access_policies_boundaries.html): the effective permissions are the intersection of the
identity-based policies and the boundary; an explicit Deny in either wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eks_access.authz.iam.context import RequestContext
from eks_access.authz.iam.evaluate import (
    PolicyDecision,
    Requirement,
    evaluate_policies,
    requirement_for,
)
from eks_access.authz.iam.principals import Caller, boundary_source, identity_sources
from eks_access.model import AccessModel
from eks_access.model.iam import OwnerKind, PolicyContents


@dataclass(frozen=True)
class IdentityDecision:
    allowed: bool
    requirement: Requirement = field(default_factory=Requirement)
    identity: PolicyDecision = field(default_factory=PolicyDecision)
    boundary: PolicyDecision | None = None
    reason: str = ""
    unknown: tuple[str, ...] = ()

    @property
    def conditional(self) -> bool:
        return self.allowed and not self.requirement.empty


def evaluate_identity(model: AccessModel, kind: OwnerKind, name: str, action: str, resource: str,
                      context: RequestContext | None = None) -> IdentityDecision:  # fmt: skip
    """May this user or role call ``action`` on ``resource`` by its own policies?"""
    boundary = _boundary(model, kind, name)
    caller_ctx = RequestContext()
    if kind == "user":
        user = model.users_by_name.get(name)
        if user is not None and user.arn:
            caller_ctx = Caller.user(user.arn, name).context()
    ctx = (context or RequestContext()).merged(caller_ctx)
    identity = evaluate_policies(identity_sources(model, kind, name), action, resource, ctx)
    bsource = boundary_source(boundary)
    bound = evaluate_policies([bsource], action, resource, ctx) if bsource is not None else None
    for decision in (identity, bound):
        if decision is not None and decision.denied_by is not None:
            return IdentityDecision(False, identity=identity, boundary=bound,
                                    reason=f"explicit Deny in {decision.denied_by.describe()}")  # fmt: skip
    unknown = tuple(s.label for d in (identity, bound) if d is not None for s in d.unknown)
    if not identity.may_allow:
        return IdentityDecision(False, identity=identity, boundary=bound, unknown=unknown,
                                reason=f"no identity policy of {kind} {name} allows {action} on {resource}")  # fmt: skip
    if bound is not None and not bound.may_allow:
        return IdentityDecision(False, identity=identity, boundary=bound, unknown=unknown,
                                reason=f"the permissions boundary of {kind} {name} does not allow {action} on {resource}")  # fmt: skip
    return IdentityDecision(True, requirement_for(identity, bound), identity, bound, unknown=unknown)


def _boundary(model: AccessModel, kind: OwnerKind, name: str) -> PolicyContents | None:
    if kind == "role":
        role = model.roles_by_name.get(name)
        return role.boundary if role is not None else None
    if kind == "user":
        user = model.users_by_name.get(name)
        return user.boundary if user is not None else None
    return None
