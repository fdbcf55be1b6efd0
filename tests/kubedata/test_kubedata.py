"""The vendored Kubernetes data: one release per version, exact content, a strict version API."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest

from eks_access.errors import EksAccessError
from eks_access.kubedata import (
    DEFAULT_VERSION,
    SUPPORTED_VERSIONS,
    UnsupportedVersion,
    api_resources,
    bootstrap_policy,
    normalize_version,
)
from eks_access.kubedata.bootstrap import COMPILED_FILE, compiled_json, parse_golden_files
from eks_access.kubedata.versions import index

BOOTSTRAP_FILES = {
    "cluster-roles.yaml", "cluster-role-bindings.yaml", "controller-roles.yaml",
    "controller-role-bindings.yaml", "namespace-roles.yaml", "namespace-role-bindings.yaml",
}  # fmt: skip


def test_supported_versions_are_the_vendored_ones() -> None:
    assert SUPPORTED_VERSIONS == ("1.20", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36")
    assert DEFAULT_VERSION == "1.36"


def test_release_recorded_for_1_20() -> None:
    entry = index()["1.20"]
    assert (entry["tag"], entry["commit"]) == ("v1.20.2", "faecb196815e248d3ecfb03c680a4507229c2a56")
    assert bootstrap_policy("1.20").source == (
        "https://github.com/kubernetes/kubernetes v1.20.2 (faecb196815e248d3ecfb03c680a4507229c2a56) "
        "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/"
    )


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_the_compiled_file_is_exactly_the_golden_yaml(version: str) -> None:
    """bootstrap.json is derived: byte-equal to compiling the vendored YAML, so it adds no fact."""
    folder = resources.files("eks_access.kubedata").joinpath("data", version)
    assert folder.joinpath(COMPILED_FILE).read_text(encoding="utf-8") == compiled_json(version)
    loaded = bootstrap_policy(version)
    golden = parse_golden_files(version)
    assert list(loaded.cluster_roles) == golden["cluster_roles"]
    assert list(loaded.role_bindings) == golden["role_bindings"]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_every_file_matches_its_recorded_hash(version: str) -> None:
    files = index()[version]["files"]
    assert set(files) == {*BOOTSTRAP_FILES, "api-resources.json"}
    folder = resources.files("eks_access.kubedata").joinpath("data", version)
    on_disk = {p.name for p in folder.iterdir()} - {COMPILED_FILE}
    assert on_disk == set(files), "a file in the version folder is not recorded in index.json"
    for name, digest in files.items():
        assert hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.20", "1.20"), ("v1.20", "1.20"), ("v1.20.2", "1.20"), ("1.20.15", "1.20"), ("v1.20.2-eks-1a2b3c", "1.20")],
)
def test_version_spellings(raw: str, expected: str) -> None:
    assert normalize_version(raw) == expected


@pytest.mark.parametrize("raw", ["1.28", "v1.28.2", "1.37", "2.0", "1.2", "latest", "", "1.20.x", " 1 . 20"])
def test_unsupported_version_names_the_supported_ones(raw: str) -> None:
    with pytest.raises(UnsupportedVersion) as err:
        bootstrap_policy(raw)
    assert str(err.value) == f"Kubernetes version {raw!r} is not supported; supported versions: 1.20, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36"
    assert isinstance(err.value, EksAccessError)
    with pytest.raises(UnsupportedVersion):
        api_resources(raw)


def _by_name(items: tuple[dict, ...]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {i["metadata"]["name"]: i for i in items}


def test_view_aggregates_from_aggregate_to_view() -> None:
    roles = _by_name(bootstrap_policy("v1.20.2").cluster_roles)
    view = roles["view"]
    assert view["aggregationRule"] == {
        "clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}}]
    }
    assert view["rules"] is None  # filled by the aggregation controller, not at start-up
    source = roles["system:aggregate-to-view"]
    assert source["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-view"] == "true"
    assert source["rules"][0] == {
        "apiGroups": [""],
        "resources": ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
                      "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
                      "services", "services/status"],
        "verbs": ["get", "list", "watch"],
    }  # fmt: skip
    assert not any(r["resources"] == ["serviceaccounts/token"] for r in roles["system:aggregate-to-edit"]["rules"])


def test_namespaced_roles_and_bindings_carry_their_namespace() -> None:
    policy = bootstrap_policy("1.20")
    assert sorted((r["metadata"]["namespace"], r["metadata"]["name"]) for r in policy.roles) == [
        ("kube-public", "system:controller:bootstrap-signer"),
        ("kube-system", "extension-apiserver-authentication-reader"),
        ("kube-system", "system::leader-locking-kube-controller-manager"),
        ("kube-system", "system::leader-locking-kube-scheduler"),
        ("kube-system", "system:controller:bootstrap-signer"),
        ("kube-system", "system:controller:cloud-provider"),
        ("kube-system", "system:controller:token-cleaner"),
    ]
    scheduler = [b for b in policy.role_bindings if b["metadata"]["name"] == "system::leader-locking-kube-scheduler"]
    assert scheduler == [{
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
                     "creationTimestamp": None,
                     "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                     "name": "system::leader-locking-kube-scheduler", "namespace": "kube-system"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                    "name": "system::leader-locking-kube-scheduler"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "system:kube-scheduler"},
                     {"kind": "ServiceAccount", "name": "kube-scheduler", "namespace": "kube-system"}],
    }]  # fmt: skip


def test_controller_roles_and_bindings_are_included() -> None:
    policy = bootstrap_policy("1.20")
    roles = _by_name(policy.cluster_roles)
    bindings = _by_name(policy.cluster_role_bindings)
    assert len(roles) == len(policy.cluster_roles) == 31 + 29
    assert len(bindings) == len(policy.cluster_role_bindings) == 12 + 29
    assert roles["system:controller:deployment-controller"]["rules"][0] == {
        "apiGroups": ["apps", "extensions"], "resources": ["deployments"],
        "verbs": ["get", "list", "update", "watch"],
    }  # fmt: skip
    assert bindings["system:controller:deployment-controller"]["subjects"] == [
        {"kind": "ServiceAccount", "name": "deployment-controller", "namespace": "kube-system"}
    ]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_every_binding_references_a_role_of_the_same_version(version: str) -> None:
    policy = bootstrap_policy(version)
    cluster_roles = {r["metadata"]["name"] for r in policy.cluster_roles}
    roles = {(r["metadata"]["namespace"], r["metadata"]["name"]) for r in policy.roles}
    for b in policy.cluster_role_bindings:
        assert b["roleRef"]["kind"] == "ClusterRole" and b["roleRef"]["name"] in cluster_roles, b["metadata"]
    for b in policy.role_bindings:
        ref = b["roleRef"]
        if ref["kind"] == "Role":
            assert (b["metadata"]["namespace"], ref["name"]) in roles, b["metadata"]
        else:
            assert ref["name"] in cluster_roles, b["metadata"]


def test_callers_get_copies() -> None:
    first = bootstrap_policy("1.20")
    first.cluster_roles[0]["rules"] = ["changed"]
    assert bootstrap_policy("1.20").cluster_roles[0]["rules"] is None


def test_api_resources_from_discovery() -> None:
    res = api_resources("v1.20.2")
    pods = res["pods"]
    assert (pods.group, pods.version, pods.namespaced, pods.kind) == ("", "v1", True, "Pod")
    assert pods.verbs == ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
    assert pods.subresources == ("attach", "binding", "eviction", "exec", "log", "portforward", "proxy", "status")
    assert pods.subresource_verbs["exec"] == ("create", "get")
    assert res["deployments.apps"].subresources == ("scale", "status")
    assert res["deployments.apps"].subresource_verbs["scale"] == ("get", "patch", "update")
    assert res["namespaces"].namespaced is False
    assert res["nodes"].namespaced is False
    assert res["ingresses.extensions"].version == "v1beta1"
    assert res["ingresses.networking.k8s.io"].version == "v1"
    assert res["events"].key == "events" and res["events.events.k8s.io"].group == "events.k8s.io"
    assert "deployments" not in res  # a group's resource is keyed with its group
    assert len(res) == 56
