"""Kubernetes through the official client, answered below it: a real ``kubernetes.client.ApiClient``
whose connection pool is a recorded API server (urllib3 responses, the server's JSON list shape
with ``limit``/``continue`` paging, 403 and 404 as the server sends them)."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import urllib3
from kubernetes import client as k8s

from eks_access.snapshot import collect
from eks_access.snapshot.collect import Denied, collect_kubernetes
from tests.snapshot.deployed import deploy

AWS_AUTH = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"},
            "data": {"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/Legacy\n  username: legacy\n  groups: [legacy]\n"}}  # fmt: skip


class RecordedServer:
    """Answers GETs from the objects of a snapshot's ``kubernetes`` section."""

    def __init__(self, section: Mapping[str, Any], *, forbidden: tuple[str, ...] = (), aws_auth: Any = None,
                 down: tuple[str, ...] = ()) -> None:  # fmt: skip
        self.lists = {path: section[key] for key, path, _op in collect.K8S_LISTS}
        self.discovery = discovery_documents((section.get("discovery") or {}).get("resources") or [])
        self.down = down  # discovery paths answered 503, as an aggregated API whose backend is down
        self.version = section["serverVersion"]
        self.forbidden = forbidden
        self.aws_auth = aws_auth
        self.requests: list[tuple[str, str]] = []
        self.tokens: set[str] = set()

    def request(self, method: str, url: str, fields: Any = None, preload_content: bool = True, timeout: Any = None,
                headers: Any = None, **_: Any) -> urllib3.HTTPResponse:  # fmt: skip
        parts = urlsplit(url)
        sent = urlencode(fields or []) or parts.query  # urllib3 puts a GET's fields in the query string
        self.requests.append((method, parts.path + (f"?{sent}" if sent else "")))
        self.tokens.add(str((headers or {}).get("authorization")))
        query = {k: v[0] for k, v in parse_qs(sent).items()}
        if parts.path in self.forbidden:
            return self._reply(403, {"kind": "Status", "code": 403, "reason": "Forbidden"}, preload_content)
        if parts.path in self.down:
            return self._reply(503, {"kind": "Status", "code": 503, "reason": "ServiceUnavailable"}, preload_content)
        if parts.path == "/version":
            return self._reply(200, self.version, preload_content)
        if parts.path in self.discovery:
            return self._reply(200, self.discovery[parts.path], preload_content)
        if parts.path == collect.AWS_AUTH_PATH:
            if self.aws_auth is None:
                return self._reply(404, {"kind": "Status", "code": 404, "reason": "NotFound"}, preload_content)
            return self._reply(200, self.aws_auth, preload_content)
        items = self.lists[parts.path]
        start, limit = int(query.get("continue") or 0), int(query["limit"])
        page = items[start:start + limit]
        more = start + limit < len(items)
        body = {"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": "7", **({"continue": str(start + limit)} if more else {})},
                "items": page}  # fmt: skip
        return self._reply(200, body, preload_content)

    @staticmethod
    def _reply(status: int, body: Any, preload: bool) -> urllib3.HTTPResponse:
        data = json.dumps(body).encode()
        return urllib3.HTTPResponse(body=io.BytesIO(data), status=status, headers={"Content-Type": "application/json"},
                                    preload_content=preload)  # fmt: skip


def discovery_documents(served: list[dict[str, Any]]) -> dict[str, Any]:
    """The discovery documents of a server serving ``served`` (api-resources.json entries): /api
    (APIVersions), /apis (APIGroupList) and each group version's APIResourceList, with
    subresources listed as ``pods/log`` (k8s.io/apimachinery/pkg/apis/meta/v1 types.go)."""
    lists: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in served:
        rows = lists.setdefault((r["group"], r["version"]), [])
        rows.append({"name": r["name"], "singularName": "", "namespaced": r["namespaced"], "kind": r["kind"], "verbs": r["verbs"]})
        rows += [{"name": f"{r['name']}/{sub}", "singularName": "", "namespaced": r["namespaced"], "kind": d["kind"], "verbs": d["verbs"]}
                 for sub, d in r["subresources"].items()]  # fmt: skip
    groups: dict[str, list[str]] = {}
    for group, version in lists:
        if group:
            groups.setdefault(group, []).append(version)
    docs: dict[str, Any] = {
        "/api": {"kind": "APIVersions", "versions": sorted(v for g, v in lists if not g)},
        "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
             "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}} for g, vs in groups.items()]},
    }  # fmt: skip
    for (group, version), rows in lists.items():
        gv = f"{group}/{version}" if group else version
        docs[f"/apis/{gv}" if group else f"/api/{gv}"] = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": rows}
    return docs


def _api(server: RecordedServer) -> k8s.ApiClient:
    conf = k8s.Configuration()
    conf.host = "https://api.example"
    conf.api_key = {"BearerToken": "Bearer k8s-aws-v1.token"}
    api = k8s.ApiClient(conf)
    api.rest_client.pool_manager = server
    return api


@pytest.fixture
def section(dev_plan_resources: list[dict[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = deploy(dev_plan_resources)["kubernetes"]
    return doc


def test_every_object_read_page_by_page_and_nothing_else(section: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collect, "PAGE", 50)
    server = RecordedServer(section, aws_auth=AWS_AUTH)
    denied = Denied()
    got = collect_kubernetes(_api(server), denied)
    assert denied.calls == []
    assert got == {**section, "awsAuth": AWS_AUTH}
    assert server.requests == [
        ("GET", "/version"),
        ("GET", "/api/v1/namespaces?limit=50"),
        ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles?limit=50"),
        ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles?limit=50&continue=50"),
        ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=50"),
        ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=50&continue=50"),
        ("GET", "/apis/rbac.authorization.k8s.io/v1/roles?limit=50"),
        ("GET", "/apis/rbac.authorization.k8s.io/v1/rolebindings?limit=50"),
        ("GET", "/api/v1/serviceaccounts?limit=50"),
        ("GET", "/api/v1/namespaces/kube-system/configmaps/aws-auth"),
        ("GET", "/api"),
        ("GET", "/apis"),
        *[("GET", path) for path in server.discovery if path not in ("/api", "/apis")],
    ]
    assert len(server.requests) == 10 + 2 + 21  # 1.34 serves v1 and 20 group versions of other groups
    assert not any("secret" in path for _m, path in server.requests)
    assert server.tokens == {"Bearer k8s-aws-v1.token"}


def test_forbidden_lists_are_recorded_and_a_missing_aws_auth_is_null(section: dict[str, Any]) -> None:
    server = RecordedServer(section, forbidden=("/apis/rbac.authorization.k8s.io/v1/roles", "/api/v1/serviceaccounts"))
    denied = Denied()
    got = collect_kubernetes(_api(server), denied)
    assert (got["roles"], got["serviceAccounts"], got["awsAuth"]) == ([], [], None)
    assert got["clusterRoles"] == section["clusterRoles"]
    assert denied.calls == [
        {"service": "kubernetes", "operation": "list Roles", "target": "", "error": "HTTP 403"},
        {"service": "kubernetes", "operation": "list ServiceAccounts", "target": "", "error": "HTTP 403"},
    ]


def test_discovery_keeps_what_answers_and_lists_a_group_version_that_is_down(section: dict[str, Any]) -> None:
    metrics = {"name": "pods", "group": "metrics.k8s.io", "version": "v1beta1", "namespaced": True, "kind": "PodMetrics",
               "verbs": ["get", "list"], "subresources": {}}  # fmt: skip
    widgets = [{"name": "widgets", "group": "example.com", "version": v, "namespaced": False, "kind": "Widget",
                "verbs": ["get", "list"], "subresources": {"status": {"kind": "Widget", "verbs": ["get"]}}} for v in ("v1", "v1beta1")]  # fmt: skip
    section["discovery"]["resources"] += [metrics, *widgets]
    server = RecordedServer(section, down=("/apis/metrics.k8s.io/v1beta1",))
    denied = Denied()
    got = collect_kubernetes(_api(server), denied)
    assert denied.calls == []
    assert got["discovery"]["unavailable"] == ["metrics.k8s.io/v1beta1"]
    served = {(r["group"], r["name"]): r for r in got["discovery"]["resources"]}
    assert ("metrics.k8s.io", "pods") not in served
    assert served[("example.com", "widgets")] == widgets[0]  # once, from the preferred version, with its subresource
    assert len(served) == len(section["discovery"]["resources"]) - 2


def test_refused_discovery_is_recorded_and_null(section: dict[str, Any]) -> None:
    server = RecordedServer(section, forbidden=("/apis",))
    denied = Denied()
    got = collect_kubernetes(_api(server), denied)
    assert got["discovery"] is None
    assert denied.calls == [{"service": "kubernetes", "operation": "get /apis", "target": "", "error": "HTTP 403"}]
