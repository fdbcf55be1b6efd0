"""``eks-access diff BASE HEAD``: who gains and who loses which permission between two plans.

BASE and HEAD are plan directories (``eks-access plan --out DIR``) or plan.json files. Exit 0;
1 when EKS would refuse to update BASE's cluster to HEAD's (a Kubernetes version more than one
minor ahead or behind, an authentication mode step back: ``analysis/diff/update.py``), or with
``--fail-on widen`` when any principal gains access; bad input exits 2 with one line naming the
side and the file.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from eks_access.errors import EksAccessError, UsageError

FORMATS = ("text", "json", "markdown")


def add_diff_command(sub: Any) -> None:
    p = sub.add_parser("diff", help="who gains and who loses which permission between two plans (BASE -> HEAD)")
    p.add_argument("base", metavar="BASE", nargs="?",
                   help="the plan before the change: a directory written by `eks-access plan --out DIR`, or its plan.json")  # fmt: skip
    p.add_argument("head", metavar="HEAD", nargs="?", help="the plan after the change")
    p.add_argument("--base-ref", metavar="REF",
                   help="BASE is the stack at this git revision (planned in a temporary worktree); "
                        "then the only positional is HEAD, default: the working tree's stack")  # fmt: skip
    source = p.add_mutually_exclusive_group()
    source.add_argument("--stack", default="dev", help="with --base-ref: the stack file Pulumi.STACK.yaml (default: dev)")
    source.add_argument("--config", type=Path, help="with --base-ref: this stack file instead")
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
    from eks_access.analysis.diff.update import update_refusals
    from eks_access.model.gcpause import paused_gc

    wanted = _principals(args.principal)
    (base_label, base_records), (head_label, head_records) = _sources(args)
    with paused_gc():
        base = _analyzer("BASE", base_label, base_records, args.kubernetes_version)
        head = _analyzer("HEAD", head_label, head_records, args.kubernetes_version)
        diff = diff_analyzers(base, head, base_label, head_label)
    # HEAD is applied over a deployed BASE: what EKS refuses to update (not drift's question)
    diff = dataclasses.replace(diff, refusals=tuple(update_refusals(base.model, head.model)))
    if wanted:
        diff = AccessDiff(diff.base, diff.head, tuple(p for p in diff.principals if p.principal.display in wanted), diff.refusals)
    if args.namespace is not None:
        diff = restrict_namespace(diff, args.namespace)
    render = {"text": render_text, "json": render_json, "markdown": render_markdown}[args.format]
    code = 1 if diff.refusals or (args.fail_on == "widen" and diff.widens) else 0
    return code, render(diff)


Source = tuple[str, list[dict[str, Any]]]


def _sources(args: argparse.Namespace) -> tuple[Source, Source]:
    """(label, records) of BASE and HEAD: two plans, or a git revision and a plan or the stack."""
    given = [x for x in (args.base, args.head) if x is not None]
    if args.base_ref is None:
        if len(given) < 2:
            raise UsageError("diff: BASE and HEAD are required (plan directories or plan.json files), or --base-ref REF")
        return (args.base, _read("BASE", Path(args.base))), (args.head, _read("HEAD", Path(args.head)))
    if len(given) > 1:
        raise UsageError("--base-ref: BASE is the revision; give at most one plan (HEAD)")
    from eks_access.cli.baseref import plan_at_ref
    from eks_access.cli.main import _config_file, _plan, _stack_name

    config = _config_file(args)
    if given:
        head: Source = (given[0], _read("HEAD", Path(given[0])))
    else:
        stack = argparse.Namespace(command="diff", config=config, stack=args.stack, plan_file=None, preview=False)
        head = (str(config), _plan(stack)[0])
    return (f"{args.base_ref}:{config}", plan_at_ref(args.base_ref, config, _stack_name(args))), head


def _read(which: str, path: Path) -> list[dict[str, Any]]:
    from eks_access.plan.reader import read_plan

    try:
        return read_plan(path)
    except UsageError as err:
        raise UsageError(f"{which}: {str(err).removeprefix('--plan: ')}") from None


def _analyzer(which: str, label: str, records: list[dict[str, Any]], version: str | None) -> Any:
    from eks_access.analysis import Analyzer

    try:
        return Analyzer.from_records(records, version)
    except EksAccessError as err:
        raise UsageError(f"{which}: {label}: {err}") from None


def _principals(texts: list[str]) -> set[str]:
    from eks_access.analysis import parse_principal

    out: set[str] = set()
    for text in texts:
        try:
            out.add(parse_principal(text).display)
        except UsageError as err:
            raise UsageError(f"--principal: {str(err).removeprefix('--as: ')}") from None
    return out
