"""The Kubernetes half of :class:`~eks_access.TeamAccess`: namespaces, roles and bindings.

Names follow :mod:`eks_access.components.names`: a Kubernetes object's logical name is its kind
and ``namespace/name`` under the team, so two objects get one logical name exactly when they are
one object, and release 0.1's ``-`` joined names (ambiguous: namespace ``a-b`` with role ``c``
and namespace ``a`` with role ``b-c`` met) stay as aliases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_kubernetes as k8s

from eks_access import documents as docs
from eks_access.components import names
from eks_access.spec import TeamSpec

if TYPE_CHECKING:
    from eks_access.components.team import TeamAccess


def register_rbac(team: TeamAccess, name: str, spec: TeamSpec) -> None:
    subjects = [docs.group_subject(g) for g in spec.kubernetes_groups]
    namespaces = _namespaces(team, name, spec)
    created = _cluster_roles(team, name, spec)
    _cluster_role_bindings(team, name, spec, subjects, created)
    _roles(team, name, spec, subjects, namespaces)
    _namespace_bindings(team, name, spec, subjects, namespaces, created)


def _namespaces(team: TeamAccess, name: str, spec: TeamSpec) -> dict[str, pulumi.Resource]:
    if not spec.create_namespaces:
        return {}
    out: dict[str, pulumi.Resource] = {}
    for ns in spec.rbac_namespaces:
        child = names.child(name, "ns", ns)
        out[ns] = _register(team, k8s.core.v1.Namespace, child, docs.namespace(ns, spec.name), ("ns", ns))
    return out


def _cluster_roles(team: TeamAccess, name: str, spec: TeamSpec) -> dict[str, pulumi.Resource]:
    return {
        role: _register(team, k8s.rbac.v1.ClusterRole, names.child(name, "clusterrole", role),
                        docs.cluster_role(role, rules, spec.name), ("clusterrole", role))
        for role, rules in spec.cluster_roles.items()
    }


def _cluster_role_bindings(team: TeamAccess, name: str, spec: TeamSpec, subjects: list[dict[str, str]],
                           created: dict[str, pulumi.Resource]) -> None:
    """Listed ClusterRoles, plus custom ones the team does not bind per namespace, bound cluster-wide."""
    per_namespace = {r for refs in spec.namespace_role_bindings.values() for r in refs}
    bound = list(spec.cluster_role_bindings) + [
        r for r in spec.cluster_roles if r not in spec.cluster_role_bindings and r not in per_namespace
    ]
    for role in bound:
        manifest = docs.cluster_role_binding(f"{spec.name}-{k8s_name(role)}", role, subjects, spec.name)
        _register(team, k8s.rbac.v1.ClusterRoleBinding, names.child(name, "crb", role), manifest, ("crb", role),
                  _deps(created, role))


def _roles(team: TeamAccess, name: str, spec: TeamSpec, subjects: list[dict[str, str]],
           namespaces: dict[str, pulumi.Resource]) -> None:
    for ns, by_name in spec.roles.items():
        for role, rules in by_name.items():
            k8s_role = _register(team, k8s.rbac.v1.Role, names.child(name, "role", ns, role),
                                 docs.role(role, ns, rules, spec.name), ("role", ns, role), _deps(namespaces, ns))
            manifest = docs.role_binding(f"{spec.name}-{role}", ns, "Role", role, subjects, spec.name)
            _register(team, k8s.rbac.v1.RoleBinding, names.child(name, "rb", ns, role), manifest, ("rb", ns, role),
                      [k8s_role, *_deps(namespaces, ns)])


def _namespace_bindings(team: TeamAccess, name: str, spec: TeamSpec, subjects: list[dict[str, str]],
                        namespaces: dict[str, pulumi.Resource], created: dict[str, pulumi.Resource]) -> None:
    """ClusterRoles bound in one namespace: a RoleBinding scopes a cluster-wide role to it."""
    for ns, refs in spec.namespace_role_bindings.items():
        for role in refs:
            manifest = docs.role_binding(f"{spec.name}-{k8s_name(role)}", ns, "ClusterRole", role, subjects, spec.name)
            _register(team, k8s.rbac.v1.RoleBinding, names.child(name, "rb", ns, role), manifest, ("rb", ns, role),
                      _deps(namespaces, ns) + _deps(created, role))


def _register(team: TeamAccess, kind: Any, child: str, manifest: dict[str, Any], legacy: tuple[str, ...],
              depends_on: list[pulumi.Resource] | None = None) -> Any:
    kind_token, *parts = legacy
    opts = team.child_options(child, legacy=names.legacy_joined(kind_token, *parts), depends_on=depends_on or [])
    return team.register_manifest(kind, child, manifest, opts)


def _deps(resources: dict[str, pulumi.Resource], key: str) -> list[pulumi.Resource]:
    return [resources[key]] if key in resources else []


def k8s_name(role_name: str) -> str:
    """Built-in role names may contain ':'; binding names derived from them must not."""
    return role_name.replace(":", "-")
