"""Shipped data: the Kubernetes bootstrap RBAC policy and the EKS access-policy table.

Loaded once per process: the analyzer answers many questions against the same defaults and
the YAML parse is the slowest part of building a small graph.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, cast

import yaml

_DATA = "eks_access.analysis.data"

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader


def _text(name: str) -> str:
    return resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")


def _items(name: str) -> list[dict[str, Any]]:
    doc = yaml.load(_text(name), Loader=_Loader)
    return cast("list[dict[str, Any]]", doc.get("items") or [])


@cache
def bootstrap_cluster_roles() -> tuple[dict[str, Any], ...]:
    """ClusterRoles every cluster starts with (Kubernetes ``bootstrappolicy`` golden data)."""
    return tuple(_items("cluster-roles.yaml"))


@cache
def bootstrap_cluster_role_bindings() -> tuple[dict[str, Any], ...]:
    return tuple(_items("cluster-role-bindings.yaml"))


@cache
def access_policy_roles() -> dict[str, str]:
    """EKS access policy name -> the built-in ClusterRole used to evaluate it."""
    doc = yaml.load(_text("access-policies.yaml"), Loader=_Loader)
    return {str(k): str(v) for k, v in dict(doc).items()}


@cache
def managed_iam_policies() -> dict[str, dict[str, Any]]:
    """The few AWS-managed IAM policy documents the analyzer evaluates."""
    doc = json.loads(_text("iam-managed-policies.json"))
    return {k: v for k, v in doc.items() if not k.startswith("_")}


@cache
def api_resources() -> dict[str, tuple[str, bool]]:
    """Built-in resource -> (API group, namespaced)."""
    doc = yaml.load(_text("api-resources.yaml"), Loader=_Loader)
    return {str(k): (str(v["group"]), bool(v["namespaced"])) for k, v in dict(doc).items()}
