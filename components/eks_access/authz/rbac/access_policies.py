"""EKS access policies: Kubernetes permissions EKS grants to an access entry's principal.

EKS User Guide, "Associate access policies with access entries" (access-policies.adoc) and
"Review access policy permissions" (access-policy-permissions.html): a policy associated at
``cluster`` scope applies to every request; at ``namespace`` scope to requests in the listed
namespaces, where a name may use wildcards (``dev-*``); each policy's permissions are RBAC
PolicyRules, evaluated like RBAC (allow-only). Only ``STANDARD`` entries take policies, and
impersonating a Kubernetes user or group bypasses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from eks_access.authz.iam.patterns import glob_match, plain
from eks_access.authz.rbac.attributes import Attributes
from eks_access.authz.rbac.rules import rule_allows
from eks_access.awsdata import access_policy
from eks_access.model import read_model
from eks_access.model.eks import AccessPolicyAssociation, AccessScope
from eks_access.model.k8s import PolicyRule


@dataclass(frozen=True)
class AccessPolicyGrant:
    association: AccessPolicyAssociation
    rule: PolicyRule
    source: str  # where the policy's permissions come from (shipped data)


@cache
def policy_rules(policy: str) -> tuple[tuple[PolicyRule, ...], str] | None:
    """An access policy's rules (by name or ARN) and their source, or None when not in the data."""
    data = access_policy(policy)
    if data is None:
        return None
    record = {"type": "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "name": f"access policy {data.name}",
              "inputs": {"metadata": {"name": data.name}, "rules": list(data.rules)}}  # fmt: skip
    [role] = read_model([record]).k8s.roles
    return role.rules, data.source


def scope_covers(scope: AccessScope, attrs: Attributes) -> bool:
    if scope.type == "cluster":
        return True
    if scope.type == "namespace" and attrs.namespace:
        return any(glob_match(plain(ns), attrs.namespace) for ns in scope.namespaces)
    return False


def authorize_access_policies(associations: Sequence[AccessPolicyAssociation], attrs: Attributes) -> AccessPolicyGrant | None:
    for assoc in associations:
        if not scope_covers(assoc.scope, attrs):
            continue
        found = policy_rules(assoc.policy_arn)
        if found is None:
            continue
        rules, source = found
        for rule in rules:
            if rule_allows(rule, attrs):
                return AccessPolicyGrant(assoc, rule, source)
    return None


def unknown_policies(associations: Sequence[AccessPolicyAssociation]) -> list[AccessPolicyAssociation]:
    """Associations whose policy the shipped data lacks: their permissions are unknown."""
    return [a for a in associations if policy_rules(a.policy_arn) is None]
