"""IAM: one physical object per name, and one resource per object.

IAM identifies users, groups, roles, managed policies and instance profiles by name, unique
in the account and not distinguished by case, whatever their path (IAM User Guide, "IAM and
AWS STS quotas, name requirements, and character limits":
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). A second Create
of a taken name fails with EntityAlreadyExists. Inline policies, attachments and memberships
are not refused twice, but two resources managing one of them fight: PutRolePolicy replaces a
policy of the same name (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html)
and deleting either resource removes the object the other still declares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from eks_access import documents as docs
from eks_access.offline.contracts.base import (
    Plan,
    Record,
    Violation,
    collisions,
    duplicates,
    input_key,
    lower_key,
    violation,
)
from eks_access.offline.wire import is_unknown

_NAMED = {  # type -> (what IAM calls it, the API that refuses a taken name)
    "aws:iam/role:Role": ("role", "CreateRole"),
    "aws:iam/group:Group": ("group", "CreateGroup"),
    "aws:iam/user:User": ("user", "CreateUser"),
    "aws:iam/policy:Policy": ("managed policy", "CreatePolicy"),
    "aws:iam/instanceProfile:InstanceProfile": ("instance profile", "CreateInstanceProfile"),
}
_INLINE = {
    "aws:iam/rolePolicy:RolePolicy": ("role", "role"),
    "aws:iam/groupPolicy:GroupPolicy": ("group", "group"),
    "aws:iam/userPolicy:UserPolicy": ("user", "user"),
}
_ATTACHMENTS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("role", "role"),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": ("group", "group"),
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": ("user", "user"),
}
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"


def check(plan: Plan) -> Iterator[Violation]:
    yield from _unique_names(plan)
    yield from _unique_oidc_providers(plan)
    yield from _one_resource_per_inline_policy(plan)
    yield from _one_resource_per_attachment(plan)
    yield from _one_resource_per_membership(plan)


def _unique_names(plan: Plan) -> Iterator[Violation]:
    for typ, (what, api) in _NAMED.items():
        # Only explicit names: an autonamed resource gets a random suffix and never collides.
        yield from collisions(plan.of(typ), input_key("name", fold=("name",)), "iam-unique-name", _name_taken(what, api))


def _unique_oidc_providers(plan: Plan) -> Iterator[Violation]:
    """One IAM OIDC provider per issuer URL (CreateOpenIDConnectProvider: EntityAlreadyExists).

    A pulumi-eks cluster with ``createOidcProvider`` registers its own provider for its issuer
    inside the component (pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts), so an explicit
    provider for the same issuer is a second one.
    """
    def issuer(record: Record) -> Any:
        if record["type"] == OIDC_PROVIDER:
            url = record["inputs"].get("url")
        elif record["inputs"].get("createOidcProvider") is True:
            url = record["outputs"].get("oidcIssuer")
        else:
            return None
        return docs.issuer_host_path(url).lower() if isinstance(url, str) and not is_unknown(url) else None

    candidates = [*plan.of("eks:index:Cluster"), *plan.of(OIDC_PROVIDER)]
    for later, first in duplicates(candidates, issuer):
        yield violation(
            "iam-unique-oidc-provider", later,
            f"IAM has one OIDC provider per issuer URL; {first['name']} already registers "
            f"https://{issuer(first)} (CreateOpenIDConnectProvider fails with EntityAlreadyExists)",
            other=first,
        )


def _one_resource_per_inline_policy(plan: Plan) -> Iterator[Violation]:
    for typ, (field, what) in _INLINE.items():
        yield from collisions(
            plan.of(typ), input_key(field, "name", fold=(field,)), "iam-one-resource-per-inline-policy", _policy_written(field, what)
        )


def _one_resource_per_attachment(plan: Plan) -> Iterator[Violation]:
    for typ, (field, what) in _ATTACHMENTS.items():
        yield from collisions(
            plan.of(typ), input_key(field, "policyArn", fold=(field,)), "iam-one-resource-per-attachment", _policy_attached(field, what)
        )


def _name_taken(what: str, api: str) -> Callable[[Record, Record], str]:
    def message(later: Record, first: Record) -> str:
        return (f"IAM {what} names are unique in the account regardless of case and path; {first['name']} already "
                f"creates {what} {first['inputs']['name']!r} ({api} fails with EntityAlreadyExists)")
    return message


def _policy_written(field: str, what: str) -> Callable[[Record, Record], str]:
    def message(later: Record, first: Record) -> str:
        return (f"{first['name']} already writes inline policy {later['inputs']['name']!r} of {what} "
                f"{later['inputs'][field]!r}; IAM keeps one policy per name, so the two would overwrite each other")
    return message


def _policy_attached(field: str, what: str) -> Callable[[Record, Record], str]:
    def message(later: Record, first: Record) -> str:
        return (f"{first['name']} already attaches {later['inputs']['policyArn']} to {what} "
                f"{later['inputs'][field]!r}; deleting either resource would detach it for both")
    return message


def _one_resource_per_membership(plan: Plan) -> Iterator[Violation]:
    seen: dict[tuple[str, str], Record] = {}
    for record in plan.of("aws:iam/userGroupMembership:UserGroupMembership"):
        user = lower_key(record["inputs"].get("user"))
        groups = record["inputs"].get("groups") or []
        if user is None or not isinstance(groups, list):
            continue
        for group in groups:
            key = lower_key(group)
            if key is None:
                continue
            first = seen.setdefault((user, key), record)
            if first is not record:
                yield violation(
                    "iam-one-resource-per-membership", record,
                    f"{first['name']} already adds IAM user {record['inputs']['user']!r} to group {group!r}; "
                    "deleting either resource would remove the membership for both",
                    other=first,
                )
