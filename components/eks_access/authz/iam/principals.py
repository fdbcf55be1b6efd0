"""Who is asking, which policies speak for them, and how a trust policy's Principal admits them.

Principal element semantics: IAM User Guide, "AWS JSON policy elements: Principal"
(reference_policies_elements_principal.html): ``"*"`` and ``{"AWS": "*"}`` are everyone; an
account id or ``arn:aws:iam::<account>:root`` is the account, which delegates the decision to
that account's identity policies; a user or role ARN is that principal itself;
``NotPrincipal`` admits everyone it does not list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eks_access.authz.iam.context import RequestContext
from eks_access.authz.iam.evaluate import PolicySource, PrincipalMatch
from eks_access.model import AccessModel
from eks_access.model.arns import account_of, account_root
from eks_access.model.iam import Attachment, OwnerKind, PolicyContents, PrincipalSpec, Statement

ANY_PRINCIPAL = "any principal"
CALLER_ARN = "caller ARN"
ACCOUNT_ROOT = "account root"


@dataclass(frozen=True)
class Caller:
    """An IAM principal making a request: an IAM user, or a session of an IAM role."""

    arn: str
    name: str
    kind: Literal["user", "role"]
    account: str | None = None

    @classmethod
    def user(cls, arn: str, name: str) -> Caller:
        return cls(arn, name, "user", account_of(arn))

    def context(self) -> RequestContext:
        """Global condition keys AWS fills for this caller (IAM User Guide, "AWS global
        condition context keys" and "Principal key values": ``aws:username`` only for IAM users)."""
        values = {"aws:PrincipalArn": [self.arn], "aws:PrincipalType": ["User" if self.kind == "user" else "AssumedRole"]}
        if self.account:
            values["aws:PrincipalAccount"] = [self.account]
        if self.kind == "user":
            values["aws:username"] = [self.name]
        return RequestContext.of(values, absent=() if self.kind == "user" else ("aws:username",))


def principal_matcher(caller: Caller) -> PrincipalMatch:
    """A function telling how each trust statement admits ``caller`` (None: it does not)."""

    def match(st: Statement) -> str | None:
        if st.principal is not None:
            return _admits(st.principal, caller)
        if st.not_principal is not None:
            return None if _admits(st.not_principal, caller) else ANY_PRINCIPAL
        return None

    return match


def _admits(spec: PrincipalSpec, caller: Caller) -> str | None:
    if spec.everyone:
        return ANY_PRINCIPAL
    found: str | None = None
    for kind, value in spec.entries:
        if kind != "AWS":
            continue
        if value == "*":
            return ANY_PRINCIPAL
        if value == caller.arn:
            return CALLER_ARN
        if caller.account is not None and account_root(value) == caller.account:
            found = ACCOUNT_ROOT
    return found


def direct(via: str) -> bool:
    """A grant to the caller itself (not delegated to the caller's account's identity policies)."""
    return via in (CALLER_ARN, ANY_PRINCIPAL)


def contents_label(contents: PolicyContents, attachment: Attachment | None = None) -> str:
    """How answers name an attached policy: what it is and whether its contents are known."""
    where = f" (attachment {attachment.origin.name})" if attachment is not None else ""
    if contents.kind == "aws-managed":
        return f"AWS-managed policy {contents.arn}{where}"
    if contents.kind == "customer":
        return f"policy {contents.arn}{where}"
    return contents.source + where


def identity_sources(model: AccessModel, kind: OwnerKind, name: str) -> list[PolicySource]:
    """Every identity-based policy of a user (with its groups') or role, in a stable order."""
    sources = _own_sources(model, kind, name)
    if kind == "user":
        for membership in model.memberships_by_user.get(name, ()):
            for s in _own_sources(model, "group", membership.group):
                sources.append(PolicySource(s.label, s.document, s.origin, membership.group, membership.origin))
    return sources


def _own_sources(model: AccessModel, kind: OwnerKind, name: str) -> list[PolicySource]:
    out: list[PolicySource] = []
    for p in model.inline_policies_of(kind, name):
        label = f"policy {p.origin.name}" if p.origin.path == "policy" else f"inline policy {p.name or p.origin.path} of role {name}"
        out.append(PolicySource(label, p.document, p.origin))
    for a in model.attachments_of(kind, name):
        out.append(PolicySource(contents_label(a.contents, a), a.contents.document, a.origin))
    return out


def boundary_source(contents: PolicyContents | None) -> PolicySource | None:
    if contents is None:
        return None
    return PolicySource(f"permissions boundary {contents_label(contents)}", contents.document)
