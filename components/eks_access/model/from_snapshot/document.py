"""The snapshot document (docs/snapshot-format.md): its envelope, checked before anything is read.

Each section holds the services' own response shapes (boto3's, with dates as ISO 8601 text;
the Kubernetes API's JSON), so what the collector stored is what AWS and the API server said.
Errors name the key path (``eks.accessEntries[2].accessEntry.principalArn``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_access.errors import EksAccessError
from eks_access.model.denied import DeniedCall
from eks_access.model.values import kind_of

FORMAT = "eks-access-snapshot"
VERSION = 2
#: Versions this reader reads: 1 is 2 without the keys of :data:`ADDED_IN_2` (read as not collected).
VERSIONS = (1, 2)
ADDED_IN_2 = {("eks", "addons"), ("kubernetes", "discovery")}

#: section -> key -> "list" | "object" | "object-or-null"
SHAPE: dict[str, dict[str, str]] = {
    "iam": {"UserDetailList": "list", "GroupDetailList": "list", "RoleDetailList": "list", "Policies": "list",
            "OpenIDConnectProviderList": "list"},
    "eks": {"cluster": "object-or-null", "accessEntries": "list", "podIdentityAssociations": "list", "addons": "list"},
    "kubernetes": {
        "serverVersion": "object-or-null", "namespaces": "list", "clusterRoles": "list", "clusterRoleBindings": "list",
        "roles": "list", "roleBindings": "list", "serviceAccounts": "list", "awsAuth": "object-or-null",
        "discovery": "object-or-null",
    },
}  # fmt: skip
_TOP = {"format", "version", "collectedAt", "account", "caller", "partition", "region", "cluster", "iam", "eks", "kubernetes", "denied"}


class SnapshotError(EksAccessError):
    """A snapshot document not of the documented shape; the message names the key path."""


def check_document(doc: Any) -> Mapping[str, Any]:
    """The document, its envelope and section shapes checked; values are checked by the reader."""
    if not isinstance(doc, Mapping):
        raise SnapshotError(f"expected a JSON object, got {kind_of(doc)}")
    if doc.get("format") != FORMAT:
        raise SnapshotError(f"format: expected {FORMAT!r}, got {doc.get('format')!r}")
    version = doc.get("version")
    if type(version) is not int or version not in VERSIONS:
        raise SnapshotError(f"version: this eks-access reads snapshot versions 1 and {VERSION}, got {version!r}")
    unknown = sorted(set(doc) - _TOP)
    if unknown:
        raise SnapshotError(f"{unknown[0]}: unknown key")
    for key in ("account", "partition"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise SnapshotError(f"{key}: required, a non-empty string")
    if "caller" in doc and (not isinstance(doc["caller"], str) or not doc["caller"]):
        raise SnapshotError("caller: expected a non-empty string (the ARN sts GetCallerIdentity returned)")
    for section, keys in SHAPE.items():
        body = doc.get(section)
        if not isinstance(body, Mapping):
            raise SnapshotError(f"{section}: required, an object")
        for key, kind in keys.items():
            if version == 1 and (section, key) in ADDED_IN_2:
                continue
            value = body.get(key)
            if kind == "list" and not isinstance(value, list):
                raise SnapshotError(f"{section}.{key}: expected a list, got {kind_of(value)}")
            if kind == "object-or-null" and value is not None and not isinstance(value, Mapping):
                raise SnapshotError(f"{section}.{key}: expected an object or null, got {kind_of(value)}")
    denied(doc)
    return doc


def denied(doc: Mapping[str, Any]) -> tuple[DeniedCall, ...]:
    raw = doc.get("denied", [])
    if not isinstance(raw, list):
        raise SnapshotError(f"denied: expected a list, got {kind_of(raw)}")
    out: list[DeniedCall] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise SnapshotError(f"denied[{i}]: expected an object, got {kind_of(item)}")
        values = [item.get(k) for k in ("service", "operation", "target", "error")]
        for key, value in zip(("service", "operation", "target", "error"), values, strict=True):
            if not isinstance(value, str):
                raise SnapshotError(f"denied[{i}].{key}: required, a string")
        if values[0] not in ("iam", "eks", "kubernetes"):
            raise SnapshotError(f"denied[{i}].service: expected iam, eks or kubernetes, got {values[0]!r}")
        out.append(DeniedCall(*values))  # type: ignore[arg-type]
    return tuple(out)


def item(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SnapshotError(f"{where}: expected an object, got {kind_of(value)}")
    return value


def text(body: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise SnapshotError(f"{where}.{key}: required, a non-empty string" if required else f"{where}.{key}: expected a string")
    return value


def items(body: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SnapshotError(f"{where}.{key}: expected a list, got {kind_of(value)}")
    return value
