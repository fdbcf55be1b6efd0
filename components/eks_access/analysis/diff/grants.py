"""What one principal may do on one side of a diff, as rules with the scope each applies in.

The rules come from the same places the API server's authorizers read them, and through the
same code: the privileged group (``eks_access.authz.kubernetes``), the RBAC bindings that apply
to the identity (``RbacPolicy``: plan objects over the release's built-in ones, aggregation
resolved) and the EKS access policies of its access entry (``policy_rules``). An IAM principal
reaches Kubernetes identities by the analyzer's own paths (``Analyzer.paths_for``); its grants
are the union over the paths that end in an identity, as ``can-i`` allows when any path does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eks_access.analysis.analyzer import Analyzer
from eks_access.analysis.paths import Path
from eks_access.analysis.principals import Principal
from eks_access.authz.iam import RequestContext, describe_requirement
from eks_access.authz.identity import MASTERS, KubernetesIdentity
from eks_access.authz.rbac.access_policies import policy_rules
from eks_access.authz.rbac.policy import EffectiveRole, SubjectKey, identity_keys, subject_key
from eks_access.model.k8s import PolicyRule, RbacBinding

#: Everything, as the privileged-group authorizer allows it (resource and non-resource requests).
ALL_RULE = PolicyRule(0, verbs=("*",), api_groups=("*",), resources=("*",), non_resource_urls=("*",))

#: The scope of a grant: None is every request (cluster scope and every namespace); a tuple is
#: requests in those namespaces (EKS access-policy namespaces may be patterns: ``dev-*``).
Scope = tuple[str, ...] | None


@dataclass(frozen=True)
class Grant:
    """One rule of one binding (or access policy) that applies to the principal."""

    rule: PolicyRule
    scope: Scope
    cause: str  # "ClusterRole edit in namespace payments by RoleBinding payments/ops-edit"
    patterns: bool = False  # scope names are EKS access-scope patterns
    via: str = ""  # how the principal reaches the identity: "assumes role EKSOps (MFA ...)"
    rule_key: tuple[tuple[str, ...], ...] = ()  # rule_key(rule), computed once per source

    @property
    def key(self) -> tuple[object, ...]:
        """What the grant allows, without where it comes from."""
        return (self.rule_key or rule_key(self.rule), self.scope, self.patterns)


@dataclass(frozen=True)
class Source:
    """The rules one binding (or access policy, or the privileged group) gives, and where."""

    rules: tuple[PolicyRule, ...]
    scope: Scope
    cause: str
    patterns: bool = False
    key: tuple[object, ...] = ()  # what it allows, comparable across sides

    @property
    def rule_keys(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        return self.key[0]  # type: ignore[return-value]


def rule_key(r: PolicyRule) -> tuple[tuple[str, ...], ...]:
    return (r.verbs, r.api_groups, r.resources, r.resource_names, r.non_resource_urls)


def _source(rules: tuple[PolicyRule, ...], scope: Scope, cause: str, patterns: bool = False,
            rules_key: tuple[object, ...] | None = None) -> Source:  # fmt: skip
    key = rules_key if rules_key is not None else tuple(rule_key(r) for r in rules)
    return Source(rules, scope, cause, patterns, (key, scope, patterns))


Reach = list[tuple[str, list[Source]]]  # (via, the sources of the identity it reaches)


def principal_sources(analyzer: Analyzer, principal: Principal,
                      of_identity: Callable[[KubernetesIdentity], list[Source]] | None = None) -> Reach:  # fmt: skip
    """What ``principal`` holds on this side, path by path (no context: the default can-i).
    ``of_identity`` lets a caller cache identities' sources."""
    out: Reach = []
    for path in analyzer.paths_for(principal, RequestContext()):
        if path.identity is not None:
            found = of_identity(path.identity) if of_identity is not None else identity_sources(analyzer, path.identity)
            out.append((_via(path), found))
    return out


def expand(reach: Reach) -> tuple[Grant, ...]:
    """One grant per rule, in path order."""
    return tuple(Grant(rule, s.scope, s.cause, s.patterns, via, k)
                 for via, sources in reach for s in sources for rule, k in zip(s.rules, s.rule_keys, strict=True))  # fmt: skip


def principal_grants(analyzer: Analyzer, principal: Principal) -> tuple[Grant, ...]:
    return expand(principal_sources(analyzer, principal))


class BindingIndex:
    """The RBAC bindings in effect, by the subject keys they apply to (``subject_key``)."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.bindings = analyzer.kubernetes.rbac.bindings
        self._by_key: dict[SubjectKey, list[int]] = defaultdict(list)
        self._role_keys: dict[int, tuple[object, ...]] = {}
        self._sources: dict[int, Source | None] = {}
        for i, b in enumerate(self.bindings):
            for s in b.subjects:
                key = subject_key(b, s)
                if key is not None and (not self._by_key[key] or self._by_key[key][-1] != i):
                    self._by_key[key].append(i)

    def applying(self, user: str, groups: Sequence[str]) -> list[RbacBinding]:
        """The bindings that apply to an identity, in the policy's order."""
        found = {i for key in identity_keys(user, groups) for i in self._by_key.get(key, ())}
        return [self.bindings[i] for i in sorted(found)]

    def source(self, analyzer: Analyzer, binding: RbacBinding) -> Source | None:
        """What a binding gives (None: its role is missing, or a RoleBinding has no namespace)."""
        if id(binding) not in self._sources:
            self._sources[id(binding)] = _binding_source(analyzer, binding, self)
        return self._sources[id(binding)]

    def rules_key(self, role: EffectiveRole) -> tuple[object, ...]:
        if id(role) not in self._role_keys:
            self._role_keys[id(role)] = tuple(rule_key(r) for r in role.rules)
        return self._role_keys[id(role)]


def _binding_source(analyzer: Analyzer, binding: RbacBinding, index: BindingIndex) -> Source | None:
    role = analyzer.kubernetes.rbac.role_for(binding)
    if role is None:
        return None
    if binding.kind == "ClusterRoleBinding":
        return _source(role.rules, None, f"{role.ref} cluster-wide by {binding.ref}", rules_key=index.rules_key(role))
    if not binding.namespace:  # a RoleBinding without a namespace applies to no request
        return None
    cause = f"{role.ref} in namespace {binding.namespace} by {binding.ref}"
    return _source(role.rules, (binding.namespace,), cause, rules_key=index.rules_key(role))


def identity_sources(analyzer: Analyzer, ident: KubernetesIdentity, index: BindingIndex | None = None) -> list[Source]:
    """What one Kubernetes identity holds: privileged group, RBAC bindings, EKS access policies."""
    if MASTERS in ident.groups:
        return [_source((ALL_RULE,), None, f"group {MASTERS} (every request is allowed before RBAC)")]
    index = index or BindingIndex(analyzer)
    out = [s for s in (index.source(analyzer, b) for b in index.applying(ident.username, ident.groups)) if s is not None]
    for assoc in ident.access_policies:
        found = policy_rules(assoc.policy_arn)
        if found is None or assoc.scope.type not in ("cluster", "namespace"):
            continue
        where = "cluster-wide" if assoc.scope.type == "cluster" else "in namespaces " + ", ".join(assoc.scope.namespaces)
        scope = None if assoc.scope.type == "cluster" else tuple(assoc.scope.namespaces)
        out.append(_source(found[0], scope, f"EKS access policy {assoc.policy_name} {where} by {assoc.origin.name}", scope is not None))
    return out


def _via(path: Path) -> str:
    """The path in short: ``assumes role EKSOps; as user developer, groups [developers]``."""
    steps: list[str] = []
    for hop in path.hops:
        if hop.step == "assume":
            steps.append(f"assumes role {hop.fields.get('role')}")
        elif hop.step == "mapping":
            groups = ", ".join(hop.fields.get("groups") or ())
            steps.append(f"as Kubernetes user {hop.fields.get('username')}, groups [{groups}]")
    conditions = describe_requirement(path.requirement)
    if conditions:
        steps.append("only if " + "; ".join(conditions))
    return "; ".join(steps)
