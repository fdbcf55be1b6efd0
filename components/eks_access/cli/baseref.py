"""``diff --base-ref REF``: the stack as it was at a git revision, planned in a temporary worktree.

The stack file, Pulumi.yaml and ``__main__.py`` at REF are checked out with ``git worktree add
--detach`` into a directory of our own and planned the way ``eks-access plan`` plans (through
the plan cache: the same files plan once). The worktree is removed whatever happens, an
interrupt included (git's ``worktree remove --force``, then ``worktree prune``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from eks_access.errors import UsageError, one_line


def plan_at_ref(ref: str, config_file: Path, stack: str) -> list[dict[str, Any]]:
    from eks_access.cli.main import _cleanup_on_signals, _plan

    top = Path(_git(["rev-parse", "--show-toplevel"], Path.cwd(), "--base-ref: not inside a git repository"))
    commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top, f"--base-ref: {ref!r} is not a commit of {top}")
    try:
        relative = config_file.resolve().relative_to(top.resolve())
    except ValueError:
        raise UsageError(f"--base-ref: {config_file} is not inside the repository {top}") from None
    scratch = Path(tempfile.mkdtemp(prefix="eks-access-base-ref-"))
    tree = scratch / "src"
    with _cleanup_on_signals():
        try:
            _git(["worktree", "add", "--detach", "--quiet", str(tree), commit], top, f"--base-ref: cannot check out {ref!r}")
            file = tree / relative
            if not file.is_file():
                raise UsageError(f"--base-ref: {ref} has no {relative}")
            args = argparse.Namespace(command="diff", config=file, stack=stack, plan_file=None, preview=False)
            records: list[dict[str, Any]] = _plan(args)[0]
            return records
        finally:
            subprocess.run(["git", "-C", str(top), "worktree", "remove", "--force", str(tree)], capture_output=True, check=False)
            shutil.rmtree(scratch, ignore_errors=True)
            subprocess.run(["git", "-C", str(top), "worktree", "prune"], capture_output=True, check=False)


def _git(argv: list[str], cwd: Path, failure: str) -> str:
    try:
        done = subprocess.run(["git", *argv], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as err:
        raise UsageError(f"--base-ref: cannot run git ({one_line(str(err))})") from None
    if done.returncode != 0:
        raise UsageError(failure)
    return done.stdout.strip()
