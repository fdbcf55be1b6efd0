"""A snapshot's discovery (``kubernetes.discovery``): the resources that cluster serves, in the
shape of a release's shipped ``api-resources.json`` (``kubedata.resources``), read by the same
code. None when not collected (version 1, or ``/api`` / ``/apis`` refused)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_access.kubedata.resources import Discovery, resource_index
from eks_access.model.from_snapshot.document import SnapshotError, item
from eks_access.model.values import kind_of

_FIELDS = {"name": str, "group": str, "version": str, "kind": str, "namespaced": bool, "verbs": list, "subresources": dict}


def served(k8s: Mapping[str, Any]) -> Discovery | None:
    body = k8s.get("discovery")
    if body is None:
        return None
    where = "kubernetes.discovery"
    raw = body.get("resources")
    if not isinstance(raw, list):
        raise SnapshotError(f"{where}.resources: expected a list, got {kind_of(raw)}")
    for i, entry in enumerate(raw):
        _check(item(entry, f"{where}.resources[{i}]"), f"{where}.resources[{i}]")
    down = body.get("unavailable")
    if not isinstance(down, list) or not all(isinstance(v, str) for v in down):
        raise SnapshotError(f"{where}.unavailable: expected a list of strings (group versions)")
    return Discovery(tuple(resource_index(raw).values()), tuple(down))


def _check(entry: Mapping[str, Any], where: str) -> None:
    for key, kind in _FIELDS.items():
        value = entry.get(key)
        if not isinstance(value, kind) or (kind is str and key != "group" and not value):
            raise SnapshotError(f"{where}.{key}: expected {'a non-empty string' if kind is str else kind.__name__}, got {kind_of(value)}")
    if not all(isinstance(v, str) for v in entry["verbs"]):
        raise SnapshotError(f"{where}.verbs: expected a list of strings")
    for sub, detail in entry["subresources"].items():
        verbs = detail.get("verbs") if isinstance(detail, Mapping) else None
        if not isinstance(verbs, list) or not all(isinstance(v, str) for v in verbs):
            raise SnapshotError(f"{where}.subresources.{sub}.verbs: expected a list of strings")
