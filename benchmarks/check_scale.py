"""Guardrails and analyzer at plan scale: ``eks-access check`` on 400 and 3,000 teams.

Not a test: builds plan records the way the stack program shapes them (per team: IAM group,
membership, role with a conditional account-root trust, group and role policies, access
entry, a custom ClusterRole with its binding, a view ClusterRoleBinding and an edit
RoleBinding; per workload: IRSA role, attachment, ServiceAccount, Role and RoleBinding),
writes plan.json and runs the real CLI in this process (plan reader, model reader, rules,
rendering). Prints the times and the 3000/400 ratios measured in the same run; linear growth
is 7.5x. Target: ``check`` on 3,000 teams < 5 s (was 31.6 s).

    python benchmarks/check_scale.py
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from eks_access.cli import main

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"


def _rec(t: str, name: str, inputs: dict[str, Any], parent: str | None = None, outputs: dict[str, Any] | None = None,
         custom: bool = True) -> dict[str, Any]:  # fmt: skip
    return {"type": t, "name": name, "parent": parent, "custom": custom, "inputs": inputs, "outputs": outputs or {}}


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _team(i: int) -> list[dict[str, Any]]:
    t, grp, role = f"team{i}", f"Group{i}", f"Role{i}"
    arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
    trust = _doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
                  "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}}})  # fmt: skip
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole"}
    return [
        _rec("eks-access:index:TeamAccess", t, {}, custom=False),
        _rec("aws:iam/group:Group", f"{t}-group", {"name": grp, "path": "/"}, t),
        _rec("aws:iam/userGroupMembership:UserGroupMembership", f"{t}-member-u{i}", {"user": f"user{i}", "groups": [grp]}, t),
        _rec("aws:iam/role:Role", f"{t}-role", {"name": role, "path": "/", "assumeRolePolicy": trust}, t, {"arn": arn}),
        _rec("aws:iam/groupPolicy:GroupPolicy", f"{t}-assume-role",
             {"group": grp, "name": f"{t}-assume", "policy": _doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn})}, t),
        _rec("aws:iam/rolePolicy:RolePolicy", f"{t}-describe-cluster", {"role": role, "name": "describe", "policy": _doc(
            {"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/bench"})}, t),
        _rec("aws:eks/accessEntry:AccessEntry", f"{t}-access-entry", {"clusterName": "bench", "principalArn": arn,
             "kubernetesGroups": [t], "userName": f"{t}:{{{{SessionName}}}}", "type": "STANDARD"}, t),
        _rec(RBAC + "ClusterRole", f"{t}-clusterrole-reader", {"metadata": {"name": f"{t}-reader"}, "rules": [
            {"apiGroups": [""], "resources": ["pods", f"widgets{i % 7}"], "verbs": ["get", "list"]}]}, t),
        _rec(RBAC + "ClusterRoleBinding", f"{t}-crb-reader", {"metadata": {"name": f"{t}-reader"},
             "roleRef": {**ref, "name": f"{t}-reader"}, "subjects": [{"kind": "Group", "name": t}]}, t),
        _rec(RBAC + "ClusterRoleBinding", f"{t}-crb-view", {"metadata": {"name": f"{t}-view"},
             "roleRef": {**ref, "name": "view"}, "subjects": [{"kind": "Group", "name": t}]}, t),
        _rec(RBAC + "RoleBinding", f"{t}-rb-ns{i}-edit", {"metadata": {"name": f"{t}-edit", "namespace": f"ns{i}"},
             "roleRef": {**ref, "name": "edit"}, "subjects": [{"kind": "Group", "name": t}]}, t),
    ]  # fmt: skip


def _workload(i: int) -> list[dict[str, Any]]:
    w, ns, sa, role = f"wl{i}", f"ns{i}", f"app{i}", f"wl{i}-irsa"
    arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
    trust = _doc({"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"},
                  "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {
                      f"{ISSUER}:sub": f"system:serviceaccount:{ns}:{sa}", f"{ISSUER}:aud": "sts.amazonaws.com"}}})  # fmt: skip
    return [
        _rec("aws:iam/role:Role", f"{w}-role", {"name": role, "assumeRolePolicy": trust}, None, {"arn": arn}),
        _rec("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"{w}-managed-0",
             {"role": role, "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}),
        _rec("kubernetes:core/v1:ServiceAccount", f"{w}-sa", {"metadata": {"name": sa, "namespace": ns,
             "annotations": {"eks.amazonaws.com/role-arn": arn}}, "automountServiceAccountToken": True}),
        _rec(RBAC + "Role", f"{w}-rbac-role", {"metadata": {"name": f"{sa}-api", "namespace": ns}, "rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}),
        _rec(RBAC + "RoleBinding", f"{w}-rbac-binding", {"metadata": {"name": f"{sa}-api", "namespace": ns},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": f"{sa}-api"},
             "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns}]}),
    ]  # fmt: skip


def synthetic_plan(teams: int) -> list[dict[str, Any]]:
    records = [_rec("eks:index:Cluster", "bench", {"name": "bench", "authenticationMode": "API"}, custom=False)]
    for i in range(teams):
        records += _team(i) + _workload(i)
    return records


def _timed(argv: list[str]) -> tuple[float, int]:
    sink = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(sink):
        code = main(argv)
    return time.perf_counter() - start, code


def run(teams: int, folder: Path) -> dict[str, float]:
    plan = folder / f"plan-{teams}.json"
    plan.write_text(json.dumps(synthetic_plan(teams)))
    check, code = _timed(["check", "--plan", str(plan)])
    assert code in (0, 1), code  # an answer, not an error (exit 2)
    can_i, _ = _timed(["can-i", "list", "pods", "-n", f"ns{teams // 2}", "--as", f"arn:aws:iam::{ACCOUNT}:user/user{teams // 2}",
                       "--plan", str(plan)])  # fmt: skip
    who, _ = _timed(["who-can", "delete", "pods", "-n", f"ns{teams // 2}", "--plan", str(plan)])
    return {"records": len(json.loads(plan.read_text())), "check_s": check, "can_i_s": can_i, "who_can_s": who}


def main_() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, big = run(400, Path(tmp)), run(3000, Path(tmp))
    for label, r in (("400 teams", small), ("3000 teams", big)):
        print(f"{label}: {int(r['records'])} records")
        print(f"  check (CLI, --plan)    {r['check_s']:8.2f} s")
        print(f"  can-i (CLI, --plan)    {r['can_i_s']:8.2f} s")
        print(f"  who-can (CLI, --plan)  {r['who_can_s']:8.2f} s")
    print("growth 3000/400 (7.5x data; linear = 7.5):")
    for key in ("check_s", "can_i_s", "who_can_s"):
        print(f"  {key:10s} {big[key] / small[key]:6.2f}x")
    print(f"check on 3000 teams: {big['check_s']:.2f} s (target < 5 s)")


if __name__ == "__main__":
    main_()
