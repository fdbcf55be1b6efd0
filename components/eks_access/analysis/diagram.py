"""The picture: IAM users -> groups -> roles -> Kubernetes users/groups -> (Cluster)Roles -> scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from eks_access.analysis.analyzer import Analyzer
from eks_access.authz.iam import Caller, RequestContext


@dataclass
class Diagram:
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (kind, label)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, label)

    def node(self, kind: str, name: str) -> str:
        key = f"{kind}:{name}"
        self.nodes.setdefault(key, (kind, name))
        return key

    def edge(self, a: str, b: str, label: str = "") -> None:
        e = (a, b, label)
        if e not in self.edges:
            self.edges.append(e)


def build_diagram(analyzer: Analyzer) -> Diagram:
    model = analyzer.model
    d = Diagram()
    for membership in model.iam.memberships:
        d.edge(d.node("iamuser", membership.user), d.node("iamgroup", membership.group), "member")
    for user in model.iam.users:
        if not user.arn:
            continue
        for role, path in analyzer.paths.assumable(Caller.user(user.arn, user.name), RequestContext()):
            groups = [h.fields.get("group") for h in path.hops if h.step == "membership"]
            src = d.node("iamgroup", str(groups[0])) if groups else d.node("iamuser", user.name)
            d.edge(src, d.node("iamrole", role.name), "sts:AssumeRole")
    for m in analyzer.resolver.in_effect():
        if m.principal_arn is None or m.kind == "account":
            continue
        name = m.principal_arn.rsplit("/", 1)[-1]
        src = d.node("iamrole" if m.kind == "role" else "iamuser", name)
        mechanism = "access entry" if m.mechanism == "access-entry" else "aws-auth"
        if m.username and not m.groups:
            d.edge(src, d.node("k8suser", m.username), mechanism)
        for grp in m.groups:
            d.edge(src, d.node("k8sgroup", grp), mechanism)
        for pol in model.access_policies_by_principal.get(m.principal_arn, ()) if m.mechanism == "access-entry" else ():
            target = d.node("accesspolicy", pol.policy_name)
            d.edge(src, target, "access policy")
            if pol.scope.type == "namespace":
                for ns in pol.scope.namespaces:
                    d.edge(target, d.node("ns", ns), "scope")
            else:
                d.edge(target, d.node("cluster", "all namespaces"), "scope")
    for b in model.k8s.bindings:
        if b.role_ref is None:
            continue
        role_key = d.node("clusterrole", b.role_ref.name) if b.role_ref.kind == "ClusterRole" else d.node(
            "role", f"{b.namespace}/{b.role_ref.name}")
        for s in b.subjects:
            if s.kind == "Group":
                src = d.node("k8sgroup", s.name)
            elif s.kind == "User":
                src = d.node("k8suser", s.name)
            elif s.kind == "ServiceAccount" and b.subject_namespace(s) is not None:
                src = d.node("sa", f"{b.subject_namespace(s)}/{s.name}")
            else:
                continue
            d.edge(src, role_key, f"{b.kind} {b.name or b.origin.name}")
        target = d.node("ns", b.namespace) if b.kind == "RoleBinding" and b.namespace else d.node("cluster", "all namespaces")
        d.edge(role_key, target, "grants in")
    for w in model.workload_roles:
        d.edge(d.node("sa", f"{w.namespace}/{w.service_account}"), d.node("iamrole", w.role_arn.rsplit("/", 1)[-1]), w.mechanism)
    return d
