"""Turns findings into what ``eks-access check`` prints and its exit code."""

from __future__ import annotations

import json
from collections.abc import Sequence

from eks_access.errors import UsageError
from eks_access.escape.text import visible
from eks_access.guardrails.catalog import RULES
from eks_access.guardrails.markdown import render_markdown
from eks_access.guardrails.model import Enforcement, Finding
from eks_access.guardrails.sarif import render_sarif

FORMATS = ("text", "json", "sarif", "markdown")


def exit_code(findings: Sequence[Finding]) -> int:
    """1 when any finding is mandatory: CI must fail exactly when ``pulumi up`` would be blocked."""
    return 1 if any(f.enforcement is Enforcement.MANDATORY for f in findings) else 0


def render(
    findings: Sequence[Finding],
    fmt: str,
    *,
    resources: int | None = None,
    rules: int | None = None,
    artifact: str = "plan.json",
) -> tuple[int, str]:
    """(exit code, text) for ``fmt`` ``text``, ``json``, ``sarif`` or ``markdown``.

    ``resources``/``rules`` only feed the "no findings" sentence, so a clean run still says
    how much was checked; they default to unknown / the whole catalog. ``artifact`` is the
    file SARIF results point at (the stack config or plan the findings come from).
    """
    code = exit_code(findings)
    if fmt == "json":
        return code, json.dumps([f.to_dict() for f in findings], indent=2) + "\n"  # ASCII: every name \u-escaped
    if fmt == "sarif":
        return code, render_sarif(findings, artifact)
    if fmt == "markdown":
        return code, render_markdown(findings, resources=resources, rules=rules)
    if fmt != "text":
        raise UsageError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    n_rules = len(RULES) if rules is None else rules
    if not findings:
        over = f" over {resources} resources" if resources is not None else ""
        return code, f"no findings: {n_rules} rules checked{over}\n"
    rows = [([f.enforcement.value, f.severity.value, f.rule, visible(f.resource)], visible(f.message)) for f in findings]
    widths = [max(len(cells[i]) for cells, _ in rows) for i in range(4)]
    lines = []
    for cells, message in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + "  " + message)
    mandatory = sum(f.enforcement is Enforcement.MANDATORY for f in findings)
    advisory = len(findings) - mandatory
    noun = "finding" if len(findings) == 1 else "findings"
    lines.append(f"{len(findings)} {noun}: {mandatory} mandatory, {advisory} advisory")
    return code, "\n".join(lines) + "\n"
