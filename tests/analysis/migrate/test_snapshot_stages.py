"""The snapshot path's stages refuse what EKS refuses: botocore's validator on each request, the
one-way mode rule, and the offline EKS contracts on the snapshot after the stage (issue 19)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from eks_access.analysis.migrate.requests import Request, shape_problem
from eks_access.analysis.migrate.snapshot_stages import SnapshotStage, applied, snapshot_stages
from eks_access.cli.migrate_snapshot import refusal
from eks_access.errors import SpecError
from eks_access.model.eks import mode_change_problem
from tests.analysis.migrate.corpora import corpora
from tests.analysis.migrate.snapshots import snapshot

X = "arn:aws:iam::111122223333:role/X"
TO_BOTH = Request("UpdateClusterConfig", {"name": "myeks", "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}, "cluster")
ENTRY = "stage1: arn:aws:iam::111122223333:role/X (aws:eks/accessEntry:AccessEntry): "


def _entry(**params: Any) -> Request:
    return Request("CreateAccessEntry", {"clusterName": "myeks", "principalArn": X, **params}, "X")


def _refused(requests: Sequence[Request]) -> str | None:
    doc = snapshot(map_roles=[{"rolearn": X, "username": "x", "groups": ["x"]}])
    return refusal(SnapshotStage(1, "t", tuple(requests), None, (), applied(doc, requests, None)), doc)


@pytest.mark.parametrize(("requests", "message"), [
    ([TO_BOTH, _entry(kubernetesGroups="devs")],
     "stage1/02-create-access-entry-X.json: CreateAccessEntry: Invalid type for parameter kubernetesGroups, value: devs, "
     "type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>"),
    ([TO_BOTH, _entry(groups=["devs"])],
     "stage1/02-create-access-entry-X.json: CreateAccessEntry: Unknown parameter in input: \"groups\", must be one of: "
     "clusterName, principalArn, kubernetesGroups, tags, clientRequestToken, username, type"),
    ([TO_BOTH, _entry(kubernetesGroups=["system:masters"])],
     ENTRY + "kubernetesGroups has 'system:masters': EKS refuses group names starting with 'system:' (CreateAccessEntry: InvalidParameterException)"),
    ([TO_BOTH, _entry(username="system:admin")],
     ENTRY + "userName 'system:admin': EKS refuses access entry usernames starting with 'system:'"),
    ([TO_BOTH, _entry(type="EC2_LINUX", username="x")],
     ENTRY + "access entries of type EC2_LINUX take no userName; EKS gives node entries their own username and groups"),
    ([TO_BOTH, _entry(type="FARGATE_LINUX", kubernetesGroups=["x"])],
     ENTRY + "access entries of type FARGATE_LINUX take no kubernetesGroups; EKS gives node entries their own username and groups"),
    ([_entry()],
     ENTRY + "cluster myeks uses authentication mode CONFIG_MAP; EKS accepts access entries only in API or API_AND_CONFIG_MAP mode"),
    ([TO_BOTH, _entry(), _entry()],
     ENTRY + f"EKS allows one access entry per IAM principal in a cluster; {X} already creates the entry of {X} in cluster myeks "
     "(CreateAccessEntry fails with ResourceInUseException)"),
    ([TO_BOTH, _entry(type="EC2_LINUX"), Request("AssociateAccessPolicy", {
        "clusterName": "myeks", "principalArn": X, "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        "accessScope": {"type": "cluster"}}, "X")],
     f"stage1: AmazonEKSViewPolicy association of {X} (aws:eks/accessPolicyAssociation:AccessPolicyAssociation): the access entry of "
     f"{X} ({X}) is of type EC2_LINUX; EKS associates access policies only with STANDARD entries"),
    ([TO_BOTH, Request("AssociateAccessPolicy", {
        "clusterName": "myeks", "principalArn": X, "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        "accessScope": {"type": "cluster"}}, "X")],
     f"stage1/02-associate-access-policy-X.json: AssociateAccessPolicy: {X} has no access entry in cluster myeks; "
     "AssociateAccessPolicy fails with ResourceNotFoundException"),
    ([Request("UpdateClusterConfig", {"name": "myeks", "accessConfig": {"authenticationMode": "CONFIG_MAP"}}, "cluster")],
     "stage1/01-update-cluster-config-cluster.json: UpdateClusterConfig: EKS does not change authentication mode CONFIG_MAP to "
     "CONFIG_MAP: the mode moves one way only, one step at a time, CONFIG_MAP -> API_AND_CONFIG_MAP -> API (EKS user guide, "
     "setting-up-access-entries)"),
])  # fmt: skip
def test_what_eks_refuses_is_refused(requests: list[Request], message: str) -> None:
    assert _refused(requests) == message


@pytest.mark.parametrize(("current", "wanted", "allowed"), [
    ("CONFIG_MAP", "API_AND_CONFIG_MAP", True), ("CONFIG_MAP", "API", False), ("API_AND_CONFIG_MAP", "API", True),
    ("API_AND_CONFIG_MAP", "CONFIG_MAP", False), ("API", "API_AND_CONFIG_MAP", False), ("API", "CONFIG_MAP", False),
])  # fmt: skip
def test_the_mode_moves_one_way(current: str, wanted: str, allowed: bool) -> None:
    assert (mode_change_problem(current, wanted) is None) == allowed


def test_every_stage_of_every_corpus_is_accepted() -> None:
    for name, doc in corpora().items():
        previous: Any = doc
        for stage in snapshot_stages(doc):
            assert refusal(stage, previous) is None, name
            assert all(shape_problem(r) is None for r in stage.requests), name
            previous = stage.document


def test_a_stage_document_is_the_input_with_the_stage_applied() -> None:
    doc = corpora()["system-masters"]
    one, two, three = snapshot_stages(doc)
    assert one.document["eks"]["cluster"]["accessConfig"]["authenticationMode"] == "API_AND_CONFIG_MAP"
    assert [e["accessEntry"]["principalArn"].rsplit("/", 1)[1] for e in one.document["eks"]["accessEntries"]] == ["NodeRole", "Admin"]
    assert one.document["eks"]["accessEntries"][1]["associatedAccessPolicies"] == [
        {"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "accessScope": {"namespaces": [], "type": "cluster"}}]
    assert one.document["kubernetes"]["awsAuth"]["data"] == doc["kubernetes"]["awsAuth"]["data"]
    assert two.document["kubernetes"]["awsAuth"]["data"] == {"mapRoles": "[]\n"}
    assert three.document["eks"]["cluster"]["accessConfig"]["authenticationMode"] == "API"
    assert three.aws_auth is None and three.document["kubernetes"]["awsAuth"] == two.document["kubernetes"]["awsAuth"]
    assert doc == corpora()["system-masters"]  # the input is not touched


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["eks"].update(cluster=None),
     "eks.cluster: null (DescribeCluster was denied): the authentication mode is unknown, and migrate starts from it"),
    (lambda d: d["eks"]["cluster"]["accessConfig"].update(authenticationMode="API"),
     "eks.cluster.accessConfig.authenticationMode: is API already: aws-auth is not read, there is nothing to migrate"),
    (lambda d: d["eks"]["cluster"].pop("accessConfig"),
     "eks.cluster.accessConfig.authenticationMode: expected CONFIG_MAP or API_AND_CONFIG_MAP, got None"),
    (lambda d: d.update(denied=[{"service": "eks", "operation": "ListAssociatedAccessPolicies", "target": X, "error": "AccessDeniedException"}]),
     f"denied[0]: ListAssociatedAccessPolicies was denied ({X}): migrate needs every access entry and the aws-auth ConfigMap; "
     "take the snapshot with a principal allowed them"),
    (lambda d: d.update(denied=[{"service": "kubernetes", "operation": "list configmaps", "target": "", "error": "HTTP 403"}]),
     "denied[0]: list configmaps was denied (kubernetes): migrate needs every access entry and the aws-auth ConfigMap; "
     "take the snapshot with a principal allowed them"),
])  # fmt: skip
def test_what_a_migration_cannot_start_from(change: Any, message: str) -> None:
    doc = corpora()["map-roles"]
    change(doc)
    with pytest.raises(SpecError) as err:
        snapshot_stages(doc)
    assert str(err.value) == message
