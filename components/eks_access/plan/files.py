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


