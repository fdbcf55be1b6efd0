"""The aws-auth corpora of issue 19 as live-cluster snapshots: one per construct and failure story.

Each is a snapshot (``snapshots.snapshot``) of a cluster that reads aws-auth; ``tests/cli/test_migrate_snapshot.py``
migrates each end to end through the CLI. ``STORIES`` says what each one stands for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.analysis.migrate.snapshots import binding, entry, role_detail, snapshot
from tests.builders import ACCOUNT

IAM = f"arn:aws:iam::{ACCOUNT}"
NODE_ARN = f"{IAM}:role/NodeRole"


def row(name: str, username: str, groups: list[str], path: str = "/") -> dict[str, Any]:
    return {"rolearn": f"{IAM}:role{path}{name}", "username": username, "groups": groups}


def user_row(name: str, username: str, groups: list[str]) -> dict[str, Any]:
    return {"userarn": f"{IAM}:user/{name}", "username": username, "groups": groups}


NODE = row("NodeRole", "system:node:{{EC2PrivateDNSName}}", ["system:bootstrappers", "system:nodes"])
DEVS_VIEW = binding("devs-view", "view", groups=["devs"])

STORIES: dict[str, str] = {
    "map-roles": "mapRoles row with ordinary groups, and the Linux node row",
    "map-users": "mapUsers row",
    "map-accounts": "mapAccounts: no access-entry equivalent",
    "windows-node": "Windows node row (eks:kube-proxy-windows): EC2_WINDOWS",
    "fargate": "Fargate row (system:node:{{SessionName}}): FARGATE_LINUX, not eksctl's EC2_LINUX; "
               "terraform-aws-eks #2912/#2972, Fargate pods broken after the mode switch",
    "role-path": "path-bearing rolearn that never matched: aws-iam-authenticator #268",
    "session-name": "{{SessionName}} username template",
    "account-id": "{{AccountID}} username template",
    "duplicates": "one role in three rows (one spelled in capitals): the last row wins",
    "system-masters": "system:masters: AmazonEKSClusterAdminPolicy",
    "system-groups": "another system: group, bound by RBAC: dropped, its permissions lost",
    "reserved-username": "a username EKS refuses in an access entry (eks:...)",
    "existing-entry-conflict": "a principal with an access entry that disagrees with its row: reported",
    "node-entry-exists": "EKS's own node entry beside the node row: neither a conflict nor a second entry",
    "lost-access": "terraform-aws-eks #2644, lost access after the upgrade: the snapshot's caller is admin "
                   "through a mapUsers system:masters row only, and keeps cluster-admin at every stage",
    "lockout": "terraform-aws-eks #2644 the other way: the caller is admin only through mapAccounts, "
               "so removing the rows locks it out and the migration is refused",
    "aws-auth-replaced": "pulumi-eks #918, aws-auth replaced and the cluster unreachable: the rows are removed "
                         "only once every entry exists, and keys of aws-auth that are not rows are kept",
}  # fmt: skip


def corpora() -> dict[str, dict[str, Any]]:
    ops = f"{IAM}:role/Ops"
    return {
        "map-roles": snapshot(map_roles=[NODE, row("Dev", "dev", ["devs"])], bindings=[DEVS_VIEW]),
        "map-users": snapshot(map_roles=[NODE], map_users=[user_row("alice", "alice", ["devs"])], bindings=[DEVS_VIEW]),
        "map-accounts": snapshot(map_roles=[NODE], map_accounts=["444455556666"]),
        "windows-node": snapshot(map_roles=[NODE, row("WinNodes", "system:node:{{EC2PrivateDNSName}}",
                                                      ["system:bootstrappers", "system:nodes", "eks:kube-proxy-windows"])]),
        "fargate": snapshot(map_roles=[NODE, row("FargatePodExecution", "system:node:{{SessionName}}",
                                                 ["system:bootstrappers", "system:nodes", "system:node-proxier"])]),
        "role-path": snapshot(map_roles=[NODE, row("Dev", "dev", ["devs"], path="/teams/")], roles=[role_detail("Dev", "/teams/")],
                              bindings=[DEVS_VIEW]),
        "session-name": snapshot(map_roles=[NODE, row("Ops", "ops:{{SessionName}}", ["ops"])]),
        "account-id": snapshot(map_roles=[NODE, row("Ops", "ops-{{AccountID}}", ["ops"])]),
        "duplicates": snapshot(map_roles=[NODE, row("Ops", "first", ["a"]), row("OPS", "second", ["b"]), row("Ops", "ops", ["ops"])]),
        "system-masters": snapshot(map_roles=[NODE, row("Admin", "admin:{{SessionName}}", ["system:masters"])]),
        "system-groups": snapshot(map_roles=[NODE, row("Ops", "ops", ["ops", "system:monitoring"])],
                                  bindings=[binding("monitoring-view", "view", groups=["system:monitoring"])]),
        "reserved-username": snapshot(map_roles=[NODE, row("Ops", "eks:ops", ["ops"])]),
        "existing-entry-conflict": snapshot("API_AND_CONFIG_MAP", map_roles=[NODE, row("Ops", "ops", ["ops"])],
                                            entries=[entry(ops, username="ops", groups=["operators"])]),
        "node-entry-exists": snapshot("API_AND_CONFIG_MAP", map_roles=[NODE, row("Ops", "ops", ["ops"])],
                                      entries=[entry(NODE_ARN, type_="EC2_LINUX", username="system:node:{{EC2PrivateDNSName}}")]),
        "lost-access": snapshot(map_roles=[NODE], map_users=[user_row("admin", "admin", ["system:masters"])], caller=f"{IAM}:user/admin"),
        "lockout": snapshot(map_roles=[NODE], map_accounts=[ACCOUNT], caller=f"{IAM}:user/ops",
                            bindings=[binding("ops-admin", "cluster-admin", users=[f"{IAM}:user/ops"])]),
        "aws-auth-replaced": snapshot(map_roles=[NODE, row("Admin", "admin", ["system:masters"]), row("Dev", "dev", ["devs"])],
                                      extra_data={"note": "kept by every stage\n"}, bindings=[DEVS_VIEW]),
    }  # fmt: skip


GOLDEN = Path(__file__).resolve().parents[2] / "cli" / "migrate_corpora"


def run(name: str, doc: dict[str, Any], workdir: Path, *extra: str, snapshot: str = "s.json") -> tuple[int, str, str]:
    """``eks-access migrate --snapshot s.json --out out`` in ``workdir`` (relative paths: the output names no tmp path)."""
    import contextlib
    import io
    import os

    from eks_access.cli.main import main

    (workdir / snapshot).write_text(json.dumps(doc, indent=1))
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(workdir)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["migrate", "--snapshot", snapshot, "--out", "out", *extra])
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def write_golden() -> None:
    """Regenerate tests/cli/migrate_corpora/NAME.txt: ``.venv/bin/python -m tests.analysis.migrate.corpora``
    (review the diff: the files are the expected output the tests compare with)."""
    import tempfile

    GOLDEN.mkdir(exist_ok=True)
    for name, doc in corpora().items():
        with tempfile.TemporaryDirectory() as tmp:
            code, out, _err = run(name, doc, Path(tmp))
        (GOLDEN / f"{name}.txt").write_text(f"# exit {code}: {STORIES[name]}\n{out}")
        print(f"wrote {GOLDEN / name}.txt (exit {code})")


if __name__ == "__main__":
    write_golden()
