"""The API resources a release serves, as its discovery endpoints list them.

``kubectl api-resources`` reads the same documents: ``/api/v1`` and ``/apis/<group>/<version>``
(``APIResourceList``, k8s.io/apimachinery/pkg/apis/meta/v1 types.go). A resource served in several
versions of its group is listed once, from the first version the server prefers that has it;
``pods/log``-style entries become ``subresources`` of their resource.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from .versions import DATA_PACKAGE, normalize_version

API_RESOURCES_FILE = "api-resources.json"


def preferred_group_versions(api: Mapping[str, Any], apis: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(group, version) in a server's order of preference, from its ``/api`` (APIVersions) and
    ``/apis`` (APIGroupList) documents: the core group first, then each group's preferred version
    before its others."""
    out = [("", str(v)) for v in api["versions"]]
    for g in apis["groups"]:
        preferred = g["preferredVersion"]["version"]
        versions = [str(v["version"]) for v in g["versions"]]
        out += [(str(g["name"]), v) for v in sorted(versions, key=lambda v: v != preferred)]
    return out


def api_resource_list(group_versions: Iterable[tuple[str, str]],
                      resources_of: Callable[[str, str], Iterable[Mapping[str, Any]]],
                      keep: Callable[[str, str, str], bool] = lambda group, version, name: True) -> list[dict[str, Any]]:  # fmt: skip
    """The entries of ``api-resources.json``: every resource once, from the first group version
    that serves it (``resources_of(group, version)`` is that version's APIResourceList
    ``resources``), its subresources folded in; ``keep(group, version, resource)`` filters."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for group, version in group_versions:
        for r in resources_of(group, version):
            base, _, sub = str(r["name"]).partition("/")
            if not keep(group, version, base):
                continue
            key = (group, base)
            if not sub and key not in found:
                found[key] = {"name": base, "group": group, "version": version,
                              "namespaced": bool(r["namespaced"]), "kind": r["kind"],
                              "verbs": sorted(r.get("verbs") or []), "subresources": {}}  # fmt: skip
            elif sub and found.get(key, {}).get("version") == version:
                found[key]["subresources"][sub] = {"kind": r["kind"], "verbs": sorted(r.get("verbs") or [])}
    return [found[k] for k in sorted(found)]


@dataclass(frozen=True)
class ApiResource:
    """One resource of one API group; ``group`` is ``""`` for the core group."""

    name: str
    group: str
    version: str
    namespaced: bool
    kind: str
    verbs: tuple[str, ...]
    subresources: tuple[str, ...] = ()
    subresource_verbs: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @property
    def key(self) -> str:
        """``pods`` for the core group, ``deployments.apps`` otherwise (kubectl's spelling)."""
        return f"{self.name}.{self.group}" if self.group else self.name


@dataclass(frozen=True)
class Discovery:
    """What one cluster's discovery said (a snapshot's): the resources it serves, and the group
    versions that could not be read (``metrics.k8s.io/v1beta1`` while its backend is down)."""

    resources: tuple[ApiResource, ...]
    unavailable: tuple[str, ...] = ()


def api_resources(version: str) -> Mapping[str, ApiResource]:
    """Every served resource of ``version``, keyed ``"pods"`` or ``"deployments.apps"``."""
    return _load(normalize_version(version))


@cache
def _load(minor: str) -> Mapping[str, ApiResource]:
    text = resources.files(DATA_PACKAGE).joinpath("data", minor, API_RESOURCES_FILE).read_text(encoding="utf-8")
    return resource_index(json.loads(text)["resources"])


def resource_index(entries: Iterable[Mapping[str, Any]]) -> Mapping[str, ApiResource]:
    """Entries of :func:`api_resource_list`'s shape (a release's ``api-resources.json``, a
    snapshot's discovery), keyed as :func:`api_resources` keys them."""
    return MappingProxyType({r.key: r for r in map(_resource, entries)})


def _resource(raw: Mapping[str, Any]) -> ApiResource:
    subs: Mapping[str, Any] = raw.get("subresources") or {}
    return ApiResource(
        name=str(raw["name"]),
        group=str(raw["group"]),
        version=str(raw["version"]),
        namespaced=bool(raw["namespaced"]),
        kind=str(raw["kind"]),
        verbs=tuple(raw["verbs"]),
        subresources=tuple(sorted(subs)),
        subresource_verbs=MappingProxyType({k: tuple(v["verbs"]) for k, v in subs.items()}),
    )
