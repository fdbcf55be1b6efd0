"""``eks-access diff``: who gains and who loses which permission between two access models.

Pure (no Pulumi): it reads two access models and answers with the analyzer's paths and the
shared authorizers' rule tests, exactly (``classes``), never by sampling questions.
"""

from __future__ import annotations

from eks_access.analysis.diff.compute import (
    AccessDiff,
    KubernetesChange,
    Permission,
    PrincipalDiff,
    diff_analyzers,
    restrict_namespace,
)
from eks_access.analysis.diff.iam import IamChange

__all__ = [
    "AccessDiff",
    "IamChange",
    "KubernetesChange",
    "Permission",
    "PrincipalDiff",
    "diff_analyzers",
    "restrict_namespace",
]
