"""The analyzer against the real RBAC authorizer: the same objects, the same questions.

Every question is asked twice: as a SubjectAccessReview to the live kube-apiserver, and through
``adapter.analyzer_allows`` to the analyzer, with the built-in data of the server's version. The
test prints ``e2e: N questions, D disagreements``, writes every disagreement to
``build/e2e/disagreements.txt`` grouped by the rule they exercise, and fails on any that
``KNOWN_DIFFERENCES`` does not list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kubernetes import client

from eks_access.kubedata import normalize_version
from tests.e2e import cluster, controlplane, discovery
from tests.e2e.adapter import analyzer_allows
from tests.e2e.conftest import ROOT, Applied
from tests.e2e.questions import Question, all_questions, rule_area

# Documented differences that are not defects: (why, predicate over (question, server answer)).
# Empty: the analyzer is given the server's own version's built-in data, so every difference is a
# defect of one side. Add an entry only with the upstream reason it is expected.
KNOWN_DIFFERENCES: tuple[tuple[str, Callable[[Question, bool], bool]], ...] = ()
REPORT = ROOT / "build" / "e2e" / "disagreements.txt"


def _known(q: Question, server: bool) -> str | None:
    return next((why for why, match in KNOWN_DIFFERENCES if match(q, server)), None)


def _report(disagreements: list[tuple[Question, bool]], total: int, path: Path) -> str:
    by_area: dict[str, list[tuple[Question, bool]]] = defaultdict(list)
    for q, server in disagreements:
        by_area[rule_area(q)].append((q, server))
    lines = [f"e2e: {total} questions, {len(disagreements)} disagreements"]
    for area, items in sorted(by_area.items(), key=lambda kv: -len(kv[1])):
        yes = sum(1 for _, s in items if s)
        lines.append(f"\n## {area}: {len(items)} (server yes / analyzer no: {yes}; server no / analyzer yes: "
                     f"{len(items) - yes})")  # fmt: skip
        lines += [f"  server {'yes' if s else 'no '}: {q.describe()}" for q, s in items]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "\n".join(lines[:1] + [ln for ln in lines[1:] if ln.startswith("\n## ")])


def test_analyzer_agrees_with_subject_access_review(control_plane: controlplane.ControlPlane,
                                                     api: client.ApiClient, applied: Applied) -> None:  # fmt: skip
    version = normalize_version(discovery.server_version(control_plane))
    questions = all_questions(version)
    with ThreadPoolExecutor(max_workers=4) as pool:
        server = list(pool.map(lambda q: cluster.server_allows(api, q), questions))
    records = applied.records
    disagreements = []
    for q, live in zip(questions, server, strict=True):
        mine = analyzer_allows(records, version, q.who.user, q.who.groups, q.verb, q.group, q.resource,
                               q.subresource, q.namespace, q.name, q.path)  # fmt: skip
        if mine != live:
            disagreements.append((q, live))
    summary = _report(disagreements, len(questions), REPORT)
    print("\n" + summary)
    unexplained = [(q, s) for q, s in disagreements if _known(q, s) is None]
    assert sum(server) > len(questions) // 10, "the server allowed almost nothing: fixtures not applied?"
    assert not unexplained, f"{len(unexplained)} unexplained disagreements; see {REPORT}\n{summary}"
