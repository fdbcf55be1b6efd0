"""Every document eks-access writes, compared as an exact dict, then linted by real validators.

The IAM documents also go through parliament and the RBAC manifests through the Kubernetes
OpenAPI schemas (kubernetes-validate, strict: unknown fields are errors), so a typo in a key
that a dict comparison would copy into the expectation is still caught.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import kubernetes_validate
import pytest
import yaml
from parliament import analyze_policy_string

from eks_access import documents as docs
from eks_access.spec import PolicyRule

ACCOUNT = "111122223333"
REGION = "ap-northeast-2"
ROLE_ARN = "arn:aws:iam::111122223333:role/EKSMyExampleViewer"
CLUSTER_ARN = "arn:aws:eks:ap-northeast-2:111122223333:cluster/myeks"
ISSUER_HOST = "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
ISSUER = f"https://{ISSUER_HOST}"
PROVIDER_ARN = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER_HOST}"
NODE_ROLE_ARN = "arn:aws:iam::111122223333:role/myeks-node-role"
MANAGED = {"app.kubernetes.io/managed-by": "eks-access"}
OWNED = {"app.kubernetes.io/managed-by": "eks-access", "eks-access/owner": "developers"}
RBAC = "rbac.authorization.k8s.io"

#: EKS's current standard-support version, plus the newest schemas kubernetes-validate ships
#: (1.37 in kubernetes-validate 1.37.0), so a field removed upstream shows up here first.
K8S_VERSIONS = ("1.33", kubernetes_validate.utils.latest_version().rsplit(".", 1)[0])

READ_PODS = PolicyRule(verbs=("get", "list", "watch"), api_groups=("",), resources=("pods", "pods/log"))
EDIT_CM = PolicyRule(verbs=("update",), api_groups=("",), resources=("configmaps",), resource_names=("app",))
HEALTH = PolicyRule(verbs=("get",), non_resource_urls=("/healthz", "/readyz*"))


# ---------------------------------------------------------------- validators

def parliament_findings(document: dict[str, Any], *, trust: bool = False) -> list[tuple[str, str]]:
    """Parliament's findings as (issue, detail) pairs.

    Parliament has no trust-policy mode: it reads every document as an identity policy and
    reports MALFORMED "neither Resource nor NotResource" for every trust statement (its own
    source says so). For trust policies we therefore add ``Resource: "*"`` so its action and
    condition-key checks still run, and the caller discounts what that injection causes.
    """
    doc = copy.deepcopy(document)
    if trust:
        for statement in doc["Statement"]:
            assert "Resource" not in statement, "trust policies have no Resource"
            statement["Resource"] = "*"
    policy = analyze_policy_string(json.dumps(doc))
    return sorted((f.issue, str(f.detail)) for f in policy.findings)


def expected_trust_findings(actions: list[str]) -> list[tuple[str, str]]:
    """RESOURCE_STAR for the trust actions is an artifact of the injected ``Resource: "*"``."""
    resource_star = [a for a in actions if a in ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity")]
    return [("RESOURCE_STAR", str(resource_star))] if resource_star else []


def k8s_valid(manifest: dict[str, Any]) -> None:
    for version in K8S_VERSIONS:
        assert kubernetes_validate.validate(manifest, version, strict=True) == version


# ---------------------------------------------------------------- small helpers

def test_arns() -> None:
    assert docs.role_arn("aws", ACCOUNT, "EKSMyExampleViewer") == ROLE_ARN
    assert docs.role_arn("aws-cn", ACCOUNT, "R", "/teams/") == "arn:aws-cn:iam::111122223333:role/teams/R"
    assert docs.cluster_arn("aws", REGION, ACCOUNT, "myeks") == CLUSTER_ARN
    assert docs.oidc_provider_arn("aws", ACCOUNT, ISSUER + "/") == PROVIDER_ARN
    assert docs.issuer_host_path(ISSUER) == ISSUER_HOST
    assert docs.issuer_host_path(ISSUER_HOST) == ISSUER_HOST


def test_to_json_is_canonical() -> None:
    assert docs.to_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == '{"a":[1,{"c":3,"d":2}],"b":1}'


# ---------------------------------------------------------------- team trust policy

ROOT_TRUST_STATEMENT = {
    "Sid": "TeamMembersAssumeRole",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "sts:AssumeRole",
}

TRUST_CASES: list[Any] = [
    pytest.param(
        {},
        {**ROOT_TRUST_STATEMENT, "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}}},
        id="default",
    ),
    pytest.param(
        {"require_mfa": True},
        {**ROOT_TRUST_STATEMENT, "Condition": {
            "StringLike": {"sts:RoleSessionName": "${aws:username}"},
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
        }},
        id="mfa",
    ),
    pytest.param({"session_name_must_match_user": False}, ROOT_TRUST_STATEMENT, id="no-session-rule"),
    pytest.param(
        {"session_name_must_match_user": False, "require_mfa": True},
        {**ROOT_TRUST_STATEMENT, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
        id="mfa-only",
    ),
    pytest.param(
        {"trusted_principal_arns": ["arn:aws:iam::111122223333:user/dev1"]},
        {**ROOT_TRUST_STATEMENT, "Principal": {"AWS": "arn:aws:iam::111122223333:user/dev1"},
         "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}}},
        id="one-principal",
    ),
    pytest.param(
        {"trusted_principal_arns": ["arn:aws:iam::111122223333:user/dev2", "arn:aws:iam::111122223333:role/ci"]},
        {**ROOT_TRUST_STATEMENT,
         "Principal": {"AWS": ["arn:aws:iam::111122223333:role/ci", "arn:aws:iam::111122223333:user/dev2"]},
         "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}}},
        id="principals-sorted",
    ),
]


@pytest.mark.parametrize(("kwargs", "statement"), TRUST_CASES)
def test_team_trust_policy(kwargs: dict[str, Any], statement: dict[str, Any]) -> None:
    policy = docs.team_trust_policy(ACCOUNT, **kwargs)
    assert policy == {"Version": "2012-10-17", "Statement": [statement]}
    assert parliament_findings(policy, trust=True) == expected_trust_findings(["sts:AssumeRole"])


def test_team_trust_policy_partition() -> None:
    policy = docs.team_trust_policy(ACCOUNT, "aws-us-gov", session_name_must_match_user=False)
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws-us-gov:iam::111122223333:root"}


def test_team_trust_policy_never_trusts_star() -> None:
    for mfa, session_rule in ((False, True), (True, True), (False, False)):
        policy = docs.team_trust_policy(ACCOUNT, require_mfa=mfa, session_name_must_match_user=session_rule)
        assert "*" not in json.dumps(policy["Statement"][0]["Principal"])


# ---------------------------------------------------------------- identity policies

def test_assume_role_policy() -> None:
    policy = docs.assume_role_policy(ROLE_ARN)
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "AssumeTeamRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}],
    }
    assert policy["Statement"][0]["Resource"] == ROLE_ARN
    assert parliament_findings(policy) == []


def test_assume_role_policy_with_list_roles() -> None:
    policy = docs.assume_role_policy(ROLE_ARN, list_roles=True)
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AssumeTeamRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN},
            {"Sid": "ListRoles", "Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"},
        ],
    }
    # iam:ListRoles has no resource-level scoping, so Resource "*" is the only correct value and
    # parliament (1.6) rightly reports no RESOURCE_STAR for it.
    assert parliament_findings(policy) == []


def test_describe_cluster_policy() -> None:
    policy = docs.describe_cluster_policy(CLUSTER_ARN)
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DescribeTeamCluster", "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER_ARN}
        ],
    }
    assert parliament_findings(policy) == []


# ---------------------------------------------------------------- workload trust policies

# Parliament only knows a few web-identity providers (Cognito, Google, Facebook, Amazon): an EKS
# OIDC provider ARN is UNKNOWN_FEDERATION_SOURCE and its per-issuer condition keys
# `<issuer>:sub` / `<issuer>:aud` are UNKNOWN_CONDITION_FOR_ACTION. Both are gaps in its data,
# and AWS documents exactly these keys for IRSA.
IRSA_PARLIAMENT_GAPS = [
    ("UNKNOWN_CONDITION_FOR_ACTION", f"Unknown condition {ISSUER_HOST}:aud for action sts:AssumeRoleWithWebIdentity"),
    ("UNKNOWN_CONDITION_FOR_ACTION", f"Unknown condition {ISSUER_HOST}:sub for action sts:AssumeRoleWithWebIdentity"),
    ("UNKNOWN_FEDERATION_SOURCE", PROVIDER_ARN),
]


def irsa_statement(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Sid": "ServiceAccountWebIdentity",
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER_ARN},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }


@pytest.mark.parametrize("issuer", [ISSUER, ISSUER_HOST, ISSUER + "/"], ids=["https", "bare-host", "trailing-slash"])
def test_irsa_trust_policy(issuer: str) -> None:
    policy = docs.irsa_trust_policy(PROVIDER_ARN, issuer, "default", "my-sa")
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [irsa_statement({
            "StringEquals": {
                f"{ISSUER_HOST}:aud": "sts.amazonaws.com",
                f"{ISSUER_HOST}:sub": "system:serviceaccount:default:my-sa",
            }
        })],
    }
    assert "StringLike" not in policy["Statement"][0]["Condition"]
    findings = parliament_findings(policy, trust=True)
    assert findings == sorted(IRSA_PARLIAMENT_GAPS + expected_trust_findings(["sts:AssumeRoleWithWebIdentity"]))


def test_irsa_trust_policy_whole_namespace() -> None:
    policy = docs.irsa_trust_policy(PROVIDER_ARN, ISSUER, "dev-team", "ignored", whole_namespace=True)
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [irsa_statement({
            "StringEquals": {f"{ISSUER_HOST}:aud": "sts.amazonaws.com"},
            "StringLike": {f"{ISSUER_HOST}:sub": "system:serviceaccount:dev-team:*"},
        })],
    }
    findings = parliament_findings(policy, trust=True)
    assert findings == sorted(IRSA_PARLIAMENT_GAPS + expected_trust_findings(["sts:AssumeRoleWithWebIdentity"]))


def test_pod_identity_trust_policy() -> None:
    policy = docs.pod_identity_trust_policy(ACCOUNT, "myeks", "default", "reporter")
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PodIdentityAssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": "111122223333",
                        "aws:RequestTag/eks-cluster-name": "myeks",
                        "aws:RequestTag/kubernetes-namespace": "default",
                        "aws:RequestTag/kubernetes-service-account": "reporter",
                    }
                },
            }
        ],
    }
    assert parliament_findings(policy, trust=True) == expected_trust_findings(["sts:AssumeRole", "sts:TagSession"])


def test_node_trust_policy() -> None:
    policy = docs.node_trust_policy()
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "EC2AssumeNodeRole", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }
    assert parliament_findings(policy, trust=True) == expected_trust_findings(["sts:AssumeRole"])


def test_parliament_catches_a_broken_policy() -> None:
    """The lint above is live: a misspelled action is a finding."""
    broken = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoel", "Resource": ROLE_ARN}]}
    assert [issue for issue, _ in parliament_findings(broken)] == ["UNKNOWN_ACTION"]


# ---------------------------------------------------------------- aws-auth

NODE_ENTRY = {
    "rolearn": NODE_ROLE_ARN,
    "username": "system:node:{{EC2PrivateDNSName}}",
    "groups": ["system:bootstrappers", "system:nodes"],
}


def test_aws_auth_entries() -> None:
    assert docs.node_role_entry(NODE_ROLE_ARN) == NODE_ENTRY
    assert docs.aws_auth_role_entry(ROLE_ARN, "developer", ("developers",)) == {
        "rolearn": ROLE_ARN, "username": "developer", "groups": ["developers"],
    }
    assert docs.aws_auth_user_entry("arn:aws:iam::111122223333:user/eks-ope", "eks-ope", ["operators"]) == {
        "userarn": "arn:aws:iam::111122223333:user/eks-ope", "username": "eks-ope", "groups": ["operators"],
    }


def test_aws_auth_config_map() -> None:
    team_entry = docs.aws_auth_role_entry(ROLE_ARN, "developers:{{SessionName}}", ["developers"])
    user_entry = docs.aws_auth_user_entry("arn:aws:iam::111122223333:user/eks-ope", "eks-ope", ["operators"])
    cm = docs.aws_auth_config_map([NODE_ROLE_ARN], [team_entry], [user_entry])
    assert cm == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system", "labels": MANAGED},
        "data": {"mapRoles": cm["data"]["mapRoles"], "mapUsers": cm["data"]["mapUsers"]},
    }
    assert yaml.safe_load(cm["data"]["mapRoles"]) == [
        NODE_ENTRY,
        {"rolearn": ROLE_ARN, "username": "developers:{{SessionName}}", "groups": ["developers"]},
    ]
    assert yaml.safe_load(cm["data"]["mapUsers"]) == [
        {"userarn": "arn:aws:iam::111122223333:user/eks-ope", "username": "eks-ope", "groups": ["operators"]}
    ]
    # Key order inside an entry is the one aws-auth documentation uses.
    assert cm["data"]["mapRoles"].startswith(f"- rolearn: {NODE_ROLE_ARN}\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n")
    k8s_valid(cm)


def test_aws_auth_config_map_without_users_has_no_map_users() -> None:
    cm = docs.aws_auth_config_map([NODE_ROLE_ARN], [])
    assert cm["data"] == {"mapRoles": cm["data"]["mapRoles"]}
    assert yaml.safe_load(cm["data"]["mapRoles"]) == [NODE_ENTRY]


def test_aws_auth_config_map_node_role_cannot_be_remapped() -> None:
    """A team entry for the node role ARN would replace the node groups; the node entry wins."""
    hijack = docs.aws_auth_role_entry(NODE_ROLE_ARN, "admin", ["system:masters"])
    cm = docs.aws_auth_config_map([NODE_ROLE_ARN], [hijack])
    assert yaml.safe_load(cm["data"]["mapRoles"]) == [NODE_ENTRY]


def test_aws_auth_config_map_needs_node_role() -> None:
    with pytest.raises(ValueError, match=r"^node_role_arns: aws-auth without the node role entry would evict every node$"):
        docs.aws_auth_config_map([], [docs.aws_auth_role_entry(ROLE_ARN, "developer", ["developers"])])


# ---------------------------------------------------------------- RBAC manifests

def test_labels() -> None:
    assert docs.labels() == MANAGED
    assert docs.labels("developers") == OWNED
    assert docs.labels() is not docs.MANAGED_BY


def test_subjects() -> None:
    assert docs.group_subject("developers") == {"kind": "Group", "name": "developers", "apiGroup": RBAC}
    assert docs.user_subject("developer") == {"kind": "User", "name": "developer", "apiGroup": RBAC}
    assert docs.service_account_subject("my-sa", "default") == {"kind": "ServiceAccount", "name": "my-sa", "namespace": "default"}


def test_cluster_role() -> None:
    manifest = docs.cluster_role("pod-node-reader", [READ_PODS, HEALTH], owner="developers")
    assert manifest == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "pod-node-reader", "labels": OWNED},
        "rules": [
            {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]},
            {"nonResourceURLs": ["/healthz", "/readyz*"], "verbs": ["get"]},
        ],
    }
    k8s_valid(manifest)


def test_role() -> None:
    manifest = docs.role("cm-editor", "dev-team", [EDIT_CM])
    assert manifest == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "cm-editor", "namespace": "dev-team", "labels": MANAGED},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"], "verbs": ["update"]}],
    }
    k8s_valid(manifest)


def test_cluster_role_binding() -> None:
    manifest = docs.cluster_role_binding(
        "developers-view", "view", [docs.group_subject("developers"), docs.user_subject("developer")], owner="developers"
    )
    assert manifest == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "developers-view", "labels": OWNED},
        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "view"},
        "subjects": [
            {"kind": "Group", "name": "developers", "apiGroup": RBAC},
            {"kind": "User", "name": "developer", "apiGroup": RBAC},
        ],
    }
    k8s_valid(manifest)


@pytest.mark.parametrize("kind", ["ClusterRole", "Role"])
def test_role_binding(kind: str) -> None:
    manifest = docs.role_binding("developers-edit", "dev-team", kind, "edit", [docs.group_subject("developers")], "developers")
    assert manifest == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "developers-edit", "namespace": "dev-team", "labels": OWNED},
        "roleRef": {"apiGroup": RBAC, "kind": kind, "name": "edit"},
        "subjects": [{"kind": "Group", "name": "developers", "apiGroup": RBAC}],
    }
    k8s_valid(manifest)


def test_role_binding_to_service_account() -> None:
    manifest = docs.role_binding("my-sa", "default", "Role", "my-sa", [docs.service_account_subject("my-sa", "default")])
    assert manifest["subjects"] == [{"kind": "ServiceAccount", "name": "my-sa", "namespace": "default"}]
    k8s_valid(manifest)


@pytest.mark.parametrize("kind", ["clusterrole", "Group", ""])
def test_role_binding_rejects_bad_role_kind(kind: str) -> None:
    with pytest.raises(ValueError, match=rf"^role_kind must be Role or ClusterRole, got {kind!r}$"):
        docs.role_binding("x", "default", kind, "edit", [])


def test_namespace() -> None:
    manifest = docs.namespace("dev-team", owner="developers")
    assert manifest == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev-team", "labels": OWNED}}
    k8s_valid(manifest)


def test_service_account_with_role_annotation() -> None:
    arn = "arn:aws:iam::111122223333:role/myeks-default-my-sa"
    manifest = docs.service_account("my-sa", "default", arn, automount=False)
    assert manifest == {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": "my-sa",
            "namespace": "default",
            "labels": MANAGED,
            "annotations": {"eks.amazonaws.com/role-arn": arn},
        },
        "automountServiceAccountToken": False,
    }
    k8s_valid(manifest)


def test_service_account_without_role() -> None:
    """Pod Identity needs no annotation: the association names the ServiceAccount instead."""
    manifest = docs.service_account("reporter", "default", None, automount=True, owner="developers")
    assert manifest == {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "reporter", "namespace": "default", "labels": OWNED},
        "automountServiceAccountToken": True,
    }
    k8s_valid(manifest)


def test_strict_schema_catches_a_typo() -> None:
    """The schema check is live: an unknown field in a rule is an error."""
    manifest = docs.cluster_role("x", [READ_PODS])
    manifest["rules"][0]["verb"] = manifest["rules"][0].pop("verbs")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(manifest, K8S_VERSIONS[0], strict=True)


# ---------------------------------------------------------------- workstation files

def test_kubeconfig() -> None:
    config = docs.kubeconfig("myeks", "https://ABC.gr7.ap-northeast-2.eks.amazonaws.com", "Q0EK", REGION, "eks-developers")
    context = "eks-developers@myeks"
    assert config == {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "myeks", "cluster": {"server": "https://ABC.gr7.ap-northeast-2.eks.amazonaws.com",
                                                    "certificate-authority-data": "Q0EK"}}],
        "contexts": [{"name": context, "context": {"cluster": "myeks", "user": context}}],
        "current-context": context,
        "preferences": {},
        "users": [
            {
                "name": context,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "aws",
                        "args": ["--region", REGION, "eks", "get-token", "--cluster-name", "myeks", "--output", "json"],
                        "env": [{"name": "AWS_PROFILE", "value": "eks-developers"}],
                        "interactiveMode": "IfAvailable",
                        "provideClusterInfo": False,
                    }
                },
            }
        ],
    }


def test_kubeconfig_user_names_the_context() -> None:
    config = docs.kubeconfig("myeks", "https://x", "Q0EK", REGION, "default", user="aws")
    assert config["current-context"] == "aws"
    assert config["contexts"] == [{"name": "aws", "context": {"cluster": "myeks", "user": "aws"}}]
    assert config["users"][0]["name"] == "aws"


def test_kubeconfig_yaml_round_trip() -> None:
    config = docs.kubeconfig("myeks", "https://x", "Q0EK", REGION, "eks-developers")
    text = docs.to_yaml(config)
    assert yaml.safe_load(text) == config
    assert text.startswith("apiVersion: v1\nkind: Config\nclusters:\n")


def test_profile_name() -> None:
    assert docs.profile_name("developers") == "eks-developers"


def test_aws_profile_default() -> None:
    assert docs.aws_profile("developers", ROLE_ARN, REGION) == (
        "[profile eks-developers]\n"
        "role_arn = arn:aws:iam::111122223333:role/EKSMyExampleViewer\n"
        "source_profile = default\n"
        "region = ap-northeast-2\n"
    )


def test_aws_profile_with_session_name_and_mfa() -> None:
    text = docs.aws_profile(
        "developers", ROLE_ARN, REGION, source_profile="dev1", session_name="dev1",
        mfa_serial="arn:aws:iam::111122223333:mfa/dev1",
    )
    assert text == (
        "[profile eks-developers]\n"
        "role_arn = arn:aws:iam::111122223333:role/EKSMyExampleViewer\n"
        "source_profile = dev1\n"
        "region = ap-northeast-2\n"
        "role_session_name = dev1\n"
        "mfa_serial = arn:aws:iam::111122223333:mfa/dev1\n"
    )
