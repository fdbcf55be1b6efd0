"""The components on Pulumi mocks: exact documents, subjects, names, parents and options."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from eks_access import (
    ClusterOidcProvider,
    ClusterOidcProviderArgs,
    TeamAccess,
    TeamAccessArgs,
    WorkloadIdentity,
    WorkloadIdentityArgs,
)
from eks_access.offline import FakeCloud, UnknownInvokeError, run_program
from tests.components.mocks import ACCOUNT, Run, capture

CLUSTER_ARN = f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/myeks"
ISSUER = "https://oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
HOST = ISSUER.removeprefix("https://")
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"
VIEWER_ARN = f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer"
GROUPS = [{"kind": "Group", "name": "developers", "apiGroup": "rbac.authorization.k8s.io"}]


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


@pytest.fixture(scope="module")
def team_run() -> Run:
    return capture(developers)


def test_team_iam_documents(team_run: Run) -> None:
    role = team_run.one("developers-role")["inputs"]
    assert (role["name"], role["path"], role["maxSessionDuration"]) == ("EKSMyExampleViewer", "/", 3600)
    assert json.loads(role["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "TeamMembersAssumeRole",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}},
        }],
    }
    group_policy = team_run.one("developers-assume-role")["inputs"]
    assert (group_policy["group"], group_policy["name"]) == ("Developers", "assume-EKSMyExampleViewer")
    assert json.loads(group_policy["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Sid": "AssumeTeamRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": VIEWER_ARN}]}
    assert json.loads(team_run.one("developers-describe-cluster")["inputs"]["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Sid": "DescribeTeamCluster", "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER_ARN}]}
    assert team_run.one("developers-member/dev1")["inputs"] == {"user": "dev1", "groups": ["Developers"]}


def test_team_access_entry_and_policy(team_run: Run) -> None:
    assert team_run.one("developers-access-entry")["inputs"] == {
        "clusterName": "myeks", "principalArn": VIEWER_ARN, "kubernetesGroups": ["developers"], "userName": "developer",
        "type": "STANDARD", "tags": {"eks-access/team": "developers"},
    }
    assert team_run.one("developers-access-policy/AmazonEKSViewPolicy")["inputs"] == {
        "clusterName": "myeks", "principalArn": VIEWER_ARN,
        "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        "accessScope": {"type": "namespace", "namespaces": ["dev-team"]},
    }


def test_team_rbac_objects(team_run: Run) -> None:
    crb = team_run.one("developers-crb/view")["inputs"]
    assert (crb["metadata"]["name"], crb["roleRef"], crb["subjects"]) == (
        "developers-view", {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}, GROUPS)
    rb = team_run.one("developers-rb/dev-team/edit")["inputs"]
    assert (rb["metadata"]["name"], rb["metadata"]["namespace"], rb["roleRef"]["kind"], rb["roleRef"]["name"], rb["subjects"]) == (
        "developers-edit", "dev-team", "ClusterRole", "edit", GROUPS)
    # Rules in canonical order: the authorizer treats every list of a rule as a set.
    assert team_run.one("developers-clusterrole/pod-node-reader")["inputs"]["rules"] == [
        {"apiGroups": [""], "resources": ["nodes", "pods"], "verbs": ["get", "list", "watch"]}]
    assert team_run.one("developers-crb/pod-node-reader")["inputs"]["roleRef"]["name"] == "pod-node-reader"
    assert team_run.one("developers-role/dev-team/pod-creator")["inputs"]["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "get", "list"]}]
    assert team_run.one("developers-rb/dev-team/pod-creator")["inputs"]["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-creator"}
    assert team_run.one("developers-ns/dev-team")["inputs"]["metadata"]["name"] == "dev-team"
    children = [r for r in team_run.records if r["name"] != "developers"]
    assert len(children) == 14 and all(r["parent"] == "developers" for r in children)
    assert team_run.one("developers")["type"] == "eks-access:index:TeamAccess"


def test_team_aliases_keep_every_release_0_1_name(team_run: Run) -> None:
    assert {name: team_run.aliases(name) for name in team_run.options if team_run.aliases(name)} == {
        "developers-member/dev1": ["developers-member-dev1"],
        "developers-access-policy/AmazonEKSViewPolicy": ["developers-access-policy-0"],
        "developers-ns/dev-team": ["developers-ns-dev-team"],
        "developers-clusterrole/pod-node-reader": ["developers-clusterrole-pod-node-reader"],
        "developers-crb/view": ["developers-crb-view"],
        "developers-crb/pod-node-reader": ["developers-crb-pod-node-reader"],
        "developers-role/dev-team/pod-creator": ["developers-role-dev-team-pod-creator"],
        "developers-rb/dev-team/pod-creator": ["developers-rb-dev-team-pod-creator"],
        "developers-rb/dev-team/edit": ["developers-rb-dev-team-edit"],
    }


def test_team_one_object_per_key_is_replaced_delete_first(team_run: Run) -> None:
    assert sorted(n for n in team_run.options if team_run.delete_before_replace(n)) == [
        "developers-access-entry", "developers-access-policy/AmazonEKSViewPolicy", "developers-member/dev1"]


def test_team_ordering(team_run: Run) -> None:
    assert team_run.depends_on("developers-access-entry") == ["developers-role"]
    assert team_run.depends_on("developers-access-policy/AmazonEKSViewPolicy") == ["developers-access-entry"]
    assert team_run.depends_on("developers-assume-role") == ["developers-group", "developers-role"]
    assert team_run.depends_on("developers-rb/dev-team/pod-creator") == ["developers-ns/dev-team", "developers-role/dev-team/pod-creator"]


def test_access_entry_waits_for_a_cluster_made_in_the_same_program() -> None:
    def program() -> None:
        cluster = pulumi.CustomResource("test:index:Cluster", "the-cluster", {})
        TeamAccess("ops", TeamAccessArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, role_name="EKSOps", cluster_resource=cluster))

    run = capture(program)
    assert run.depends_on("ops-access-entry") == ["ops-role", "the-cluster"]
    assert run.depends_on("ops-role") == []  # IAM does not wait for the cluster


def test_config_map_mode_makes_no_access_entry_but_a_role_mapping() -> None:
    captured: list[dict[str, Any]] = []

    def program() -> None:
        team = TeamAccess("ops", TeamAccessArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, role_name="EKSOps",
                                                authentication_mode="CONFIG_MAP", kubernetes_groups=["operators", "auditors"]))
        team.role_mapping.apply(captured.append)

    records = capture(program).records
    assert not [r for r in records if r["type"] == "aws:eks/accessEntry:AccessEntry"]
    assert captured == [{"rolearn": f"arn:aws:iam::{ACCOUNT}:role/EKSOps", "username": "ops:{{SessionName}}",
                         "groups": ["auditors", "operators"]}]


def test_existing_group_is_not_created_but_gets_the_policy() -> None:
    def program() -> None:
        TeamAccess("dev", TeamAccessArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, role_name="EKSDev",
                                         iam_group="Developers", existing_iam_group=True, members=["dev1"]))

    run = capture(program)
    assert not [r for r in run.records if r["type"] == "aws:iam/group:Group"]
    assert run.one("dev-assume-role")["inputs"]["group"] == "Developers"
    assert run.one("dev-member/dev1")["inputs"] == {"user": "dev1", "groups": ["Developers"]}


def irsa() -> None:
    WorkloadIdentity(
        "my-sa",
        WorkloadIdentityArgs(
            cluster_name="myeks", service_account="my-sa", namespace="default", identity="irsa",
            oidc_provider_arn=PROVIDER_ARN, oidc_issuer=HOST,
            managed_policy_arns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", f"arn:aws:iam::{ACCOUNT}:policy/team/Reader"],
            permissions_boundary=f"arn:aws:iam::{ACCOUNT}:policy/Boundary",
            inline_policy={"Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::bucket/*"}]},
            rules=[{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}],
        ),
    )


@pytest.fixture(scope="module")
def irsa_run() -> Run:
    return capture(irsa)


def test_irsa_role_trusts_exactly_one_service_account(irsa_run: Run) -> None:
    role = irsa_run.one("my-sa-role")["inputs"]
    assert json.loads(role["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ServiceAccountWebIdentity",
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER_ARN},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com", f"{HOST}:sub": "system:serviceaccount:default:my-sa"}},
        }],
    }
    assert (role["name"], role["permissionsBoundary"]) == ("myeks-default-my-sa", f"arn:aws:iam::{ACCOUNT}:policy/Boundary")
    assert irsa_run.one("my-sa-policy/aws/AmazonS3ReadOnlyAccess")["inputs"] == {
        "role": "myeks-default-my-sa", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}
    assert irsa_run.one(f"my-sa-policy/{ACCOUNT}/Reader")["inputs"]["policyArn"] == f"arn:aws:iam::{ACCOUNT}:policy/team/Reader"
    assert json.loads(irsa_run.one("my-sa-inline")["inputs"]["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::bucket/*"}]}


def test_irsa_service_account_and_api_access(irsa_run: Run) -> None:
    metadata = irsa_run.one("my-sa-sa")["inputs"]["metadata"]
    assert metadata == {
        "name": "my-sa", "namespace": "default",
        "labels": {"app.kubernetes.io/managed-by": "eks-access", "eks-access/owner": "default.my-sa"},
        "annotations": {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/myeks-default-my-sa"},
    }
    assert irsa_run.one("my-sa-sa")["inputs"]["automountServiceAccountToken"] is True  # it has RBAC rules
    binding = irsa_run.one("my-sa-rbac-binding")["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "my-sa", "namespace": "default"}]
    assert binding["roleRef"]["name"] == irsa_run.one("my-sa-rbac-role")["inputs"]["metadata"]["name"] == "my-sa-api"
    assert all(r["parent"] == "my-sa" for r in irsa_run.records if r["name"] != "my-sa")


def test_workload_names_aliases_and_replacement(irsa_run: Run) -> None:
    assert {n: irsa_run.aliases(n) for n in irsa_run.options if irsa_run.aliases(n)} == {
        "my-sa-policy/aws/AmazonS3ReadOnlyAccess": ["my-sa-managed-0"],
        f"my-sa-policy/{ACCOUNT}/Reader": ["my-sa-managed-1"],
    }
    assert sorted(n for n in irsa_run.options if irsa_run.delete_before_replace(n)) == [
        f"my-sa-policy/{ACCOUNT}/Reader", "my-sa-policy/aws/AmazonS3ReadOnlyAccess"]


def test_a_renamed_component_keeps_its_children() -> None:
    """A component given Alias(name=old) passes the old prefix to every child (Pulumi's child-alias rule)."""
    def program() -> None:
        WorkloadIdentity("default/my-sa", WorkloadIdentityArgs(
            cluster_name="myeks", service_account="my-sa", namespace="default",
            oidc_provider_arn=PROVIDER_ARN, oidc_issuer=HOST, managed_policy_arns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        ), pulumi.ResourceOptions(aliases=[pulumi.Alias(name="default-my-sa")]))

    run = capture(program)
    assert {n: run.aliases(n) for n in run.options} == {
        "default/my-sa": ["default-my-sa"],
        "default/my-sa-role": ["default-my-sa-role"],
        "default/my-sa-policy/aws/AmazonS3ReadOnlyAccess": ["default-my-sa-managed-0", "default/my-sa-managed-0"],
        "default/my-sa-sa": ["default-my-sa-sa"],
    }


def test_pod_identity_association_and_trust() -> None:
    def program() -> None:
        WorkloadIdentity("reporter", WorkloadIdentityArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, service_account="reporter",
                                                          namespace="default", identity="pod-identity"))

    run = capture(program)
    assert json.loads(run.one("reporter-role")["inputs"]["assumeRolePolicy"])["Statement"] == [{
        "Sid": "PodIdentityAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {
            "aws:SourceAccount": ACCOUNT,
            "aws:RequestTag/eks-cluster-name": "myeks",
            "aws:RequestTag/kubernetes-namespace": "default",
            "aws:RequestTag/kubernetes-service-account": "reporter",
        }},
    }]
    assoc = run.one("reporter-pod-identity")["inputs"]
    assert (assoc["clusterName"], assoc["namespace"], assoc["serviceAccount"], assoc["roleArn"]) == (
        "myeks", "default", "reporter", f"arn:aws:iam::{ACCOUNT}:role/myeks-default-reporter")
    assert run.delete_before_replace("reporter-pod-identity")
    assert "annotations" not in run.one("reporter-sa")["inputs"]["metadata"]


def test_oidc_provider() -> None:
    def program() -> None:
        ClusterOidcProvider("myeks-oidc", ClusterOidcProviderArgs(issuer_url=ISSUER))

    run = capture(program)
    provider = run.one("myeks-oidc-provider")
    assert provider["inputs"] == {"url": ISSUER, "clientIdLists": ["sts.amazonaws.com"]}
    assert provider["outputs"]["arn"] == PROVIDER_ARN
    assert provider["parent"] == "myeks-oidc"
    assert run.delete_before_replace("myeks-oidc-provider")  # IAM: one provider per issuer URL


def test_unknown_invoke_is_refused_not_answered_with_empty() -> None:
    import pulumi_aws as aws

    def program() -> None:
        aws.get_availability_zones()

    with pytest.raises(UnknownInvokeError):
        run_program(program, config={}, cloud=FakeCloud())
