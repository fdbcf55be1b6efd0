"""``eks-access check --format markdown``: findings as a pull-request comment (GitHub Flavored Markdown).

A summary line, one table row per finding (mandatory first, as ``check`` orders its exit code),
and the rules that fired with their references and how to allow an exception. GitHub refuses a
comment body over 65,536 characters (:data:`eks_access.escape.markdown.GITHUB_COMMENT_LIMIT`), so a longer report drops the
rule details, then shortens names and messages (with a visible marker) until every row fits,
and only when even the shortest rows do not fit leaves out the last ones (advisory before
mandatory) and says how many.

Names come from the plan, so they are escaped (:mod:`eks_access.escape.markdown`): a resource is
an unbreakable code span, a message is text in which nothing starts HTML, a link or a mention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from eks_access.escape.markdown import GITHUB_COMMENT_LIMIT, code, fit, prose
from eks_access.escape.text import shorten
from eks_access.guardrails.catalog import RULES_BY_ID
from eks_access.guardrails.model import Enforcement, Finding

#: (longest resource name, longest word of a message, longest message) shown, tried in turn
#: until every row fits; ``None``: in full.
SHORTENINGS: tuple[tuple[int | None, int | None, int | None], ...] = (
    (None, None, None), (256, 256, 2048), (128, 128, 1024), (64, 64, 512), (32, 32, 160),
)  # fmt: skip
_LONG_WORD = re.compile(r"[^\s'\"(),;]+")  # a name in a message: quoted, or between spaces


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
    rows = [_row(f, *SHORTENINGS[0]) for f in ordered]
    text = "\n".join([*head, *rows, *_details(ordered)])
    if len(text) <= limit:
        return text
    for shortening in SHORTENINGS:
        rows = [_row(f, *shortening) for f in ordered]
        table = "\n".join([*head, *rows, ""])
        if len(table) <= limit:
            return table
    return fit(head, rows, limit, _left_out)


def _row(f: Finding, name: int | None, word: int | None, message: int | None) -> str:
    text = f.message if word is None else _LONG_WORD.sub(lambda m: shorten(m.group(0), word), f.message)
    return f"| {f.enforcement.value} | {f.severity.value} | `{f.rule}` | {code(f.resource, name)} | {prose(text, message)} |"


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


def _left_out(n: int) -> str:
    return (f"{n} more findings not shown (a GitHub comment holds {GITHUB_COMMENT_LIMIT} characters); "
            "run `eks-access check --format sarif` or `--format json` for all of them.")  # fmt: skip
