"""Spec validation scale benchmark: members per team and number of teams.

Not a test: it times ``load_stack`` (validation only, no Pulumi, no plan) on synthetic configs
with 10,000 / 20,000 / 40,000 members in one team and with 10,000 teams, and prints times and
the growth ratios measured in the same run. Linear growth means the 40k/20k and 20k/10k ratios
stay near 2. (Issue 9: duplicate checks were quadratic, 0.7 / 1.8 / 7.3 s.)
"""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

from eks_access.spec import load_stack

BASE: dict[str, Any] = {"accountId": "111122223333", "region": "ap-northeast-2", "cluster": {"name": "myeks"}}


def team(i: int, members: int) -> dict[str, Any]:
    return {
        "name": f"team-{i}", "iamGroup": f"Team{i}", "roleName": f"EKSTeam{i}", "members": [f"user{i}-{m}" for m in range(members)],
        "clusterRoleBindings": ["view"], "namespaceRoleBindings": {f"ns-{i}": ["edit"]},
        "roles": {f"ns-{i}": {"pod-reader": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}},
    }


def timed(config: dict[str, Any]) -> tuple[float, float]:
    """Best of three wall times (tracing off), then the peak memory of one traced run."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        load_stack(config)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    load_stack(config)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak


def main() -> None:
    times: dict[int, float] = {}
    for members in (10_000, 20_000, 40_000):
        elapsed, peak = timed({**BASE, "teams": [team(0, members)]})
        times[members] = elapsed
        print(f"{members:>6} members in one team: {elapsed:7.3f} s, peak {peak:6.1f} MiB")
    print(f"ratio 20k/10k: {times[20_000] / times[10_000]:.2f}   40k/20k: {times[40_000] / times[20_000]:.2f}   (linear: 2.0)")
    small, _ = timed({**BASE, "teams": [team(i, 2) for i in range(1_000)]})
    big, peak = timed({**BASE, "teams": [team(i, 2) for i in range(10_000)]})
    print(f" 1,000 teams: {small:7.3f} s")
    print(f"10,000 teams: {big:7.3f} s, peak {peak:6.1f} MiB, ratio 10k/1k: {big / small:.1f} (linear: 10)")


if __name__ == "__main__":
    main()
