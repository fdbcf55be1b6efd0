"""IAM and EKS size and count quotas, with the numbers of ``eks_access.limits`` (sources cited there).

IAM counts a policy's characters without white space and refuses a document, an attachment or a
tag past its quota (LimitExceeded / MalformedPolicyDocument), so each is judged per account
object: all the attachments and inline policies of one role, whichever resources declare them.
Adjustable quotas are the account's (``spec.iam_quotas``: AWS defaults unless the stack config
raised them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from eks_access import limits
from eks_access.offline.contracts.base import Plan, Record, Violation, known, lower_key, violation

ROLE = "aws:iam/role:Role"
_OWNERS = {  # owner -> (its inline policy type, its managed policy attachment type)
    "role": ("aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
    "group": ("aws:iam/groupPolicy:GroupPolicy", "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"),
    "user": ("aws:iam/userPolicy:UserPolicy", "aws:iam/userPolicyAttachment:UserPolicyAttachment"),
}
_INLINE_MAX = {
    "role": limits.IAM_INLINE_POLICY_AGGREGATE_ROLE_MAX,
    "group": limits.IAM_INLINE_POLICY_AGGREGATE_GROUP_MAX,
    "user": limits.IAM_INLINE_POLICY_AGGREGATE_USER_MAX,
}
_IAM_TAGGED = ("aws:iam/role:Role", "aws:iam/user:User", "aws:iam/policy:Policy", "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:iam/instanceProfile:InstanceProfile")
_EKS_TAGGED = ("aws:eks/accessEntry:AccessEntry", "aws:eks/podIdentityAssociation:PodIdentityAssociation", "aws:eks/addon:Addon")


def check(plan: Plan) -> Iterator[Violation]:
    yield from _documents(plan)
    for owner in _OWNERS:
        yield from _inline_aggregate(plan, owner)
        yield from _managed_count(plan, owner)
    yield from _groups_per_user(plan)
    yield from _tags(plan)


def _documents(plan: Plan) -> Iterator[Violation]:
    trust_max = plan.quotas.role_trust_policy_length
    for record in plan.of(ROLE):
        text = record["inputs"].get("assumeRolePolicy")
        if isinstance(text, str) and known(text):
            yield from _text(record, "trust policy", text)
            length = limits.iam_policy_length(text)
            if length > trust_max:
                yield violation(
                    "iam-quota", record,
                    f"trust policy is {length} characters (white space not counted); the account allows {trust_max}"
                    + _raise_hint(limits.ROLE_TRUST_POLICY_LENGTH, trust_max),
                )
    for record in plan.of("aws:iam/policy:Policy"):
        text = record["inputs"].get("policy")
        if isinstance(text, str) and known(text):
            yield from _text(record, "policy", text)
            length = limits.iam_policy_length(text)
            if length > limits.IAM_MANAGED_POLICY_SIZE_MAX:
                yield violation(
                    "iam-quota", record,
                    f"managed policy is {length} characters (white space not counted); IAM allows {limits.IAM_MANAGED_POLICY_SIZE_MAX}",
                )


def _text(record: Record, what: str, text: str) -> Iterator[Violation]:
    problem = limits.iam_policy_text_problem(text)
    if problem:
        yield violation("iam-quota", record, f"{what} {problem}")


def _inline_aggregate(plan: Plan, owner: str) -> Iterator[Violation]:
    """All inline policies of one role/group/user together (PutRolePolicy: LimitExceeded)."""
    inline_type, _ = _OWNERS[owner]
    totals: dict[str, int] = defaultdict(int)
    last: dict[str, Record] = {}
    for record in plan.of(inline_type):
        name, text = lower_key(record["inputs"].get(owner)), record["inputs"].get("policy")
        if name is None or not (isinstance(text, str) and known(text)):
            continue
        yield from _text(record, "inline policy", text)
        totals[name] += limits.iam_policy_length(text)
        last[name] = record
    if owner == "role":
        for record in plan.of(ROLE):
            name = lower_key(record["inputs"].get("name"))
            for inline in record["inputs"].get("inlinePolicies") or []:
                text = inline.get("policy") if isinstance(inline, Mapping) else None
                if name is not None and isinstance(text, str) and known(text):
                    totals[name] += limits.iam_policy_length(text)
                    last.setdefault(name, record)
    for name, total in totals.items():
        if total > _INLINE_MAX[owner]:
            yield violation(
                "iam-quota", last[name],
                f"the inline policies of {owner} {name!r} total {total} characters (white space not counted); "
                f"IAM allows {_INLINE_MAX[owner]} per {owner}",
            )


def _managed_count(plan: Plan, owner: str) -> Iterator[Violation]:
    """Managed policies attached to one role/group/user (AttachRolePolicy: LimitExceeded)."""
    _, attachment_type = _OWNERS[owner]
    attached: dict[str, set[Any]] = defaultdict(set)
    last: dict[str, Record] = {}
    for record in plan.of(attachment_type):
        name, policy = lower_key(record["inputs"].get(owner)), record["inputs"].get("policyArn")
        if name is not None and known(policy):
            attached[name].add(policy)
            last[name] = record
    if owner == "role":
        for record in plan.of(ROLE):
            name = lower_key(record["inputs"].get("name"))
            arns = record["inputs"].get("managedPolicyArns") or []
            if name is not None and isinstance(arns, list):
                attached[name].update(a for a in arns if known(a))
                last.setdefault(name, record)
    quota, maximum = _managed_quota(plan, owner)
    for name, policies in attached.items():
        if len(policies) > maximum:
            yield violation(
                "iam-quota", last[name],
                f"{len(policies)} managed policies are attached to {owner} {name!r}; the account allows {maximum}"
                + (_raise_hint(quota, maximum) if quota else ""),
            )


def _managed_quota(plan: Plan, owner: str) -> tuple[limits.AdjustableQuota | None, int]:
    if owner == "role":
        return limits.MANAGED_POLICIES_PER_ROLE, plan.quotas.managed_policies_per_role
    if owner == "user":
        return limits.MANAGED_POLICIES_PER_USER, plan.quotas.managed_policies_per_user
    return None, limits.IAM_MANAGED_POLICIES_PER_GROUP


def _groups_per_user(plan: Plan) -> Iterator[Violation]:
    groups: dict[str, set[str]] = defaultdict(set)
    last: dict[str, Record] = {}
    for record in plan.of("aws:iam/userGroupMembership:UserGroupMembership"):
        user, listed = lower_key(record["inputs"].get("user")), record["inputs"].get("groups")
        if user is None or not isinstance(listed, list):
            continue
        groups[user].update(g.lower() for g in listed if isinstance(g, str) and known(g))
        last[user] = record
    for user, names in groups.items():
        if len(names) > limits.IAM_GROUPS_PER_USER:
            yield violation(
                "iam-quota", last[user],
                f"IAM user {user!r} would be in {len(names)} groups; IAM allows {limits.IAM_GROUPS_PER_USER}",
            )


def _tags(plan: Plan) -> Iterator[Violation]:
    for types, count_max, problem in (
        (_IAM_TAGGED, limits.IAM_TAGS_PER_RESOURCE, limits.iam_tag_problem),
        (_EKS_TAGGED, limits.EKS_TAGS_PER_RESOURCE, _eks_tag_problem),
    ):
        for record in plan.of(*types):
            tags = record["inputs"].get("tags")
            if not isinstance(tags, Mapping) or not known(tags):
                continue
            if len(tags) > count_max:
                yield violation("tag-quota", record, f"has {len(tags)} tags; the service allows {count_max}")
            for key, value in tags.items():
                found = problem(str(key), str(value))
                if found:
                    yield violation("tag-quota", record, found)
                    break


def _eks_tag_problem(key: str, value: str) -> str | None:
    if not 1 <= len(key) <= limits.EKS_TAG_KEY_MAX:
        return f"tag key {key!r} is {len(key)} characters; EKS allows 1 to {limits.EKS_TAG_KEY_MAX}"
    if len(value) > limits.EKS_TAG_VALUE_MAX:
        return f"tag value of {key!r} is {len(value)} characters; EKS allows at most {limits.EKS_TAG_VALUE_MAX}"
    if key.lower().startswith(limits.IAM_TAG_RESERVED_PREFIX):
        return f"tag key {key!r} starts with the reserved prefix {limits.IAM_TAG_RESERVED_PREFIX!r}"
    return None


def _raise_hint(quota: limits.AdjustableQuota, current: int) -> str:
    if current >= quota.maximum:
        return f" (the most AWS grants is {quota.maximum})"
    return f" (after a Service Quotas increase, raise iamQuotas.{quota.key}, at most {quota.maximum})"
