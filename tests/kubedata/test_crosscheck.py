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
from importlib import resources
from pathlib import Path
from typing import Any, cast

import pytest

from eks_access.kubedata import bootstrap_policy
from eks_access.kubedata.vendor import YAML_FILES

RENDERED = Path(__file__).parent / "kubeedge"

#: minor -> (kubeedge tag, its commit, the k8s.io/kubernetes line of its vendor/modules.txt, the Go
#: it was built with, the scratch copy's `go` line edit).
SOURCES = {
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


@pytest.mark.parametrize("minor", sorted(SOURCES))
def test_vendored_policy_is_the_go_source_rendering(minor: str) -> None:
    """Each vendored YAML file (MicroShift golden file, carries removed) has the SHA-256 of the
    file rendered from kubeedge's vendored Go source."""
    rendered = _record(minor)["files"]
    folder = resources.files("eks_access.kubedata").joinpath("data", minor)
    vendored = {name: hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() for name in YAML_FILES}
    assert vendored == {name: rendered[name] for name in YAML_FILES}


_COMMON_GATES = {"APIServerIdentity": True, "ClusterTrustBundle": False, "DynamicResourceAllocation": False,
                 "MultiCIDRServiceAllocator": False, "StatefulSetAutoDeletePVC": True, "StorageVersionAPI": False,
                 "StorageVersionMigrator": False}  # fmt: skip
#: The feature gates each release's Go policy consults (``features.X`` in its source), at their defaults.
GATES = {
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
