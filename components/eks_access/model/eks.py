"""EKS in the model: clusters, identity mappings of every kind, access policies, Pod Identity.

An identity mapping turns an IAM principal into a Kubernetes username and groups. Its
``mechanism`` decides how it matches a caller (authz/identity.py): ``access-entry`` (the EKS
access entry API: ``aws:eks/accessEntry:AccessEntry``, pulumi-eks ``accessEntries``, the
implicit entries EKS creates) or ``aws-auth`` (the ``kube-system/aws-auth`` ConfigMap's
``mapRoles``/``mapUsers``/``mapAccounts``, and pulumi-eks ``roleMappings``/``userMappings``/
``instanceRoles``, which pulumi-eks writes into that ConfigMap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eks_access.model.origin import Origin

Mechanism = Literal["access-entry", "aws-auth"]
PrincipalKind = Literal["role", "user", "account"]

API = "API"
API_AND_CONFIG_MAP = "API_AND_CONFIG_MAP"
CONFIG_MAP = "CONFIG_MAP"
#: The order EKS changes a cluster's authentication mode in: one way only, one step at a time (EKS
#: User Guide, "Change authentication mode to use access entries",
#: https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html: access entries
#: once enabled cannot be disabled, the ConfigMap once off cannot be enabled again; the EKS workshop,
#: "Managing cluster access": CONFIG_MAP to API_AND_CONFIG_MAP, then to API, "not the other way
#: around"; eksctl's migrate-to-access-entry steps through API_AND_CONFIG_MAP too).
AUTHENTICATION_MODE_ORDER = (CONFIG_MAP, API_AND_CONFIG_MAP, API)


#: The Kubernetes identity EKS gives a node access entry (CreateAccessEntry ``type``: "Amazon EKS
#: grants the necessary permissions to the node for you"; such entries take no ``kubernetesGroups``).
#: EC2 nodes are ``system:node:{{EC2PrivateDNSName}}``, Fargate and hybrid nodes
#: ``system:node:{{SessionName}}`` (EKS user guide, creating-access-entries), all in
#: ``system:nodes``. EC2_WINDOWS also carries ``eks:kube-proxy-windows``, the group aws-auth gives
#: Windows nodes for kube-proxy (EKS user guide, windows-support: "required for Windows DNS
#: resolution to work"): an EC2_LINUX entry for Windows nodes breaks their networking
#: (terraform-aws-modules/terraform-aws-eks#2994, #3291), an EC2_WINDOWS entry does not.
KUBE_PROXY_WINDOWS = "eks:kube-proxy-windows"
NODE_ENTRY_IDENTITY: dict[str, tuple[str, tuple[str, ...]]] = {
    "EC2_LINUX": ("system:node:{{EC2PrivateDNSName}}", ("system:nodes",)),
    "EC2_WINDOWS": ("system:node:{{EC2PrivateDNSName}}", ("system:nodes", KUBE_PROXY_WINDOWS)),
    "EC2": ("system:node:{{EC2PrivateDNSName}}", ("system:nodes",)),
    "FARGATE_LINUX": ("system:node:{{SessionName}}", ("system:nodes",)),
    "HYBRID_LINUX": ("system:node:{{SessionName}}", ("system:nodes",)),
}
#: The node entry types an aws-auth node row becomes (eksctl's migrate-to-access-entry and ours).
AWS_AUTH_NODE_ENTRY_TYPES = ("EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX")


def mode_change_problem(current: str, wanted: str) -> str | None:
    """Why UpdateClusterConfig refuses ``accessConfig.authenticationMode`` ``current`` -> ``wanted``, or None."""
    order = AUTHENTICATION_MODE_ORDER
    if current in order and wanted in order and order.index(wanted) == order.index(current) + 1:
        return None
    return (f"EKS does not change authentication mode {current} to {wanted}: the mode moves one way only, "
            f"one step at a time, {' -> '.join(order)} (EKS user guide, setting-up-access-entries)")  # fmt: skip
AUTHENTICATION_MODES = (API, API_AND_CONFIG_MAP, CONFIG_MAP)

#: The ``implicit`` reason of the access entry and admin policy EKS gives the IAM identity that
#: created the cluster (offline/implicit.py, docs/plan-format.md "Implicit records"). In CONFIG_MAP
#: mode EKS keeps that cluster-admin grant outside aws-auth, so it is in effect in every mode.
CLUSTER_CREATOR = "eks-cluster-creator"
#: The other ``implicit`` reasons of what EKS makes on its own: a managed node group's or a Fargate
#: profile's node access entry, the entry (and baseline policies) of an EKS capability's role, and
#: EKS's own ``eks:`` RBAC (offline/implicit.py for plans, model/from_snapshot/implicit.py for snapshots).
MANAGED_NODE_GROUP = "eks-managed-node-group"
FARGATE_PROFILE = "eks-fargate-profile"
EKS_CAPABILITY = "eks-capability"
EKS_MANAGED = "eks-managed"
CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


@dataclass(frozen=True)
class Cluster:
    """An EKS cluster the plan declares (pulumi-eks ``eks:index:Cluster`` or ``aws:eks/cluster:Cluster``).

    ``authentication_mode`` is what the record says (None when absent or null);
    ``mode_declared`` tells an absent setting (the EKS API default, CONFIG_MAP) from one set
    to null. ``shadowed`` marks a pulumi-eks child whose facts its parent component states.
    """

    name: str | None
    kind: Literal["pulumi-eks", "aws"]
    authentication_mode: str | None
    mode_declared: bool
    version: str | None
    origin: Origin
    shadowed: bool = False
    unknowns: tuple[str, ...] = ()

    @property
    def effective_mode(self) -> str | None:
        """The mode EKS runs with: CONFIG_MAP when unset (EKS CreateCluster accessConfig default)."""
        if not self.mode_declared:
            return CONFIG_MAP
        return self.authentication_mode


@dataclass(frozen=True)
class IdentityMapping:
    """One IAM identity -> Kubernetes identity entry.

    ``principal_arn`` is the ARN as written (the account id for ``mapAccounts``); ``username``
    None means "not set" (EKS then generates one for access entries). ``entry_type`` is the
    access entry type (STANDARD, EC2_LINUX, ...); aws-auth entries are ``STANDARD``.
    """

    mechanism: Mechanism
    kind: PrincipalKind
    principal_arn: str | None
    username: str | None
    groups: tuple[str, ...]
    origin: Origin
    entry_type: str = "STANDARD"
    cluster: str | None = None
    shadowed: bool = False
    node_role: bool = False  # pulumi-eks instanceRoles: node identities, not people
    unknowns: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """Where inside its record: ``mapRoles[1]``, ``roleMappings[0]``, ``accessEntries.admin``."""
        return self.origin.path or ("access entry" if self.mechanism == "access-entry" else "aws-auth")

    @property
    def implicit(self) -> str | None:
        return self.origin.implicit


@dataclass(frozen=True)
class AccessScope:
    """``cluster``, or ``namespace`` with the namespaces (EKS AccessScope API type)."""

    type: str
    namespaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessPolicyAssociation:
    """An EKS access policy associated with an access entry's principal."""

    principal_arn: str | None
    policy_arn: str
    scope: AccessScope
    origin: Origin
    cluster: str | None = None
    unknowns: tuple[str, ...] = ()

    @property
    def policy_name(self) -> str:
        return self.policy_arn.rsplit("/", 1)[-1]

    @property
    def implicit(self) -> str | None:
        return self.origin.implicit


@dataclass(frozen=True)
class PodIdentityAssociation:
    cluster: str | None
    namespace: str
    service_account: str
    role_arn: str | None
    origin: Origin
    unknowns: tuple[str, ...] = ()


@dataclass(frozen=True)
class EksFacts:
    clusters: tuple[Cluster, ...] = ()
    mappings: tuple[IdentityMapping, ...] = ()
    access_policies: tuple[AccessPolicyAssociation, ...] = ()
    pod_identities: tuple[PodIdentityAssociation, ...] = ()
