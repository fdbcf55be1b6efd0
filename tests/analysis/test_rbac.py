"""RBAC matcher semantics, each checked against a scenario that would fail if it were wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from eks_access.analysis import Analyzer
from tests.builders import crb, rec

RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"


def _ask(records: list[dict[str, Any]], verb: str, res: str, ns: str | None, who: str) -> bool:
    return Analyzer.from_records(records).can_i(who, verb, res, ns).allowed


def _cluster_role(record: str, name: str, rules: list[dict[str, Any]],
                  labels: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    meta: dict[str, Any] = {"name": name}
    if labels:
        meta["labels"] = labels
    out: dict[str, Any] = rec(RBAC + "ClusterRole", record, {"metadata": meta, "rules": rules})
    return out


def _rb(record: str, ns: str, name: str, kind: str, role: str,
        subjects: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = rec(RBAC + "RoleBinding", record, {
        "metadata": {"name": name, "namespace": ns},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": role},
        "subjects": subjects,
    })  # fmt: skip
    return out


def test_non_resource_urls_only_through_cluster_role_bindings(
    extend: Callable[..., list[dict[str, Any]]],
) -> None:
    logs = _cluster_role("logs", "log-reader", [{"nonResourceURLs": ["/logs/*"], "verbs": ["get"]}])
    via_crb = extend(logs, crb("logs-crb", "logs", "log-reader", [{"kind": "User", "name": "alice"}]))
    via_rb = extend(logs, _rb("logs-rb", "dev-team", "logs", "ClusterRole", "log-reader",
                              [{"kind": "User", "name": "bob"}]))  # fmt: skip
    assert _ask(via_crb, "get", "/logs/x", None, "user:alice")
    assert not _ask(via_rb, "get", "/logs/x", None, "user:bob")


def test_rolebinding_to_clusterrole_grants_only_in_its_namespace(
    extend: Callable[..., list[dict[str, Any]]],
) -> None:
    plan = extend(_rb("qa-edit", "dev-team", "qa-edit", "ClusterRole", "edit",
                      [{"kind": "Group", "name": "qa"}]))  # fmt: skip
    assert _ask(plan, "create", "deployments", "dev-team", "group:qa")
    assert not _ask(plan, "create", "deployments", "infra-team", "group:qa")
    assert not _ask(plan, "create", "deployments", None, "group:qa")
    # cluster-scoped kinds are never granted through a RoleBinding
    assert not _ask(plan, "list", "namespaces", "dev-team", "group:qa")
    assert not _ask(plan, "get", "nodes", "dev-team", "group:qa")


def test_the_namespace_object_is_in_its_own_namespace(extend: Callable[..., list[dict[str, Any]]]) -> None:
    """edit grants get on namespaces: a RoleBinding in NS grants it on the Namespace NS only."""
    plan = extend(_rb("qa-edit", "dev-team", "qa-edit", "ClusterRole", "edit", [{"kind": "Group", "name": "qa"}]))
    analyzer = Analyzer.from_records(plan)
    yes = analyzer.can_i("group:qa", "get", "namespaces", None, name="dev-team")
    assert yes.allowed and yes.chain[0].fields["binding"] == "RoleBinding dev-team/qa-edit"
    assert not analyzer.can_i("group:qa", "get", "namespaces", None, name="infra-team").allowed


def test_serviceaccount_subject_without_namespace(
    extend: Callable[..., list[dict[str, Any]]],
) -> None:
    plan = extend(
        crb("sa-crb", "sa-crb", "view", [{"kind": "ServiceAccount", "name": "lonely"}]),
        _rb("sa-rb", "dev-team", "sa-rb", "ClusterRole", "view",
            [{"kind": "ServiceAccount", "name": "local"}]),
    )  # fmt: skip
    for ns in ("default", "dev-team", "kube-system"):
        assert not _ask(plan, "list", "pods", ns, f"serviceaccount:{ns}:lonely")
    assert _ask(plan, "list", "pods", "dev-team", "serviceaccount:dev-team:local")
    assert not _ask(plan, "list", "pods", "dev-team", "serviceaccount:default:local")


def test_serviceaccount_implicit_groups(extend: Callable[..., list[dict[str, Any]]]) -> None:
    plan = extend(_rb("all-sa", "infra-team", "all-sa", "ClusterRole", "view",
                      [{"kind": "Group", "name": "system:serviceaccounts:dev-team"}]))  # fmt: skip
    assert _ask(plan, "list", "configmaps", "infra-team", "serviceaccount:dev-team:anything")
    assert not _ask(plan, "list", "configmaps", "infra-team", "serviceaccount:default:anything")


def test_aggregation_edit_rule_reaches_admin(extend: Callable[..., list[dict[str, Any]]]) -> None:
    widget = _cluster_role(
        "widgets", "widget-editor",
        [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["create"]}],
        labels={"rbac.authorization.k8s.io/aggregate-to-edit": "true"},
    )
    plan = extend(widget, crb("a", "a", "admin", [{"kind": "Group", "name": "admins"}]),
                  crb("e", "e", "edit", [{"kind": "Group", "name": "editors"}]),
                  crb("v", "v", "view", [{"kind": "Group", "name": "viewers"}]))  # fmt: skip
    assert _ask(plan, "create", "widgets.example.com", "default", "group:admins")
    assert _ask(plan, "create", "widgets.example.com", "default", "group:editors")
    assert not _ask(plan, "create", "widgets.example.com", "default", "group:viewers")
    rbac = Analyzer.from_records(plan).kubernetes.rbac
    assert "widget-editor" in rbac.cluster_roles["edit"].aggregated_from
    # view's rules flow into edit and from there into admin
    assert _ask(plan, "list", "pods", "default", "group:admins")
    assert _ask(plan, "create", "roles.rbac.authorization.k8s.io", "default", "group:admins")
    assert not _ask(plan, "create", "roles.rbac.authorization.k8s.io", "default", "group:editors")


def test_builtin_roles_are_real_data() -> None:
    rbac = Analyzer.from_records([]).kubernetes.rbac
    for name in ("view", "edit", "admin", "cluster-admin", "system:discovery",
                 "system:basic-user", "system:public-info-viewer"):  # fmt: skip
        assert name in rbac.cluster_roles
    view = rbac.cluster_roles["view"]
    assert view.aggregated_from == ("system:aggregate-to-view",)
    assert not any("secrets" in r.resources for r in view.rules)
    edit = rbac.cluster_roles["edit"]
    assert any("secrets" in r.resources for r in edit.rules)


@pytest.mark.parametrize("res", ["pods", "secrets", "nodes"])
def test_cluster_admin_binding_grants_everything(res: str, extend: Callable[..., list[dict[str, Any]]]) -> None:
    plan = extend(crb("root", "root", "cluster-admin", [{"kind": "User", "name": "root"}]))
    assert _ask(plan, "delete", res, None, "user:root")
