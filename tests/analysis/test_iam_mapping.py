"""IAM and identity-mapping semantics: Deny, canonical ARNs, aws-auth, modes, access policies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from eks_access.analysis import can_i
from tests.builders import (
    ACCOUNT,
    CLUSTER,
    DEV1,
    OPE1,
    VIEWER_ARN,
    policy,
    rec,
    root_trust,
)
from tests.builders import aws_auth as aws_auth_record

Records = list[dict[str, Any]]
Extend = Callable[..., Records]


def ask(plan: Records, verb: str, res: str, ns: str | None, who: str) -> dict[str, Any]:
    _rc, out = can_i(plan, verb, res, ns, who, "json")
    doc: dict[str, Any] = json.loads(out)
    return doc


def with_mode(mode: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def patch(r: dict[str, Any]) -> dict[str, Any]:
        if r["type"] == "eks:index:Cluster":
            r = {**r, "inputs": {**r["inputs"], "authenticationMode": mode}}
        return r

    return patch


def aws_auth(map_roles: list[dict[str, Any]]) -> dict[str, Any]:
    return aws_auth_record("aws-auth", map_roles=map_roles)


def test_explicit_deny_wins(extend: Extend) -> None:
    deny = rec("aws:iam/userPolicy:UserPolicy", "dev1-deny", {
        "user": "dev1", "name": "deny-assume",
        "policy": policy({"Effect": "Deny", "Action": "sts:*", "Resource": "*"}),
    })  # fmt: skip
    doc = ask(extend(deny), "list", "pods", None, DEV1)
    assert doc["allowed"] is False
    assert doc["reason"] == (
        f"policy dev1-deny explicitly denies sts:AssumeRole on {VIEWER_ARN} for dev1 "
        "(and 1 other mapped role likewise)"
    )


def test_wildcard_identity_policy_and_trust_by_user_arn(extend: Extend) -> None:
    trusted = rec("aws:iam/role:Role", "ops-role", {
        "name": "Ops", "path": "/",
        "assumeRolePolicy": policy({"Effect": "Allow", "Principal": {"AWS": DEV1},
                                    "Action": "sts:AssumeRole"})})  # fmt: skip
    pol = rec("aws:iam/userPolicy:UserPolicy", "dev1-any", {
        "user": "dev1", "policy": policy({"Effect": "Allow", "Action": "sts:assumerole",
                                          "Resource": f"arn:aws:iam::{ACCOUNT}:role/O*"})})  # fmt: skip
    entry = rec("aws:eks/accessEntry:AccessEntry", "ops-entry", {
        "clusterName": CLUSTER, "principalArn": f"arn:aws:iam::{ACCOUNT}:role/Ops",
        "kubernetesGroups": ["system:masters"], "type": "STANDARD"})  # fmt: skip
    doc = ask(extend(trusted, pol, entry), "delete", "nodes", None, DEV1)
    assert doc["allowed"] is True
    assert doc["chain"][0]["trust"] == "caller ARN"
    assert doc["chain"][1]["username"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Ops/{{{{SessionName}}}}"
    # ope1 has the same kind of group policy for a different role only
    assert ask(extend(trusted, pol, entry), "delete", "nodes", None, OPE1)["allowed"] is False


def test_assumed_role_arn_canonicalizes_to_role(dev_plan: Records) -> None:
    doc = ask(dev_plan, "list", "pods", None,
              f"arn:aws:sts::{ACCOUNT}:assumed-role/EKSMyExampleViewer/dev1")  # fmt: skip
    assert doc["allowed"] is True
    assert doc["chain"][0]["principalArn"] == VIEWER_ARN
    assert doc["chain"][0]["username"] == "developer"
    assert ask(dev_plan, "list", "nodes", None, VIEWER_ARN)["reason"] == (
        "ClusterRole view grants no access to nodes"
    )


def test_aws_auth_session_template_and_rolearn_with_path(extend: Extend) -> None:
    pathed = rec("aws:iam/role:Role", "pathed", {"name": "Pathed", "path": "/teams/",
                                                 "assumeRolePolicy": root_trust()})  # fmt: skip
    plain_arn = f"arn:aws:iam::{ACCOUNT}:role/Pathed"
    path_arn = f"arn:aws:iam::{ACCOUNT}:role/teams/Pathed"
    binding = rec("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "u", {
        "metadata": {"name": "u"}, "roleRef": {"kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "User", "name": "p-alice"}]})  # fmt: skip
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/Pathed/alice"
    good = extend(pathed, binding, aws_auth([{"rolearn": plain_arn, "username": "p-{{SessionName}}"}]),
                  drop=lambda r: r["type"] == "eks:index:Cluster")
    yes = ask(good, "list", "pods", None, session)
    assert yes["allowed"] is True
    assert yes["chain"][0]["username"] == "p-alice"
    bad = extend(pathed, binding, aws_auth([{"rolearn": path_arn, "username": "p-{{SessionName}}",
                                             "groups": ["system:masters"]}]),
                 drop=lambda r: r["type"] in ("eks:index:Cluster", "aws:eks/accessEntry:AccessEntry"))  # fmt: skip
    no = ask(bad, "list", "pods", None, session)
    assert no["allowed"] is False
    assert "includes a path, which never matches an assumed-role identity" in no["reason"]


def test_access_entry_overrides_aws_auth_in_api_and_config_map(extend: Extend) -> None:
    masters = aws_auth([{"rolearn": VIEWER_ARN, "username": "boss", "groups": ["system:masters"]}])
    mixed = [with_mode("API_AND_CONFIG_MAP")(r) for r in extend(masters)]
    doc = ask(mixed, "delete", "nodes", None, DEV1)
    assert doc["allowed"] is False
    assert doc["chain"][2]["source"] == "access entry developers-access-entry"
    legacy = [with_mode("CONFIG_MAP")(r) for r in extend(masters)]
    doc = ask(legacy, "delete", "nodes", None, DEV1)
    assert doc["allowed"] is True
    assert doc["chain"][2]["mechanism"] == "aws-auth"
    assert doc["chain"][3]["step"] == "masters"
    api_only = [with_mode("API")(r) for r in extend(masters)]
    assert ask(api_only, "delete", "nodes", None, DEV1)["allowed"] is False


def test_api_mode_ignores_aws_auth_for_unentered_roles(extend: Extend) -> None:
    plan = extend(aws_auth([{"rolearn": VIEWER_ARN, "username": "x", "groups": ["developers"]}]),
                  drop=lambda r: r["name"] == "developers-access-entry")  # fmt: skip
    doc = ask(plan, "list", "pods", None, DEV1)
    assert doc["allowed"] is False
    assert doc["reason"] == (
        "role EKSMyExampleViewer is not mapped to any Kubernetes identity "
        "(authentication mode API; aws-auth is ignored in API mode)"
    )


def test_namespace_scoped_access_policy(extend: Extend) -> None:
    assoc = rec("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "operators-access-policy-0", {
        "clusterName": CLUSTER, "principalArn": f"arn:aws:iam::{ACCOUNT}:role/EKSOperators",
        "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
        "accessScope": {"type": "namespace", "namespaces": ["infra-*"]}})  # fmt: skip
    plan = extend(assoc)
    yes = ask(plan, "create", "deployments", "infra-team", OPE1)
    assert yes["allowed"] is True
    assert yes["chain"][-1]["step"] == "access-policy"
    assert yes["chain"][-1]["policy"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
    assert ask(plan, "create", "deployments", "dev-team", OPE1)["allowed"] is False
    assert ask(plan, "create", "deployments", None, OPE1)["allowed"] is False


def test_node_role_keeps_node_identity(dev_plan: Records) -> None:
    doc = ask(dev_plan, "get", "nodes", None, f"arn:aws:iam::{ACCOUNT}:role/{CLUSTER}-node-role")
    assert doc["chain"][0]["username"] == "system:node:{{EC2PrivateDNSName}}"
    assert doc["chain"][0]["groups"] == ["system:nodes"]  # an EC2_LINUX access entry in API mode


def test_same_account_trust_naming_the_user_needs_no_identity_policy() -> None:
    """IAM: a role's trust policy naming a same-account user admits it without identity policy."""
    from eks_access.analysis.commands import can_i

    account = "111122223333"
    direct = f"arn:aws:iam::{account}:user/breakglass"
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": direct}, "Action": "sts:AssumeRole"}]})
    records: list[dict[str, Any]] = [
        {"type": "aws:iam/role:Role", "name": "bg-role", "parent": None, "custom": True,
         "inputs": {"name": "BreakGlass", "assumeRolePolicy": trust},
         "outputs": {"arn": f"arn:aws:iam::{account}:role/BreakGlass"}},
        {"type": "aws:eks/accessEntry:AccessEntry", "name": "bg-entry", "parent": None, "custom": True,
         "inputs": {"clusterName": "c", "principalArn": f"arn:aws:iam::{account}:role/BreakGlass",
                    "kubernetesGroups": ["viewers"], "userName": "breakglass:{{SessionName}}"}, "outputs": {}},
        {"type": "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "name": "bg-crb", "parent": None,
         "custom": True, "inputs": {"metadata": {"name": "viewers"},
                                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                                    "subjects": [{"kind": "Group", "name": "viewers", "apiGroup": "rbac.authorization.k8s.io"}]},
         "outputs": {}},
    ]
    code, text = can_i(records, "list", "pods", "default", direct, "json")
    answer = json.loads(text)
    assert code == 0 and answer["allowed"] is True
    assert answer["chain"][0]["text"] == (
        "the trust policy of role BreakGlass names IAM user breakglass directly (same account: no identity policy needed)")
    other = "arn:aws:iam::999988887777:user/breakglass"
    assert can_i(records, "list", "pods", "default", other, "text")[0] == 1
