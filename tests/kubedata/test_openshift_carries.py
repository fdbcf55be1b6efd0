"""tests/e2e/openshift.py: how `make e2e` expects OpenShift's carries back on an OpenShift build.

The carry objects below are those of openshift/microshift release-4.21
deps/github.com/openshift/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/
(what kube-apiserver v1.34.9 of tools/kube-apiserver-modern/setup.sh creates at start-up).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from eks_access.kubedata import bootstrap_policy
from eks_access.kubedata.vendor import CARRIES
from tests.e2e import openshift
from tests.e2e.questions import Question, user

_META = {"annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
         "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}  # fmt: skip
_RBAC = "rbac.authorization.k8s.io"
_RESTRICTED = {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices/restricted"], "verbs": ["create"]}


def _role(name: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": f"{_RBAC}/v1", "kind": "ClusterRole", "metadata": {**_META, "name": name}, "rules": rules}


def _binding(name: str, subjects: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": f"{_RBAC}/v1", "kind": "ClusterRoleBinding", "metadata": {**_META, "name": name},
            "roleRef": {"apiGroup": _RBAC, "kind": "ClusterRole", "name": name}, "subjects": subjects}  # fmt: skip


def _vendored(minor: str) -> dict[str, list[dict[str, Any]]]:
    policy = bootstrap_policy(minor)
    return {f: copy.deepcopy(list(getattr(policy, f))) for f in ("cluster_roles", "cluster_role_bindings", "roles",
                                                                 "role_bindings")}  # fmt: skip


def _openshift_1_34() -> dict[str, list[dict[str, Any]]]:
    live = _vendored("1.34")
    live["cluster_roles"] += [
        _role("system:openshift:public-info-viewer", [{"nonResourceURLs": ["/.well-known", "/.well-known/*"],
                                                       "verbs": ["get"]}]),
        _role("system:controller:service-ca-cert-publisher", [
            {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create", "update"]},
            {"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch", "update"]}]),
    ]  # fmt: skip
    live["cluster_role_bindings"] += [
        _binding("system:openshift:public-info-viewer", [
            {"apiGroup": _RBAC, "kind": "Group", "name": "system:authenticated"},
            {"apiGroup": _RBAC, "kind": "Group", "name": "system:unauthenticated"}]),
        _binding("system:controller:service-ca-cert-publisher", [
            {"kind": "ServiceAccount", "name": "service-ca-cert-publisher", "namespace": "kube-system"}]),
    ]  # fmt: skip
    for role in live["cluster_roles"]:
        if role["metadata"]["name"] in ("system:controller:endpointslice-controller",
                                        "system:controller:endpointslicemirroring-controller"):  # fmt: skip
            role["rules"].insert(1, dict(_RESTRICTED))
    return live


def test_without_carries_gives_back_the_vendored_objects() -> None:
    live = _openshift_1_34()
    before = copy.deepcopy(live)
    assert openshift.without_carries(live, CARRIES["1.34"]) == _vendored("1.34")
    assert live == before  # the live objects are not edited in place


def test_a_carry_the_server_lacks_fails_the_comparison() -> None:
    with pytest.raises(ValueError):
        openshift.without_carries(_vendored("1.34"), CARRIES["1.34"])


def test_the_build_is_recognised_by_the_git_commit_index_json_records() -> None:
    assert openshift.server_carries("1.34", {"gitCommit": "ba6535cbb8719c3ba6c3923f2725ba050c87faab"}) == CARRIES["1.34"]
    assert openshift.server_carries("1.33", {"gitCommit": "2df3632e823a813f64218dfc6f5c2e70d28ecdf0"}) == CARRIES["1.33"]
    assert openshift.server_carries("1.34", {"gitCommit": "2df3632e823a813f64218dfc6f5c2e70d28ecdf0"}) == ()
    assert openshift.server_carries("1.20", {"gitCommit": "faecb196815e248d3ecfb03c680a4507229c2a56"}) == ()


def test_only_what_a_carry_grants_is_explained() -> None:
    who = user("nobody")
    well_known = Question(who, "get", path="/.well-known/openid-configuration")
    endpoints = Question(who, "create", "", "endpoints", "", "dev-team")
    info, edit = (openshift.EXPLAINED[n][0] for n in ("system:openshift:public-info-viewer", "system:aggregate-to-edit"))
    assert openshift.explain(well_known, True, CARRIES["1.34"]) == info
    assert openshift.explain(well_known, False, CARRIES["1.34"]) is None
    assert openshift.explain(Question(who, "post", path="/.well-known/openid-configuration"), True, CARRIES["1.34"]) is None
    assert openshift.explain(well_known, True, ()) is None
    assert openshift.explain(endpoints, True, CARRIES["1.33"]) == edit
    assert openshift.explain(endpoints, True, CARRIES["1.34"]) is None
    assert openshift.explain(Question(who, "get", "", "endpoints", "", "dev-team"), True, CARRIES["1.33"]) is None
