"""Exact set algebra on RBAC rules: each dimension split into the classes the rules can tell apart.

A rule matches a request by a conjunction of one test per dimension (``authz.rbac.rules``:
verb, API group, resource/subresource, resource name; or verb and non-resource URL), and a
binding by the request's namespace. Two values that every rule in sight treats alike are
interchangeable, so each dimension is partitioned into classes, one per value the rules name
plus one for "any other value" (``*`` is the only way to reach it), each with a representative
value. The tests are run on the representatives with the authorizer's own functions, so a
set of classes denotes exactly the set of requests the rules allow; ``*`` verbs, resources,
groups, names and URLs are sets like any other, and "+* on secrets in kube-system" is one box.

Representatives of "other" values are strings no Kubernetes name can contain (NUL): they equal
no value a rule names and share no prefix with one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from eks_access.authz.iam.patterns import glob_match, plain
from eks_access.authz.rbac.rules import (
    api_group_matches,
    resource_matches,
    resource_name_matches,
    url_matches,
    verb_matches,
)
from eks_access.model.k8s import PolicyRule

OTHER = "\x00"
_ONE = "\x01"
CLUSTER_SCOPE = ""  # the namespace of a request without one (cluster-scoped objects, non-resource URLs)
RESOURCE_DIMS = ("verb", "group", "resource", "name", "namespace")
URL_DIMS = ("verb", "url")

Box = tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Dimension:
    """The classes of one dimension: representative -> how it is shown ("" for "any other")."""

    classes: tuple[str, ...]  # representatives, OTHER-like ones last

    @property
    def everything(self) -> frozenset[str]:
        return frozenset(self.classes)


def resource_rep(resource: str) -> tuple[str, str]:
    """(combined, subresource) of a representative of the class of a rule's resource entry."""
    if resource.startswith("*/") and len(resource) > 2:
        sub = resource[2:]
        return f"{OTHER}/{sub}", sub
    _base, _sep, sub = resource.partition("/")
    return resource, sub


def resource_dimension(rules: Iterable[PolicyRule]) -> Dimension:
    named = {resource_rep(r)[0] for rule in rules for r in rule.resources if r != "*"}
    return Dimension((*sorted(named - {OTHER, f"{OTHER}/{OTHER}"}), OTHER, f"{OTHER}/{OTHER}"))


def plain_dimension(values: Iterable[str]) -> Dimension:
    return Dimension((*sorted({v for v in values if v != "*"}), OTHER))


def name_dimension(rules: Iterable[PolicyRule]) -> Dimension:
    """Names a rule lists, and "any other name" (also no name: a list request)."""
    return Dimension((*sorted({n for rule in rules for n in rule.resource_names}), CLUSTER_SCOPE))


def url_dimension(rules: Iterable[PolicyRule]) -> Dimension:
    reps = {u.rstrip("*") + OTHER if u.endswith("*") else u for rule in rules for u in rule.non_resource_urls if u != "*"}
    return Dimension((*sorted(reps), OTHER + "url"))


def namespace_dimension(names: Iterable[str], patterns: Iterable[str]) -> Dimension:
    """The cluster scope, each namespace or access-scope pattern named, and any other namespace."""
    reps = {*names, *(pattern_rep(p) for p in patterns)} - {CLUSTER_SCOPE}
    return Dimension((CLUSTER_SCOPE, *sorted(reps), OTHER + "ns"))


def pattern_rep(pattern: str) -> str:
    """An access-scope pattern's class: the namespaces it matches that are named nowhere else."""
    return pattern.replace("*", OTHER).replace("?", _ONE) if ("*" in pattern or "?" in pattern) else pattern


def rep_pattern(rep: str) -> str:
    return rep.replace(OTHER, "*").replace(_ONE, "?")


def matching(dim: Dimension, test: Callable[[str], bool]) -> frozenset[str]:
    return frozenset(c for c in dim.classes if test(c))


def rule_box_parts(rule: PolicyRule, dims: Sequence[Dimension]) -> Box:
    """verb, group, resource, name classes a rule allows (without the namespace)."""
    verb, group, resource, name = dims[:4]
    return (
        matching(verb, lambda v: verb_matches(rule, v)),
        matching(group, lambda g: api_group_matches(rule, g)),
        matching(resource, lambda r: resource_matches(rule, r, _sub_of(r))),
        matching(name, lambda n: resource_name_matches(rule, n)),
    )


def url_box(rule: PolicyRule, verb: Dimension, url: Dimension) -> Box:
    return (matching(verb, lambda v: verb_matches(rule, v)), matching(url, lambda u: url_matches(rule, u)))


def scope_classes(scope: tuple[str, ...] | None, patterns: bool, dim: Dimension) -> frozenset[str]:
    """Namespace classes of a grant: every class for cluster-wide grants; a RoleBinding's own
    namespace; for EKS access scopes, the classes whose namespace a pattern matches
    (``authz.rbac.access_policies.scope_covers``: never the cluster scope)."""
    if scope is None:
        return dim.everything
    if not patterns:
        return frozenset(c for c in dim.classes if c != CLUSTER_SCOPE and c in scope)
    return frozenset(c for c in dim.classes if c != CLUSTER_SCOPE and any(glob_match(plain(p), c) for p in scope))


def classify(dim: Dimension, value: str, kind: str) -> str:
    """The class of a concrete request value (used to check a diff against can-i)."""
    if kind == "resource":
        if value in dim.classes:
            return value
        sub = value.partition("/")[2]
        if sub and f"{OTHER}/{sub}" in dim.classes:
            return f"{OTHER}/{sub}"
        return f"{OTHER}/{OTHER}" if sub else OTHER
    if kind == "url":
        if value in dim.classes and not value.endswith(OTHER):
            return value
        prefixes = [c for c in dim.classes if c.endswith(OTHER) and value.startswith(c[:-1])]
        return max(prefixes, key=len) if prefixes else dim.classes[-1]
    if kind == "namespace":
        if value in dim.classes:
            return value
        for c in dim.classes:
            if (OTHER in c or _ONE in c) and c != dim.classes[-1] and glob_match(plain(rep_pattern(c)), value):
                return c
        return dim.classes[-1]
    return value if value in dim.classes else dim.classes[-1]


def _sub_of(combined: str) -> str:
    return combined.partition("/")[2]


# ---------------------------------------------------------------------- box algebra
def subtract(a: Box, b: Box) -> list[Box]:
    """``a`` minus ``b`` as disjoint boxes (each dimension a finite set of classes)."""
    if any(not (x & y) for x, y in zip(a, b, strict=True)):
        return [a]
    out: list[Box] = []
    current = list(a)
    for i, part in enumerate(b):
        rest = current[i] - part
        if rest:
            out.append((*current[:i], rest, *current[i + 1 :]))
        current[i] = current[i] & part
    return out


def minus(boxes: Sequence[Box], others: Sequence[Box]) -> list[Box]:
    pieces = list(boxes)
    for b in others:
        pieces = [p for piece in pieces for p in subtract(piece, b)]
        if not pieces:
            break
    return pieces


def merge(boxes: Sequence[Box]) -> list[Box]:
    """Join boxes that differ in one dimension only, until none do (fewer, wider lines)."""
    out = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                joined = _join(out[i], out[j])
                if joined is not None:
                    out[i] = joined
                    del out[j]
                    changed = True
                    break
            if changed:
                break
    return out


def _join(a: Box, b: Box) -> Box | None:
    differing = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differing) > 1:
        return None
    if not differing:
        return a
    i = differing[0]
    return (*a[:i], a[i] | b[i], *a[i + 1 :])


def contains(box: Box, point: Sequence[str]) -> bool:
    return all(p in part for p, part in zip(point, box, strict=True))
