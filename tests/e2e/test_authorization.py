"""The analyzer against the real RBAC authorizer: the same objects, the same questions.

Every question is asked twice: as a SubjectAccessReview to the live kube-apiserver, and through
``adapter.analyzer_allows`` to the analyzer, with the built-in data of the server's version. The
test prints ``e2e: N questions, D disagreements``, writes every disagreement to
``build/e2e/disagreements-<minor>.txt`` grouped by the rule they exercise, and fails on any that
neither ``KNOWN_DIFFERENCES`` nor, against an OpenShift build, one of its carries explains
(``tests/e2e/openshift.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kubernetes import client

from eks_access.kubedata import normalize_version
from tests.e2e import cluster, controlplane, discovery, openshift
from tests.e2e.adapter import analyzer_allows
from tests.e2e.conftest import ROOT, Applied
from tests.e2e.questions import Question, all_questions, granted_beyond_masters, rule_area

# Documented differences that are not defects: (why, predicate over (question, server answer)).
# Empty: the analyzer is given the server's own version's built-in data, so every difference is a
# defect of one side. Add an entry only with the upstream reason it is expected.
KNOWN_DIFFERENCES: tuple[tuple[str, Callable[[Question, bool], bool]], ...] = ()
REPORT_DIR = ROOT / "build" / "e2e"
Explain = Callable[[Question, bool], "str | None"]


def _known(q: Question, server: bool) -> str | None:
    return next((why for why, match in KNOWN_DIFFERENCES if match(q, server)), None)


def _report(disagreements: list[tuple[Question, bool]], total: int, path: Path, explain: Explain) -> str:
    by_area: dict[str, list[tuple[Question, bool]]] = defaultdict(list)
    for q, server in disagreements:
        by_area[rule_area(q)].append((q, server))
    explained = sum(1 for q, s in disagreements if explain(q, s) is not None)
    lines = [f"e2e: {total} questions, {len(disagreements)} disagreements ({explained} explained)"]
    for area, items in sorted(by_area.items(), key=lambda kv: -len(kv[1])):
        yes = sum(1 for _, s in items if s)
        lines.append(f"\n## {area}: {len(items)} (server yes / analyzer no: {yes}; server no / analyzer yes: "
                     f"{len(items) - yes})")  # fmt: skip
        lines += [f"  server {'yes' if s else 'no '}: {q.describe()}" + (f"  [{why}]" if (why := explain(q, s)) else "")
                  for q, s in items]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "\n".join(lines[:1] + [ln for ln in lines[1:] if ln.startswith("\n## ")])


def test_analyzer_agrees_with_subject_access_review(control_plane: controlplane.ControlPlane,
                                                     api: client.ApiClient, applied: Applied) -> None:  # fmt: skip
    version = normalize_version(discovery.server_version(control_plane))
    carries = openshift.server_carries(version, controlplane.get_json(control_plane, "/version"))

    def explain(q: Question, server: bool) -> str | None:
        return _known(q, server) or openshift.explain(q, server, carries)

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
    report = REPORT_DIR / f"disagreements-{version}.txt"
    summary = _report(disagreements, len(questions), report, explain)
    print(f"\n[Kubernetes {version}{', OpenShift build' if carries else ''}] " + summary)
    unexplained = [(q, s) for q, s in disagreements if explain(q, s) is None]
    assert granted_beyond_masters(questions, server) > len(questions) // 40, "the server allowed almost nothing: fixtures not applied?"
    assert not unexplained, f"{len(unexplained)} unexplained disagreements; see {report}\n{summary}"
    # each carry a question can reach must show: the comparison sees the OpenShift build as such
    expected = {openshift.EXPLAINED[c.name][0] for c in carries if c.name in openshift.EXPLAINED}
    assert expected <= {explain(q, s) for q, s in disagreements}, summary
