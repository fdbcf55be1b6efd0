"""Workload IAM: what a pod can do in AWS with the role its ServiceAccount gets.

Every workload role (trusted by the cluster's OIDC provider for IRSA or by
``pods.eks.amazonaws.com`` for Pod Identity, or named by a ServiceAccount annotation or a Pod
Identity association) is judged by its EFFECTIVE permissions: inline, customer and AWS-managed
policies (shipped data) within its permissions boundary, evaluated as IAM does
(``eks_access.authz.iam.evaluate_identity``). A managed policy is judged by its contents, never
its name. Each question is asked of a probe resource no policy names on purpose (a role, secret
or parameter called ``eks-access-probe``), so a grant that reaches it reaches every resource of
its kind: "on *".

Escalation paths follow the IAM privilege-escalation methods catalogued by Rhino Security Labs
(https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/) and the IAM
User Guide's guidance on iam:PassRole
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html); resource types of
each action from the Service Authorization Reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from eks_access.authz.iam import evaluate_identity, identity_sources
from eks_access.authz.iam.evaluate import action_matches
from eks_access.guardrails.model import (
    CheckContext,
    Enforcement,
    Finding,
    Rule,
    Scope,
    Severity,
    emit,
)
from eks_access.model.iam import IamRole, Statement

PROBE = "eks-access-probe"
_DEFAULT_REGION = "us-east-1"
_OIDC_REGION = re.compile(r"^oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com")
_WORKLOAD_SERVICE = "pods.eks.amazonaws.com"


@dataclass(frozen=True)
class Probe:
    action: str
    resource: str  # a format string over partition, region, account, cluster


_ROLE = "arn:{p}:iam::{a}:role/" + PROBE
_USER = "arn:{p}:iam::{a}:user/" + PROBE
_GROUP = "arn:{p}:iam::{a}:group/" + PROBE
_POLICY = "arn:{p}:iam::{a}:policy/" + PROBE

PASS_ROLE = Probe("iam:PassRole", _ROLE)
LAUNCH = (
    Probe("ec2:RunInstances", "arn:{p}:ec2:{r}:{a}:instance/i-0" + "0" * 16),
    Probe("lambda:CreateFunction", "arn:{p}:lambda:{r}:{a}:function:" + PROBE),
    Probe("ecs:RunTask", "arn:{p}:ecs:{r}:{a}:task-definition/" + PROBE + ":1"),
    Probe("glue:CreateDevEndpoint", "arn:{p}:glue:{r}:{a}:devEndpoint/" + PROBE),
    Probe("cloudformation:CreateStack", "arn:{p}:cloudformation:{r}:{a}:stack/" + PROBE + "/1"),
    Probe("codebuild:CreateProject", "arn:{p}:codebuild:{r}:{a}:project/" + PROBE),
    Probe("sagemaker:CreateNotebookInstance", "arn:{p}:sagemaker:{r}:{a}:notebook-instance/" + PROBE),
)
"""Compute launches that run code with a role passed to them."""
IAM_WRITES = (
    Probe("iam:AttachRolePolicy", _ROLE),
    Probe("iam:PutRolePolicy", _ROLE),
    Probe("iam:UpdateAssumeRolePolicy", _ROLE),
    Probe("iam:AttachUserPolicy", _USER),
    Probe("iam:PutUserPolicy", _USER),
    Probe("iam:CreateAccessKey", _USER),
    Probe("iam:CreateLoginProfile", _USER),
    Probe("iam:AddUserToGroup", _GROUP),
    Probe("iam:AttachGroupPolicy", _GROUP),
    Probe("iam:PutGroupPolicy", _GROUP),
    Probe("iam:CreatePolicyVersion", _POLICY),
    Probe("iam:SetDefaultPolicyVersion", _POLICY),
    Probe("sts:AssumeRole", _ROLE),
)
SECRET_READS = (
    Probe("secretsmanager:GetSecretValue", "arn:{p}:secretsmanager:{r}:{a}:secret:" + PROBE + "-AbCdEf"),
    Probe("ssm:GetParameter", "arn:{p}:ssm:{r}:{a}:parameter/" + PROBE),
    Probe("ssm:GetParameters", "arn:{p}:ssm:{r}:{a}:parameter/" + PROBE),
    Probe("ssm:GetParametersByPath", "arn:{p}:ssm:{r}:{a}:parameter/" + PROBE),
    Probe("kms:Decrypt", "arn:{p}:kms:{r}:{a}:key/" + PROBE),
)
EKS_ACCESS = (
    Probe("eks:CreateAccessEntry", "arn:{p}:eks:{r}:{a}:cluster/{c}"),
    Probe("eks:UpdateAccessEntry", "arn:{p}:eks:{r}:{a}:access-entry/{c}/role/{a}/" + PROBE + "/0"),
    Probe("eks:AssociateAccessPolicy", "arn:{p}:eks:{r}:{a}:access-entry/{c}/role/{a}/" + PROBE + "/0"),
    Probe("eks:UpdateClusterConfig", "arn:{p}:eks:{r}:{a}:cluster/{c}"),
    Probe("eks:CreateCluster", "arn:{p}:eks:{r}:{a}:cluster/" + PROBE),
)
"""EKS access management: a principal that can create an access entry and associate
AmazonEKSClusterAdminPolicy, or switch the authentication mode, makes anyone cluster admin."""
ALL_PROBES = (PASS_ROLE, *LAUNCH, *IAM_WRITES, *SECRET_READS, *EKS_ACCESS)


def workload_roles(ctx: CheckContext) -> list[IamRole]:
    """Roles pods can get: by trust (IRSA web identity, Pod Identity) or by reference."""
    return ctx.cached("workload_roles", lambda: _workload_roles(ctx))


def _workload_roles(ctx: CheckContext) -> list[IamRole]:
    referenced = {link.role_arn for link in ctx.model.workload_roles}
    out: list[IamRole] = []
    for role in ctx.model.iam.roles:
        if role.origin is None:
            continue
        trusted = any(
            ":oidc-provider/" in value or value == _WORKLOAD_SERVICE
            for st in (role.trust.statements if role.trust else ())
            if st.effect == "Allow" and st.principal is not None
            for _kind, value in st.principal.entries
        )
        if trusted or (role.arn is not None and role.arn in referenced):
            out.append(role)
    return out


def _region(ctx: CheckContext) -> str:
    for issuer in ctx.model.iam.oidc_issuers:
        match = _OIDC_REGION.match(issuer.issuer)
        if match:
            return match.group(1)
    return _DEFAULT_REGION


def _resource(ctx: CheckContext, probe: Probe) -> str:
    cluster = ctx.model.cluster
    name = cluster.name if cluster is not None and cluster.name else PROBE
    return probe.resource.format(p=ctx.model.partition, r=_region(ctx), a=ctx.model.account or "000000000000", c=name)


def _matchable(ctx: CheckContext, role: IamRole) -> frozenset[str]:
    """The probe actions some Allow statement of the role's identity policies names: no other
    probe needs the full evaluation (a shortcut, not a second evaluator: every answer is still
    ``evaluate_identity``'s). Action lists repeat (one managed policy on many roles), so each
    distinct Action/NotAction list is matched once."""

    def statement_actions(st: Statement) -> frozenset[str]:
        return ctx.cached(("probe-actions", st.actions, st.not_actions), lambda: frozenset(
            p.action for p in ALL_PROBES if action_matches(st, p.action)))  # fmt: skip

    def build() -> frozenset[str]:
        sources = identity_sources(ctx.model, "role", role.name)
        return frozenset(a for src in sources if src.document is not None for st in src.document.statements
                         if st.effect == "Allow" for a in statement_actions(st))  # fmt: skip

    return ctx.cached(("matchable", role.name), build)


def allowed(ctx: CheckContext, role: IamRole, probes: Sequence[Probe]) -> list[str]:
    """The probes' actions the role's effective permissions allow (conditional ones marked)."""
    phrases: list[str] = []
    matchable = _matchable(ctx, role)
    for probe in probes:
        if probe.action not in matchable:
            continue
        decision = evaluate_identity(ctx.model, "role", role.name, probe.action, _resource(ctx, probe))
        if decision.allowed:
            phrases.append(probe.action + (" (under conditions)" if decision.conditional else ""))
    return phrases


def unknown_policies(ctx: CheckContext, role: IamRole) -> list[str]:
    """Attached policies (and the boundary) whose contents neither the plan nor the shipped
    data know: the role's effective permissions cannot be fully judged."""
    out = [a.policy_arn for a in ctx.model.attachments_of("role", role.name) if not a.contents.known]
    if role.boundary is not None and not role.boundary.known:
        out.append(f"{role.boundary.arn} (permissions boundary)")
    return list(dict.fromkeys(out))


def _finding(rule: Rule, ctx: CheckContext, role: IamRole, message: str, *, severity: Severity | None = None,
             enforcement: Enforcement | None = None) -> Finding | None:  # fmt: skip
    if role.origin is None:
        return None
    return rule.finding(ctx, role.origin, f"workload role '{role.name}' {message}", keys=[role.name, role.arn],
                        subjects=[role.arn] if role.arn else [], severity=severity, enforcement=enforcement)  # fmt: skip


# --- IAM-WORKLOAD-ESCALATION ---------------------------------------------------------------


def _check_escalation(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for role in workload_roles(ctx):
        passes = allowed(ctx, role, (PASS_ROLE,))
        launches = allowed(ctx, role, LAUNCH) if passes else []
        writes = allowed(ctx, role, IAM_WRITES)
        paths: list[str] = []
        if passes and launches:
            paths.append(f"iam:PassRole on any role with {', '.join(launches)}")
        paths += writes
        if paths:
            yield from emit(_finding(
                rule, ctx, role,
                f"can escalate to any IAM permission of the account: {'; '.join(paths)}; scope "
                "iam:PassRole to the named roles the workload launches with and grant no IAM "
                "writes or sts:AssumeRole on '*' to pods",
            ))  # fmt: skip
            continue
        unknown = unknown_policies(ctx, role)
        if unknown:
            yield from emit(_finding(
                rule, ctx, role,
                f"has policies whose contents eks-access does not ship ({', '.join(unknown)}), so its "
                "effective permissions cannot be judged; review them, or grant through policies of the plan",
                severity=rule.advisory_severity, enforcement=Enforcement.ADVISORY,
            ))  # fmt: skip


IAM_WORKLOAD_ESCALATION = Rule(
    id="IAM-WORKLOAD-ESCALATION",
    title="No IAM privilege escalation from pods",
    description=(
        "A workload role's effective permissions (inline, customer and AWS-managed policies, "
        "boundary applied) must not allow iam:PassRole on any role together with a compute "
        "launch (ec2:RunInstances, lambda:CreateFunction, ecs:RunTask, glue:CreateDevEndpoint, "
        "cloudformation:CreateStack, codebuild:CreateProject, sagemaker:CreateNotebookInstance), "
        "IAM policy or trust writes (Attach*/Put*Policy, CreatePolicyVersion, "
        "SetDefaultPolicyVersion, UpdateAssumeRolePolicy, CreateAccessKey, login profiles, "
        "group membership) or sts:AssumeRole on any role: each turns a compromised pod into "
        "account takeover. Policies whose contents are unknown give an advisory."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("OWASP Kubernetes Top Ten 2022 K06", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
                "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
                "cloudsplaining: PrivilegeEscalation"),
    check=_check_escalation,
    also_advisory=True,
    advisory_severity=Severity.LOW,
)


# --- IAM-WORKLOAD-SECRETS ------------------------------------------------------------------


def _check_secrets(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for role in workload_roles(ctx):
        reads = allowed(ctx, role, SECRET_READS)
        if reads:
            yield from emit(_finding(
                rule, ctx, role,
                f"can read every secret of its kind in the account: {', '.join(reads)} on '*'; "
                "name the secrets, parameters and keys the workload reads (ARNs or a path prefix)",
            ))  # fmt: skip


IAM_WORKLOAD_SECRETS = Rule(
    id="IAM-WORKLOAD-SECRETS",
    title="No account-wide secret reads from pods",
    description=(
        "secretsmanager:GetSecretValue, ssm:GetParameter(s)/GetParametersByPath or kms:Decrypt "
        "on every resource of the account exposes every credential stored there to a "
        "compromised pod."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("OWASP Kubernetes Top Ten 2022 K06", "cloudsplaining: CredentialsExposure",
                "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html"),
    check=_check_secrets,
)


# --- IAM-WORKLOAD-EKS-ACCESS ---------------------------------------------------------------


def _check_eks_access(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for role in workload_roles(ctx):
        found = allowed(ctx, role, EKS_ACCESS)
        if found:
            yield from emit(_finding(
                rule, ctx, role,
                f"can manage cluster access: {', '.join(found)}; a pod with it can give any "
                "principal (itself included) AmazonEKSClusterAdminPolicy; manage access entries "
                "from the deployment pipeline, never from a workload",
            ))  # fmt: skip


IAM_WORKLOAD_EKS_ACCESS = Rule(
    id="IAM-WORKLOAD-EKS-ACCESS",
    title="No EKS access management from pods",
    description=(
        "eks:CreateAccessEntry, eks:UpdateAccessEntry, eks:AssociateAccessPolicy, "
        "eks:UpdateClusterConfig (authentication mode) or eks:CreateCluster on a workload role "
        "let a pod make any IAM principal a cluster admin."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("OWASP Kubernetes Top Ten 2022 K06", "https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html"),
    check=_check_eks_access,
)

WORKLOAD_RULES = (IAM_WORKLOAD_ESCALATION, IAM_WORKLOAD_SECRETS, IAM_WORKLOAD_EKS_ACCESS)
