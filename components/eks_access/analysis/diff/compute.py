"""The diff of two access models, principal by principal.

For each principal either side knows, its grants on each side (``grants``) are compared: when
they allow the same rules in the same scopes nothing is computed further; otherwise each side's
rules become boxes over the classes of ``classes`` and HEAD minus BASE (gained) and BASE minus
HEAD (lost) are computed exactly, each remaining piece attributed to the grant it came from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from eks_access.analysis.analyzer import Analyzer
from eks_access.analysis.diff.classes import (
    CLUSTER_SCOPE,
    Box,
    Dimension,
    classify,
    contains,
    merge,
    minus,
    name_dimension,
    namespace_dimension,
    plain_dimension,
    resource_dimension,
    rule_box_parts,
    scope_classes,
    url_box,
    url_dimension,
)
from eks_access.analysis.diff.grants import Grant, identity_grants, principal_grants
from eks_access.analysis.diff.iam import IamChange, iam_changes, linked_roles
from eks_access.analysis.principals import Principal, parse_principal
from eks_access.authz.identity import KubernetesIdentity
from eks_access.authz.rbac.attributes import Attributes
from eks_access.model.arns import parse_identity

KIND_ORDER = ("iam-user", "iam-role", "k8s-user", "k8s-group", "k8s-serviceaccount")


@dataclass(frozen=True)
class Space:
    """The classes of one principal's diff: resource dimensions, then (verb, url)."""

    resource: tuple[Dimension, ...]
    url: tuple[Dimension, Dimension]


@dataclass(frozen=True)
class Permission:
    kind: str  # "resource" | "url"
    box: Box


@dataclass(frozen=True)
class KubernetesChange:
    direction: str  # "gained" | "lost"
    cause: str
    via: str
    permissions: tuple[Permission, ...]


@dataclass(frozen=True)
class PrincipalDiff:
    principal: Principal
    space: Space | None
    kubernetes: tuple[KubernetesChange, ...]
    iam: tuple[IamChange, ...]

    @property
    def widens(self) -> bool:
        return any(c.direction == "gained" for c in self.kubernetes) or any(c.direction == "gained" for c in self.iam)

    def change_of(self, attrs: Attributes) -> str | None:
        """"gained", "lost" or None for one request (checks the diff against can-i)."""
        if self.space is None:
            return None
        if attrs.path is not None:
            point = [classify(self.space.url[0], attrs.verb, "verb"), classify(self.space.url[1], attrs.path, "url")]
            kind = "url"
        else:
            verb, group, resource, name, ns = self.space.resource
            point = [classify(verb, attrs.verb, "verb"), classify(group, attrs.api_group, "group"),
                     classify(resource, attrs.combined_resource, "resource"), classify(name, attrs.name, "name"),
                     classify(ns, attrs.namespace, "namespace")]  # fmt: skip
            kind = "resource"
        for change in self.kubernetes:
            if any(p.kind == kind and contains(p.box, point) for p in change.permissions):
                return change.direction
        return None


@dataclass(frozen=True)
class AccessDiff:
    base: str
    head: str
    principals: tuple[PrincipalDiff, ...]

    @property
    def widens(self) -> bool:
        return any(p.widens for p in self.principals)


class _Side:
    """One side's analyzer with its identities' grants cached (many principals share one)."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self._cache: dict[tuple[object, ...], list[Grant]] = {}

    def grants(self, p: Principal) -> tuple[Grant, ...]:
        return principal_grants(self.analyzer, p, self._identity)

    def _identity(self, ident: KubernetesIdentity) -> list[Grant]:
        key = (ident.username, ident.groups, ident.access_policies)
        if key not in self._cache:
            self._cache[key] = identity_grants(self.analyzer, ident)
        return self._cache[key]


def diff_analyzers(base: Analyzer, head: Analyzer, base_label: str = "BASE", head_label: str = "HEAD") -> AccessDiff:
    sides = (_Side(base), _Side(head))
    known = {**principals_of(base), **principals_of(head)}
    out: list[PrincipalDiff] = []
    for key in sorted(known, key=lambda k: (KIND_ORDER.index(known[k].kind), k)):
        found = diff_principal(sides[0], sides[1], known[key])
        if found.kubernetes or found.iam:
            out.append(found)
    return AccessDiff(base_label, head_label, tuple(out))


def principals_of(analyzer: Analyzer) -> dict[str, Principal]:
    """IAM users and roles, mapped IAM ARNs, and the Kubernetes subjects the plan names."""
    model = analyzer.model
    arns = [u.arn for u in model.iam.users if u.arn] + [r.arn for r in model.iam.roles if r.arn]
    arns += [m.principal_arn for m in analyzer.resolver.in_effect() if m.principal_arn and m.kind != "account"]
    out: dict[str, Principal] = {}
    for arn in arns:
        if parse_identity(arn) is not None:
            p = parse_principal(arn)
            out.setdefault(p.display, p)
    for p in analyzer.plan_subjects():
        out.setdefault(p.display, p)
    for sa in model.k8s.service_accounts:
        p = Principal("k8s-serviceaccount", sa.name, namespace=sa.namespace)
        out.setdefault(p.display, p)
    return out


def diff_principal(base: _Side, head: _Side, p: Principal) -> PrincipalDiff:
    old, new = base.grants(p), head.grants(p)
    iam = list(iam_changes(base.analyzer, head.analyzer, p))
    if p.kind == "k8s-serviceaccount":
        iam += _workload_changes(base.analyzer, head.analyzer, p)
    if {g.key for g in old} == {g.key for g in new}:
        return PrincipalDiff(p, None, (), tuple(iam))
    space = space_of([*old, *new])
    old_boxes, new_boxes = boxes(old, space), boxes(new, space)
    changes = _changes("gained", new, new_boxes, old_boxes) + _changes("lost", old, old_boxes, new_boxes)
    return PrincipalDiff(p, space, tuple(changes), tuple(iam))


def _workload_changes(base: Analyzer, head: Analyzer, p: Principal) -> list[IamChange]:
    old, new = linked_roles(base, p), linked_roles(head, p)
    out = [IamChange("gained", f"IAM role {arn}", f"pods now get IAM role {arn}") for arn in new if arn not in old]
    out += [IamChange("lost", f"IAM role {arn}", f"pods no longer get IAM role {arn}") for arn in old if arn not in new]
    for arn in dict.fromkeys(a for a in new if a in old):
        role = parse_principal(arn) if parse_identity(arn) is not None else None
        if role is not None:
            out += [IamChange(c.direction, c.cause, c.text, f"its pods get IAM role {role.name}")
                    for c in iam_changes(base, head, role) if c.text[:2] in ("+ ", "- ")]  # fmt: skip
    return out


def space_of(grants: Sequence[Grant]) -> Space:
    rules = [g.rule for g in grants]
    verbs = plain_dimension(v for r in rules for v in r.verbs)
    names = [ns for g in grants if g.scope is not None and not g.patterns for ns in g.scope]
    patterns = [ns for g in grants if g.scope is not None and g.patterns for ns in g.scope]
    resource = (verbs, plain_dimension(x for r in rules for x in r.api_groups), resource_dimension(rules),
                name_dimension(rules), namespace_dimension(names, patterns))  # fmt: skip
    return Space(resource, (verbs, url_dimension(rules)))


def boxes(grants: Sequence[Grant], space: Space) -> list[Permission | None]:
    """Per grant, its resource box and its URL box (None when the grant has none)."""
    out: list[Permission | None] = []
    for g in grants:
        ns = scope_classes(g.scope, g.patterns, space.resource[4])
        parts = rule_box_parts(g.rule, space.resource)
        out.append(Permission("resource", (*parts, ns)) if g.rule.resources and ns and all(parts) else None)
        url = url_box(g.rule, *space.url) if g.scope is None and g.rule.non_resource_urls else None
        out.append(Permission("url", url) if url is not None and all(url) else None)
    return out


def _changes(direction: str, grants: Sequence[Grant], mine: Sequence[Permission | None],
             theirs: Sequence[Permission | None]) -> list[KubernetesChange]:  # fmt: skip
    pieces: dict[tuple[str, str], list[Permission]] = defaultdict(list)
    seen: dict[str, list[Box]] = {"resource": [], "url": []}
    other: dict[str, list[Box]] = {"resource": [], "url": []}
    for perm in theirs:
        if perm is not None:
            other[perm.kind].append(perm.box)
    for i, perm in enumerate(mine):
        if perm is None:
            continue
        grant = grants[i // 2]
        for box in minus(minus([perm.box], other[perm.kind]), seen[perm.kind]):
            pieces[(grant.cause, grant.via)].append(Permission(perm.kind, box))
        seen[perm.kind].append(perm.box)
    out: list[KubernetesChange] = []
    for (cause, via), perms in pieces.items():
        merged = [Permission(kind, b) for kind in ("resource", "url")
                  for b in merge([p.box for p in perms if p.kind == kind])]  # fmt: skip
        out.append(KubernetesChange(direction, cause, via, tuple(merged)))
    return out


def restrict_namespace(diff: AccessDiff, namespace: str) -> AccessDiff:
    """Only what changes for requests in ``namespace`` (cluster-wide grants apply there too)."""
    out: list[PrincipalDiff] = []
    for pd in diff.principals:
        if pd.space is None:
            continue
        ns_dim = pd.space.resource[4]
        cls = frozenset({classify(ns_dim, namespace, "namespace")})
        changes = []
        for c in pd.kubernetes:
            perms = tuple(Permission("resource", (*p.box[:4], cls)) for p in c.permissions
                          if p.kind == "resource" and cls <= p.box[4])  # fmt: skip
            if perms:
                changes.append(KubernetesChange(c.direction, c.cause, c.via, perms))
        if changes:
            out.append(PrincipalDiff(pd.principal, pd.space, tuple(changes), ()))
    return AccessDiff(diff.base, diff.head, tuple(out))


__all__ = ["CLUSTER_SCOPE", "AccessDiff", "KubernetesChange", "Permission", "PrincipalDiff", "Space", "diff_analyzers"]
