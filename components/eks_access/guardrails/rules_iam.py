"""IAM guardrails: who may become a role, and what a role, group or user may do.

Policy documents are read as the AWS provider takes them (JSON strings) or as dicts from an
export. A statement whose value is unknown during preview is skipped rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from eks_access.guardrails.model import (
    CheckContext,
    Enforcement,
    Finding,
    Record,
    Rule,
    Scope,
    Severity,
    emit,
)
from eks_access.guardrails.records import (
    EKS_CLUSTER,
    EKS_COMPONENT,
    IAM_ROLE,
    OIDC_PROVIDER,
    actions,
    as_list,
    conditions,
    inputs,
    is_allow,
    issuer_of,
    mapping,
    outputs,
    parse_document,
    principals,
    statements,
    strings,
)

_ACCOUNT_ROOT = re.compile(r"^(arn:[^:]+:iam::\d{12}:root|\d{12})$")


def _trust_statements(record: Record) -> list[tuple[int, Mapping[str, Any]]]:
    if record.get("type") != IAM_ROLE:
        return []
    doc = parse_document(inputs(record).get("assumeRolePolicy"))
    return [(i, s) for i, s in enumerate(statements(doc)) if is_allow(s)]


def _role_label(record: Record) -> str:
    name = inputs(record).get("name")
    return f"role '{name}'" if isinstance(name, str) else f"role {record.get('name')}"


# --- IAM-TRUST-STAR ------------------------------------------------------------------------


def _check_trust_star(rule: Rule, record: Record, ctx: CheckContext) -> Iterator[Finding]:
    for i, statement in _trust_statements(record):
        kinds = [k for k in ("AWS", "Federated", "Service") if "*" in principals(statement, k)]
        if statement.get("Principal") == "*" or kinds:
            yield from emit(
                rule.finding(
                    ctx,
                    record,
                    f"{_role_label(record)} trust policy Statement[{i}] allows Principal '*': "
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
    check_resource=_check_trust_star,
)


# --- IAM-TRUST-ACCOUNT ---------------------------------------------------------------------


def _check_trust_account(rule: Rule, record: Record, ctx: CheckContext) -> Iterator[Finding]:
    for i, statement in _trust_statements(record):
        roots = [p for p in principals(statement, "AWS") if _ACCOUNT_ROOT.match(p)]
        if roots and not conditions(statement):
            yield from emit(
                rule.finding(
                    ctx,
                    record,
                    f"{_role_label(record)} trust policy Statement[{i}] trusts {roots[0]} with no "
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
    check_resource=_check_trust_account,
)


# --- IAM-IRSA-COND -------------------------------------------------------------------------


def cluster_issuers(records: Sequence[Record]) -> set[str]:
    """Issuer host/paths of the OIDC providers the plan knows for its cluster(s)."""
    found: set[str] = set()
    for record in records:
        t = record.get("type")
        ins, outs = inputs(record), outputs(record)
        values: list[Any] = []
        if t == OIDC_PROVIDER:
            values = [ins.get("url"), outs.get("url"), outs.get("arn")]
        elif t == EKS_COMPONENT:
            core = mapping(outs.get("core"))
            provider = mapping(core.get("oidcProvider"))
            values = [
                outs.get("oidcProviderArn"),
                outs.get("oidcProviderUrl"),
                outs.get("oidcIssuer"),
                provider.get("arn"),
                provider.get("url"),
            ]
        elif t == EKS_CLUSTER:
            for identity in as_list(outs.get("identities")):
                for oidc in as_list(mapping(identity).get("oidcs")):
                    values.append(mapping(oidc).get("issuer"))
        for value in values:
            issuer = issuer_of(value)
            if issuer:
                found.add(issuer)
    return found


def _has_wildcard(values: list[str]) -> bool:
    return any("*" in v or "?" in v for v in values)


def _irsa_problems(statement: Mapping[str, Any], issuer: str, known: set[str]) -> list[tuple[Severity, str]]:
    conds = conditions(statement)
    equals = mapping(conds.get("StringEquals"))
    like = mapping(conds.get("StringLike"))
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
    sub_equals = strings(equals.get(sub_key))
    sub_like = strings(like.get(sub_key))
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
    aud = strings(equals.get(aud_key))
    if not aud or any(v != "sts.amazonaws.com" for v in aud):
        problems.append(
            (
                Severity.MEDIUM,
                f"does not pin {aud_key} to sts.amazonaws.com with StringEquals; tokens "
                "issued for other audiences would be accepted",
            )
        )
    return problems


def _check_irsa(rule: Rule, records: Sequence[Record], ctx: CheckContext) -> Iterator[Finding]:
    known = cluster_issuers(records)
    for record in records:
        for i, statement in _trust_statements(record):
            for federated in principals(statement, "Federated"):
                if ":oidc-provider/" not in federated:
                    continue
                issuer = issuer_of(federated)
                if issuer is None:
                    continue
                for severity, problem in _irsa_problems(statement, issuer, known):
                    yield from emit(
                        rule.finding(
                            ctx,
                            record,
                            f"{_role_label(record)} web-identity trust Statement[{i}] {problem}",
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
    references=(),
    check_stack=_check_irsa,
)


# --- IAM-WILDCARD --------------------------------------------------------------------------

_POLICY_TYPES = {
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/userPolicy:UserPolicy",
}
_ATTACHMENT_TYPES = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "group",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "user",
    "aws:iam/policyAttachment:PolicyAttachment": "roles",
}
_BROAD_MANAGED = re.compile(r"^arn:[^:]+:iam::aws:policy/(AdministratorAccess|IAMFullAccess)$")


def _documents(record: Record) -> list[tuple[str, Any]]:
    ins = inputs(record)
    if record.get("type") in _POLICY_TYPES:
        return [("policy", ins.get("policy"))]
    if record.get("type") == IAM_ROLE:
        return [
            (f"inlinePolicies[{i}]", mapping(p).get("policy"))
            for i, p in enumerate(as_list(ins.get("inlinePolicies")))
        ]
    return []


def _broad_actions(statement: Mapping[str, Any]) -> list[str]:
    if "NotAction" in statement:
        return ["NotAction"]
    return [a for a in actions(statement) if a in ("*", "*:*", "iam:*")]


def _check_iam_wildcard(rule: Rule, record: Record, ctx: CheckContext) -> Iterator[Finding]:
    t = record.get("type")
    ins = inputs(record)
    for where, raw in _documents(record):
        for i, statement in enumerate(statements(parse_document(raw))):
            broad = _broad_actions(statement) if is_allow(statement) else []
            if broad:
                yield from emit(
                    rule.finding(
                        ctx,
                        record,
                        f"{where} Statement[{i}] allows {', '.join(broad)}: administrator or "
                        "IAM-administrator rights; list the actions the principal needs",
                    )
                )
    arns: list[str] = []
    if isinstance(t, str) and t in _ATTACHMENT_TYPES:
        arns = strings(ins.get("policyArn"))
    elif t == IAM_ROLE:
        arns = strings(ins.get("managedPolicyArns"))
    for arn in arns:
        if _BROAD_MANAGED.match(arn):
            yield from emit(
                rule.finding(
                    ctx,
                    record,
                    f"attaches {arn.rsplit('/', 1)[1]} ({arn}): full control of the account or of "
                    "IAM itself; attach a policy scoped to what the principal needs",
                    keys=[*strings(ins.get("role")), *strings(ins.get("group")), *strings(ins.get("user"))],
                )
            )


IAM_WILDCARD = Rule(
    id="IAM-WILDCARD",
    title="No administrator IAM permissions",
    description=(
        "Allow on Action '*' or 'iam:*' (or Allow with NotAction), and the managed "
        "AdministratorAccess / IAMFullAccess policies, let the holder grant itself anything, "
        "EKS access included. [CKV_AWS_1, CKV_AWS_62, CKV_AWS_274]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_274"),
    check_resource=_check_iam_wildcard,
)

IAM_RULES = (IAM_TRUST_STAR, IAM_TRUST_ACCOUNT, IAM_IRSA_COND, IAM_WILDCARD)
