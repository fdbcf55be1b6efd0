"""AWS facts shipped as data: AWS-managed IAM policies and the EKS access policies' rules.

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
from .managed import KNOWN_MANAGED_POLICIES, ManagedPolicy, managed_policy

__all__ = [
    "ACCESS_POLICY_ARN_PREFIX",
    "KNOWN_ACCESS_POLICIES",
    "KNOWN_MANAGED_POLICIES",
    "AccessPolicyPermissions",
    "ManagedPolicy",
    "access_policy",
    "managed_policy",
]
