"""The RBAC objects kube-apiserver creates at start-up (its ``rbac/bootstrap-roles`` hook).

The files are upstream's golden test data (``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/
testdata/``), which ``TestBootstrap*`` in that package keeps equal to what the API server
writes; the e2e tests compare them with a live server of the same release as well.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .versions import DATA_PACKAGE, index, normalize_version

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

Manifest = dict[str, Any]

# Which golden file feeds which field: bootstrappolicy.ClusterRoles()/ControllerRoles() are both
# ClusterRoles, NamespaceRoles() are Roles keyed by namespace (upstream policy.go, controller_policy.go,
# namespace_policy.go).
CLUSTER_ROLE_FILES = ("cluster-roles.yaml", "controller-roles.yaml")
CLUSTER_ROLE_BINDING_FILES = ("cluster-role-bindings.yaml", "controller-role-bindings.yaml")
ROLE_FILES = ("namespace-roles.yaml",)
ROLE_BINDING_FILES = ("namespace-role-bindings.yaml",)


@dataclass(frozen=True)
class BootstrapPolicy:
    """One release's built-in RBAC objects, as plain manifests (namespaced ones carry
    ``metadata.namespace``; aggregated ClusterRoles keep ``aggregationRule`` and no rules, as
    created, before the aggregation controller fills them)."""

    version: str
    source: str
    cluster_roles: tuple[Manifest, ...]
    cluster_role_bindings: tuple[Manifest, ...]
    roles: tuple[Manifest, ...]
    role_bindings: tuple[Manifest, ...]


def bootstrap_policy(version: str) -> BootstrapPolicy:
    """The bootstrap policy of ``version`` ("1.20" or "v1.20.2"); each call returns fresh copies."""
    minor = normalize_version(version)
    loaded = _load(minor)
    return BootstrapPolicy(
        version=minor,
        source=loaded.source,
        cluster_roles=copy.deepcopy(loaded.cluster_roles),
        cluster_role_bindings=copy.deepcopy(loaded.cluster_role_bindings),
        roles=copy.deepcopy(loaded.roles),
        role_bindings=copy.deepcopy(loaded.role_bindings),
    )


@cache
def _load(minor: str) -> BootstrapPolicy:
    entry = index()[minor]
    return BootstrapPolicy(
        version=minor,
        source=f"{entry['repository']} {entry['tag']} ({entry['commit']}) {entry['path']}",
        cluster_roles=_items(minor, CLUSTER_ROLE_FILES),
        cluster_role_bindings=_items(minor, CLUSTER_ROLE_BINDING_FILES),
        roles=_items(minor, ROLE_FILES),
        role_bindings=_items(minor, ROLE_BINDING_FILES),
    )


def _items(minor: str, files: tuple[str, ...]) -> tuple[Manifest, ...]:
    out: list[Manifest] = []
    for name in files:
        text = resources.files(DATA_PACKAGE).joinpath("data", minor, name).read_text(encoding="utf-8")
        out.extend(yaml.load(text, Loader=_Loader).get("items") or [])
    return tuple(out)
