"""Roles are judged by their effective rules where they are bound, never by name (issue 11)."""

from __future__ import annotations

import copy

from eks_access.authz.kubernetes import kubernetes_version
from eks_access.authz.rbac.attributes import Attributes
from eks_access.authz.rbac.policy import RbacPolicy
from eks_access.authz.rbac.rules import rule_allows
from eks_access.guardrails import Enforcement, run_checks
from eks_access.model import read_model
from tests.builders import binding, group, k8s_role
from tests.guardrails.test_dev_plan import _dev_config, _plan

KUBE_SYSTEM_RULES = {"RBAC-POD-CREATE", "RBAC-SYSTEM-SECRETS", "RBAC-SECRETS", "RBAC-EXEC", "RBAC-ESCALATE"}


def _edit_mints_tokens() -> bool:
    """Built-in edit allows create serviceaccounts/token from Kubernetes 1.24 on (aggregate-to-edit)."""
    policy = RbacPolicy(read_model([]), kubernetes_version(read_model([])))
    return any(rule_allows(r, Attributes("create", "serviceaccounts", "token")) for r in policy.cluster_roles["edit"].rules)


def _rules(records: list[dict[str, object]]) -> list[tuple[str, str]]:
    return [(f.rule, f.resource) for f in run_checks(records)]


def test_builtin_edit_cluster_wide_is_judged_by_what_it_allows() -> None:
    found = run_checks([binding("devs-edit", "ClusterRole", "edit", [group("developers")])])
    assert [(f.rule, f.resource, f.enforcement) for f in found] == [
        ("RBAC-SECRETS", "clusterrolebinding-devs-edit", Enforcement.MANDATORY),
        ("RBAC-EXEC", "clusterrolebinding-devs-edit", Enforcement.MANDATORY),
        ("RBAC-ESCALATE", "clusterrolebinding-devs-edit", Enforcement.MANDATORY),
        *([("RBAC-TAKEOVER", "clusterrolebinding-devs-edit", Enforcement.MANDATORY)] if _edit_mints_tokens() else []),
        ("RBAC-POD-CREATE", "clusterrolebinding-devs-edit", Enforcement.MANDATORY),
        ("RBAC-SYSTEM-SECRETS", "clusterrolebinding-devs-edit", Enforcement.MANDATORY),
        # no cluster declared: EKS's default mode CONFIG_MAP reads aws-auth, which edit may patch
        ("RBAC-AWS-AUTH", "clusterrolebinding-devs-edit", Enforcement.MANDATORY),
    ]
    escalate = next(f for f in found if f.rule == "RBAC-ESCALATE")
    assert escalate.message.startswith(
        "ClusterRoleBinding 'devs-edit' (built-in ClusterRole edit, cluster-wide) grants impersonate serviceaccounts:"
    )
    assert escalate.subjects == ("group:developers",)


def test_builtin_edit_in_a_team_namespace_is_the_designed_pattern() -> None:
    assert _rules([binding("devs-edit", "ClusterRole", "edit", [group("developers")], namespace="dev-team")]) == []


def test_builtin_view_cluster_wide_is_clean() -> None:
    assert _rules([binding("all-view", "ClusterRole", "view", [group("developers")])]) == []


def test_aggregated_plan_role_is_judged_by_its_aggregated_rules() -> None:
    starter = k8s_role("pod-starter", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}],
                       labels={"example.com/aggregate-to-ci": "true"})  # fmt: skip
    ci = k8s_role("ci", [], aggregation=[{"matchLabels": {"example.com/aggregate-to-ci": "true"}}])
    found = run_checks([starter, ci, binding("ci", "ClusterRole", "ci", [group("ci")])])
    assert [(f.rule, f.resource) for f in found] == [("RBAC-POD-CREATE", "clusterrolebinding-ci")]
    assert "ClusterRole ci cluster-wide, which allows create pods:" in found[0].message


def test_stack_team_with_edit_cluster_wide_is_blocked() -> None:
    config = copy.deepcopy(_dev_config())
    config["team-cluster:teams"][0]["clusterRoleBindings"] = ["edit"]
    found = [f for f in run_checks(_plan(config)) if f.enforcement is Enforcement.MANDATORY]
    assert {f.rule for f in found} == KUBE_SYSTEM_RULES | ({"RBAC-TAKEOVER"} if _edit_mints_tokens() else set())
    assert {f.resource for f in found} == {"developers-crb/edit"}


def test_stack_break_glass_admins_are_advisory() -> None:
    config = copy.deepcopy(_dev_config())
    config["team-cluster:cluster"]["admins"] = ["arn:aws:iam::111122223333:role/BreakGlass"]
    found = [f for f in run_checks(_plan(config)) if f.rule == "EKS-CLUSTER-ADMIN-POLICY"]
    assert [(f.enforcement, f.subjects) for f in found] == [
        (Enforcement.ADVISORY, ("arn:aws:iam::111122223333:role/BreakGlass",))]
    assert "is a declared break-glass admin (cluster.admins)" in found[0].message
    assert not [f for f in run_checks(_plan(config)) if f.enforcement is Enforcement.MANDATORY]
