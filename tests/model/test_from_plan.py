"""The plan reader: every kind of record becomes the exact model facts, bad shapes a PlanError."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eks_access.errors import PlanError
from eks_access.model import UNKNOWN_SENTINEL, read_model
from eks_access.model.eks import AccessScope
from eks_access.model.iam import Condition, PrincipalSpec
from eks_access.model.k8s import LabelSelector, PolicyRule, RoleRef, SelectorRequirement, Subject
from tests.builders import (
    ACCOUNT,
    CLUSTER_ADMIN_POLICY,
    DEV1,
    ISSUER,
    OPERATORS_ARN,
    RBAC,
    VIEWER_ARN,
    access_entry,
    aws_auth,
    build_dev_plan,
    cluster,
    iam_role,
    k8s_role,
    policy,
    rec,
    role_arn,
    service_account,
)


def test_worked_example_model() -> None:
    m = read_model(build_dev_plan())
    assert (m.account, m.partition, m.authentication_mode) == (ACCOUNT, "aws", "API")
    assert [(r.name, r.arn) for r in m.iam.roles] == [
        ("myeks-node-role", role_arn("myeks-node-role")),
        ("EKSMyExampleViewer", VIEWER_ARN),
        ("EKSOperators", OPERATORS_ARN),
        ("dev-k8s-irsa", role_arn("dev-k8s-irsa")),
        ("infra-k8s-irsa", role_arn("infra-k8s-irsa")),
    ]
    assert [(u.name, u.arn, u.origin) for u in m.iam.users] == [("dev1", DEV1, None), ("ope1", f"arn:aws:iam::{ACCOUNT}:user/ope1", None)]
    assert [(x.user, x.group, x.origin.name) for x in m.iam.memberships] == [
        ("dev1", "Developers", "developers-member/dev1"), ("ope1", "Operators", "operators-member/ope1")]
    viewer_trust = m.roles_by_name["EKSMyExampleViewer"].trust
    assert viewer_trust is not None
    [st] = viewer_trust.statements
    assert st.principal == PrincipalSpec(entries=(("AWS", f"arn:aws:iam::{ACCOUNT}:root"),))
    assert st.conditions == (Condition("StringLike", "sts:RoleSessionName", ("${aws:username}",)),)
    assert [(p.owner_kind, p.owner, p.origin.describe()) for p in m.iam.inline_policies] == [
        ("group", "Developers", "developers-assume-role policy"), ("role", "EKSMyExampleViewer", "developers-describe-cluster policy"),
        ("group", "Operators", "operators-assume-role policy"), ("role", "EKSOperators", "operators-describe-cluster policy")]
    [attachment] = m.iam.attachments
    assert (attachment.owners, attachment.contents.kind) == ((("role", "dev-k8s-irsa"),), "aws-managed")
    assert [(x.mechanism, x.principal_arn, x.username, x.groups, x.entry_type, x.source) for x in m.eks.mappings] == [
        ("access-entry", role_arn("myeks-node-role"), "system:node:{{EC2PrivateDNSName}}", ("system:nodes",), "EC2_LINUX", "instanceRoles[0]"),
        ("access-entry", VIEWER_ARN, "developer", ("developers",), "STANDARD", "access entry"),
        ("access-entry", OPERATORS_ARN, "operator", ("operators",), "STANDARD", "access entry"),
    ]
    assert [(b.ref, b.role_ref, b.subjects) for b in m.k8s.bindings] == [
        ("ClusterRoleBinding developers-view", RoleRef("ClusterRole", "view"), (Subject("Group", "developers", None, "rbac.authorization.k8s.io"),)),
        ("ClusterRoleBinding operators-pod-node-reader", RoleRef("ClusterRole", "pod-node-reader"),
         (Subject("Group", "operators", None, "rbac.authorization.k8s.io"),)),
        ("RoleBinding dev-team/dev-k8s-api", RoleRef("Role", "dev-k8s-api"), (Subject("ServiceAccount", "dev-k8s", "dev-team"),)),
        ("RoleBinding infra-team/infra-k8s-api", RoleRef("Role", "infra-k8s-api"), (Subject("ServiceAccount", "infra-k8s", "infra-team"),)),
    ]
    assert m.cluster_roles_by_name["pod-node-reader"].rules == (
        PolicyRule(0, ("get", "watch", "list"), ("",), ("pods", "nodes")),)
    assert [(s.namespace, s.name, s.role_arn, s.automount) for s in m.k8s.service_accounts] == [
        ("dev-team", "dev-k8s", role_arn("dev-k8s-irsa"), True), ("infra-team", "infra-k8s", role_arn("infra-k8s-irsa"), True)]
    assert [n.name for n in m.k8s.namespaces] == ["dev-team", "infra-team"]
    assert m.skipped == ()


def test_real_dev_plan_reads_without_skips(dev_plan_resources: list[dict[str, Any]]) -> None:
    m = read_model(dev_plan_resources)
    assert m.skipped == ()
    declared = {x.principal_arn for x in m.eks.mappings if not x.implicit}
    assert declared == {VIEWER_ARN, OPERATORS_ARN}  # the node group's entry is EKS's own (implicit)
    assert m.eks.pod_identities[0].service_account == "reporter"


def test_component_access_entries_and_their_policies() -> None:
    """The issue's case: pulumi-eks accessEntries are access entries like any other."""
    admin = role_arn("Admin")
    m = read_model([cluster(accessEntries={"admin": {
        "principalArn": admin, "kubernetesGroups": ["system:masters"],
        "accessPolicies": {"view": {"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                                    "accessScope": {"type": "namespace", "namespaces": ["dev"]}}}}})])
    [mapping] = m.eks.mappings
    assert (mapping.mechanism, mapping.principal_arn, mapping.groups, mapping.source, mapping.username) == (
        "access-entry", admin, ("system:masters",), "accessEntries.admin", None)
    [assoc] = m.eks.access_policies
    assert (assoc.principal_arn, assoc.policy_name, assoc.scope, assoc.origin.path) == (
        admin, "AmazonEKSViewPolicy", AccessScope("namespace", ("dev",)), "accessEntries.admin.accessPolicies.view")


def test_implicit_records_keep_their_reason() -> None:
    deployer = f"arn:aws:iam::{ACCOUNT}:user/deployer"
    m = read_model([
        cluster(),
        access_entry("myeks-creator-access-entry", deployer, parent="myeks", implicit="eks-cluster-creator"),
        rec("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "myeks-creator-admin-policy", {
            "clusterName": "myeks", "principalArn": deployer, "policyArn": CLUSTER_ADMIN_POLICY,
            "accessScope": {"type": "cluster"}}, parent="myeks", implicit="eks-cluster-creator"),
    ])
    assert [m.implicit for m in m.eks.mappings] == ["eks-cluster-creator"]
    assert [a.implicit for a in m.eks.access_policies] == ["eks-cluster-creator"]
    assert [u.name for u in m.iam.users] == ["deployer"]


def test_unknown_values_are_absent_and_listed() -> None:
    m = read_model([
        access_entry("e", UNKNOWN_SENTINEL, ["devs", UNKNOWN_SENTINEL]),
        rec("aws:iam/role:Role", "r", {"name": "R", "assumeRolePolicy": UNKNOWN_SENTINEL},
            outputs={"arn": UNKNOWN_SENTINEL}),
        rec("aws:iam/groupPolicy:GroupPolicy", "gp", {"group": "G", "policy": policy(
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": UNKNOWN_SENTINEL})}),
    ])
    [mapping] = m.eks.mappings
    assert (mapping.principal_arn, mapping.groups, mapping.unknowns) == (
        None, ("devs",), ("inputs.principalArn", "inputs.kubernetesGroups[1]"))
    assert m.unknown_mappings == (mapping,)
    [role] = m.iam.roles
    assert (role.arn, role.trust, role.unknowns) == (None, None, ("inputs.assumeRolePolicy",))
    [inline] = m.iam.inline_policies
    assert (inline.document, inline.unknowns) == (None, ("inputs.policy",))


def test_role_arn_computed_from_account_path_and_name() -> None:
    m = read_model([access_entry("e", VIEWER_ARN), rec("aws:iam/role:Role", "r", {"name": "Ops", "path": "teams"})])
    assert m.roles_by_name["Ops"].arn == f"arn:aws:iam::{ACCOUNT}:role/teams/Ops"


def test_refs_to_records_in_both_spellings() -> None:
    node = iam_role("node", "Node", [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}])
    for ref in ("Role::node", "aws:iam/role:Role::node"):
        m = read_model([node, cluster(mode="CONFIG_MAP", instanceRoles=[{"$ref": ref}])])
        [mapping] = m.eks.mappings
        assert (mapping.mechanism, mapping.principal_arn, mapping.groups, mapping.node_role) == (
            "aws-auth", role_arn("Node"), ("system:bootstrappers", "system:nodes"), True)
    with pytest.raises(PlanError) as err:
        read_model([cluster(instanceRoles=[{"$ref": "Role::missing"}])])
    assert str(err.value) == (
        "plan record 'myeks' (eks:index:Cluster): inputs.instanceRoles[0]: refers to 'Role::missing', "
        "which is not a record of the plan")


def test_aws_auth_as_the_authenticator_reads_it() -> None:
    cm = aws_auth(map_roles=[{"roleARN": VIEWER_ARN, "UserName": "dev", "groups": ["developers"]},
                             {"rolearn": OPERATORS_ARN, "groups": "operators"}, "junk"],
                  map_users=[{"userarn": DEV1, "username": "dev1"}])
    cm["inputs"]["data"]["mapAccounts"] = "- 012345678901\n"
    m = read_model([cm])
    assert [(x.kind, x.principal_arn, x.username, x.groups, x.source) for x in m.eks.mappings] == [
        ("role", VIEWER_ARN, "dev", ("developers",), "mapRoles[0]"),
        ("role", OPERATORS_ARN, None, (), "mapRoles[1]"),
        ("user", DEV1, "dev1", (), "mapUsers[0]"),
        ("account", "012345678901", None, (), "mapAccounts[0]"),
    ]
    assert [(s.path, s.reason) for s in m.skipped] == [
        ("inputs.data.mapRoles[1].groups", "wrong type (string); the authenticator drops the field"),
        ("inputs.data.mapRoles[2]", "expected a mapping, got string"),
    ]


def test_aws_auth_needs_kube_system_and_valid_yaml() -> None:
    elsewhere = aws_auth(map_roles=[{"rolearn": VIEWER_ARN}])
    del elsewhere["inputs"]["metadata"]["namespace"]  # pulumi-kubernetes puts it in "default"
    broken = aws_auth(name="broken")
    broken["inputs"]["data"]["mapRoles"] = "- rolearn: [unclosed"
    m = read_model([elsewhere, broken])
    assert m.eks.mappings == ()
    assert [s.path for s in m.skipped] == ["inputs.data.mapRoles"]
    assert m.skipped[0].reason.startswith("not valid YAML (") and m.skipped[0].reason.endswith("; aws-iam-authenticator ignores it")


def test_pulumi_eks_child_aws_auth_is_shadowed() -> None:
    component = cluster(mode="CONFIG_MAP", roleMappings=[{"roleArn": VIEWER_ARN, "username": "v", "groups": ["g"]}])
    child = aws_auth(map_roles=[{"rolearn": VIEWER_ARN, "username": "v", "groups": ["g"]}], parent="myeks")
    m = read_model([component, child])
    assert [(x.source, x.shadowed) for x in m.eks.mappings] == [("roleMappings[0]", False), ("mapRoles[0]", True)]
    alone = read_model([child], whole_plan=False)
    assert [x.shadowed for x in alone.eks.mappings] == [False]


def test_managed_policy_contents() -> None:
    m = read_model([
        rec("aws:iam/policy:Policy", "mine", {"name": "Mine", "policy": policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})}),
        rec("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a0", {"role": "R", "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/Mine"}),
        rec("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a1", {"role": "R", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
        rec("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a2", {"role": "R", "policyArn": "arn:aws:iam::aws:policy/NoSuchPolicy"}),
        iam_role("r", "R", [], permissionsBoundary=f"arn:aws:iam::{ACCOUNT}:policy/Mine"),
    ])
    assert [(a.contents.kind, a.contents.known, a.contents.source) for a in m.attachments_of("role", "R")] == [
        ("customer", True, "policy mine"),
        ("aws-managed", True, "AWS-managed policy arn:aws:iam::aws:policy/AdministratorAccess (v1)"),
        ("unknown", False, "AWS-managed policy arn:aws:iam::aws:policy/NoSuchPolicy (contents unknown: not in the shipped data)"),
    ]
    boundary = m.roles_by_name["R"].boundary
    assert boundary is not None and (boundary.kind, boundary.source) == ("customer", "policy mine")


def test_rbac_shapes() -> None:
    agg = k8s_role("agg", [], aggregation=[{"matchLabels": {"a": "b"}, "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["x"]}]}], labels={"l": "v"})
    m = read_model([agg, k8s_role("r", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}], namespace=None)])
    role = m.cluster_roles_by_name["agg"]
    assert role.aggregation == (LabelSelector((("a", "b"),), (SelectorRequirement("tier", "In", ("x",)),)),)
    assert role.labels == (("l", "v"),)
    roleless = rec(RBAC + "Role", "nons", {"metadata": {"name": "x"}, "rules": []})
    assert read_model([roleless]).k8s.roles[0].namespace == "default"


@pytest.mark.parametrize(("record", "message"), [
    (rec(RBAC + "ClusterRole", "cr", {"metadata": {"name": "x"}, "rules": "all"}),
     "plan record 'cr' (kubernetes:rbac.authorization.k8s.io/v1:ClusterRole): inputs.rules: expected a list, got string"),
    (rec(RBAC + "ClusterRole", "cr", {"metadata": {"name": "x"}, "rules": [{"verbs": "get"}]}),
     "plan record 'cr' (kubernetes:rbac.authorization.k8s.io/v1:ClusterRole): inputs.rules[0].verbs: expected a list, got string"),
    (rec("aws:iam/role:Role", "r", {"name": "R", "assumeRolePolicy": "{not json"}),
     "plan record 'r' (aws:iam/role:Role): inputs.assumeRolePolicy: not an IAM policy document IAM would accept: "
     "not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
    (rec("aws:iam/role:Role", "r", {"name": "R", "assumeRolePolicy": json.dumps({"Statement": [{"Effect": "allow", "Action": "x"}]})}),
     "plan record 'r' (aws:iam/role:Role): inputs.assumeRolePolicy Statement[0].Effect: not an IAM policy document IAM would "
     "accept: must be Allow or Deny, got 'allow'"),
    (service_account("s", "default") | {"inputs": {"metadata": {"name": "s"}, "automountServiceAccountToken": "yes"}},
     "plan record 'default-s-sa' (kubernetes:core/v1:ServiceAccount): inputs.automountServiceAccountToken: expected true or false, got string"),
    ({"type": "aws:iam/role:Role", "name": "r", "inputs": "x"},
     "plan record 'r' (aws:iam/role:Role): inputs: expected an object, got string"),
    ({"type": 3, "name": "r"}, "plan record #0: type: expected a non-empty string, got number"),
    (access_entry("e", VIEWER_ARN, ["a", 5]),  # type: ignore[list-item]
     "plan record 'e' (aws:eks/accessEntry:AccessEntry): inputs.kubernetesGroups[1]: expected a string, got number"),
])  # fmt: skip
def test_bad_shapes_name_record_and_path(record: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanError) as err:
        read_model([record])
    assert str(err.value) == message


def test_labels_and_allow_keys() -> None:
    m = read_model([
        iam_role("app", "App", [], path="/svc/"),
        k8s_role("app", [], namespace="dev", record_name="app"),
    ])
    role_ref, k8s_ref = m.records
    assert (role_ref.label, k8s_ref.label) == ("aws:iam/role:Role::app", "kubernetes:rbac.authorization.k8s.io/v1:Role::app")
    assert role_ref.allow_keys == {"app", "aws:iam/role:Role::app", "App", role_arn("App", "/svc/")}
    assert role_ref.arn_suffixes == (":role/svc/App",)
    assert "dev/app" in k8s_ref.allow_keys


def test_oidc_issuers_from_provider_and_cluster_outputs() -> None:
    component = cluster()
    component["outputs"] = {"oidcProviderArn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}", "oidcIssuer": f"https://{ISSUER}"}
    raw = rec("aws:eks/cluster:Cluster", "raw", {"name": "raw"}, outputs={"identities": [{"oidcs": [{"issuer": "https://oidc.other/id/X"}]}]})
    m = read_model([component, raw])
    assert [(i.issuer, i.origin.name) for i in m.iam.oidc_issuers] == [(ISSUER, "myeks"), ("oidc.other/id/X", "raw")]
