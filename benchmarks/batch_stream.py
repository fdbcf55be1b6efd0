"""Streaming benchmark of ``eks-access can-i --batch -``: N questions through the real CLI.

Not a test: it writes a synthetic plan (analyzer_scale's, 100 teams) to a scratch directory,
starts the installed ``eks-access`` console script, feeds it N questions on stdin from a
generator (never held in memory here) and reads the answers as they come. It prints the time to
the first answer, the total time, the rate, and the child's peak RSS with its ratio to the
300 MiB target. A quarter of the questions name a principal, object or context seen only once,
so a memo that grew per question would show in the peak.

    python benchmarks/batch_stream.py            # 1,000,000 questions (several minutes)
    python benchmarks/batch_stream.py --n 100000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from analyzer_scale import ACCOUNT, synthetic_plan

TEAMS = 100
TARGET_MIB = 300.0


def questions(n: int) -> Iterator[str]:
    verbs = ("get", "list", "create", "delete")
    for i in range(n):
        team, ns = i % TEAMS, f"ns-{i % TEAMS}-{i % 9}"
        kind = i % 4
        if kind == 0:
            q = {"id": i, "as": f"arn:aws:iam::{ACCOUNT}:user/user{team}", "verb": verbs[i % 4], "resource": "pods",
                 "namespace": ns, "context": {"sts:RoleSessionName": f"user{team}"}}  # fmt: skip
        elif kind == 1:  # a Kubernetes user and object name seen once
            q = {"id": f"q{i}", "as": f"user:person{i}", "asGroups": [f"team{team}"], "verb": "get", "resource": "pods",
                 "namespace": ns, "name": f"pod-{i}"}  # fmt: skip
        elif kind == 2:  # an IAM user and a session name seen once
            q = {"id": i, "as": f"arn:aws:iam::{ACCOUNT}:user/ghost{i}", "verb": "list", "resource": "nodes",
                 "context": {"sts:RoleSessionName": f"s{i}"}}  # fmt: skip
        else:
            q = {"as": f"serviceaccount:{ns}:app", "verb": verbs[i % 4], "resource": "deployments.apps", "namespace": ns}
        yield json.dumps(q) + "\n"


def feed(stdin: IO[str], n: int) -> None:
    with contextlib.suppress(BrokenPipeError), stdin:  # the CLI stopped early: main() reports its exit
        for line in questions(n):
            stdin.write(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of questions (default 1,000,000)")
    n = parser.parse_args().n
    cli = str(Path(sys.executable).with_name("eks-access"))
    with tempfile.TemporaryDirectory() as scratch:
        plan = Path(scratch) / "plan.json"
        plan.write_text(json.dumps(synthetic_plan(TEAMS)))
        started = time.perf_counter()
        proc = subprocess.Popen([cli, "can-i", "--batch", "-", "--plan", str(plan)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        writer = threading.Thread(target=feed, args=(proc.stdin, n), daemon=True)
        writer.start()
        first: float | None = None
        answers = 0
        for _line in proc.stdout:
            if first is None:
                first = time.perf_counter() - started
            answers += 1
        code = proc.wait()
        total = time.perf_counter() - started
        err = proc.stderr.read()
        writer.join()
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: KiB
    if code not in (0, 1) or answers != n:
        raise SystemExit(f"exit {code}, {answers} of {n} answers: {err.strip()}")
    print(f"questions            {n}")
    print(f"time to first answer {first or 0.0:9.3f} s")
    print(f"total time           {total:9.1f} s   ({n / total:,.0f} answers/s)")
    print(f"peak RSS (child)     {peak_mib:9.1f} MiB")
    print(f"peak / target        {peak_mib / TARGET_MIB:9.2f}   (target {TARGET_MIB:.0f} MiB; < 1 meets it)")


if __name__ == "__main__":
    main()
