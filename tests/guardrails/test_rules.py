"""Every rule: a violating plan, a compliant plan and an allow-listed exception, run through
the rule functions (``run_checks``) and through the policy pack adapter."""

from __future__ import annotations

import pytest

from eks_access.guardrails import RULES
from tests.builders import (
    ACCOUNT,
    ISSUER,
    access_entry,
    aws_auth,
    binding,
    cluster,
    group,
    iam_role,
    inline_policy,
    irsa_statement,
    k8s_role,
    oidc_provider,
    rec,
    role_arn,
    service_account,
)
from tests.guardrails.cases_issue11 import ISSUE_11_CASES
from tests.guardrails.harness import Case, findings, run_pack, urn

NODE_ROLE = role_arn("myeks-node-role")
NODE_MAPPING = {"rolearn": NODE_ROLE, "username": "system:node:{{EC2PrivateDNSName}}",
                "groups": ["system:bootstrappers", "system:nodes"]}
DEV_ROLE = role_arn("EKSMyExampleViewer")
ROOT_TRUST = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}


CASES = [
    Case("authmode-config-map", "EKS-AUTHMODE",
         [cluster(mode="CONFIG_MAP")],
         [("myeks", "mandatory", "authentication mode is CONFIG_MAP")],
         [cluster(mode="API")], "myeks"),
    Case("authmode-unset-raw-cluster", "EKS-AUTHMODE",
         [rec("aws:eks/cluster:Cluster", "raw", {"name": "raw", "roleArn": role_arn("eks")})],
         [("raw", "mandatory", "unset, so EKS uses CONFIG_MAP")],
         [rec("aws:eks/cluster:Cluster", "raw", {"accessConfig": {"authenticationMode": "API"}})], "raw"),
    Case("version-past-extended-support", "EKS-VERSION",
         [cluster(version="1.31")],
         [("myeks", "mandatory", "Kubernetes 1.31: EKS no longer creates clusters on Kubernetes 1.31")],
         [cluster(version="1.36")], "myeks"),
    Case("version-in-extended-support", "EKS-VERSION",
         [cluster(version="1.33")],
         [("myeks", "advisory", "Kubernetes 1.33 is in EKS extended support since 2026-07-29")],
         [cluster(version="1.35")], "myeks"),
    Case("authmode-api-and-config-map", "EKS-AUTHMODE",
         [rec("aws:eks/cluster:Cluster", "raw", {"accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}})],
         [("raw", "advisory", "API_AND_CONFIG_MAP")],
         [cluster(mode="API")], "raw"),
    Case("masters-aws-auth", "EKS-MASTERS",
         [aws_auth(map_roles=[NODE_MAPPING, {"rolearn": role_arn("Admin"), "username": "admin:{{SessionName}}",
                                             "groups": ["system:masters"]}])],
         [("myeks-nodeAccess", "mandatory", f"mapRoles[1] ({role_arn('Admin')}) is mapped to system:masters")],
         [aws_auth(map_roles=[NODE_MAPPING])], role_arn("Admin")),
    Case("masters-role-mappings", "EKS-MASTERS",
         [cluster(mode="CONFIG_MAP", roleMappings=[{"roleArn": DEV_ROLE, "username": "developer",
                                                    "groups": ["system:masters"]}])],
         [("myeks", "mandatory", f"roleMappings[0] ({DEV_ROLE}) is mapped to system:masters")],
         [cluster(mode="CONFIG_MAP", roleMappings=[{"roleArn": DEV_ROLE, "username": "developer",
                                                    "groups": ["developers"]}])], DEV_ROLE),
    Case("masters-access-entry", "EKS-MASTERS",
         [access_entry("ops-access-entry", DEV_ROLE, ["system:masters"])],
         [("ops-access-entry", "mandatory", "access entry")],
         [access_entry("ops-access-entry", DEV_ROLE, ["operators"])], "ops-access-entry"),
    Case("masters-binding-subject", "EKS-MASTERS",
         [binding("masters-view", "ClusterRole", "view", [group("system:masters")])],
         [("clusterrolebinding-masters-view", "mandatory", "names Group system:masters")],
         [binding("dev-view", "ClusterRole", "view", [group("developers")])], "masters-view"),
    Case("cluster-admin-policy", "EKS-CLUSTER-ADMIN-POLICY",
         [rec("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "ops-access-policy-0", {
             "clusterName": "myeks", "principalArn": role_arn("Ops"),
             "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
             "accessScope": {"type": "cluster"}})],
         [("ops-access-policy-0", "mandatory", f"{role_arn('Ops')} gets AmazonEKSClusterAdminPolicy at cluster scope")],
         [rec("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "ops-access-policy-0", {
             "clusterName": "myeks", "principalArn": role_arn("Ops"),
             "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
             "accessScope": {"type": "namespace", "namespaces": ["ops"]}})], role_arn("Ops")),
    Case("iam-users-map-users", "EKS-NO-IAM-USERS",
         [aws_auth(map_roles=[NODE_MAPPING], map_users=[{"userarn": f"arn:aws:iam::{ACCOUNT}:user/eks-ope",
                                                         "username": "eks-ope", "groups": ["operators"]}])],
         [("myeks-nodeAccess", "advisory", "mapUsers[0] (arn:aws:iam::111122223333:user/eks-ope) maps an IAM user")],
         [aws_auth(map_roles=[NODE_MAPPING])], f"arn:aws:iam::{ACCOUNT}:user/eks-ope"),
    Case("iam-users-map-accounts", "EKS-NO-IAM-USERS",
         [aws_auth(map_roles=[NODE_MAPPING], map_accounts=["444455556666"])],
         [("myeks-nodeAccess", "mandatory", "mapAccounts[0] maps every IAM principal of account 444455556666")],
         [aws_auth(map_roles=[NODE_MAPPING])], "444455556666"),
    Case("iam-users-access-entry", "EKS-NO-IAM-USERS",
         [access_entry("user-0-access-entry", f"arn:aws:iam::{ACCOUNT}:user/eks-ope", ["operators"])],
         [("user-0-access-entry", "advisory", "maps an IAM user directly")],
         [access_entry("ops-access-entry", role_arn("Ops"), ["operators"])], "user-0-access-entry"),
    Case("username-fixed", "EKS-USERNAME-TEMPLATE",
         [access_entry("developers-access-entry", DEV_ROLE, ["developers"], username="developer")],
         [("developers-access-entry", "advisory", "fixed username 'developer'")],
         [access_entry("developers-access-entry", DEV_ROLE, ["developers"], username="developer:{{SessionName}}"),
          access_entry("ops-access-entry", role_arn("Ops"), ["operators"])], DEV_ROLE),
    Case("username-session-first", "EKS-USERNAME-TEMPLATE",
         [cluster(mode="CONFIG_MAP", roleMappings=[{"roleArn": DEV_ROLE, "username": "{{SessionName}}",
                                                    "groups": ["developers"]}])],
         [("myeks", "mandatory", "starts with {{SessionName}}, which the caller chooses")],
         [cluster(mode="CONFIG_MAP", roleMappings=[{"roleArn": NODE_ROLE, "username": "system:node:{{EC2PrivateDNSName}}",
                                                    "groups": ["system:bootstrappers", "system:nodes"]}])],
         "myeks"),
    Case("username-node-template-on-person", "EKS-USERNAME-TEMPLATE",
         [aws_auth(map_roles=[{"rolearn": DEV_ROLE, "username": "system:node:{{EC2PrivateDNSName}}",
                               "groups": ["developers"]}])],
         [("myeks-nodeAccess", "mandatory", "uses {{EC2PrivateDNSName}} in username")],
         [aws_auth(map_roles=[NODE_MAPPING])], DEV_ROLE),
    Case("awsauth-path", "EKS-AWSAUTH-PATH",
         [aws_auth(map_roles=[NODE_MAPPING, {"rolearn": role_arn("dev", "/teams/"), "username": "dev:{{SessionName}}",
                                             "groups": ["developers"]}])],
         [("myeks-nodeAccess", "mandatory", "has the IAM path '/teams/'")],
         [aws_auth(map_roles=[NODE_MAPPING]),
          access_entry("dev-access-entry", role_arn("dev", "/teams/"), ["developers"])], role_arn("dev", "/teams/")),
    Case("rbac-wildcard", "RBAC-WILDCARD",
         [k8s_role("ops", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
                           {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]}])],
         [("clusterrole-ops", "mandatory", "ClusterRole 'ops' uses '*' in rules[1].verbs;")],
         [k8s_role("ops", [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]}])],
         "ops"),
    Case("rbac-cluster-admin-builtin", "RBAC-CLUSTER-ADMIN",
         [binding("ops-admin", "ClusterRole", "cluster-admin", [group("operators")])],
         [("clusterrolebinding-ops-admin", "mandatory", "binds Group operators to the built-in cluster-admin")],
         [binding("ops-view", "ClusterRole", "view", [group("operators")])], "ops-admin"),
    Case("rbac-cluster-admin-custom", "RBAC-CLUSTER-ADMIN",
         [k8s_role("god", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]),
          binding("god", "ClusterRole", "god", [group("operators")], namespace="ops")],
         [("rolebinding-god", "mandatory", "ClusterRole 'god', which grants '*' verbs")],
         [k8s_role("god", [{"apiGroups": ["*"], "resources": ["pods"], "verbs": ["*"]}]),
          binding("god", "ClusterRole", "god", [group("operators")], namespace="ops")], "Group:operators"),
    Case("rbac-secrets", "RBAC-SECRETS",
         [k8s_role("reader", [{"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["get", "list"]}],
                   namespace="dev-team")],
         [("role-reader", "mandatory", "Role 'dev-team/reader' grants get secrets, list secrets")],
         [k8s_role("reader", [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["app-config"],
                               "verbs": ["get"]}], namespace="dev-team")], "dev-team/reader"),
    Case("rbac-exec", "RBAC-EXEC",
         [k8s_role("debug", [{"apiGroups": [""], "resources": ["*/exec"], "verbs": ["create"]},
                             {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}])],
         [("clusterrole-debug", "mandatory", "grants create pods/exec, get nodes/proxy")],
         [k8s_role("debug", [{"apiGroups": [""], "resources": ["pods/*", "pods/log"], "verbs": ["create", "get"]}])],
         "debug"),
    Case("rbac-escalate", "RBAC-ESCALATE",
         [k8s_role("binder", [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"],
                               "verbs": ["bind"]},
                              {"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]}])],
         [("clusterrole-binder", "mandatory", "grants bind clusterroles, impersonate users")],
         [k8s_role("binder", [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"],
                               "resourceNames": ["view"], "verbs": ["bind"]}])], "binder"),
    Case("rbac-takeover", "RBAC-TAKEOVER",
         [k8s_role("ctl", [{"apiGroups": [""], "resources": ["serviceaccounts/token", "persistentvolumes"],
                            "verbs": ["create"]},
                           {"apiGroups": ["certificates.k8s.io"], "resources": ["signers"], "verbs": ["approve"]},
                           {"apiGroups": ["admissionregistration.k8s.io"],
                            "resources": ["mutatingwebhookconfigurations"], "verbs": ["patch"]}])],
         [("clusterrole-ctl", "mandatory",
           "grants create serviceaccounts/token, create persistentvolumes, approve signers, "
           "patch mutatingwebhookconfigurations")],
         [k8s_role("ctl", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["get", "list"]},
                           {"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["create"]}])], "ctl"),
    Case("rbac-anon", "RBAC-ANON",
         [binding("anon", "ClusterRole", "view", [{"kind": "User", "name": "system:anonymous"}]),
          binding("everyone", "ClusterRole", "view", [group("system:authenticated")])],
         [("clusterrolebinding-anon", "mandatory", "grants User system:anonymous access"),
          ("clusterrolebinding-everyone", "mandatory", "binds Group system:authenticated to ClusterRole 'view'")],
         [binding("disco", "ClusterRole", "system:discovery", [group("system:authenticated")]),
          k8s_role("health", [{"nonResourceURLs": ["/healthz", "/version"], "verbs": ["get"]}]),
          binding("health", "ClusterRole", "health", [group("system:authenticated")])],
         "system:anonymous-unused"),
    Case("sa-automount", "SA-AUTOMOUNT",
         [service_account("my-sa", "default")],
         [("default-my-sa-sa", "advisory", "ServiceAccount 'default/my-sa' is bound to no role")],
         [service_account("my-sa", "default", automount=False),
          service_account("dev-k8s", "dev-team"),
          binding("dev-k8s", "Role", "pods", [{"kind": "ServiceAccount", "name": "dev-k8s"}], namespace="dev-team")],
         "default/my-sa"),
    Case("trust-star", "IAM-TRUST-STAR",
         [iam_role("open-role", "Open", [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}])],
         [("open-role", "mandatory", "role 'Open' trust policy Statement[0] allows Principal '*'")],
         [iam_role("node-role", "Node", [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                          "Principal": {"Service": "ec2.amazonaws.com"}}])], role_arn("Open")),
    Case("trust-account", "IAM-TRUST-ACCOUNT",
         [iam_role("developers-role", "EKSMyExampleViewer", [ROOT_TRUST])],
         [("developers-role", "advisory", f"trusts arn:aws:iam::{ACCOUNT}:root with no condition")],
         [iam_role("developers-role", "EKSMyExampleViewer", [{
             **ROOT_TRUST, "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}}}])],
         "EKSMyExampleViewer"),
    Case("irsa-missing-sub", "IAM-IRSA-COND",
         [oidc_provider(), iam_role("app-role", "App", [irsa_statement(sub=None)])],
         [("app-role", "mandatory", f"has no StringEquals condition on {ISSUER}:sub")],
         [oidc_provider(), iam_role("app-role", "App", [irsa_statement()])], "app-role"),
    Case("irsa-string-like", "IAM-IRSA-COND",
         [iam_role("ns-role", "Ns", [irsa_statement(sub="system:serviceaccount:dev-team:*", like=True)])],
         [("ns-role", "mandatory", "with StringLike system:serviceaccount:dev-team:*")],
         [iam_role("ns-role", "Ns", [irsa_statement(sub="system:serviceaccount:dev-team:app", like=True)])],
         role_arn("Ns")),
    Case("irsa-aud-and-foreign-provider", "IAM-IRSA-COND",
         [oidc_provider(), iam_role("app-role", "App", [irsa_statement(aud=None, issuer="oidc.eks.us-east-1.amazonaws.com/id/OTHER")])],
         [("app-role", "mandatory", "trusts OIDC provider oidc.eks.us-east-1.amazonaws.com/id/OTHER, which is not this cluster's"),
          ("app-role", "mandatory", "does not pin oidc.eks.us-east-1.amazonaws.com/id/OTHER:aud to sts.amazonaws.com")],
         [oidc_provider(), iam_role("app-role", "App", [irsa_statement()])], "App"),
    Case("iam-wildcard-inline", "IAM-WILDCARD",
         [inline_policy("aws:iam/rolePolicy:RolePolicy", "app-inline",
                        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                         {"Effect": "Allow", "Action": ["iam:*"], "Resource": "*"}], role="App")],
         [("app-inline", "mandatory", "policy Statement[1] allows iam:*")],
         [inline_policy("aws:iam/rolePolicy:RolePolicy", "app-inline",
                        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                         {"Effect": "Deny", "Action": "*", "Resource": "*"}], role="App")], "app-inline"),
    Case("iam-wildcard-managed", "IAM-WILDCARD",
         [rec("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "devs-admin",
              {"group": "Developers", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
          iam_role("app-role", "App", [ROOT_TRUST], managedPolicyArns=["arn:aws:iam::aws:policy/IAMFullAccess"])],
         [("devs-admin", "mandatory", "attaches AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess)"),
          ("app-role", "mandatory", "attaches IAMFullAccess")],
         [rec("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-s3",
              {"role": "App", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"})],
         "unused"),
]

CASES += ISSUE_11_CASES
IDS = [c.id for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rule_reports_violation(case: Case) -> None:
    found = findings(case.records, case.rule)
    assert [(f.resource, f.enforcement.value) for f in found] == [(r, e) for r, e, _ in case.expected]
    for f, (_, _, fragment) in zip(found, case.expected, strict=True):
        assert fragment in f.message


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pack_reports_violation(case: Case) -> None:
    violations = run_pack(case.records, case.rule)
    if not case.pack:  # what EKS creates on its own is no Pulumi resource: the pack cannot see it
        assert violations == []
        return
    assert len(violations) == len(case.expected)
    by_name = {r["name"]: r for r in case.records}
    rule = next(r for r in RULES if r.id == case.rule)
    stack_rule = rule.scope.value == "stack"
    for v, (resource, enforcement, fragment) in zip(violations, case.expected, strict=True):
        # advisory findings of a mandatory rule go to its companion policy
        expected_policy = rule.id if enforcement == rule.enforcement.value else f"{rule.id}-ADVISORY"
        assert v.policy == expected_policy
        assert v.message.startswith(f"[{case.rule}] {resource}: ")
        assert fragment in v.message
        assert v.urn == (urn(by_name[resource]) if stack_rule else None)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_compliant_plan_passes(case: Case) -> None:
    assert findings(case.compliant, case.rule) == []
    assert run_pack(case.compliant, case.rule) == []


@pytest.mark.parametrize("case", [c for c in CASES if c.allow != "unused" and not c.allow.endswith("-unused")],
                         ids=[c.id for c in CASES if c.allow != "unused" and not c.allow.endswith("-unused")])
def test_allow_list_suppresses(case: Case) -> None:
    assert findings(case.records, case.rule, allow={case.rule: [case.allow]}) == []
    assert run_pack(case.records, case.rule, allow={case.rule: [case.allow]}) == []
    if case.pack:
        assert len(run_pack(case.records, case.rule, allow={case.rule: ["someone-else"]})) == len(case.expected)
    # an entry for another resource suppresses nothing
    assert len(findings(case.records, case.rule, allow={case.rule: ["someone-else"]})) == len(case.expected)


def test_allow_list_per_resource_in_multi_finding_cases() -> None:
    anon = next(c for c in CASES if c.id == "rbac-anon")
    left = findings(anon.records, "RBAC-ANON", allow={"RBAC-ANON": ["clusterrolebinding-anon"]})
    assert [f.resource for f in left] == ["clusterrolebinding-everyone"]
    managed = next(c for c in CASES if c.id == "iam-wildcard-managed")
    left = findings(managed.records, "IAM-WILDCARD", allow={"IAM-WILDCARD": ["Developers"]})
    assert [f.resource for f in left] == ["app-role"]
    assert run_pack(managed.records, "IAM-WILDCARD", allow={"IAM-WILDCARD": ["Developers", "App"]}) == []


def test_every_rule_has_a_case() -> None:
    assert {c.rule for c in CASES} == {r.id for r in RULES}
