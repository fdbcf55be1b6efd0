"""What a plan looks like to a reviewer in a terminal: the resource tree and its summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eks_access import documents as docs
from eks_access.escape.text import lines as text_lines
from eks_access.model.iam import PrincipalSpec, Statement
from eks_access.model.policy_json import DocumentError, parse_document

Record = Mapping[str, Any]


def facts(record: Record) -> str:
    """One line of what matters about a resource for an access review."""
    rtype, inputs = str(record["type"]), record.get("inputs", {})
    meta = inputs.get("metadata", {}) if isinstance(inputs.get("metadata"), Mapping) else {}
    if rtype == "aws:iam/role:Role":
        return f"{record.get('outputs', {}).get('arn', inputs.get('name'))}  trust: {_trust_summary(inputs.get('assumeRolePolicy'))}"
    if rtype == "aws:iam/group:Group":
        return f"IAM group {inputs.get('name')}"
    if rtype == "aws:iam/userGroupMembership:UserGroupMembership":
        return f"user {inputs.get('user')} in {', '.join(map(str, inputs.get('groups', [])))}"
    if rtype in ("aws:iam/groupPolicy:GroupPolicy", "aws:iam/rolePolicy:RolePolicy"):
        owner = inputs.get("group") or inputs.get("role")
        return f"{owner}: {_policy_summary(inputs.get('policy'))}"
    if rtype == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        return f"{inputs.get('role')} <- {inputs.get('policyArn')}"
    if rtype == "aws:eks/accessEntry:AccessEntry":
        return f"{inputs.get('principalArn')} -> user {inputs.get('userName')}, groups {inputs.get('kubernetesGroups', [])}"
    if rtype == "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
        scope = inputs.get("accessScope", {})
        where = f"namespaces {scope.get('namespaces')}" if scope.get("type") == "namespace" else "cluster"
        return f"{str(inputs.get('policyArn')).rsplit('/', 1)[-1]} on {where}"
    if rtype == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
        return f"{inputs.get('namespace')}/{inputs.get('serviceAccount')} -> {inputs.get('roleArn')}"
    if rtype.endswith(":ClusterRoleBinding") or rtype.endswith(":RoleBinding"):
        ref = inputs.get("roleRef", {})
        subjects = ", ".join(_subject(s) for s in inputs.get("subjects", []))
        where = f" in {meta.get('namespace')}" if meta.get("namespace") else ""
        return f"{meta.get('name')}: {subjects} -> {ref.get('kind')} {ref.get('name')}{where}"
    if rtype.endswith(":ClusterRole") or rtype.endswith(":Role"):
        rules = "; ".join(_rule(r) for r in inputs.get("rules", []))
        where = f" in {meta.get('namespace')}" if meta.get("namespace") else ""
        return f"{meta.get('name')}{where}: {rules}"
    if rtype == "kubernetes:core/v1:ServiceAccount":
        arn = (meta.get("annotations") or {}).get(docs.ROLE_ARN_ANNOTATION)
        return f"{meta.get('namespace')}/{meta.get('name')}" + (f" -> {arn}" if arn else "") + f", automount {inputs.get('automountServiceAccountToken')}"
    if rtype == "kubernetes:core/v1:Namespace":
        return str(meta.get("name"))
    if rtype == "eks:index:Cluster":
        return f"EKS cluster {inputs.get('name')}, authentication mode {inputs.get('authenticationMode', 'API')}, {len(inputs.get('roleMappings', []) or [])} aws-auth role mappings"
    return ""


def kind_label(rtype: str) -> str:
    """``Role`` alone is ambiguous in a plan that has IAM roles and Kubernetes Roles."""
    if rtype.startswith("pulumi:providers:"):
        return f"{rtype.rsplit(':', 1)[-1]} provider"
    kind = rtype.rsplit(":", 1)[-1]
    if rtype.startswith("kubernetes:"):
        return f"k8s {kind}"
    if rtype.startswith("aws:iam/"):
        return f"IAM {kind}"
    if rtype.startswith(("aws:eks/", "eks:")):
        return f"EKS {kind}"
    return kind


def render_tree(records: Sequence[Record]) -> str:
    children: dict[str | None, list[Record]] = {}
    for record in records:
        children.setdefault(record.get("parent"), []).append(record)
    lines: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for record in children.get(parent, []):
            detail = facts(record)
            short = kind_label(str(record["type"]))
            lines.append(f"{'  ' * depth}{'- ' if depth else ''}{short} {record['name']}" + (f"  {detail}" if detail else ""))
            walk(str(record["name"]), depth + 1)

    walk(None, 0)
    return text_lines(lines)  # names from the plan: control characters shown, never acted on


def summary(records: Sequence[Record]) -> str:
    counts: dict[str, int] = {}
    for record in records:
        if not str(record["type"]).startswith("eks-access:"):
            short = kind_label(str(record["type"]))
            counts[short] = counts.get(short, 0) + 1
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    components = sum(1 for r in records if str(r["type"]).startswith("eks-access:"))
    return f"{len(records)} resources ({components} eks-access components): {parts}"


def _statements(policy: Any) -> tuple[Statement, ...] | None:
    """The statements of a policy document through the model's one IAM parser; ``None`` if IAM
    would refuse it (or it is not known yet), ``()`` when the resource has no document."""
    if not isinstance(policy, str):
        return ()
    try:
        return parse_document(policy).statements
    except DocumentError:
        return None


def _trust_summary(policy: Any) -> str:
    statements = _statements(policy)
    if statements is None:
        return "?"
    parts = []
    for stmt in statements:
        who = _principal(stmt.principal)
        keys = [f"{c.written} {c.key}" for c in stmt.conditions]
        parts.append(who + (f" if {', '.join(keys)}" if keys else ""))
    return "; ".join(parts)


def _policy_summary(policy: Any) -> str:
    statements = _statements(policy)
    if statements is None:
        return "?"
    return "; ".join(
        f"{s.effect} {_element(s.actions, s.not_actions)} on {_element(s.resources, s.not_resources)}" for s in statements
    )


def _principal(principal: PrincipalSpec | None) -> str:
    if principal is None:
        return ""
    if principal.everyone:
        return "*"
    return ", ".join(f"{kind}={value}" for kind, value in principal.entries)


def _element(values: tuple[str, ...] | None, negated: tuple[str, ...] | None) -> str:
    """``Action``/``Resource`` values, or all but the ``NotAction``/``NotResource`` ones."""
    if values is not None:
        return ", ".join(values)
    if negated is not None:
        return f"all but {', '.join(negated)}"
    return "(no Resource)"


def _subject(subject: Mapping[str, Any]) -> str:
    if subject.get("kind") == "ServiceAccount":
        return f"ServiceAccount {subject.get('namespace')}/{subject.get('name')}"
    return f"{subject.get('kind')} {subject.get('name')}"


def _rule(rule: Mapping[str, Any]) -> str:
    if rule.get("nonResourceURLs"):
        return f"{','.join(rule['verbs'])} {','.join(rule['nonResourceURLs'])}"
    groups = ",".join(g or "core" for g in rule.get("apiGroups", []))
    return f"{','.join(rule.get('verbs', []))} {','.join(rule.get('resources', []))} ({groups})"
