"""What one principal may do on one side of a diff, as rules with the scope each applies in.

The rules come from the same places the API server's authorizers read them, and through the
same code: the privileged group (``eks_access.authz.kubernetes``), the RBAC bindings that apply
to the identity (``RbacPolicy``: plan objects over the release's built-in ones, aggregation
resolved) and the EKS access policies of its access entry (``policy_rules``). An IAM principal
reaches Kubernetes identities by the analyzer's own paths (``Analyzer.paths_for``); its grants
are the union over the paths that end in an identity, as ``can-i`` allows when any path does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eks_access.analysis.analyzer import Analyzer
from eks_access.analysis.paths import Path
from eks_access.analysis.principals import Principal
from eks_access.authz.iam import RequestContext, describe_requirement
from eks_access.authz.identity import MASTERS, KubernetesIdentity
from eks_access.authz.rbac.access_policies import policy_rules
from eks_access.authz.rbac.policy import identity_keys, subject_key
from eks_access.model.k8s import PolicyRule

#: Everything, as the privileged-group authorizer allows it (resource and non-resource requests).
ALL_RULE = PolicyRule(0, verbs=("*",), api_groups=("*",), resources=("*",), non_resource_urls=("*",))

#: The scope of a grant: None is every request (cluster scope and every namespace); a tuple is
#: requests in those namespaces (EKS access-policy namespaces may be patterns: ``dev-*``).
Scope = tuple[str, ...] | None


@dataclass(frozen=True)
class Grant:
    """One rule of one binding (or access policy) that applies to the principal."""

    rule: PolicyRule
    scope: Scope
    cause: str  # "ClusterRole edit in namespace payments by RoleBinding payments/ops-edit"
    patterns: bool = False  # scope names are EKS access-scope patterns
    via: str = ""  # how the principal reaches the identity: "assumes role EKSOps (MFA ...)"

    @property
    def key(self) -> tuple[object, ...]:
        """What the grant allows, without where it comes from."""
        r = self.rule
        return (r.verbs, r.api_groups, r.resources, r.resource_names, r.non_resource_urls, self.scope, self.patterns)


def principal_grants(analyzer: Analyzer, principal: Principal,
                     of_identity: Callable[[KubernetesIdentity], list[Grant]] | None = None) -> tuple[Grant, ...]:  # fmt: skip
    """Every grant of ``principal`` on this side, in path order (no context: the default can-i).
    ``of_identity`` lets a caller cache identities' grants."""
    out: list[Grant] = []
    for path in analyzer.paths_for(principal, RequestContext()):
        if path.identity is None:
            continue
        via = _via(path)
        found = of_identity(path.identity) if of_identity is not None else identity_grants(analyzer, path.identity)
        out.extend(Grant(g.rule, g.scope, g.cause, g.patterns, via) for g in found)
    return tuple(out)


def identity_grants(analyzer: Analyzer, ident: KubernetesIdentity) -> list[Grant]:
    """The grants of one Kubernetes identity: privileged group, RBAC, EKS access policies."""
    if MASTERS in ident.groups:
        return [Grant(ALL_RULE, None, f"group {MASTERS} (every request is allowed before RBAC)")]
    rbac = analyzer.kubernetes.rbac
    keys = set(identity_keys(ident.username, ident.groups))
    out: list[Grant] = []
    for binding in rbac.bindings:
        if not any(subject_key(binding, s) in keys for s in binding.subjects):
            continue
        role = rbac.role_for(binding)
        if role is None:
            continue
        if binding.kind == "ClusterRoleBinding":
            scope: Scope = None
            cause = f"{role.ref} cluster-wide by {binding.ref}"
        else:
            if not binding.namespace:
                continue  # a RoleBinding without a namespace applies to no request
            scope = (binding.namespace,)
            cause = f"{role.ref} in namespace {binding.namespace} by {binding.ref}"
        out.extend(Grant(rule, scope, cause) for rule in role.rules)
    for assoc in ident.access_policies:
        found = policy_rules(assoc.policy_arn)
        if found is None or assoc.scope.type not in ("cluster", "namespace"):
            continue
        where = "cluster-wide" if assoc.scope.type == "cluster" else "in namespaces " + ", ".join(assoc.scope.namespaces)
        cause = f"EKS access policy {assoc.policy_name} {where} by {assoc.origin.name}"
        scope = None if assoc.scope.type == "cluster" else tuple(assoc.scope.namespaces)
        out.extend(Grant(rule, scope, cause, patterns=scope is not None) for rule in found[0])
    return out


def _via(path: Path) -> str:
    """The path in short: ``assumes role EKSOps; as user developer, groups [developers]``."""
    steps: list[str] = []
    for hop in path.hops:
        if hop.step == "assume":
            steps.append(f"assumes role {hop.fields.get('role')}")
        elif hop.step == "mapping":
            groups = ", ".join(hop.fields.get("groups") or ())
            steps.append(f"as Kubernetes user {hop.fields.get('username')}, groups [{groups}]")
    conditions = describe_requirement(path.requirement)
    if conditions:
        steps.append("only if " + "; ".join(conditions))
    return "; ".join(steps)
