"""Resources x verbs tables, like ``kubectl access-matrix``: one per principal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from eks_access.analysis.analyzer import Analyzer
from eks_access.analysis.principals import parse_principal
from eks_access.analysis.requests import is_namespaced, parse_request
from eks_access.authz.iam import RequestContext
from eks_access.authz.rbac.attributes import Attributes
from eks_access.errors import UsageError

MATRIX_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete")

#: Rows every matrix shows, in kubectl's order of everyday relevance.
COMMON_RESOURCES = (
    "pods", "pods/log", "pods/exec", "services", "endpoints", "configmaps", "secrets",
    "serviceaccounts", "persistentvolumeclaims", "events", "namespaces", "nodes",
    "persistentvolumes", "deployments.apps", "daemonsets.apps", "statefulsets.apps",
    "replicasets.apps", "jobs.batch", "cronjobs.batch", "ingresses.networking.k8s.io",
    "networkpolicies.networking.k8s.io", "roles.rbac.authorization.k8s.io",
    "rolebindings.rbac.authorization.k8s.io", "clusterroles.rbac.authorization.k8s.io",
    "clusterrolebindings.rbac.authorization.k8s.io",
)  # fmt: skip


@dataclass
class MatrixTable:
    principal: str
    namespace: str | None
    rows: list[tuple[str, dict[str, bool]]] = field(default_factory=list)


def rows(analyzer: Analyzer) -> list[Attributes]:
    """Common resources, then every resource a rule of the plan names (not the built-ins)."""
    seen: set[tuple[str, str]] = set()
    out: list[Attributes] = []
    for r in COMMON_RESOURCES:
        attrs = analyzer.request("get", r, None).attrs
        seen.add((attrs.api_group, attrs.combined_resource))
        out.append(attrs)
    extra: list[tuple[str, str]] = []
    for role in analyzer.model.k8s.roles:
        for rule in role.rules:
            groups = [g for g in rule.api_groups if g != "*"] or [""]
            for res in rule.resources:
                for grp in groups if "*" not in res else ():
                    if (grp, res) not in seen:
                        seen.add((grp, res))
                        extra.append((grp, res))
    for grp, res in sorted(extra, key=lambda x: (x[1], x[0])):
        base, _, sub = res.partition("/")
        out.append(Attributes("get", base, sub, grp))
    return out


def table(analyzer: Analyzer, principal: str, namespace: str | None, row_attrs: Sequence[Attributes],
          groups: Sequence[str] = (), context: RequestContext | None = None) -> MatrixTable:  # fmt: skip
    p = parse_principal(principal, groups)
    identities = [x.identity for x in analyzer.paths_for(p, context or RequestContext()) if x.identity is not None]
    out = MatrixTable(p.display, namespace)
    for base in row_attrs:
        ns = namespace or "" if is_namespaced(base.resource, base.api_group, analyzer.version, analyzer.model.discovery) else ""
        cells: dict[str, bool] = {}
        for verb in MATRIX_VERBS:
            attrs = Attributes(verb, base.resource, base.subresource, base.api_group, ns)
            cells[verb] = any(
                analyzer.kubernetes.authorize(i.username, i.groups, attrs, i.access_policies).allowed for i in identities
            )
        out.rows.append((base.display, cells))
    return out


def matrix_tables(analyzer: Analyzer, principal: str | None, namespace: str | None, groups: Sequence[str] = (),
                  context: RequestContext | None = None) -> list[MatrixTable]:  # fmt: skip
    if namespace is not None:
        parse_request("get", "pods", namespace)  # validates -n
    row_attrs = rows(analyzer)
    if principal is not None:
        return [table(analyzer, principal, namespace, row_attrs, groups, context)]
    subjects = analyzer.plan_subjects()
    if not subjects:
        raise UsageError("matrix: the plan binds no Kubernetes subject; pass --as PRINCIPAL")
    return [table(analyzer, p.display, namespace, row_attrs) for p in subjects]
