"""What a person asks (``list pods -n dev``) as the request attributes the API server would see.

RESOURCE is written as kubectl writes it: ``pods``, ``pods/log``, ``deployments.apps``,
``deployments.apps/scale``, ``*`` (every resource of the core group, as ``kubectl auth can-i
'*' '*'`` asks), ``*.apps``, or a non-resource URL such as ``/healthz``. A resource without a
group resolves through the built-in resources of the Kubernetes version, or through what the
cluster serves when a snapshot recorded its discovery (the core group first, as kubectl's
discovery prefers it). Like a real HTTP request:
- a cluster-scoped resource carries no namespace (``-n`` does not apply to it);
- a request on one Namespace object (``namespaces`` with ``--name NS``, and its ``status`` and
  ``finalize`` subresources) carries namespace NS (k8s.io/apiserver
  ``pkg/endpoints/request/requestinfo.go``: ``/api/v1/namespaces/{name}`` sets the namespace
  to the name), so a RoleBinding in NS can grant it.
Verbs are free-form (custom verbs exist); a verb Kubernetes does not define gets a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from eks_access.authz.rbac.attributes import Attributes
from eks_access.errors import UsageError
from eks_access.kubedata import DEFAULT_VERSION, ApiResource, api_resources
from eks_access.kubedata.resources import Discovery
from eks_access.limits import dns1123_label_problem

_VERB = re.compile(r"(?:\*|[A-Za-z][A-Za-z0-9_.:-]{0,62})")
_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_GROUP = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_OBJECT_NAME = re.compile(r"[^\s/]{1,253}")
_NAMESPACE_SUBRESOURCES = ("", "status", "finalize")
Served = Discovery | None  # a snapshot's discovery (AccessModel.discovery)

#: Verbs Kubernetes itself defines (API verbs and the RBAC special verbs).
KNOWN_VERBS = frozenset(
    {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "impersonate", "bind",
     "escalate", "approve", "sign", "use", "proxy", "attest", "*"}
)  # fmt: skip


@dataclass(frozen=True)
class Request:
    """The attributes of one request, and notes about how the question was read."""

    attrs: Attributes
    notes: tuple[str, ...] = ()

    @property
    def verb(self) -> str:
        return self.attrs.verb

    @property
    def display(self) -> str:
        return self.attrs.display


def parse_request(verb: str, resource: str, namespace: str | None, name: str | None = None,
                  version: str | None = None, served: Served = None) -> Request:  # fmt: skip
    """``served`` is a snapshot's discovery (what that cluster serves): when given, a resource
    resolves through it rather than through the release's built-in list, and a note says so
    where the two differ."""
    v = verb.strip()
    if not _VERB.fullmatch(v):
        raise UsageError(f"VERB: {verb!r} is not a verb (letters, digits and _.:- only, or '*')")
    notes: list[str] = []
    if v not in KNOWN_VERBS:
        notes.append(f"verb {v!r} is not one Kubernetes defines; custom verbs exist, but check the spelling")
    if namespace is not None and dns1123_label_problem(namespace) is not None:
        raise UsageError(f"-n: {namespace!r} is not a valid namespace name")
    if name is not None and not _OBJECT_NAME.fullmatch(name):
        raise UsageError(f"--name: {name!r} is not an object name")
    r = resource.strip()
    if r.startswith("/"):
        if "*" in r or any(c.isspace() for c in r):
            raise UsageError(f"RESOURCE: non-resource URL {resource!r} may not contain '*' or spaces")
        if name is not None:
            raise UsageError("--name: a non-resource URL has no object name")
        return Request(Attributes(v, path=r), tuple(notes))
    res, group, sub = _split(resource, r)
    ver = version or DEFAULT_VERSION
    if group is None:
        known = resolve_group(res, ver, served) if res != "*" else None
        group = known[0] if known else ""
        namespaced = known[1] if known else True
        if res != "*":
            notes += _resolution_notes(res, ver, served, known)
    else:
        namespaced = is_namespaced(res, group, ver, served)
        shipped = [ns for g, ns in _by_name(ver).get(res, ()) if g == group]
        if served is not None and shipped and namespaced != shipped[0]:
            notes.append(f"{res}.{group} is {_scope(namespaced)} on this cluster (its discovery), "
                         f"{_scope(not namespaced)} in Kubernetes {ver}'s built-in list")  # fmt: skip
    ns = namespace or ""
    if res == "namespaces" and group == "" and name and sub in _NAMESPACE_SUBRESOURCES:
        if namespace is not None and namespace != name:
            raise UsageError(f"-n: the Namespace object {name!r} is in namespace {name!r}, not {namespace!r}")
        ns = name
    elif not namespaced:
        if namespace is not None:
            notes.append(f"{res} is cluster-scoped: -n {namespace} does not apply")
        ns = ""
    return Request(Attributes(v, res, sub, group, ns, name or ""), tuple(notes))


def _split(original: str, r: str) -> tuple[str, str | None, str]:
    left, slash, sub = r.partition("/")
    res, dot, group = left.partition(".")
    if "*" in sub or (slash and not sub):
        raise UsageError(f"RESOURCE: {original!r} may not contain '*' as its subresource; name one subresource (pods/log)")
    if res != "*" and "*" in left:
        raise UsageError(f"RESOURCE: {original!r} may not contain '*' inside a name; use '*' alone for every resource")
    ok = (res == "*" or _NAME.fullmatch(res)) and (not dot or _GROUP.fullmatch(group)) and (not sub or _NAME.fullmatch(sub))
    if not ok:
        raise UsageError(
            f"RESOURCE: {original!r} is not a resource (expected e.g. pods, pods/log, deployments.apps, "
            "deployments.apps/scale, '*' or a URL such as /healthz)"
        )
    return res, (group if dot else None), sub


def _resolution_notes(res: str, ver: str, served: Served, known: tuple[str, bool] | None) -> list[str]:
    if served is None:
        return [] if known else [f"{res!r} is not a built-in resource of Kubernetes {ver}; asked in the core API group"]
    shipped = resolve_group(res, ver)
    if known == shipped:
        return [] if known else [f"{res!r} is not served by this cluster (its discovery{_down(served)}) nor a built-in "
                                 f"resource of Kubernetes {ver}; asked in the core API group"]  # fmt: skip
    if known is None:
        return [f"{res!r} is not served by this cluster (its discovery{_down(served)}; Kubernetes {ver} has "
                f"{_show(res, shipped)}); asked in the core API group"]  # fmt: skip
    release = _show(res, shipped) if shipped else "no such built-in resource"
    return [f"{res!r} is {_show(res, known)} on this cluster (its discovery); Kubernetes {ver} has {release}"]


def _down(served: Discovery) -> str:
    return f"; unavailable when collected: {', '.join(served.unavailable)}" if served.unavailable else ""


def _show(res: str, found: tuple[str, bool] | None) -> str:
    group, namespaced = found or ("", True)
    return f"{res}.{group} ({_scope(namespaced)})" if group else f"{res} ({_scope(namespaced)})"


def _scope(namespaced: bool) -> str:
    return "namespaced" if namespaced else "cluster-scoped"


@cache
def _by_name(version: str) -> Mapping[str, tuple[tuple[str, bool], ...]]:
    return _index(api_resources(version).values())


@lru_cache(maxsize=8)
def _by_name_served(served: tuple[ApiResource, ...]) -> Mapping[str, tuple[tuple[str, bool], ...]]:
    return _index(served)


def _index(apis: Iterable[ApiResource]) -> Mapping[str, tuple[tuple[str, bool], ...]]:
    out: dict[str, list[tuple[str, bool]]] = {}
    for api in apis:
        out.setdefault(api.name, []).append((api.group, api.namespaced))
    return {k: tuple(sorted(v, key=_preference)) for k, v in out.items()}


def _names(version: str, served: Served) -> Mapping[str, tuple[tuple[str, bool], ...]]:
    return _by_name(version) if served is None else _by_name_served(served.resources)


def _preference(item: tuple[str, bool]) -> tuple[int, str]:
    group = item[0]
    return (0 if group == "" else 2 if group == "extensions" else 1, group)


def resolve_group(resource: str, version: str, served: Served = None) -> tuple[str, bool] | None:
    """(group, namespaced) of a resource named without its group (built-in, or served by the
    snapshot's cluster when ``served`` is given), or None."""
    found = _names(version, served).get(resource)
    return found[0] if found else None


def is_namespaced(resource: str, group: str, version: str, served: Served = None) -> bool:
    for g, namespaced in _names(version, served).get(resource, ()):
        if g == group:
            return namespaced
    return True
