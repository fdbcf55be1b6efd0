"""The access graph: IAM users -> groups -> roles -> Kubernetes identities -> RBAC.

Built once from the plan records and indexed so that one question only touches the edges of
the asking principal: memberships by user, assumable roles by user, mappings by ARN, bindings
by subject, and per-role rule lookups cached by request.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import builtin_roles
from .iam import (
    ASSUME_ROLE,
    Caller,
    Decision,
    PolicyDoc,
    assume_targets,
    evaluate_identity,
    evaluate_trust,
    parse_policy,
    wildcard_match,
)
from .mapping import (
    AccessPolicyAssoc,
    IdentityMapping,
    MappingIndex,
    access_entry,
    access_policy,
    aws_auth_entries,
    cluster_entries,
    expand_template,
    infer_mode,
)
from .principals import (
    Principal,
    PrincipalKind,
    Request,
    canonical_identity_arn,
    role_arn,
    split_iam_arn,
    user_arn,
)
from .rbac import (
    SA_PREFIX,
    Binding,
    RbacIndex,
    RoleDef,
    binding_from_manifest,
    effective_namespace,
    role_from_manifest,
    subject_keys,
)

T_ROLE = "aws:iam/role:Role"
T_USER = "aws:iam/user:User"
T_GROUP = "aws:iam/group:Group"
T_UGM = "aws:iam/userGroupMembership:UserGroupMembership"
T_GM = "aws:iam/groupMembership:GroupMembership"
T_GPOL = "aws:iam/groupPolicy:GroupPolicy"
T_UPOL = "aws:iam/userPolicy:UserPolicy"
T_RPOL = "aws:iam/rolePolicy:RolePolicy"
T_GATT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
T_UATT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
T_RATT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
T_POLICY = "aws:iam/policy:Policy"
T_ENTRY = "aws:eks/accessEntry:AccessEntry"
T_ASSOC = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
T_PODID = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
T_CLUSTER = "eks:index:Cluster"
T_CM = "kubernetes:core/v1:ConfigMap"
T_SA = "kubernetes:core/v1:ServiceAccount"
T_NS = "kubernetes:core/v1:Namespace"
_RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
MASTERS = "system:masters"
AUTHENTICATED = "system:authenticated"
_ACCOUNT_RE = re.compile(r"arn:aws[a-z-]*:(?:iam|sts|eks)::(\d{12}):")


def _type_base(t: str) -> str:
    """``aws:iam/role:Role`` also arrives as ``aws:iam/role:Role`` from older providers;
    Kubernetes types may use any API version, so compare on the kind suffix."""
    return t


@dataclass
class IamRole:
    name: str
    arn: str
    path: str
    record: str | None
    trust: PolicyDoc
    policies: list[PolicyDoc] = field(default_factory=list)
    attached: list[str] = field(default_factory=list)  # managed policy ARNs (shown)

    @property
    def canonical(self) -> str:
        return canonical_identity_arn(self.arn)


@dataclass
class IamUser:
    name: str
    arn: str
    record: str | None = None
    policies: list[PolicyDoc] = field(default_factory=list)


@dataclass
class IamGroup:
    name: str
    record: str | None = None
    policies: list[PolicyDoc] = field(default_factory=list)


@dataclass
class Hop:
    step: str  # membership | assume | mapping | rbac | masters | access-policy | workload
    text: str
    fields: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"step": self.step, "text": self.text, **self.fields}


@dataclass(frozen=True)
class KIdentity:
    """An authenticated Kubernetes identity, plus EKS access policies bound to its entry."""

    username: str | None
    groups: tuple[str, ...]
    policies: tuple[AccessPolicyAssoc, ...] = ()
    entry: str | None = None

    @property
    def keys(self) -> list[str]:
        return subject_keys(self.username, self.groups)


@dataclass
class PathResult:
    """One way a principal may reach Kubernetes; ``failure`` says where it stopped."""

    hops: list[Hop]
    identity: KIdentity | None
    failure: str | None = None
    conditions: list[str] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return len(self.hops) + (1 if self.identity else 0)


@dataclass
class Answer:
    allowed: bool
    principal: Principal
    request: Request
    chain: list[Hop]
    reason: str
    conditions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class WorkloadRole:
    sa_namespace: str
    sa_name: str
    role_arn: str
    mechanism: str  # "IRSA annotation" | "EKS Pod Identity"
    record: str


class AccessGraph:
    """Everything the analyzer knows about one plan."""

    def __init__(self, resources: Sequence[Mapping[str, Any]]) -> None:
        self.records = list(resources)
        self.account = self._detect_account()
        self.roles_by_name: dict[str, IamRole] = {}
        self.roles_by_arn: dict[str, IamRole] = {}
        self.users: dict[str, IamUser] = {}
        self.groups: dict[str, IamGroup] = {}
        self.user_groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.managed_policies: dict[str, PolicyDoc] = {}
        self.workloads: dict[tuple[str, str], list[WorkloadRole]] = defaultdict(list)
        self.namespaces: set[str] = set()
        self.warnings: list[str] = []
        self._build_iam()
        self._build_mapping()
        self._build_rbac()
        self._build_workloads()
        self._assumable: dict[str, list[tuple[IamRole, PathResult]]] = {}
        self._trusting: dict[str, list[IamRole]] | None = None
        self._role_assumers: dict[str, list[str]] | None = None

    # ------------------------------------------------------------------ building
    def _of(self, *types: str) -> Iterable[Mapping[str, Any]]:
        for r in self.records:
            if r.get("type") in types:
                yield r

    def _detect_account(self) -> str:
        for r in self.records:
            for v in ((r.get("outputs") or {}).get("arn"), (r.get("inputs") or {}).get("principalArn")):
                if isinstance(v, str):
                    m = _ACCOUNT_RE.match(v)
                    if m:
                        return m.group(1)
        blob = json.dumps([r.get("inputs") for r in self.records[:200]], default=str)
        m = _ACCOUNT_RE.search(blob)
        return m.group(1) if m else "000000000000"

    def resolve_ref(self, v: Any) -> str | None:
        """A role ARN, or a ``{"$ref": "<type>::<name>"}`` to a role record."""
        if isinstance(v, str):
            return v
        if isinstance(v, Mapping) and isinstance(v.get("$ref"), str):
            _t, _, name = str(v["$ref"]).partition("::")
            for r in self._of(T_ROLE):
                if r.get("name") == name:
                    return self._role_from_record(r).arn
        return None

    def _role_from_record(self, r: Mapping[str, Any]) -> IamRole:
        inputs = r.get("inputs") or {}
        name = str(inputs.get("name") or (r.get("outputs") or {}).get("name") or r.get("name"))
        path = str(inputs.get("path") or "/")
        out_arn = (r.get("outputs") or {}).get("arn")
        arn = out_arn if isinstance(out_arn, str) else role_arn(self.account, name, path)
        trust = parse_policy(inputs.get("assumeRolePolicy"), f"role {name}")
        return IamRole(name, arn, path, str(r.get("name")), trust)

    def _policy_arn(self, r: Mapping[str, Any]) -> str:
        out = (r.get("outputs") or {}).get("arn")
        if isinstance(out, str):
            return out
        inputs = r.get("inputs") or {}
        name = inputs.get("name") or r.get("name")
        path = str(inputs.get("path") or "/")
        return f"arn:aws:iam::{self.account}:policy{path}{name}"

    def _managed(self, arn: str, attachment: str) -> PolicyDoc:
        doc = self.managed_policies.get(arn)
        if doc is not None:
            return PolicyDoc(f"policy {arn} (attachment {attachment})", doc.statements)
        known = builtin_roles.managed_iam_policies().get(arn)
        if known is not None:
            return parse_policy(known, f"AWS-managed policy {arn} (attachment {attachment})")
        return PolicyDoc(f"{arn} (contents not in plan)", ())

    def user(self, name: str, arn: str | None = None) -> IamUser:
        u = self.users.get(name)
        if u is None:
            u = IamUser(name, arn or user_arn(self.account, name))
            self.users[name] = u
        return u

    def group(self, name: str) -> IamGroup:
        g = self.groups.get(name)
        if g is None:
            g = IamGroup(name)
            self.groups[name] = g
        return g

    def _build_iam(self) -> None:
        for r in self._of(T_POLICY):
            inputs = r.get("inputs") or {}
            arn = self._policy_arn(r)
            self.managed_policies[arn] = parse_policy(inputs.get("policy"), f"policy {r.get('name')}")
        for r in self._of(T_ROLE):
            role = self._role_from_record(r)
            inputs = r.get("inputs") or {}
            for ip in inputs.get("inlinePolicies") or ():
                if isinstance(ip, Mapping) and ip.get("policy"):
                    role.policies.append(parse_policy(ip.get("policy"), f"inline policy {ip.get('name')}"))
            for arn in inputs.get("managedPolicyArns") or ():
                if isinstance(arn, str):
                    role.attached.append(arn)
                    role.policies.append(self._managed(arn, str(r.get("name"))))
            self.roles_by_name[role.name] = role
            self.roles_by_arn[role.arn] = role
        for r in self._of(T_USER):
            inputs = r.get("inputs") or {}
            name = str(inputs.get("name") or r.get("name"))
            out = (r.get("outputs") or {}).get("arn")
            arn = out if isinstance(out, str) else user_arn(self.account, name, str(inputs.get("path") or "/"))
            self.user(name, arn).record = str(r.get("name"))
        for r in self._of(T_GROUP):
            inputs = r.get("inputs") or {}
            self.group(str(inputs.get("name") or r.get("name"))).record = str(r.get("name"))
        for r in self._of(T_UGM):
            inputs = r.get("inputs") or {}
            uname = inputs.get("user")
            if isinstance(uname, str):
                self.user(uname)
                for g in inputs.get("groups") or ():
                    if isinstance(g, str):
                        self.group(g)
                        self.user_groups[uname].append((g, str(r.get("name"))))
        for r in self._of(T_GM):
            inputs = r.get("inputs") or {}
            g = inputs.get("group")
            if isinstance(g, str):
                self.group(g)
                for uname in inputs.get("users") or ():
                    if isinstance(uname, str):
                        self.user(uname)
                        self.user_groups[uname].append((g, str(r.get("name"))))
        for r in self._of(T_GPOL, T_UPOL, T_RPOL):
            inputs = r.get("inputs") or {}
            doc = parse_policy(inputs.get("policy"), f"policy {r.get('name')}")
            if doc.error:
                self.warnings.append(f"{r.get('name')}: {doc.error}")
            self._attach(r.get("type"), inputs, doc)
        for r in self._of(T_GATT, T_UATT, T_RATT):
            inputs = r.get("inputs") or {}
            parn = inputs.get("policyArn")
            if not isinstance(parn, str):
                continue
            doc = self._managed(parn, str(r.get("name")))
            self._attach(r.get("type"), inputs, doc)
            if r.get("type") == T_RATT:
                target = self.roles_by_name.get(str(inputs.get("role")))
                if target is not None:
                    target.attached.append(parn)

    def _attach(self, rtype: Any, inputs: Mapping[str, Any], doc: PolicyDoc) -> None:
        if rtype in (T_GPOL, T_GATT) and isinstance(inputs.get("group"), str):
            self.group(inputs["group"]).policies.append(doc)
        elif rtype in (T_UPOL, T_UATT) and isinstance(inputs.get("user"), str):
            self.user(inputs["user"]).policies.append(doc)
        elif rtype in (T_RPOL, T_RATT) and isinstance(inputs.get("role"), str):
            role = self.roles_by_name.get(inputs["role"])
            if role is not None:
                role.policies.append(doc)

    def _build_mapping(self) -> None:
        entries = [m for m in (access_entry(r) for r in self._of(T_ENTRY)) if m is not None]
        auth: list[IdentityMapping] = []
        nodes: list[IdentityMapping] = []
        declared: str | None = None
        for r in self._of(T_CLUSTER):
            mode = (r.get("inputs") or {}).get("authenticationMode")
            if isinstance(mode, str):
                declared = mode
            cluster_maps = cluster_entries(r, self.resolve_ref)
            auth.extend(m for m in cluster_maps if not m.source.startswith("node"))
            nodes.extend(m for m in cluster_maps if m.source.startswith("node"))
        for r in self._of(T_CM):
            meta = (r.get("inputs") or {}).get("metadata") or {}
            if meta.get("name") == "aws-auth" and meta.get("namespace", "kube-system") == "kube-system":
                auth.extend(aws_auth_entries(r))
        self.mode = infer_mode(declared, bool(entries), bool(auth))
        # pulumi-eks keeps node roles mapped in every mode: an aws-auth entry, or in the API
        # modes an EC2_LINUX access entry (system:nodes).
        for n in nodes:
            if self.mode == "CONFIG_MAP":
                auth.append(n)
            else:
                n.mechanism, n.entry_type = "access entry", "EC2_LINUX"
                n.source = n.source.replace("node instance role", "node access entry (EC2_LINUX)")
                entries.append(n)
        policies: dict[str, list[AccessPolicyAssoc]] = defaultdict(list)
        for r in self._of(T_ASSOC):
            hit = access_policy(r)
            if hit is not None:
                policies[hit[0]].append(hit[1])
        for e in entries:
            e.policies = policies.get(e.principal_arn, [])
        self.mappings = MappingIndex(self.mode, entries, auth)
        for m in self.mappings.all():
            if m.kind == "user":
                parts = split_iam_arn(m.principal_arn)
                if parts:
                    self.user(parts[3], m.principal_arn)

    def _build_rbac(self) -> None:
        roles: list[RoleDef] = [
            role_from_manifest("ClusterRole", m, None, builtin=True)
            for m in builtin_roles.bootstrap_cluster_roles()
        ]
        bindings: list[Binding] = [
            binding_from_manifest("ClusterRoleBinding", m, None, builtin=True)
            for m in builtin_roles.bootstrap_cluster_role_bindings()
        ]
        plan_roles: dict[tuple[str, str | None, str], RoleDef] = {}
        for r in self.records:
            t = str(r.get("type", ""))
            if not t.startswith("kubernetes:rbac.authorization.k8s.io/"):
                if t == T_NS:
                    name = ((r.get("inputs") or {}).get("metadata") or {}).get("name")
                    if isinstance(name, str):
                        self.namespaces.add(name)
                continue
            kind = t.rsplit(":", 1)[-1]
            inputs = r.get("inputs") or {}
            if kind in ("ClusterRole", "Role"):
                role = role_from_manifest(kind, inputs, str(r.get("name")))
                plan_roles[(kind, role.namespace, role.name)] = role
            elif kind in ("ClusterRoleBinding", "RoleBinding"):
                b = binding_from_manifest(kind, inputs, str(r.get("name")))
                bindings.append(b)
                if b.namespace:
                    self.namespaces.add(b.namespace)
        # a plan-defined ClusterRole of the same name replaces the bootstrap one
        names = {k[2] for k in plan_roles if k[0] == "ClusterRole"}
        roles = [r for r in roles if r.name not in names] + list(plan_roles.values())
        self.rbac = RbacIndex(roles, bindings)

    def _build_workloads(self) -> None:
        for r in self._of(T_SA):
            meta = (r.get("inputs") or {}).get("metadata") or {}
            ns, name = meta.get("namespace") or "default", meta.get("name")
            arn = (meta.get("annotations") or {}).get(IRSA_ANNOTATION)
            if isinstance(name, str):
                self.namespaces.add(str(ns))
                if isinstance(arn, str):
                    self.workloads[(str(ns), name)].append(
                        WorkloadRole(str(ns), name, arn, "IRSA annotation", str(r.get("name")))
                    )
        for r in self._of(T_PODID):
            inputs = r.get("inputs") or {}
            ns, name, arn = inputs.get("namespace"), inputs.get("serviceAccount"), inputs.get("roleArn")
            if isinstance(ns, str) and isinstance(name, str) and isinstance(arn, str):
                self.workloads[(ns, name)].append(
                    WorkloadRole(ns, name, arn, "EKS Pod Identity", str(r.get("name")))
                )

    # ------------------------------------------------------------------ IAM paths
    def user_docs(self, u: IamUser) -> list[tuple[PolicyDoc, str | None, str | None]]:
        """Identity policies of a user: (doc, via group, membership record)."""
        docs: list[tuple[PolicyDoc, str | None, str | None]] = [(d, None, None) for d in u.policies]
        for gname, rec in self.user_groups.get(u.name, ()):
            g = self.groups.get(gname)
            if g is not None:
                docs.extend((d, gname, rec) for d in g.policies)
        return docs

    def assume_paths(self, u: IamUser) -> list[tuple[IamRole, PathResult]]:
        """Roles ``u`` may assume, each with membership + assume hops and conditions."""
        cached = self._assumable.get(u.name)
        if cached is not None:
            return cached
        docs = self.user_docs(u)
        plain = [d for d, _, _ in docs]
        exact, patterns = assume_targets(plain)
        cands: dict[str, IamRole] = {}
        for arn in exact:
            role = self.roles_by_arn.get(arn)
            if role is not None:
                cands[role.arn] = role
        if patterns:
            for role in self.roles_by_arn.values():
                if any(wildcard_match(p, role.arn) for p in patterns):
                    cands[role.arn] = role
        for role in self._trusting_by_arn().get(u.arn, ()):
            cands.setdefault(role.arn, role)
        out: list[tuple[IamRole, PathResult]] = []
        parts = split_iam_arn(u.arn)
        caller = Caller(u.arn, parts[0] if parts else self.account, u.name)
        for role in cands.values():
            path = self._assume_path(u, role, docs, caller)
            if path.failure is None:
                out.append((role, path))
        self._assumable[u.name] = out
        return out

    def _trusting_by_arn(self) -> dict[str, list[IamRole]]:
        """Roles whose trust policy names an IAM principal ARN directly, by that ARN (built once)."""
        if self._trusting is None:
            index: dict[str, list[IamRole]] = defaultdict(list)
            for role in self.roles_by_arn.values():
                for st in role.trust.statements:
                    if st.effect == "Allow":
                        for ptype, value in st.principals:
                            if ptype == "AWS" and ":user/" in value:
                                index[value].append(role)
            self._trusting = dict(index)
        return self._trusting

    def _assume_path(self, u: IamUser, role: IamRole,
                     docs: list[tuple[PolicyDoc, str | None, str | None]],
                     caller: Caller) -> PathResult:  # fmt: skip
        ident = evaluate_identity([d for d, _, _ in docs], ASSUME_ROLE, role.arn, caller)
        if not ident.allowed and not ident.denied_by:
            # Same account: a trust policy naming the user's own ARN is enough on its own, no
            # identity policy needed (IAM's resource-based policy rule). Account root is not.
            direct = evaluate_trust(role.trust, caller)
            role_parts, user_parts = split_iam_arn(role.arn), split_iam_arn(u.arn)
            same_account = bool(role_parts and user_parts and role_parts[0] == user_parts[0])
            if direct.allowed and direct.via == "caller ARN" and same_account:
                text = (f"the trust policy of role {role.name} names IAM user {u.name} directly "
                        "(same account: no identity policy needed)")  # fmt: skip
                if direct.requirements:
                    text += "; conditions: " + "; ".join(direct.requirements)
                hop = Hop("assume", text, {"role": role.name, "roleArn": role.arn, "policy": "trust policy",
                                           "trust": direct.via, "conditions": direct.requirements})  # fmt: skip
                return PathResult([hop], None, conditions=direct.requirements)
        if not ident.allowed:
            if ident.denied_by:
                why = f"{ident.denied_by} explicitly denies sts:AssumeRole on {role.arn} for {u.name}"
            else:
                why = f"{u.name} has no identity policy allowing sts:AssumeRole on {role.arn}"
            return PathResult([], None, failure=why)
        trust = evaluate_trust(role.trust, caller)
        hops: list[Hop] = []
        via_group, via_rec, src = self._allowing_doc(docs, ident)
        if via_group:
            hops.append(Hop("membership", f"IAM user {u.name} is a member of IAM group {via_group} ({via_rec})",
                            {"user": u.name, "group": via_group, "record": via_rec}))  # fmt: skip
        if not trust.allowed:
            return PathResult(hops, None, failure=trust.reason)
        who = f"group {via_group}" if via_group else f"IAM user {u.name}"
        conds = ident.requirements + trust.requirements
        text = f"{who} may assume role {role.name} ({src}); trust: {trust.via}"
        if conds:
            text += "; " + ("condition: " if len(conds) == 1 else "conditions: ") + "; ".join(conds)
        hops.append(Hop("assume", text, {
            "role": role.name, "roleArn": role.arn, "policy": src, "trust": trust.via,
            "conditions": conds,
        }))  # fmt: skip
        return PathResult(hops, None, conditions=conds)

    @staticmethod
    def _allowing_doc(docs: list[tuple[PolicyDoc, str | None, str | None]],
                      ident: Decision) -> tuple[str | None, str | None, str]:  # fmt: skip
        first = ident.by[0] if ident.by else "?"
        for d, g, rec in docs:
            if d.source == first:
                return g, rec, first
        return None, None, first

    def session_for(self, conditions: Sequence[str], u: IamUser) -> str | None:
        """The session name a trust condition forces (``${aws:username}``), else None."""
        for c in conditions:
            if c.startswith("session name must equal "):
                return c[len("session name must equal "):].split(" or ")[0]
        return None

    # ------------------------------------------------------------------ mapping
    def map_arn(self, full_arn: str, kind: str, session: str | None,
                session_arn: str | None = None) -> tuple[Hop | None, KIdentity | None, str]:  # fmt: skip
        m = self.mappings.lookup(full_arn, session_arn)
        label = _short(full_arn, kind)
        if m is None:
            why = f"{label} is not mapped to any Kubernetes identity (authentication mode {self.mode}"
            if kind == "role" and any(
                a.principal_arn.lower() != canonical_identity_arn(a.principal_arn).lower()
                and canonical_identity_arn(a.principal_arn).lower() == canonical_identity_arn(full_arn).lower()
                for a in self.mappings.auth.values()
            ):
                why += "; its aws-auth rolearn includes a path, which never matches an assumed-role identity"
            elif self.mode == "API" and self.mappings.ignored_auth:
                why += "; aws-auth is ignored in API mode"
            return None, None, why + ")"
        username = expand_template(m.username, session, self.account)
        groups = tuple(expand_template(g, session, self.account) for g in m.groups)
        text = f"{label} maps to Kubernetes user {username}, groups [{', '.join(groups)}] ({m.source})"
        hop = Hop("mapping", text, {
            "principalArn": m.principal_arn, "username": username, "groups": list(groups),
            "mechanism": m.mechanism, "source": m.source, "mode": self.mode,
        })  # fmt: skip
        ident = KIdentity(username, (*groups, AUTHENTICATED) if AUTHENTICATED not in groups else groups,
                          tuple(m.policies), m.source)  # fmt: skip
        return hop, ident, ""

    # ------------------------------------------------------------------ principals
    def paths_for(self, p: Principal) -> list[PathResult]:
        """Every way ``p`` reaches a Kubernetes identity (failed ones carry ``failure``)."""
        if p.kind == "k8s-user":
            return [PathResult([], KIdentity(p.name, _with_auth([])))]
        if p.kind == "k8s-group":
            groups = [p.name] if p.name == "system:unauthenticated" else _with_auth([p.name])
            return [PathResult([], KIdentity(None, tuple(groups)))]
        if p.kind == "k8s-serviceaccount":
            ns = p.namespace or ""
            return [PathResult([], KIdentity(
                f"{SA_PREFIX}{ns}:{p.name}",
                ("system:serviceaccounts", f"system:serviceaccounts:{ns}", AUTHENTICATED),
            ))]  # fmt: skip
        if p.kind == "iam-role":
            role = self.roles_by_name.get(p.name) if p.session else self.roles_by_arn.get(p.arn or "")
            if role is None and p.arn:
                role = self.roles_by_name.get(p.name) if canonical_identity_arn(p.arn) == p.arn else None
            full = role.arn if role is not None else (p.arn or "")
            hop, ident, why = self.map_arn(full, "role", p.session, p.typed if p.session else None)
            return [PathResult([hop] if hop else [], ident, failure=None if ident else why)]
        # IAM user
        u = self.users.get(p.name)
        if u is None or (p.arn and u.arn != p.arn):
            u = IamUser(p.name, p.arn or user_arn(self.account, p.name))
        out: list[PathResult] = []
        hop, ident, why = self.map_arn(u.arn, "user", None)
        if ident is not None and hop is not None:
            out.append(PathResult([hop], ident))
        for role, ap in self.assume_paths(u):
            session = self.session_for(ap.conditions, u)
            hop, ident, why = self.map_arn(role.arn, "role", session)
            hops = [*ap.hops, *([hop] if hop else [])]
            out.append(PathResult(hops, ident, failure=None if ident else why, conditions=ap.conditions))
        if not out:
            out.append(PathResult([], None, failure=self._why_no_role(u)))
        return out

    def _why_no_role(self, u: IamUser) -> str:
        """The first failing hop towards the roles that would give Kubernetes access."""
        mapped = [self.roles_by_arn[a] for a in self._mapped_role_arns() if a in self.roles_by_arn]
        if not mapped:
            return f"{u.name} is not mapped and no IAM role in the plan is mapped to Kubernetes"
        docs = self.user_docs(u)
        caller = Caller(u.arn, self.account, u.name)
        reasons = [self._assume_path(u, r, docs, caller).failure or "" for r in mapped[:3]]
        if len(mapped) == 1:
            return reasons[0]
        if all("has no identity policy" in r for r in reasons):
            shown = ", ".join(r.arn for r in mapped[:3]) + (", ..." if len(mapped) > 3 else "")
            return (f"{u.name} has no identity policy allowing sts:AssumeRole on any of the "
                    f"{len(mapped)} roles mapped to Kubernetes ({shown})")  # fmt: skip
        others = len(mapped) - 1
        return f"{reasons[0]} (and {others} other mapped role{'s' if others > 1 else ''} likewise)"

    def _mapped_role_arns(self) -> list[str]:
        out: list[str] = []
        for m in self.mappings.all():
            if m.kind != "role" or m.source.startswith("node"):
                continue  # nobody assumes a node role to use kubectl
            if m.principal_arn in self.roles_by_arn:
                out.append(m.principal_arn)
                continue
            canon = canonical_identity_arn(m.principal_arn).lower()
            for r in self.roles_by_arn.values():
                if r.canonical.lower() == canon and m.principal_arn.lower() == canon:
                    out.append(r.arn)
        return out

    # ------------------------------------------------------------------ authorization
    def authorize_identity(self, ident: KIdentity, req: Request) -> tuple[Hop | None, str]:
        """RBAC (and EKS access policies) for one identity; on "no", why in plain words."""
        if MASTERS in ident.groups:
            return Hop("masters", f"group {MASTERS} is all-powerful (authorizer short-circuit, not RBAC)",
                       {"group": MASTERS}), ""  # fmt: skip
        grant, held = self.rbac.authorize(ident.keys, req)
        if grant is not None:
            subj = _subject_label(grant.subject_key)
            role = grant.role
            where = ""
            if grant.binding.kind == "RoleBinding":
                where = f" in namespace {grant.binding.namespace}"
            text = (f"{subj} is bound to {role.ref} ({grant.binding.ref}{where}), "
                    f"which allows {req.verb} on {req.display}")  # fmt: skip
            return Hop("rbac", text, {
                "subject": grant.subject_key, "role": role.ref, "binding": grant.binding.ref,
                "bindingRecord": grant.binding.record, "ruleFrom": grant.rule.origin,
            }), ""  # fmt: skip
        ns = effective_namespace(req)
        for pol in ident.policies:
            role_name = builtin_roles.access_policy_roles().get(pol.policy_name)
            if role_name is None or not pol.covers(ns if req.path is None else None):
                continue
            if pol.scope == "namespace" and req.path is not None:
                continue
            prole = self.rbac.cluster_roles.get(role_name)
            if prole is None:
                continue
            if self.rbac.matching_rule(prole, req, pol.scope == "namespace") is not None:
                text = (f"{ident.entry} is associated with EKS access policy {pol.policy_name} "
                        f"(scope: {pol.describe_scope()}; {pol.record}; evaluated as ClusterRole "
                        f"{role_name}), which allows {req.verb} on {req.display}")  # fmt: skip
                return Hop("access-policy", text, {
                    "policy": pol.policy_arn, "scope": pol.scope, "namespaces": list(pol.namespaces),
                    "record": pol.record, "evaluatedAs": role_name,
                }), ""  # fmt: skip
        return None, self._why_denied(ident, req, held)

    def _why_denied(self, ident: KIdentity, req: Request, held: list[Binding]) -> str:
        plan_held = [b for b in held if not b.builtin]
        roles: list[RoleDef] = []
        for b in plan_held:
            r = self.rbac.role_for(b)
            if r is not None and r not in roles:
                roles.append(r)
        pols = [p.policy_name for p in ident.policies]
        what = f"access to {req.display}"
        if roles:
            mentions = any(
                (rule.non_resource_urls and req.path is not None)
                or (req.path is None and (req.full_resource in rule.resources or req.resource in rule.resources))
                for r in roles for rule in r.rules
            )
            if mentions:
                what = f"{req.verb} on {req.display}"
            role_names = " and ".join(r.ref for r in roles)
            verb = "grants" if len(roles) == 1 else "grant"
            scope = f" in namespace {req.namespace}" if effective_namespace(req) else ""
            text = f"{role_names} {verb} no {what}{scope}"
        else:
            names = [f"user {ident.username}"] if ident.username else []
            names += [f"group {g}" for g in ident.groups if g != AUTHENTICATED]
            who = " or ".join(names) if names else "this identity"
            where = f" (namespace {effective_namespace(req)})" if effective_namespace(req) else ""
            text = (f"no RoleBinding or ClusterRoleBinding in scope{where} binds {who}; only the "
                    f"defaults for {AUTHENTICATED} apply (ClusterRoles system:basic-user, "
                    f"system:discovery, system:public-info-viewer), which grant no {what}")  # fmt: skip
        if pols:
            text += f"; access policies {', '.join(pols)} do not cover it"
        return text

    def evaluate(self, p: Principal, req: Request) -> Answer:
        paths = self.paths_for(p)
        best_fail: tuple[int, PathResult, str] | None = None
        for path in paths:
            if path.identity is None:
                cand = (path.depth, path, path.failure or "no path")
            else:
                hop, why = self.authorize_identity(path.identity, req)
                if hop is not None:
                    return Answer(True, p, req, [*path.hops, hop], "allowed",
                                  conditions=path.conditions, notes=self.notes_for(p))  # fmt: skip
                cand = (path.depth + 1, path, why)
            if best_fail is None or cand[0] > best_fail[0]:
                best_fail = cand
        assert best_fail is not None
        _d, path, why = best_fail
        return Answer(False, p, req, list(path.hops), why, conditions=path.conditions,
                      notes=self.notes_for(p))  # fmt: skip

    def notes_for(self, p: Principal) -> list[str]:
        """What the workload gets on the AWS side: its IAM role and that role's policies."""
        if p.kind != "k8s-serviceaccount":
            return []
        out: list[str] = []
        for w in self.workloads.get((p.namespace or "", p.name), ()):
            role = self.roles_by_arn.get(w.role_arn)
            pols = ""
            if role is not None:
                names = [d.source for d in role.policies]
                pols = f"; policies: {', '.join(names)}" if names else "; no policies attached"
            out.append(f"serviceaccount {p.namespace}/{p.name} gets IAM role {w.role_arn} "
                       f"via {w.mechanism} ({w.record}){pols}")  # fmt: skip
        return out

    # ------------------------------------------------------------------ who-can
    def role_assumers(self) -> dict[str, list[str]]:
        """Role ARN -> IAM user names that may assume it (computed once)."""
        if self._role_assumers is None:
            rev: dict[str, list[str]] = defaultdict(list)
            for u in list(self.users.values()):
                for role, _p in self.assume_paths(u):
                    rev[role.arn].append(u.name)
            self._role_assumers = rev
        return self._role_assumers

    def who_can(self, req: Request) -> list[tuple[str, Principal, Answer]]:
        """Every principal allowed: Kubernetes subjects first, then IAM roles and users."""
        ns = effective_namespace(req)
        allowed_keys: dict[str, None] = {}
        scan = list(self.rbac.bindings) if ns is not None else [
            b for b in self.rbac.bindings if b.kind == "ClusterRoleBinding"
        ]
        for b in scan:
            if b.kind == "RoleBinding" and b.namespace != ns:
                continue
            rdef = self.rbac.role_for(b)
            if rdef is None or self.rbac.matching_rule(rdef, req, b.kind == "RoleBinding") is None:
                continue
            for s in b.subjects:
                if s.kind == "User":
                    allowed_keys.setdefault(f"user:{s.name}")
                elif s.kind == "Group":
                    allowed_keys.setdefault(f"group:{s.name}")
                elif s.kind == "ServiceAccount" and (s.namespace or b.namespace):
                    allowed_keys.setdefault(f"sa:{s.namespace or b.namespace}:{s.name}")
        allowed_keys.setdefault(f"group:{MASTERS}")
        out: list[tuple[str, Principal, Answer]] = []
        for key in allowed_keys:
            p = _principal_from_key(key)
            ans = self.evaluate(p, req)
            if ans.allowed:
                out.append((p.kind, p, ans))
        everyone = f"group:{AUTHENTICATED}" in allowed_keys
        allowed_roles: list[str] = []
        for m in self.mappings.all():
            ident_groups = set(m.groups) | {AUTHENTICATED}
            keys = set(subject_keys(m.username, ident_groups))
            hit = everyone or MASTERS in ident_groups or bool(keys & allowed_keys.keys()) or bool(m.policies)
            if not hit and "{{" not in m.username:
                continue
            parts = split_iam_arn(m.principal_arn)
            if parts is None:
                continue
            kind: PrincipalKind = "iam-role" if parts[1] == "role" else "iam-user"
            role = self.roles_by_arn.get(m.principal_arn)
            pr = Principal(kind, parts[3], arn=m.principal_arn, account=parts[0], typed=m.principal_arn)
            ans = self.evaluate(pr, req)
            if ans.allowed:
                out.append((kind, pr, ans))
                if role is not None:
                    allowed_roles.append(role.arn)
                elif kind == "iam-role":
                    allowed_roles.extend(r.arn for r in self.roles_by_arn.values()
                                         if r.canonical.lower() == m.principal_arn.lower())  # fmt: skip
        seen_users = {p.name for k, p, _ in out if k == "iam-user"}
        assumers = self.role_assumers()
        for arn in allowed_roles:
            for uname in assumers.get(arn, ()):
                if uname in seen_users:
                    continue
                seen_users.add(uname)
                u = self.users[uname]
                pr = Principal("iam-user", uname, arn=u.arn, account=self.account, typed=u.arn)
                ans = self.evaluate(pr, req)
                if ans.allowed:
                    out.append(("iam-user", pr, ans))
        return out

    # ------------------------------------------------------------------ inventory
    def plan_subjects(self) -> list[Principal]:
        """Kubernetes subjects the plan itself names (bindings and mappings), for matrix."""
        keys: dict[str, None] = {}
        for b in self.rbac.bindings:
            if b.builtin:
                continue
            for s in b.subjects:
                if s.kind == "User":
                    keys.setdefault(f"user:{s.name}")
                elif s.kind == "Group":
                    keys.setdefault(f"group:{s.name}")
                elif s.kind == "ServiceAccount" and (s.namespace or b.namespace):
                    keys.setdefault(f"sa:{s.namespace or b.namespace}:{s.name}")
        for m in self.mappings.all():
            if m.source.startswith("node"):
                continue  # node identities are the Node authorizer's business
            for g in m.groups:
                keys.setdefault(f"group:{g}")
        return [_principal_from_key(k) for k in keys]


def _with_auth(groups: list[str]) -> tuple[str, ...]:
    return (*groups, AUTHENTICATED) if AUTHENTICATED not in groups else tuple(groups)


def _short(arn: str, kind: str) -> str:
    parts = split_iam_arn(arn)
    name = parts[3] if parts else arn
    return f"role {name}" if kind == "role" else f"IAM user {name}"


def _subject_label(key: str) -> str:
    kind, _, rest = key.partition(":")
    if kind == "sa":
        ns, _, name = rest.partition(":")
        return f"serviceaccount {ns}/{name}"
    return f"{kind} {rest}"


def _principal_from_key(key: str) -> Principal:
    kind, _, rest = key.partition(":")
    if kind == "user":
        if rest.startswith(SA_PREFIX):
            ns, _, name = rest[len(SA_PREFIX):].partition(":")
            return Principal("k8s-serviceaccount", name, namespace=ns)
        return Principal("k8s-user", rest, typed=key)
    if kind == "group":
        return Principal("k8s-group", rest, typed=key)
    ns, _, name = rest.partition(":")
    return Principal("k8s-serviceaccount", name, namespace=ns)
