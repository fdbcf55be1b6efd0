"""EKS access policies (``AmazonEKSViewPolicy`` ...) and the Kubernetes rules AWS publishes for them.

Source: the EKS User Guide, "Review access policy permissions"
(https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html), whose tables
list one RBAC PolicyRule per row. Policies the guide names but publishes no table for (the Auto
Mode and hybrid-node policies' prose only) are in ``KNOWN_ACCESS_POLICIES`` with no rules, and
``access_policy`` answers None for them: their contents are unknown, not empty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .managed import DATA_PACKAGE

ACCESS_POLICIES_FILE = "eks-access-policies.json"
# Access policy ARNs have no account and no region: arn:aws:eks::aws:cluster-access-policy/<Name>
# (EKS API reference, AssociateAccessPolicy, policyArn).
ACCESS_POLICY_ARN_PREFIX = "arn:aws:eks::aws:cluster-access-policy/"


@dataclass(frozen=True)
class AccessPolicyPermissions:
    """An access policy's rules as RBAC PolicyRule dicts (``apiGroups``/``resources``/``verbs``
    or ``nonResourceURLs``/``verbs``)."""

    name: str
    arn: str
    rules: tuple[dict[str, Any], ...]
    source: str
    retrieved: str


@cache
def _catalog() -> tuple[dict[str, AccessPolicyPermissions | None], str]:
    text = resources.files(DATA_PACKAGE).joinpath("data", ACCESS_POLICIES_FILE).read_text(encoding="utf-8")
    doc = json.loads(text)
    out: dict[str, AccessPolicyPermissions | None] = {}
    for name, raw in doc["policies"].items():
        rules = raw["rules"]
        out[name] = None if rules is None else AccessPolicyPermissions(
            name=name, arn=ACCESS_POLICY_ARN_PREFIX + name, rules=tuple(rules),
            source=doc["source"], retrieved=doc["retrieved"],
        )  # fmt: skip
    return out, doc["source"]


def access_policy(name_or_arn: str) -> AccessPolicyPermissions | None:
    """``AmazonEKSViewPolicy`` or its ARN -> its published rules; None if unknown or unpublished.

    The rule dicts are shared: treat them as read-only.
    """
    name = name_or_arn.removeprefix(ACCESS_POLICY_ARN_PREFIX)
    return _catalog()[0].get(name)


KNOWN_ACCESS_POLICIES: frozenset[str] = frozenset(_catalog()[0])
