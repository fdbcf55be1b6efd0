"""Kubernetes RBAC guardrails (OWASP Kubernetes Top Ten 2022 K03: overly permissive RBAC).

Content rules judge the EFFECTIVE rules (aggregation resolved) of every Role/ClusterRole the
plan declares, and of every built-in role a plan binding grants cluster-wide or in kube-system:
a built-in ``edit`` bound in a team's namespace is the designed pattern, the same ``edit``
bound cluster-wide or ``admin`` in kube-system is judged by what it allows there
(``eks_access.guardrails.privilege``), never by its name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from eks_access.authz.rbac.rules import api_group_matches, resource_matches, verb_matches
from eks_access.guardrails.describe import (
    binding_subjects,
    describe_binding,
    describe_role,
    subject_allow_keys,
    subject_text,
    subjects_text,
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
    KUBE_SYSTEM,
    RBAC_GROUP,
    privileged_identity,
    privileged_request,
    reaching_kube_system,
    service_account_user,
)
from eks_access.model.k8s import PolicyRule, RbacBinding, RbacRole
from eks_access.model.origin import Origin

WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
READ_VERBS = ("get", "list", "watch")


def granted_verbs(rule: PolicyRule, group: str, resource: str, verbs: Sequence[str] | None) -> list[str]:
    """The verbs of ``verbs`` the rule grants on ``group``/``resource`` (``pods/exec`` form),
    matched as the API server matches (authz.rbac.rules); with ``verbs`` None, its own verbs."""
    _name, _, subresource = resource.partition("/")
    if not api_group_matches(rule, group) or not resource_matches(rule, resource, subresource):
        return []
    if verbs is None:
        return list(rule.verbs)
    return [v for v in verbs if verb_matches(rule, v)]


def _grants(rules: Sequence[PolicyRule], wanted: Sequence[tuple[str, str, tuple[str, ...] | None]],
            skip_named: bool = False) -> list[str]:  # fmt: skip
    """``verb resource`` phrases the rules grant among ``(group, resource, verbs)`` targets."""
    found: list[str] = []
    for rule in rules:
        if skip_named and rule.resource_names:
            continue
        for group, resource, verbs in wanted:
            for verb in granted_verbs(rule, group, resource, verbs):
                phrase = f"{verb} {resource}"
                if phrase not in found:
                    found.append(phrase)
    return found


def is_full_wildcard(rule: PolicyRule) -> bool:
    """``*`` on verbs, apiGroups and resources: the rule is cluster-admin over resources."""
    return "*" in rule.verbs and "*" in rule.api_groups and "*" in rule.resources


def is_discovery_like(rule: PolicyRule) -> bool:
    """What the built-in discovery roles grant: read non-resource URLs and self-reviews.

    Binding ``system:authenticated`` to this much is how Kubernetes itself ships; anything
    more reaches every identity any IAM principal can authenticate as.
    """
    verbs = set(rule.verbs)
    if rule.non_resource_urls and not rule.resources:
        return bool(verbs) and verbs <= {"get", "head"}
    self_reviews = {"selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews"}
    groups = set(rule.api_groups)
    return (
        bool(rule.resources)
        and set(rule.resources) <= self_reviews
        and bool(groups)
        and groups <= {"authorization.k8s.io", "authentication.k8s.io"}
        and verbs == {"create"}
    )


def _plan_roles(ctx: CheckContext) -> list[RbacRole]:
    return list(ctx.model.k8s.roles)


@dataclass(frozen=True)
class Judged:
    """Rules judged by content: a plan role's effective rules, or the effective rules of a
    built-in role a plan binding grants cluster-wide or in kube-system (where it is bound is
    what makes a built-in ``edit``/``admin`` dangerous; the finding is then about the binding)."""

    text: str
    rules: tuple[PolicyRule, ...]
    origin: Origin
    namespace: str | None  # where the rules apply: a Role's namespace, None for everywhere
    subjects: tuple[str, ...] = ()


def judged_roles(ctx: CheckContext) -> list[Judged]:
    return ctx.cached("judged_roles", lambda: list(_judged_roles(ctx)))


def _judged_roles(ctx: CheckContext) -> Iterator[Judged]:
    for role in _plan_roles(ctx):
        effective = None
        if role.name is not None:
            effective = (ctx.rbac.cluster_roles.get(role.name) if role.kind == "ClusterRole"
                         else ctx.rbac.roles.get((role.namespace or "", role.name)))  # fmt: skip
        rules = effective.rules if effective is not None and effective.role is role else role.rules
        yield Judged(describe_role(role), rules, role.origin, role.namespace if role.kind == "Role" else None)
    for bound in reaching_kube_system(ctx):
        if bound.role.builtin:
            yield Judged(
                f"{describe_binding(bound.binding)} (built-in {bound.role.ref}, {bound.where})",
                bound.role.rules, bound.binding.origin, bound.namespace or None,
                tuple(binding_subjects(bound.binding)),
            )


def _content_findings(rule: Rule, ctx: CheckContext, targets: Sequence[tuple[str, str, tuple[str, ...] | None]],
                      why: str, skip_named: bool = False) -> Iterator[Finding]:  # fmt: skip
    """``<role> grants <verb resource, ...>: <why>`` for each judged role granting any target."""
    for item in judged_roles(ctx):
        granted = _grants(item.rules, targets, skip_named=skip_named)
        if granted:
            yield from emit(rule.finding(ctx, item.origin, f"{item.text} grants {', '.join(granted)}: {why}",
                                         subjects=item.subjects))  # fmt: skip


# --- RBAC-WILDCARD -------------------------------------------------------------------------


def _check_wildcard(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for role in _plan_roles(ctx):
        where = [
            f"rules[{r.index}].{key}"
            for r in role.rules
            for key, values in (("apiGroups", r.api_groups), ("resources", r.resources), ("verbs", r.verbs))
            if "*" in values
        ]
        if not where:
            continue
        yield from emit(
            rule.finding(
                ctx,
                role.origin,
                f"{describe_role(role)} uses '*' in {', '.join(where)}; list the exact apiGroups, "
                "resources and verbs the subjects need, so new APIs are not granted silently",
            )
        )


RBAC_WILDCARD = Rule(
    id="RBAC-WILDCARD",
    title="No wildcards in RBAC rules",
    description=(
        "A '*' in verbs, resources or apiGroups of any rule of a Role/ClusterRole grants every "
        "present and future API, including ones added by CRDs and upgrades. "
        "[CKV_K8S_49, kubescape C-0187]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("CIS Amazon EKS Benchmark 4.1.3", "CKV_K8S_49", "C-0187"),
    check=_check_wildcard,
)


# --- RBAC-SECRETS --------------------------------------------------------------------------


def _check_secrets(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    return _content_findings(rule, ctx, [("", "secrets", READ_VERBS)], (
        "every Secret in scope (ServiceAccount tokens, credentials) becomes readable; name the few "
        "Secrets needed with resourceNames, or use IRSA / Pod Identity instead of stored secrets"), skip_named=True)


RBAC_SECRETS = Rule(
    id="RBAC-SECRETS",
    title="No broad read access to Secrets",
    description=(
        "get/list/watch on secrets reads credentials, including tokens of more privileged "
        "ServiceAccounts. Rules narrowed by resourceNames are accepted. A rule with "
        "resources '*' also grants secrets, so it fires together with RBAC-WILDCARD: the two "
        "are different problems and allow-listing one must not hide the other. "
        "[kubescape C-0015, CKV2_K8S_5]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("CIS Amazon EKS Benchmark 4.1.2", "RBAC good practices: Listing secrets", "C-0015", "CKV2_K8S_5"),
    check=_check_secrets,
)


# --- RBAC-EXEC -----------------------------------------------------------------------------

_EXEC_TARGETS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("", "pods/exec", ("create", "get")),
    ("", "pods/attach", ("create", "get")),
    ("", "pods/portforward", ("create", "get")),
    ("", "nodes/proxy", None),
    ("", "pods/ephemeralcontainers", ("update", "patch")),
)


def _check_exec(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    return _content_findings(rule, ctx, _EXEC_TARGETS, (
        "a shell in a pod (or the kubelet API through nodes/proxy) carries the pod's ServiceAccount "
        "and cloud credentials; give debugging access through a separate, allow-listed role"))


RBAC_EXEC = Rule(
    id="RBAC-EXEC",
    title="No exec, attach, port-forward or node proxy",
    description=(
        "create/get on pods/exec, pods/attach, pods/portforward, update/patch on "
        "pods/ephemeralcontainers (adds a debug container, with a shell, to a running pod) and "
        "any verb on nodes/proxy run code next to workload credentials and bypass admission "
        "and audit of the API."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("OWASP Kubernetes Top Ten 2022 K03", "RBAC good practices: Access to proxy subresource of Nodes",
                "C-0002", "C-0063"),
    check=_check_exec,
)


# --- RBAC-ESCALATE -------------------------------------------------------------------------

_ESCALATE_TARGETS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    (RBAC_GROUP, "roles", ("escalate", "bind")),
    (RBAC_GROUP, "clusterroles", ("escalate", "bind")),
    ("", "users", ("impersonate",)),
    ("", "groups", ("impersonate",)),
    ("", "serviceaccounts", ("impersonate",)),
)


def _target_privileged(ctx: CheckContext, resource: str, name: str, namespace: str | None) -> str | None:
    """Why the object a resourceNames entry names is privileged, or None: a role by its
    effective rules, an identity by what it holds (system:masters, privileged bindings)."""
    if resource == "clusterroles":
        target = ctx.rbac.cluster_roles.get(name)
        request = privileged_request(target.rules) if target is not None else None
        return f"{target.ref} allows {request}" if target is not None and request else None
    if resource == "roles":
        found = [r for (ns, n), r in ctx.rbac.roles.items() if n == name and (namespace is None or ns == namespace)]
        for target in found:
            request = privileged_request(target.rules)
            if request:
                return f"{target.ref} allows {request}"
        return None
    if resource == "users":
        return privileged_identity(ctx, name, (), ())
    if resource == "groups":
        return privileged_identity(ctx, "", (name,), ())
    namespaces = [namespace] if namespace else [KUBE_SYSTEM, *(sa.namespace for sa in ctx.model.k8s.service_accounts)]
    for ns in dict.fromkeys(namespaces):
        user, groups = service_account_user(ns, name)
        why = privileged_identity(ctx, user, groups, (ns,))
        if why:
            return f"ServiceAccount {ns}/{name}: {why}"
    return None


def _named_escalations(ctx: CheckContext, item: Judged) -> list[str]:
    """``verb resource 'name' (why)`` for resourceNames-narrowed grants whose target is privileged:
    narrowing to cluster-admin or system:masters is the worst case, not a safe one."""
    found: list[str] = []
    for policy_rule in item.rules:
        for group, resource, verbs in _ESCALATE_TARGETS if policy_rule.resource_names else ():
            for verb in granted_verbs(policy_rule, group, resource, verbs):
                for name in policy_rule.resource_names:
                    why = _target_privileged(ctx, resource, name, item.namespace)
                    phrase = f"{verb} {resource} '{name}' ({why})"
                    if why and phrase not in found:
                        found.append(phrase)
    return found


def _check_escalate(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for item in judged_roles(ctx):
        granted = _grants(item.rules, _ESCALATE_TARGETS, skip_named=True)
        if granted:
            yield from emit(rule.finding(
                ctx, item.origin,
                f"{item.text} grants {', '.join(granted)}: the holder can give itself "
                "any permission or act as any identity; restrict with resourceNames to the "
                "unprivileged roles it may bind or identities it may impersonate",
                subjects=item.subjects,
            ))  # fmt: skip
            continue
        named = _named_escalations(ctx, item)
        if named:
            yield from emit(rule.finding(
                ctx, item.origin,
                f"{item.text} grants {'; '.join(named)}: resourceNames narrows it to a privileged "
                "target, so the holder becomes that target; name only roles and identities that "
                "hold no more than the holder may have",
                subjects=item.subjects,
            ))  # fmt: skip


RBAC_ESCALATE = Rule(
    id="RBAC-ESCALATE",
    title="No privilege escalation verbs",
    description=(
        "escalate/bind on roles or clusterroles bypass RBAC's escalation check; impersonate on "
        "users, groups or serviceaccounts acts as them (system:masters included). Rules "
        "narrowed by resourceNames are the supported way to delegate and are accepted only "
        "when every named target is unprivileged: a role judged by its effective rules, an "
        "identity by what it holds (system:masters, or bindings to privileged roles)."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("CIS Amazon EKS Benchmark 4.1.8", "OWASP Kubernetes Top Ten 2022 K03",
                "RBAC good practices: Escalate verb, Bind verb, Impersonate verb",
                "C-0191", "CKV_K8S_157", "CKV_K8S_158"),
    check=_check_escalate,
)


# --- RBAC-TAKEOVER -------------------------------------------------------------------------

_ADMISSION = "admissionregistration.k8s.io"
_CERTS = "certificates.k8s.io"
_TAKEOVER_TARGETS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("", "serviceaccounts/token", ("create",)),
    (_CERTS, "certificatesigningrequests/approval", ("update", "patch")),
    (_CERTS, "signers", ("approve",)),
    (_ADMISSION, "validatingwebhookconfigurations", WRITE_VERBS),
    (_ADMISSION, "mutatingwebhookconfigurations", WRITE_VERBS),
    ("", "persistentvolumes", ("create",)),
)


def _check_takeover(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    return _content_findings(rule, ctx, _TAKEOVER_TARGETS, (
        "each of these mints credentials, approves certificates, intercepts every API write or "
        "mounts host paths; keep them to cluster operators through a separate, allow-listed role"))


RBAC_TAKEOVER = Rule(
    id="RBAC-TAKEOVER",
    title="No cluster takeover primitives",
    description=(
        "Token creation for ServiceAccounts, CSR approval (certificatesigningrequests/approval "
        "update, signers approve), writes to validating/mutating webhook configurations and "
        "creating PersistentVolumes (hostPath) each lead to cluster-wide control. "
        "[kubescape C-0188, C-0282]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("RBAC good practices: Token request, CSRs and certificate issuing, Control admission webhooks, "
                "Persistent volume creation", "OWASP Kubernetes Top Ten 2022 K03", "C-0188", "C-0282"),
    check=_check_takeover,
)


# --- RBAC-SERVICES-STATUS ------------------------------------------------------------------

_STATUS_TARGETS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (("", "services/status", ("update", "patch")),)


def _check_services_status(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    return _content_findings(rule, ctx, _STATUS_TARGETS, (
        "setting a LoadBalancer's status.loadBalancer.ingress IP makes kube-proxy send cluster "
        "traffic for that IP to the service (CVE-2020-8554, man in the middle); only the cloud "
        "load-balancer controller writes service status, grant services get/update instead"))


RBAC_SERVICES_STATUS = Rule(
    id="RBAC-SERVICES-STATUS",
    title="No writes to services/status",
    description=(
        "update/patch on services/status lets the holder claim any IP as a LoadBalancer "
        "ingress; kube-proxy then routes in-cluster traffic for that IP to the holder's pods "
        "(CVE-2020-8554, kubernetes/kubernetes#97076, unfixed by design). Only the load "
        "balancer controller needs it."
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("CVE-2020-8554", "https://github.com/kubernetes/kubernetes/issues/97076", "OWASP Kubernetes Top Ten 2022 K03"),
    check=_check_services_status,
)


# --- RBAC-CLUSTER-ADMIN --------------------------------------------------------------------


def _check_cluster_admin(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for binding in ctx.model.k8s.bindings:
        ref = binding.role_ref
        if ref is None:
            continue
        target = ctx.model.role_of(binding)
        if ref.kind == "ClusterRole" and ref.name == "cluster-admin":
            why = "the built-in cluster-admin"
        elif target is not None and any(is_full_wildcard(r) for r in target.rules):
            why = f"{describe_role(target)}, which grants '*' verbs on '*' resources in '*' apiGroups"
        else:
            continue
        yield from emit(
            rule.finding(
                ctx,
                binding.origin,
                f"{describe_binding(binding)} binds {subjects_text(binding)} to {why}; bind a role "
                "with the verbs and resources the subjects need (view, edit or a custom role)",
                keys=subject_allow_keys(binding),
                subjects=binding_subjects(binding),
            )
        )


RBAC_CLUSTER_ADMIN = Rule(
    id="RBAC-CLUSTER-ADMIN",
    title="No cluster-admin bindings",
    description=(
        "A binding to cluster-admin, or to any role of the plan that is effectively */*/*, "
        "hands out full control; in a RoleBinding it is full control of the namespace. "
        "[kubescape C-0035, C-0185]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("CIS Amazon EKS Benchmark 4.1.1", "OWASP Kubernetes Top Ten 2022 K03", "C-0035", "C-0185"),
    check=_check_cluster_admin,
)


# --- RBAC-ANON -----------------------------------------------------------------------------

_ANONYMOUS = {("User", "system:anonymous"), ("Group", "system:unauthenticated"), ("Group", "system:anonymous")}
_DISCOVERY_ROLES = {"system:discovery", "system:basic-user", "system:public-info-viewer"}


def _broad_for_authenticated(binding: RbacBinding, ctx: CheckContext) -> str | None:
    ref = binding.role_ref
    if ref is None:
        return None
    if ref.kind == "ClusterRole" and ref.name in _DISCOVERY_ROLES:
        return None
    target = ctx.model.role_of(binding)
    if target is None:
        return f"{ref.kind} '{ref.name}'"
    if all(is_discovery_like(r) for r in target.rules):
        return None
    return describe_role(target)


def _check_anon(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    for binding in ctx.model.k8s.bindings:
        anonymous = [s for s in binding.subjects if (s.kind, s.name) in _ANONYMOUS]
        if anonymous:
            yield from emit(
                rule.finding(
                    ctx,
                    binding.origin,
                    f"{describe_binding(binding)} grants {', '.join(subject_text(binding, s) for s in anonymous)} "
                    "access: requests without credentials get it; bind named groups instead",
                    subjects=binding_subjects(binding),
                )
            )
            continue
        if any(s.kind == "Group" and s.name == "system:authenticated" for s in binding.subjects):
            role = _broad_for_authenticated(binding, ctx)
            if role is not None:
                yield from emit(
                    rule.finding(
                        ctx,
                        binding.origin,
                        f"{describe_binding(binding)} binds Group system:authenticated to {role}: every "
                        "identity the cluster authenticates (any mapped IAM principal, every "
                        "ServiceAccount) gets it; bind the team's Kubernetes group instead",
                        subjects=["group:system:authenticated"],
                    )
                )


RBAC_ANON = Rule(
    id="RBAC-ANON",
    title="No grants to anonymous or all authenticated users",
    description=(
        "Bindings to system:anonymous or system:unauthenticated open the API to anyone who "
        "reaches it; system:authenticated is every mapped IAM principal and ServiceAccount, "
        "so it may only hold discovery-like access (system:discovery, system:basic-user, "
        "system:public-info-viewer, or a role of the plan with only non-resource URL reads "
        "and self-reviews). [kubescape C-0262]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.STACK,
    references=("C-0262",),
    check=_check_anon,
)


# --- SA-AUTOMOUNT --------------------------------------------------------------------------


def _api_users(ctx: CheckContext) -> tuple[set[tuple[str | None, str]], set[str], bool]:
    """ServiceAccounts named by bindings, namespaces granted via groups, and all-SA grants."""
    named: set[tuple[str | None, str]] = set()
    namespaces: set[str] = set()
    everyone = False
    for binding in ctx.model.k8s.bindings:
        for s in binding.subjects:
            if s.kind == "ServiceAccount":
                named.add((binding.subject_namespace(s), s.name))
            elif s.kind == "Group" and s.name == "system:serviceaccounts":
                everyone = True
            elif s.kind == "Group" and s.name.startswith("system:serviceaccounts:"):
                namespaces.add(s.name.split(":", 2)[2])
    return named, namespaces, everyone


def _check_automount(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    named, namespaces, everyone = _api_users(ctx)
    if everyone:
        return
    for sa in ctx.model.k8s.service_accounts:
        if sa.automount is False or (sa.namespace, sa.name) in named or sa.namespace in namespaces:
            continue
        yield from emit(
            rule.finding(
                ctx,
                sa.origin,
                f"ServiceAccount '{sa.namespace}/{sa.name}' is bound to no role in the plan but mounts an "
                "API token into every pod; set automountServiceAccountToken: false (IRSA and "
                "Pod Identity use their own token and keep working)",
                subjects=[f"serviceaccount:{sa.namespace}:{sa.name}"],
            )
        )


SA_AUTOMOUNT = Rule(
    id="SA-AUTOMOUNT",
    title="No API token for ServiceAccounts that do not call the API",
    description=(
        "A mounted token is a credential an attacker in the pod can use; a ServiceAccount no "
        "binding of the plan names does not need it. [CKV_K8S_38]"
    ),
    severity=Severity.LOW,
    enforcement=Enforcement.ADVISORY,
    scope=Scope.STACK,
    references=("CIS Amazon EKS Benchmark 4.1.6", "CKV_K8S_38"),
    check=_check_automount,
)

RBAC_RULES = (
    RBAC_WILDCARD,
    RBAC_CLUSTER_ADMIN,
    RBAC_SECRETS,
    RBAC_EXEC,
    RBAC_ESCALATE,
    RBAC_TAKEOVER,
    RBAC_SERVICES_STATUS,
    RBAC_ANON,
    SA_AUTOMOUNT,
)
