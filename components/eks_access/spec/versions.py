"""The Kubernetes version a cluster asks EKS for: which ones EKS accepts and the stack's default.

EKS creates clusters on the versions its release calendar has in standard or extended support on
the day (``eks_access.awsdata.eks_versions``, https://docs.aws.amazon.com/eks/latest/userguide/
kubernetes-versions.html), spelled ``MAJOR.MINOR`` (CreateCluster ``version``, e.g. ``"1.36"``).
Left unset, EKS picks a default of its own that changes over time; the stack program never leaves
it unset, so the plan, the deployed cluster and the analyzer's answers name the same release.
"""

from __future__ import annotations

import re

from eks_access import clock
from eks_access.awsdata import eks_versions

_EKS_SPELLING = re.compile(r"[1-9][0-9]*\.(0|[1-9][0-9]*)")


#: What the stack asks EKS for when ``cluster.version`` is not set: the newest release whose built-in
#: roles kubedata ships and that EKS had in standard support on the calendar's ``asOf`` day (else
#: the newest shipped one it offered). A constant of this eks-access release, moved by hand in a
#: release that says so (a test holds it to the rule), never computed from the wall clock: the
#: same eks-access always asks for the same release. A stack that relies on it moves when
#: eks-access moves it, so production stacks pin ``cluster.version`` (EKS updates a control plane
#: one minor version at a time: docs/kubernetes-versions.md).
DEFAULT_CLUSTER_VERSION = "1.36"


def cluster_version_problem(version: str) -> str | None:
    """Why EKS would refuse ``version`` for a new cluster today (``eks_access.clock``), or None."""
    if not _EKS_SPELLING.fullmatch(version):
        return f"{version!r} is not a version as EKS spells it: MAJOR.MINOR, e.g. \"{DEFAULT_CLUSTER_VERSION}\""
    return eks_versions().problem(version, clock.today())
