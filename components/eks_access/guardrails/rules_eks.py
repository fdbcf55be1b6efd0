"""EKS authentication guardrails: how IAM identities become Kubernetes identities.

Every identity mapping of the model is judged by the same code, whatever declared it: aws-auth
``mapRoles``/``mapUsers``/``mapAccounts``, pulumi-eks ``roleMappings``/``userMappings``/
``accessEntries``, and EKS access entries (OWASP Kubernetes Top Ten K06). What EKS or
pulumi-eks create on their own (implicit records, node instance roles) and pulumi-eks children
whose parent already states the same facts are not judged here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from eks_access.guardrails.describe import describe_binding, mapping_subjects
from eks_access.guardrails.model import (
    CheckContext,
    Enforcement,
    Finding,
    Rule,
    Scope,
    Severity,
    emit,
)
from eks_access.model.eks import IdentityMapping


def declared_mappings(ctx: CheckContext) -> list[IdentityMapping]:
    """Mappings a user declared: STANDARD entries, not implicit, not restated by a child."""
    return [
        m for m in ctx.model.eks.mappings
        if not m.shadowed and not m.implicit and not m.node_role and m.entry_type == "STANDARD"
    ]  # fmt: skip


def _who(entry: IdentityMapping) -> str:
    return f"{entry.source} ({entry.principal_arn or 'unknown ARN'})"


# --- EKS-AUTHMODE --------------------------------------------------------------------------


def _check_authmode(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for cluster in ctx.model.eks.clusters:
        if cluster.shadowed:
            continue
        mode = cluster.effective_mode
        shown = mode if cluster.mode_declared else "unset, so EKS uses CONFIG_MAP"
        if mode == "CONFIG_MAP":
            yield from emit(
                rule.finding(
                    ctx,
                    cluster.origin,
                    f"authentication mode is {shown}: every identity lives in the shared aws-auth "
                    "ConfigMap, where one bad edit locks out nodes and admins; set "
                    "authenticationMode: API and use access entries",
                )
            )
        elif mode == "API_AND_CONFIG_MAP":
            yield from emit(
                rule.finding(
                    ctx,
                    cluster.origin,
                    "authentication mode is API_AND_CONFIG_MAP: aws-auth still grants access next "
                    "to access entries; migrate its entries and switch to API",
                    severity=rule.advisory_severity,
                    enforcement=Enforcement.ADVISORY,
                )
            )


EKS_AUTHMODE = Rule(
    id="EKS-AUTHMODE",
    title="Cluster authentication through access entries",
    description=(
        "CONFIG_MAP mode keeps every mapping in one mutable ConfigMap that anyone with write "
        "access to kube-system can extend (mandatory); API_AND_CONFIG_MAP is the migration "
        "state and only advised against. [kubescape C-0285]"
    ),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("C-0285",),
    check=_check_authmode,
    also_advisory=True,
)


# --- EKS-MASTERS ---------------------------------------------------------------------------


def _check_masters(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for entry in declared_mappings(ctx):
        if "system:masters" in entry.groups:
            yield from emit(
                rule.finding(
                    ctx,
                    entry.origin,
                    f"{_who(entry)} is mapped to system:masters, which bypasses RBAC entirely "
                    "and cannot be revoked by any binding; map it to a group bound to the role "
                    "it needs (or AmazonEKSClusterAdminPolicy for an allow-listed break-glass role)",
                    keys=[entry.principal_arn, entry.username],
                    subjects=mapping_subjects(entry),
                )
            )
    for binding in ctx.model.k8s.bindings:
        if any(s.kind == "Group" and s.name == "system:masters" for s in binding.subjects):
            yield from emit(
                rule.finding(
                    ctx,
                    binding.origin,
                    f"{describe_binding(binding)} names Group system:masters as a subject; members "
                    "already hold every permission, so the binding only hides that; remove it",
                    subjects=["group:system:masters"],
                )
            )


EKS_MASTERS = Rule(
    id="EKS-MASTERS",
    title="Nobody mapped to system:masters",
    description=(
        "system:masters is hard-wired to full access before RBAC is consulted: no binding "
        "can narrow or revoke it, and on EKS it is invisible to RBAC inspection tools. "
        "[kubescape C-0246]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("C-0246",),
    check=_check_masters,
)


# --- EKS-CLUSTER-ADMIN-POLICY --------------------------------------------------------------


def _check_cluster_admin_policy(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for policy in ctx.model.eks.access_policies:
        if policy.implicit or not policy.policy_arn.endswith("/AmazonEKSClusterAdminPolicy"):
            continue
        if policy.scope.type != "cluster":
            continue
        yield from emit(
            rule.finding(
                ctx,
                policy.origin,
                f"{policy.principal_arn or 'a principal'} gets AmazonEKSClusterAdminPolicy at "
                "cluster scope (cluster-admin everywhere); use AmazonEKSAdminPolicy or "
                "AmazonEKSEditPolicy scoped to namespaces, or allow-list the break-glass role",
                keys=[policy.principal_arn],
                subjects=[policy.principal_arn] if policy.principal_arn else [],
            )
        )


EKS_CLUSTER_ADMIN_POLICY = Rule(
    id="EKS-CLUSTER-ADMIN-POLICY",
    title="Cluster-wide AmazonEKSClusterAdminPolicy only for named principals",
    description=(
        "The access-entry equivalent of system:masters: full control of every namespace. "
        "Only a deliberate break-glass principal, named in the allow-list, should hold it "
        "at cluster scope."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=(),
    check=_check_cluster_admin_policy,
)


# --- EKS-NO-IAM-USERS ----------------------------------------------------------------------


def _check_no_iam_users(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for entry in declared_mappings(ctx):
        if entry.kind == "account" and entry.mechanism == "aws-auth":
            yield from emit(
                rule.finding(
                    ctx,
                    entry.origin,
                    f"{entry.source} maps every IAM principal of account {entry.principal_arn} into the "
                    "cluster; map the specific roles instead",
                    keys=[entry.principal_arn],
                )
            )
        elif entry.kind == "user":
            yield from emit(
                rule.finding(
                    ctx,
                    entry.origin,
                    f"{_who(entry)} maps an IAM user directly: long-lived keys, one mapping per "
                    "person; put the user in an IAM group allowed to assume a mapped role",
                    keys=[entry.principal_arn],
                    severity=rule.advisory_severity,
                    enforcement=Enforcement.ADVISORY,
                    subjects=mapping_subjects(entry),
                )
            )


EKS_NO_IAM_USERS = Rule(
    id="EKS-NO-IAM-USERS",
    title="Map roles, not IAM users or accounts",
    description=(
        "IAM users carry long-lived access keys and are mapped one by one (advisory); "
        "mapAccounts admits every principal of an account (mandatory)."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=(),
    check=_check_no_iam_users,
    also_advisory=True,
    advisory_severity=Severity.MEDIUM,
)


# --- EKS-USERNAME-TEMPLATE -----------------------------------------------------------------

_SESSION = "{{SessionName}}"
_EC2_DNS = "{{EC2PrivateDNSName}}"


def _check_username(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for entry in declared_mappings(ctx):
        if entry.kind != "role" or not entry.username or "system:nodes" in entry.groups:
            continue
        name = entry.username
        keys = [entry.principal_arn, name]
        if _EC2_DNS in name:
            yield from emit(
                rule.finding(
                    ctx,
                    entry.origin,
                    f"{_who(entry)} uses {_EC2_DNS} in username '{name}' without the "
                    "system:nodes group: the template only resolves for EC2 instance sessions "
                    f"and makes a person look like a node; use '<team>:{_SESSION}'",
                    keys=keys,
                )
            )
        elif name.startswith(_SESSION):
            yield from emit(
                rule.finding(
                    ctx,
                    entry.origin,
                    f"{_who(entry)} username '{name}' starts with {_SESSION}, which the caller "
                    "chooses when assuming the role, so it can claim another user's RBAC "
                    f"bindings; put a fixed prefix first, e.g. '<team>:{_SESSION}'",
                    keys=keys,
                )
            )
        elif _SESSION not in name:
            yield from emit(
                rule.finding(
                    ctx,
                    entry.origin,
                    f"{_who(entry)} maps every session to the fixed username '{name}', so "
                    f"audit logs cannot tell who acted; use '{name}:{_SESSION}'",
                    keys=keys,
                    severity=rule.advisory_severity,
                    enforcement=Enforcement.ADVISORY,
                )
            )


EKS_USERNAME_TEMPLATE = Rule(
    id="EKS-USERNAME-TEMPLATE",
    title="Role usernames name the session",
    description=(
        "A fixed username (the worked example's 'developer') hides who acted: advisory. A "
        "username that begins with {{SessionName}} lets the caller pick its Kubernetes "
        "identity, and {{EC2PrivateDNSName}} outside a system:nodes mapping impersonates a "
        "node: both mandatory. Node mappings (system:nodes) are left alone."
    ),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=(),
    check=_check_username,
    also_advisory=True,
)


# --- EKS-AWSAUTH-PATH ----------------------------------------------------------------------

_ROLE_WITH_PATH = re.compile(r"^(arn:[^:]+:iam::[^:]*:role)/(.+/)([^/]+)$")


def _check_awsauth_path(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for entry in declared_mappings(ctx):
        if entry.kind != "role" or entry.mechanism != "aws-auth" or entry.principal_arn is None:
            continue
        match = _ROLE_WITH_PATH.match(entry.principal_arn)
        if match is None:
            continue
        yield from emit(
            rule.finding(
                ctx,
                entry.origin,
                f"{_who(entry)} has the IAM path '/{match.group(2)}': aws-auth compares the "
                "path-less ARN of the assumed role, so this entry never matches; write "
                f"{match.group(1)}/{match.group(3)}",
                keys=[entry.principal_arn],
                subjects=mapping_subjects(entry),
            )
        )


EKS_AWSAUTH_PATH = Rule(
    id="EKS-AWSAUTH-PATH",
    title="aws-auth role ARNs without IAM path",
    description=(
        "The authenticator canonicalizes an assumed-role ARN to arn:...:role/<name>, dropping "
        "the path, so a rolearn written with its path silently grants nothing and the team "
        "gets 'Unauthorized'. Access entries take the full ARN and are not affected."
    ),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=(),
    check=_check_awsauth_path,
)

EKS_RULES = (
    EKS_AUTHMODE,
    EKS_MASTERS,
    EKS_CLUSTER_ADMIN_POLICY,
    EKS_NO_IAM_USERS,
    EKS_USERNAME_TEMPLATE,
    EKS_AWSAUTH_PATH,
)
