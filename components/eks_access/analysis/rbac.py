"""Kubernetes RBAC, evaluated the way the API server's RBAC authorizer does.

The semantics follow ``k8s.io/kubernetes`` ``pkg/apis/rbac/v1/evaluation_helpers.go`` and
``pkg/registry/rbac/validation/rule.go``; the code is our own. Bindings are indexed by
subject once, so a question touches only the bindings of the asking identity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .principals import Request, is_cluster_scoped

SA_PREFIX = "system:serviceaccount:"


@dataclass(frozen=True)
class Rule:
    """One PolicyRule; ``origin`` is the role the rule was written in (aggregation keeps it)."""

    verbs: frozenset[str]
    api_groups: frozenset[str] = frozenset()
    resources: frozenset[str] = frozenset()
    resource_names: frozenset[str] = frozenset()
    non_resource_urls: tuple[str, ...] = ()
    origin: str = ""

    @classmethod
    def from_manifest(cls, raw: Mapping[str, Any], origin: str) -> Rule:
        return cls(
            verbs=frozenset(raw.get("verbs") or ()),
            api_groups=frozenset(raw.get("apiGroups") or ()),
            resources=frozenset(raw.get("resources") or ()),
            resource_names=frozenset(raw.get("resourceNames") or ()),
            non_resource_urls=tuple(raw.get("nonResourceURLs") or ()),
            origin=origin,
        )


def verb_matches(rule: Rule, verb: str) -> bool:
    return "*" in rule.verbs or verb in rule.verbs


def group_matches(rule: Rule, group: str) -> bool:
    return "*" in rule.api_groups or group in rule.api_groups


def resource_matches(rule: Rule, resource: str, subresource: str) -> bool:
    """``*`` matches all, ``*/scale`` any resource's scale; ``pods/*`` is only a literal."""
    if "*" in rule.resources:
        return True
    if not subresource:
        return resource in rule.resources
    return f"{resource}/{subresource}" in rule.resources or f"*/{subresource}" in rule.resources


def resource_name_matches(rule: Rule, name: str | None) -> bool:
    """A rule naming objects never grants a question about the whole collection."""
    if not rule.resource_names:
        return True
    return name is not None and name in rule.resource_names


def url_matches(rule: Rule, path: str) -> bool:
    for pattern in rule.non_resource_urls:
        if pattern == "*" or pattern == path:
            return True
        if pattern.endswith("*") and path.startswith(pattern[:-1]):
            return True
    return False


def rule_allows(rule: Rule, req: Request, name: str | None = None) -> bool:
    if not verb_matches(rule, req.verb):
        return False
    if req.path is not None:
        return url_matches(rule, req.path)
    return (
        group_matches(rule, req.group)
        and resource_matches(rule, req.resource, req.subresource)
        and resource_name_matches(rule, name)
    )


@dataclass
class RoleDef:
    """A Role or ClusterRole after aggregation."""

    kind: str  # "ClusterRole" | "Role" | "AccessPolicy"
    name: str
    namespace: str | None
    rules: list[Rule]
    labels: dict[str, str] = field(default_factory=dict)
    selectors: list[dict[str, str]] = field(default_factory=list)
    record: str | None = None  # plan record name, None for built-ins
    builtin: bool = False
    aggregated_from: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.kind} {self.name}" if self.kind != "Role" else f"Role {self.namespace}/{self.name}"


@dataclass(frozen=True)
class Subject:
    kind: str  # "User" | "Group" | "ServiceAccount"
    name: str
    namespace: str | None = None


@dataclass
class Binding:
    kind: str  # "ClusterRoleBinding" | "RoleBinding"
    name: str
    namespace: str | None
    role_kind: str
    role_name: str
    subjects: list[Subject]
    record: str | None = None
    builtin: bool = False

    @property
    def ref(self) -> str:
        if self.kind == "RoleBinding":
            return f"RoleBinding {self.namespace}/{self.name}"
        return f"ClusterRoleBinding {self.name}"


def subject_keys(username: str | None, groups: Iterable[str]) -> list[str]:
    """Index keys an identity can match: its user, each group, its ServiceAccount."""
    keys: list[str] = []
    if username:
        keys.append(f"user:{username}")
        if username.startswith(SA_PREFIX):
            ns, _, sa = username[len(SA_PREFIX):].partition(":")
            if ns and sa:
                keys.append(f"sa:{ns}:{sa}")
    keys.extend(f"group:{g}" for g in groups)
    return keys


def _binding_subject_key(subject: Subject, binding_ns: str | None) -> str | None:
    if subject.kind == "User":
        return f"user:{subject.name}"
    if subject.kind == "Group":
        return f"group:{subject.name}"
    if subject.kind == "ServiceAccount":
        ns = subject.namespace or binding_ns
        if not ns:
            return None  # a ClusterRoleBinding must name the ServiceAccount's namespace
        return f"sa:{ns}:{subject.name}"
    return None


@dataclass(frozen=True)
class Grant:
    """Why a request is allowed: the binding, the role and the matching rule."""

    binding: Binding
    role: RoleDef
    rule: Rule
    subject_key: str


class RbacIndex:
    """Roles by name, bindings by subject, and aggregation resolved to a fixpoint."""

    def __init__(self, roles: Sequence[RoleDef], bindings: Sequence[Binding]) -> None:
        self.cluster_roles: dict[str, RoleDef] = {}
        self.roles: dict[tuple[str, str], RoleDef] = {}
        for r in roles:
            if r.kind == "ClusterRole":
                self.cluster_roles[r.name] = r
            else:
                self.roles[(r.namespace or "", r.name)] = r
        self._aggregate()
        self.bindings = list(bindings)
        # subject key -> (cluster bindings, namespace -> role bindings)
        self.cluster_by_subject: dict[str, list[Binding]] = defaultdict(list)
        self.ns_by_subject: dict[str, dict[str, list[Binding]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for b in self.bindings:
            for s in b.subjects:
                key = _binding_subject_key(s, b.namespace if b.kind == "RoleBinding" else None)
                if key is None:
                    continue
                if b.kind == "ClusterRoleBinding":
                    self.cluster_by_subject[key].append(b)
                else:
                    self.ns_by_subject[key][b.namespace or ""].append(b)
        self._role_allows_cache: dict[tuple[int, bool, str, str, str, str | None], Rule | None] = {}

    def _aggregate(self) -> None:
        """Recompute aggregated ClusterRoles until nothing changes (view -> edit -> admin)."""
        aggregated = [r for r in self.cluster_roles.values() if r.selectors]
        if not aggregated:
            return
        # The aggregation controller overwrites an aggregated role's own rules.
        own: dict[str, list[Rule]] = {r.name: [] for r in aggregated}
        for _ in range(len(self.cluster_roles) + 1):
            changed = False
            for target in aggregated:
                rules: list[Rule] = list(own[target.name])
                sources: list[str] = []
                seen = set(rules)
                for cand in self.cluster_roles.values():
                    if cand is target or not _selected(cand.labels, target.selectors):
                        continue
                    sources.append(cand.name)
                    for rule in cand.rules:
                        if rule not in seen:
                            seen.add(rule)
                            rules.append(rule)
                if len(rules) != len(target.rules):
                    target.rules = rules
                    changed = True
                target.aggregated_from = sorted(sources)
            if not changed:
                break

    def role_for(self, b: Binding) -> RoleDef | None:
        if b.role_kind == "ClusterRole":
            return self.cluster_roles.get(b.role_name)
        return self.roles.get((b.namespace or "", b.role_name))

    def matching_rule(self, role: RoleDef, req: Request, via_rolebinding: bool) -> Rule | None:
        """The first rule of ``role`` allowing ``req``; cached, roles are immutable here."""
        key = (id(role), via_rolebinding, req.verb, req.group, req.full_resource, req.path)
        try:
            return self._role_allows_cache[key]
        except KeyError:
            pass
        found: Rule | None = None
        for rule in role.rules:
            if req.path is not None and (via_rolebinding or not rule.non_resource_urls):
                continue  # non-resource URLs only count through ClusterRoleBindings
            if req.path is None and rule.non_resource_urls and not rule.resources:
                continue
            if rule_allows(rule, req):
                found = rule
                break
        self._role_allows_cache[key] = found
        return found

    def bindings_for(self, keys: Iterable[str], namespace: str | None) -> list[tuple[str, Binding]]:
        out: list[tuple[str, Binding]] = []
        for k in keys:
            out.extend((k, b) for b in self.cluster_by_subject.get(k, ()))
            if namespace is not None:
                per_ns = self.ns_by_subject.get(k)
                if per_ns:
                    out.extend((k, b) for b in per_ns.get(namespace, ()))
        return out

    def authorize(self, keys: Sequence[str], req: Request) -> tuple[Grant | None, list[Binding]]:
        """First grant for the identity, plus every binding it holds in scope (for reasons)."""
        ns = effective_namespace(req)
        held = self.bindings_for(keys, ns)
        for key, b in held:
            role = self.role_for(b)
            if role is None:
                continue
            rule = self.matching_rule(role, req, b.kind == "RoleBinding")
            if rule is not None:
                return Grant(b, role, rule, key), [x for _, x in held]
        return None, [x for _, x in held]


def effective_namespace(req: Request) -> str | None:
    """Namespace that RoleBindings are looked up in; None for cluster-scoped questions."""
    if req.path is not None or req.namespace is None:
        return None
    if is_cluster_scoped(req.resource):
        return None
    return req.namespace


def _selected(labels: Mapping[str, str], selectors: Sequence[Mapping[str, str]]) -> bool:
    return any(sel and all(labels.get(k) == v for k, v in sel.items()) for sel in selectors)


def role_from_manifest(kind: str, manifest: Mapping[str, Any], record: str | None,
                       builtin: bool = False) -> RoleDef:
    meta = manifest.get("metadata") or {}
    name = str(meta.get("name") or record or "")
    ref = f"{kind} {name}"
    rules = [Rule.from_manifest(r, ref) for r in (manifest.get("rules") or [])]
    selectors: list[dict[str, str]] = []
    agg = manifest.get("aggregationRule") or {}
    for sel in agg.get("clusterRoleSelectors") or []:
        selectors.append({str(k): str(v) for k, v in (sel.get("matchLabels") or {}).items()})
    return RoleDef(
        kind=kind, name=name,
        namespace=meta.get("namespace") if kind == "Role" else None,
        rules=rules,
        labels={str(k): str(v) for k, v in (meta.get("labels") or {}).items()},
        selectors=selectors, record=record, builtin=builtin,
    )  # fmt: skip


def binding_from_manifest(kind: str, manifest: Mapping[str, Any], record: str | None,
                          builtin: bool = False) -> Binding:
    meta = manifest.get("metadata") or {}
    ref = manifest.get("roleRef") or {}
    subjects = [
        Subject(str(s.get("kind", "")), str(s.get("name", "")), s.get("namespace") or None)
        for s in (manifest.get("subjects") or [])
    ]
    return Binding(
        kind=kind, name=str(meta.get("name") or record or ""),
        namespace=meta.get("namespace") if kind == "RoleBinding" else None,
        role_kind=str(ref.get("kind", "ClusterRole")), role_name=str(ref.get("name", "")),
        subjects=subjects, record=record, builtin=builtin,
    )  # fmt: skip
