"""``eks-access diff BASE HEAD``: who gains and who loses which permission between two plans.

BASE and HEAD are plan directories (``eks-access plan --out DIR``) or plan.json files. Exit 0,
or 1 with ``--fail-on widen`` when any principal gains access; bad input exits 2 with one line
naming the side and the file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from eks_access.errors import EksAccessError, UsageError

FORMATS = ("text", "json", "markdown")


def add_diff_command(sub: Any) -> None:
    p = sub.add_parser("diff", help="who gains and who loses which permission between two plans (BASE -> HEAD)")
    p.add_argument("base", metavar="BASE", help="the plan before the change: a directory written by `eks-access plan --out DIR`, or its plan.json")
    p.add_argument("head", metavar="HEAD", help="the plan after the change")
    p.add_argument("--format", choices=FORMATS, default="text", help="markdown: a pull-request comment, widening first")
    p.add_argument("--fail-on", choices=("widen",), help="widen: exit 1 when any principal gains access")
    p.add_argument("--principal", action="append", default=[], metavar="PRINCIPAL",
                   help="only this principal: an IAM ARN, user:NAME, group:NAME or serviceaccount:NS:NAME (repeatable)")  # fmt: skip
    p.add_argument("-n", "--namespace", help="only Kubernetes permissions that change in this namespace (cluster-wide grants count)")
    p.add_argument("--kubernetes-version", metavar="X.Y",
                   help="built-in RBAC of this Kubernetes version on both sides (default: each side's cluster version)")  # fmt: skip


def run_diff(args: argparse.Namespace) -> tuple[int, str]:
    from eks_access.analysis.diff import AccessDiff, diff_analyzers, restrict_namespace
    from eks_access.analysis.diff.report import render_json, render_markdown, render_text
    from eks_access.model.gcpause import paused_gc

    wanted = _principals(args.principal)
    with paused_gc():
        base = _side("BASE", Path(args.base), args.kubernetes_version)
        head = _side("HEAD", Path(args.head), args.kubernetes_version)
        diff = diff_analyzers(base, head, args.base, args.head)
    if wanted:
        diff = AccessDiff(diff.base, diff.head, tuple(p for p in diff.principals if p.principal.display in wanted))
    if args.namespace is not None:
        diff = restrict_namespace(diff, args.namespace)
    render = {"text": render_text, "json": render_json, "markdown": render_markdown}[args.format]
    code = 1 if args.fail_on == "widen" and diff.widens else 0
    return code, render(diff)


def _side(which: str, path: Path, version: str | None) -> Any:
    from eks_access.analysis import Analyzer
    from eks_access.plan.reader import read_plan

    try:
        records = read_plan(path)
    except UsageError as err:
        raise UsageError(f"{which}: {str(err).removeprefix('--plan: ')}") from None
    try:
        return Analyzer.from_records(records, version)
    except EksAccessError as err:
        raise UsageError(f"{which}: {path}: {err}") from None


def _principals(texts: list[str]) -> set[str]:
    from eks_access.analysis import parse_principal

    out: set[str] = set()
    for text in texts:
        try:
            out.add(parse_principal(text).display)
        except UsageError as err:
            raise UsageError(f"--principal: {str(err).removeprefix('--as: ')}") from None
    return out
