"""The RBAC objects every cluster of a Kubernetes version starts with, as model objects.

The API server creates them at start-up (kubernetes ``plugin/pkg/auth/authorizer/rbac/
bootstrappolicy``): ClusterRoles (``view``, ``edit``, ``admin``, ``cluster-admin``, the
``system:*`` and ``system:controller:*`` roles), their ClusterRoleBindings, and the namespaced
Roles and RoleBindings in ``kube-system`` and ``kube-public``. The vendored manifests
(``eks_access.kubedata``) are read by the same reader as plan records, so they are judged by
the same code; their origin's ``implicit`` reason is ``kubernetes-bootstrap``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from eks_access.kubedata import bootstrap_policy
from eks_access.model import read_model
from eks_access.model.k8s import KUBERNETES_BOOTSTRAP, RbacBinding, RbacRole

_RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"


def is_builtin(obj: RbacRole | RbacBinding) -> bool:
    return obj.origin.implicit == KUBERNETES_BOOTSTRAP


@cache
def builtin_rbac(version: str) -> tuple[tuple[RbacRole, ...], tuple[RbacBinding, ...]]:
    """(roles, bindings) of a Kubernetes version; UnsupportedVersion for one without data."""
    policy = bootstrap_policy(version)
    records: list[dict[str, Any]] = []
    groups = (
        ("ClusterRole", policy.cluster_roles),
        ("ClusterRoleBinding", policy.cluster_role_bindings),
        ("Role", policy.roles),
        ("RoleBinding", policy.role_bindings),
    )
    for kind, manifests in groups:
        for manifest in manifests:
            meta = manifest.get("metadata") or {}
            where = f"{meta.get('namespace')}/" if meta.get("namespace") else ""
            records.append({
                "type": _RBAC + kind, "name": f"{kind} {where}{meta.get('name')} (Kubernetes {policy.version} bootstrap)",
                "parent": None, "custom": True, "inputs": manifest, "outputs": {}, "implicit": KUBERNETES_BOOTSTRAP,
            })  # fmt: skip
    model = read_model(records)
    return model.k8s.roles, model.k8s.bindings
