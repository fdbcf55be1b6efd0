"""The four analyzer commands the CLI calls; each returns ``(exit code, text to print)``.

Scope convention, everywhere: without ``-n`` a question is asked at cluster scope, so for a
namespaced resource it means "in every namespace" and only ClusterRoleBindings (and
cluster-scoped access policies) can grant it. With ``-n NS`` RoleBindings in NS count too.
This differs from kubectl, whose default is the current context's namespace; a plan has none.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import UsageError
from .graph import AccessGraph
from .principals import Request, parse_principal, parse_request
from .render import (
    MATRIX_VERBS,
    Diagram,
    MatrixTable,
    answer_json,
    answer_text,
    dot,
    dumps,
    matrix_json,
    matrix_text,
    mermaid,
    who_can_json,
    who_can_text,
)

Records = Sequence[Mapping[str, Any]]

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


def _fmt(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise UsageError(f"--format: {fmt!r} is not one of {', '.join(allowed)}")
    return fmt


def graph_of(resources: Records | AccessGraph) -> AccessGraph:
    """Accept a built graph too, so callers asking many questions build it once."""
    return resources if isinstance(resources, AccessGraph) else AccessGraph(resources)


def can_i(resources: Records | AccessGraph, verb: str, resource: str, namespace: str | None,
          principal: str, fmt: str) -> tuple[int, str]:  # fmt: skip
    """Answer through the whole chain IAM -> mapping -> RBAC; exit 0 yes, 1 no."""
    _fmt(fmt, ("text", "json"))
    req = parse_request(verb, resource, namespace)
    p = parse_principal(principal)
    ans = graph_of(resources).evaluate(p, req)
    text = dumps(answer_json(ans)) if fmt == "json" else answer_text(ans)
    return (0 if ans.allowed else 1), text


def who_can(resources: Records | AccessGraph, verb: str, resource: str, namespace: str | None,
            fmt: str) -> tuple[int, str]:  # fmt: skip
    """Every Kubernetes subject, IAM role and IAM user allowed, each with its chain."""
    _fmt(fmt, ("text", "json"))
    req = parse_request(verb, resource, namespace)
    entries = graph_of(resources).who_can(req)
    if fmt == "json":
        return 0, dumps(who_can_json(entries))
    return 0, who_can_text(req, entries)


def _rows(g: AccessGraph) -> list[Request]:
    """Common resources, then every resource named by a rule of the plan (not built-ins)."""
    seen: dict[tuple[str, str], None] = {}
    out: list[Request] = []
    for r in COMMON_RESOURCES:
        req = parse_request("get", r, None)
        seen.setdefault((req.group, req.full_resource))
        out.append(req)
    extra: list[tuple[str, str]] = []
    roles = list(g.rbac.cluster_roles.values()) + list(g.rbac.roles.values())
    for role in roles:
        if role.builtin:
            continue
        for rule in role.rules:
            groups = [x for x in rule.api_groups if x != "*"] or [""]
            for res in rule.resources:
                if "*" in res:
                    continue
                for grp in groups:
                    if (grp, res) not in seen:
                        seen.setdefault((grp, res))
                        extra.append((grp, res))
    for grp, res in sorted(extra, key=lambda x: (x[1], x[0])):
        base, _, sub = res.partition("/")
        out.append(Request(verb="get", resource=base, subresource=sub, group=grp))
    return out


def _table(g: AccessGraph, principal: str, namespace: str | None,
           rows: list[Request]) -> MatrixTable:  # fmt: skip
    p = parse_principal(principal)
    paths = [x for x in g.paths_for(p) if x.identity is not None]
    table = MatrixTable(p.display, namespace)
    for base in rows:
        cells: dict[str, bool] = {}
        for verb in MATRIX_VERBS:
            req = Request(verb=verb, resource=base.resource, subresource=base.subresource,
                          group=base.group, namespace=namespace)  # fmt: skip
            cells[verb] = any(
                g.authorize_identity(x.identity, req)[0] is not None
                for x in paths if x.identity is not None
            )
        table.rows.append((base.display, cells))
    return table


def matrix(resources: Records | AccessGraph, principal: str | None, namespace: str | None,
           fmt: str) -> tuple[int, str]:  # fmt: skip
    """Resources x verbs (get list watch create update patch delete), like access-matrix.

    With ``--as`` one table for that principal (IAM ARNs are followed through every role
    they can assume; a cell is ✔ if any path allows it). Without ``--as`` one table per
    Kubernetes subject the plan itself names in a binding or mapping, because a plan has no
    "current user" and a reviewer wants to see every team's reach at once.
    """
    _fmt(fmt, ("text", "json"))
    if namespace is not None:
        parse_request("get", "pods", namespace)  # validates -n
    g = graph_of(resources)
    rows = _rows(g)
    if principal is not None:
        tables = [_table(g, principal, namespace, rows)]
    else:
        tables = [_table(g, p.display, namespace, rows) for p in g.plan_subjects()]
        if not tables:
            raise UsageError("matrix: the plan binds no Kubernetes subject; pass --as PRINCIPAL")
    return 0, dumps(matrix_json(tables)) if fmt == "json" else matrix_text(tables)


def build_diagram(g: AccessGraph) -> Diagram:
    """IAM users -> groups -> roles -> k8s users/groups -> (Cluster)Roles -> namespaces."""
    d = Diagram()
    for uname, memberships in g.user_groups.items():
        for gname, _rec in memberships:
            d.edge(d.node("iamuser", uname), d.node("iamgroup", gname), "member")
    for u in list(g.users.values()):
        for role, path in g.assume_paths(u):
            groups = [h.fields.get("group") for h in path.hops if h.step == "membership"]
            src = d.node("iamgroup", str(groups[0])) if groups else d.node("iamuser", u.name)
            d.edge(src, d.node("iamrole", role.name), "sts:AssumeRole")
    for m in g.mappings.all():
        name = m.principal_arn.rsplit("/", 1)[-1]
        src = d.node("iamrole" if m.kind == "role" else "iamuser", name)
        if m.username and not m.groups:
            d.edge(src, d.node("k8suser", m.username), m.mechanism)
        for grp in m.groups:
            d.edge(src, d.node("k8sgroup", grp), m.mechanism)
        for pol in m.policies:
            target = d.node("accesspolicy", pol.policy_name)
            d.edge(src, target, "access policy")
            if pol.scope == "namespace":
                for ns in pol.namespaces:
                    d.edge(target, d.node("ns", ns), "scope")
            else:
                d.edge(target, d.node("cluster", "all namespaces"), "scope")
    for b in g.rbac.bindings:
        if b.builtin:
            continue
        if b.role_kind == "ClusterRole":
            role_key = d.node("clusterrole", b.role_name)
        else:
            role_key = d.node("role", f"{b.namespace}/{b.role_name}")
        for s in b.subjects:
            if s.kind == "Group":
                src = d.node("k8sgroup", s.name)
            elif s.kind == "User":
                src = d.node("k8suser", s.name)
            elif s.kind == "ServiceAccount" and (s.namespace or b.namespace):
                src = d.node("sa", f"{s.namespace or b.namespace}/{s.name}")
            else:
                continue
            d.edge(src, role_key, f"{b.kind} {b.name}")
        target = d.node("ns", b.namespace) if b.kind == "RoleBinding" and b.namespace else d.node(
            "cluster", "all namespaces")
        d.edge(role_key, target, "grants in")
    for (ns, sa), ws in g.workloads.items():
        for w in ws:
            d.edge(d.node("sa", f"{ns}/{sa}"), d.node("iamrole", w.role_arn.rsplit("/", 1)[-1]),
                   w.mechanism)  # fmt: skip
    return d


def diagram(resources: Records | AccessGraph, fmt: str) -> tuple[int, str]:
    """Mermaid ``flowchart LR`` text, or SVG rendered by Graphviz ``dot``."""
    _fmt(fmt, ("mermaid", "svg"))
    d = build_diagram(graph_of(resources))
    if fmt == "mermaid":
        return 0, mermaid(d)
    exe = shutil.which("dot")
    if exe is None:
        raise UsageError(
            "svg needs Graphviz's `dot` on PATH (apt-get install graphviz / brew install "
            "graphviz); use --format mermaid"
        )
    proc = subprocess.run([exe, "-Tsvg"], input=dot(d), capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    if proc.returncode != 0:
        raise UsageError(f"diagram: dot failed: {proc.stderr.strip()[:300]}")
    return 0, proc.stdout


__all__ = ["build_diagram", "can_i", "diagram", "graph_of", "matrix", "who_can"]
