"""``eks-access diff`` output: text grouped by cause, JSON, and a pull-request comment.

Every change is an item (direction, cause, the lines it adds or removes, principal, path).
Text and markdown group items by cause, widening first; principals whose lines under one cause
are the same share one list of lines. Markdown fits GitHub's comment limit (65,536 characters:
its REST API refuses a longer body with 422 "Body is too long"), dropping the last lines and
saying how many; every name is in a code span that nothing in the name can close.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from eks_access.analysis.diff.compute import AccessDiff, PrincipalDiff
from eks_access.analysis.diff.show import permission_json, permission_text
from eks_access.errors import one_line
from eks_access.escape.markdown import GITHUB_COMMENT_LIMIT, code, fit

SIGN = {"gained": "+", "lost": "-"}


@dataclass(frozen=True)
class Item:
    direction: str
    cause: str
    lines: tuple[str, ...]
    principal: str
    via: str


def items(diff: AccessDiff) -> list[Item]:
    out: list[Item] = []
    for pd in diff.principals:
        for c in pd.kubernetes:
            assert pd.space is not None
            lines = tuple(f"{SIGN[c.direction]} {permission_text(p, pd.space)}" for p in c.permissions)
            out.append(Item(c.direction, c.cause, lines, pd.principal.display, c.via))
        out += [Item(c.direction, c.cause, (c.text,), pd.principal.display, c.via) for c in pd.iam]
    return sorted(out, key=lambda i: i.direction != "gained")  # stable: widening first


Groups = dict[tuple[str, str], dict[tuple[str, ...], list[tuple[str, str]]]]


def grouped(diff: AccessDiff) -> Groups:
    """(direction, cause) -> lines -> [(principal, via)], in widening-first order."""
    out: Groups = defaultdict(lambda: defaultdict(list))
    for item in items(diff):
        out[(item.direction, item.cause)][item.lines].append((item.principal, item.via))
    return out


def _counts(diff: AccessDiff) -> tuple[int, int]:
    gain = sum(1 for p in diff.principals if _has(p, "gained"))
    lose = sum(1 for p in diff.principals if _has(p, "lost"))
    return gain, lose


def _has(p: PrincipalDiff, direction: str) -> bool:
    return any(c.direction == direction for c in p.kubernetes) or any(c.direction == direction for c in p.iam)


# ---------------------------------------------------------------------- text
def render_text(diff: AccessDiff) -> str:
    gain, lose = _counts(diff)
    head = f"Access diff {one_line(diff.base)} -> {one_line(diff.head)}: "
    refused = [f"REFUSED by EKS: {one_line(r)}" for r in diff.refusals]
    if not diff.principals:
        return "\n".join([*refused, head + "no principal gains or loses access"])
    out = [*refused, head + _summary(gain, lose)]
    for (direction, cause), by_lines in grouped(diff).items():
        n = sum(len(lines) for lines in by_lines)
        out += ["", f"{SIGN[direction]} {one_line(cause)}: {n} change{_s(n)} ({'widening' if direction == 'gained' else 'narrowing'})"]
        for lines, who in by_lines.items():
            out += [f"    {one_line(p)}" + (f" ({one_line(via)})" if via else "") for p, via in who]
            out += [f"      {one_line(line)}" for line in lines]
    return "\n".join(out)


def _summary(gain: int, lose: int) -> str:
    """``2 principals gain access, 1 loses access``."""
    return (f"{gain} principal{_s(gain)} gain{'s' if gain == 1 else ''} access, "
            f"{lose} lose{'s' if lose == 1 else ''} access")  # fmt: skip


def _s(n: int) -> str:
    return "" if n == 1 else "s"


# ---------------------------------------------------------------------- json
def render_json(diff: AccessDiff) -> str:
    return json.dumps(diff_json(diff), indent=2, sort_keys=True)


def diff_json(diff: AccessDiff) -> dict[str, Any]:
    return {
        "base": diff.base,
        "head": diff.head,
        "widens": diff.widens,
        "refusals": list(diff.refusals),
        "principals": [_principal_json(p) for p in diff.principals],
    }


def _principal_json(pd: PrincipalDiff) -> dict[str, Any]:
    out: dict[str, Any] = {"principal": pd.principal.display, "kind": pd.principal.kind, "gained": [], "lost": []}
    for c in pd.kubernetes:
        assert pd.space is not None
        perms = [permission_json(p, pd.space) for p in c.permissions]
        out[c.direction].append({"layer": "kubernetes", "cause": c.cause, "via": c.via, "permissions": perms})
    for i in pd.iam:
        out[i.direction].append({"layer": "iam", "cause": i.cause, "via": i.via, "change": i.text})
    return out


# ---------------------------------------------------------------------- markdown
def _span(text: str) -> str:
    """A name or line as a list item's code span (no table, so ``|`` stays as it is), at most 2,000 characters."""
    return code(text, 2000, table=False)


def render_markdown(diff: AccessDiff, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    gain, lose = _counts(diff)
    title = f"### eks-access diff: {_summary(gain, lose)}"
    refused = [f"- **refused by EKS** {_span(r)}" for r in diff.refusals]
    if not diff.principals:
        return "\n".join(["### eks-access diff: no principal gains or loses access", *refused]) + "\n"
    body: list[str] = list(refused)
    for (direction, cause), by_lines in grouped(diff).items():
        sign = "**+ widening**" if direction == "gained" else "**- narrowing**"
        body.append(f"- {sign} {_span(cause)}")
        for lines, who in by_lines.items():
            names = ", ".join(_span(p) + (f" ({_span(via)})" if via else "") for p, via in who)
            body.append(f"  - {names}")
            body += [f"    - {_span(line)}" for line in lines]
    return fit([title, ""], body, limit, _left_out)


def _left_out(n: int) -> str:
    return (f"{n} more line{_s(n)} not shown (a GitHub comment holds {GITHUB_COMMENT_LIMIT} characters); "
            "run `eks-access diff --format json` for all of them.")  # fmt: skip
