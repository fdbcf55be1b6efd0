"""RBAC judged where it is bound: what each binding of the plan gives, cluster-wide or in a namespace.

These rules need the binding and its role together (a ClusterRole is harmless until bound), so
they run on the whole plan. Roles are judged by their effective rules, built-in or not
(``eks_access.guardrails.privilege``), exactly as the API server would authorize the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from eks_access.authz.rbac.attributes import Attributes
from eks_access.guardrails.describe import (
    binding_subjects,
    describe_binding,
    subject_allow_keys,
    subject_text,
)
from eks_access.guardrails.model import (
    CheckContext,
    Enforcement,
    Finding,
    Rule,
    Scope,
    Severity,
    emit,
)
from eks_access.guardrails.privilege import (
    POD_VERBS,
    POD_WORKLOADS,
    BoundRole,
    allowed_phrases,
    bound_roles,
    privileged_request,
    reaching_kube_system,
)
from eks_access.model.eks import API

_POD_REQUESTS = tuple(Attributes(verb, resource, api_group=group) for group, resource in POD_WORKLOADS for verb in POD_VERBS)


def _via(bound: BoundRole) -> str:
    kind = "built-in " if bound.role.builtin else ""
    return f"{describe_binding(bound.binding)} gives {', '.join(subject_text(bound.binding, s) for s in bound.binding.subjects) or 'no subjects'} {kind}{bound.role.ref} {bound.where}"


def _scope_findings(rule: Rule, ctx: CheckContext, grants: Callable[[BoundRole], list[str]],
                    why: Callable[[BoundRole, list[str]], str]) -> Iterator[Finding]:  # fmt: skip
    """A finding on each binding reaching kube-system whose role grants something ``grants`` finds."""
    for bound in reaching_kube_system(ctx):
        granted = grants(bound)
        if granted:
            yield from emit(rule.finding(
                ctx, bound.binding.origin, why(bound, granted),
                keys=subject_allow_keys(bound.binding), subjects=binding_subjects(bound.binding),
            ))  # fmt: skip


# --- RBAC-POD-CREATE -----------------------------------------------------------------------


def _check_pod_create(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    return _scope_findings(rule, ctx, lambda bound: allowed_phrases(bound.role.rules, _POD_REQUESTS), lambda bound, granted: (
        f"{_via(bound)}, which allows {', '.join(granted)}: a pod started there can run as "
        "any ServiceAccount of its namespace (kube-system's controllers included) and mount "
        "the node's filesystem; bind workload rights with RoleBindings in the team's own namespaces"))  # fmt: skip


RBAC_POD_CREATE = Rule(
    id="RBAC-POD-CREATE",
    title="No pod or workload creation cluster-wide or in kube-system",
    description=(
        "create/update/patch of pods or of the workloads that create them (deployments, "
        "daemonsets, statefulsets, replicasets, jobs, cronjobs, replicationcontrollers) through a "
        "ClusterRoleBinding, or a RoleBinding in kube-system, runs chosen code as any "
        "ServiceAccount there and mounts host paths: a path to cluster admin. Roles are judged "
        "by their effective rules, so built-in edit bound cluster-wide and admin bound in "
        "kube-system are reported. Workload rights in a team's own namespace are not."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("CIS Amazon EKS Benchmark 4.1.4", "OWASP Kubernetes Top Ten 2022 K03",
                "RBAC good practices: Workload creation", "KubiScan: create pods"),
    check=_check_pod_create,
)


# --- RBAC-SYSTEM-SECRETS -------------------------------------------------------------------

_SECRET_VERBS = ("get", "list", "watch")


def _secret_reads(bound: BoundRole) -> list[str]:
    """Reads of kube-system secrets, named ones included: every name a rule lists is a
    kube-system secret when the binding reaches kube-system."""
    requests = [Attributes(v, "secrets") for v in _SECRET_VERBS]
    names = {n for r in bound.role.rules for n in r.resource_names}
    requests += [Attributes(v, "secrets", name=n) for n in sorted(names) for v in _SECRET_VERBS]
    return allowed_phrases(bound.role.rules, requests)


def _check_system_secrets(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    return _scope_findings(rule, ctx, _secret_reads, lambda bound, granted: (
        f"{_via(bound)}, which allows {', '.join(granted)} in kube-system: its Secrets hold "
        "the tokens and keys of the cluster's controllers and add-ons; keep secret access in "
        "the team's own namespaces (a RoleBinding there), never cluster-wide or in kube-system"))  # fmt: skip


RBAC_SYSTEM_SECRETS = Rule(
    id="RBAC-SYSTEM-SECRETS",
    title="No reading of kube-system Secrets",
    description=(
        "get/list/watch on secrets reaching kube-system (a ClusterRoleBinding, or a RoleBinding "
        "in kube-system), judged by target: resourceNames naming a secret keeps the finding, "
        "because every name then names a kube-system secret."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("CIS Amazon EKS Benchmark 4.1.2", "OWASP Kubernetes Top Ten 2022 K03", "RBAC good practices: Listing secrets"),
    check=_check_system_secrets,
)


# --- RBAC-AWS-AUTH -------------------------------------------------------------------------

AWS_AUTH = "aws-auth"
_AWS_AUTH_REQUESTS = tuple(Attributes(v, "configmaps", name=AWS_AUTH) for v in ("create", "update", "patch"))


def _check_aws_auth(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    mode = ctx.model.authentication_mode
    if mode == API:
        return  # EKS reads aws-auth only in CONFIG_MAP and API_AND_CONFIG_MAP modes
    yield from _scope_findings(rule, ctx, lambda bound: allowed_phrases(bound.role.rules, _AWS_AUTH_REQUESTS), lambda bound, granted: (
        f"{_via(bound)}, which allows {', '.join(granted)} in kube-system while the cluster "
        f"authenticates through aws-auth ({mode}): a new mapRoles entry maps any IAM role to "
        "system:masters; manage mappings as access entries (authenticationMode: API) and "
        "give nobody write access to kube-system ConfigMaps"))  # fmt: skip


RBAC_AWS_AUTH = Rule(
    id="RBAC-AWS-AUTH",
    title="No write access to the aws-auth ConfigMap",
    description=(
        "In CONFIG_MAP and API_AND_CONFIG_MAP modes EKS authenticates IAM principals through "
        "kube-system/aws-auth: whoever may create, update or patch it can map any IAM role to "
        "system:masters. Rules narrowed by resourceNames to other ConfigMaps are accepted; in "
        "API mode EKS ignores aws-auth and the rule is silent."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html",
                "https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html",
                "OWASP Kubernetes Top Ten 2022 K03"),
    check=_check_aws_auth,
)


# --- RBAC-DEFAULT-SA -----------------------------------------------------------------------


def _check_default_sa(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for bound in bound_roles(ctx):
        b = bound.binding
        defaults = [s for s in b.subjects if s.kind == "ServiceAccount" and s.name == "default" and b.subject_namespace(s)]
        if not defaults:
            continue
        request = privileged_request(bound.role.rules)
        where = ", ".join(f"ServiceAccount {b.subject_namespace(s)}/default" for s in defaults)
        extra = f", which allows {request}" if request else ""
        yield from emit(rule.finding(
            ctx, b.origin,
            f"{describe_binding(b)} gives {where} {bound.role.ref}{extra}: every pod of the namespace "
            "that names no ServiceAccount runs with it; create a dedicated ServiceAccount for the "
            "workload that needs the rights and bind that instead",
            keys=subject_allow_keys(b),
            subjects=binding_subjects(b),
            severity=rule.severity if request else rule.advisory_severity,
            enforcement=rule.enforcement if request else Enforcement.ADVISORY,
        ))  # fmt: skip


RBAC_DEFAULT_SA = Rule(
    id="RBAC-DEFAULT-SA",
    title="No rights for a namespace's default ServiceAccount",
    description=(
        "Every pod that names no ServiceAccount runs as its namespace's default one, so rights "
        "given to it reach any workload anyone deploys there. Mandatory when the role allows a "
        "privileged request (pod creation, secrets, escalate/bind/impersonate, bindings, tokens, "
        "exec), advisory otherwise."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("CIS Amazon EKS Benchmark 4.1.5", "OWASP Kubernetes Top Ten 2022 K03",
                "RBAC good practices: Minimize distribution of privileged tokens"),
    check=_check_default_sa,
    also_advisory=True,
    advisory_severity=Severity.MEDIUM,
)

SCOPE_RULES = (RBAC_POD_CREATE, RBAC_SYSTEM_SECRETS, RBAC_AWS_AUTH, RBAC_DEFAULT_SA)
