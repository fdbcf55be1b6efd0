"""What every EKS cluster already has, which a stack must not create a second time.

One function per fact, read from the vendored per-version Kubernetes data (``eks_access.kubedata``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from eks_access import kubedata

#: Namespaces the API server creates at start-up (kubernetes/kubernetes
#: pkg/controlplane/controller/systemnamespaces; "Initial namespaces",
#: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/).
BUILTIN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")

#: ServiceAccounts EKS's default add-ons run as in kube-system (VPC CNI ``aws-node``, CoreDNS,
#: kube-proxy; EKS user guide "Amazon EKS add-ons", https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html)
#: and the Pod Identity agent (``eks-pod-identity-agent``).
EKS_KUBE_SYSTEM_SERVICE_ACCOUNTS = ("aws-node", "coredns", "kube-proxy", "eks-pod-identity-agent")


@cache
def builtin_cluster_role_names() -> frozenset[str]:
    """Names of the ClusterRoles the API server bootstraps (view, edit, admin, cluster-admin, system:*)."""
    return frozenset(str(item["metadata"]["name"]) for item in _bootstrap("cluster-roles.yaml"))


@cache
def kube_system_service_accounts() -> frozenset[str]:
    """ServiceAccounts Kubernetes and EKS create in kube-system: every controller's account
    (``system:controller:<name>`` runs as kube-system/<name>), the accounts bootstrap bindings
    name, and EKS's add-ons."""
    names = set(EKS_KUBE_SYSTEM_SERVICE_ACCOUNTS)
    for role in _bootstrap("cluster-roles.yaml"):
        name = str(role["metadata"]["name"])
        if name.startswith("system:controller:"):
            names.add(name.removeprefix("system:controller:"))
    for binding in _bootstrap("cluster-role-bindings.yaml"):
        for subject in binding.get("subjects") or []:
            if subject.get("kind") == "ServiceAccount" and subject.get("namespace") == "kube-system":
                names.add(str(subject["name"]))
    return frozenset(names)


def _bootstrap(name: str) -> list[dict[str, Any]]:
    policy = kubedata.bootstrap_policy(kubedata.DEFAULT_VERSION)
    return list(policy.cluster_roles if name == "cluster-roles.yaml" else policy.cluster_role_bindings)
