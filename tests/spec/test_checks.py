"""Spec-level limits, IAM policy grammar and collision checks (issues 8 and 9): exact key paths and messages."""

from __future__ import annotations

from typing import Any

import pytest

from eks_access.errors import SpecError
from eks_access.spec import load_policy_document
from tests.spec.test_load import add_team, add_workload, load, team, top, workload

POD_RULES = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]


def refused(*mutations: Any) -> tuple[str, str]:
    with pytest.raises(SpecError) as info:
        load(*mutations)
    return info.value.path, info.value.detail


def policy_error(document: Any) -> tuple[str, str]:
    with pytest.raises(SpecError) as info:
        load_policy_document(document, "inlinePolicy")
    return info.value.path, info.value.detail


ALLOW = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}


def test_single_object_statement_is_valid_and_normalised_to_a_list() -> None:
    assert load_policy_document({"Statement": ALLOW}, "p") == {"Version": "2012-10-17", "Statement": [ALLOW]}


@pytest.mark.parametrize(
    ("statement", "path", "detail"),
    [
        ({"Effect": "Allow", "Action": 5, "Resource": True}, "inlinePolicy.Statement[0].Action", "must be a string or a non-empty list of strings, got a number (5)"),
        ({**ALLOW, "Resource": True}, "inlinePolicy.Statement[0].Resource", "must be a string or a non-empty list of strings, got a boolean (True)"),
        ({**ALLOW, "Effect": "allow"}, "inlinePolicy.Statement[0].Effect", "must be 'Allow' or 'Deny', got 'allow'"),
        ({**ALLOW, "NotAction": "s3:*"}, "inlinePolicy.Statement[0]", "has both Action and NotAction; a statement takes one of them"),
        ({"Effect": "Allow", "Resource": "*"}, "inlinePolicy.Statement[0].Action", "is required (Action or NotAction)"),
        ({**ALLOW, "Action": ["s3 GetObject"]}, "inlinePolicy.Statement[0].Action[0]", "'s3 GetObject' is not an action such as 's3:GetObject' or '*'"),
        ({**ALLOW, "Resource": "bucket"}, "inlinePolicy.Statement[0].Resource", "'bucket' is not an ARN (arn:partition:service:region:account:resource) or '*'"),
        ({**ALLOW, "Principal": {"AWS": "*"}}, "inlinePolicy.Statement[0].Principal",
         "an identity policy names no principal (IAM refuses it: \"Policy document should not specify a principal\"); trust goes in the role's trust policy"),
        ({**ALLOW, "Condition": {"StringEqual": {"a:b": "c"}}}, "inlinePolicy.Statement[0].Condition.StringEqual",
         "is not an IAM condition operator (e.g. StringEquals, ArnLike, Bool, NumericLessThanIfExists, ForAnyValue:StringLike)"),
        ({**ALLOW, "Condition": {"NullIfExists": {"a:b": "true"}}}, "inlinePolicy.Statement[0].Condition.NullIfExists", "is not an IAM condition operator (e.g. StringEquals, ArnLike, Bool, NumericLessThanIfExists, ForAnyValue:StringLike)"),
        ({**ALLOW, "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}, "inlinePolicy.Statement[0].Condition.Bool.aws:SecureTransport", "Bool takes true or false, got 'yes'"),
        ({**ALLOW, "Condition": {"StringEquals": {"a:b": [None]}}}, "inlinePolicy.Statement[0].Condition.StringEquals.a:b[0]",
         "a condition value is a string, number or boolean, got nothing (null)"),
        ({**ALLOW, "Condition": {"StringEquals": {"a:b": {"x": 1}}}}, "inlinePolicy.Statement[0].Condition.StringEquals.a:b", "a condition value is a string, number or boolean, got a mapping"),
        ({**ALLOW, "Sid": "my sid"}, "inlinePolicy.Statement[0].Sid", "must be letters and digits only"),
        ({**ALLOW, "Resource": "arn:aws:s3:::caf\u2603"}, "inlinePolicy.Statement[0].Resource",
         "contains U+2603 (SNOWMAN), which IAM refuses in policy documents (allowed: tab, newline, U+0020 to U+00FF)"),
    ],
)
def test_policy_grammar(statement: dict[str, Any], path: str, detail: str) -> None:
    assert policy_error({"Statement": [statement]}) == (path, detail)


def test_every_condition_operator_form_is_accepted() -> None:
    for op in ("StringLikeIfExists", "ForAllValues:StringEquals", "ForAnyValue:ArnLikeIfExists", "DateGreaterThan", "Null", "BinaryEquals"):
        load_policy_document({"Statement": {**ALLOW, "Condition": {op: {"a:b": "true"}}}}, "p")


def test_inline_policy_over_10240_characters_is_refused() -> None:
    big = {"Statement": [{**ALLOW, "Resource": [f"arn:aws:s3:::bucket-{i:05d}/*" for i in range(500)]}]}
    path, detail = policy_error(big)
    assert path == "inlinePolicy"
    assert detail.endswith("characters (white space not counted); IAM allows at most 10240 of inline policy per role")


def test_managed_policy_count_uses_the_quota() -> None:
    arns = [f"arn:aws:iam::aws:policy/P{i}" for i in range(11)]
    assert refused(workload(managedPolicyArns=arns)) == (
        "workloads[0].managedPolicyArns",
        "11 managed policies on one role; the account allows 10 (raise it to at most 20 with iamQuotas.managedPoliciesPerRole after a Service Quotas increase)")
    load(workload(managedPolicyArns=arns), top(iamQuotas={"managedPoliciesPerRole": 20}))
    arns25 = [f"arn:aws:iam::aws:policy/P{i}" for i in range(25)]
    assert refused(workload(managedPolicyArns=arns25), top(iamQuotas={"managedPoliciesPerRole": 20}))[1] == (
        "25 managed policies on one role; the account allows 20")
    assert refused(top(iamQuotas={"managedPoliciesPerRole": 25})) == (
        "iamQuotas.managedPoliciesPerRole", "25 is above 20, the most AWS grants for managed policies attached to one IAM role")


def test_generated_label_and_tag_values_respect_kubernetes_and_iam_limits() -> None:
    path, detail = refused(workload(serviceAccount="s" * 60))
    assert path == "workloads[0].serviceAccount"
    assert detail.startswith("namespace and name give the label eks-access/owner='default.ssss")


@pytest.mark.parametrize(
    ("mutations", "path", "detail"),
    [
        ((team(accessPolicies=[{"policy": "AmazonEKSViewPolicy"}, {"policy": "AmazonEKSViewPolicy", "namespaces": ["a"]}]),),
         "teams[0].accessPolicies[1].policy",
         "EKS access policy 'AmazonEKSViewPolicy' is listed twice (also teams[0].accessPolicies[0].policy); EKS allows one association per policy and entry"),
        ((team(createNamespaces=True, namespaceRoleBindings={"kube-system": ["view"]}),),
         "teams[0].namespaceRoleBindings.kube-system",
         "createNamespaces would create 'kube-system', which every cluster already has; set createNamespaces: false or use another namespace"),
        ((team(createNamespaces=True, namespaceRoleBindings={"web": ["view"]}),
          add_team(createNamespaces=True, namespaceRoleBindings={"web": ["edit"]})),
         "teams[1].namespaceRoleBindings.web", "namespace 'web' is created by teams[0] already (createNamespaces); only one team may create it"),
        ((team(clusterRoles={"view": POD_RULES}),), "teams[0].clusterRoles.view",
         "'view' is a ClusterRole every cluster already has; creating it would overwrite the built-in. Choose another name, or bind it with clusterRoleBindings"),
        ((team(roles={"web": {"reader": POD_RULES}}), add_team(roles={"web": {"reader": POD_RULES}})),
         "teams[1].roles.web.reader", "Role 'reader' in namespace web would be created twice (also by teams[0].roles.web.reader); two owners would overwrite each other"),
        ((team(roles={"default": {"my-sa-api": POD_RULES}}), workload(rules=POD_RULES)),
         "workloads[0].rules", "Role 'my-sa-api' in namespace default would be created twice (also by teams[0].roles.default.my-sa-api); two owners would overwrite each other"),
        ((team(roles={"web": {"pod-reader": POD_RULES}}, namespaceRoleBindings={"web": ["pod-reader"]}),),
         "teams[0].namespaceRoleBindings.web[0]",
         "RoleBinding 'developers-pod-reader' in namespace web would be created twice (also by teams[0].roles.web.pod-reader); two owners would overwrite each other"),
        ((workload(serviceAccount="default"),), "workloads[0].serviceAccount",
         "every namespace has the ServiceAccount 'default' already; set createServiceAccount: false to annotate it, or use your own account"),
        ((workload(namespace="kube-system", serviceAccount="aws-node"),), "workloads[0].serviceAccount",
         "kube-system/aws-node is a system ServiceAccount the cluster creates; set createServiceAccount: false"),
    ],
)
def test_collisions(mutations: tuple[Any, ...], path: str, detail: str) -> None:
    assert refused(*mutations) == (path, detail)


def test_distinct_objects_whose_0_1_names_met_are_accepted() -> None:
    """0.1 joined names with '-' (Roles web/api-reader and web-api/reader, workloads a-b/c and a/b-c
    met); names now say what a resource is (components/names.py), so only real collisions are refused."""
    spec = load(team(roles={"web": {"api-reader": POD_RULES}, "web-api": {"reader": POD_RULES}}),
                add_workload(namespace="a-b", serviceAccount="c", roleName="R1"),
                add_workload(namespace="a", serviceAccount="b-c", roleName="R2"))
    assert [wl.key for wl in spec.workloads][1:] == ["a-b/c", "a/b-c"]


def test_default_service_account_may_be_annotated() -> None:
    assert load(workload(serviceAccount="default", createServiceAccount=False)).workloads[0].service_account == "default"
