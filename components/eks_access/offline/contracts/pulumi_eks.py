"""pulumi-eks 4.x argument rules, which its component provider enforces before creating anything.

Under mocks ``eks:index:Cluster`` and ``eks:index:ManagedNodeGroup`` are opaque resources, so
the checks pulumi-eks runs in its own (Node.js) provider are restated here. Sources, in
pulumi/pulumi-eks:

- nodejs/eks/cluster/authenticationMode.ts, ``validateAuthenticationMode``: the mode is one of
  CONFIG_MAP, API_AND_CONFIG_MAP, API; in API mode ``roleMappings``, ``userMappings`` and
  ``instanceRoles`` must be empty; ``accessEntries`` need API or API_AND_CONFIG_MAP (a cluster
  without a mode is CONFIG_MAP).
- nodejs/eks/cluster/cluster.ts, ``createCore``: ``instanceRole`` and ``instanceRoles`` are
  mutually exclusive; ``subnetIds`` excludes ``publicSubnetIds``/``privateSubnetIds``;
  ``nodeGroupOptions`` excludes the singular node group options; EKS Auto Mode needs access
  entries; ``publicAccessCidrs`` only with a public endpoint (``endpointPublicAccess``,
  default true).
- nodejs/eks/nodes/nodegroup.ts, ``createManagedNodeGroup``: exactly one of ``nodeRole`` and
  ``nodeRoleArn``; ``amiId`` excludes ``gpu`` and ``amiType``; ``enableEfaSupport`` needs
  ``placementGroupAvailabilityZone``; where the cluster supports no access entries the node
  role must be one of the cluster's ``instanceRoles`` (aws-auth is the only way nodes join).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eks_access.offline import implicit
from eks_access.offline.contracts.base import Plan, Record, Violation, known, violation
from eks_access.offline.wire import ref_name

CLUSTER = "eks:index:Cluster"
MANAGED_NODE_GROUP = "eks:index:ManagedNodeGroup"
MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")
_SINGULAR_NODE_OPTIONS = (
    "nodeSubnetIds", "nodeAssociatePublicIpAddress", "instanceType", "instanceProfileName", "nodePublicKey",
    "nodeRootVolumeSize", "nodeUserData", "minSize", "maxSize", "desiredCapacity", "nodeAmiId", "gpu",
)


def check(plan: Plan) -> Iterator[Violation]:
    for cluster in plan.of(CLUSTER):
        yield from _cluster(cluster)
    for node_group in plan.of(MANAGED_NODE_GROUP):
        yield from _managed_node_group(node_group, plan)


def _set(inputs: dict[str, Any], key: str) -> bool:
    """pulumi-eks tests presence (``args[prop]``): anything but absent, null, false or empty."""
    value = inputs.get(key)
    return value not in (None, False, "", [], {})


def _cluster(record: Record) -> Iterator[Violation]:
    inputs = record["inputs"]
    mode = inputs.get("authenticationMode")
    if known(mode) and mode not in MODES:
        yield violation("pulumi-eks-cluster", record, f"authenticationMode {mode!r} is not one of {', '.join(MODES)}")
        return
    if mode == "API":
        for key in ("roleMappings", "userMappings", "instanceRoles"):
            if _set(inputs, key):
                yield violation(
                    "pulumi-eks-cluster", record,
                    f"{key} must be empty when authenticationMode is API (pulumi-eks validateAuthenticationMode); "
                    + ("EKS creates the access entry of a managed node group's role itself" if key == "instanceRoles"
                       else "map principals with access entries instead"),
                )
    if known(mode) and mode not in implicit.ACCESS_ENTRY_MODES and _set(inputs, "accessEntries"):
        yield violation(
            "pulumi-eks-cluster", record,
            f"accessEntries need authenticationMode API or API_AND_CONFIG_MAP, not {mode or 'unset (CONFIG_MAP)'}",
        )
    pairs = (
        ("instanceRole", "instanceRoles"),
        ("subnetIds", "publicSubnetIds"),
        ("subnetIds", "privateSubnetIds"),
    )
    for a, b in pairs:
        if _set(inputs, a) and _set(inputs, b):
            yield violation("pulumi-eks-cluster", record, f"{a} and {b} are mutually exclusive; set one")
    singular = [k for k in _SINGULAR_NODE_OPTIONS if _set(inputs, k)]
    if _set(inputs, "nodeGroupOptions") and singular:
        yield violation(
            "pulumi-eks-cluster", record,
            f"nodeGroupOptions and the singular node group options ({', '.join(singular)}) are mutually exclusive",
        )
    auto = inputs.get("autoMode")
    if isinstance(auto, dict) and auto.get("enabled") is True and known(mode) and mode not in implicit.ACCESS_ENTRY_MODES:
        yield violation("pulumi-eks-cluster", record, "EKS Auto Mode needs authenticationMode API or API_AND_CONFIG_MAP")
    if _set(inputs, "publicAccessCidrs") and inputs.get("endpointPublicAccess") is False:
        yield violation("pulumi-eks-cluster", record, "publicAccessCidrs can only be set when endpointPublicAccess is true")


def _managed_node_group(record: Record, plan: Plan) -> Iterator[Violation]:
    inputs = record["inputs"]
    has_role, has_arn = _set(inputs, "nodeRole"), _set(inputs, "nodeRoleArn")
    if has_role and has_arn:
        yield violation("pulumi-eks-managed-node-group", record, "nodeRole and nodeRoleArn are mutually exclusive; set one")
    elif not has_role and not has_arn:
        yield violation("pulumi-eks-managed-node-group", record, "needs nodeRole or nodeRoleArn: a managed node group cannot exist without an IAM role")
    for key in ("gpu", "amiType"):
        if _set(inputs, "amiId") and _set(inputs, key):
            yield violation("pulumi-eks-managed-node-group", record, f"amiId and {key} are mutually exclusive")
    if inputs.get("enableEfaSupport") is True and not _set(inputs, "placementGroupAvailabilityZone"):
        yield violation("pulumi-eks-managed-node-group", record, "enableEfaSupport needs placementGroupAvailabilityZone")
    cluster = plan.referenced(inputs.get("cluster"), "Cluster")
    if cluster is None:
        if not _set(inputs, "cluster"):
            yield violation("pulumi-eks-managed-node-group", record, "needs the cluster it belongs to (cluster)")
        return
    mode = implicit.authentication_mode(cluster)
    if not known(mode) or mode in implicit.ACCESS_ENTRY_MODES:
        return
    node_role = _role_arn(inputs, plan)
    instance_roles = [_ref_arn(ref, plan) for ref in cluster["inputs"].get("instanceRoles") or []]
    if known(node_role) and all(known(arn) for arn in instance_roles) and node_role not in instance_roles:
        yield violation(
            "pulumi-eks-managed-node-group", record,
            f"cluster {cluster['name']} uses authentication mode {mode}, so its node role {node_role} must be one of "
            "the cluster's instanceRoles (nodes join through aws-auth only)",
        )


def _role_arn(inputs: dict[str, Any], plan: Plan) -> Any:
    return inputs["nodeRoleArn"] if _set(inputs, "nodeRoleArn") else _ref_arn(inputs.get("nodeRole"), plan)


def _ref_arn(ref: Any, plan: Plan) -> Any:
    role = plan.named(ref_name(ref), "Role")
    return role["outputs"].get("arn") if role is not None else None
