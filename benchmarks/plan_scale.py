"""Plan scale benchmark: the real stack program on mocks at 10, 100 and 400 teams.

Not a test: it prints the wall time of ``eks_access.offline.plan_config`` for N generated teams,
the wall time of a bare program that registers the same number of plain ``aws.iam.Role`` /
``aws.iam.Group`` resources on the same mocks (the SDK's floor: what registering that many
resources costs with no components, no ``Output.apply`` and no documents), their ratio (our
overhead over that floor) and the 400/100 growth ratio, all measured in one run.
Targets: overhead ratio <= 1.3 at every size, 400/100 <= 4.4 (4 x teams, 10% slack). The bare
program's own 400/100 ratio is printed too: the SDK's mock registration path is itself
superlinear (``wait_for_rpcs`` re-waits on every outstanding task), so read growth against it.
Each size runs ``--repeat`` times (default 1) and the best time counts; 45-100 s in all,
because the mock floor itself varies up to 4x between runs on a 2-CPU machine.
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any

import pulumi_aws as aws

from eks_access import documents as docs
from eks_access.config.stackfile import pulumi_config
from eks_access.offline import FakeCloud, plan_config, run_program

ACCOUNT = "111122223333"
REGION = "ap-northeast-2"
SIZES = (10, 100, 400)
OVERHEAD_TARGET = 1.3
GROWTH_TARGET = 4.4


def stack_config(teams: int) -> dict[str, Any]:
    """A ``config:`` mapping like Pulumi.dev.yaml's, with ``teams`` generated teams."""
    return {
        "aws:region": REGION,
        "team-cluster:accountId": ACCOUNT,
        "team-cluster:cluster": {"name": "bench", "authenticationMode": "API"},
        "team-cluster:teams": [
            {
                "name": f"team{i}",
                "iamGroup": f"Group{i}",
                "members": [f"user{i}"],
                "roleName": f"Role{i}",
                "clusterRoleBindings": ["view"],
            }
            for i in range(teams)
        ],
    }


def bare_program(count: int) -> Any:
    """A program registering ``count`` plain Roles and Groups, alternating, no components."""
    trust = docs.to_json(docs.team_trust_policy(ACCOUNT))

    def program() -> None:
        for i in range(count):
            if i % 2:
                aws.iam.Group(f"bare-group-{i}", name=f"BareGroup{i}")
            else:
                aws.iam.Role(f"bare-role-{i}", name=f"BareRole{i}", assume_role_policy=trust)

    return program


def timed_plan(teams: int) -> tuple[float, int]:
    config = stack_config(teams)
    gc.collect()
    start = time.perf_counter()
    result = plan_config(config, stack="bench")
    elapsed = time.perf_counter() - start
    return elapsed, len(result.resources)


def timed_bare(count: int, config: dict[str, Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    result = run_program(
        bare_program(count),
        config=pulumi_config(config),
        stack="bench",
        cloud=FakeCloud(account_id=ACCOUNT, region=REGION),
    )
    elapsed = time.perf_counter() - start
    assert len(result.resources) == count, (len(result.resources), count)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best time counts")
    args = parser.parse_args()

    # Warm-up: imports, provider schemas and the first event loop are not what we measure.
    timed_plan(2)
    timed_bare(4, stack_config(2))

    rows: list[tuple[int, int, float, float]] = []
    for teams in SIZES:
        plan_times: list[float] = []
        bare_times: list[float] = []
        resources = 0
        for _ in range(max(1, args.repeat)):
            elapsed, resources = timed_plan(teams)
            plan_times.append(elapsed)
            bare_times.append(timed_bare(resources, stack_config(teams)))
        rows.append((teams, resources, min(plan_times), min(bare_times)))

    print(f"{'teams':>6} {'resources':>10} {'plan s':>9} {'bare s':>9} {'overhead':>9}")
    for teams, resources, plan_s, bare_s in rows:
        print(f"{teams:>6} {resources:>10} {plan_s:>9.3f} {bare_s:>9.3f} {plan_s / bare_s:>8.2f}x")

    by_size = {teams: (plan_s, bare_s) for teams, _, plan_s, bare_s in rows}
    worst_overhead = max(plan_s / bare_s for _, _, plan_s, bare_s in rows)
    growth = by_size[400][0] / by_size[100][0]
    bare_growth = by_size[400][1] / by_size[100][1]
    print()
    print(f"overhead over the SDK floor (worst size): {worst_overhead:.2f}x "
          f"(target <= {OVERHEAD_TARGET}) {'MET' if worst_overhead <= OVERHEAD_TARGET else 'NOT MET'}")
    print(f"plan time 400/100 teams: {growth:.2f} (target <= {GROWTH_TARGET}) "
          f"{'MET' if growth <= GROWTH_TARGET else 'NOT MET'}")
    print(f"bare floor 400/100 (same resource counts), for reference: {bare_growth:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
