"""How a permission box reads: sets of classes as values, ``*``, or ``* except ...``.

A class set is shown as what it denotes: every class is ``*``; a set holding the "any other
value" class but not every named one is ``* except a, b``; otherwise the named values.
"""

from __future__ import annotations

from typing import Any

from eks_access.analysis.diff.classes import CLUSTER_SCOPE, OTHER, Dimension, rep_pattern
from eks_access.analysis.diff.compute import Permission, Space


def label(c: str, dim: str) -> str:
    """A class as people write its values."""
    if dim == "group":
        return "*" if c == OTHER else c
    if dim == "resource":
        return c.replace(OTHER, "*")
    if dim == "name":
        return "*" if c == "" else c
    if dim == "url":
        return c[:-1] + "*" if c.endswith(OTHER) else ("*" if c.startswith(OTHER) else c)
    if dim == "namespace":
        return rep_pattern(c)
    return "*" if c == OTHER else c


def _others(dim: Dimension, kind: str) -> set[str]:
    """The classes that stand for values no rule names."""
    if kind == "resource":
        return {OTHER, f"{OTHER}/{OTHER}"}
    return {dim.classes[-1]}


def set_values(part: frozenset[str], dim: Dimension, kind: str) -> dict[str, Any]:
    """``{"all": true}``, ``{"allExcept": [...]}`` or ``{"only": [...]}``."""
    if part == dim.everything:
        return {"all": True}
    if _others(dim, kind) <= part:
        return {"allExcept": [label(c, kind) for c in dim.classes if c not in part]}
    return {"only": [label(c, kind) for c in dim.classes if c in part]}


def set_text(part: frozenset[str], dim: Dimension, kind: str) -> str:
    shown = set_values(part, dim, kind)
    if "all" in shown:
        return "*"
    if "allExcept" in shown:
        return "* except " + ", ".join(v or '""' for v in shown["allExcept"])
    return ", ".join(v or '""' for v in shown["only"])


def scope_values(part: frozenset[str], dim: Dimension) -> dict[str, Any]:
    spaces = Dimension(tuple(c for c in dim.classes if c != CLUSTER_SCOPE))
    return {"clusterScope": CLUSTER_SCOPE in part,
            "namespaces": set_values(part - {CLUSTER_SCOPE}, spaces, "namespace") if part - {CLUSTER_SCOPE} else {"only": []}}  # fmt: skip


def scope_text(part: frozenset[str], dim: Dimension) -> str:
    if part == dim.everything:
        return "cluster-wide"
    shown = scope_values(part, dim)
    ns = shown["namespaces"]
    cluster = " and at cluster scope" if shown["clusterScope"] else ""
    if "all" in ns:
        return f"in every namespace{cluster}"
    if "allExcept" in ns:
        return f"in every namespace except {', '.join(ns['allExcept'])}{cluster}"
    if not ns["only"]:
        return "at cluster scope (cluster-scoped objects)"
    return f"in namespace{'s' if len(ns['only']) > 1 else ''} {', '.join(ns['only'])}{cluster}"


def permission_text(perm: Permission, space: Space) -> str:
    if perm.kind == "url":
        verb, url = space.url
        return f"{set_text(perm.box[0], verb, 'verb')} on non-resource URLs {set_text(perm.box[1], url, 'url')}"
    verb, group, resource, name, ns = space.resource
    verbs, groups, resources, names, scope = perm.box
    named = "" if names == name.everything else f" named {set_text(names, name, 'name')}"
    return (f"{set_text(verbs, verb, 'verb')} on {set_text(resources, resource, 'resource')} "
            f"[apiGroups {set_text(groups, group, 'group')}]{named} {scope_text(scope, ns)}")  # fmt: skip


def permission_json(perm: Permission, space: Space) -> dict[str, Any]:
    if perm.kind == "url":
        verb, url = space.url
        return {"verbs": set_values(perm.box[0], verb, "verb"), "nonResourceURLs": set_values(perm.box[1], url, "url")}
    verb, group, resource, name, ns = space.resource
    return {
        "verbs": set_values(perm.box[0], verb, "verb"),
        "apiGroups": set_values(perm.box[1], group, "group"),
        "resources": set_values(perm.box[2], resource, "resource"),
        "resourceNames": set_values(perm.box[3], name, "name"),
        "scope": scope_values(perm.box[4], ns),
    }
