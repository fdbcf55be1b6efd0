"""pulumi-eks 4.x argument rules (authenticationMode.ts, cluster.ts, nodes/nodegroup.ts), restated offline."""

from __future__ import annotations

from typing import Any, cast

import pulumi_aws as aws
import pulumi_eks as eks

from tests.offline.helpers import NODE_TRUST, refused, run


def node_role() -> aws.iam.Role:
    return aws.iam.Role("node", name="node", assume_role_policy=NODE_TRUST)


def cluster(mode: str = "API", **kwargs: Any) -> eks.Cluster:
    return eks.Cluster("c", name="c", skip_default_node_group=True, authentication_mode=eks.AuthenticationMode(mode), **kwargs)


def test_api_mode_refuses_instance_roles_and_mappings() -> None:
    def roles() -> None:
        cluster(instance_roles=[node_role()])

    def mappings() -> None:
        cluster(role_mappings=[eks.RoleMappingArgs(role_arn="arn:aws:iam::111122223333:role/R", username="r", groups=["g"])])

    assert refused(roles) == (
        "c (eks:index:Cluster): instanceRoles must be empty when authenticationMode is API (pulumi-eks "
        "validateAuthenticationMode); EKS creates the access entry of a managed node group's role itself"
    )
    assert refused(mappings) == (
        "c (eks:index:Cluster): roleMappings must be empty when authenticationMode is API (pulumi-eks "
        "validateAuthenticationMode); map principals with access entries instead"
    )


def test_access_entries_need_an_api_mode_and_modes_are_three() -> None:
    def config_map() -> None:
        cluster("CONFIG_MAP", access_entries={"x": eks.AccessEntryArgs(principal_arn="arn:aws:iam::111122223333:role/R")})

    def bogus() -> None:
        eks.Cluster("c", name="c", skip_default_node_group=True, authentication_mode=cast(Any, "PLEASE"))

    assert refused(config_map) == (
        "c (eks:index:Cluster): accessEntries need authenticationMode API or API_AND_CONFIG_MAP, not CONFIG_MAP"
    )
    assert refused(bogus) == "c (eks:index:Cluster): authenticationMode 'PLEASE' is not one of CONFIG_MAP, API_AND_CONFIG_MAP, API"


def test_mutually_exclusive_cluster_options() -> None:
    def both_roles() -> None:
        role = node_role()
        cluster("CONFIG_MAP", instance_role=role, instance_roles=[role])

    def subnets() -> None:
        cluster(vpc_id="vpc-1", subnet_ids=["s-1", "s-2"], private_subnet_ids=["s-3"])

    def cidrs() -> None:
        cluster(endpoint_public_access=False, endpoint_private_access=True, public_access_cidrs=["203.0.113.0/24"])

    assert refused(both_roles) == "c (eks:index:Cluster): instanceRole and instanceRoles are mutually exclusive; set one"
    assert refused(subnets) == "c (eks:index:Cluster): subnetIds and privateSubnetIds are mutually exclusive; set one"
    assert refused(cidrs) == "c (eks:index:Cluster): publicAccessCidrs can only be set when endpointPublicAccess is true"


def test_managed_node_group_needs_exactly_one_role() -> None:
    def none() -> None:
        eks.ManagedNodeGroup("ng", cluster=cluster())

    def both() -> None:
        role = node_role()
        eks.ManagedNodeGroup("ng", cluster=cluster(), node_role=role, node_role_arn=role.arn)

    assert refused(none) == (
        "ng (eks:index:ManagedNodeGroup): needs nodeRole or nodeRoleArn: a managed node group cannot exist without an IAM role"
    )
    assert refused(both) == "ng (eks:index:ManagedNodeGroup): nodeRole and nodeRoleArn are mutually exclusive; set one"


def test_without_access_entries_the_node_role_must_be_an_instance_role() -> None:
    def missing() -> None:
        role = node_role()
        other = aws.iam.Role("other", name="other", assume_role_policy=NODE_TRUST)
        eks.ManagedNodeGroup("ng", cluster=cluster("CONFIG_MAP", instance_roles=[other]), node_role=role)

    def listed() -> None:
        role = node_role()
        eks.ManagedNodeGroup("ng", cluster=cluster("CONFIG_MAP", instance_roles=[role]), node_role=role)

    def api_mode() -> None:  # EKS maps the node role itself
        eks.ManagedNodeGroup("ng", cluster=cluster("API"), node_role=node_role())

    assert refused(missing) == (
        "ng (eks:index:ManagedNodeGroup): cluster c uses authentication mode CONFIG_MAP, so its node role "
        "arn:aws:iam::111122223333:role/node must be one of the cluster's instanceRoles (nodes join through aws-auth only)"
    )
    assert len(run(listed)) == 5  # node role, cluster, the creator's two records, node group
    assert [r["name"] for r in run(api_mode) if r.get("implicit")] == [
        "c-creator-access-entry", "c-creator-admin-policy", "ng-node-access-entry"]
