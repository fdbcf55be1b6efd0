"""The EKS-era releases vendored from openshift/microshift: recorded source, no OpenShift carry
left, and answers that differ from 1.20 where upstream changed the built-in roles."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from eks_access.authz.kubernetes import KubernetesAuthorizer
from eks_access.authz.rbac.attributes import Attributes
from eks_access.kubedata import api_resources, bootstrap_policy
from eks_access.kubedata.vendor import CARRIES, RELEASES, Carry, VendorError, vendor, vendor_yaml
from eks_access.kubedata.versions import index
from eks_access.model import read_model
from tests.builders import binding, group

#: What each release's index entry must say (Makefile.kube_git.var of the branch; its commit).
RECORDED = {
    "1.31": ("release-4.18", "v1.31.14", "8eb6c2962b3a2c6a8545e6726b3213a0dcff81a0"),
    "1.32": ("release-4.19", "v1.32.13", "d4b43f374a5bc0e0f44c07ff773061e27c7f2a08"),
    "1.33": ("release-4.20", "v1.33.13", "78a395343031f8800b7139df070665e03b42f934"),
    "1.34": ("release-4.21", "v1.34.9", "473c3de15d9aeeb399aa95250672c07655554015"),
}
EKS_ERA = tuple(RECORDED)
MIRROR = Path("/work/.mirror/openshift+microshift/repo")


@pytest.mark.parametrize("version", EKS_ERA)
def test_release_recorded(version: str) -> None:
    entry = index()[version]
    branch, tag, commit = RECORDED[version]
    assert (entry["repository"], entry["branch"], entry["tag"], entry["commit"]) == (
        "https://github.com/openshift/microshift", branch, tag, commit)
    assert entry["versionEvidence"] == f"Makefile.kube_git.var: KUBE_GIT_VERSION={tag}"
    assert entry["carriesRemoved"] == [c.describe() for c in CARRIES[version]]
    assert RELEASES[version] == (branch, tag)
    assert bootstrap_policy(version).source == (
        f"https://github.com/openshift/microshift {tag} ({commit}) "
        "deps/github.com/openshift/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/")


def _text(version: str) -> str:
    """Every vendored YAML file and the discovered resources (not the ``source`` line naming the tree)."""
    folder = resources.files("eks_access.kubedata").joinpath("data", version)
    names = sorted(n for n in index()[version]["files"] if n.endswith(".yaml"))
    discovered = json.loads(folder.joinpath("api-resources.json").read_text(encoding="utf-8"))["resources"]
    return "".join(folder.joinpath(n).read_text(encoding="utf-8") for n in names) + json.dumps(discovered)


@pytest.mark.parametrize("version", EKS_ERA)
def test_no_openshift_carry_is_left(version: str) -> None:
    text = _text(version)
    for marker in ("openshift", "service-ca-cert-publisher", "endpointslices/restricted"):
        assert marker not in text, marker
    policy = bootstrap_policy(version)
    roles = {r["metadata"]["name"]: r for r in policy.cluster_roles}
    for carry in CARRIES[version]:
        if carry.rule is None:
            continue
        rules = roles[carry.name]["rules"]
        groups, res = carry.rule
        if carry.resource is None:
            assert all(tuple(r.get("apiGroups") or ()) != groups or tuple(r.get("resources") or ()) != res for r in rules)
        else:
            assert not any(carry.resource in (r.get("resources") or ()) and tuple(r.get("apiGroups") or ()) == groups
                           and "create" in r["verbs"] for r in rules)  # fmt: skip


def _can(version: str, role: str, verb: str, resource: str, api_group: str = "") -> bool:
    records = [binding("b", "ClusterRole", role, [group("team")], namespace="dev")]
    authorizer = KubernetesAuthorizer(read_model(records), version)
    attrs = Attributes(verb, resource, api_group=api_group, namespace="dev")
    return authorizer.authorize("u", ("team", "system:authenticated"), attrs).allowed


@pytest.mark.parametrize(("version", "expected"), [("1.20", True), *((v, False) for v in EKS_ERA)])
def test_edit_creates_endpoints_only_before_1_22(version: str, expected: bool) -> None:
    """CVE-2021-25740: upstream took endpoints write out of edit/admin in 1.22; OpenShift kept it."""
    assert _can(version, "edit", "create", "endpoints") is expected
    assert _can(version, "admin", "update", "endpoints") is expected
    assert _can(version, "edit", "create", "services")  # the rest of the rule is still there


@pytest.mark.parametrize(("version", "expected"), [("1.20", False), *((v, True) for v in EKS_ERA)])
def test_every_user_may_review_itself_from_1_26(version: str, expected: bool) -> None:
    """system:basic-user (bound to system:authenticated) gained selfsubjectreviews create."""
    assert _can(version, "no-such-role", "create", "selfsubjectreviews", "authentication.k8s.io") is expected


@pytest.mark.parametrize(("version", "expected"), [("1.20", False), ("1.31", False), ("1.32", False),
                                                   ("1.33", False), ("1.34", True)])  # fmt: skip
def test_view_lists_resourceclaims_from_1_34(version: str, expected: bool) -> None:
    """DynamicResourceAllocation is on by default from 1.34 (GA): view/edit/admin cover resource.k8s.io."""
    assert _can(version, "view", "list", "resourceclaims", "resource.k8s.io") is expected
    assert ("resourceclaims.resource.k8s.io" in api_resources(version)) is expected


def test_discovery_has_only_default_group_versions() -> None:
    """The golden discovery is written with every API version on; the vendored file keeps the ones
    kube-apiserver serves by default (stable versions; no alpha or beta group version)."""
    for version in EKS_ERA:
        versions = {(r.group, r.version) for r in api_resources(version).values()}
        assert all("alpha" not in v and "beta" not in v for _, v in versions), version
    assert api_resources("1.34")["resourceclaims.resource.k8s.io"].version == "v1"
    assert api_resources("1.33")["horizontalpodautoscalers.autoscaling"].version == "v2"
    assert "volumeattributesclasses.storage.k8s.io" in api_resources("1.34")
    assert "volumeattributesclasses.storage.k8s.io" not in api_resources("1.33")  # v1beta1 there, off by default
    assert api_resources("1.34")["pods"].subresource_verbs["resize"] == ("get", "patch", "update")
    assert len(api_resources("1.31")) == 58 and len(api_resources("1.34")) == 65


def test_monitoring_reads_node_metrics_from_1_34() -> None:
    def rules(version: str) -> list[Any]:
        roles = {r["metadata"]["name"]: r for r in bootstrap_policy(version).cluster_roles}
        return list(roles["system:monitoring"]["rules"])

    assert {"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]} in rules("1.34")
    assert all("resources" not in r for r in rules("1.33"))


SAMPLE = """apiVersion: v1
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: keep
  rules:
  - apiGroups:
    - ""
    resources:
    - endpoints
    - services
    verbs:
    - create
  - apiGroups:
    - discovery.k8s.io
    resources:
    - endpointslices/restricted
    verbs:
    - create
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: drop
  rules: null
kind: List
metadata: {}
"""


def test_carry_removal_keeps_every_other_byte() -> None:
    carries = [Carry("f", "drop", "why"), Carry("f", "keep", "why", rule=(("discovery.k8s.io",), ("endpointslices/restricted",))),
               Carry("f", "keep", "why", rule=(("",), ("endpoints", "services")), resource="endpoints")]  # fmt: skip
    assert vendor_yaml(SAMPLE, carries) == (
        'apiVersion: v1\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata:\n'
        '    name: keep\n  rules:\n  - apiGroups:\n    - ""\n    resources:\n    - services\n    verbs:\n'
        '    - create\nkind: List\nmetadata: {}\n')  # fmt: skip
    with pytest.raises(VendorError, match=r"matched 0 items, expected 1"):
        vendor_yaml(SAMPLE, [Carry("f", "absent", "why")])
    with pytest.raises(VendorError, match=r"matched 0 rules, expected 1"):
        vendor_yaml(SAMPLE, [Carry("f", "keep", "why", rule=(("apps",), ("deployments",)))])


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no openshift/microshift git dir at {MIRROR}")
@pytest.mark.parametrize("version", EKS_ERA)
def test_vendoring_is_reproducible_from_the_git_dir(version: str) -> None:
    files, entry = vendor(MIRROR, version)
    folder = resources.files("eks_access.kubedata").joinpath("data", version)
    for name, content in files.items():
        assert folder.joinpath(name).read_bytes() == content, name
    assert entry == index()[version]
    raw = json.loads(folder.joinpath("api-resources.json").read_text(encoding="utf-8"))
    assert raw["source"] == entry["apiResources"]
    assert yaml.safe_load(files["cluster-roles.yaml"])["kind"] == "List"
