"""docs/examples/snapshot/live.json: the dev stack's plan deployed (tests/snapshot/deployed.py),
then changed by hand the way live estates drift, with one refused call; its cluster also serves a
custom resource (discovery). Regenerate with
``.venv/bin/python -m tests.snapshot.example`` (tests/snapshot/test_example.py keeps it current)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.snapshot.deployed import ACCOUNT, deploy

OUT = Path(__file__).resolve().parents[2] / "docs/examples/snapshot/live.json"
AT = "2026-02-01T09:30:00+00:00"
CONSOLE = f"arn:aws:iam::{ACCOUNT}:role/ConsoleAdmin"


def build_example(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    doc = deploy(records)
    doc["collectedAt"] = "2026-02-02T08:00:00+00:00"
    doc["eks"]["accessEntries"].append({"accessEntry": {
        "clusterName": "myeks", "principalArn": CONSOLE, "kubernetesGroups": [], "createdAt": AT, "modifiedAt": AT, "tags": {},
        "accessEntryArn": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:access-entry/myeks/role/{ACCOUNT}/ConsoleAdmin/5ec2d1f0",
        "username": f"arn:aws:sts::{ACCOUNT}:assumed-role/ConsoleAdmin/{{{{SessionName}}}}", "type": "STANDARD"},
        "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                                      "accessScope": {"type": "cluster", "namespaces": []}, "associatedAt": AT, "modifiedAt": AT}]})  # fmt: skip
    doc["kubernetes"]["roleBindings"].append({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "hotfix", "namespace": "dev-team"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "developers"}]})  # fmt: skip
    # the AWS Load Balancer Controller's CRD, as its chart installs it (namespaced, elbv2.k8s.aws/v1beta1)
    doc["kubernetes"]["discovery"]["resources"].append({
        "name": "targetgroupbindings", "group": "elbv2.k8s.aws", "version": "v1beta1", "namespaced": True, "kind": "TargetGroupBinding",
        "verbs": sorted(["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]),
        "subresources": {"status": {"kind": "TargetGroupBinding", "verbs": ["get", "patch", "update"]}}})  # fmt: skip
    doc["denied"] = [{"service": "eks", "operation": "ListAssociatedAccessPolicies",
                      "target": f"arn:aws:iam::{ACCOUNT}:role/EKSOperators", "error": "AccessDeniedException"}]  # fmt: skip
    for entry in doc["eks"]["accessEntries"]:
        if entry["accessEntry"]["principalArn"].endswith(":role/EKSOperators"):
            entry["associatedAccessPolicies"] = []
    return doc


def main(argv: Sequence[str] = ()) -> int:
    from eks_access.config.stackfile import read_config_file
    from eks_access.offline import plan_config
    from eks_access.snapshot.files import write_snapshot

    records = plan_config(read_config_file(OUT.parents[3] / "Pulumi.dev.yaml"), stack="dev").resources
    OUT.parent.mkdir(parents=True, exist_ok=True)
    write_snapshot(build_example(records), OUT)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
