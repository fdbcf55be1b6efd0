"""EKS-VERSION: the cluster runs a Kubernetes release EKS supports today.

EKS's release calendar (``eks_access.awsdata.eks_versions``, judged on ``eks_access.clock``):
after the end of extended support EKS creates no cluster on the release and moves existing
control planes to the oldest supported one at a time of its choosing; during extended support
the cluster costs more per hour and gets fixes for a limited time (EKS User Guide,
https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html). Checkov flags the
same (CKV_AWS_339, "Ensure EKS clusters run on a supported Kubernetes version").
"""

from __future__ import annotations

from collections.abc import Iterator

from eks_access import clock
from eks_access.awsdata import eks_versions
from eks_access.guardrails.model import (
    CheckContext,
    Enforcement,
    Finding,
    Rule,
    Scope,
    Severity,
    emit,
)
from eks_access.kubedata.versions import minor_of


def _check_version(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    known, today = eks_versions(), clock.today()
    for cluster in ctx.model.eks.clusters:
        if cluster.shadowed or not cluster.version:
            continue  # no version: EKS picks a supported default
        version = minor_of(cluster.version) or cluster.version  # "v1.33.5-eks-3025e55" (live) -> "1.33"
        problem = known.problem(version, today)
        if problem is not None:
            yield from emit(rule.finding(ctx, cluster.origin, f"Kubernetes {version}: {problem}"))
            continue
        row = known.release(version)
        if row is not None and row.support(today) == "extended":
            standard = known.offered(today, "standard")
            target = (f"{standard[-1]} or later" if standard else
                      f"a release in standard support (the calendar read on {known.as_of.isoformat()} knows none on "
                      f"{today.isoformat()}: a newer eks-access knows more)")  # fmt: skip
            yield from emit(rule.finding(
                ctx, cluster.origin,
                f"Kubernetes {version} is in EKS extended support since {row.end_of_standard.isoformat()} (an extra "
                f"charge per cluster hour); EKS stops supporting it on {row.end_of_extended.isoformat()}; plan the "
                f"upgrade to {target}",
                severity=rule.advisory_severity, enforcement=Enforcement.ADVISORY,
            ))  # fmt: skip


EKS_VERSION = Rule(
    id="EKS-VERSION",
    title="A Kubernetes release EKS supports",
    description=(
        "A release past EKS extended support is refused for new clusters and auto-upgraded on "
        "existing ones (mandatory); one in extended support costs more and loses support on a "
        "known date (advisory). Judged on today's date (EKS_ACCESS_TODAY to judge another day). "
        "[checkov CKV_AWS_339]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html", "CKV_AWS_339"),
    check=_check_version,
    also_advisory=True,
    advisory_severity=Severity.LOW,
)
