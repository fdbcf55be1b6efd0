"""The vocabulary every guardrail speaks: findings, rules and the check context.

A rule is data plus a pure function over the access model, so the same object can be run by
``eks-access check`` over a whole plan and wrapped as a Pulumi policy by
:mod:`eks_access.guardrails.pack` (which reads one resource, or the stack, into a model).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, TypeVar, cast

from eks_access.authz.identity import IdentityResolver
from eks_access.authz.kubernetes import kubernetes_version
from eks_access.authz.rbac.policy import RbacPolicy
from eks_access.model import AccessModel
from eks_access.model.eks import EKS_CAPABILITY, EKS_MANAGED
from eks_access.model.k8s import KUBERNETES_BOOTSTRAP
from eks_access.model.origin import Origin, RecordRef

T = TypeVar("T")


class Severity(str, Enum):
    """How much damage the finding allows; orthogonal to whether it blocks."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Enforcement(str, Enum):
    """Mandatory findings fail ``check`` (exit 1) and block ``pulumi up``; advisory ones warn."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"


class Scope(str, Enum):
    """Resource rules judge one record alone; stack rules need the whole plan (cross-references)."""

    RESOURCE = "resource"
    STACK = "stack"


@dataclass(frozen=True)
class Finding:
    """One violation; ``resource`` is the record's label (its name, or ``type::name`` when names
    collide). ``subjects`` names the principals the finding is about (IAM ARNs, ``group:NAME``,
    ``user:NAME``, ``serviceaccount:NS:NAME``), so other tools can ask about them."""

    rule: str
    severity: Severity
    enforcement: Enforcement
    resource: str
    message: str
    subjects: tuple[str, ...] = field(default=(), compare=False)
    position: int = field(default=-1, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "enforcement": self.enforcement.value,
            "resource": self.resource,
            "message": self.message,
        }
        if self.subjects:
            out["subjects"] = list(self.subjects)
        return out


@dataclass(frozen=True)
class CheckContext:
    """What a rule may know: the access model and the allow-list.

    For the policy pack's resource policies the model holds one resource
    (``model.whole_plan`` is false): rules must not conclude anything from the absence of
    other resources.
    """

    model: AccessModel
    allow: Mapping[str, frozenset[str]] = field(default_factory=dict)
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """What several rules derive from the same model (bindings with their roles, a role's
        policies), computed once per check run."""
        if key not in self.memo:
            self.memo[key] = make()
        return cast("T", self.memo[key])

    @property
    def whole_plan(self) -> bool:
        return self.model.whole_plan

    @cached_property
    def rbac(self) -> RbacPolicy:
        """RBAC in effect (the plan's objects over the built-in ones of the cluster's Kubernetes
        version, aggregation resolved): for rules that judge roles by what they allow."""
        return RbacPolicy(self.model, kubernetes_version(self.model))

    @cached_property
    def identities(self) -> IdentityResolver:
        """The identity mappings in effect under the cluster's authentication mode."""
        return IdentityResolver(self.model)

    def allowed(self, rule_id: str, record: RecordRef, keys: Iterable[str | None] = ()) -> bool:
        entries = self.allow.get(rule_id)
        if not entries:
            return False
        candidates = {record.label, *record.allow_keys}
        candidates.update(k for k in keys if k)
        if not entries.isdisjoint(candidates):
            return True
        suffixes = record.arn_suffixes
        return any(e.startswith("arn:") and e.endswith(suffixes) for e in entries) if suffixes else False


Check = Callable[["Rule", CheckContext], Iterator[Finding]]

#: Objects a live cluster has that no user made or can change: the API server's bootstrap
#: policy, which it reconciles back at every start, EKS's own ``eks:`` RBAC and the access entry
#: (with its baseline policies) EKS creates for an EKS capability's role
#: (eks_access.model.from_snapshot.implicit). A snapshot holds them; findings about them help no one.
NOT_ACTIONABLE = frozenset({KUBERNETES_BOOTSTRAP, EKS_MANAGED, EKS_CAPABILITY})

_FAMILY_HELP = {
    "EKS": "https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html",
    "RBAC": "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
    "SA": "https://kubernetes.io/docs/concepts/security/service-accounts/",
    "IAM": "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
}


@dataclass(frozen=True)
class Rule:
    """A guardrail. ``id`` is the contract (config keys, JSON output, policy names).

    ``enforcement`` is the strongest level the rule emits; ``also_advisory`` marks rules that
    emit weaker findings too (e.g. EKS-AUTHMODE on API_AND_CONFIG_MAP), which the policy pack
    registers as a companion ``<id>-ADVISORY`` policy because a Pulumi policy has one level.
    ``scope`` says how the pack runs it: ``resource`` rules on each resource alone, ``stack``
    rules on the whole stack.
    """

    id: str
    title: str
    description: str
    severity: Severity
    enforcement: Enforcement
    scope: Scope
    references: tuple[str, ...]
    check: Check
    also_advisory: bool = False
    advisory_severity: Severity = Severity.LOW

    @property
    def help_uri(self) -> str:
        """Where to read more: the first reference that is a URL, else the family's guide."""
        for ref in self.references:
            if ref.startswith("https://"):
                return ref
        return _FAMILY_HELP[self.id.split("-", 1)[0]]

    def run(self, ctx: CheckContext) -> list[Finding]:
        """Every finding, in plan order of the records they are about."""
        return sorted(self.check(self, ctx), key=lambda f: f.position)

    def finding(
        self,
        ctx: CheckContext,
        origin: Origin,
        message: str,
        *,
        keys: Iterable[str | None] = (),
        severity: Severity | None = None,
        enforcement: Enforcement | None = None,
        subjects: Iterable[str] = (),
    ) -> Finding | None:
        """A finding about ``origin``'s record, or None when the allow-list names it."""
        record = origin.record
        if record.implicit in NOT_ACTIONABLE or ctx.allowed(self.id, record, keys):
            return None
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            enforcement=enforcement or self.enforcement,
            resource=record.label,
            message=message,
            subjects=tuple(dict.fromkeys(subjects)),
            position=record.index,
        )


def emit(finding: Finding | None) -> Iterator[Finding]:
    """Yield the finding unless the allow-list suppressed it (keeps rule bodies flat)."""
    if finding is not None:
        yield finding
