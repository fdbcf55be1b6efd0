"""Does one PolicyRule allow a request? Exactly as the API server's RBAC authorizer decides.

Sources: kubernetes/kubernetes ``pkg/apis/rbac/v1/evaluation_helpers.go`` (VerbMatches,
APIGroupMatches, ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and
``plugin/pkg/auth/authorizer/rbac/rbac.go`` (RuleAllows):
- verbs and apiGroups match exactly or through ``*``;
- resources match ``*``, the exact ``resource`` or ``resource/subresource``, or for a
  subresource request the form ``*/<subresource>``; ``pods/*`` is NOT a wildcard (it only
  matches a subresource literally named ``*``);
- resourceNames, when present, must contain the request's name (a request without a name,
  such as list, never matches a rule that names objects);
- nonResourceURLs match ``*``, exactly, or by prefix when the rule ends in ``*`` (all trailing
  ``*`` trimmed).
"""

from __future__ import annotations

from eks_access.authz.rbac.attributes import Attributes
from eks_access.model.k8s import PolicyRule


def verb_matches(rule: PolicyRule, verb: str) -> bool:
    return "*" in rule.verbs or verb in rule.verbs


def api_group_matches(rule: PolicyRule, group: str) -> bool:
    return "*" in rule.api_groups or group in rule.api_groups


def resource_matches(rule: PolicyRule, combined: str, subresource: str) -> bool:
    for resource in rule.resources:
        if resource == "*" or resource == combined:
            return True
        if subresource and len(resource) == len(subresource) + 2 and resource.startswith("*/") and resource.endswith(subresource):
            return True
    return False


def resource_name_matches(rule: PolicyRule, name: str) -> bool:
    return not rule.resource_names or name in rule.resource_names


def url_matches(rule: PolicyRule, path: str) -> bool:
    for url in rule.non_resource_urls:
        if url == "*" or url == path:
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rule_allows(rule: PolicyRule, attrs: Attributes) -> bool:
    if not verb_matches(rule, attrs.verb):
        return False
    if attrs.path is not None:
        return url_matches(rule, attrs.path)
    return (
        api_group_matches(rule, attrs.api_group)
        and resource_matches(rule, attrs.combined_resource, attrs.subresource)
        and resource_name_matches(rule, attrs.name)
    )
