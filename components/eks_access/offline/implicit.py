"""What EKS and pulumi-eks create on their own, as plan records marked ``implicit``.

A plan that lists only what the program registers hides two grants that every real
deployment has (record format: docs/plan-format.md, "Implicit records"):

- The cluster creator's admin access. pulumi-eks 4.x passes
  ``accessConfig.bootstrapClusterCreatorAdminPermissions: true`` to ``aws.eks.Cluster``
  whenever an authentication mode is set, and EKS does the same when none is
  (pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts, ``createCore``). EKS then gives the IAM
  identity that called CreateCluster, whoever runs ``pulumi up``, an access entry with
  AmazonEKSClusterAdminPolicy on the whole cluster (EKS user guide, "Grant IAM users access to
  Kubernetes with EKS access entries": https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html).
  In CONFIG_MAP mode EKS keeps the same cluster-admin grant as a mapping that appears nowhere
  (not in aws-auth); the plan shows it with the same two records so readers see one shape.
- A managed node group's node role. In API and API_AND_CONFIG_MAP modes EKS creates an
  EC2_LINUX (EC2_WINDOWS for Windows AMIs) access entry for it when it creates the node group
  (EKS user guide, "Create access entries": https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html,
  and the CreateAccessEntry API reference: it is unnecessary to create entries for managed
  node group roles).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from eks_access.model.eks import CLUSTER_ADMIN_POLICY as CLUSTER_ADMIN_POLICY
from eks_access.model.eks import CLUSTER_CREATOR, MANAGED_NODE_GROUP, NODE_ENTRY_IDENTITY
from eks_access.offline.wire import is_unknown, ref_name
from eks_access.spec.fields import ASSUMED_ROLE_ARN

Record = dict[str, Any]

ACCESS_ENTRY_TYPES = frozenset({"aws:eks/accessEntry:AccessEntry"})
ASSOCIATION_TYPE = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
CLUSTER_TYPES = frozenset({"eks:index:Cluster", "aws:eks/cluster:Cluster"})
NODE_GROUP_TYPES = frozenset({"eks:index:ManagedNodeGroup", "aws:eks/nodeGroup:NodeGroup"})


#: EKS's default mode when a cluster is created without an access config; pulumi-eks says the
#: same (pulumi/pulumi-eks nodejs/eks/cluster/authenticationMode.ts, ``supportsConfigMap``).
DEFAULT_AUTHENTICATION_MODE = "CONFIG_MAP"
#: Modes in which access entries exist (authenticationMode.ts, ``supportsAccessEntries``).
ACCESS_ENTRY_MODES = frozenset({"API", "API_AND_CONFIG_MAP"})



class CloudState(Protocol):
    """What the implicit records need from the fake cloud."""

    @property
    def caller_arn(self) -> str: ...

    def named(self, name: str, short_type: str | None = None) -> Record | None: ...

    def cluster(self, eks_name: str) -> Record | None: ...


@dataclass(frozen=True)
class Implicit:
    """One resource EKS creates; the fake cloud fabricates its outputs like any other's."""

    type: str
    name: str
    parent: str
    reason: str
    inputs: dict[str, Any]


def caused_by(record: Record, cloud: CloudState) -> Iterator[Implicit]:
    """What EKS adds when ``record`` is created."""
    if record["type"] in CLUSTER_TYPES and creator_admin_enabled(record):
        yield from _creator(record, cloud.caller_arn)
    elif record["type"] in NODE_GROUP_TYPES:
        yield from _node_group(record, cloud)


def cluster_name(record: Mapping[str, Any]) -> Any:
    """The EKS name of a cluster record: its ``name`` input, else its logical name."""
    return record["inputs"].get("name") or record["name"]


def authentication_mode(cluster: Mapping[str, Any]) -> Any:
    inputs = cluster["inputs"]
    if cluster["type"] == "aws:eks/cluster:Cluster":
        access = inputs.get("accessConfig")
        mode = access.get("authenticationMode") if isinstance(access, Mapping) else None
    else:
        mode = inputs.get("authenticationMode")
    return mode or DEFAULT_AUTHENTICATION_MODE


def creator_admin_enabled(cluster: Mapping[str, Any]) -> bool:
    """pulumi-eks hard-codes it true; a raw ``aws.eks.Cluster`` may turn it off explicitly."""
    access = cluster["inputs"].get("accessConfig")
    if cluster["type"] == "aws:eks/cluster:Cluster" and isinstance(access, Mapping):
        return access.get("bootstrapClusterCreatorAdminPermissions") is not False
    return True


def creator_principal(caller_arn: str) -> str:
    """The IAM principal EKS records for a caller: an assumed-role session is its role.

    STS names a role session ``arn:<p>:sts::<account>:assumed-role/<role>/<session>`` (no path);
    EKS keys access entries by the IAM role, ``arn:<p>:iam::<account>:role/<role>``.
    """
    match = ASSUMED_ROLE_ARN.fullmatch(caller_arn)
    if match is None:
        return caller_arn
    partition = caller_arn.split(":", 2)[1]
    return f"arn:{partition}:iam::{match['account']}:role/{match['name']}"


def entry_defaults(entry_type: str, principal: Any) -> dict[str, Any]:
    """What EKS fills in for an access entry created without ``userName``/``kubernetesGroups``.

    Node entries get the node identity (CreateAccessEntry API reference, ``type``); a STANDARD
    entry's username is the IAM user's ARN, or the role's assumed-role ARN without its path,
    with ``{{SessionName}}`` (EKS user guide, "Set a custom username":
    https://docs.aws.amazon.com/eks/latest/userguide/set-custom-username.html).
    """
    if entry_type in ("EC2_LINUX", "EC2_WINDOWS"):
        username, groups = NODE_ENTRY_IDENTITY[entry_type]
        return {"userName": username, "kubernetesGroups": list(groups)}
    if entry_type != "STANDARD" or not isinstance(principal, str) or is_unknown(principal):
        return {}
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[5].startswith("role/"):
        role = parts[5].rsplit("/", 1)[-1]
        return {"userName": f"arn:{parts[1]}:sts::{parts[4]}:assumed-role/{role}/{{{{SessionName}}}}"}
    return {"userName": principal}


def _creator(cluster: Record, caller_arn: str) -> Iterator[Implicit]:
    name, eks_name = str(cluster["name"]), cluster_name(cluster)
    principal = creator_principal(caller_arn)
    yield Implicit(
        "aws:eks/accessEntry:AccessEntry", f"{name}-creator-access-entry", name, CLUSTER_CREATOR,
        {"clusterName": eks_name, "principalArn": principal, "type": "STANDARD"},
    )
    yield Implicit(
        ASSOCIATION_TYPE, f"{name}-creator-admin-policy", name, CLUSTER_CREATOR,
        {"clusterName": eks_name, "principalArn": principal, "policyArn": CLUSTER_ADMIN_POLICY, "accessScope": {"type": "cluster"}},
    )


def _node_group(node_group: Record, cloud: CloudState) -> Iterator[Implicit]:
    cluster = _cluster_of(node_group, cloud)
    if cluster is None or authentication_mode(cluster) not in ACCESS_ENTRY_MODES:
        return
    role_arn = _node_role_arn(node_group, cloud)
    if role_arn is None:
        return
    ami = str(node_group["inputs"].get("amiType") or "")
    entry_type = "EC2_WINDOWS" if "WINDOWS" in ami.upper() else "EC2_LINUX"
    name = str(node_group["name"])
    yield Implicit(
        "aws:eks/accessEntry:AccessEntry", f"{name}-node-access-entry", name, MANAGED_NODE_GROUP,
        {"clusterName": cluster_name(cluster), "principalArn": role_arn, "type": entry_type},
    )


def _cluster_of(node_group: Record, cloud: CloudState) -> Record | None:
    inputs = node_group["inputs"]
    if node_group["type"] == "eks:index:ManagedNodeGroup":
        logical = ref_name(inputs.get("cluster"))
        return cloud.named(logical, "Cluster") if logical else None
    wanted = inputs.get("clusterName")
    return cloud.cluster(wanted) if isinstance(wanted, str) and not is_unknown(wanted) else None


def _node_role_arn(node_group: Record, cloud: CloudState) -> Any:
    inputs = node_group["inputs"]
    if isinstance(inputs.get("nodeRoleArn"), str):
        return inputs["nodeRoleArn"]
    logical = ref_name(inputs.get("nodeRole"))
    role = cloud.named(logical, "Role") if logical else None
    return role["outputs"].get("arn") if role is not None else None
