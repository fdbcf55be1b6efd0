"""RBAC as the API server authorizes: every rule with an exact answer."""

from __future__ import annotations

from typing import Any

import pytest

from eks_access.authz.kubernetes import KubernetesAuthorizer, KubernetesDecision
from eks_access.authz.rbac.attributes import Attributes
from eks_access.authz.rbac.rules import rule_allows
from eks_access.model import read_model
from eks_access.model.k8s import PolicyRule
from tests.builders import binding, group, k8s_role, sa_subject, user


def rule(verbs: tuple[str, ...] = (), groups: tuple[str, ...] = ("",), resources: tuple[str, ...] = (),
         names: tuple[str, ...] = (), urls: tuple[str, ...] = ()) -> PolicyRule:  # fmt: skip
    return PolicyRule(0, verbs, groups if resources else (), resources, names, urls)


@pytest.mark.parametrize(("r", "attrs", "allowed"), [
    (rule(("get",), resources=("pods",)), Attributes("get", "pods"), True),
    (rule(("get",), resources=("pods",)), Attributes("list", "pods"), False),
    (rule(("*",), resources=("pods",)), Attributes("escalate", "pods"), True),
    (rule(("get",), ("apps",), ("deployments",)), Attributes("get", "deployments", api_group="extensions"), False),
    (rule(("get",), ("*",), ("deployments",)), Attributes("get", "deployments", api_group="extensions"), True),
    # */scale is any resource's scale subresource; pods/* is literal; * covers subresources
    (rule(("update",), ("apps",), ("*/scale",)), Attributes("update", "deployments", "scale", "apps"), True),
    (rule(("update",), ("apps",), ("*/scale",)), Attributes("update", "statefulsets", "scale", "apps"), True),
    (rule(("update",), ("apps",), ("*/scale",)), Attributes("update", "deployments", api_group="apps"), False),
    (rule(("update",), ("apps",), ("*/scale",)), Attributes("update", "deployments", "status", "apps"), False),
    (rule(("get",), resources=("pods/*",)), Attributes("get", "pods", "log"), False),
    (rule(("get",), resources=("pods/*",)), Attributes("get", "pods", "*"), True),
    (rule(("get",), resources=("pods",)), Attributes("get", "pods", "log"), False),
    (rule(("create",), ("*",), ("*",)), Attributes("create", "pods", "exec"), True),
    (rule(("get",), resources=("*",)), Attributes("get", "*"), True),
    (rule(("get",), resources=("pods",)), Attributes("get", "*"), False),
    # resourceNames: only requests naming one of them
    (rule(("get", "list"), resources=("secrets",), names=("app-token",)), Attributes("get", "secrets", name="app-token"), True),
    (rule(("get", "list"), resources=("secrets",), names=("app-token",)), Attributes("get", "secrets", name="other"), False),
    (rule(("get", "list"), resources=("secrets",), names=("app-token",)), Attributes("list", "secrets"), False),
    # nonResourceURLs: exact, trailing * (all of them trimmed), and *
    (rule(("get",), urls=("/healthz",)), Attributes("get", path="/healthz"), True),
    (rule(("get",), urls=("/healthz",)), Attributes("get", path="/healthz/etcd"), False),
    (rule(("get",), urls=("/logs/*",)), Attributes("get", path="/logs/"), True),
    (rule(("get",), urls=("/logs/*",)), Attributes("get", path="/logs"), False),
    (rule(("get",), urls=("/logs**",)), Attributes("get", path="/logsx"), True),
    (rule(("get",), urls=("*",)), Attributes("get", path="/anything"), True),
    (rule(("get",), urls=("*",)), Attributes("get", "pods"), False),
    (rule(("get",), resources=("pods",)), Attributes("get", path="/api"), False),
])  # fmt: skip
def test_rule_allows(r: PolicyRule, attrs: Attributes, allowed: bool) -> None:
    assert rule_allows(r, attrs) is allowed


def ask(records: list[dict[str, Any]], user_name: str, groups: tuple[str, ...], attrs: Attributes) -> KubernetesDecision:
    return KubernetesAuthorizer(read_model(records)).authorize(user_name, (*groups, "system:authenticated"), attrs)


NS_READER = k8s_role("ns-reader", [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "update", "patch", "delete"]}])


def test_rolebinding_to_clusterrole_grants_only_in_its_namespace() -> None:
    records = [binding("qa-edit", "ClusterRole", "edit", [group("qa")], namespace="dev")]
    assert ask(records, "", ("qa",), Attributes("create", "deployments", api_group="apps", namespace="dev")).allowed
    assert not ask(records, "", ("qa",), Attributes("create", "deployments", api_group="apps", namespace="prod")).allowed
    assert not ask(records, "", ("qa",), Attributes("create", "deployments", api_group="apps")).allowed
    # a cluster-scoped request (no namespace) never sees RoleBindings
    assert not ask(records, "", ("qa",), Attributes("get", "namespaces", name="dev")).allowed


def test_request_on_the_namespace_object_carries_its_namespace() -> None:
    records = [NS_READER, binding("ns", "ClusterRole", "ns-reader", [user("alice")], namespace="dev")]
    for verb in ("get", "update", "patch", "delete"):
        d = ask(records, "alice", (), Attributes(verb, "namespaces", name="dev", namespace="dev"))
        assert d.allowed and d.grant is not None and d.grant.binding.ref == "RoleBinding dev/ns"
    assert not ask(records, "alice", (), Attributes("get", "namespaces", name="prod", namespace="prod")).allowed
    assert not ask(records, "alice", (), Attributes("list", "namespaces")).allowed


def test_serviceaccount_subjects_and_groups() -> None:
    records = [
        binding("lonely", "ClusterRole", "view", [sa_subject("lonely")]),
        binding("local", "ClusterRole", "view", [sa_subject("local")], namespace="dev"),
        binding("all-dev", "ClusterRole", "view", [group("system:serviceaccounts:dev")], namespace="ops"),
        binding("all", "ClusterRole", "view", [group("system:serviceaccounts")], namespace="shared"),
    ]
    def sa(ns: str, name: str, where: str) -> bool:
        return ask(records, f"system:serviceaccount:{ns}:{name}", ("system:serviceaccounts", f"system:serviceaccounts:{ns}"),
                   Attributes("list", "pods", namespace=where)).allowed  # fmt: skip
    assert not sa("dev", "lonely", "dev")  # a ClusterRoleBinding's ServiceAccount needs a namespace
    assert sa("dev", "local", "dev") and not sa("prod", "local", "dev")
    assert sa("dev", "anything", "ops") and not sa("prod", "anything", "ops")
    assert sa("prod", "x", "shared")
    # the same username bound as a User subject is the same identity
    as_user = [binding("u", "ClusterRole", "view", [user("system:serviceaccount:dev:app")])]
    assert ask(as_user, "system:serviceaccount:dev:app", (), Attributes("list", "pods", namespace="x")).allowed


def test_unknown_subject_kinds_and_missing_roles_grant_nothing() -> None:
    records = [binding("odd", "ClusterRole", "view", [{"kind": "user", "name": "alice"}]),
               binding("gone", "ClusterRole", "no-such-role", [user("bob")]),
               binding("wrong", "Role", "view", [user("carol")])]
    for who in ("alice", "bob", "carol"):
        assert not ask(records, who, (), Attributes("list", "pods", namespace="default")).allowed


def test_system_authenticated_gets_discovery_only() -> None:
    d = ask([], "someone", (), Attributes("get", path="/api"))
    assert d.allowed and d.grant is not None and d.grant.role.ref == "ClusterRole system:discovery"
    assert ask([], "someone", (), Attributes("create", "selfsubjectaccessreviews", api_group="authorization.k8s.io")).allowed
    assert not ask([], "someone", (), Attributes("list", "pods", namespace="default")).allowed


def test_system_masters_is_allowed_everything_before_rbac() -> None:
    d = ask([], "", ("system:masters",), Attributes("escalate", "clusterroles", api_group="rbac.authorization.k8s.io"))
    assert (d.allowed, d.by, d.grant) == (True, "masters", None)


def test_aggregation_to_a_fixpoint() -> None:
    widget = k8s_role("widget-editor", [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["create"]}],
                      labels={"rbac.authorization.k8s.io/aggregate-to-edit": "true"})  # fmt: skip
    records = [widget, binding("a", "ClusterRole", "admin", [group("admins")]), binding("e", "ClusterRole", "edit", [group("editors")]),
               binding("v", "ClusterRole", "view", [group("viewers")])]  # fmt: skip
    attrs = Attributes("create", "widgets", api_group="example.com", namespace="default")
    assert ask(records, "", ("admins",), attrs).allowed  # edit aggregates into admin
    assert ask(records, "", ("editors",), attrs).allowed
    assert not ask(records, "", ("viewers",), attrs).allowed
    rbac = KubernetesAuthorizer(read_model(records)).rbac
    assert rbac.cluster_roles["edit"].aggregated_from == ("system:aggregate-to-edit", "view", "widget-editor")


def test_custom_aggregation_selectors() -> None:
    leaf = k8s_role("leaf", [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}], labels={"tier": "gold"})
    mid = k8s_role("mid", [], labels={"team": "a"}, aggregation=[{"matchExpressions": [{"key": "tier", "operator": "In", "values": ["gold"]}]}])
    top = k8s_role("top", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}],
                   aggregation=[{"matchLabels": {"team": "a"}}])  # its own rules are replaced  # fmt: skip
    everything = k8s_role("everything", [], aggregation=[{}])  # the empty selector selects every ClusterRole
    records = [top, mid, leaf, everything, binding("t", "ClusterRole", "top", [user("t")]), binding("all", "ClusterRole", "everything", [user("e")])]
    cm = Attributes("get", "configmaps", namespace="default")
    assert ask(records, "t", (), cm).allowed
    assert not ask(records, "t", (), Attributes("get", "secrets", namespace="default")).allowed
    assert ask(records, "e", (), Attributes("delete", "nodes")).allowed  # cluster-admin's rules too


def test_namespaced_roles_resolve_in_the_binding_namespace() -> None:
    records = [k8s_role("pod-reader", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}], namespace="dev"),
               binding("r1", "Role", "pod-reader", [user("u")], namespace="dev"),
               binding("r2", "Role", "pod-reader", [user("u")], namespace="prod")]  # fmt: skip
    assert ask(records, "u", (), Attributes("get", "pods", namespace="dev")).allowed
    assert not ask(records, "u", (), Attributes("get", "pods", namespace="prod")).allowed


def test_plan_roles_replace_builtin_ones_of_the_same_name() -> None:
    mine = k8s_role("view", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}])
    records = [mine, binding("v", "ClusterRole", "view", [user("u")])]
    assert ask(records, "u", (), Attributes("list", "nodes")).allowed
    assert not ask(records, "u", (), Attributes("list", "pods", namespace="default")).allowed


def test_namespaced_builtin_roles_and_controller_roles_of_the_version() -> None:
    """kubedata's bootstrap policy: Roles/RoleBindings in kube-system and system:controller:* roles
    (1.34: the leader-locking Role still has the configmaps rules that 1.35 drops, kubernetes/kubernetes#134297)."""
    authorizer = KubernetesAuthorizer(read_model([]), "1.34")

    def scheduler(attrs: Attributes) -> KubernetesDecision:
        return authorizer.authorize("system:kube-scheduler", ("system:authenticated",), attrs)

    d = scheduler(Attributes("update", "configmaps", namespace="kube-system", name="kube-scheduler"))
    assert d.allowed and d.grant is not None
    assert (d.grant.binding.ref, d.grant.role.ref) == (
        "RoleBinding kube-system/system::leader-locking-kube-scheduler", "Role kube-system/system::leader-locking-kube-scheduler")
    assert not scheduler(Attributes("update", "configmaps", namespace="kube-system", name="other")).allowed
    assert not scheduler(Attributes("update", "configmaps", namespace="default", name="kube-scheduler")).allowed
    node_controller = ask([], "system:serviceaccount:kube-system:node-controller", (), Attributes("delete", "nodes"))
    assert node_controller.allowed and node_controller.grant is not None
    assert node_controller.grant.role.ref == "ClusterRole system:controller:node-controller"


def test_versions_are_chosen_and_named() -> None:
    from eks_access.authz.kubernetes import kubernetes_version
    from eks_access.kubedata import DEFAULT_VERSION, UnsupportedVersion

    model = read_model([])
    assert kubernetes_version(model) == DEFAULT_VERSION
    assert kubernetes_version(model, "v1.20.2") == "1.20"
    with pytest.raises(UnsupportedVersion, match=r"'1\.99' is not supported"):
        kubernetes_version(model, "1.99")
