"""The Kubernetes version a cluster asks EKS for: which ones EKS accepts and the stack's default.

EKS creates clusters on the versions its User Guide lists under standard and extended support
(``eks_access.awsdata.eks_versions``, https://docs.aws.amazon.com/eks/latest/userguide/
kubernetes-versions.html), spelled ``MAJOR.MINOR`` (CreateCluster ``version``, e.g. ``"1.34"``).
Left unset, EKS picks a default of its own that changes over time; the stack program never leaves
it unset, so the plan, the deployed cluster and the analyzer's answers name the same release.
"""

from __future__ import annotations

import re

from eks_access.awsdata import eks_versions
from eks_access.kubedata import SUPPORTED_VERSIONS

_EKS_SPELLING = re.compile(r"[1-9][0-9]*\.(0|[1-9][0-9]*)")


def _default_cluster_version() -> str:
    """The newest EKS standard-support release whose built-in roles kubedata ships."""
    shipped = [v for v in eks_versions().standard if v in SUPPORTED_VERSIONS]
    return max(shipped, key=lambda v: tuple(map(int, v.split("."))))


#: What the stack asks EKS for when ``cluster.version`` is not set.
DEFAULT_CLUSTER_VERSION: str = _default_cluster_version()


def cluster_version_problem(version: str) -> str | None:
    """Why EKS would refuse ``version`` for a new cluster, or None."""
    if not _EKS_SPELLING.fullmatch(version):
        return f"{version!r} is not a version as EKS spells it: MAJOR.MINOR, e.g. \"{DEFAULT_CLUSTER_VERSION}\""
    known = eks_versions()
    if version not in known.all:
        return (f"EKS does not create clusters on Kubernetes {version}: {known.describe()} "
                f"(EKS User Guide {known.source}, {known.page_state})")  # fmt: skip
    return None
