"""The hops of an answer's chain, in words and as structured fields, and the reasons for a no."""

from __future__ import annotations

from collections.abc import Sequence

from eks_access.analysis.answers import Hop
from eks_access.analysis.requests import Request
from eks_access.authz.iam import AssumeDecision, describe_requirement
from eks_access.authz.iam.principals import ANY_PRINCIPAL, CALLER_ARN
from eks_access.authz.identity import AUTHENTICATED, MASTERS, KubernetesIdentity
from eks_access.authz.kubernetes import KubernetesDecision
from eks_access.authz.rbac.policy import SA_PREFIX, EffectiveRole, RbacPolicy
from eks_access.model.eks import AccessPolicyAssociation
from eks_access.model.k8s import PolicyRule, RbacBinding, Subject


def membership_hop(user: str, group: str, record: str) -> Hop:
    return Hop("membership", f"IAM user {user} is a member of IAM group {group} ({record})",
               {"user": user, "group": group, "record": record})  # fmt: skip


def assume_hops(user: str, d: AssumeDecision) -> list[Hop]:
    """Membership (when a group policy allowed it) and the assume hop."""
    conditions = describe_requirement(d.requirement)
    fields = {"role": d.role.name, "roleArn": d.role.arn, "trust": d.trust_via, "conditions": conditions}
    suffix = ""
    if conditions:
        suffix = "; " + ("condition: " if len(conditions) == 1 else "conditions: ") + "; ".join(conditions)
    if d.trust_via in (CALLER_ARN, ANY_PRINCIPAL) and d.allowed_by is not None and d.allowed_by.source.label.startswith("role "):
        who = f"names IAM user {user} directly" if d.trust_via == CALLER_ARN else "admits any principal"
        text = f"the trust policy of role {d.role.name} {who} (same account: no identity policy needed)"
        return [Hop("assume", text + suffix, {**fields, "policy": "trust policy"})]
    hops: list[Hop] = []
    source = d.allowed_by.source if d.allowed_by is not None else None
    label = source.label if source is not None else "?"
    if source is not None and source.via_group and source.via_membership is not None:
        hops.append(membership_hop(user, source.via_group, source.via_membership.name))
    who = f"group {source.via_group}" if source is not None and source.via_group else f"IAM user {user}"
    text = f"{who} may assume role {d.role.name} ({label}); trust: {d.trust_via}{suffix}"
    hops.append(Hop("assume", text, {**fields, "policy": label}))
    return hops


def mapping_hop(label: str, ident: KubernetesIdentity, mode: str) -> Hop:
    m = ident.mapping
    text = f"{label} maps to Kubernetes user {ident.username}, groups [{', '.join(ident.mapped_groups)}] ({ident.source})"
    return Hop("mapping", text, {
        "principalArn": m.principal_arn if m else None, "username": ident.username, "groups": list(ident.mapped_groups),
        "mechanism": "access entry" if m and m.mechanism == "access-entry" else "aws-auth", "source": ident.source, "mode": mode,
    })  # fmt: skip


def subject_label(binding: RbacBinding, subject: Subject) -> tuple[str, str]:
    """(words, key): ``group developers``/``group:developers``, ``serviceaccount dev/app``/``sa:dev:app``."""
    if subject.kind == "ServiceAccount":
        ns = binding.subject_namespace(subject)
        return f"serviceaccount {ns}/{subject.name}", f"sa:{ns}:{subject.name}"
    if subject.kind == "User" and subject.name.startswith(SA_PREFIX):
        ns, _, name = subject.name[len(SA_PREFIX) :].partition(":")
        return f"serviceaccount {ns}/{name}", f"sa:{ns}:{name}"
    return f"{subject.kind.lower()} {subject.name}", f"{subject.kind.lower()}:{subject.name}"


def rule_origin(role: EffectiveRole, rule: PolicyRule, rbac: RbacPolicy) -> str:
    """The role a rule was written in (aggregated roles collect rules from others)."""
    for name in role.aggregated_from:
        source = rbac.cluster_roles.get(name)
        if source is not None and any(r.same_grant(rule) for r in source.role.rules):
            return source.ref
    return role.ref


def grant_hop(decision: KubernetesDecision, request: Request, ident: KubernetesIdentity, rbac: RbacPolicy) -> Hop:
    what = f"which allows {request.verb} on {request.display}"
    if decision.by == "masters":
        return Hop("masters", f"group {MASTERS} is all-powerful (authorizer short-circuit, not RBAC)", {"group": MASTERS})
    if decision.grant is not None:
        g = decision.grant
        words, key = subject_label(g.binding, g.subject)
        where = f" in namespace {g.binding.namespace}" if g.binding.kind == "RoleBinding" else ""
        return Hop("rbac", f"{words} is bound to {g.role.ref} ({g.binding.ref}{where}), {what}", {
            "subject": key, "role": g.role.ref, "binding": g.binding.ref, "bindingRecord": g.binding.origin.name,
            "ruleFrom": rule_origin(g.role, g.rule, rbac),
        })  # fmt: skip
    assert decision.access_grant is not None
    a = decision.access_grant
    assoc = a.association
    text = (f"{ident.source} is associated with EKS access policy {assoc.policy_name} (scope: {describe_scope(assoc)}; "
            f"{assoc.origin.describe()}), {what}")  # fmt: skip
    return Hop("access-policy", text, {
        "policy": assoc.policy_arn, "scope": assoc.scope.type, "namespaces": list(assoc.scope.namespaces),
        "record": assoc.origin.name, "permissionsFrom": a.source,
    })  # fmt: skip


def describe_scope(assoc: AccessPolicyAssociation) -> str:
    if assoc.scope.type == "namespace":
        return "namespaces " + ", ".join(assoc.scope.namespaces)
    return assoc.scope.type


def why_denied(ident: KubernetesIdentity, request: Request, rbac: RbacPolicy) -> str:
    """A "no" in plain words: which roles the identity holds in scope, and what they lack."""
    attrs = request.attrs
    held = [b for _s, b in rbac.held(ident.username, ident.groups, attrs.namespace) if not b.origin.implicit]
    roles: list[EffectiveRole] = []
    for b in held:
        role = rbac.role_for(b)
        if role is not None and role not in roles:
            roles.append(role)
    what = f"access to {request.display}"
    scope = f" in namespace {attrs.namespace}" if attrs.namespace else ""
    if roles:
        if _mentions(roles, request):
            what = f"{request.verb} on {request.display}"
        names = " and ".join(r.ref for r in roles)
        text = f"{names} {'grants' if len(roles) == 1 else 'grant'} no {what}{scope}"
    else:
        names_list = [f"user {ident.username}"] if ident.username else []
        names_list += [f"group {g}" for g in ident.groups if g != AUTHENTICATED]
        who = " or ".join(names_list) if names_list else "this identity"
        where = f" (namespace {attrs.namespace})" if attrs.namespace else ""
        text = (f"no RoleBinding or ClusterRoleBinding in scope{where} binds {who}; only the defaults for "
                f"{AUTHENTICATED} apply (ClusterRoles system:basic-user, system:discovery, system:public-info-viewer), "
                f"which grant no {what}")  # fmt: skip
    if ident.access_policies:
        text += f"; access policies {', '.join(a.policy_name for a in ident.access_policies)} do not cover it"
    return text


def _mentions(roles: Sequence[EffectiveRole], request: Request) -> bool:
    attrs = request.attrs
    for role in roles:
        for rule in role.rules:
            if attrs.path is not None and rule.non_resource_urls:
                return True
            if attrs.path is None and (attrs.combined_resource in rule.resources or attrs.resource in rule.resources):
                return True
    return False
