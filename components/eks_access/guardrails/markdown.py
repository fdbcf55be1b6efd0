"""``eks-access check --format markdown``: findings as a pull-request comment (GitHub Flavored Markdown).

A summary line, one table row per finding (mandatory first, as ``check`` orders its exit code),
and the rules that fired with their references and how to allow an exception.
"""

from __future__ import annotations

from collections.abc import Sequence

from eks_access.guardrails.catalog import RULES_BY_ID
from eks_access.guardrails.model import Enforcement, Finding


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, newlines folded."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def render_markdown(findings: Sequence[Finding], *, resources: int | None = None, rules: int | None = None) -> str:
    n_rules = len(RULES_BY_ID) if rules is None else rules
    over = f" over {resources} resources" if resources is not None else ""
    if not findings:
        return f"### eks-access check: no findings\n\n{n_rules} rules checked{over}.\n"
    mandatory = [f for f in findings if f.enforcement is Enforcement.MANDATORY]
    advisory = [f for f in findings if f.enforcement is Enforcement.ADVISORY]
    verdict = "blocks the deploy" if mandatory else "passes"
    lines = [
        f"### eks-access check: {len(mandatory)} mandatory, {len(advisory)} advisory ({verdict})",
        "",
        f"{n_rules} rules checked{over}.",
        "",
        "| Enforcement | Severity | Rule | Resource | Finding |",
        "|---|---|---|---|---|",
    ]
    for f in (*mandatory, *advisory):
        lines.append(f"| {f.enforcement.value} | {f.severity.value} | `{f.rule}` | `{cell(f.resource)}` | {cell(f.message)} |")
    lines += ["", "<details><summary>Rules that fired</summary>", ""]
    for rule_id in dict.fromkeys(f.rule for f in (*mandatory, *advisory)):
        rule = RULES_BY_ID[rule_id]
        refs = ", ".join(rule.references) or "none"
        lines.append(
            f"- **{rule.id}** {cell(rule.title)}: {cell(rule.description)} References: {cell(refs)}. "
            f"Exception: `guardrails.allow.{rule.id}` in the stack config. [More]({rule.help_uri})"
        )
    lines += ["", "</details>", ""]
    return "\n".join(lines)
