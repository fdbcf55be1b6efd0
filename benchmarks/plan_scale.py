"""Plan scale benchmark: the real stack program on the offline engine, up to 10,000 teams.

Not a test: it prints, from one run, for each size (each in a fresh process, so the peak RSS is
that plan's own):

- ``plan s``: wall time of ``eks_access.offline.plan_config`` (program, fake cloud, contracts);
- ``write s``: writing the plan directory (``plan.json``, manifests, IAM documents);
- ``peak MiB``: the process's peak resident set size;
- and the ratios that matter: plan time of the largest size against the 60 s target, peak RSS
  against the 2 GiB target, largest/smallest time per team (1.00 = linear), and plan time over
  the SDK floor (a program that registers the same number of plain ``aws.iam.Role`` /
  ``aws.iam.Group`` resources: what the Pulumi SDK's registration path costs with no
  components, no ``apply`` and no documents), and that floor against the 60 s target.

``--profile N`` prints where the time of an N-team plan goes instead (cProfile, top functions).
Issue 9's targets: 10,000 teams in under 60 s and 2 GiB on this machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pulumi_aws as aws

from eks_access import documents as docs
from eks_access.config.stackfile import pulumi_config
from eks_access.offline import FakeCloud, plan_config, run_program

ACCOUNT = "111122223333"
REGION = "ap-northeast-2"
SIZES = (1000, 10000)
TIME_TARGET_S = 60.0
RSS_TARGET_MIB = 2048.0


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
    start = time.perf_counter()
    result = plan_config(stack_config(teams), stack="bench")
    return time.perf_counter() - start, len(result.resources)


def timed_bare(count: int, config: dict[str, Any]) -> float:
    start = time.perf_counter()
    result = run_program(bare_program(count), config=pulumi_config(config), stack="bench",
                         cloud=FakeCloud(account_id=ACCOUNT, region=REGION))
    elapsed = time.perf_counter() - start
    assert len(result.resources) == count, (len(result.resources), count)
    return elapsed


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, size: int) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    if kind == "bare":
        return {"seconds": timed_bare(size, stack_config(2)), "peak_mib": _peak_mib()}
    from eks_access.plan.output import write_plan

    start = time.perf_counter()
    result = plan_config(stack_config(size), stack="bench")
    planned = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_plan(result.resources, result.exports, Path(tmp) / "plan")
        written = time.perf_counter() - start
    return {"seconds": planned, "write_seconds": written, "resources": len(result.resources), "peak_mib": _peak_mib()}


def measure(kind: str, size: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(size)], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def profile(teams: int) -> None:
    timed_plan(2)  # imports and provider schemas are not what we measure
    profiler = cProfile.Profile()
    profiler.enable()
    elapsed, resources = timed_plan(teams)
    profiler.disable()
    print(f"{teams} teams, {resources} resources, {elapsed:.1f} s under the profiler")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="team counts (default 1000 10000)")
    parser.add_argument("--no-floor", action="store_true", help="skip the SDK floor (the bare program) at the largest size")
    parser.add_argument("--profile", type=int, metavar="N", help="profile one N-team plan instead")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return 0
    if args.profile:
        profile(args.profile)
        return 0

    sizes = sorted(args.sizes)
    rows = {size: measure("plan", size) for size in sizes}
    print(f"{'teams':>6} {'resources':>10} {'plan s':>8} {'write s':>8} {'peak MiB':>9} {'ms/team':>8}")
    for size, row in rows.items():
        print(f"{size:>6} {row['resources']:>10} {row['seconds']:>8.1f} {row['write_seconds']:>8.1f} "
              f"{row['peak_mib']:>9.0f} {1000 * row['seconds'] / size:>8.2f}")
    largest, smallest = rows[sizes[-1]], rows[sizes[0]]
    print()
    print(f"{sizes[-1]} teams: plan {largest['seconds']:.1f} s = {largest['seconds'] / TIME_TARGET_S:.2f}x the {TIME_TARGET_S:.0f} s target "
          f"({'MET' if largest['seconds'] < TIME_TARGET_S else 'NOT MET'}); peak {largest['peak_mib']:.0f} MiB = "
          f"{largest['peak_mib'] / RSS_TARGET_MIB:.2f}x the 2 GiB target ({'MET' if largest['peak_mib'] < RSS_TARGET_MIB else 'NOT MET'})")
    if len(sizes) > 1:
        growth = (largest["seconds"] / sizes[-1]) / (smallest["seconds"] / sizes[0])
        print(f"time per team, {sizes[-1]} vs {sizes[0]} teams: {growth:.2f}x (1.00 = linear)")
    if not args.no_floor:
        floor = measure("bare", largest["resources"])
        print(f"SDK floor, {largest['resources']} plain resources: {floor['seconds']:.1f} s, peak {floor['peak_mib']:.0f} MiB; "
              f"plan / floor = {largest['seconds'] / floor['seconds']:.2f}x; "
              f"floor = {floor['seconds'] / TIME_TARGET_S:.2f}x the {TIME_TARGET_S:.0f} s target "
              f"({'the SDK alone exceeds it' if floor['seconds'] >= TIME_TARGET_S else 'below it'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
