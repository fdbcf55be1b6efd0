"""docs/snapshot-rbac.yaml, judged by the project's RBAC authorizer: the collector's group may make
every Kubernetes request the collector makes (collect.K8S_LISTS, the aws-auth ConfigMap,
/version, discovery) and may not read Secrets or any other ConfigMap."""

from __future__ import annotations

import pytest
import yaml

from eks_access.analysis import Analyzer
from eks_access.snapshot.collect import AWS_AUTH_PATH, K8S_LISTS
from tests.conftest import ROOT

MANIFESTS = [m for m in yaml.safe_load_all((ROOT / "docs/snapshot-rbac.yaml").read_text()) if m]
RECORDS = [{"type": f"kubernetes:rbac.authorization.k8s.io/v1:{m['kind']}", "name": m["metadata"]["name"], "parent": None,
            "custom": True, "inputs": m, "outputs": {}} for m in MANIFESTS]  # fmt: skip
WHO = ("arn:aws:sts::111122223333:assumed-role/EksAccessSnapshot/audit", ["eks-access:snapshot", "system:authenticated"])


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_records(RECORDS, "1.34")


def _resource(path: str) -> tuple[str, str]:
    parts = path.strip("/").split("/")
    return ("", parts[-1]) if parts[0] == "api" else (parts[1], parts[-1])


@pytest.mark.parametrize("path", [p for _k, p, _o in K8S_LISTS])
def test_every_list_the_collector_makes_is_allowed(analyzer: Analyzer, path: str) -> None:
    group, resource = _resource(path)
    assert analyzer.kubernetes_can_i(*WHO, "list", resource=resource, api_group=group).allowed


def test_aws_auth_and_version_are_allowed(analyzer: Analyzer) -> None:
    assert AWS_AUTH_PATH == "/api/v1/namespaces/kube-system/configmaps/aws-auth"
    assert analyzer.kubernetes_can_i(*WHO, "get", resource="configmaps", namespace="kube-system", name="aws-auth").allowed
    assert analyzer.kubernetes_can_i(*WHO, "get", path="/version").allowed


@pytest.mark.parametrize("path", ["/api", "/apis", "/api/v1", "/apis/apps/v1", "/apis/metrics.k8s.io/v1beta1"])
def test_discovery_needs_no_grant_of_ours(analyzer: Analyzer, path: str) -> None:
    """system:discovery allows GET of /api, /api/*, /apis, /apis/* to system:authenticated (bootstrap policy)."""
    assert analyzer.kubernetes_can_i(*WHO, "get", path=path).allowed
    assert not analyzer.kubernetes_can_i("alice", ["developers"], "get", path=path).allowed  # without system:authenticated


@pytest.mark.parametrize(("verb", "resource", "namespace", "name"), [
    ("get", "secrets", "kube-system", ""), ("list", "secrets", "", ""), ("get", "configmaps", "kube-system", "coredns"),
    ("list", "configmaps", "kube-system", ""), ("get", "configmaps", "default", "aws-auth"), ("watch", "roles", "", ""),
    ("create", "rolebindings", "default", ""), ("list", "pods", "", ""),
])  # fmt: skip
def test_nothing_else(analyzer: Analyzer, verb: str, resource: str, namespace: str, name: str) -> None:
    group = "rbac.authorization.k8s.io" if resource.startswith("role") else ""
    assert not analyzer.kubernetes_can_i(*WHO, verb, resource=resource, api_group=group, namespace=namespace, name=name).allowed
