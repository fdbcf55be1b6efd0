"""PolicyRule matching with the API server's semantics, so a guardrail never over- or under-reads.

The authorizer matches verbs, apiGroups and resources exactly or through ``*``; for a
subresource request ``pods/exec`` a rule matches through ``pods/exec``, ``*`` or ``*/exec``
only. ``pods/*`` is not a wildcard (it matches a subresource literally named ``*``), which
is a common belief the rules here must not share. ``resourceNames`` narrows a rule to named
objects but still grants on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eks_access.guardrails.records import strings

WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
READ_VERBS = ("get", "list", "watch")


def verb_matches(rule: Mapping[str, Any], verb: str) -> bool:
    verbs = strings(rule.get("verbs"))
    return "*" in verbs or verb in verbs


def api_group_matches(rule: Mapping[str, Any], group: str) -> bool:
    groups = strings(rule.get("apiGroups"))
    return "*" in groups or group in groups


def resource_matches(rule: Mapping[str, Any], resource: str) -> bool:
    """``resource`` is ``pods`` or ``pods/exec``; see the module docstring for the forms."""
    rule_resources = strings(rule.get("resources"))
    if "*" in rule_resources or resource in rule_resources:
        return True
    if "/" in resource:
        subresource = resource.split("/", 1)[1]
        return f"*/{subresource}" in rule_resources
    return False


def narrowed_by_name(rule: Mapping[str, Any]) -> bool:
    return bool(strings(rule.get("resourceNames")))


def granted_verbs(
    rule: Mapping[str, Any], group: str, resource: str, verbs: Iterable[str] | None = None
) -> list[str]:
    """The verbs of ``verbs`` the rule grants on ``group``/``resource``.

    With ``verbs`` None, any verb counts: the result is the rule's own verbs when it matches.
    """
    if not api_group_matches(rule, group) or not resource_matches(rule, resource):
        return []
    if verbs is None:
        own: list[str] = strings(rule.get("verbs"))
        return own
    return [v for v in verbs if verb_matches(rule, v)]


def is_full_wildcard(rule: Mapping[str, Any]) -> bool:
    """``*`` on verbs, apiGroups and resources: the rule is cluster-admin over resources."""
    return all("*" in strings(rule.get(k)) for k in ("verbs", "apiGroups", "resources"))


def is_discovery_like(rule: Mapping[str, Any]) -> bool:
    """What the built-in discovery roles grant: read non-resource URLs and self-reviews.

    Binding ``system:authenticated`` to this much is how Kubernetes itself ships; anything
    more reaches every identity any IAM principal can authenticate as.
    """
    resources = strings(rule.get("resources"))
    urls = strings(rule.get("nonResourceURLs"))
    verbs = set(strings(rule.get("verbs")))
    if urls and not resources:
        return bool(verbs) and verbs <= {"get", "head"}
    self_reviews = {"selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews"}
    groups = set(strings(rule.get("apiGroups")))
    return (
        bool(resources)
        and set(resources) <= self_reviews
        and bool(groups)
        and groups <= {"authorization.k8s.io", "authentication.k8s.io"}
        and verbs == {"create"}
    )
