"""What a plan looks like to a reviewer: the resource tree, manifests and IAM documents.

Pure functions over plan records (see docs/plan-format.md). ``write_plan`` builds the output in
a temporary directory and swaps it into place only when complete, so a failed run never leaves
a directory that looks like a finished plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from eks_access import documents as docs
from eks_access.limits import FILE_NAME_MAX_BYTES
from eks_access.plan.reader import UNKNOWN

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
    namespace, name = str(meta.get("namespace", "") or ""), str(meta.get("name", ""))
    # A namespace is a DNS label (no '.'), so "<ns>.<name>" is unambiguous: namespaces a-b/c and
    # a/b-c give different files.
    identity = f"{namespace}.{name}" if namespace else name
    order = _MANIFEST_ORDER.get(kind, 9)
    return order, file_name(f"{order:02d}-{kind.lower()}-", identity, ".yaml"), manifest


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
    """Every trust and identity policy in the plan, one file each (names unique, under NAME_MAX).

    A document a preview does not know yet (the unknown sentinel) has no file: plan.json shows it
    as unknown, and ``plan`` without ``--preview`` writes it.
    """
    out: list[tuple[str, dict[str, Any]]] = []
    for record in records:
        inputs = record.get("inputs", {})
        name = str(record["name"])
        if record["type"] == "aws:iam/role:Role" and _known_text(inputs.get("assumeRolePolicy")):
            out.append((file_name("", name, ".trust.json"), json.loads(inputs["assumeRolePolicy"])))
        elif str(record["type"]).startswith("aws:iam/") and _known_text(inputs.get("policy")):
            out.append((file_name("", name, ".policy.json"), json.loads(inputs["policy"])))
    return sorted(_unique(out))


def _known_text(value: Any) -> bool:
    return isinstance(value, str) and value != UNKNOWN


_SAFE = re.compile(r"[A-Za-z0-9_.-]+", re.ASCII)
#: Room for the prefix, the hash suffix and the extension under the 255-byte NAME_MAX.
_SLUG_MAX = 160


def file_name(prefix: str, identity: str, suffix: str) -> str:
    """``prefix + identity + suffix`` when the identity is short and plain; otherwise a slug of
    it plus a hash of the whole, so two identities never share a file and no name exceeds
    the filesystem's limit (:data:`eks_access.limits.FILE_NAME_MAX_BYTES`)."""
    if _SAFE.fullmatch(identity) and len(identity) <= _SLUG_MAX and not identity.startswith("."):
        name = f"{prefix}{identity}{suffix}"
    else:
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", identity).strip("-.")[:_SLUG_MAX]
        digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        name = f"{prefix}{slug}-h{digest}{suffix}"
    assert len(name.encode()) <= FILE_NAME_MAX_BYTES
    return name


def _unique(items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """Two records with one file name (same logical name, different types) get numbered."""
    seen: dict[str, int] = {}
    out = []
    for name, document in items:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append((name if count == 0 else name.replace(".", f"-{count + 1}.", 1), document))
    return out


def _redact(exports: Mapping[str, Any]) -> dict[str, Any]:
    """The admin kubeconfig is a secret output; a plan file is for review, not for access."""
    return {k: ("[secret]" if k == "kubeconfig" else v) for k, v in exports.items()}
