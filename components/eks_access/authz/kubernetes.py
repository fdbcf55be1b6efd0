"""The API server's decision for one request: privileged group, RBAC, EKS access policies.

kube-apiserver puts a privileged-group authorizer in front of the configured ones
(k8s.io/kubernetes ``pkg/kubeapiserver/authorizer/config.go``: ``system:masters`` is allowed
everything before any authorizer runs); EKS then runs RBAC and its access-policy webhook, and
a request is allowed when any of them allows it (none of them denies). The Node authorizer
that judges kubelets (``system:nodes``) needs live pod/node data and is not modelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from eks_access.authz.identity import MASTERS
from eks_access.authz.rbac.access_policies import AccessPolicyGrant, authorize_access_policies
from eks_access.authz.rbac.attributes import Attributes
from eks_access.authz.rbac.policy import Grant, RbacPolicy
from eks_access.errors import EksAccessError
from eks_access.kubedata import (
    DEFAULT_VERSION,
    SUPPORTED_VERSIONS,
    UnsupportedVersion,
    normalize_version,
)
from eks_access.model import AccessModel
from eks_access.model.eks import AccessPolicyAssociation


@dataclass(frozen=True)
class KubernetesDecision:
    allowed: bool
    by: Literal["masters", "rbac", "access-policy"] | None = None
    grant: Grant | None = None
    access_grant: AccessPolicyGrant | None = None


def kubernetes_version(model: AccessModel, requested: str | None = None) -> str:
    """The version whose built-in RBAC applies: the one asked for, else the cluster's, else the
    newest the data has. Unsupported versions raise ``UnsupportedVersion`` (exit 2)."""
    if requested:
        return normalize_version(requested)
    configured = model.kubernetes_version
    if configured:
        try:
            return normalize_version(configured)
        except UnsupportedVersion:
            raise EksAccessError(
                f"cluster.version: the cluster's Kubernetes version {configured!r} has no built-in RBAC "
                f"data; pass --kubernetes-version (supported: {', '.join(SUPPORTED_VERSIONS)})"
            ) from None
    return DEFAULT_VERSION


class KubernetesAuthorizer:
    def __init__(self, model: AccessModel, version: str | None = None) -> None:
        self.version = kubernetes_version(model, version)
        self.rbac = RbacPolicy(model, self.version)

    def authorize(self, user: str, groups: Sequence[str], attrs: Attributes,
                  access_policies: Sequence[AccessPolicyAssociation] = ()) -> KubernetesDecision:  # fmt: skip
        if MASTERS in groups:
            return KubernetesDecision(True, "masters")
        grant = self.rbac.authorize(user, groups, attrs)
        if grant is not None:
            return KubernetesDecision(True, "rbac", grant=grant)
        access = authorize_access_policies(access_policies, attrs)
        if access is not None:
            return KubernetesDecision(True, "access-policy", access_grant=access)
        return KubernetesDecision(False)
