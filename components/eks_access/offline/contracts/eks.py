"""Amazon EKS: access entries, access policy associations, Pod Identity, add-ons, node groups.

Sources (EKS API reference and user guide):
- Reserved username and group prefixes: ``eks_access.limits`` (EKS user guide, "Set a custom
  username"; for groups the InvalidParameterException EKS returns for ``system:`` names, as
  reported in terraform-aws-modules/terraform-aws-eks#2915).
- CreateAccessEntry, https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html:
  one entry per IAM principal ("You can't specify the same ARN in more than one access entry");
  node types (EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, ...) only for IAM roles, and "you can't
  specify values for kubernetesGroups, or associate an AccessPolicy" to them; no STS session
  principals.
- "Create access entries", https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html:
  access entries need the API or API_AND_CONFIG_MAP authentication mode.
- AssociateAccessPolicy, https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateAccessPolicy.html:
  the principal must have an access entry (ResourceNotFoundException otherwise); one
  association per entry and policy (a second one replaces the first's scope).
- CreatePodIdentityAssociation, https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html,
  and "Learn how EKS Pod Identity grants pods access", https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html:
  one association per service account; pods get credentials only from the EKS Pod Identity
  Agent, the ``eks-pod-identity-agent`` add-on (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html).
- CreateAddon, https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html: one
  add-on of a name per cluster (ResourceInUseException).
- NodegroupScalingConfig, https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html:
  minSize >= 0, maxSize >= 1, and desiredSize between them.

What a cluster already holds is known only for clusters the program creates: a new cluster has
exactly the implicit entries and nothing else, while an existing one may have anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eks_access import limits
from eks_access.model.eks import CLUSTER_CREATOR, MANAGED_NODE_GROUP
from eks_access.offline import implicit
from eks_access.offline.contracts.base import (
    Plan,
    Record,
    Violation,
    collisions,
    duplicates,
    iam_principal_key,
    input_key,
    known,
    violation,
)
from eks_access.offline.wire import is_unknown

ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = implicit.ASSOCIATION_TYPE
POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ADDON = "aws:eks/addon:Addon"
POD_IDENTITY_AGENT = "eks-pod-identity-agent"
NODE_ENTRY_TYPES = frozenset({"EC2", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "HYPERPOD_LINUX"})


def check(plan: Plan) -> Iterator[Violation]:
    clusters = _clusters(plan)
    yield from _entries(plan, clusters)
    yield from _associations(plan, clusters)
    yield from _pod_identity(plan, clusters)
    yield from _unique_addons(plan)
    yield from _scaling(plan)


def _clusters(plan: Plan) -> dict[str, Record]:
    """EKS name -> cluster record, for the clusters this program creates."""
    out: dict[str, Record] = {}
    for record in plan.of(*sorted(implicit.CLUSTER_TYPES)):
        name = implicit.cluster_name(record)
        if isinstance(name, str) and not is_unknown(name):
            out.setdefault(name, record)
    return out


def _entry_key(record: Record) -> tuple[Any, ...] | None:
    cluster, principal = record["inputs"].get("clusterName"), iam_principal_key(record["inputs"].get("principalArn"))
    return (cluster, principal) if known(cluster) and principal is not None else None


def _eks_first(records: Iterator[Record]) -> list[Record]:
    """What EKS creates itself exists first (with the cluster or node group): blame the other one."""
    return sorted(records, key=lambda r: "implicit" not in r)


def _entries(plan: Plan, clusters: dict[str, Record]) -> Iterator[Violation]:
    entries = _eks_first(plan.of(ENTRY))
    for later, first in duplicates(entries, _entry_key):
        yield violation(
            "eks-one-entry-per-principal", later,
            f"EKS allows one access entry per IAM principal in a cluster; {first['name']}"
            f"{_why(first)} already creates the entry of {later['inputs']['principalArn']} in cluster "
            f"{later['inputs']['clusterName']} (CreateAccessEntry fails with ResourceInUseException)",
            other=first,
        )
    for record in entries:
        yield from _entry_shape(record, clusters)


def _why(record: Record) -> str:
    reason = record.get("implicit")
    if reason == CLUSTER_CREATOR:
        return " (EKS's own entry for the cluster creator, whoever runs `pulumi up`)"
    if reason == MANAGED_NODE_GROUP:
        return " (EKS's own entry for the managed node group's node role)"
    return ""


def _entry_shape(record: Record, clusters: dict[str, Record]) -> Iterator[Violation]:
    inputs = record["inputs"]
    cluster = clusters.get(str(inputs.get("clusterName")))
    if cluster is not None and "implicit" not in record and implicit.authentication_mode(cluster) not in implicit.ACCESS_ENTRY_MODES:
        yield violation(
            "eks-entry-needs-api-mode", record,
            f"cluster {inputs['clusterName']} uses authentication mode {implicit.authentication_mode(cluster)}; "
            "EKS accepts access entries only in API or API_AND_CONFIG_MAP mode",
        )
    principal = inputs.get("principalArn")
    if isinstance(principal, str) and ":sts::" in principal:
        yield violation(
            "eks-entry-principal", record,
            f"principal {principal} is an STS session; EKS access entries take the IAM role or user ARN, never a session",
        )
    entry_type = str(inputs.get("type") or "STANDARD")
    if entry_type not in NODE_ENTRY_TYPES:
        yield from _reserved_names(record)
        return
    for field in ("kubernetesGroups", "userName"):
        if inputs.get(field) not in (None, []):
            yield violation(
                "eks-node-entry-shape", record,
                f"access entries of type {entry_type} take no {field}; EKS gives node entries their own username and groups",
            )
    if known(principal) and ":role/" not in str(principal):
        yield violation("eks-node-entry-shape", record, f"access entries of type {entry_type} need an IAM role ARN, not {principal}")


def _reserved_names(record: Record) -> Iterator[Violation]:
    """Usernames and groups EKS keeps for itself (prefixes in ``eks_access.limits``)."""
    username = record["inputs"].get("userName")
    problem = limits.eks_username_problem(username) if isinstance(username, str) and known(username) else None
    if problem:
        yield violation("eks-reserved-name", record, f"userName {problem}")
    groups = record["inputs"].get("kubernetesGroups")
    for group in groups if isinstance(groups, list) else []:
        if isinstance(group, str) and group.startswith(limits.EKS_RESERVED_GROUP_PREFIX):
            yield violation(
                "eks-reserved-name", record,
                f"kubernetesGroups has {group!r}: EKS refuses group names starting with "
                f"{limits.EKS_RESERVED_GROUP_PREFIX!r} (CreateAccessEntry: InvalidParameterException)",
            )


def _associations(plan: Plan, clusters: dict[str, Record]) -> Iterator[Violation]:
    entries = {key: record for record in plan.of(ENTRY) if (key := _entry_key(record)) is not None}
    associations = _eks_first(plan.of(ASSOCIATION))

    def association_key(record: Record) -> tuple[Any, ...] | None:
        entry, policy = _entry_key(record), record["inputs"].get("policyArn")
        return (*entry, policy) if entry is not None and known(policy) else None

    for later, first in duplicates(associations, association_key):
        yield violation(
            "eks-one-association-per-policy", later,
            f"{first['name']} already associates {later['inputs']['policyArn']} with the access entry of "
            f"{later['inputs']['principalArn']}; EKS keeps one association per entry and policy, so the two would "
            "overwrite each other's scope",
            other=first,
        )
    for record in associations:
        entry_key = _entry_key(record)
        if entry_key is None:
            continue
        entry = entries.get(entry_key)
        if entry is None and record["inputs"].get("clusterName") in clusters:
            yield violation(
                "eks-association-needs-entry", record,
                f"{record['inputs']['principalArn']} has no access entry in cluster {record['inputs']['clusterName']}; "
                "AssociateAccessPolicy fails with ResourceNotFoundException",
            )
        elif entry is not None and str(entry["inputs"].get("type") or "STANDARD") in NODE_ENTRY_TYPES:
            yield violation(
                "eks-association-needs-entry", record,
                f"the access entry of {record['inputs']['principalArn']} ({entry['name']}) is of type "
                f"{entry['inputs']['type']}; EKS associates access policies only with STANDARD entries",
            )


def _pod_identity(plan: Plan, clusters: dict[str, Record]) -> Iterator[Violation]:
    associations = list(plan.of(POD_IDENTITY))
    yield from collisions(
        associations, input_key("clusterName", "namespace", "serviceAccount"), "eks-one-pod-identity-per-service-account",
        lambda later, first: (
            f"{first['name']} already associates service account {later['inputs']['namespace']}/"
            f"{later['inputs']['serviceAccount']} in cluster {later['inputs']['clusterName']} with a role; "
            "EKS allows one Pod Identity association per service account"
        ),
    )
    agents = {
        record["inputs"].get("clusterName")
        for record in plan.of(ADDON)
        if record["inputs"].get("addonName") == POD_IDENTITY_AGENT
    }
    for record in associations:
        cluster = record["inputs"].get("clusterName")
        if cluster in clusters and cluster not in agents:
            yield violation(
                "eks-pod-identity-needs-agent", record,
                f"cluster {cluster} has no {POD_IDENTITY_AGENT} add-on (aws.eks.Addon); without the EKS Pod Identity "
                "Agent the pods of this service account never receive credentials",
            )


def _unique_addons(plan: Plan) -> Iterator[Violation]:
    yield from collisions(
        plan.of(ADDON), input_key("clusterName", "addonName"), "eks-one-addon-per-name",
        lambda later, first: (
            f"{first['name']} already installs add-on {later['inputs']['addonName']} in cluster "
            f"{later['inputs']['clusterName']}; CreateAddon fails with ResourceInUseException"
        ),
    )


def _scaling(plan: Plan) -> Iterator[Violation]:
    for record in plan.of(*sorted(implicit.NODE_GROUP_TYPES)):
        scaling = record["inputs"].get("scalingConfig")
        if not isinstance(scaling, dict) or not known(scaling):
            continue
        low, want, high = (scaling.get(k) for k in ("minSize", "desiredSize", "maxSize"))
        problem = _scaling_problem(low, want, high)
        if problem:
            yield violation("eks-node-group-scaling", record, f"scalingConfig {problem}; EKS refuses the node group")


def _scaling_problem(low: Any, want: Any, high: Any) -> str | None:
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, want, high)):
        return "needs integer minSize, desiredSize and maxSize"
    if low < 0 or high < 1:
        return f"has minSize {low} and maxSize {high}; minSize must be at least 0 and maxSize at least 1"
    if not low <= want <= high:
        return f"has desiredSize {want} outside minSize {low} .. maxSize {high}"
    return None
