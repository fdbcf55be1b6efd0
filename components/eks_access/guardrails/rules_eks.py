"""EKS authentication guardrails: how IAM identities become Kubernetes identities.

Every identity mapping of the model is judged by the same code, whatever declared it: aws-auth
``mapRoles``/``mapUsers``/``mapAccounts``, pulumi-eks ``roleMappings``/``userMappings``/
``accessEntries``, and EKS access entries (OWASP Kubernetes Top Ten 2022 K06). What EKS or
pulumi-eks create on their own (implicit records, node instance roles) and pulumi-eks children
whose parent already states the same facts are not judged here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from eks_access.authz.rbac.access_policies import policy_rules, scope_covers
from eks_access.authz.rbac.attributes import Attributes
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
from eks_access.guardrails.privilege import KUBE_SYSTEM, privileged_request
from eks_access.model.eks import CLUSTER_CREATOR, AccessPolicyAssociation, IdentityMapping


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
    references=("CIS Amazon EKS Benchmark 4.1.7", "OWASP Kubernetes Top Ten 2022 K03", "C-0246"),
    check=_check_masters,
)


# --- EKS-CLUSTER-ADMIN-POLICY --------------------------------------------------------------

BREAK_GLASS_TAG = "eks-access/break-glass"
"""The tag the stack puts on ``cluster.admins`` access entries (stack/access.py)."""
CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"


def _reaches_kube_system(policy: AccessPolicyAssociation) -> bool:
    """Cluster scope, or a namespace scope whose names (wildcards allowed) match kube-system."""
    return scope_covers(policy.scope, Attributes("get", "pods", namespace=KUBE_SYSTEM))


def _break_glass(ctx: CheckContext, policy: AccessPolicyAssociation) -> bool:
    """A declared break-glass admin: the principal's access entry carries the stack's tag."""
    for entry in ctx.model.eks.mappings:
        if entry.mechanism == "access-entry" and entry.principal_arn == policy.principal_arn:
            tags = entry.origin.record.inputs.get("tags")
            if isinstance(tags, Mapping) and tags.get(BREAK_GLASS_TAG) == "true":
                return True
    return False


def _check_cluster_admin_policy(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for policy in ctx.model.eks.access_policies:
        if policy.implicit or not _reaches_kube_system(policy):
            continue
        found = policy_rules(policy.policy_arn)
        request = privileged_request(found[0]) if found is not None else None
        if request is None:
            continue
        where = "at cluster scope" if policy.scope.type == "cluster" else f"in namespaces {', '.join(policy.scope.namespaces)}"
        who = policy.principal_arn or "a principal"
        subjects = [policy.principal_arn] if policy.principal_arn else []
        if policy.policy_name == CLUSTER_ADMIN_POLICY and policy.scope.type == "cluster" and _break_glass(ctx, policy):
            yield from emit(rule.finding(
                ctx, policy.origin,
                f"{who} is a declared break-glass admin (cluster.admins): {CLUSTER_ADMIN_POLICY} at "
                "cluster scope; keep the role's trust to a few people with MFA and review its use",
                keys=[policy.principal_arn], subjects=subjects,
                severity=rule.advisory_severity, enforcement=Enforcement.ADVISORY,
            ))  # fmt: skip
            continue
        yield from emit(rule.finding(
            ctx, policy.origin,
            f"{who} gets {policy.policy_name} {where}, which allows {request} (kube-system included); "
            "use AmazonEKSEditPolicy or AmazonEKSViewPolicy scoped to the team's namespaces, and "
            "declare break-glass admins in cluster.admins",
            keys=[policy.principal_arn], subjects=subjects,
        ))  # fmt: skip


EKS_CLUSTER_ADMIN_POLICY = Rule(
    id="EKS-CLUSTER-ADMIN-POLICY",
    title="No privileged EKS access policy cluster-wide or in kube-system",
    description=(
        "An EKS access policy is judged by its Kubernetes permissions (shipped data): one that "
        "allows a privileged request (pod creation, secrets, bindings, impersonation...) at "
        "cluster scope or in kube-system is mandatory: AmazonEKSClusterAdminPolicy (the "
        "access-entry equivalent of system:masters), AmazonEKSAdminPolicy and "
        "AmazonEKSEditPolicy. A break-glass admin declared in cluster.admins (the stack tags its "
        "entry) is reported as advisory; any other principal needs an allow-list entry."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html",
                "CIS Amazon EKS Benchmark 4.1.1", "OWASP Kubernetes Top Ten 2022 K03"),
    check=_check_cluster_admin_policy,
    also_advisory=True,
    advisory_severity=Severity.MEDIUM,
)


# --- EKS-CREATOR-ADMIN ---------------------------------------------------------------------



def _check_creator_admin(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for policy in ctx.model.eks.access_policies:
        if policy.implicit != CLUSTER_CREATOR:
            continue
        yield from emit(rule.finding(
            ctx, policy.origin,
            f"{policy.principal_arn or 'the deployer'} is a hidden cluster admin: EKS gives the cluster's "
            f"creator this {policy.policy_name} entry (with pulumi-eks, whoever runs `pulumi up`: "
            "bootstrapClusterCreatorAdminPermissions); declare explicit break-glass admins (cluster.admins) "
            "and delete the creator's access entry once the cluster is deployed",
            keys=[policy.principal_arn], subjects=[policy.principal_arn] if policy.principal_arn else [],
        ))  # fmt: skip


EKS_CREATOR_ADMIN = Rule(
    id="EKS-CREATOR-ADMIN",
    title="The cluster creator is not a permanent admin",
    description=(
        "EKS gives the principal that creates the cluster an access entry with "
        "AmazonEKSClusterAdminPolicy (the plan records it as implicit: eks-cluster-creator). It is "
        "invisible in the stack config and outlives the deploy. Advisory: the first deploy needs "
        "it; afterwards remove it and rely on cluster.admins."
    ),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.ADVISORY,
    scope=Scope.RESOURCE,
    references=("https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html",
                "https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html",
                "CIS Amazon EKS Benchmark 4.1.1"),
    check=_check_creator_admin,
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
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html", "OWASP Kubernetes Top Ten 2022 K06"),
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
    references=("https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html", "OWASP Kubernetes Top Ten 2022 K06"),
    check=_check_username,
    also_advisory=True,
)


# --- EKS-AWSAUTH-PATH ----------------------------------------------------------------------

_ROLE_WITH_PATH = re.compile(r"(arn:[^:]+:iam::[^:]*:role)/(.+/)([^/]+)")


def _check_awsauth_path(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for entry in declared_mappings(ctx):
        if entry.kind != "role" or entry.mechanism != "aws-auth" or entry.principal_arn is None:
            continue
        match = _ROLE_WITH_PATH.fullmatch(entry.principal_arn)
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
    references=("https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html", "https://github.com/kubernetes-sigs/aws-iam-authenticator/issues/153"),
    check=_check_awsauth_path,
)

EKS_RULES = (
    EKS_AUTHMODE,
    EKS_MASTERS,
    EKS_CLUSTER_ADMIN_POLICY,
    EKS_CREATOR_ADMIN,
    EKS_NO_IAM_USERS,
    EKS_USERNAME_TEMPLATE,
    EKS_AWSAUTH_PATH,
)
