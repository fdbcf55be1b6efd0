"""The analyzer commands the CLI calls; each returns ``(exit code, text to print)``.

Scope convention, everywhere: without ``-n`` a question is asked at cluster scope, so for a
namespaced resource it means "in every namespace" and only ClusterRoleBindings (and
cluster-scoped access policies) can grant it. With ``-n NS`` RoleBindings in NS count too.
This differs from kubectl, whose default is the current context's namespace; a plan has none.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..authz.iam import RequestContext
from ..errors import EksAccessError, UsageError
from ..jsonstrict import json_kind
from .analyzer import Analyzer
from .batchinput import as_bytes, dumps_line, is_blank, parse_line
from .diagram import build_diagram
from .matrix import matrix_tables
from .render import (
    answer_json,
    answer_text,
    dot,
    dumps,
    matrix_json,
    matrix_text,
    mermaid,
    who_can_json,
    who_can_text,
)

Records = Sequence[Mapping[str, Any]]
Source = Records | Analyzer
_CONTEXT_KEY = re.compile(r"[A-Za-z0-9_.:/@+-]+")
_DERIVED = {"aws:username", "aws:principalarn", "aws:principalaccount", "aws:principaltype"}


def _fmt(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise UsageError(f"--format: {fmt!r} is not one of {', '.join(allowed)}")
    return fmt


def analyzer_of(source: Source, kubernetes_version: str | None = None) -> Analyzer:
    """Accept a built analyzer too, so callers asking many questions build it once."""
    if isinstance(source, Analyzer):
        return source
    return Analyzer.from_records(source, kubernetes_version)


def parse_context(pairs: Iterable[str], flag: str = "--context") -> RequestContext:
    """``KEY=VALUE`` pairs (a key may repeat: a multivalued key) into a request context."""
    items: list[tuple[str, str]] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not _CONTEXT_KEY.fullmatch(key):
            raise UsageError(f"{flag}: {pair!r} is not KEY=VALUE (e.g. sts:RoleSessionName=dev1)")
        if key.lower() in _DERIVED:
            raise UsageError(f"{flag}: {key} is determined by the principal (--as), not given")
        items.append((key, value))
    return RequestContext.of(items)


def can_i(source: Source, verb: str, resource: str, namespace: str | None, principal: str, fmt: str, *,
          name: str | None = None, groups: Sequence[str] = (), context: Sequence[str] = (),
          kubernetes_version: str | None = None) -> tuple[int, str]:  # fmt: skip
    """Answer through the whole chain IAM -> mapping -> RBAC; exit 0 yes, 1 no."""
    _fmt(fmt, ("text", "json"))
    analyzer = analyzer_of(source, kubernetes_version)
    answer = analyzer.can_i(principal, verb, resource, namespace, name=name, groups=groups, context=parse_context(context))
    text = dumps(answer_json(answer)) if fmt == "json" else answer_text(answer)
    return (0 if answer.allowed else 1), text


def who_can(source: Source, verb: str, resource: str, namespace: str | None, fmt: str, *, name: str | None = None,
            context: Sequence[str] = (), kubernetes_version: str | None = None) -> tuple[int, str]:  # fmt: skip
    """Every Kubernetes subject, IAM role and IAM user allowed, each with its chain."""
    _fmt(fmt, ("text", "json"))
    analyzer = analyzer_of(source, kubernetes_version)
    request = analyzer.request(verb, resource, namespace, name)
    entries = analyzer.who_can(request, parse_context(context))
    if fmt == "json":
        return 0, dumps(who_can_json(entries))
    return 0, who_can_text(request, entries)


def matrix(source: Source, principal: str | None, namespace: str | None, fmt: str, *, groups: Sequence[str] = (),
           context: Sequence[str] = (), kubernetes_version: str | None = None) -> tuple[int, str]:  # fmt: skip
    """Resources x verbs (get list watch create update patch delete), like access-matrix.

    With ``--as`` one table for that principal (IAM ARNs are followed through every role
    they can assume; a cell is ✔ if any path allows it). Without ``--as`` one table per
    Kubernetes subject the plan itself names in a binding or mapping.
    """
    _fmt(fmt, ("text", "json"))
    analyzer = analyzer_of(source, kubernetes_version)
    tables = matrix_tables(analyzer, principal, namespace, groups, parse_context(context))
    return 0, dumps(matrix_json(tables)) if fmt == "json" else matrix_text(tables)


def diagram(source: Source, fmt: str, *, kubernetes_version: str | None = None) -> tuple[int, str]:
    """Mermaid ``flowchart LR`` text, or SVG rendered by Graphviz ``dot``."""
    _fmt(fmt, ("mermaid", "svg"))
    d = build_diagram(analyzer_of(source, kubernetes_version))
    if fmt == "mermaid":
        return 0, mermaid(d)
    exe = shutil.which("dot")
    if exe is None:
        raise UsageError(
            "svg needs Graphviz's `dot` on PATH (apt-get install graphviz / brew install "
            "graphviz); use --format mermaid"
        )
    proc = subprocess.run([exe, "-Tsvg"], input=dot(d), capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise UsageError(f"diagram: dot failed: {proc.stderr.strip()[:300]}")
    return 0, proc.stdout


_QUESTION_KEYS = {"id", "as", "asGroups", "verb", "resource", "namespace", "name", "context"}


def can_i_batch(source: Source, lines: Iterable[str | bytes], where: str, *, write: Callable[[str], object] | None = None,
                kubernetes_version: str | None = None) -> tuple[int, str]:  # fmt: skip
    """JSON lines of questions in, JSON lines of answers out (one process, one analyzer).

    A question: ``{"as": PRINCIPAL, "verb": V, "resource": R, "namespace": NS?, "name": N?,
    "asGroups": [G]?, "context": {KEY: VALUE or [VALUES]}?, "id": anything?}``; blank lines are
    skipped. ``lines`` are read one at a time (``batchinput.read_lines`` reads a stream so) and
    each answer is passed to ``write`` as soon as it is known (without ``write`` they are
    returned joined): a bad line is exit 2 naming ``WHERE:LINE`` after the answers of the lines
    before it. Exit 0 when every answer is yes, 1 otherwise. An answer line is ``can-i --format
    json``'s object, after ``id`` exactly as given; every line is JSON (batchinput).
    """
    analyzer = analyzer_of(source, kubernetes_version)
    out: list[str] = []
    emit = write or out.append
    all_yes = True
    for number, raw in enumerate(lines, 1):
        data = as_bytes(raw)
        if is_blank(data):
            continue
        at = f"{where}:{number}"
        q = _question(parse_line(data, at), at)
        try:
            answer = analyzer.can_i(q["as"], q["verb"], q["resource"], q.get("namespace"), name=q.get("name"),
                                    groups=q.get("asGroups") or (), context=q["context"])  # fmt: skip
        except EksAccessError as err:
            raise UsageError(f"{at}: {err}") from None
        all_yes = all_yes and answer.allowed
        emit(dumps_line({"id": q["id"]} if "id" in q else {}, answer_json(answer)))
    return (0 if all_yes else 1), "\n".join(out)


def _question(q: Any, where: str) -> dict[str, Any]:
    if not isinstance(q, dict):
        raise UsageError(f"{where}: expected a JSON object, got {json_kind(q)}")
    unknown = sorted(set(q) - _QUESTION_KEYS)
    if unknown:
        raise UsageError(f"{where}: {unknown[0]}: unknown key (keys: {', '.join(sorted(_QUESTION_KEYS))})")
    for key in ("as", "verb", "resource"):
        if not isinstance(q.get(key), str):
            raise UsageError(f"{where}: {key}: required, a string")
    for key in ("namespace", "name"):
        if q.get(key) is not None and not isinstance(q[key], str):
            raise UsageError(f"{where}: {key}: expected a string or null")
    groups = q.get("asGroups")
    if groups is not None and (not isinstance(groups, list) or not all(isinstance(g, str) for g in groups)):
        raise UsageError(f"{where}: asGroups: expected a list of strings")
    q["context"] = _question_context(q.get("context"), where)
    return q


def _question_context(raw: Any, where: str) -> RequestContext:
    if raw is None:
        return RequestContext()
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: context: expected an object of KEY: VALUE or [VALUES]")
    pairs: list[str] = []
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise UsageError(f"{where}: context.{key}: expected a string or a list of strings")
        pairs += [f"{key}={v}" for v in values]
    return parse_context(pairs, f"{where}: context")


__all__ = ["analyzer_of", "can_i", "can_i_batch", "diagram", "matrix", "parse_context", "who_can"]
