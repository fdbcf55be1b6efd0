"""Talking to the live control plane with the official Kubernetes client: apply, wait, ask."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from kubernetes import client, utils
from kubernetes.client.rest import ApiException

from tests.e2e.controlplane import ControlPlane
from tests.e2e.questions import Question

# Plan record type tokens of the kinds the e2e corpus uses (docs/plan-format.md).
RECORD_TYPES = {
    "Namespace": "kubernetes:core/v1:Namespace",
    "ServiceAccount": "kubernetes:core/v1:ServiceAccount",
    **{k: f"kubernetes:rbac.authorization.k8s.io/v1:{k}"
       for k in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")},
}  # fmt: skip


def api_client(cp: ControlPlane) -> client.ApiClient:
    conf = client.Configuration()
    conf.host = cp.url
    conf.ssl_ca_cert = str(cp.ca_file)
    # the auth setting is named "BearerToken" in current clients, "authorization" in older ones
    conf.api_key = {"BearerToken": cp.token, "authorization": cp.token}
    conf.api_key_prefix = {"BearerToken": "Bearer", "authorization": "Bearer"}
    return client.ApiClient(conf)


def apply_all(api: client.ApiClient, manifests: Iterable[Mapping[str, Any]]) -> None:
    """Create every object; namespaces they need first. Objects that exist already are kept."""
    items = list(manifests)
    namespaces = {str(m["metadata"]["namespace"]) for m in items if m["metadata"].get("namespace")}
    existing = {ns.metadata.name for ns in client.CoreV1Api(api).list_namespace().items}
    for ns in sorted(namespaces - existing - {m["metadata"]["name"] for m in items if m["kind"] == "Namespace"}):
        client.CoreV1Api(api).create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for m in sorted(items, key=lambda m: m["kind"] != "Namespace"):
        try:
            utils.create_from_dict(api, dict(m))
        except utils.FailToCreateError as e:
            if any(getattr(x, "status", 0) != 409 for x in e.api_exceptions):
                raise


def as_record(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """A corpus object as the plan record the analyzer reads (docs/plan-format.md)."""
    meta = manifest["metadata"]
    ns = meta.get("namespace")
    name = f"e2e-{manifest['kind'].lower()}-{ns + '-' if ns else ''}{meta['name']}"
    return {"type": RECORD_TYPES[manifest["kind"]], "name": name, "parent": None, "custom": True,
            "inputs": dict(manifest), "outputs": {}}  # fmt: skip


def wait_for_aggregation(api: client.ApiClient, expected: Mapping[str, int], timeout_s: float = 60) -> None:
    """Until each named aggregated ClusterRole has at least the given number of rules."""
    rbac = client.RbacAuthorizationV1Api(api)
    deadline = time.monotonic() + timeout_s
    while True:
        counts = {n: len(rbac.read_cluster_role(n).rules or []) for n in expected}
        if all(counts[n] >= k for n, k in expected.items()):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"aggregation controller did not fill {counts} (want {dict(expected)})")
        time.sleep(0.5)


def server_allows(api: client.ApiClient, q: Question) -> bool:
    """The API server's own answer: POST a SubjectAccessReview."""
    if q.path is not None:
        spec = client.V1SubjectAccessReviewSpec(
            user=q.who.user, groups=list(q.who.groups),
            non_resource_attributes=client.V1NonResourceAttributes(path=q.path, verb=q.verb))  # fmt: skip
    else:
        spec = client.V1SubjectAccessReviewSpec(
            user=q.who.user, groups=list(q.who.groups),
            resource_attributes=client.V1ResourceAttributes(
                verb=q.verb, group=q.group, resource=q.resource, subresource=q.subresource or None,
                namespace=q.namespace or None, name=q.name or None))  # fmt: skip
    for attempt in range(3):
        try:
            review = client.AuthorizationV1Api(api).create_subject_access_review(
                client.V1SubjectAccessReview(spec=spec))  # fmt: skip
            return bool(review.status.allowed)
        except ApiException as e:
            if e.status != 429 or attempt == 2:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def live_objects(api: client.ApiClient) -> dict[str, list[dict[str, Any]]]:
    """Every bootstrap RBAC object the server holds, as plain camelCase dicts."""
    rbac = client.RbacAuthorizationV1Api(api)
    sel = "kubernetes.io/bootstrapping=rbac-defaults"
    lists = {
        "cluster_roles": rbac.list_cluster_role(label_selector=sel),
        "cluster_role_bindings": rbac.list_cluster_role_binding(label_selector=sel),
        "roles": rbac.list_role_for_all_namespaces(label_selector=sel),
        "role_bindings": rbac.list_role_binding_for_all_namespaces(label_selector=sel),
    }
    return {k: [api.sanitize_for_serialization(i) for i in v.items] for k, v in lists.items()}
