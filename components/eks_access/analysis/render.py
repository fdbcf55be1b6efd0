"""Text, JSON, Mermaid and DOT output of the analyzer's answers.

Kept apart from the evaluation so the CLI contract (what is printed) can change without
touching semantics, and so tests can assert either layer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .graph import Answer
from .principals import Principal, Request

MATRIX_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete")


def request_json(req: Request) -> dict[str, Any]:
    if req.path is not None:
        return {"verb": req.verb, "nonResourceURL": req.path}
    return {
        "verb": req.verb, "resource": req.resource, "subresource": req.subresource,
        "apiGroup": req.group, "namespace": req.namespace,
    }  # fmt: skip


def answer_json(a: Answer) -> dict[str, Any]:
    return {
        "allowed": a.allowed,
        "principal": a.principal.display,
        "request": request_json(a.request),
        "chain": [h.as_json() for h in a.chain],
        "reason": a.reason,
        "conditions": a.conditions,
        "notes": a.notes,
    }


def headline(a: Answer) -> str:
    req = a.request
    if req.path is not None:
        what = f"{req.verb} {req.path}"
    elif req.namespace:
        what = f"{req.verb} {req.display} in namespace {req.namespace}"
    else:
        what = f"{req.verb} {req.display} cluster-wide (all namespaces)"
    return f"{'yes' if a.allowed else 'no'}: {a.principal.display} {'can' if a.allowed else 'cannot'} {what}"


def answer_text(a: Answer) -> str:
    lines = [headline(a)]
    lines.extend(f"  {i}. {h.text}" for i, h in enumerate(a.chain, 1))
    if not a.allowed:
        lines.append(f"  reason: {a.reason}")
    lines.extend(f"  note: {n}" for n in a.notes)
    return "\n".join(lines)


KIND_LABEL = {
    "iam-user": "IAM user", "iam-role": "IAM role", "k8s-user": "Kubernetes user",
    "k8s-group": "Kubernetes group", "k8s-serviceaccount": "ServiceAccount",
}  # fmt: skip


def who_can_json(entries: Sequence[tuple[str, Principal, Answer]]) -> list[dict[str, Any]]:
    return [
        {
            "kind": KIND_LABEL[k],
            "principal": p.display,
            "chain": [h.as_json() for h in a.chain],
            "conditions": a.conditions,
        }
        for k, p, a in entries
    ]


def who_can_text(req: Request, entries: Sequence[tuple[str, Principal, Answer]]) -> str:
    scope = f" in namespace {req.namespace}" if req.namespace else (
        "" if req.path is not None else " cluster-wide (all namespaces)")
    lines = [f"who can {req.verb} {req.display}{scope}: {len(entries)} principal(s)"]
    for k, p, a in entries:
        lines.append(f"- {KIND_LABEL[k]} {_bare(p)}")
        lines.extend(f"    {i}. {h.text}" for i, h in enumerate(a.chain, 1))
    return "\n".join(lines)


def _bare(p: Principal) -> str:
    """Name without the ``user:``/``group:`` prefix once the kind is already printed."""
    if p.kind == "k8s-serviceaccount":
        return f"{p.namespace}/{p.name}"
    if p.kind in ("k8s-user", "k8s-group"):
        return p.name
    return p.display


@dataclass
class MatrixTable:
    principal: str
    namespace: str | None
    rows: list[tuple[str, dict[str, bool]]] = field(default_factory=list)


def matrix_json(tables: Sequence[MatrixTable]) -> Any:
    def one(t: MatrixTable) -> dict[str, Any]:
        return {"principal": t.principal, "namespace": t.namespace, "verbs": list(MATRIX_VERBS),
                "rows": [{"resource": r, **cells} for r, cells in t.rows]}  # fmt: skip

    return one(tables[0]) if len(tables) == 1 else {"subjects": [one(t) for t in tables]}


def matrix_text(tables: Sequence[MatrixTable]) -> str:
    out: list[str] = []
    for t in tables:
        width = max([len("NAME"), *(len(r) for r, _ in t.rows)])
        scope = f"namespace {t.namespace}" if t.namespace else "cluster scope"
        out.append(f"{t.principal} ({scope})")
        out.append("NAME".ljust(width) + "  " + "  ".join(v.upper() for v in MATRIX_VERBS))
        for res, cells in t.rows:
            marks = "  ".join(("✔" if cells[v] else "✖").center(len(v)) for v in MATRIX_VERBS)
            out.append(res.ljust(width) + "  " + marks)
        out.append("")
    return "\n".join(out).rstrip("\n")


# ---------------------------------------------------------------------- diagrams
@dataclass
class Diagram:
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (kind, label)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, label)

    def node(self, kind: str, name: str) -> str:
        key = f"{kind}:{name}"
        self.nodes.setdefault(key, (kind, name))
        return key

    def edge(self, a: str, b: str, label: str = "") -> None:
        e = (a, b, label)
        if e not in self.edges:
            self.edges.append(e)


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


def _mermaid_label(text: str) -> str:
    return text.replace('"', "#quot;")


def mermaid(d: Diagram) -> str:
    lines = ["flowchart LR"]
    for key, (kind, name) in d.nodes.items():
        lines.append(f'  {node_id(key)}["{_mermaid_label(_KIND_TITLE[kind] + ": " + name)}"]')
    for a, b, label in d.edges:
        arrow = f' -- "{_mermaid_label(label)}" --> ' if label else " --> "
        lines.append(f"  {node_id(a)}{arrow}{node_id(b)}")
    return "\n".join(lines)


def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(d: Diagram) -> str:
    lines = ["digraph access {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for key, (kind, name) in d.nodes.items():
        lines.append(f"  {node_id(key)} [label={_dot_str(_KIND_TITLE[kind] + ': ' + name)}];")
    for a, b, label in d.edges:
        attr = f" [label={_dot_str(label)}]" if label else ""
        lines.append(f"  {node_id(a)} -> {node_id(b)}{attr};")
    lines.append("}")
    return "\n".join(lines)


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)
