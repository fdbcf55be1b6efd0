"""``eks-access drift --plan DIR --snapshot FILE``: what exists that code does not declare, what
code declares that does not exist, and who gains or loses which access by it (text, JSON,
markdown). Exit 1 when the live estate gives any principal access the plan does not."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from eks_access.errors import EksAccessError, UsageError


def add_drift_command(sub: Any) -> None:
    p = sub.add_parser("drift", help="what the live estate (a snapshot) has that the plan does not declare, and its access effect")
    p.add_argument("--plan", required=True, help="a plan directory (eks-access plan --out DIR) or its plan.json")
    p.add_argument("--snapshot", required=True, help="a snapshot file (eks-access snapshot --out FILE)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--kubernetes-version", metavar="X.Y", help="built-in RBAC of this version on both sides (default: each side's)")


def run_drift(args: argparse.Namespace) -> tuple[int, str]:
    from eks_access.analysis import Analyzer
    from eks_access.analysis.diff import diff_analyzers
    from eks_access.analysis.diff.report import render_json, render_markdown, render_text
    from eks_access.analysis.drift import drift, text_lines
    from eks_access.cli.snapshot import snapshot_model
    from eks_access.escape.markdown import code as code_span
    from eks_access.model import read_model
    from eks_access.model.gcpause import paused_gc
    from eks_access.plan.reader import read_plan

    records = read_plan(Path(args.plan))
    with paused_gc():
        try:
            plan_model = read_model(records)
        except EksAccessError as err:
            raise UsageError(f"--plan: {args.plan}: {err}") from None
        live_model = snapshot_model(args)
        version = args.kubernetes_version or live_model.kubernetes_version

        def access(p: Any, s: Any) -> Any:
            return diff_analyzers(Analyzer(p, version), Analyzer(s, version), f"plan {args.plan}", f"snapshot {args.snapshot}")

        objects, diff = drift(plan_model, live_model, access)
    code = 1 if diff.widens else 0
    notes = [d.note for d in live_model.denied]
    if args.format == "json":
        body = {"objects": objects.as_json(), "setAside": objects.set_aside, "incomplete": notes, "access": json.loads(render_json(diff))}
        return code, json.dumps(body, indent=2, ensure_ascii=False)
    lines = [*notes, f"Drift plan {args.plan} -> snapshot {args.snapshot}: {len(objects.objects)} object(s) differ "
             f"({objects.set_aside} made by EKS or Kubernetes set aside)"]  # fmt: skip
    lines += list(text_lines(objects))
    render = render_markdown if args.format == "markdown" else render_text
    if args.format == "markdown":
        lines = [f"- {code_span(line, table=False)}" if line[:1] in "+-~" else line for line in lines]
    return code, "\n".join([*lines, "", render(diff)])
