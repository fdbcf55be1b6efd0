"""Which objects of a live estate EKS or Kubernetes made on their own.

They are marked with the plan's ``implicit`` reasons (docs/plan-format.md, "Implicit records"),
so answers say where a grant comes from and guardrails do not report what the user cannot act
on, exactly as for the implicit records of a plan:

- the cluster creator's entry (``eks-cluster-creator``): with
  ``accessConfig.bootstrapClusterCreatorAdminPermissions`` true, EKS creates, while it creates
  the cluster, a STANDARD entry for the caller of CreateCluster with AmazonEKSClusterAdminPolicy
  on the cluster (https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html). No
  field names it, so it is recognised by that policy and by a creation time within the
  cluster's creation (:data:`CREATION_WINDOW`); the earliest such entry wins;
- node entries (``eks-managed-node-group``: EC2_LINUX, EC2_WINDOWS; ``eks-fargate-profile``:
  FARGATE_LINUX), which EKS creates for managed node groups and Fargate profiles
  (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html);
- the entry EKS creates for an EKS capability's IAM role (``eks-capability``) and, of its policy
  associations, only the baseline ones EKS adds for the capability's type (:data:`CAPABILITY_POLICIES`:
  ACK, https://docs.aws.amazon.com/eks/latest/userguide/create-ack-capability.html; ARGOCD,
  .../create-argocd-capability.html and .../argocd-register-clusters.html; KRO,
  .../create-kro-capability.html). The entry is recognised by its principal, the ``roleArn`` of
  DescribeCapability (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCapability.html).
  Any other policy on that entry (the user guide tells users to add e.g. AmazonEKSClusterAdminPolicy
  so Argo CD or kro can create workloads) is the user's, not EKS's;
- RBAC objects named ``eks:...`` (``eks-managed``: EKS's own controllers,
  https://docs.aws.amazon.com/eks/latest/userguide/default-roles-users.html) and the
  bootstrap policy the API server reconciles, labelled ``kubernetes.io/bootstrapping:
  rbac-defaults`` (``kubernetes-bootstrap``, as the shipped built-in data is marked;
  kubernetes ``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go`` bootstrapPolicyLabels).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from eks_access.model.eks import (
    CLUSTER_ADMIN_POLICY,
    CLUSTER_CREATOR,
    EKS_CAPABILITY,
    EKS_MANAGED,
    FARGATE_PROFILE,
    MANAGED_NODE_GROUP,
)
from eks_access.model.k8s import KUBERNETES_BOOTSTRAP

CREATION_WINDOW = timedelta(minutes=30)
_POLICY = "arn:aws:eks::aws:cluster-access-policy/"
#: capability type -> the access policies EKS associates with the capability role's entry.
CAPABILITY_POLICIES = {
    "ACK": frozenset({_POLICY + "AmazonEKSACKPolicy"}),
    "ARGOCD": frozenset({_POLICY + "AmazonEKSArgoCDPolicy", _POLICY + "AmazonEKSArgoCDClusterPolicy"}),
    "KRO": frozenset({_POLICY + "AmazonEKSKROPolicy"}),
}
_NODE_TYPES = {"EC2_LINUX": MANAGED_NODE_GROUP, "EC2_WINDOWS": MANAGED_NODE_GROUP, "FARGATE_LINUX": FARGATE_PROFILE}


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _admin(body: Mapping[str, Any]) -> bool:
    for assoc in body.get("associatedAccessPolicies") or ():
        if isinstance(assoc, Mapping) and assoc.get("policyArn") == CLUSTER_ADMIN_POLICY:
            scope = assoc.get("accessScope")
            if not isinstance(scope, Mapping) or scope.get("type") in (None, "cluster"):
                return True
    return False


def capability_roles(capabilities: list[Any]) -> dict[str, frozenset[str]]:
    """Capability role ARN -> the baseline policies EKS gave its entry (a role may serve several)."""
    out: dict[str, frozenset[str]] = {}
    for cap in capabilities:
        if isinstance(cap, Mapping) and isinstance(cap.get("roleArn"), str):
            policies = CAPABILITY_POLICIES.get(str(cap.get("type")), frozenset())
            out[cap["roleArn"]] = out.get(cap["roleArn"], frozenset()) | policies
    return out


class Implicit:
    def __init__(self, cluster: Mapping[str, Any] | None, entries: list[Any], capabilities: Sequence[Any] = ()) -> None:
        self.creator: str | None = None
        self.capabilities = capability_roles(list(capabilities))
        if not cluster or (cluster.get("accessConfig") or {}).get("bootstrapClusterCreatorAdminPermissions") is not True:
            return
        created = _when(cluster.get("createdAt"))
        if created is None:
            return
        best: tuple[datetime, str] | None = None
        for body in entries:
            entry = body.get("accessEntry") if isinstance(body, Mapping) else None
            if not isinstance(entry, Mapping) or (entry.get("type") or "STANDARD") != "STANDARD" or not _admin(body):
                continue
            at = _when(entry.get("createdAt"))
            in_window = at is not None and created - timedelta(minutes=1) <= at <= created + CREATION_WINDOW
            if at is not None and in_window and (best is None or at < best[0]):
                best = (at, str(entry.get("principalArn")))
        self.creator = best[1] if best else None

    def entry(self, entry: Mapping[str, Any], body: Mapping[str, Any]) -> str | None:
        kind = entry.get("type") or "STANDARD"
        if kind in _NODE_TYPES:
            return _NODE_TYPES[str(kind)]
        if self.creator is not None and entry.get("principalArn") == self.creator:
            return CLUSTER_CREATOR
        if entry.get("principalArn") in self.capabilities:
            return EKS_CAPABILITY
        return None

    def association(self, principal: str, policy: Any, entry_reason: str | None) -> str | None:
        """An association is EKS's when its entry is, except a policy the user added to a capability's entry."""
        if entry_reason == EKS_CAPABILITY and policy not in self.capabilities.get(principal, frozenset()):
            return None
        return entry_reason

    def kubernetes(self, kind: str, meta: Mapping[str, Any]) -> str | None:
        name = meta.get("name")
        labels = meta.get("labels")
        if kind != "Namespace" and kind != "ServiceAccount" and isinstance(name, str) and name.startswith("eks:"):
            return EKS_MANAGED
        if isinstance(labels, Mapping) and labels.get("kubernetes.io/bootstrapping") == "rbac-defaults":
            return KUBERNETES_BOOTSTRAP
        return None
