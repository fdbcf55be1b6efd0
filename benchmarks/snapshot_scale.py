"""Snapshot scale benchmark (issue 17): an account of 5,000 roles and a cluster of 2,000 bindings.

Not a test: prints, measured in one run, the time to read the snapshot into the model and build
the analyzer, can-i warm (median of 50 questions after one), who-can, and the ratios to the
targets (can-i < 1 s warm, who-can < 3 s), then the same at a tenth of the size and the growth
ratio (<= 10 means linear or better). Run: .venv/bin/python benchmarks/snapshot_scale.py
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from eks_access.analysis import Analyzer
from eks_access.model.from_snapshot import read_snapshot

ACCOUNT = "111122223333"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                                 "Action": "sts:AssumeRole"}]}  # fmt: skip


def synthetic(roles: int, bindings: int) -> dict[str, Any]:
    role_list, entries, crbs, rbs = [], [], [], []
    for i in range(roles):
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "eks:DescribeCluster"],
                                                          "Resource": f"arn:aws:s3:::bucket-{i}/*"}]}  # fmt: skip
        role_list.append({"Path": "/", "RoleName": f"Role{i}", "RoleId": f"AROA{i}", "Arn": f"arn:aws:iam::{ACCOUNT}:role/Role{i}",
                          "AssumeRolePolicyDocument": TRUST, "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": policy}],
                          "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]})  # fmt: skip
        if i % 10 == 0:
            entries.append({"accessEntry": {"clusterName": "bench", "principalArn": f"arn:aws:iam::{ACCOUNT}:role/Role{i}",
                                            "kubernetesGroups": [f"team{i % 200}"], "username": f"user{i}", "type": "STANDARD"},
                            "associatedAccessPolicies": []})  # fmt: skip
    for j in range(bindings):
        subject = [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"team{j % 200}"}]
        if j % 4 == 0:
            crbs.append({"metadata": {"name": f"crb{j}"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                         "subjects": subject})  # fmt: skip
        else:
            rbs.append({"metadata": {"name": f"rb{j}", "namespace": f"ns{j % 50}"}, "subjects": subject,
                        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"}})  # fmt: skip
    return {
        "format": "eks-access-snapshot", "version": 1, "account": ACCOUNT, "partition": "aws",
        "iam": {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": role_list, "Policies": [],
                "OpenIDConnectProviderList": []},
        "eks": {"cluster": {"name": "bench", "version": "1.34", "accessConfig": {"authenticationMode": "API"}},
                "accessEntries": entries, "podIdentityAssociations": []},
        "kubernetes": {"serverVersion": None, "namespaces": [], "clusterRoles": [], "clusterRoleBindings": crbs,
                       "roles": [], "roleBindings": rbs, "serviceAccounts": [], "awsAuth": None},
        "denied": [],
    }  # fmt: skip


def measure(roles: int, bindings: int) -> tuple[float, float, float, int]:
    doc = synthetic(roles, bindings)
    start = time.perf_counter()
    analyzer = Analyzer(read_snapshot(doc))
    load = time.perf_counter() - start
    analyzer.can_i(f"arn:aws:iam::{ACCOUNT}:role/Role0", "list", "pods", "ns1")
    times = []
    for k in range(50):
        start = time.perf_counter()
        analyzer.can_i(f"arn:aws:iam::{ACCOUNT}:role/Role{(k * 10) % roles}", "delete", "deployments.apps", f"ns{k % 50}")
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    who = analyzer.who_can(analyzer.request("delete", "pods", "ns7"))
    who_can = time.perf_counter() - start
    assert who, "who-can found nobody: the synthetic snapshot is wrong"
    return load, statistics.median(times), who_can, len(who)


def main() -> None:
    big = measure(5000, 2000)
    small = measure(500, 200)
    print(f"5,000 roles / 2,000 bindings: load {big[0]:.2f} s, can-i warm median {big[1] * 1000:.1f} ms, who-can {big[2] * 1000:.1f} ms ({big[3]} principals)")
    print(f"ratio to target: can-i {big[1] / 1.0:.4f} (target 1 s), who-can {big[2] / 3.0:.3f} (target 3 s); <1 meets it")
    print(f"growth 10x size: load x{big[0] / small[0]:.1f}, can-i x{big[1] / small[1]:.1f}, who-can x{big[2] / small[2]:.1f} (<=10: linear or better)")


if __name__ == "__main__":
    main()
