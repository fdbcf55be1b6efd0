"""EKS-VERSION: a release past EKS extended support is mandatory, one in extended support advisory,
judged on the test day (2026-12-06, tests/conftest.py) or EKS_ACCESS_TODAY; the policy pack agrees."""

from __future__ import annotations

import pytest

from tests.builders import cluster
from tests.guardrails.harness import findings, run_pack

OFFERED = "on 2026-12-06 EKS offers standard support 1.36, 1.35; extended support 1.34, 1.33, 1.32"


@pytest.mark.parametrize(("version", "expected"), [
    ("1.36", []),
    ("1.35", []),
    ("1.34", [("advisory", "Kubernetes 1.34 is in EKS extended support since 2026-12-02 (an extra charge per cluster hour); "
                           "EKS stops supporting it on 2027-12-02; plan the upgrade to 1.35 or later")]),
    ("v1.33.5-eks-3025e55", [("advisory", "Kubernetes 1.33 is in EKS extended support since 2026-07-29 (an extra charge per "
                                          "cluster hour); EKS stops supporting it on 2027-07-29; plan the upgrade to 1.35 or later")]),
    ("1.31", [("mandatory", "Kubernetes 1.31: EKS no longer creates clusters on Kubernetes 1.31: its extended support ended "
                            f"2026-11-26 and EKS moves such control planes to 1.32; {OFFERED}")]),
])  # fmt: skip
def test_the_release_is_judged_on_the_day(version: str, expected: list[tuple[str, str]]) -> None:
    found = findings([cluster(version=version)], "EKS-VERSION")
    assert [(f.enforcement.value, f.message) for f in found] == expected
    assert all(f.resource == "myeks" for f in found)


def test_no_version_is_no_finding_and_another_day_another_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    assert findings([cluster()], "EKS-VERSION") == []
    monkeypatch.setenv("EKS_ACCESS_TODAY", "2026-11-25")
    [found] = findings([cluster(version="1.31")], "EKS-VERSION")
    assert (found.enforcement.value, found.message.split(";")[0]) == (
        "advisory", "Kubernetes 1.31 is in EKS extended support since 2025-11-26 (an extra charge per cluster hour)")


def test_the_policy_pack_reports_the_same() -> None:
    violations = run_pack([cluster(version="1.31")], "EKS-VERSION")
    assert [(v.policy, v.urn) for v in violations] == [("EKS-VERSION", None)]  # on the cluster resource itself
    assert violations[0].message.startswith("[EKS-VERSION] myeks: Kubernetes 1.31: EKS no longer creates clusters on Kubernetes 1.31")


def test_past_the_calendars_knowledge_the_advice_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """On 2027-09-01 the calendar read on 2026-12-06 knows no release in standard support (1.36's
    ends 2027-08-02): the advisory says so instead of naming one."""
    monkeypatch.setenv("EKS_ACCESS_TODAY", "2027-09-01")
    [found] = findings([cluster(version="1.36")], "EKS-VERSION")
    assert (found.enforcement.value, found.message) == ("advisory", (
        "Kubernetes 1.36 is in EKS extended support since 2027-08-02 (an extra charge per cluster hour); EKS stops "
        "supporting it on 2028-08-02; plan the upgrade to a release in standard support (the calendar read on "
        "2026-12-06 knows none on 2027-09-01: a newer eks-access knows more)"))
    monkeypatch.setenv("EKS_ACCESS_TODAY", "2028-09-01")
    [found] = findings([cluster(version="1.36")], "EKS-VERSION")
    assert found.message == (
        "Kubernetes 1.36: EKS no longer creates clusters on Kubernetes 1.36: its extended support ended 2028-08-02 and "
        "EKS moves such control planes to a newer release; on 2028-09-01 EKS offers no release this calendar knows "
        "(read on 2026-12-06; a newer eks-access knows more)")
