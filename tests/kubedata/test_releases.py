"""The EKS-era releases vendored from openshift/microshift: recorded source, no OpenShift carry
left, and answers that differ from 1.20 where upstream changed the built-in roles."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from eks_access.analysis import Analyzer
from eks_access.authz.kubernetes import KubernetesAuthorizer
from eks_access.authz.rbac.attributes import Attributes
from eks_access.kubedata import api_resources, bootstrap_policy
from eks_access.kubedata.vendor import (
    _SELINUX,
    CARRIES,
    RELEASES,
    RENDERED_RELEASES,
    TESTDATA,
    YAML_FILES,
    Carry,
    VendorError,
    default_group_versions,
    filter_live,
    git_show,
    vendor,
    vendor_yaml,
)
from eks_access.kubedata.versions import index
from eks_access.model import read_model
from tests.builders import binding, group

#: What each release's index entry must say (Makefile.kube_git.var of the branch; its commit).
RECORDED = {
    "1.29": ("release-4.16", "v1.29.14", "91309aca13eedda2fca02ebf173b5d27ac4dbe33"),
    "1.30": ("release-4.17", "v1.30.14", "3a1aed37575a247e214425942d7da81495c1877e"),
    "1.31": ("release-4.18", "v1.31.14", "8eb6c2962b3a2c6a8545e6726b3213a0dcff81a0"),
    "1.32": ("release-4.19", "v1.32.13", "d4b43f374a5bc0e0f44c07ff773061e27c7f2a08"),
    "1.33": ("release-4.20", "v1.33.13", "78a395343031f8800b7139df070665e03b42f934"),
    "1.34": ("release-4.21", "v1.34.9", "473c3de15d9aeeb399aa95250672c07655554015"),
    "1.35": ("release-4.22", "v1.35.6", "5019821e0eb2f9a74e00e2aab215144336c4b981"),
    "1.36": ("release-4.23", "v1.36.3", "ab25d11482f8984db7b860ed44c6955f231cf18f"),
}
EKS_ERA = tuple(RECORDED)
FROM_TREE = tuple(RELEASES)  # golden files and discovery documents in MicroShift's deps/ tree
RENDERED = tuple(RENDERED_RELEASES)  # Go-vendored tree: a render.sh rendering and a live server
#: The k8s.io/kubernetes line of the rendered branch's vendor/modules.txt (the KUBE_GIT_COMMIT's prefix).
MODULES_TXT = {
    "1.29": "# k8s.io/kubernetes v1.29.1 => github.com/openshift/kubernetes v0.0.0-20260209193319-41c4e9ba94f4",
    "1.30": "# k8s.io/kubernetes v1.30.1 => github.com/openshift/kubernetes v0.0.0-20260203155829-4e295fa517e1",
}
HERE = Path(__file__).parent
MIRROR = Path("/work/.mirror/openshift+microshift/repo")


@pytest.mark.parametrize("version", EKS_ERA)
def test_release_recorded(version: str) -> None:
    entry = index()[version]
    branch, tag, commit = RECORDED[version]
    assert (entry["repository"], entry["branch"], entry["tag"], entry["commit"]) == (
        "https://github.com/openshift/microshift", branch, tag, commit)
    assert entry["versionEvidence"] == f"Makefile.kube_git.var: KUBE_GIT_VERSION={tag}"
    assert entry["carriesRemoved"] == [c.describe() for c in CARRIES[version]]
    if version in RENDERED:
        assert RENDERED_RELEASES[version] == (branch, tag)
        path = ("vendor/k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy/ rendered by "
                f"tools/kubedata/render.sh with go1.22.12 ({MODULES_TXT[version]})")
    else:
        assert RELEASES[version] == (branch, tag)
        path = "deps/github.com/openshift/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/"
    assert bootstrap_policy(version).source == f"https://github.com/openshift/microshift {tag} ({commit}) {path}"


@pytest.mark.parametrize("version", RENDERED)
def test_rendering_recorded(version: str) -> None:
    """tools/kubedata/render.sh's record of the MicroShift rendering the YAML was taken from."""
    record = json.loads((HERE / "microshift" / version / "render.json").read_text(encoding="utf-8"))
    assert (record["repository"], record["tag"], record["commit"], record["modulesTxt"], record["go"]) == (
        "https://github.com/openshift/microshift", RECORDED[version][0], RECORDED[version][2],
        MODULES_TXT[version], "go1.22.12")
    # The rendering holds the carries; the vendored files differ from it exactly where they were removed.
    vendored = index()[version]["files"]
    for name, digest in record["files"].items():
        if name.endswith(".yaml"):
            removed = any(c.file == name for c in CARRIES[version])
            assert (digest != vendored[name]) is removed, name


#: 1.35 and 1.36: ``REPOSITORY=https://github.com/openshift/microshift sh tools/kubedata/render.sh GITDIR
#: release-4.22 GO OUT`` (release-4.23 likewise), which renders the branch's Go-vendored policy
#: (``vendor/modules.txt`` replaces k8s.io/kubernetes by the deps/ tree) with the default gates.
GOLDEN_RENDERED = {
    "1.35": ("# k8s.io/kubernetes v1.35.6 => ./deps/github.com/openshift/kubernetes", "go1.25.12"),
    "1.36": ("# k8s.io/kubernetes v1.36.3 => ./deps/github.com/openshift/kubernetes", "go1.26.11"),
}


def _golden_render(version: str) -> tuple[dict[str, Any], dict[str, bool]]:
    folder = HERE / "microshift" / version
    record = json.loads((folder / "render.json").read_text(encoding="utf-8"))
    return record, json.loads((folder / "feature-gates.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("version", GOLDEN_RENDERED)
def test_1_35_and_1_36_follow_the_default_feature_gates(version: str) -> None:
    """The Go policy rendered with each release's DEFAULT gates gives the golden files vendor.py reads
    (with the carries: the vendored files differ from the rendering exactly where one was removed);
    cluster-roles-featuregates.yaml (AllAlpha and AllBeta on) is not that and is not used."""
    record, gates = _golden_render(version)
    branch, _, commit = RECORDED[version]
    assert (record["repository"], record["tag"], record["commit"], record["modulesTxt"], record["go"], record["goModEdit"]) == (
        "https://github.com/openshift/microshift", branch, commit, *GOLDEN_RENDERED[version], None)
    vendored = index()[version]["files"]
    for name in YAML_FILES:
        assert (record["files"][name] != vendored[name]) is any(c.file == name for c in CARRIES[version]), name
    on_in_1_36 = version == "1.36"
    assert (gates["DRADeviceTaints"], gates["DRAExtendedResource"]) == (on_in_1_36, on_in_1_36)  # beta, on from 1.36
    assert (gates["DynamicResourceAllocation"], gates["GenericWorkload"], gates["DRADeviceTaintRules"]) == (True, False, False)


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no openshift/microshift git dir at {MIRROR}")
@pytest.mark.parametrize("version", GOLDEN_RENDERED)
def test_the_trees_golden_files_are_the_rendering(version: str) -> None:
    record, _ = _golden_render(version)
    for name in YAML_FILES:
        golden = git_show(MIRROR, record["commit"], TESTDATA + name)
        assert hashlib.sha256(golden).hexdigest() == record["files"][name], name


def _live(version: str) -> dict[str, Any]:
    return dict(json.loads((HERE / "live" / version / "discovery.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("version", RENDERED)
def test_live_discovery_is_the_one_vendored(version: str) -> None:
    """The OpenShift build serves exactly upstream's default group versions: the default filter
    of the vendored instance.go keeps every live entry (the recorded live document is the file's)."""
    live = _live(version)
    assert live["source"] == f"discovery of a live kube-apiserver {RECORDED[version][1]} (tests/e2e/discovery.py)"
    vendored = json.loads(resources.files("eks_access.kubedata").joinpath("data", version, "api-resources.json")
                          .read_text(encoding="utf-8"))  # fmt: skip
    assert vendored["resources"] == live["resources"]
    assert vendored["source"].startswith(live["source"] + ", built from https://github.com/openshift/microshift")


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no openshift/microshift git dir at {MIRROR}")
@pytest.mark.parametrize("version", RENDERED)
def test_live_discovery_passes_the_default_filter(version: str) -> None:
    instance_go = git_show(MIRROR, RECORDED[version][0], "vendor/k8s.io/kubernetes/pkg/controlplane/instance.go").decode()
    live = _live(version)
    assert filter_live(live, instance_go) == live["resources"]
    beta = {**live, "resources": [{**live["resources"][0], "group": "storage.k8s.io", "version": "v1beta1"}]}
    assert filter_live(beta, instance_go) == []  # off by default upstream: dropped


def _text(version: str) -> str:
    """Every vendored YAML file and the discovered resources (not the ``source`` line naming the tree)."""
    folder = resources.files("eks_access.kubedata").joinpath("data", version)
    names = sorted(n for n in index()[version]["files"] if n.endswith(".yaml"))
    discovered = json.loads(folder.joinpath("api-resources.json").read_text(encoding="utf-8"))["resources"]
    return "".join(folder.joinpath(n).read_text(encoding="utf-8") for n in names) + json.dumps(discovered)


@pytest.mark.parametrize("version", EKS_ERA)
def test_no_openshift_carry_is_left(version: str) -> None:
    text = _text(version)
    for marker in ("openshift", "service-ca-cert-publisher", "endpointslices/restricted", "selinux-conflicts"):
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


@pytest.mark.parametrize(("version", "expected"), [("1.20", False), ("1.29", False), ("1.30", False), ("1.31", False),
                                                   ("1.32", False), ("1.33", False), ("1.34", True), ("1.35", True),
                                                   ("1.36", True)])  # fmt: skip
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
    assert len(api_resources("1.35")) == 65 and len(api_resources("1.36")) == 67
    assert len(api_resources("1.29")) == 56 and len(api_resources("1.30")) == 58


def test_generic_and_kube_apiserver_stable_lists_are_both_enabled() -> None:
    """1.36's instance.go moves core, rbac, events, ... into genericStableAPIGroupVersionsEnabledByDefault
    (the generic control plane's groups); DefaultAPIResourceConfigSource enables it and the kube-apiserver
    list alike, so 1.36 serves pods and roles as every release does."""
    go = ('import (\n\tapiv1 "k8s.io/api/core/v1"\n\tappsv1 "k8s.io/api/apps/v1"\n)\n'
          'genericStableAPIGroupVersionsEnabledByDefault = []schema.GroupVersion{\n\t\tapiv1.SchemeGroupVersion,\n\t}\n'
          'stableAPIGroupVersionsEnabledByDefault = []schema.GroupVersion{\n\t\tappsv1.SchemeGroupVersion,\n\t}\n')  # fmt: skip
    assert default_group_versions(go) == ({("core", "v1"), ("apps", "v1")}, set())
    with pytest.raises(VendorError, match=r"^stableAPIGroupVersionsEnabledByDefault not found$"):
        default_group_versions(go.replace("EnabledByDefault", "Other"))
    for name in ("pods", "roles.rbac.authorization.k8s.io", "events.events.k8s.io", "deployments.apps"):
        assert name in api_resources("1.36"), name


def test_monitoring_reads_node_metrics_from_1_34() -> None:
    def rules(version: str) -> list[Any]:
        roles = {r["metadata"]["name"]: r for r in bootstrap_policy(version).cluster_roles}
        return list(roles["system:monitoring"]["rules"])

    assert {"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]} in rules("1.34")
    assert all("resources" not in r for r in rules("1.33"))
    assert rules("1.35") == rules("1.34")


# --- what changed since 1.34, asked through can-i / who-can (Analyzer, the CLI's engine) -----------

_TEAMS = [binding("v", "ClusterRole", "view", [group("viewers")], namespace="dev"),
          binding("e", "ClusterRole", "edit", [group("editors")], namespace="dev")]  # fmt: skip


def _who(version: str, verb: str, resource: str, namespace: str | None = None) -> list[str]:
    analyzer = Analyzer.from_records(_TEAMS, version)
    return [e.principal.display for e in analyzer.who_can(analyzer.request(verb, resource, namespace))]


@pytest.mark.parametrize(("version", "expected"), [("1.34", False), ("1.35", True), ("1.36", True)])
def test_view_and_edit_cover_events_k8s_io_from_1_35(version: str, expected: bool) -> None:
    """kubernetes/kubernetes#133740 (1.35): view/edit (so admin) cover events.k8s.io events as they
    cover core events; system:node writes them too."""
    analyzer = Analyzer.from_records(_TEAMS, version)
    assert analyzer.can_i("user:u", "list", "events.events.k8s.io", "dev", groups=["viewers"]).allowed is expected
    assert analyzer.can_i("user:u", "create", "events.events.k8s.io", "dev", groups=["editors"]).allowed is expected
    assert not analyzer.can_i("user:u", "create", "events.events.k8s.io", "dev", groups=["viewers"]).allowed
    assert analyzer.can_i("user:u", "list", "events", "dev", groups=["viewers"]).allowed  # core events: every release
    assert ("group:viewers" in _who(version, "watch", "events.events.k8s.io", "dev")) is expected


@pytest.mark.parametrize(("version", "expected"), [("1.34", True), ("1.35", False), ("1.36", False)])
def test_scheduler_leader_lock_on_configmaps_is_gone_from_1_35(version: str, expected: bool) -> None:
    """kubernetes/kubernetes#134297 (1.35): the kube-system leader-locking Roles keep leases only."""
    analyzer = Analyzer.from_records([], version)
    lock = analyzer.can_i("user:system:kube-scheduler", "update", "configmaps", "kube-system", name="kube-scheduler")
    assert lock.allowed is expected
    kcm = analyzer.can_i("user:system:kube-controller-manager", "get", "configmaps", "kube-system", name="kube-controller-manager")
    assert kcm.allowed  # system:kube-controller-manager's own ClusterRole reads configmaps in every release
    assert analyzer.can_i("user:system:kube-scheduler", "update", "leases.coordination.k8s.io", "kube-system",
                          name="kube-scheduler").allowed  # fmt: skip
    assert ("user:system:kube-scheduler" in _who(version, "watch", "configmaps", "kube-system")) is expected


@pytest.mark.parametrize(("version", "expected"), [("1.35", False), ("1.36", True)])
def test_monitoring_reads_flagz_and_statusz_from_1_36(version: str, expected: bool) -> None:
    """ComponentFlagz and ComponentStatusz are on by default from 1.36 (beta): system:monitoring gets them."""
    assert ("group:system:monitoring" in _who(version, "get", "/flagz")) is expected
    analyzer = Analyzer.from_records([], version)
    assert analyzer.can_i("user:u", "get", "/statusz", groups=["system:monitoring"]).allowed is expected
    assert analyzer.can_i("user:u", "get", "/metrics", groups=["system:monitoring"]).allowed


@pytest.mark.parametrize(("version", "expected"), [("1.35", False), ("1.36", True)])
def test_scheduler_creates_resourceclaims_from_1_36(version: str, expected: bool) -> None:
    """DRAExtendedResource is on by default from 1.36 (beta): kube-scheduler creates and deletes
    ResourceClaims (and, DRAResourceClaimGranularStatusAuthorization, updates resourceclaims/binding)."""
    analyzer = Analyzer.from_records([], version)
    assert analyzer.can_i("user:system:kube-scheduler", "create", "resourceclaims.resource.k8s.io", "dev").allowed is expected
    assert ("user:system:kube-scheduler" in _who(version, "delete", "resourceclaims.resource.k8s.io", "dev")) is expected


@pytest.mark.parametrize(("version", "expected"), [("1.35", False), ("1.36", True)])
def test_mutating_admission_policies_are_served_from_1_36(version: str, expected: bool) -> None:
    """admissionregistration.k8s.io/v1 MutatingAdmissionPolicy is GA (on by default) in 1.36."""
    for name in ("mutatingadmissionpolicies", "mutatingadmissionpolicybindings"):
        assert (f"{name}.admissionregistration.k8s.io" in api_resources(version)) is expected


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


SAME_RESOURCE = """apiVersion: v1
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: reporter
  rules:
  - apiGroups:
    - ""
    resources:
    - configmaps
    verbs:
    - create
  - apiGroups:
    - ""
    resourceNames:
    - selinux-conflicts
    resources:
    - configmaps
    verbs:
    - patch
  - apiGroups:
    - ""
    resources:
    - pods
    verbs:
    - get
kind: List
metadata: {}
"""


def test_a_carry_tells_rules_of_one_resource_apart_by_resource_names() -> None:
    """1.36's selinux-warning-controller carry is two rules on core configmaps: one unnamed, one for
    the selinux-conflicts ConfigMap; each Carry matches exactly one of them."""
    unnamed = Carry("f", "reporter", "why", rule=(("",), ("configmaps",)))
    named = Carry("f", "reporter", "why", rule=(("",), ("configmaps",)), names=("selinux-conflicts",))
    assert "patch" in vendor_yaml(SAME_RESOURCE, [unnamed]) and "create" not in vendor_yaml(SAME_RESOURCE, [unnamed])
    assert "create" in vendor_yaml(SAME_RESOURCE, [named]) and "patch" not in vendor_yaml(SAME_RESOURCE, [named])
    assert vendor_yaml(SAME_RESOURCE, [unnamed, named]).endswith(
        '    name: reporter\n  rules:\n  - apiGroups:\n    - ""\n    resources:\n    - pods\n    verbs:\n    - get\n'
        "kind: List\nmetadata: {}\n")
    assert named.describe() == ("f reporter: rule apiGroups=[''] resources=['configmaps'] "
                                "resourceNames=['selinux-conflicts'] removed (why)")  # fmt: skip
    with pytest.raises(VendorError, match=r"matched 0 rules, expected 1"):
        vendor_yaml(SAME_RESOURCE, [Carry("f", "reporter", "why", rule=(("",), ("configmaps",)), names=("other",))])


@pytest.mark.parametrize("version", ["1.35", "1.36"])
def test_selinux_warning_controller_creates_no_configmap(version: str) -> None:
    """Upstream's selinux-warning-controller only reads and emits events; OpenShift 5.0's SELinux
    conflicts reporter (configmaps create, selinux-conflicts patch) is a carry, removed from 1.36."""
    analyzer = Analyzer.from_records([], version)
    sa = "serviceaccount:kube-system:selinux-warning-controller"
    assert not analyzer.can_i(sa, "create", "configmaps", "openshift-config").allowed
    assert not analyzer.can_i(sa, "patch", "configmaps", "openshift-config", name="selinux-conflicts").allowed
    assert analyzer.can_i(sa, "list", "pods", "dev").allowed


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no openshift/microshift git dir at {MIRROR}")
def test_the_1_36_tree_holds_the_selinux_reporter_carry() -> None:
    raw = git_show(MIRROR, RECORDED["1.36"][0], TESTDATA + "controller-roles.yaml").decode()
    assert "    - selinux-conflicts\n" in raw
    assert "selinux-conflicts" not in git_show(MIRROR, RECORDED["1.35"][0], TESTDATA + "controller-roles.yaml").decode()
    assert [c.describe() for c in CARRIES["1.36"][len(CARRIES["1.35"]):]] == [
        f"controller-roles.yaml system:controller:selinux-warning-controller: rule apiGroups=[''] resources=['configmaps']{n} "
        f"removed ({_SELINUX})" for n in ("", " resourceNames=['selinux-conflicts']")]  # fmt: skip


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no openshift/microshift git dir at {MIRROR}")
@pytest.mark.parametrize("version", FROM_TREE)
def test_vendoring_is_reproducible_from_the_git_dir(version: str) -> None:
    files, entry = vendor(MIRROR, version)
    folder = resources.files("eks_access.kubedata").joinpath("data", version)
    for name, content in files.items():
        assert folder.joinpath(name).read_bytes() == content, name
    assert entry == index()[version]
    raw = json.loads(folder.joinpath("api-resources.json").read_text(encoding="utf-8"))
    assert raw["source"] == entry["apiResources"]
    assert yaml.safe_load(files["cluster-roles.yaml"])["kind"] == "List"
