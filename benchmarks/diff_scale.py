"""Access diff scale benchmark: two synthetic plans of N teams (analyzer_scale's plan).

Not a test: it prints, for 1,000 teams (or the count given), the time of
- a wide change: every team's ClusterRole gains ``watch`` and ``secrets`` (every team's group,
  role and ServiceAccounts change), target < 5 s;
- a one-line change: one team's ClusterRole gains ``delete``, target < 2 s;
each from plan records to the finished diff (both analyzers built), and its ratio to the target.

    .venv/bin/python benchmarks/diff_scale.py [TEAMS]
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analyzer_scale import synthetic_plan

from eks_access.analysis import Analyzer
from eks_access.analysis.diff import diff_analyzers
from eks_access.model.gcpause import paused_gc

WIDE_TARGET_S = 5.0
ONE_LINE_TARGET_S = 2.0


def _edit(records: list[dict[str, Any]], every: int, verb: str, resource: str | None) -> list[dict[str, Any]]:
    out = copy.deepcopy(records)
    seen = 0
    for r in out:
        if r["type"].endswith(":ClusterRole") and r["name"].endswith("-clusterrole"):
            if seen % every == 0:
                rule = r["inputs"]["rules"][0]
                rule["verbs"] = [*rule["verbs"], verb]
                if resource:
                    rule["resources"] = [*rule["resources"], resource]
            seen += 1
    return out


def timed(base: list[dict[str, Any]], head: list[dict[str, Any]]) -> tuple[float, int]:
    t0 = time.perf_counter()
    with paused_gc():
        diff = diff_analyzers(Analyzer.from_records(base), Analyzer.from_records(head))
    return time.perf_counter() - t0, len(diff.principals)


def main() -> None:
    teams = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    base = synthetic_plan(teams)
    wide, n_wide = timed(base, _edit(base, 1, "watch", "secrets"))
    one, n_one = timed(base, _edit(base, teams + 1, "delete", None))
    print(f"teams: {teams} ({len(base)} records per plan)")
    print(f"wide change:     {wide:6.2f} s, {n_wide} principals changed; ratio to the {WIDE_TARGET_S:.0f} s target: {wide / WIDE_TARGET_S:.2f}")
    print(f"one-line change: {one:6.2f} s, {n_one} principals changed; ratio to the {ONE_LINE_TARGET_S:.0f} s target: {one / ONE_LINE_TARGET_S:.2f}")


if __name__ == "__main__":
    main()
