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

from eks_access.analysis import rbac
from eks_access.guardrails.records import strings

WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
READ_VERBS = ("get", "list", "watch")


def _rule(rule: Mapping[str, Any]) -> rbac.Rule:
    """The analyzer's rule type: one matcher for both the analyzer and the guardrails."""
    return rbac.Rule.from_manifest({k: strings(rule.get(k)) for k in _RULE_FIELDS}, origin="")


_RULE_FIELDS = ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")


def verb_matches(rule: Mapping[str, Any], verb: str) -> bool:
    return rbac.verb_matches(_rule(rule), verb)


def api_group_matches(rule: Mapping[str, Any], group: str) -> bool:
    return rbac.group_matches(_rule(rule), group)


def resource_matches(rule: Mapping[str, Any], resource: str) -> bool:
    """``resource`` is ``pods`` or ``pods/exec``; see the module docstring for the forms."""
    name, _, subresource = resource.partition("/")
    return rbac.resource_matches(_rule(rule), name, subresource)


def narrowed_by_name(rule: Mapping[str, Any]) -> bool:
    return bool(strings(rule.get("resourceNames")))


def granted_verbs(
    rule: Mapping[str, Any], group: str, resource: str, verbs: Iterable[str] | None = None
) -> list[str]:
    """The verbs of ``verbs`` the rule grants on ``group``/``resource``.

    With ``verbs`` None, any verb counts: the result is the rule's own verbs when it matches.
    """
    parsed = _rule(rule)
    name, _, subresource = resource.partition("/")
    if not rbac.group_matches(parsed, group) or not rbac.resource_matches(parsed, name, subresource):
        return []
    if verbs is None:
        own: list[str] = strings(rule.get("verbs"))
        return own
    return [v for v in verbs if rbac.verb_matches(parsed, v)]


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
