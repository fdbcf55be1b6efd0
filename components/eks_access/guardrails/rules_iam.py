"""IAM guardrails: who may become a role, and what a role, group or user may do.

Policy documents come parsed from the access model (the plan reader accepts the JSON strings
the AWS provider takes, and dicts from an export). A document unknown during preview is
skipped rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from eks_access.guardrails.model import (
    CheckContext,
    Enforcement,
    Finding,
    Rule,
    Scope,
    Severity,
    emit,
)
from eks_access.model.arns import account_of, account_root
from eks_access.model.iam import IamRole, PolicyContents, PolicyDocument, Statement
from eks_access.model.origin import Origin


def _trust_statements(ctx: CheckContext) -> Iterator[tuple[IamRole, Statement]]:
    for role in ctx.model.iam.roles:
        for st in role.trust.statements if role.trust else ():
            if st.effect == "Allow":
                yield role, st


def _role_label(role: IamRole) -> str:
    return f"role '{role.name}'" if "name" not in role.unknowns else f"role {role.origin.name if role.origin else role.name}"


def _principals(st: Statement, kind: str) -> list[str]:
    """Principal values of one kind (``AWS``, ``Federated``, ``Service``); ``*`` for ``"*"``."""
    if st.principal is None:
        return []
    if st.principal.everyone:
        return ["*"]
    return list(st.principal.values(kind))


# --- IAM-TRUST-STAR ------------------------------------------------------------------------


def _check_trust_star(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for role, statement in _trust_statements(ctx):
        kinds = [k for k in ("AWS", "Federated", "Service") if "*" in _principals(statement, k)]
        if kinds and role.origin is not None:
            yield from emit(
                rule.finding(
                    ctx,
                    role.origin,
                    f"{_role_label(role)} trust policy Statement[{statement.index}] allows Principal '*': "
                    "any AWS account can try to assume it; name the trusted roles, account or "
                    "provider",
                )
            )


IAM_TRUST_STAR = Rule(
    id="IAM-TRUST-STAR",
    title="No wildcard principal in trust policies",
    description=(
        "A trust policy with Principal '*' lets principals of every AWS account call "
        "sts:AssumeRole; conditions are then the only barrier. [CKV_AWS_60]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("CKV_AWS_60",),
    check=_check_trust_star,
)


# --- IAM-TRUST-ACCOUNT ---------------------------------------------------------------------


def _check_trust_account(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for role, statement in _trust_statements(ctx):
        roots = [p for p in _principals(statement, "AWS") if account_root(p) is not None]
        if roots and not statement.conditions and role.origin is not None:
            yield from emit(
                rule.finding(
                    ctx,
                    role.origin,
                    f"{_role_label(role)} trust policy Statement[{statement.index}] trusts {roots[0]} with no "
                    "condition: any principal of the account whose identity policy allows "
                    "sts:AssumeRole on it can assume it; add aws:PrincipalArn or MFA conditions",
                    keys=roots,
                )
            )


IAM_TRUST_ACCOUNT = Rule(
    id="IAM-TRUST-ACCOUNT",
    title="Account-root trust carries a condition",
    description=(
        "Trusting arn:aws:iam::<account>:root delegates the decision to identity policies. "
        "That is the worked example's deliberate pattern (the Developers group policy names "
        "the role), so this is advisory; a condition on aws:PrincipalArn or MFA narrows it. "
        "[CKV_AWS_61]"
    ),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.ADVISORY,
    scope=Scope.RESOURCE,
    references=("CKV_AWS_61",),
    check=_check_trust_account,
)


# --- IAM-TRUST-CROSS-ACCOUNT ---------------------------------------------------------------


def _foreign(value: str, account: str) -> str | None:
    """The other account a principal value (account id, root, role/user/provider ARN) belongs to."""
    other = account_root(value) or (account_of(value) if value.startswith("arn:") else None)
    return other if other and other != account else None


def _check_trust_cross_account(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    account = ctx.model.account
    if account is None:
        return  # the stack's account is not known, so "another account" cannot be told
    for role, statement in _trust_statements(ctx):
        found = [
            (value, other)
            for kind in ("AWS", "Federated")
            for value in _principals(statement, kind)
            if (other := _foreign(value, account)) is not None
        ]
        if found and role.origin is not None:
            shown = ", ".join(f"{value} (account {other})" for value, other in found)
            yield from emit(
                rule.finding(
                    ctx,
                    role.origin,
                    f"{_role_label(role)} trust policy Statement[{statement.index}] trusts {shown}, outside "
                    f"the stack's account {account}: whoever controls that account decides who becomes "
                    "this role; trust principals of this account, or allow-list the account if the "
                    "cross-account access is deliberate",
                    keys=[v for pair in found for v in pair],
                    subjects=[value for value, _ in found],
                )
            )


IAM_TRUST_CROSS_ACCOUNT = Rule(
    id="IAM-TRUST-CROSS-ACCOUNT",
    title="No trust in principals of other accounts",
    description=(
        "Any principal of another AWS account (account id, root, role or user ARN, or an "
        "identity provider of another account) in any trust policy of the stack hands the "
        "decision to that account's administrators. Allow-list the account id or ARN when a "
        "central identity account is intended."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html",
                "OWASP Kubernetes Top Ten 2022 K06", "CKV_AWS_61"),
    check=_check_trust_cross_account,
)


# --- IAM-IRSA-COND -------------------------------------------------------------------------


def _has_wildcard(values: list[str]) -> bool:
    return any("*" in v or "?" in v for v in values)


def _values(statement: Statement, operator: str, key: str) -> list[str]:
    """Values of ``operator`` (as written, without IfExists or a set qualifier) on ``key``;
    condition keys compare case-insensitively, as IAM compares them."""
    out: list[str] = []
    for c in statement.conditions:
        if c.operator == operator and not c.if_exists and c.qualifier is None and c.key.lower() == key.lower():
            out.extend(c.values)
    return out


def _issuer_of(federated: str) -> str | None:
    return federated.split(":oidc-provider/", 1)[1] or None if ":oidc-provider/" in federated else None


def _irsa_problems(statement: Statement, issuer: str, known: set[str]) -> list[tuple[Severity, str]]:
    sub_key, aud_key = f"{issuer}:sub", f"{issuer}:aud"
    problems: list[tuple[Severity, str]] = []
    if known and issuer not in known:
        problems.append(
            (
                Severity.HIGH,
                f"trusts OIDC provider {issuer}, which is not this cluster's "
                f"({', '.join(sorted(known))}); use the cluster's provider ARN",
            )
        )
    sub_equals = _values(statement, "StringEquals", sub_key)
    sub_like = _values(statement, "StringLike", sub_key)
    if not sub_equals and not sub_like:
        problems.append(
            (
                Severity.HIGH,
                f"has no StringEquals condition on {sub_key}: every ServiceAccount of the "
                "cluster can assume it; pin system:serviceaccount:<namespace>:<name>",
            )
        )
    elif _has_wildcard(sub_like):
        problems.append(
            (
                Severity.MEDIUM,
                f"matches {sub_key} with StringLike {', '.join(sub_like)}: every matching "
                "ServiceAccount can assume it; use StringEquals on the one ServiceAccount, or "
                "allow-list the role if a namespace-wide trust is intended",
            )
        )
    aud = _values(statement, "StringEquals", aud_key)
    if not aud or any(v != "sts.amazonaws.com" for v in aud):
        problems.append(
            (
                Severity.MEDIUM,
                f"does not pin {aud_key} to sts.amazonaws.com with StringEquals; tokens "
                "issued for other audiences would be accepted",
            )
        )
    return problems


def _check_irsa(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    known = {i.issuer for i in ctx.model.iam.oidc_issuers}
    for role, statement in _trust_statements(ctx):
        for federated in _principals(statement, "Federated"):
            issuer = _issuer_of(federated)
            if issuer is None or role.origin is None:
                continue
            for severity, problem in _irsa_problems(statement, issuer, known):
                yield from emit(
                    rule.finding(
                        ctx,
                        role.origin,
                        f"{_role_label(role)} web-identity trust Statement[{statement.index}] {problem}",
                        keys=[federated],
                        severity=severity,
                    )
                )


IAM_IRSA_COND = Rule(
    id="IAM-IRSA-COND",
    title="IRSA trust pinned to one ServiceAccount of this cluster",
    description=(
        "A web-identity trust without StringEquals on <issuer>:sub lets any pod of the "
        "cluster assume the role; StringLike wildcards widen it to a namespace; <issuer>:aud "
        "must be sts.amazonaws.com; and the Federated principal must be this cluster's OIDC "
        "provider when the plan declares one (an IAM OIDC provider or pulumi-eks outputs)."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html", "OWASP Kubernetes Top Ten 2022 K06"),
    check=_check_irsa,
)


# --- IAM-WILDCARD --------------------------------------------------------------------------

_BROAD_MANAGED = re.compile(r"arn:[^:]+:iam::aws:policy/(AdministratorAccess|IAMFullAccess)")
"""Known by name only when the shipped data lacks their contents (judged by contents otherwise)."""


def _broad_managed(contents: PolicyContents) -> list[str]:
    """What makes an AWS-managed policy administrator-grade, judged by its contents (shipped
    data); customer policies are judged as documents of the plan, not per attachment."""
    if contents.kind == "aws-managed" and contents.document is not None:
        return list(dict.fromkeys(
            f"every action but {', '.join(st.not_actions or ())}" if a == "NotAction" else a
            for st in contents.document.statements if st.effect == "Allow" for a in _broad_actions(st)))  # fmt: skip
    if contents.kind == "unknown" and _BROAD_MANAGED.fullmatch(contents.arn):
        return [contents.arn.rsplit("/", 1)[1]]
    return []


def _broad_actions(statement: Statement) -> list[str]:
    if statement.not_actions is not None:
        return ["NotAction"]
    return [a for a in statement.actions or () if a in ("*", "*:*", "iam:*")]


def _documents(ctx: CheckContext) -> Iterator[tuple[Origin, str, PolicyDocument]]:
    """Every policy document the plan writes: standalone policies and inline ones."""
    for p in ctx.model.iam.inline_policies:
        if p.document is not None:
            yield p.origin, p.origin.path, p.document
    for c in ctx.model.iam.customer_policies:
        if c.document is not None:
            yield c.origin, c.origin.path, c.document


def _check_iam_wildcard(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for origin, where, document in _documents(ctx):
        for statement in document.statements:
            broad = _broad_actions(statement) if statement.effect == "Allow" else []
            if broad:
                yield from emit(
                    rule.finding(
                        ctx,
                        origin,
                        f"{where} Statement[{statement.index}] allows {', '.join(broad)}: administrator or "
                        "IAM-administrator rights; list the actions the principal needs",
                    )
                )
    for attachment in ctx.model.iam.attachments:
        arn = attachment.policy_arn
        broad = _broad_managed(attachment.contents)
        if broad:
            yield from emit(
                rule.finding(
                    ctx,
                    attachment.origin,
                    f"attaches {arn.rsplit('/', 1)[1]} ({arn}), which allows {', '.join(broad)}: full control "
                    "of the account or of IAM itself; attach a policy scoped to what the principal needs",
                    keys=[name for _kind, name in attachment.owners],
                )
            )


IAM_WILDCARD = Rule(
    id="IAM-WILDCARD",
    title="No administrator IAM permissions",
    description=(
        "Allow on Action '*' or 'iam:*' (or Allow with NotAction), in the plan's policies or in "
        "an attached AWS-managed policy judged by its contents (AdministratorAccess, "
        "IAMFullAccess, PowerUserAccess's NotAction), let the holder grant itself anything, "
        "EKS access included. [CKV_AWS_1, CKV_AWS_62, CKV_AWS_274]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_274"),
    check=_check_iam_wildcard,
)

IAM_RULES = (IAM_TRUST_STAR, IAM_TRUST_ACCOUNT, IAM_TRUST_CROSS_ACCOUNT, IAM_IRSA_COND, IAM_WILDCARD)
