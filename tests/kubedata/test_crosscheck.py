"""Second, independent source for the vendored 1.31 and 1.32 policy: the Go bootstrap policy that
kubeedge/kubeedge release tags vendor (k8s.io/kubernetes at a nearby patch level, replaced by
kubeedge's fork, unrelated to OpenShift's), rendered in the golden files' form by ``tools/kubedata/render.sh``. Its record
(``tests/kubedata/kubeedge/<minor>/render.json``: tag, commit, the vendor/modules.txt line, the Go
used, the SHA-256 of each rendered file) is committed, so this test needs no Go.

The rendering is byte for byte the vendored file for all six files of both releases: every carry
was removed and nothing else differs (see kubedata/data/SOURCE.md)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, cast

import pytest

from eks_access.kubedata import bootstrap_policy
from eks_access.kubedata.vendor import YAML_FILES, item_name, split_items

RENDERED = Path(__file__).parent / "kubeedge"

#: minor -> (kubeedge tag, its commit, the k8s.io/kubernetes line of its vendor/modules.txt, the Go
#: it was built with, the scratch copy's `go` line edit).
SOURCES = {
    "1.29": ("v1.18.0", "c5e705a7545de9e7e36ed6b1fbb2072ad5b5e1d3",
             "# k8s.io/kubernetes v1.29.6 => github.com/kubeedge/kubernetes v1.29.6-kubeedge1", "go1.22.12", None),
    "1.30": ("v1.20.0", "bae61505d4919c404665f70347ad0646aaa98958",
             "# k8s.io/kubernetes v1.30.7 => github.com/kubeedge/kubernetes v1.30.7-kubeedge1", "go1.22.12", None),
    "1.31": ("v1.22.0", "bef9dd9e2b090fec90336214f45d4ef2c50ab7da",
             "# k8s.io/kubernetes v1.31.12 => github.com/kubeedge/kubernetes v1.31.12-kubeedge3", "go1.22.12", None),
    "1.32": ("v1.23.0", "8e9e9fb155d9dee3fd8b6c00463b1b2be7b3e3b4",
             "# k8s.io/kubernetes v1.32.10 => github.com/kubeedge/kubernetes v1.32.10-kubeedge1", "go1.23.5",
             "go 1.23.12 lowered to 1.23.5 in go.mod and vendor/modules.txt"),
}  # fmt: skip


def _record(minor: str) -> dict[str, Any]:
    text = (RENDERED / minor / "render.json").read_text(encoding="utf-8")
    return cast("dict[str, Any]", json.loads(text))


@pytest.mark.parametrize("minor", sorted(SOURCES))
def test_rendering_is_recorded(minor: str) -> None:
    record = _record(minor)
    assert (record["repository"], record["tag"], record["commit"], record["modulesTxt"], record["go"],
            record["goModEdit"]) == ("https://github.com/kubeedge/kubeedge", *SOURCES[minor])  # fmt: skip
    assert sorted(record["files"]) == sorted([*YAML_FILES, "feature-gates.json"])


#: 1.29's data is Kubernetes 1.29.14, kubeedge v1.18.0's 1.29.6. In between, 1.29.9 took
#: kubernetes/kubernetes#126920 (cherry-pick #127068): the statefulset-controller lists and watches
#: PersistentVolumeClaims and updates pods/finalizers (StatefulSetAutoDeletePVC, on by default).
#: 1.30.7 already has it (#127067), so 1.30 is byte for byte the rendering.
_PVC_READ_1_29_14 = """    - persistentvolumeclaims
    verbs:
    - create
    - get
    - list
    - watch
"""
_FINALIZERS_1_29_14 = """  - apiGroups:
    - ""
    resources:
    - pods/finalizers
    verbs:
    - update
"""


def _before_126920(text: str) -> str:
    """``controller-roles.yaml`` of 1.29.14 with #126920's two statefulset-controller changes undone."""
    head, items, tail = split_items(text)
    (i,) = [i for i, item in enumerate(items) if item_name(item) == "system:controller:statefulset-controller"]
    item = items[i]
    assert item.count(_PVC_READ_1_29_14) == 1 and item.count(_FINALIZERS_1_29_14) == 1
    items[i] = item.replace(_PVC_READ_1_29_14, _PVC_READ_1_29_14.replace("    - list\n    - watch\n", "")).replace(
        _FINALIZERS_1_29_14, "")
    return head + "".join(items) + tail


#: Upstream patches between kubeedge's patch level and the shipped one: file -> undo.
PATCHES: dict[str, dict[str, Callable[[str], str]]] = {"1.29": {"controller-roles.yaml": _before_126920}}


def _unchanged(text: str) -> str:
    return text


@pytest.mark.parametrize("minor", sorted(SOURCES))
def test_vendored_policy_is_the_go_source_rendering(minor: str) -> None:
    """Each vendored YAML file (MicroShift golden file or rendering, carries removed) has the SHA-256
    of the file rendered from kubeedge's vendored Go source, once the upstream patches made between
    the two patch levels are undone."""
    rendered = _record(minor)["files"]
    folder = resources.files("eks_access.kubedata").joinpath("data", minor)
    undo = PATCHES.get(minor, {})
    vendored = {name: folder.joinpath(name).read_text(encoding="utf-8") for name in YAML_FILES}
    vendored = {name: undo.get(name, _unchanged)(text) for name, text in vendored.items()}
    digests = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in vendored.items()}
    assert digests == {name: rendered[name] for name in YAML_FILES}


def test_1_29_has_the_126920_backport() -> None:
    """The one 1.29.6 -> 1.29.14 difference: without it, the vendored file is not the rendering."""
    folder = resources.files("eks_access.kubedata").joinpath("data", "1.29")
    text = folder.joinpath("controller-roles.yaml").read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode()).hexdigest() != _record("1.29")["files"]["controller-roles.yaml"]
    roles = {r["metadata"]["name"]: r for r in bootstrap_policy("1.29").cluster_roles}
    rules = roles["system:controller:statefulset-controller"]["rules"]
    assert {"apiGroups": [""], "resources": ["pods/finalizers"], "verbs": ["update"]} in rules
    assert {"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["create", "get", "list", "watch"]} in rules


_COMMON_GATES = {"APIServerIdentity": True, "ClusterTrustBundle": False, "DynamicResourceAllocation": False,
                 "MultiCIDRServiceAllocator": False, "StatefulSetAutoDeletePVC": True, "StorageVersionAPI": False,
                 "StorageVersionMigrator": False}  # fmt: skip
#: The feature gates each release's Go policy consults (``features.X`` in its source), at their defaults.
GATES = {
    "1.29": {"APIServerIdentity": True, "ClusterTrustBundle": False, "DynamicResourceAllocation": False,
             "LegacyServiceAccountTokenCleanUp": True, "MultiCIDRServiceAllocator": False,
             "PodDisruptionConditions": True, "StatefulSetAutoDeletePVC": True, "StorageVersionAPI": False,
             "ValidatingAdmissionPolicy": False},
    "1.30": {**_COMMON_GATES, "PodDisruptionConditions": True, "ValidatingAdmissionPolicy": True},
    "1.31": {**_COMMON_GATES, "ValidatingAdmissionPolicy": True},
    "1.32": {**_COMMON_GATES, "KubeletFineGrainedAuthz": False, "SELinuxChangePolicy": False,
             "VolumeAttributesClass": False},
}  # fmt: skip


@pytest.mark.parametrize("minor", sorted(SOURCES))
def test_rendered_with_default_feature_gates(minor: str) -> None:
    """The golden files are made with each release's default gates, and so is the rendering:
    DynamicResourceAllocation off, so neither has resource.k8s.io rules in view."""
    gates_file = RENDERED / minor / "feature-gates.json"
    assert hashlib.sha256(gates_file.read_bytes()).hexdigest() == _record(minor)["files"]["feature-gates.json"]
    assert json.loads(gates_file.read_text(encoding="utf-8")) == GATES[minor]
    roles = {r["metadata"]["name"]: r for r in bootstrap_policy(minor).cluster_roles}
    assert not any("resource.k8s.io" in (r.get("apiGroups") or ()) for r in roles["system:aggregate-to-view"]["rules"])
