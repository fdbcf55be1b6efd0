"""IAM records (pulumi-aws ``aws:iam/*``) -> IAM facts of the model.

Input names are the provider's camelCase inputs (pulumi-aws ``iam.Role``: ``name``, ``path``,
``assumeRolePolicy``, ``permissionsBoundary``, ``managedPolicyArns``, ``inlinePolicies``).
"""

from __future__ import annotations

from collections.abc import Callable

from eks_access.model.arns import normalize_path, policy_arn
from eks_access.model.from_plan.fields import Fields, lenient_mapping, lenient_text
from eks_access.model.from_plan.records import PlanRecord
from eks_access.model.from_plan.state import PendingAttachment, PendingPrincipal, State
from eks_access.model.iam import (
    CustomerPolicy,
    IamGroup,
    InlinePolicy,
    Membership,
    OidcIssuer,
    OwnerKind,
)
from eks_access.model.origin import Origin

T_ROLE = "aws:iam/role:Role"
T_USER = "aws:iam/user:User"
T_GROUP = "aws:iam/group:Group"
T_POLICY = "aws:iam/policy:Policy"
T_OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
_INLINE: dict[str, OwnerKind] = {
    "aws:iam/userPolicy:UserPolicy": "user",
    "aws:iam/groupPolicy:GroupPolicy": "group",
    "aws:iam/rolePolicy:RolePolicy": "role",
}
_ATTACH: dict[str, OwnerKind] = {
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "user",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "group",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
}


def _name(record: PlanRecord, f: Fields) -> tuple[str, bool]:
    """The physical name; without one Pulumi auto-names (``<logical>-<random>``): unknown."""
    name = f.text(record.inputs.get("name"), "name") or lenient_text(record.outputs.get("name"))
    if name:
        return name, False
    return record.ref.name, True


def read_role(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    ins = record.inputs
    name, auto = _name(record, f)
    path = normalize_path(f.text(ins.get("path"), "path"))
    arn = lenient_text(record.outputs.get("arn")) or (None if auto else state.role_arn(name, path))
    trust = f.document(ins.get("assumeRolePolicy"), "assumeRolePolicy")
    boundary = f.text(ins.get("permissionsBoundary"), "permissionsBoundary") or None
    for i, item in enumerate(f.sequence(ins.get("inlinePolicies"), "inlinePolicies")):
        inline = f.fresh(f"inlinePolicies[{i}]")
        body = inline.mapping(item, "")
        document = inline.document(body.get("policy"), "policy")
        if document is None and not inline.unknowns:
            continue  # an empty inline policy block: pulumi-aws's way to say "none"
        state.inline_policies.append(
            InlinePolicy("role", name, inline.text(body.get("name"), "name"), document,
                          Origin(record.ref, f"inlinePolicies[{i}]"), tuple(inline.unknowns))
        )
    for i, parn in enumerate(f.sequence(ins.get("managedPolicyArns"), "managedPolicyArns")):
        value = f.text(parn, f"managedPolicyArns[{i}]")
        if value:
            state.attachments.append(PendingAttachment((("role", name),), value, Origin(record.ref, f"managedPolicyArns[{i}]")))
    unknowns = [*f.unknowns, *(["name"] if auto else [])]
    state.roles.append(PendingPrincipal("role", {
        "name": name, "arn": arn, "path": path, "trust": trust,
        "origin": Origin(record.ref), "unknowns": tuple(unknowns),
    }, boundary))  # fmt: skip


def read_user(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    name, _auto = _name(record, f)
    path = normalize_path(f.text(record.inputs.get("path"), "path"))
    arn = lenient_text(record.outputs.get("arn")) or state.user_arn(name, path)
    boundary = f.text(record.inputs.get("permissionsBoundary"), "permissionsBoundary") or None
    state.declared_users.append(
        PendingPrincipal("user", {"name": name, "arn": arn, "path": path, "origin": Origin(record.ref)}, boundary)
    )


def read_group(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    name, _auto = _name(record, f)
    path = normalize_path(f.text(record.inputs.get("path"), "path"))
    arn = lenient_text(record.outputs.get("arn"))
    state.groups[name] = IamGroup(name=name, arn=arn, path=path, origin=Origin(record.ref))


def read_user_group_membership(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    user = f.text(record.inputs.get("user"), "user")
    _members(state, record, [(user, g) for g in f.texts(record.inputs.get("groups"), "groups")])


def read_group_membership(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    group = f.text(record.inputs.get("group"), "group")
    _members(state, record, [(u, group) for u in f.texts(record.inputs.get("users"), "users")])


def _members(state: State, record: PlanRecord, pairs: list[tuple[str | None, str | None]]) -> None:
    for user, group in pairs:
        if user and group:
            state.reference_user(user)
            state.reference_group(group)
            state.memberships.append(Membership(user, group, Origin(record.ref)))


def read_inline_policy(state: State, record: PlanRecord) -> None:
    kind = _INLINE[record.ref.type]
    f = Fields(record.ref)
    owner = f.text(record.inputs.get(kind), kind)
    document = f.document(record.inputs.get("policy"), "policy")
    name = f.text(record.inputs.get("name"), "name")
    if owner is None:
        state.skip(record.ref, f"inputs.{kind}", "no known owner")
        owner = ""
    if kind == "user" and owner:
        state.reference_user(owner)
    if kind == "group" and owner:
        state.reference_group(owner)
    state.inline_policies.append(InlinePolicy(kind, owner, name, document, Origin(record.ref, "policy"), tuple(f.unknowns)))


def read_customer_policy(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    name, auto = _name(record, f)
    path = normalize_path(f.text(record.inputs.get("path"), "path"))
    arn = lenient_text(record.outputs.get("arn"))
    if arn is None and not auto and state.account is not None:
        arn = policy_arn(state.partition, state.account, name, path)
    document = f.document(record.inputs.get("policy"), "policy")
    state.customer_policies.append(CustomerPolicy(name, arn, document, Origin(record.ref, "policy"), tuple(f.unknowns)))


def read_attachment(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    parn = f.text(record.inputs.get("policyArn"), "policyArn")
    owners: list[tuple[OwnerKind, str]] = []
    if record.ref.type in _ATTACH:
        kind = _ATTACH[record.ref.type]
        owner = f.text(record.inputs.get(kind), kind)
        if owner:
            owners.append((kind, owner))
    else:  # aws:iam/policyAttachment:PolicyAttachment attaches to lists of each kind
        plural: tuple[tuple[OwnerKind, str], ...] = (("user", "users"), ("group", "groups"), ("role", "roles"))
        for kind, key in plural:
            owners.extend((kind, n) for n in f.texts(record.inputs.get(key), key))
    for kind, owner in owners:
        if kind == "user":
            state.reference_user(owner)
        elif kind == "group":
            state.reference_group(owner)
    if parn is None:
        state.skip(record.ref, "inputs.policyArn", "policy ARN unknown or absent")
        return
    state.attachments.append(PendingAttachment(tuple(owners), parn, Origin(record.ref)))


def read_oidc_provider(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    values = [f.text(record.inputs.get("url"), "url"), lenient_text(record.outputs.get("url")), lenient_text(record.outputs.get("arn"))]
    add_issuers(state, record, values)


def add_issuers(state: State, record: PlanRecord, values: list[str | None]) -> None:
    seen = {i.issuer for i in state.oidc_issuers if i.origin.record is record.ref}
    for value in values:
        issuer = issuer_of(value)
        if issuer and issuer not in seen:
            seen.add(issuer)
            state.oidc_issuers.append(OidcIssuer(issuer, Origin(record.ref)))


def issuer_of(value: str | None) -> str | None:
    """``oidc.eks.<region>.amazonaws.com/id/<ID>`` from an issuer URL or provider ARN."""
    if not value:
        return None
    if ":oidc-provider/" in value:
        return value.split(":oidc-provider/", 1)[1] or None
    for scheme in ("https://", "http://"):
        if value.startswith(scheme):
            value = value[len(scheme):]
    return value.rstrip("/") or None


def cluster_issuers(state: State, record: PlanRecord) -> None:
    """OIDC issuers a pulumi-eks or aws.eks cluster reports in its outputs."""
    outs = record.outputs
    values: list[str | None] = []
    if record.ref.type == "eks:index:Cluster":
        provider = lenient_mapping(lenient_mapping(outs.get("core")).get("oidcProvider"))
        values = [lenient_text(outs.get(k)) for k in ("oidcProviderArn", "oidcProviderUrl", "oidcIssuer")]
        values += [lenient_text(provider.get("arn")), lenient_text(provider.get("url"))]
    else:
        identities = outs.get("identities")
        for identity in identities if isinstance(identities, list) else []:
            oidcs = lenient_mapping(identity).get("oidcs")
            for oidc in oidcs if isinstance(oidcs, list) else []:
                values.append(lenient_text(lenient_mapping(oidc).get("issuer")))
    add_issuers(state, record, values)


READERS: dict[str, Callable[[State, PlanRecord], None]] = {
    T_ROLE: read_role,
    T_USER: read_user,
    T_GROUP: read_group,
    "aws:iam/userGroupMembership:UserGroupMembership": read_user_group_membership,
    "aws:iam/groupMembership:GroupMembership": read_group_membership,
    T_POLICY: read_customer_policy,
    T_OIDC: read_oidc_provider,
    "aws:iam/policyAttachment:PolicyAttachment": read_attachment,
    **{t: read_inline_policy for t in _INLINE},
    **{t: read_attachment for t in _ATTACH},
}
