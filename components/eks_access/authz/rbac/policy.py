"""RBAC over a model: roles (aggregated), bindings indexed by subject, and the decision.

Sources: kubernetes/kubernetes ``plugin/pkg/auth/authorizer/rbac/rbac.go`` (Authorize,
VisitRulesFor, appliesTo/appliesToUser) and ``pkg/controller/clusterroleaggregation``:
- RBAC only allows: the union of every rule of every binding that applies;
- ClusterRoleBindings apply everywhere; RoleBindings only to requests whose namespace is the
  binding's (a RoleBinding to a ClusterRole grants that role in its namespace only; requests
  without a namespace, cluster-scoped or non-resource, see ClusterRoleBindings only);
- a binding applies to a User subject by name, a Group subject by group membership, a
  ServiceAccount subject to the username ``system:serviceaccount:<namespace>:<name>`` (the
  namespace defaults to a RoleBinding's own; a ClusterRoleBinding's ServiceAccount subject
  without one applies to nobody); other kinds apply to nobody;
- a roleRef resolves to a ClusterRole by name, or (RoleBindings only) to a Role of the
  binding's namespace; a missing role grants nothing;
- an aggregated ClusterRole's rules are the union, without duplicates, of the rules of every
  other ClusterRole one of its label selectors matches (an empty selector matches all), taken
  in name order, recomputed until nothing changes (aggregated roles feed each other).
Plan objects replace built-in objects of the same kind, namespace and name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from eks_access.authz.memo import MEMO_SIZE, BoundedMemo
from eks_access.authz.rbac.attributes import Attributes
from eks_access.authz.rbac.builtin import builtin_rbac, is_builtin
from eks_access.authz.rbac.rules import rule_allows
from eks_access.model import AccessModel
from eks_access.model.k8s import LabelSelector, PolicyRule, RbacBinding, RbacRole, Subject

SA_PREFIX = "system:serviceaccount:"
SubjectKey = tuple[str, str]  # ("User" | "Group", name)


@dataclass(frozen=True)
class EffectiveRole:
    role: RbacRole
    rules: tuple[PolicyRule, ...]
    aggregated_from: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return self.role.ref

    @property
    def builtin(self) -> bool:
        return is_builtin(self.role)


@dataclass(frozen=True)
class Grant:
    """Why a request is allowed: the binding, the subject it matched, the role and the rule."""

    binding: RbacBinding
    subject: Subject
    role: EffectiveRole
    rule: PolicyRule


def subject_key(binding: RbacBinding, subject: Subject) -> SubjectKey | None:
    if subject.kind == "User":
        return ("User", subject.name)
    if subject.kind == "Group":
        return ("Group", subject.name)
    if subject.kind == "ServiceAccount":
        namespace = binding.subject_namespace(subject)
        return ("User", f"{SA_PREFIX}{namespace}:{subject.name}") if namespace else None
    return None


def identity_keys(user: str, groups: Iterable[str]) -> list[SubjectKey]:
    keys: list[SubjectKey] = [("User", user)] if user else []
    keys.extend(("Group", g) for g in groups)
    return keys


def selector_matches(selector: LabelSelector, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector semantics; the empty selector matches everything."""
    for key, value in selector.match_labels:
        if labels.get(key) != value:
            return False
    for expr in selector.match_expressions:
        present = expr.key in labels
        if expr.operator == "In" and not (present and labels[expr.key] in expr.values):
            return False
        if expr.operator == "NotIn" and present and labels[expr.key] in expr.values:
            return False
        if expr.operator == "Exists" and not present:
            return False
        if expr.operator == "DoesNotExist" and present:
            return False
    return True


class RbacPolicy:
    """The RBAC objects in effect for one model and Kubernetes version."""

    def __init__(self, model: AccessModel, version: str) -> None:
        base_roles, base_bindings = builtin_rbac(version)
        plan_roles = [r for r in model.k8s.roles if r.name is not None]
        plan_bindings = [b for b in model.k8s.bindings if b.name is not None]
        taken_roles = {(r.kind, r.namespace, r.name) for r in plan_roles}
        taken_bindings = {(b.kind, b.namespace, b.name) for b in plan_bindings}
        roles = [*plan_roles, *(r for r in base_roles if (r.kind, r.namespace, r.name) not in taken_roles)]
        self.bindings: tuple[RbacBinding, ...] = (
            *plan_bindings, *(b for b in base_bindings if (b.kind, b.namespace, b.name) not in taken_bindings))
        self.cluster_roles: dict[str, EffectiveRole] = {}
        self.roles: dict[tuple[str, str], EffectiveRole] = {}
        for r in roles:
            if r.kind == "ClusterRole":
                self.cluster_roles[str(r.name)] = EffectiveRole(r, r.rules)
            else:
                self.roles[(r.namespace or "", str(r.name))] = EffectiveRole(r, r.rules)
        self._aggregate()
        self._cluster_index: dict[SubjectKey, list[tuple[Subject, RbacBinding]]] = defaultdict(list)
        self._namespace_index: dict[tuple[str, SubjectKey], list[tuple[Subject, RbacBinding]]] = defaultdict(list)
        for b in self.bindings:
            for s in b.subjects:
                key = subject_key(b, s)
                if key is None:
                    continue
                if b.kind == "ClusterRoleBinding":
                    self._cluster_index[key].append((s, b))
                else:
                    self._namespace_index[(b.namespace or "", key)].append((s, b))
        self._allows: BoundedMemo[tuple[int, Attributes], PolicyRule | None] = BoundedMemo(MEMO_SIZE)

    # ------------------------------------------------------------------ aggregation
    def _aggregate(self) -> None:
        targets = sorted((r for r in self.cluster_roles.values() if r.role.aggregation is not None), key=lambda r: str(r.role.name))
        if not targets:
            return
        by_label: dict[tuple[str, str], set[str]] = defaultdict(set)
        labels = {name: dict(r.role.labels) for name, r in self.cluster_roles.items()}
        for name, own in labels.items():
            for pair in own.items():
                by_label[pair].add(name)
        for _ in range(len(targets) + 1):
            changed = False
            for target in targets:
                name = str(target.role.name)
                rules, sources = self._union(name, target.role.aggregation or (), labels, by_label)
                current = self.cluster_roles[name]
                if rules != current.rules or sources != current.aggregated_from:
                    self.cluster_roles[name] = EffectiveRole(current.role, rules, sources)
                    changed = True
            if not changed:
                return

    def _union(self, name: str, selectors: Sequence[LabelSelector], labels: Mapping[str, Mapping[str, str]],
               by_label: Mapping[tuple[str, str], set[str]]) -> tuple[tuple[PolicyRule, ...], tuple[str, ...]]:  # fmt: skip
        rules: list[PolicyRule] = []
        sources: list[str] = []
        for selector in selectors:
            candidates: Iterable[str] = self.cluster_roles
            if selector.match_labels:
                sets = [by_label.get(pair, set()) for pair in selector.match_labels]
                candidates = set.intersection(*sets)
            for other in sorted(candidates):
                if other == name or not selector_matches(selector, labels[other]):
                    continue
                if other not in sources:
                    sources.append(other)
                for rule in self.cluster_roles[other].rules:
                    if not any(rule.same_grant(r) for r in rules):
                        rules.append(rule)
        return tuple(rules), tuple(sorted(sources))

    # ------------------------------------------------------------------ lookups
    def role_for(self, binding: RbacBinding) -> EffectiveRole | None:
        key = binding.role_key()
        if key is None:
            return None
        return self.cluster_roles.get(key[1]) if not key[0] else self.roles.get(key)

    def matching_rule(self, role: EffectiveRole, attrs: Attributes) -> PolicyRule | None:
        return self._allows.get((id(role), attrs), lambda: next((r for r in role.rules if rule_allows(r, attrs)), None))

    def held(self, user: str, groups: Sequence[str], namespace: str) -> list[tuple[Subject, RbacBinding]]:
        """Every binding that applies to the identity for requests in ``namespace`` ("" = none)."""
        keys = identity_keys(user, groups)
        out = [pair for k in keys for pair in self._cluster_index.get(k, ())]
        if namespace:
            out += [pair for k in keys for pair in self._namespace_index.get((namespace, k), ())]
        return out

    def authorize(self, user: str, groups: Sequence[str], attrs: Attributes) -> Grant | None:
        """The first grant that allows the request, or None (RBAC never denies: no opinion)."""
        for subject, binding in self.held(user, groups, attrs.namespace):
            role = self.role_for(binding)
            if role is None:
                continue
            rule = self.matching_rule(role, attrs)
            if rule is not None:
                return Grant(binding, subject, role, rule)
        return None

    def grants(self, attrs: Attributes) -> Iterator[tuple[RbacBinding, EffectiveRole, PolicyRule]]:
        """Every binding in scope of ``attrs`` whose role allows it (for who-can)."""
        for b in self.bindings:
            if b.kind == "RoleBinding" and (not attrs.namespace or b.namespace != attrs.namespace):
                continue
            role = self.role_for(b)
            rule = self.matching_rule(role, attrs) if role is not None else None
            if role is not None and rule is not None:
                yield b, role, rule
