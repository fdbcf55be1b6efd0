"""A snapshot of what the dev stack's plan deploys answers as the plan does."""

from __future__ import annotations

from typing import Any

import pytest

from eks_access.analysis import Analyzer
from eks_access.model.from_snapshot import read_snapshot
from tests.snapshot.deployed import deploy

DEV1 = "arn:aws:iam::111122223333:user/dev1"
OPE1 = "arn:aws:iam::111122223333:user/ope1"
CAN_I = [
    (DEV1, "list", "pods", "default"), (DEV1, "delete", "pods", "default"), (DEV1, "get", "secrets", "dev-team"),
    (OPE1, "list", "nodes", None), (OPE1, "delete", "nodes", None), (OPE1, "watch", "pods", "infra-team"),
    ("arn:aws:iam::111122223333:role/EKSOperators", "get", "pods", None),
    ("arn:aws:iam::111122223333:role/myeks-node-role", "get", "nodes", None),
    ("arn:aws:iam::111122223333:user/offline-plan-deployer", "delete", "nodes", None),
    ("serviceaccount:dev-team:dev-k8s", "delete", "pods", "dev-team"), ("serviceaccount:dev-team:dev-k8s", "delete", "pods", "infra-team"),
    ("group:developers", "get", "configmaps", "kube-system"), ("user:developer", "list", "deployments.apps", "default"),
]  # fmt: skip
WHO_CAN = [("delete", "pods", "dev-team"), ("list", "nodes", None), ("get", "secrets", "default"), ("create", "pods/exec", "infra-team")]
CONTEXT = {"sts:RoleSessionName": ["dev1"]}


@pytest.fixture(scope="module")
def both(dev_plan_resources: list[dict[str, Any]]) -> tuple[Analyzer, Analyzer]:
    return Analyzer.from_records(dev_plan_resources), Analyzer(read_snapshot(deploy(dev_plan_resources)))


@pytest.mark.parametrize("question", CAN_I, ids=lambda q: " ".join(str(x) for x in q))
def test_can_i_equals_the_plan(both: tuple[Analyzer, Analyzer], question: tuple[str, str, str, str | None]) -> None:
    plan, snap = both
    who, verb, resource, ns = question
    a = plan.can_i(who, verb, resource, ns, context=CONTEXT)
    b = snap.can_i(who, verb, resource, ns, context=CONTEXT)
    assert (b.allowed, b.conditional, [h.step for h in b.chain]) == (a.allowed, a.conditional, [h.step for h in a.chain])


@pytest.mark.parametrize("question", WHO_CAN, ids=lambda q: " ".join(str(x) for x in q))
def test_who_can_equals_the_plan(both: tuple[Analyzer, Analyzer], question: tuple[str, str, str | None]) -> None:
    plan, snap = both
    verb, resource, ns = question
    a = {e.principal.display for e in plan.who_can(plan.request(verb, resource, ns))}
    b = {e.principal.display for e in snap.who_can(snap.request(verb, resource, ns))}
    assert b == a and a


def test_the_chain_names_snapshot_objects(both: tuple[Analyzer, Analyzer]) -> None:
    _plan, snap = both
    answer = snap.can_i(DEV1, "list", "pods", "default", context=CONTEXT)
    assert [h.text for h in answer.chain] == [
        "IAM user dev1 is a member of IAM group Developers (user/dev1 GroupList)",
        "group Developers may assume role EKSMyExampleViewer (policy group/Developers inline assume-EKSMyExampleViewer); "
        "trust: account root",
        "role EKSMyExampleViewer maps to Kubernetes user developer, groups [developers] "
        "(access entry arn:aws:iam::111122223333:role/EKSMyExampleViewer)",
        "group developers is bound to ClusterRole view (ClusterRoleBinding developers-view), which allows list on pods",
    ]


def test_eks_made_objects_are_implicit(dev_plan_resources: list[dict[str, Any]]) -> None:
    model = read_snapshot(deploy(dev_plan_resources))
    implicit = {(m.principal_arn, m.implicit) for m in model.eks.mappings}
    assert implicit == {
        ("arn:aws:iam::111122223333:role/EKSMyExampleViewer", None),
        ("arn:aws:iam::111122223333:role/EKSOperators", None),
        ("arn:aws:iam::111122223333:user/offline-plan-deployer", "eks-cluster-creator"),
        ("arn:aws:iam::111122223333:role/myeks-node-role", "eks-managed-node-group"),
    }
    assert {a.implicit for a in model.eks.access_policies} == {"eks-cluster-creator"}
    view = model.cluster_roles_by_name["view"]
    assert view.origin.implicit == "kubernetes-bootstrap"
    assert model.cluster_roles_by_name["pod-node-reader"].origin.implicit is None


LEGACY = "arn:aws:iam::111122223333:role/Legacy"
AWS_AUTH = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"},
            "data": {"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/Legacy\n  username: legacy\n  groups: [operators]\n"}}  # fmt: skip


@pytest.mark.parametrize(("mode", "allowed"), [("API_AND_CONFIG_MAP", True), ("API", False)])
def test_aws_auth_counts_only_where_the_cluster_mode_reads_it(dev_plan_resources: list[dict[str, Any]], mode: str, allowed: bool) -> None:
    doc = deploy(dev_plan_resources)
    doc["eks"]["cluster"]["accessConfig"]["authenticationMode"] = mode
    doc["kubernetes"]["awsAuth"] = AWS_AUTH
    answer = Analyzer(read_snapshot(doc)).can_i(LEGACY, "list", "nodes")
    assert answer.allowed is allowed
    if allowed:
        assert answer.chain[0].text == "role Legacy maps to Kubernetes user legacy, groups [operators] (aws-auth mapRoles[0] (ConfigMap kube-system/aws-auth))"


def test_describe_cluster_refused_version_from_the_server_mode_inferred(dev_plan_resources: list[dict[str, Any]]) -> None:
    doc = deploy(dev_plan_resources, version="1.33")
    doc["eks"]["cluster"] = None
    doc["kubernetes"]["serverVersion"] = {"major": "1", "minor": "33+", "gitVersion": "v1.33.5-eks-3025e55"}
    doc["denied"] = [{"service": "eks", "operation": "DescribeCluster", "target": "myeks", "error": "AccessDeniedException"}]
    model = read_snapshot(doc)
    assert (model.kubernetes_version, model.authentication_mode, model.mode_inferred) == ("1.33", "API", True)
    answer = Analyzer(model).can_i(DEV1, "list", "pods", "default", context=CONTEXT)
    assert answer.allowed
    assert answer.notes == ("incomplete: DescribeCluster denied (myeks)",)
