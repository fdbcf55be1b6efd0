"""AWS facts shipped as data: AWS-managed IAM policies, the EKS access policies' rules and the
Kubernetes versions EKS offers.

Pure, no Pulumi. ``data/SOURCE.md`` records where each document came from and when; anything the
data lacks is answered with ``None`` so callers can say "contents unknown" instead of guessing.
"""

from __future__ import annotations

from .access_policies import (
    ACCESS_POLICY_ARN_PREFIX,
    KNOWN_ACCESS_POLICIES,
    AccessPolicyPermissions,
    access_policy,
)
from .eks_versions import EksVersions, eks_versions
from .managed import KNOWN_MANAGED_POLICIES, ManagedPolicy, managed_policy

__all__ = [
    "ACCESS_POLICY_ARN_PREFIX",
    "KNOWN_ACCESS_POLICIES",
    "KNOWN_MANAGED_POLICIES",
    "AccessPolicyPermissions",
    "EksVersions",
    "ManagedPolicy",
    "access_policy",
    "eks_versions",
    "managed_policy",
]
