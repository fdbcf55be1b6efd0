"""eks-access: Pulumi components, guardrails and an offline analyzer for Amazon EKS access.

The Pulumi components are imported lazily so that the pure layers (``eks_access.spec``,
``eks_access.documents``, ``eks_access.analysis``, ``eks_access.guardrails``) load without
the Pulumi SDK and its providers, which take seconds to import.
"""

from __future__ import annotations

import importlib
from typing import Any

from eks_access.errors import EksAccessError, SpecError, UsageError

__version__ = "0.2.0"

_LAZY = {
    "TeamAccess": "eks_access.components.team",
    "TeamAccessArgs": "eks_access.components.team_args",
    "WorkloadIdentity": "eks_access.components.workload",
    "WorkloadIdentityArgs": "eks_access.components.workload_args",
    "ClusterOidcProvider": "eks_access.components.oidc",
    "ClusterOidcProviderArgs": "eks_access.components.oidc",
}

__all__ = [
    "ClusterOidcProvider",
    "ClusterOidcProviderArgs",
    "EksAccessError",
    "SpecError",
    "TeamAccess",
    "TeamAccessArgs",
    "UsageError",
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'eks_access' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
