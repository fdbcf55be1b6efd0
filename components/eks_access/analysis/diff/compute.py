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
from eks_access.analysis.diff.grants import (
    BindingIndex,
    Grant,
    Reach,
    Source,
    expand,
    identity_sources,
    principal_sources,
    rule_key,
)
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
    refusals: tuple[str, ...] = ()  # cluster updates EKS refuses, HEAD over BASE (diff/update.py; `diff` only)

    @property
    def widens(self) -> bool:
        return any(p.widens for p in self.principals)


class _Side:
    """One side's analyzer with its identities' sources cached (many principals share one)."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.index = BindingIndex(analyzer)
        self._cache: dict[tuple[object, ...], list[Source]] = {}

    def reach(self, p: Principal) -> Reach:
        return principal_sources(self.analyzer, p, self._identity)

    def _identity(self, ident: KubernetesIdentity) -> list[Source]:
        key = (ident.username, ident.groups, ident.access_policies)
        if key not in self._cache:
            self._cache[key] = identity_sources(self.analyzer, ident, self.index)
        return self._cache[key]


Pieces = list[tuple[int, Permission]]  # (grant index, a part of what it alone changes)
_Computed = tuple[Space, Pieces, Pieces]


def diff_analyzers(base: Analyzer, head: Analyzer, base_label: str = "BASE", head_label: str = "HEAD") -> AccessDiff:
    sides = (_Side(base), _Side(head))
    known = {**principals_of(base), **principals_of(head)}
    computed: dict[tuple[object, ...], _Computed] = {}  # principals with the same grants share the work
    out: list[PrincipalDiff] = []
    for key in sorted(known, key=lambda k: (KIND_ORDER.index(known[k].kind), k)):
        found = diff_principal(sides[0], sides[1], known[key], computed)
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


def diff_principal(base: _Side, head: _Side, p: Principal, computed: dict[tuple[object, ...], _Computed]) -> PrincipalDiff:
    old_reach, new_reach = base.reach(p), head.reach(p)
    iam = list(iam_changes(base.analyzer, head.analyzer, p))
    if p.kind == "k8s-serviceaccount":
        iam += _workload_changes(base.analyzer, head.analyzer, p)
    if _held(old_reach) == _held(new_reach):
        return PrincipalDiff(p, None, (), tuple(iam))
    old, new = expand(old_reach), expand(new_reach)
    fingerprint = (_ids(old_reach), _ids(new_reach))  # sources are shared objects: same ids, same grants
    if fingerprint not in computed:
        computed[fingerprint] = _compute(old, new)
    space, gained, lost = computed[fingerprint]
    changes = _changes("gained", new, gained) + _changes("lost", old, lost)
    return PrincipalDiff(p, space, tuple(changes), tuple(iam))


def _compute(old: Sequence[Grant], new: Sequence[Grant]) -> _Computed:
    """Only grants one side lacks can change anything; only the other side's grants that may
    overlap them can cancel it. The space is built from those alone, so it stays small."""
    old_set, new_set = {g.key for g in old}, {g.key for g in new}
    changed_new = [i for i, g in enumerate(new) if g.key not in old_set]
    changed_old = [i for i, g in enumerate(old) if g.key not in new_set]
    against_new = [g for g in old if any(_may_overlap(new[i], g) for i in changed_new)]
    against_old = [g for g in new if any(_may_overlap(old[i], g) for i in changed_old)]
    space = space_of([*(new[i] for i in changed_new), *(old[i] for i in changed_old), *against_new, *against_old])
    memo: dict[tuple[object, ...], Box] = {}
    return space, _pieces(new, changed_new, against_new, space, memo), _pieces(old, changed_old, against_old, space, memo)


def _may_overlap(a: Grant, b: Grant) -> bool:
    """False only when no request can match both grants (a conservative pruning: the exact
    answer is still computed on the classes, with the authorizer's own tests)."""
    ra, rb = a.rule, b.rule
    if not _meet(ra.verbs, rb.verbs):
        return False
    urls = bool(ra.non_resource_urls and rb.non_resource_urls and a.scope is None and b.scope is None)
    resources = bool(ra.resources and rb.resources) and _meet(ra.api_groups, rb.api_groups) and (
        any(r == "*" or r.startswith("*/") for r in (*ra.resources, *rb.resources)) or bool(set(ra.resources) & set(rb.resources))
    ) and (not ra.resource_names or not rb.resource_names or bool(set(ra.resource_names) & set(rb.resource_names)))
    scopes = a.scope is None or b.scope is None or a.patterns or b.patterns or bool(set(a.scope) & set(b.scope))
    return urls or (resources and scopes)


def _meet(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    return "*" in x or "*" in y or bool(set(x) & set(y))


def _ids(reach: Reach) -> tuple[int, ...]:
    return tuple(id(s) for _via, sources in reach for s in sources)


def _held(reach: Reach) -> set[tuple[object, ...]]:
    return {s.key for _via, sources in reach for s in sources}


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


def grant_boxes(g: Grant, space: Space, memo: dict[tuple[object, ...], Box]) -> list[Permission]:
    """A grant's resource box and URL box, as far as it has them (``memo``: rules recur)."""
    out: list[Permission] = []
    ns = scope_classes(g.scope, g.patterns, space.resource[4])
    key = rule_key(g.rule)
    if key not in memo:
        memo[key] = rule_box_parts(g.rule, space.resource)
    parts = memo[key]
    if g.rule.resources and ns and all(parts):
        out.append(Permission("resource", (*parts, ns)))
    url = url_box(g.rule, *space.url) if g.scope is None and g.rule.non_resource_urls else None
    if url is not None and all(url):
        out.append(Permission("url", url))
    return out


def _pieces(grants: Sequence[Grant], changed: Sequence[int], against: Sequence[Grant], space: Space,
            memo: dict[tuple[object, ...], Box]) -> Pieces:  # fmt: skip
    """What each changed grant allows that ``against`` do not, attributed to the first changed
    grant that allows it."""
    other: dict[str, list[Box]] = {"resource": [], "url": []}
    for g in against:
        for perm in grant_boxes(g, space, memo):
            other[perm.kind].append(perm.box)
    seen: dict[str, list[Box]] = {"resource": [], "url": []}
    out: Pieces = []
    for i in changed:
        for perm in grant_boxes(grants[i], space, memo):
            out += [(i, Permission(perm.kind, box)) for box in minus(minus([perm.box], other[perm.kind]), seen[perm.kind])]
            seen[perm.kind].append(perm.box)
    return out


def _changes(direction: str, grants: Sequence[Grant], pieces: Pieces) -> list[KubernetesChange]:
    by_cause: dict[tuple[str, str], list[Permission]] = defaultdict(list)
    for i, perm in pieces:
        by_cause[(grants[i].cause, grants[i].via)].append(perm)
    out: list[KubernetesChange] = []
    for (cause, via), perms in by_cause.items():
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
    return AccessDiff(diff.base, diff.head, tuple(out), diff.refusals)


__all__ = ["CLUSTER_SCOPE", "AccessDiff", "KubernetesChange", "Permission", "PrincipalDiff", "Space", "diff_analyzers"]
