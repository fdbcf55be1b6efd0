"""Kubernetes in the model: RBAC roles and bindings, ServiceAccounts, namespaces.

Shapes follow the ``rbac.authorization.k8s.io/v1`` API (PolicyRule, AggregationRule with
LabelSelectors, RoleRef, Subject). Names are kept exactly as written: the API server compares
them byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eks_access.model.origin import Origin

#: The ``implicit`` reason of the bootstrap RBAC the API server reconciles (labelled
#: ``kubernetes.io/bootstrapping: rbac-defaults``; kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy).
KUBERNETES_BOOTSTRAP = "kubernetes-bootstrap"

RoleKind = Literal["ClusterRole", "Role"]
BindingKind = Literal["ClusterRoleBinding", "RoleBinding"]
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
DEFAULT_NAMESPACE = "default"
"""Where pulumi-kubernetes puts a namespaced object whose manifest names no namespace."""


@dataclass(frozen=True)
class PolicyRule:
    index: int
    verbs: tuple[str, ...] = ()
    api_groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()
    non_resource_urls: tuple[str, ...] = ()

    def same_grant(self, other: PolicyRule) -> bool:
        """Equal as the aggregation controller compares rules (position does not count)."""
        return (
            self.verbs == other.verbs
            and self.api_groups == other.api_groups
            and self.resources == other.resources
            and self.resource_names == other.resource_names
            and self.non_resource_urls == other.non_resource_urls
        )


@dataclass(frozen=True)
class SelectorRequirement:
    key: str
    operator: str  # In | NotIn | Exists | DoesNotExist
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelSelector:
    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[SelectorRequirement, ...] = ()


@dataclass(frozen=True)
class RbacRole:
    """A Role or ClusterRole as declared (aggregation is resolved by authz, not here)."""

    kind: RoleKind
    name: str | None
    namespace: str | None  # None for ClusterRoles
    rules: tuple[PolicyRule, ...]
    origin: Origin
    labels: tuple[tuple[str, str], ...] = ()
    aggregation: tuple[LabelSelector, ...] | None = None  # None: no aggregationRule
    unknowns: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        shown = self.name or self.origin.name
        return f"Role {self.namespace}/{shown}" if self.kind == "Role" else f"ClusterRole {shown}"


@dataclass(frozen=True)
class RoleRef:
    kind: str
    name: str
    api_group: str = "rbac.authorization.k8s.io"


@dataclass(frozen=True)
class Subject:
    kind: str
    name: str
    namespace: str | None = None
    api_group: str | None = None


@dataclass(frozen=True)
class RbacBinding:
    kind: BindingKind
    name: str | None
    namespace: str | None  # None for ClusterRoleBindings
    role_ref: RoleRef | None
    subjects: tuple[Subject, ...]
    origin: Origin
    unknowns: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        shown = self.name or self.origin.name
        if self.kind == "RoleBinding":
            return f"RoleBinding {self.namespace}/{shown}"
        return f"ClusterRoleBinding {shown}"

    def role_key(self) -> tuple[str, str] | None:
        """Which role the roleRef names, as the API server resolves it: ``("", name)`` for a
        ClusterRole, ``(namespace, name)`` for a Role (RoleBindings only, in their own
        namespace); None when it names nothing RBAC can use (kubernetes
        ``pkg/registry/rbac/validation/rule.go`` GetRoleReferenceRules)."""
        ref = self.role_ref
        if ref is None or ref.api_group != "rbac.authorization.k8s.io":
            return None
        if ref.kind == "ClusterRole":
            return ("", ref.name)
        if ref.kind == "Role" and self.kind == "RoleBinding":
            return (self.namespace or "", ref.name)
        return None

    def subject_namespace(self, subject: Subject) -> str | None:
        """A ServiceAccount subject's namespace; a RoleBinding's own when the subject names none
        (kubernetes ``plugin/pkg/auth/authorizer/rbac/rbac.go`` appliesToUser)."""
        if subject.namespace:
            return subject.namespace
        return self.namespace if self.kind == "RoleBinding" else None


@dataclass(frozen=True)
class ServiceAccount:
    name: str
    namespace: str
    role_arn: str | None  # the IRSA annotation eks.amazonaws.com/role-arn
    automount: bool | None  # automountServiceAccountToken as written
    origin: Origin
    unknowns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Namespace:
    name: str
    origin: Origin


@dataclass(frozen=True)
class KubernetesFacts:
    roles: tuple[RbacRole, ...] = ()
    bindings: tuple[RbacBinding, ...] = ()
    service_accounts: tuple[ServiceAccount, ...] = ()
    namespaces: tuple[Namespace, ...] = ()
