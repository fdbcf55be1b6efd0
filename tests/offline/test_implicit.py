"""What EKS creates on its own appears in the plan, marked implicit (issue 8 item 6, interfaces.md item 1)."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws
import pulumi_eks as eks
import pytest

from eks_access.offline import UNKNOWN, plan_config
from eks_access.offline.implicit import creator_principal
from tests.offline.helpers import ACCOUNT, NODE_TRUST, run

ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:user/offline-plan-deployer"


def implicit(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if "implicit" in r]


def test_dev_plan_shows_the_creator_and_the_node_group_entries(dev_plan_resources: list[dict[str, Any]]) -> None:
    assert implicit(dev_plan_resources) == [
        {"type": "aws:eks/accessEntry:AccessEntry", "name": "myeks-creator-access-entry", "parent": "myeks", "custom": True,
         "implicit": "eks-cluster-creator",
         "inputs": {"clusterName": "myeks", "principalArn": DEPLOYER, "type": "STANDARD"},
         "outputs": {"accessEntryArn": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:access-entry/myeks/5087f9a1ce64556b3c4433529d6225ce",
                     "userName": DEPLOYER}},
        {"type": "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "name": "myeks-creator-admin-policy", "parent": "myeks",
         "custom": True, "implicit": "eks-cluster-creator",
         "inputs": {"clusterName": "myeks", "principalArn": DEPLOYER, "policyArn": ADMIN, "accessScope": {"type": "cluster"}},
         "outputs": {}},
        {"type": "aws:eks/accessEntry:AccessEntry", "name": "myeks-nodes-node-access-entry", "parent": "myeks-nodes", "custom": True,
         "implicit": "eks-managed-node-group",
         "inputs": {"clusterName": "myeks", "principalArn": f"arn:aws:iam::{ACCOUNT}:role/myeks-node-role", "type": "EC2_LINUX"},
         "outputs": {"accessEntryArn": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:access-entry/myeks/b0681aa5a37a87db3d030c5db2805c14",
                     "userName": "system:node:{{EC2PrivateDNSName}}", "kubernetesGroups": ["system:nodes"]}},
    ]


@pytest.mark.parametrize(("caller", "principal"), [
    (f"arn:aws:sts::{ACCOUNT}:assumed-role/CI/run-42", f"arn:aws:iam::{ACCOUNT}:role/CI"),
    (f"arn:aws-cn:sts::{ACCOUNT}:assumed-role/CI/s1", f"arn:aws-cn:iam::{ACCOUNT}:role/CI"),
    (f"arn:aws:iam::{ACCOUNT}:role/ops/CI", f"arn:aws:iam::{ACCOUNT}:role/ops/CI"),
    (f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:user/alice"),
])
def test_the_creator_is_the_caller_with_a_session_canonicalised_to_its_role(caller: str, principal: str) -> None:
    assert creator_principal(caller) == principal


def test_stack_config_names_the_real_deployer(dev_config: dict[str, Any]) -> None:
    config = {**dev_config, "team-cluster:cluster": {**dev_config["team-cluster:cluster"],
                                                     "deployerArn": f"arn:aws:sts::{ACCOUNT}:assumed-role/CI/run-42"}}
    records = plan_config(config, stack="dev").resources
    assert {r["inputs"]["principalArn"] for r in records if r.get("implicit") == "eks-cluster-creator"} == {
        f"arn:aws:iam::{ACCOUNT}:role/CI"}


def cluster_with_node_group(mode: str, ami_type: str | None = None) -> None:
    role = aws.iam.Role("node", name="node", assume_role_policy=NODE_TRUST)
    c = eks.Cluster("c", name="c", authentication_mode=eks.AuthenticationMode(mode), skip_default_node_group=True,
                    instance_roles=[role] if mode != "API" else None)
    eks.ManagedNodeGroup("ng", cluster=c, node_role=role, ami_type=ami_type)


def test_node_group_entries_exist_only_where_access_entries_do() -> None:
    def entries(mode: str, ami: str | None = None) -> list[tuple[str, Any, Any]]:
        records = run(lambda: cluster_with_node_group(mode, ami))
        return [(r["name"], r["inputs"].get("type"), r["outputs"].get("kubernetesGroups")) for r in implicit(records)
                if r["type"].endswith("AccessEntry")]

    creator = ("c-creator-access-entry", "STANDARD", None)
    assert entries("API") == [creator, ("ng-node-access-entry", "EC2_LINUX", ["system:nodes"])]
    assert entries("API_AND_CONFIG_MAP") == [creator, ("ng-node-access-entry", "EC2_LINUX", ["system:nodes"])]
    assert entries("CONFIG_MAP") == [creator]
    assert entries("API", "WINDOWS_CORE_2022_x86_64") == [
        creator, ("ng-node-access-entry", "EC2_WINDOWS", ["system:nodes", "eks:kube-proxy-windows"])]


def test_a_raw_cluster_that_turns_off_creator_admin_has_no_creator_records() -> None:
    def program(bootstrap: bool) -> None:
        aws.eks.Cluster("raw", name="raw", role_arn=f"arn:aws:iam::{ACCOUNT}:role/eks",
                        vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=["subnet-1", "subnet-2"]),
                        access_config=aws.eks.ClusterAccessConfigArgs(authentication_mode="API",
                                                                      bootstrap_cluster_creator_admin_permissions=bootstrap))

    assert [r["name"] for r in implicit(run(lambda: program(True)))] == ["raw-creator-access-entry", "raw-creator-admin-policy"]
    assert implicit(run(lambda: program(False))) == []


def test_in_a_preview_the_node_role_arn_is_not_known_yet() -> None:
    records = run(lambda: cluster_with_node_group("API"), preview=True)
    node = next(r for r in records if r.get("implicit") == "eks-managed-node-group")
    assert node["inputs"]["principalArn"] == UNKNOWN
    assert node["outputs"] == {"accessEntryArn": UNKNOWN, "userName": UNKNOWN, "kubernetesGroups": UNKNOWN}
    creator = next(r for r in records if r["name"] == "c-creator-access-entry")
    assert creator["inputs"]["principalArn"] == DEPLOYER  # getCallerIdentity answers in a preview
