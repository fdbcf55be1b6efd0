"""A hand-made plan of the worked example (MISSION.md sections 1, 3 and 4).

It follows docs/plan-format.md record for record, so the same tests can later run on the real
plan of the dev stack (the lead's ``dev_plan_resources`` fixture) and catch any drift.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

ACCOUNT = "111122223333"
CLUSTER = "myeks"
ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
VIEWER_ARN = f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer"
OPERATORS_ARN = f"arn:aws:iam::{ACCOUNT}:role/EKSOperators"
DEV1 = f"arn:aws:iam::{ACCOUNT}:user/dev1"
DEV2 = f"arn:aws:iam::{ACCOUNT}:user/dev2"
OPE1 = f"arn:aws:iam::{ACCOUNT}:user/ope1"
CLUSTER_ARN = f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/{CLUSTER}"

Record = dict[str, Any]


def rec(type_: str, name: str, inputs: dict[str, Any], parent: str | None = None,
        outputs: dict[str, Any] | None = None, custom: bool = True) -> Record:  # fmt: skip
    return {"type": type_, "name": name, "parent": parent, "custom": custom,
            "inputs": inputs, "outputs": outputs or {}}  # fmt: skip


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def root_trust(condition: dict[str, Any] | None = None) -> str:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                          "Action": "sts:AssumeRole"}  # fmt: skip
    if condition:
        st["Condition"] = condition
    return policy(st)


def team(name: str, group: str, members: list[str], role: str, username: str, k8s_group: str,
         trust: str, rbac: list[Record]) -> list[Record]:  # fmt: skip
    arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
    out = [
        rec("eks-access:index:TeamAccess", name, {}, custom=False),
        rec("aws:iam/group:Group", f"{name}-group", {"name": group, "path": "/"}, name,
            {"arn": f"arn:aws:iam::{ACCOUNT}:group/{group}", "name": group}),
    ]
    out += [
        rec("aws:iam/userGroupMembership:UserGroupMembership", f"{name}-member/{m}",
            {"user": m, "groups": [group]}, name)
        for m in members
    ]
    out += [
        rec("aws:iam/role:Role", f"{name}-role",
            {"name": role, "path": "/", "assumeRolePolicy": trust, "maxSessionDuration": 3600,
             "tags": {"team": name}}, name, {"arn": arn, "name": role}),
        rec("aws:iam/groupPolicy:GroupPolicy", f"{name}-assume-role",
            {"group": group, "name": f"{name}-assume-role",
             "policy": policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn})},
            name),
        rec("aws:iam/rolePolicy:RolePolicy", f"{name}-describe-cluster",
            {"role": role, "name": f"{name}-describe-cluster",
             "policy": policy({"Effect": "Allow", "Action": "eks:DescribeCluster",
                               "Resource": CLUSTER_ARN})}, name),
        rec("aws:eks/accessEntry:AccessEntry", f"{name}-access-entry",
            {"clusterName": CLUSTER, "principalArn": arn, "kubernetesGroups": [k8s_group],
             "userName": username, "type": "STANDARD"}, name),
    ]
    for r in rbac:
        r["parent"] = name
    return out + rbac


def crb(record: str, name: str, role: str, subjects: list[dict[str, Any]]) -> Record:
    return rec("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", record, {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects,
    })  # fmt: skip


def group_subject(name: str) -> dict[str, Any]:
    return {"kind": "Group", "name": name, "apiGroup": "rbac.authorization.k8s.io"}


def workload(name: str, ns: str, sa: str, rules: list[dict[str, Any]],
             managed: list[str]) -> list[Record]:  # fmt: skip
    role_name = f"{name}-irsa"
    arn = f"arn:aws:iam::{ACCOUNT}:role/{role_name}"
    trust = policy({
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{ISSUER}:sub": f"system:serviceaccount:{ns}:{sa}",
                                       f"{ISSUER}:aud": "sts.amazonaws.com"}},
    })  # fmt: skip
    out = [
        rec("eks-access:index:WorkloadIdentity", name, {}, custom=False),
        rec("aws:iam/role:Role", f"{name}-role", {"name": role_name, "assumeRolePolicy": trust},
            name, {"arn": arn, "name": role_name}),
    ]
    out += [
        rec("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"{name}-managed-{i}",
            {"role": role_name, "policyArn": p}, name)
        for i, p in enumerate(managed)
    ]
    out += [
        rec("kubernetes:core/v1:ServiceAccount", f"{name}-sa", {
            "metadata": {"name": sa, "namespace": ns, "annotations": {
                "eks.amazonaws.com/role-arn": arn}},
            "automountServiceAccountToken": True}, name),
        rec("kubernetes:rbac.authorization.k8s.io/v1:Role", f"{name}-rbac-role", {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": f"{sa}-api", "namespace": ns}, "rules": rules}, name),
        rec("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", f"{name}-rbac-binding", {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": f"{sa}-api", "namespace": ns},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                        "name": f"{sa}-api"},
            "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns}]}, name),
    ]  # fmt: skip
    return out


POD_RULES = [{"apiGroups": [""], "resources": ["pods"],
              "verbs": ["get", "list", "watch", "create", "delete", "update", "patch"]}]


def build_dev_plan() -> list[Record]:
    records: list[Record] = [
        rec("aws:iam/role:Role", f"{CLUSTER}-node-role", {
            "name": f"{CLUSTER}-node-role",
            "assumeRolePolicy": policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                        "Action": "sts:AssumeRole"})},
            outputs={"arn": f"arn:aws:iam::{ACCOUNT}:role/{CLUSTER}-node-role"}),
        rec("eks:index:Cluster", CLUSTER, {
            "name": CLUSTER, "authenticationMode": "API", "createOidcProvider": True,
            "instanceRoles": [{"$ref": f"aws:iam/role:Role::{CLUSTER}-node-role"}]}),
    ]  # fmt: skip
    records += team(
        "developers", "Developers", ["dev1"], "EKSMyExampleViewer", "developer", "developers",
        root_trust({"StringLike": {"sts:RoleSessionName": "${aws:username}"}}),
        [crb("developers-crb-view", "developers-view", "view", [group_subject("developers")])],
    )
    records += team(
        "operators", "Operators", ["ope1"], "EKSOperators", "operator", "operators", root_trust(),
        [
            rec("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
                "operators-clusterrole-pod-node-reader", {
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                    "metadata": {"name": "pod-node-reader"},
                    "rules": [{"apiGroups": [""], "resources": ["pods", "nodes"],
                               "verbs": ["get", "watch", "list"]}]}),
            crb("operators-crb-pod-node-reader", "operators-pod-node-reader", "pod-node-reader",
                [group_subject("operators")]),
        ],
    )  # fmt: skip
    for ns in ("dev-team", "infra-team"):
        records.append(rec("kubernetes:core/v1:Namespace", f"ns-{ns}", {"metadata": {"name": ns}}))
    records += workload("dev-k8s", "dev-team", "dev-k8s", POD_RULES,
                        ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])  # fmt: skip
    records += workload("infra-k8s", "infra-team", "infra-k8s", POD_RULES, [])
    return records


@pytest.fixture
def dev_plan() -> list[Record]:
    return build_dev_plan()


@pytest.fixture(params=["handmade", "real"])
def plan(request: pytest.FixtureRequest) -> list[Record]:
    """The hand-made plan, and the dev stack's real plan once the lead's fixture exists."""
    if request.param == "handmade":
        return build_dev_plan()
    try:
        real: list[Record] = request.getfixturevalue("dev_plan_resources")
    except pytest.FixtureLookupError:
        pytest.skip("tests/conftest.py has no dev_plan_resources fixture yet")
    return real


@pytest.fixture
def extend() -> Callable[..., list[Record]]:
    """The dev plan plus extra records, for one-off scenarios."""

    def make(*extra: Record, drop: Callable[[Record], bool] | None = None) -> list[Record]:
        base = [r for r in build_dev_plan() if drop is None or not drop(r)]
        return base + list(extra)

    return make
