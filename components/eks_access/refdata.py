"""Reference data the model and the authorizers read: the ONE place that knows where it lives.

The API is the one fixed for the vendored data packages (interfaces.md item 4):
``bootstrap_policy(version)``, ``api_resources(version)``, ``SUPPORTED_VERSIONS``,
``DEFAULT_VERSION``, ``UnsupportedVersion`` (``eks_access.kubedata``) and
``managed_policy(arn)``, ``access_policy(name_or_arn)`` (``eks_access.awsdata``). Until those
packages are merged, this module serves the same API from the older files in
``eks_access/analysis/data`` (see their SOURCE.md); switching is a change to this module only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, cast

import yaml

from eks_access.errors import EksAccessError

_DATA = "eks_access.analysis.data"

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

SUPPORTED_VERSIONS: tuple[str, ...] = ("1.30",)
DEFAULT_VERSION = SUPPORTED_VERSIONS[-1]
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


class UnsupportedVersion(EksAccessError):
    """A Kubernetes version with no vendored bootstrap data."""


@dataclass(frozen=True)
class BootstrapPolicy:
    """What the API server creates at start-up, as plain manifest dicts."""

    version: str
    source: str
    cluster_roles: tuple[dict[str, Any], ...]
    cluster_role_bindings: tuple[dict[str, Any], ...]
    roles: tuple[dict[str, Any], ...] = ()
    role_bindings: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ApiResource:
    name: str
    group: str
    namespaced: bool
    kind: str = ""
    verbs: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str
    version_id: str
    document: dict[str, Any]
    source: str
    retrieved: str


@dataclass(frozen=True)
class AccessPolicyPermissions:
    """An EKS access policy's Kubernetes permissions as RBAC PolicyRule dicts."""

    name: str
    arn: str
    rules: tuple[dict[str, Any], ...]
    source: str


def _text(name: str) -> str:
    return resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")


def _items(name: str) -> tuple[dict[str, Any], ...]:
    doc = yaml.load(_text(name), Loader=_Loader)
    return tuple(cast("list[dict[str, Any]]", doc.get("items") or []))


def minor_version(version: str) -> str:
    """``1.31`` from ``1.31``, ``v1.31.2`` or ``1.31.0``; UnsupportedVersion when not supported."""
    match = _VERSION.match(version.strip())
    minor = f"{match.group(1)}.{match.group(2)}" if match else None
    if minor not in SUPPORTED_VERSIONS:
        raise UnsupportedVersion(
            f"Kubernetes version {version!r} is not supported; supported versions: {', '.join(SUPPORTED_VERSIONS)}"
        )
    return str(minor)


@cache
def bootstrap_policy(version: str) -> BootstrapPolicy:
    minor = minor_version(version)
    return BootstrapPolicy(
        version=minor,
        source="kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata (see analysis/data/SOURCE.md)",
        cluster_roles=_items("cluster-roles.yaml"),
        cluster_role_bindings=_items("cluster-role-bindings.yaml"),
    )


@cache
def api_resources(version: str) -> Mapping[str, ApiResource]:
    """Keyed ``resource`` for the core group and ``resource.group`` otherwise."""
    minor_version(version)
    doc = yaml.load(_text("api-resources.yaml"), Loader=_Loader)
    out: dict[str, ApiResource] = {}
    for name, spec in dict(doc).items():
        group = str(spec["group"])
        key = f"{name}.{group}" if group else str(name)
        out[key] = ApiResource(name=str(name), group=group, namespaced=bool(spec["namespaced"]))
    return out


@cache
def _managed_documents() -> dict[str, dict[str, Any]]:
    doc = json.loads(_text("iam-managed-policies.json"))
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def managed_policy(arn: str) -> ManagedPolicy | None:
    """An AWS managed IAM policy's default version, or None when the data lacks it."""
    document = _managed_documents().get(arn)
    if document is None:
        return None
    return ManagedPolicy(
        name=arn.rsplit("/", 1)[-1],
        arn=arn,
        version_id="v1",
        document=document,
        source="published AWS managed policy document (see analysis/data/SOURCE.md)",
        retrieved="",
    )


@cache
def _access_policy_roles() -> dict[str, str]:
    doc = yaml.load(_text("access-policies.yaml"), Loader=_Loader)
    return {str(k): str(v) for k, v in dict(doc).items()}


def access_policy(name_or_arn: str) -> AccessPolicyPermissions | None:
    """The Kubernetes rules of an EKS access policy, or None when the data lacks it."""
    name = name_or_arn.rsplit("/", 1)[-1]
    role = _access_policy_roles().get(name)
    if role is None:
        return None
    return AccessPolicyPermissions(
        name=name,
        arn=f"arn:aws:eks::aws:cluster-access-policy/{name}",
        rules=_aggregated_rules(role),
        source=f"evaluated as the built-in ClusterRole {role} (see analysis/data/SOURCE.md)",
    )


def _aggregated_rules(role: str) -> tuple[dict[str, Any], ...]:
    """The rules of a bootstrap ClusterRole with its aggregation applied (matchLabels only)."""
    roles = {str(r["metadata"]["name"]): r for r in bootstrap_policy(DEFAULT_VERSION).cluster_roles}
    target = roles[role]
    selectors = (target.get("aggregationRule") or {}).get("clusterRoleSelectors")
    if selectors is None:
        return tuple(target.get("rules") or ())
    rules: list[dict[str, Any]] = []
    for name in sorted(roles):
        labels = roles[name]["metadata"].get("labels") or {}
        if name != role and any(all(labels.get(k) == v for k, v in s.get("matchLabels", {}).items()) for s in selectors):
            for rule in _aggregated_rules(name):
                if rule not in rules:
                    rules.append(rule)
    return tuple(rules)
