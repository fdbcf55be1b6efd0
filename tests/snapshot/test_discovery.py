"""A snapshot's discovery decides which resources exist on that cluster: a resource named without
its group resolves through what the cluster serves, not the release's shipped list, and an answer
says so only where the two differ. A snapshot without discovery (version 1, or /apis refused)
resolves through the release's list, as a plan does."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from eks_access.analysis.analyzer import Analyzer
from eks_access.model.from_snapshot import SnapshotError, read_snapshot
from tests.snapshot.deployed import deploy

WIDGETS = {"name": "widgets", "group": "example.com", "version": "v1", "namespaced": False, "kind": "Widget",
           "verbs": ["get", "list"], "subresources": {}}  # fmt: skip


@pytest.fixture
def doc(dev_plan_resources: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = deploy(dev_plan_resources)
    return out


def _ask(doc: dict[str, Any], resource: str, namespace: str | None = "dev-team") -> tuple[str, str, tuple[str, ...]]:
    request = Analyzer(read_snapshot(doc)).request("get", resource, namespace)
    return request.attrs.api_group, request.attrs.namespace, request.notes


def test_a_resource_both_lists_agree_on_has_no_note(doc: dict[str, Any]) -> None:
    assert _ask(doc, "pods") == ("", "dev-team", ())
    assert _ask(doc, "deployments") == ("apps", "dev-team", ())


def test_a_custom_resource_the_cluster_serves_resolves_to_its_group(doc: dict[str, Any]) -> None:
    doc["kubernetes"]["discovery"]["resources"].append(WIDGETS)
    assert _ask(doc, "widgets", None) == ("example.com", "", (
        "'widgets' is widgets.example.com (cluster-scoped) on this cluster (its discovery); Kubernetes 1.36 has no such built-in resource",))  # fmt: skip
    assert _ask(doc, "widgets.example.com", None) == ("example.com", "", ())


def test_a_resource_the_cluster_does_not_serve(doc: dict[str, Any]) -> None:
    served = doc["kubernetes"]["discovery"]["resources"]
    served[:] = [r for r in served if (r["group"], r["name"]) != ("", "pods")]
    assert _ask(doc, "pods") == ("", "dev-team", (
        "'pods' is not served by this cluster (its discovery; Kubernetes 1.36 has pods (namespaced)); asked in the core API group",))  # fmt: skip
    assert _ask(doc, "gadgets") == ("", "dev-team", (
        "'gadgets' is not served by this cluster (its discovery) nor a built-in resource of Kubernetes 1.36; asked in the core API group",))  # fmt: skip


def test_a_group_version_that_was_down_is_named_where_a_resource_is_missing(doc: dict[str, Any]) -> None:
    doc["kubernetes"]["discovery"]["unavailable"] = ["metrics.k8s.io/v1beta1"]
    assert _ask(doc, "nodemetrics", None) == ("", "", (
        "'nodemetrics' is not served by this cluster (its discovery; unavailable when collected: metrics.k8s.io/v1beta1) "
        "nor a built-in resource of Kubernetes 1.36; asked in the core API group",))  # fmt: skip
    assert _ask(doc, "pods") == ("", "dev-team", ())


def test_a_scope_that_differs_from_the_release(doc: dict[str, Any]) -> None:
    for r in doc["kubernetes"]["discovery"]["resources"]:
        if (r["group"], r["name"]) == ("apps", "deployments"):
            r["namespaced"] = False
    assert _ask(doc, "deployments", None) == ("apps", "", (
        "'deployments' is deployments.apps (cluster-scoped) on this cluster (its discovery); Kubernetes 1.36 has deployments.apps (namespaced)",))  # fmt: skip
    assert _ask(doc, "deployments.apps", None) == ("apps", "", (
        "deployments.apps is cluster-scoped on this cluster (its discovery), namespaced in Kubernetes 1.36's built-in list",))  # fmt: skip


@pytest.mark.parametrize("version", [1, 2])
def test_without_discovery_the_release_list_is_used(doc: dict[str, Any], version: int) -> None:
    old = copy.deepcopy(doc)
    old["version"] = version
    del old["eks"]["addons"]
    if version == 1:
        del old["kubernetes"]["discovery"]
    else:
        old["eks"]["addons"] = []
        old["kubernetes"]["discovery"] = None
    assert read_snapshot(old).discovery is None
    assert _ask(old, "widgets") == ("", "dev-team", ("'widgets' is not a built-in resource of Kubernetes 1.36; asked in the core API group",))


def test_can_i_uses_the_clusters_discovery(doc: dict[str, Any]) -> None:
    doc["kubernetes"]["discovery"]["resources"].append(WIDGETS)
    analyzer = Analyzer(read_snapshot(doc))
    answer = analyzer.can_i("group:system:masters", "get", "widgets")
    assert answer.allowed
    assert answer.request.attrs.namespace == ""
    assert "'widgets' is widgets.example.com (cluster-scoped) on this cluster (its discovery); Kubernetes 1.36 has no such built-in resource" in answer.notes


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(resources="all"), "kubernetes.discovery.resources: expected a list, got string"),
    (lambda d: d["resources"][0].pop("kind"), "kubernetes.discovery.resources[0].kind: expected a non-empty string, got null"),
    (lambda d: d["resources"][0].update(namespaced="yes"), "kubernetes.discovery.resources[0].namespaced: expected bool, got string"),
    (lambda d: d["resources"][0].update(verbs=["get", 1]), "kubernetes.discovery.resources[0].verbs: expected a list of strings"),
    (lambda d: d.pop("unavailable"), "kubernetes.discovery.unavailable: expected a list of strings (group versions)"),
])  # fmt: skip
def test_a_bad_discovery_names_its_key_path(doc: dict[str, Any], change: Any, message: str) -> None:
    change(doc["kubernetes"]["discovery"])
    with pytest.raises(SnapshotError) as err:
        read_snapshot(doc)
    assert str(err.value) == message
