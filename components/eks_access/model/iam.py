"""IAM in the model: principals, memberships and policy documents with structured conditions.

Policy grammar follows the IAM JSON policy reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html):
``Effect``, ``Action``/``NotAction``, ``Resource``/``NotResource``, ``Principal``/``NotPrincipal``
and ``Condition`` blocks of ``operator -> key -> values``. Conditions stay structured (operator,
key, values, the ``IfExists`` suffix and the ``ForAnyValue:``/``ForAllValues:`` qualifier) until
something renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eks_access.model.origin import Origin

Effect = Literal["Allow", "Deny"]
OwnerKind = Literal["user", "group", "role"]
SetQualifier = Literal["ForAnyValue", "ForAllValues"]


@dataclass(frozen=True)
class Condition:
    """One ``operator: {key: values}`` pair; ``operator`` is the base name (``StringLike``)."""

    operator: str
    key: str
    values: tuple[str, ...]
    if_exists: bool = False
    qualifier: SetQualifier | None = None

    @property
    def written(self) -> str:
        """The operator as the policy spells it, e.g. ``ForAnyValue:StringLikeIfExists``."""
        prefix = f"{self.qualifier}:" if self.qualifier else ""
        return f"{prefix}{self.operator}{'IfExists' if self.if_exists else ''}"


@dataclass(frozen=True)
class PrincipalSpec:
    """A ``Principal`` or ``NotPrincipal`` element: ``"*"`` or ``{type: [values]}``."""

    everyone: bool = False
    entries: tuple[tuple[str, str], ...] = ()  # (AWS | Federated | Service | CanonicalUser, value)

    def values(self, kind: str) -> tuple[str, ...]:
        return tuple(v for k, v in self.entries if k == kind)


@dataclass(frozen=True)
class Statement:
    """One statement; ``None`` for an element the statement does not have."""

    index: int
    effect: Effect
    sid: str | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principal: PrincipalSpec | None = None
    not_principal: PrincipalSpec | None = None
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class PolicyDocument:
    statements: tuple[Statement, ...]
    version: str | None = None


@dataclass(frozen=True)
class PolicyContents:
    """What an attached policy ARN contains, as far as the plan and the shipped data know.

    ``kind`` is ``customer`` (a policy of the plan), ``aws-managed`` (from shipped data) or
    ``unknown`` (neither: its contents are unknown, and answers must say so).
    """

    arn: str
    kind: Literal["customer", "aws-managed", "unknown"]
    document: PolicyDocument | None = None
    source: str = ""

    @property
    def known(self) -> bool:
        return self.document is not None


@dataclass(frozen=True)
class IamUser:
    name: str
    arn: str | None
    path: str = "/"
    boundary: PolicyContents | None = None
    origin: Origin | None = None  # None: referenced (membership, mapping) but not declared


@dataclass(frozen=True)
class IamGroup:
    name: str
    arn: str | None = None
    path: str = "/"
    origin: Origin | None = None


@dataclass(frozen=True)
class IamRole:
    name: str
    arn: str | None
    path: str = "/"
    trust: PolicyDocument | None = None
    boundary: PolicyContents | None = None
    origin: Origin | None = None
    unknowns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Membership:
    user: str
    group: str
    origin: Origin


@dataclass(frozen=True)
class InlinePolicy:
    """A policy embedded in one user, group or role (``*Policy`` records, role ``inlinePolicies``)."""

    owner_kind: OwnerKind
    owner: str
    name: str | None
    document: PolicyDocument | None
    origin: Origin
    unknowns: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerPolicy:
    """A customer managed policy (``aws:iam/policy:Policy``)."""

    name: str
    arn: str | None
    document: PolicyDocument | None
    origin: Origin
    unknowns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A managed policy attached to users, groups or roles (one record may name several)."""

    owners: tuple[tuple[OwnerKind, str], ...]
    policy_arn: str
    contents: PolicyContents
    origin: Origin


@dataclass(frozen=True)
class OidcIssuer:
    """A cluster's OIDC issuer (host/path, no scheme) that the plan declares or outputs."""

    issuer: str
    origin: Origin


@dataclass(frozen=True)
class IamFacts:
    """Every IAM fact of the model, in plan order."""

    users: tuple[IamUser, ...] = ()
    groups: tuple[IamGroup, ...] = ()
    roles: tuple[IamRole, ...] = ()
    memberships: tuple[Membership, ...] = ()
    inline_policies: tuple[InlinePolicy, ...] = ()
    customer_policies: tuple[CustomerPolicy, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    oidc_issuers: tuple[OidcIssuer, ...] = ()
