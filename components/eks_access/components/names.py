"""Logical names of the resources eks-access registers: what a thing is, never where it stood in a list.

Pulumi identifies a resource by its URN (type and logical name); when a name changes the engine
replaces the resource. A name built from a list position (release 0.1's ``-managed-{i}``) therefore
replaced resources whenever a list was reordered, and a replaced access entry or association was
created before its predecessor was deleted, which EKS refuses (one per principal / per entry and
policy). The scheme here:

* ``<owner>-<kind>`` for something an owner has once (``developers-role``);
* ``<owner>-<kind>/<part>[/<part>...]`` for things an owner has per item (``developers-member/dev1``,
  ``developers-rb/dev-team/edit``, ``default/my-sa-policy/aws/AmazonS3ReadOnlyAccess``).

Owners and kinds never contain ``/`` and neither does any part (Kubernetes names and namespaces,
IAM names and account ids cannot), so the text before the first ``/`` is the owner and kind and
the rest the item: two different things never get one name, inside one component or across
components. Release 0.1 names stay reachable as Pulumi aliases (``legacy_*``) so stacks deployed
with them are updated in place, not replaced (resource option ``aliases``:
https://www.pulumi.com/docs/iac/concepts/options/aliases/).

Where AWS keeps one object per key and the resource has no name of its own (an access entry per
principal, an association per entry and policy, a Pod Identity association per namespace and
ServiceAccount, a policy attachment per role and policy, an add-on per cluster), the components set
``delete_before_replace`` (https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/):
Pulumi otherwise creates the replacement first, which AWS refuses or, for attachments and group
memberships, silently undoes when the old one is deleted. Resources with an explicit ``name`` (IAM
roles, groups) get delete-before-replace from the Terraform bridge itself
(pulumi/pulumi-terraform-bridge ``pkg/tfbridge``, ``nameRequiresDeleteBeforeReplace``), and named
Kubernetes objects from pulumi-kubernetes' own ``Diff`` (not autonamed, same name and namespace).
"""

from __future__ import annotations

from collections.abc import Callable

from eks_access.spec.fields import IAM_POLICY_ARN, IAM_PRINCIPAL_ARN

SEPARATOR = "/"


def child(owner: str, kind: str, *parts: str) -> str:
    """``<owner>-<kind>`` followed by ``/<part>`` for each part that identifies the item."""
    for part in parts:
        if not part or SEPARATOR in part:
            raise ValueError(f"name part {part!r} of {owner}-{kind} must be non-empty and free of {SEPARATOR!r}")
    return SEPARATOR.join((f"{owner}-{kind}", *parts))


def workload(namespace: str, service_account: str) -> str:
    """A ServiceAccount's identity is ``namespace/name``, as Kubernetes writes it."""
    return f"{namespace}{SEPARATOR}{service_account}"


def policy_parts(policy_arn: str) -> tuple[str, str]:
    """(``aws`` or the account id, policy name): unique, since IAM policy names are unique per account
    whatever their path (IAM quotas, "names must be unique within the account":
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)."""
    match = IAM_POLICY_ARN.fullmatch(policy_arn)
    if match is None:
        raise ValueError(f"{policy_arn!r} is not an IAM policy ARN")
    return match.group("account"), policy_arn.rsplit("/", 1)[-1]


def principal_parts(principal_arn: str) -> tuple[str, str]:
    """(account id, user or role name) of an IAM principal ARN; the path is not part of the identity."""
    match = IAM_PRINCIPAL_ARN.fullmatch(principal_arn)
    if match is None:
        raise ValueError(f"{principal_arn!r} is not an IAM user or role ARN")
    return match.group("account"), match.group("name")


# ------------------------------------------------------------------ release 0.1 names (aliases)

def legacy_indexed(kind: str, position: int) -> Callable[[str], str]:
    """0.1 named per-item children by list position: ``<owner>-managed-0``, ``<owner>-access-policy-1``."""
    return lambda owner: f"{owner}-{kind}-{position}"


def legacy_joined(kind: str, *parts: str) -> Callable[[str], str]:
    """0.1 joined owner, kind and parts with ``-``: ``developers-rb-dev-team-edit``."""
    return lambda owner: "-".join((owner, kind, *parts))


def legacy_workload(namespace: str, service_account: str) -> str:
    return f"{namespace}-{service_account}"


def legacy_user_entry(position: int) -> str:
    return f"user-{position}-access-entry"
