"""CLI latency benchmark: analyzer commands without --plan, cold (no plan cache) and warm.

Not a test: it runs the installed ``eks-access`` console script on the dev stack in a scratch
copy of the project, with a private cache directory, and prints each command's cold and warm
wall time (median of 5 warm runs) and the cold/warm ratio measured in the same run.
Target: every analyzer command answers in < 300 ms warm.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [
    ["can-i", "list", "pods", "-n", "default", "--as", "arn:aws:iam::111122223333:user/dev1"],
    ["who-can", "list", "nodes"],
    ["matrix", "--as", "group:developers", "-n", "default"],
    ["diagram"],
    ["check"],
    ["kubeconfig", "--team", "developers"],
]


def run(cli: str, argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run([cli, *argv], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv}: exit {proc.returncode}: {proc.stderr.strip()}")
    return elapsed


def main() -> None:
    cli = str(Path(sys.executable).with_name("eks-access"))
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
            shutil.copy(ROOT / name, work / name)
        env = {**os.environ, "EKS_ACCESS_CACHE_DIR": str(work / "cache")}
        print(f"{'command':<12} {'cold s':>8} {'warm s':>8} {'cold/warm':>10}")
        worst = 0.0
        for argv in COMMANDS:
            shutil.rmtree(work / "cache", ignore_errors=True)
            cold = run(cli, argv, work, env)
            warm = statistics.median(run(cli, argv, work, env) for _ in range(5))
            worst = max(worst, warm)
            print(f"{argv[0]:<12} {cold:8.3f} {warm:8.3f} {cold / warm:10.1f}")
        print(f"slowest warm answer: {worst * 1000:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
