"""What makes RBAC privileged, judged by effect: the requests a set of rules allows.

Every judgement here asks the API server's own question (``authz.rbac.rules.rule_allows``) of
the EFFECTIVE rules of a role (``CheckContext.rbac``: the plan's objects over the built-in ones
of the cluster's Kubernetes version, aggregation resolved), so a built-in ``edit`` or ``admin``
is judged by what it allows in that version, never by its name.

The privileged requests are the escalation paths of the Kubernetes "RBAC good practices" page
(https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks):
workload creation, listing secrets, escalate/bind, impersonate, token requests and binding
creation, plus ``*`` on everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from eks_access.authz.rbac.attributes import Attributes
from eks_access.authz.rbac.policy import SA_PREFIX, EffectiveRole
from eks_access.authz.rbac.rules import rule_allows
from eks_access.guardrails.model import CheckContext
from eks_access.model.k8s import PolicyRule, RbacBinding

KUBE_SYSTEM = "kube-system"
MASTERS = "system:masters"
RBAC_GROUP = "rbac.authorization.k8s.io"

POD_WORKLOADS: tuple[tuple[str, str], ...] = (
    ("", "pods"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
)
"""Pods and the workload resources whose controllers create pods from a template
("Workload creation" on the RBAC good practices page; CIS Amazon EKS Benchmark 4.1.4)."""

POD_VERBS = ("create", "update", "patch")
"""create starts a pod; update/patch of a workload changes its pod template (image, ServiceAccount,
hostPath volumes), and of a pod its image: each runs chosen code as that ServiceAccount."""

PRIVILEGED_REQUESTS: tuple[Attributes, ...] = (
    *(Attributes("create", resource, api_group=group) for group, resource in POD_WORKLOADS),
    Attributes("get", "secrets"),
    Attributes("list", "secrets"),
    Attributes("escalate", "clusterroles", api_group=RBAC_GROUP),
    Attributes("escalate", "roles", api_group=RBAC_GROUP),
    Attributes("bind", "clusterroles", api_group=RBAC_GROUP),
    Attributes("bind", "roles", api_group=RBAC_GROUP),
    Attributes("create", "clusterrolebindings", api_group=RBAC_GROUP),
    Attributes("create", "rolebindings", api_group=RBAC_GROUP),
    Attributes("impersonate", "users"),
    Attributes("impersonate", "groups"),
    Attributes("impersonate", "serviceaccounts"),
    Attributes("create", "serviceaccounts", subresource="token"),
    Attributes("create", "pods", subresource="exec"),
)
"""Requests (unnamed, so resourceNames-narrowed rules do not count) that make a holder able to
reach more than it was given."""


def privileged_request(rules: Iterable[PolicyRule]) -> str | None:
    """The first privileged request the rules allow (``create pods``), or None."""
    rules = tuple(rules)
    for attrs in PRIVILEGED_REQUESTS:
        if any(rule_allows(r, attrs) for r in rules):
            return f"{attrs.verb} {attrs.display}"
    return None


def allowed_phrases(rules: Sequence[PolicyRule], requests: Iterable[Attributes]) -> list[str]:
    """``verb resource`` for each request some rule allows, in request order."""
    out: list[str] = []
    for attrs in requests:
        phrase = f"{attrs.verb} {attrs.display}" + (f" '{attrs.name}'" if attrs.name else "")
        if phrase not in out and any(rule_allows(r, attrs) for r in rules):
            out.append(phrase)
    return out


@dataclass(frozen=True)
class BoundRole:
    """A plan binding, the effective role it grants and where: ``""`` for cluster-wide."""

    binding: RbacBinding
    role: EffectiveRole
    namespace: str

    @property
    def where(self) -> str:
        return f"in namespace {self.namespace}" if self.namespace else "cluster-wide"

    def covers(self, namespace: str) -> bool:
        return not self.namespace or self.namespace == namespace


def bound_roles(ctx: CheckContext) -> list[BoundRole]:
    """Every binding of the plan with the effective role it resolves to (built-in or plan)."""
    return ctx.cached("bound_roles", lambda: list(_bound_roles(ctx)))


def _bound_roles(ctx: CheckContext) -> Iterator[BoundRole]:
    for binding in ctx.model.k8s.bindings:
        if binding.name is None:
            continue
        role = ctx.rbac.role_for(binding)
        if role is None:
            continue
        namespace = "" if binding.kind == "ClusterRoleBinding" else binding.namespace or ""
        yield BoundRole(binding, role, namespace)


def reaching_kube_system(ctx: CheckContext) -> list[BoundRole]:
    """The bindings whose grant reaches kube-system: ClusterRoleBindings and its RoleBindings."""
    return ctx.cached("reaching_kube_system", lambda: [b for b in bound_roles(ctx) if b.covers(KUBE_SYSTEM)])


def privileged_identity(ctx: CheckContext, user: str, groups: Sequence[str], namespaces: Iterable[str]) -> str | None:
    """Why the Kubernetes identity is privileged (``group system:masters``, a binding giving it a
    privileged request in a namespace or cluster-wide), or None."""
    if MASTERS in groups:
        return "member of system:masters"
    for namespace in dict.fromkeys([KUBE_SYSTEM, *namespaces]):
        for _subject, binding in ctx.rbac.held(user, groups, namespace):
            role = ctx.rbac.role_for(binding)
            request = privileged_request(role.rules) if role is not None else None
            if role is not None and request is not None:
                return f"{binding.ref} gives it {role.ref} ({request})"
    for mapping in ctx.identities.in_effect():
        if mapping.username == user and user and MASTERS in mapping.groups:
            return f"mapped to system:masters by {mapping.source}"
    return None


def service_account_user(namespace: str, name: str) -> tuple[str, tuple[str, ...]]:
    """The username and groups the API server gives a ServiceAccount's token."""
    return f"{SA_PREFIX}{namespace}:{name}", ("system:serviceaccounts", f"system:serviceaccounts:{namespace}")
