"""Text, JSON, Mermaid and DOT output of the analyzer's answers.

Kept apart from the evaluation so the CLI contract (what is printed) can change without
touching semantics, and so tests can assert either layer. Names come from the plan, so every
format escapes them (:mod:`eks_access.escape`): text lines show control characters as escapes,
JSON has them ``\\u``-escaped, diagram labels use each language's quoting.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from eks_access.escape import json as json_escape
from eks_access.escape.diagram import dot_string, mermaid_label
from eks_access.escape.text import lines as text_lines
from eks_access.escape.text import visible

from .analyzer import KIND_LABEL, WhoCanEntry
from .answers import Answer
from .diagram import Diagram
from .matrix import MATRIX_VERBS, MatrixTable
from .principals import Principal
from .requests import Request


def request_json(req: Request) -> dict[str, Any]:
    a = req.attrs
    if a.path is not None:
        return {"verb": a.verb, "nonResourceURL": a.path}
    out: dict[str, Any] = {
        "verb": a.verb, "resource": a.resource, "subresource": a.subresource,
        "apiGroup": a.api_group, "namespace": a.namespace or None,
    }  # fmt: skip
    if a.name:
        out["name"] = a.name
    return out


def answer_json(a: Answer) -> dict[str, Any]:
    """``conditions`` in words and ``requirements`` structured (``allOf`` groups of alternative
    statements with their unresolved conditions, ``noneOf`` conditional Deny statements)."""
    return {
        "allowed": a.allowed,
        "conditional": a.conditional,
        "principal": a.principal.display,
        "request": request_json(a.request),
        "chain": [h.as_json() for h in a.chain],
        "reason": a.reason,
        "conditions": a.conditions,
        "requirements": a.requirement_json(),
        "notes": list(a.notes),
        "kubernetesVersion": a.kubernetes_version,
    }


def scope_words(req: Request) -> str:
    a = req.attrs
    named = f" {a.name}" if a.name else ""
    if a.path is not None:
        return ""
    if a.namespace:
        return f"{named} in namespace {a.namespace}"
    return f"{named} cluster-wide (all namespaces)"


def headline(a: Answer) -> str:
    what = f"{a.request.verb} {a.request.display}{scope_words(a.request)}"
    return visible(f"{'yes' if a.allowed else 'no'}: {a.principal.display} {'can' if a.allowed else 'cannot'} {what}")


def answer_text(a: Answer) -> str:
    lines = [headline(a)]
    lines.extend(f"  {i}. {h.text}" for i, h in enumerate(a.chain, 1))
    if not a.allowed:
        lines.append(f"  reason: {a.reason}")
    lines.extend(f"  note: {n}" for n in a.notes)
    return text_lines(lines)


def who_can_json(entries: Sequence[WhoCanEntry]) -> list[dict[str, Any]]:
    return [
        {
            "kind": KIND_LABEL[e.kind],
            "principal": e.principal.display,
            "chain": [h.as_json() for h in e.answer.chain],
            "conditions": e.answer.conditions,
            "requirements": e.answer.requirement_json(),
        }
        for e in entries
    ]


def who_can_text(req: Request, entries: Sequence[WhoCanEntry]) -> str:
    lines = [f"who can {req.verb} {req.display}{scope_words(req)}: {len(entries)} principal(s)"]
    for e in entries:
        lines.append(f"- {KIND_LABEL[e.kind]} {_bare(e.principal)}")
        lines.extend(f"    {i}. {h.text}" for i, h in enumerate(e.answer.chain, 1))
    return text_lines(lines)


def _bare(p: Principal) -> str:
    """Name without the ``user:``/``group:`` prefix once the kind is already printed."""
    if p.kind == "k8s-serviceaccount":
        return f"{p.namespace}/{p.name}"
    if p.kind in ("k8s-user", "k8s-group"):
        return p.name
    return p.display


def matrix_json(tables: Sequence[MatrixTable]) -> Any:
    def one(t: MatrixTable) -> dict[str, Any]:
        return {"principal": t.principal, "namespace": t.namespace, "verbs": list(MATRIX_VERBS),
                "rows": [{"resource": r, **cells} for r, cells in t.rows]}  # fmt: skip

    return one(tables[0]) if len(tables) == 1 else {"subjects": [one(t) for t in tables]}


def matrix_text(tables: Sequence[MatrixTable]) -> str:
    out: list[str] = []
    for t in tables:
        names = [visible(r) for r, _ in t.rows]
        width = max([len("NAME"), *(len(n) for n in names)])
        scope = f"namespace {t.namespace}" if t.namespace else "cluster scope"
        out.append(visible(f"{t.principal} ({scope})"))
        out.append("NAME".ljust(width) + "  " + "  ".join(v.upper() for v in MATRIX_VERBS))
        for name, (_, cells) in zip(names, t.rows, strict=True):
            marks = "  ".join(("✔" if cells[v] else "✖").center(len(v)) for v in MATRIX_VERBS)
            out.append(name.ljust(width) + "  " + marks)
        out.append("")
    return "\n".join(out).rstrip("\n")


# ---------------------------------------------------------------------- diagrams
_KIND_TITLE = {
    "iamuser": "IAM user", "iamgroup": "IAM group", "iamrole": "IAM role",
    "k8suser": "k8s user", "k8sgroup": "k8s group", "sa": "ServiceAccount",
    "clusterrole": "ClusterRole", "role": "Role", "ns": "namespace",
    "accesspolicy": "access policy", "cluster": "cluster",
}  # fmt: skip


def node_id(key: str) -> str:
    """Mermaid/DOT-safe id: readable prefix plus a short hash so distinct names never collide."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", key)[:40]
    digest = hashlib.sha1(key.encode()).hexdigest()[:6]
    return f"n_{base}_{digest}"


def mermaid(d: Diagram) -> str:
    lines = ["flowchart LR"]
    for key, (kind, name) in d.nodes.items():
        lines.append(f'  {node_id(key)}["{mermaid_label(_KIND_TITLE[kind] + ": " + name)}"]')
    for a, b, label in d.edges:
        arrow = f' -- "{mermaid_label(label)}" --> ' if label else " --> "
        lines.append(f"  {node_id(a)}{arrow}{node_id(b)}")
    return "\n".join(lines)


def dot(d: Diagram) -> str:
    lines = ["digraph access {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for key, (kind, name) in d.nodes.items():
        lines.append(f"  {node_id(key)} [label={dot_string(_KIND_TITLE[kind] + ': ' + name)}];")
    for a, b, label in d.edges:
        attr = f" [label={dot_string(label)}]" if label else ""
        lines.append(f"  {node_id(a)} -> {node_id(b)}{attr};")
    lines.append("}")
    return "\n".join(lines)


def dumps(obj: Any) -> str:
    return json_escape.dumps(obj, indent=2)
