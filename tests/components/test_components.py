"""The components on Pulumi mocks: exact documents, subjects, parents, and no half-created stacks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eks_access import (
    ClusterOidcProvider,
    ClusterOidcProviderArgs,
    TeamAccess,
    TeamAccessArgs,
    WorkloadIdentity,
    WorkloadIdentityArgs,
)
from eks_access.errors import SpecError
from eks_access.offline import FakeCloud, UnknownInvokeError, run_program

ACCOUNT = "111122223333"
CLUSTER_ARN = f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/myeks"
ISSUER = "https://oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
HOST = ISSUER.removeprefix("https://")
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"


def run(program: Any) -> list[dict[str, Any]]:
    return run_program(program, config={}, cloud=FakeCloud(account_id=ACCOUNT, region="ap-northeast-2")).resources


def one(records: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [r for r in records if r["name"] == name]
    assert len(found) == 1, name
    return found[0]


def developers() -> None:
    TeamAccess(
        "developers",
        TeamAccessArgs(
            cluster_name="myeks",
            cluster_arn=CLUSTER_ARN,
            iam_group="Developers",
            members=["dev1"],
            role_name="EKSMyExampleViewer",
            username="developer",
            kubernetes_groups=["developers"],
            cluster_role_bindings=["view"],
            namespace_role_bindings={"dev-team": ["edit"]},
            cluster_roles={"pod-node-reader": [{"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": ["get", "watch", "list"]}]},
            roles={"dev-team": {"pod-creator": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "create"]}]}},
            access_policies=[{"policy": "AmazonEKSViewPolicy", "namespaces": ["dev-team"]}],
            create_namespaces=True,
        ),
    )


def test_team_access_registers_the_whole_people_pattern() -> None:
    records = run(developers)
    role = one(records, "developers-role")
    assert role["inputs"]["name"] == "EKSMyExampleViewer"
    assert json.loads(role["inputs"]["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TeamMembersAssumeRole",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}},
            }
        ],
    }
    group_policy = one(records, "developers-assume-role")
    assert group_policy["inputs"]["group"] == "Developers"
    assert json.loads(group_policy["inputs"]["policy"])["Statement"] == [
        {"Sid": "AssumeTeamRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer"}
    ]
    describe = json.loads(one(records, "developers-describe-cluster")["inputs"]["policy"])
    assert describe["Statement"] == [{"Sid": "DescribeTeamCluster", "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER_ARN}]
    assert one(records, "developers-member-dev1")["inputs"] == {"user": "dev1", "groups": ["Developers"]}
    entry = one(records, "developers-access-entry")["inputs"]
    assert (entry["principalArn"], entry["userName"], entry["kubernetesGroups"], entry["type"]) == (
        f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer", "developer", ["developers"], "STANDARD"
    )
    assoc = one(records, "developers-access-policy-0")["inputs"]
    assert assoc["policyArn"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
    assert assoc["accessScope"] == {"type": "namespace", "namespaces": ["dev-team"]}

    subjects = [{"kind": "Group", "name": "developers", "apiGroup": "rbac.authorization.k8s.io"}]
    crb = one(records, "developers-crb-view")["inputs"]
    assert crb["metadata"]["name"] == "developers-view"
    assert crb["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}
    assert crb["subjects"] == subjects
    rb = one(records, "developers-rb-dev-team-edit")["inputs"]
    assert (rb["metadata"]["namespace"], rb["roleRef"]["kind"], rb["roleRef"]["name"], rb["subjects"]) == ("dev-team", "ClusterRole", "edit", subjects)
    custom = one(records, "developers-clusterrole-pod-node-reader")["inputs"]
    assert custom["rules"] == [{"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": ["get", "watch", "list"]}]
    assert one(records, "developers-crb-pod-node-reader")["inputs"]["roleRef"]["name"] == "pod-node-reader"
    pod_creator = one(records, "developers-rb-dev-team-pod-creator")["inputs"]
    assert pod_creator["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-creator"}
    assert one(records, "developers-ns-dev-team")["inputs"]["metadata"]["name"] == "dev-team"

    children = [r for r in records if r["name"] != "developers"]
    assert children and all(r["parent"] == "developers" for r in children)
    assert one(records, "developers")["type"] == "eks-access:index:TeamAccess"


def test_config_map_mode_makes_no_access_entry_but_a_role_mapping() -> None:
    def program() -> None:
        team = TeamAccess("ops", TeamAccessArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, role_name="EKSOps",
                                                authentication_mode="CONFIG_MAP", kubernetes_groups=["operators"]))
        team.role_mapping.apply(captured.append)

    captured: list[dict[str, Any]] = []
    records = run(program)
    assert not [r for r in records if r["type"] == "aws:eks/accessEntry:AccessEntry"]
    assert captured == [{"rolearn": f"arn:aws:iam::{ACCOUNT}:role/EKSOps", "username": "ops:{{SessionName}}", "groups": ["operators"]}]


def test_existing_group_is_not_created_but_gets_the_policy() -> None:
    def program() -> None:
        TeamAccess("dev", TeamAccessArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, role_name="EKSDev",
                                         iam_group="Developers", existing_iam_group=True, members=["dev1"]))

    records = run(program)
    assert not [r for r in records if r["type"] == "aws:iam/group:Group"]
    assert one(records, "dev-assume-role")["inputs"]["group"] == "Developers"


def irsa() -> None:
    WorkloadIdentity(
        "my-sa",
        WorkloadIdentityArgs(
            cluster_name="myeks", service_account="my-sa", namespace="default", identity="irsa",
            oidc_provider_arn=PROVIDER_ARN, oidc_issuer=HOST,
            managed_policy_arns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
            permissions_boundary=f"arn:aws:iam::{ACCOUNT}:policy/Boundary",
            inline_policy={"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]},
            rules=[{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}],
        ),
    )


def test_irsa_role_trusts_exactly_one_service_account() -> None:
    records = run(irsa)
    role = one(records, "my-sa-role")["inputs"]
    assert json.loads(role["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServiceAccountWebIdentity",
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER_ARN},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com", f"{HOST}:sub": "system:serviceaccount:default:my-sa"}},
            }
        ],
    }
    assert role["name"] == "myeks-default-my-sa"
    assert role["permissionsBoundary"] == f"arn:aws:iam::{ACCOUNT}:policy/Boundary"
    assert one(records, "my-sa-managed-0")["inputs"] == {"role": "myeks-default-my-sa", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}
    assert json.loads(one(records, "my-sa-inline")["inputs"]["policy"])["Statement"][0]["Action"] == "s3:GetObject"
    sa = one(records, "my-sa-sa")["inputs"]
    assert sa["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/myeks-default-my-sa"}
    assert sa["automountServiceAccountToken"] is True  # it has RBAC rules, so it calls the API
    binding = one(records, "my-sa-rbac-binding")["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "my-sa", "namespace": "default"}]
    assert binding["roleRef"]["name"] == one(records, "my-sa-rbac-role")["inputs"]["metadata"]["name"]
    assert all(r["parent"] == "my-sa" for r in records if r["name"] != "my-sa")


def test_pod_identity_association_and_trust() -> None:
    def program() -> None:
        WorkloadIdentity("reporter", WorkloadIdentityArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, service_account="reporter",
                                                          namespace="default", identity="pod-identity"))

    records = run(program)
    trust = json.loads(one(records, "reporter-role")["inputs"]["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert trust["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert trust["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-service-account"] == "reporter"
    assoc = one(records, "reporter-pod-identity")["inputs"]
    assert (assoc["clusterName"], assoc["namespace"], assoc["serviceAccount"], assoc["roleArn"]) == (
        "myeks", "default", "reporter", f"arn:aws:iam::{ACCOUNT}:role/myeks-default-reporter"
    )
    assert "annotations" not in one(records, "reporter-sa")["inputs"]["metadata"]


def test_oidc_provider() -> None:
    def program() -> None:
        ClusterOidcProvider("myeks-oidc", ClusterOidcProviderArgs(issuer_url=ISSUER))

    provider = one(run(program), "myeks-oidc-provider")
    assert provider["inputs"]["url"] == ISSUER
    assert provider["inputs"]["clientIdLists"] == ["sts.amazonaws.com"]
    assert provider["outputs"]["arn"] == PROVIDER_ARN
    assert provider["parent"] == "myeks-oidc"


@pytest.mark.parametrize(
    ("program", "path"),
    [
        (lambda: TeamAccess("t", TeamAccessArgs(cluster_name="c", cluster_arn=CLUSTER_ARN, role_name="bad role")), "TeamAccessArgs.role_name"),
        (lambda: TeamAccess("t", TeamAccessArgs(cluster_name="c", cluster_arn=CLUSTER_ARN, role_name="R", kubernetes_groups=["system:masters"])),
         "TeamAccessArgs.kubernetes_groups[0]"),
        (lambda: TeamAccess("t", TeamAccessArgs(cluster_name="c", cluster_arn="arn:aws:iam::1:role/x", role_name="R")), "TeamAccessArgs.cluster_arn"),
        (lambda: WorkloadIdentity("w", WorkloadIdentityArgs(cluster_name="c", service_account="sa", namespace="Bad_NS",
                                                            oidc_provider_arn=PROVIDER_ARN, oidc_issuer=HOST)), "WorkloadIdentityArgs.namespace"),
        (lambda: WorkloadIdentity("w", WorkloadIdentityArgs(cluster_name="c", service_account="sa", namespace="ns")), "WorkloadIdentityArgs.oidc_provider_arn"),
        (lambda: ClusterOidcProvider("o", ClusterOidcProviderArgs(issuer_url="oidc.example.com")), "ClusterOidcProviderArgs.issuer_url"),
    ],
)
def test_bad_argument_raises_before_anything_is_registered(program: Any, path: str) -> None:
    cloud = FakeCloud()
    with pytest.raises(SpecError) as err:
        run_program(program, config={}, cloud=cloud)
    assert err.value.path == path
    assert isinstance(err.value, ValueError)
    assert cloud.records == []


def test_unknown_invoke_is_refused_not_answered_with_empty() -> None:
    import pulumi_aws as aws

    def program() -> None:
        aws.get_availability_zones()

    with pytest.raises(UnknownInvokeError):
        run_program(program, config={}, cloud=FakeCloud())
