"""``eks-access check --format markdown``: findings as a pull-request comment (GitHub Flavored Markdown).

A summary line, one table row per finding (mandatory first, as ``check`` orders its exit code),
and the rules that fired with their references and how to allow an exception. GitHub refuses a
comment body over 65,536 characters (its REST API answers 422 "Body is too long (maximum is
65536 characters)", as seen in telia-oss/github-pr-resource#259), so a longer report drops the
rule details, then the last rows, and says how many findings it left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from eks_access.guardrails.catalog import RULES_BY_ID
from eks_access.guardrails.model import Enforcement, Finding

GITHUB_COMMENT_LIMIT = 65536


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, newlines folded."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def render_markdown(findings: Sequence[Finding], *, resources: int | None = None, rules: int | None = None,
                    limit: int = GITHUB_COMMENT_LIMIT) -> str:  # fmt: skip
    n_rules = len(RULES_BY_ID) if rules is None else rules
    over = f" over {resources} resources" if resources is not None else ""
    if not findings:
        return f"### eks-access check: no findings\n\n{n_rules} rules checked{over}.\n"
    mandatory = [f for f in findings if f.enforcement is Enforcement.MANDATORY]
    advisory = [f for f in findings if f.enforcement is Enforcement.ADVISORY]
    verdict = "blocks the deploy" if mandatory else "passes"
    head = [
        f"### eks-access check: {len(mandatory)} mandatory, {len(advisory)} advisory ({verdict})",
        "",
        f"{n_rules} rules checked{over}.",
        "",
        "| Enforcement | Severity | Rule | Resource | Finding |",
        "|---|---|---|---|---|",
    ]
    ordered = (*mandatory, *advisory)
    rows = [f"| {f.enforcement.value} | {f.severity.value} | `{f.rule}` | `{cell(f.resource)}` | {cell(f.message)} |" for f in ordered]
    details = _details(ordered)
    text = "\n".join([*head, *rows, *details])
    if len(text) <= limit:
        return text
    table = "\n".join([*head, *rows, ""])
    return table if len(table) <= limit else _truncated(head, rows, limit)


def _details(findings: Sequence[Finding]) -> list[str]:
    lines = ["", "<details><summary>Rules that fired</summary>", ""]
    for rule_id in dict.fromkeys(f.rule for f in findings):
        rule = RULES_BY_ID[rule_id]
        refs = ", ".join(rule.references) or "none"
        lines.append(
            f"- **{rule.id}** {cell(rule.title)}: {cell(rule.description)} References: {cell(refs)}. "
            f"Exception: `guardrails.allow.{rule.id}` in the stack config. [More]({rule.help_uri})"
        )
    return [*lines, "", "</details>", ""]


def _truncated(head: list[str], rows: list[str], limit: int) -> str:
    """As many rows as fit under ``limit`` with a closing line saying how many were left out."""
    size = sum(len(line) + 1 for line in head)
    kept: list[str] = []
    for row in rows:
        note = _left_out(len(rows) - len(kept) - 1)
        if size + len(row) + 1 + len(note) + 2 > limit:
            break
        kept.append(row)
        size += len(row) + 1
    return "\n".join([*head, *kept, "", _left_out(len(rows) - len(kept)), ""])


def _left_out(n: int) -> str:
    return (f"{n} more findings not shown (a GitHub comment holds {GITHUB_COMMENT_LIMIT} characters); "
            "run `eks-access check --format sarif` or `--format json` for all of them.")  # fmt: skip
