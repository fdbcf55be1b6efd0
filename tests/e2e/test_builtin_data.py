"""The vendored built-in data equals what a live API server of that release creates and serves."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kubernetes import client

from eks_access.kubedata import api_resources, bootstrap_policy, normalize_version
from tests.e2e import controlplane, discovery, openshift
from tests.e2e.cluster import live_objects

AGGREGATED = "aggregationRule"


def _server_minor(cp: controlplane.ControlPlane) -> str:
    return normalize_version(discovery.server_version(cp))


def _clean(value: Any) -> Any:
    """Drop what the server adds or omits without meaning: None, empty strings and lists."""
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _essence(obj: Mapping[str, Any]) -> dict[str, Any]:
    meta = obj["metadata"]
    out = {k: obj.get(k) for k in ("rules", AGGREGATED, "roleRef", "subjects") if k in obj}
    out["metadata"] = {k: meta.get(k) for k in ("name", "namespace", "labels", "annotations")}
    if obj.get(AGGREGATED):
        out.pop("rules", None)  # filled at run time by the aggregation controller; checked below
    cleaned: dict[str, Any] = _clean(out)
    return cleaned


def _keyed(objs: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(o["metadata"].get("namespace") or "", o["metadata"]["name"]): _essence(o) for o in objs}


def test_bootstrap_objects_equal_the_live_server(control_plane: controlplane.ControlPlane,
                                                  api: client.ApiClient) -> None:  # fmt: skip
    minor = _server_minor(control_plane)
    vendored = bootstrap_policy(minor)
    # an OpenShift build holds the carries vendor.py removed: each must be there, exactly once
    carries = openshift.server_carries(minor, controlplane.get_json(control_plane, "/version"))
    live = openshift.without_carries(live_objects(api), carries)
    for field in ("cluster_roles", "cluster_role_bindings", "roles", "role_bindings"):
        want, got = _keyed(getattr(vendored, field)), _keyed(live[field])
        assert sorted(got) == sorted(want), field
        for key, obj in want.items():
            assert got[key] == obj, (field, key)


def test_aggregated_roles_hold_the_union_of_their_sources(api: client.ApiClient) -> None:
    """What the aggregation controller computes, over every ClusterRole (corpus ones too)."""
    listed = client.RbacAuthorizationV1Api(api).list_cluster_role().items
    roles = {r["metadata"]["name"]: r for r in (api.sanitize_for_serialization(i) for i in listed)}
    for name in ("admin", "edit", "view"):
        selectors = [s["matchLabels"] for s in roles[name][AGGREGATED]["clusterRoleSelectors"]]
        sources = [r for r in roles.values() if any(
            all((r["metadata"].get("labels") or {}).get(k) == v for k, v in sel.items()) for sel in selectors)]
        want = {json.dumps(_clean(rule), sort_keys=True) for src in sources for rule in src.get("rules") or []}
        got = {json.dumps(_clean(rule), sort_keys=True) for rule in roles[name]["rules"]}
        assert got == want, name


def test_api_resources_equal_live_discovery(control_plane: controlplane.ControlPlane) -> None:
    minor = _server_minor(control_plane)
    live = {(r["group"], r["name"]): r for r in discovery.discover(control_plane)}
    vendored = api_resources(minor)
    assert sorted(f"{n}.{g}" if g else n for g, n in live) == sorted(vendored)
    for r in vendored.values():
        raw = live[(r.group, r.name)]
        assert (raw["version"], raw["namespaced"], raw["kind"], tuple(raw["verbs"])) == (
            r.version, r.namespaced, r.kind, r.verbs), r.key
        assert {k: tuple(v["verbs"]) for k, v in raw["subresources"].items()} == dict(r.subresource_verbs), r.key
