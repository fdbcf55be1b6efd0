"""RBAC rules judge PolicyRules with the API server's matching (authz.rbac.rules), and the
overlapping rules fire as documented."""

from __future__ import annotations

from eks_access.guardrails.rules_rbac import granted_verbs, is_full_wildcard
from eks_access.model.k8s import PolicyRule
from tests.builders import k8s_role
from tests.guardrails.harness import findings


def r(verbs: tuple[str, ...], groups: tuple[str, ...], resources: tuple[str, ...]) -> PolicyRule:
    return PolicyRule(0, verbs, groups, resources)


def test_subresource_forms() -> None:
    assert granted_verbs(r(("get",), ("",), ("pods/exec",)), "", "pods/exec", None) == ["get"]
    assert granted_verbs(r(("get",), ("",), ("*/exec",)), "", "pods/exec", None) == ["get"]
    assert granted_verbs(r(("get",), ("",), ("*",)), "", "pods/exec", None) == ["get"]
    assert granted_verbs(r(("get",), ("",), ("pods/*",)), "", "pods/exec", None) == []
    assert granted_verbs(r(("get",), ("",), ("pods",)), "", "pods/exec", None) == []
    assert granted_verbs(r(("get",), ("",), ("*/exec",)), "", "pods", None) == []


def test_groups_and_verbs_must_match_exactly_or_by_star() -> None:
    assert granted_verbs(r(("get",), ("apps",), ("secrets",)), "", "secrets", ("get",)) == []
    assert granted_verbs(r(("*",), ("*",), ("secrets",)), "", "secrets", ("get", "list")) == ["get", "list"]
    assert granted_verbs(r(("get",), (), ("secrets",)), "", "secrets", ("get",)) == []


def test_full_wildcard_needs_all_three() -> None:
    assert is_full_wildcard(r(("*",), ("*",), ("*",)))
    assert not is_full_wildcard(r(("*",), ("",), ("*",)))


def test_wildcard_checked_on_every_rule_and_every_field() -> None:
    role = k8s_role("r", [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
        {"apiGroups": ["*"], "resources": ["deployments"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["*"], "verbs": ["list"]},
    ])
    [f] = findings([role], "RBAC-WILDCARD")
    assert "uses '*' in rules[1].apiGroups, rules[2].resources;" in f.message


def test_star_resources_fire_wildcard_and_secrets_together() -> None:
    role = k8s_role("reader", [{"apiGroups": [""], "resources": ["*"], "verbs": ["get"]}])
    rules = [f.rule for f in findings([role]) if f.resource == "clusterrole-reader"]
    assert rules == ["RBAC-WILDCARD", "RBAC-SECRETS", "RBAC-EXEC"]
    # allow-listing the wildcard does not hide the secrets read
    rules = [f.rule for f in findings([role], allow={"RBAC-WILDCARD": ["reader"]})]
    assert "RBAC-SECRETS" in rules and "RBAC-WILDCARD" not in rules


def test_pods_star_is_not_exec() -> None:
    role = k8s_role("r", [{"apiGroups": [""], "resources": ["pods/*"], "verbs": ["create", "get"]}])
    assert findings([role], "RBAC-EXEC") == []


def test_rules_can_judge_roles_by_what_they_allow() -> None:
    """The context offers the same RBAC the analyzer uses: built-in roles with aggregation."""
    from eks_access.authz.rbac.attributes import Attributes
    from eks_access.guardrails.model import CheckContext
    from eks_access.model import read_model
    from tests.builders import binding, group

    ctx = CheckContext(read_model([binding("e", "ClusterRole", "edit", [group("devs")])]))
    edit = ctx.rbac.cluster_roles["edit"]
    assert ctx.rbac.matching_rule(edit, Attributes("create", "pods", namespace="x")) is not None
    assert ctx.rbac.matching_rule(edit, Attributes("create", "roles", api_group="rbac.authorization.k8s.io", namespace="x")) is None
    assert ctx.identities.mode == "CONFIG_MAP"
