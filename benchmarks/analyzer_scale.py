"""Analyzer scale benchmark: a synthetic plan of N teams, timed at 1,000 and 100 teams.

Not a test: it prints graph build time, can-i median latency, who-can latency, full matrix
time and peak memory, then the 1000/100 growth ratios measured in the same run.
Targets: can-i median < 5 ms, who-can < 200 ms, matrix < 1 s, memory < 500 MB, growth <= linear.
"""

from __future__ import annotations

import json
import random
import statistics
import time
import tracemalloc
from typing import Any

from eks_access.analysis import Analyzer, parse_principal
from eks_access.analysis.commands import matrix

ACCOUNT = "111122223333"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"
BINDINGS_PER_TEAM = 10  # 1 ClusterRoleBinding + 9 RoleBindings: 10,000 bindings at 1,000 teams


def _rec(t: str, name: str, inputs: dict[str, Any], outputs: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": t, "name": name, "parent": None, "custom": True, "inputs": inputs, "outputs": outputs or {}}


def synthetic_plan(teams: int) -> list[dict[str, Any]]:
    recs: list[dict[str, Any]] = [
        _rec("eks:index:Cluster", "bench", {"name": "bench", "authenticationMode": "API"}),
    ]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}}}]})
    for i in range(teams):
        t, group, role = f"team{i}", f"Group{i}", f"Role{i}"
        arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
        recs += [
            _rec("aws:iam/group:Group", f"{t}-group", {"name": group}),
            _rec("aws:iam/userGroupMembership:UserGroupMembership", f"{t}-member-u{i}",
                 {"user": f"user{i}", "groups": [group]}),
            _rec("aws:iam/role:Role", f"{t}-role", {"name": role, "path": "/", "assumeRolePolicy": trust},
                 {"arn": arn, "name": role}),
            _rec("aws:iam/groupPolicy:GroupPolicy", f"{t}-assume-role", {"group": group, "policy": json.dumps(
                {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn}]})}),
            _rec("aws:eks/accessEntry:AccessEntry", f"{t}-access-entry", {
                "clusterName": "bench", "principalArn": arn, "kubernetesGroups": [t],
                "userName": t, "type": "STANDARD"}),
            _rec(RBAC + "ClusterRole", f"{t}-clusterrole", {"metadata": {"name": f"{t}-reader"}, "rules": [
                {"apiGroups": [""], "resources": ["pods", "nodes", f"widgets{i % 7}"], "verbs": ["get", "list"]}]}),
            _rec(RBAC + "ClusterRoleBinding", f"{t}-crb", {
                "metadata": {"name": f"{t}-reader"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": f"{t}-reader"},
                "subjects": [{"kind": "Group", "name": t}]}),
        ]
        for j in range(BINDINGS_PER_TEAM - 1):
            ns = f"ns-{i}-{j}"
            recs.append(_rec(RBAC + "RoleBinding", f"{t}-rb-{j}", {
                "metadata": {"name": f"{t}-edit", "namespace": ns},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                            "name": "edit" if j % 2 else "view"},
                "subjects": [{"kind": "Group", "name": t},
                             {"kind": "ServiceAccount", "name": "app", "namespace": ns}]}))
    return recs


def run(teams: int) -> dict[str, float]:
    records = synthetic_plan(teams)
    tracemalloc.start()
    t0 = time.perf_counter()
    g = Analyzer.from_records(records)
    build = time.perf_counter() - t0
    rng = random.Random(7)
    lat: list[float] = []
    verbs = ["get", "list", "create", "delete"]
    for _ in range(300):
        i = rng.randrange(teams)
        who = parse_principal(f"arn:aws:iam::{ACCOUNT}:user/user{i}")
        req = g.request(rng.choice(verbs), rng.choice(["pods", "deployments", "nodes", "secrets"]),
                        f"ns-{rng.randrange(teams)}-{rng.randrange(9)}")
        t = time.perf_counter()
        g.ask(who, req)
        lat.append(time.perf_counter() - t)
    t = time.perf_counter()
    entries = g.who_can(g.request("create", "pods", f"ns-{teams // 2}-1"))
    first_who = time.perf_counter() - t
    t = time.perf_counter()
    g.who_can(g.request("delete", "deployments", f"ns-{teams // 3}-3"))
    who_s = time.perf_counter() - t
    t = time.perf_counter()
    matrix(g, f"arn:aws:iam::{ACCOUNT}:user/user{teams // 2}", f"ns-{teams // 2}-1", "text")
    mat = time.perf_counter() - t
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"records": len(records), "bindings": len(g.kubernetes.rbac.bindings), "build_s": build,
            "cani_median_ms": statistics.median(lat) * 1e3, "cani_p95_ms": sorted(lat)[int(len(lat) * .95)] * 1e3,
            "whocan_first_ms": first_who * 1e3, "whocan_ms": who_s * 1e3, "whocan_hits": len(entries),
            "matrix_ms": mat * 1e3, "peak_mb": peak / 2**20}


def main() -> None:
    big, small = run(1000), run(100)
    for label, r in (("1000 teams", big), ("100 teams", small)):
        print(f"{label}: {r['records']} records, {r['bindings']} bindings (incl. built-ins)")
        print(f"  graph build       {r['build_s'] * 1e3:9.1f} ms")
        print(f"  can-i median      {r['cani_median_ms']:9.3f} ms   (p95 {r['cani_p95_ms']:.3f} ms)")
        print(f"  who-can (cold)    {r['whocan_first_ms']:9.1f} ms   ({r['whocan_hits']} principals)")
        print(f"  who-can (warm)    {r['whocan_ms']:9.1f} ms")
        print(f"  matrix --as user  {r['matrix_ms']:9.1f} ms")
        print(f"  peak memory       {r['peak_mb']:9.1f} MB (tracemalloc)")
    print("growth 1000/100 (10x data; linear = 10):")
    for key in ("build_s", "cani_median_ms", "whocan_first_ms", "whocan_ms", "matrix_ms", "peak_mb"):
        print(f"  {key:16s} {big[key] / small[key]:6.2f}x")


if __name__ == "__main__":
    main()
