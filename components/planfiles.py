"""What a plan looks like to a reviewer: the resource tree, manifests and IAM documents.

Pure functions over plan records (see docs/plan-format.md). ``write_plan`` builds the output in
a temporary directory and swaps it into place only when complete, so a failed run never leaves
a directory that looks like a finished plan.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from eks_access import documents as docs

Record = Mapping[str, Any]

_MANIFEST_ORDER = {
    "Namespace": 0,
    "ClusterRole": 1,
    "Role": 2,
    "ServiceAccount": 3,
    "ConfigMap": 4,
    "ClusterRoleBinding": 5,
    "RoleBinding": 6,
}


def manifest_of(record: Record) -> dict[str, Any] | None:
    """The Kubernetes object a ``kubernetes:*`` record would apply, or None for anything else."""
    rtype = str(record["type"])
    if not rtype.startswith("kubernetes:") or rtype.startswith("pulumi:providers"):
        return None
    inputs = dict(record.get("inputs", {}))
    api_version = inputs.pop("apiVersion", None)
    kind = inputs.pop("kind", None)
    if api_version is None or kind is None:
        return None
    return {"apiVersion": api_version, "kind": kind, **inputs}


def manifests(records: Sequence[Record]) -> list[tuple[str, dict[str, Any]]]:
    """(file name, manifest) pairs ordered so ``kubectl apply -f DIR`` creates dependencies first."""
    out: list[tuple[int, str, dict[str, Any]]] = []
    for record in records:
        manifest = manifest_of(record)
        if manifest is not None:
            out.append(_named(manifest))
    aws_auth = expected_aws_auth(records)
    if aws_auth is not None:
        out.append(_named(aws_auth))
    out.sort(key=lambda item: (item[0], item[1]))
    return [(name, manifest) for _, name, manifest in out]


def _named(manifest: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
    kind = str(manifest["kind"])
    meta = manifest.get("metadata", {})
    parts = [kind.lower(), str(meta.get("namespace", "")), str(meta.get("name", ""))]
    slug = "-".join(_slug(p) for p in parts if p)
    order = _MANIFEST_ORDER.get(kind, 9)
    return order, f"{order:02d}-{slug}.yaml", manifest


def expected_aws_auth(records: Sequence[Record]) -> dict[str, Any] | None:
    """The aws-auth ConfigMap pulumi-eks will write, so CONFIG_MAP changes are reviewable too."""
    cluster = next((r for r in records if r["type"] == "eks:index:Cluster"), None)
    if cluster is None:
        return None
    inputs = cluster.get("inputs", {})
    if inputs.get("authenticationMode", "API") == "API":
        return None
    arns = {str(r["name"]): str(r.get("outputs", {}).get("arn", "")) for r in records if r["type"] == "aws:iam/role:Role"}
    node_arns = []
    for ref in inputs.get("instanceRoles", []) or []:
        name = str(ref.get("$ref", "")).split("::", 1)[-1] if isinstance(ref, Mapping) else str(ref)
        if arns.get(name):
            node_arns.append(arns[name])
    roles = [docs.aws_auth_role_entry(m["roleArn"], m["username"], m["groups"]) for m in inputs.get("roleMappings", []) or []]
    users = [docs.aws_auth_user_entry(m["userArn"], m["username"], m["groups"]) for m in inputs.get("userMappings", []) or []]
    if not node_arns:
        return None
    return docs.aws_auth_config_map(node_arns, roles, users)


def iam_documents(records: Sequence[Record]) -> list[tuple[str, dict[str, Any]]]:
    """Every trust and identity policy in the plan, one file each."""
    out: list[tuple[str, dict[str, Any]]] = []
    for record in records:
        inputs = record.get("inputs", {})
        name = _slug(str(record["name"]))
        if record["type"] == "aws:iam/role:Role" and isinstance(inputs.get("assumeRolePolicy"), str):
            out.append((f"{name}.trust.json", json.loads(inputs["assumeRolePolicy"])))
        elif str(record["type"]).startswith("aws:iam/") and isinstance(inputs.get("policy"), str):
            out.append((f"{name}.policy.json", json.loads(inputs["policy"])))
    return sorted(out)


def write_plan(records: Sequence[Record], exports: Mapping[str, Any], out_dir: Path) -> None:
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        (staging / "plan.json").write_text(json.dumps(list(records), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        (staging / "outputs.json").write_text(json.dumps(_redact(exports), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        (staging / "manifests").mkdir()
        for file_name, manifest in manifests(records):
            (staging / "manifests" / file_name).write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
        (staging / "iam").mkdir()
        for file_name, document in iam_documents(records):
            (staging / "iam" / file_name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
            out_dir.rename(old)
            staging.rename(out_dir)
            shutil.rmtree(old)
        else:
            staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _redact(exports: Mapping[str, Any]) -> dict[str, Any]:
    """The admin kubeconfig is a secret output; a plan file is for review, not for access."""
    return {k: ("[secret]" if k == "kubeconfig" else v) for k, v in exports.items()}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


# ------------------------------------------------------------------------ the tree

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
    return "\n".join(lines)


def summary(records: Sequence[Record]) -> str:
    counts: dict[str, int] = {}
    for record in records:
        if not str(record["type"]).startswith("eks-access:"):
            short = kind_label(str(record["type"]))
            counts[short] = counts.get(short, 0) + 1
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    components = sum(1 for r in records if str(r["type"]).startswith("eks-access:"))
    return f"{len(records)} resources ({components} eks-access components): {parts}"


def _trust_summary(policy: Any) -> str:
    try:
        doc = json.loads(policy) if isinstance(policy, str) else {}
    except json.JSONDecodeError:
        return "?"
    parts = []
    for stmt in doc.get("Statement", []):
        principal = stmt.get("Principal", {})
        who = ", ".join(f"{k}={v}" for k, v in principal.items()) if isinstance(principal, Mapping) else str(principal)
        cond = stmt.get("Condition", {})
        keys = [f"{op} {k}" for op, kv in cond.items() for k in kv]
        parts.append(who + (f" if {', '.join(keys)}" if keys else ""))
    return "; ".join(parts)


def _policy_summary(policy: Any) -> str:
    try:
        doc = json.loads(policy) if isinstance(policy, str) else {}
    except json.JSONDecodeError:
        return "?"
    out = []
    for stmt in doc.get("Statement", []):
        actions = stmt.get("Action")
        resources = stmt.get("Resource")
        out.append(f"{stmt.get('Effect')} {actions} on {resources}")
    return "; ".join(out)


def _subject(subject: Mapping[str, Any]) -> str:
    if subject.get("kind") == "ServiceAccount":
        return f"ServiceAccount {subject.get('namespace')}/{subject.get('name')}"
    return f"{subject.get('kind')} {subject.get('name')}"


def _rule(rule: Mapping[str, Any]) -> str:
    if rule.get("nonResourceURLs"):
        return f"{','.join(rule['verbs'])} {','.join(rule['nonResourceURLs'])}"
    groups = ",".join(g or "core" for g in rule.get("apiGroups", []))
    return f"{','.join(rule.get('verbs', []))} {','.join(rule.get('resources', []))} ({groups})"
