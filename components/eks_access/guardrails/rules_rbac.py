"""Kubernetes RBAC guardrails (OWASP Kubernetes Top Ten K03: overly permissive RBAC).

Rules read the Roles/ClusterRoles and bindings the plan declares. Built-in roles other than
``cluster-admin`` are not re-judged here: ``view``/``edit``/``admin`` are what a team asks
for by name and the analyzer explains them; a guardrail that fired on ``edit`` would be
allow-listed everywhere and stop meaning anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from eks_access.guardrails import rbac_match as m
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
    SERVICE_ACCOUNT,
    Subject,
    is_binding,
    is_role,
    k8s_name,
    k8s_namespace,
    kind_of,
    policy_rules,
    resolve_role_ref,
    role_ref,
    strings,
    subjects,
)


def describe(record: Record) -> str:
    kind = kind_of(record) or "object"
    name = k8s_name(record) or str(record.get("name") or "")
    ns = k8s_namespace(record)
    return f"{kind} '{ns}/{name}'" if ns else f"{kind} '{name}'"


def _grants(
    record: Record,
    wanted: Sequence[tuple[str, str, tuple[str, ...] | None]],
    skip_named: bool = False,
) -> list[str]:
    """``verb resource`` phrases the role grants among ``(group, resource, verbs)`` targets."""
    found: list[str] = []
    for rule in policy_rules(record):
        if skip_named and m.narrowed_by_name(rule):
            continue
        for group, resource, verbs in wanted:
            for verb in m.granted_verbs(rule, group, resource, verbs):
                phrase = f"{verb} {resource}"
                if phrase not in found:
                    found.append(phrase)
    return found


# --- RBAC-WILDCARD -------------------------------------------------------------------------


def _check_wildcard(rule: Rule, record: Record, ctx: CheckContext) -> Iterator[Finding]:
    if not is_role(record):
        return
    where = [
        f"rules[{i}].{key}"
        for i, r in enumerate(policy_rules(record))
        for key in ("apiGroups", "resources", "verbs")
        if "*" in strings(r.get(key))
    ]
    if where:
        yield from emit(
            rule.finding(
                ctx,
                record,
                f"{describe(record)} uses '*' in {', '.join(where)}; list the exact apiGroups, "
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
    references=("CKV_K8S_49", "C-0187"),
    check_resource=_check_wildcard,
)


# --- RBAC-SECRETS --------------------------------------------------------------------------


def _check_secrets(rule: Rule, record: Record, ctx: CheckContext) -> Iterator[Finding]:
    if not is_role(record):
        return
    granted = _grants(record, [("", "secrets", m.READ_VERBS)], skip_named=True)
    if granted:
        yield from emit(
            rule.finding(
                ctx,
                record,
                f"{describe(record)} grants {', '.join(granted)}: every Secret in scope "
                "(ServiceAccount tokens, credentials) becomes readable; name the few Secrets "
                "needed with resourceNames, or use IRSA / Pod Identity instead of stored secrets",
            )
        )


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
    references=("C-0015", "CKV2_K8S_5"),
    check_resource=_check_secrets,
)


# --- RBAC-EXEC -----------------------------------------------------------------------------

_EXEC_TARGETS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("", "pods/exec", ("create", "get")),
    ("", "pods/attach", ("create", "get")),
    ("", "pods/portforward", ("create", "get")),
    ("", "nodes/proxy", None),
)


def _check_exec(rule: Rule, record: Record, ctx: CheckContext) -> Iterator[Finding]:
    if not is_role(record):
        return
    granted = _grants(record, _EXEC_TARGETS)
    if granted:
        yield from emit(
            rule.finding(
                ctx,
                record,
                f"{describe(record)} grants {', '.join(granted)}: a shell in a pod (or the "
                "kubelet API through nodes/proxy) carries the pod's ServiceAccount and cloud "
                "credentials; give debugging access through a separate, allow-listed role",
            )
        )


RBAC_EXEC = Rule(
    id="RBAC-EXEC",
    title="No exec, attach, port-forward or node proxy",
    description=(
        "create/get on pods/exec, pods/attach, pods/portforward and any verb on nodes/proxy "
        "run code next to workload credentials and bypass admission and audit of the API. "
        "[kubescape C-0002, C-0063]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("C-0002", "C-0063"),
    check_resource=_check_exec,
)


# --- RBAC-ESCALATE -------------------------------------------------------------------------

_RBAC_GROUP = "rbac.authorization.k8s.io"
_ESCALATE_TARGETS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    (_RBAC_GROUP, "roles", ("escalate", "bind")),
    (_RBAC_GROUP, "clusterroles", ("escalate", "bind")),
    ("", "users", ("impersonate",)),
    ("", "groups", ("impersonate",)),
    ("", "serviceaccounts", ("impersonate",)),
)


def _check_escalate(rule: Rule, record: Record, ctx: CheckContext) -> Iterator[Finding]:
    if not is_role(record):
        return
    granted = _grants(record, _ESCALATE_TARGETS, skip_named=True)
    if granted:
        yield from emit(
            rule.finding(
                ctx,
                record,
                f"{describe(record)} grants {', '.join(granted)}: the holder can give itself "
                "any permission or act as any identity; restrict with resourceNames to the "
                "roles it may bind or the identities it may impersonate",
            )
        )


RBAC_ESCALATE = Rule(
    id="RBAC-ESCALATE",
    title="No privilege escalation verbs",
    description=(
        "escalate/bind on roles or clusterroles bypass RBAC's escalation check; impersonate on "
        "users, groups or serviceaccounts acts as them (system:masters included). Rules "
        "narrowed by resourceNames are the supported way to delegate and are accepted. "
        "[kubescape C-0191, CKV_K8S_157, CKV_K8S_158]"
    ),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    scope=Scope.RESOURCE,
    references=("C-0191", "CKV_K8S_157", "CKV_K8S_158"),
    check_resource=_check_escalate,
)


# --- RBAC-TAKEOVER -------------------------------------------------------------------------

_ADMISSION = "admissionregistration.k8s.io"
_CERTS = "certificates.k8s.io"
_TAKEOVER_TARGETS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("", "serviceaccounts/token", ("create",)),
    (_CERTS, "certificatesigningrequests/approval", ("update", "patch")),
    (_CERTS, "signers", ("approve",)),
    (_ADMISSION, "validatingwebhookconfigurations", m.WRITE_VERBS),
    (_ADMISSION, "mutatingwebhookconfigurations", m.WRITE_VERBS),
    ("", "persistentvolumes", ("create",)),
)


def _check_takeover(rule: Rule, record: Record, ctx: CheckContext) -> Iterator[Finding]:
    if not is_role(record):
        return
    granted = _grants(record, _TAKEOVER_TARGETS)
    if granted:
        yield from emit(
            rule.finding(
                ctx,
                record,
                f"{describe(record)} grants {', '.join(granted)}: each of these mints "
                "credentials, approves certificates, intercepts every API write or mounts host "
                "paths; keep them to cluster operators through a separate, allow-listed role",
            )
        )


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
    references=("C-0188", "C-0282"),
    check_resource=_check_takeover,
)


# --- RBAC-CLUSTER-ADMIN --------------------------------------------------------------------


def _subject_text(subject: Subject) -> str:
    if subject.kind == "ServiceAccount":
        return f"ServiceAccount {subject.namespace}/{subject.name}"
    return f"{subject.kind} {subject.name}"


def _subjects_text(binding: Record) -> str:
    return ", ".join(_subject_text(s) for s in subjects(binding)) or "no subjects"


def _check_cluster_admin(rule: Rule, records: Sequence[Record], ctx: CheckContext) -> Iterator[Finding]:
    for binding in records:
        if not is_binding(binding):
            continue
        ref = role_ref(binding)
        if ref is None:
            continue
        kind, name = ref
        target = resolve_role_ref(binding, records)
        if kind == "ClusterRole" and name == "cluster-admin":
            why = "the built-in cluster-admin"
        elif target is not None and any(m.is_full_wildcard(r) for r in policy_rules(target)):
            why = f"{describe(target)}, which grants '*' verbs on '*' resources in '*' apiGroups"
        else:
            continue
        yield from emit(
            rule.finding(
                ctx,
                binding,
                f"{describe(binding)} binds {_subjects_text(binding)} to {why}; bind a role "
                "with the verbs and resources the subjects need (view, edit or a custom role)",
                keys=[f"{s.kind}:{s.name}" for s in subjects(binding)],
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
    references=("C-0035", "C-0185"),
    check_stack=_check_cluster_admin,
)


# --- RBAC-ANON -----------------------------------------------------------------------------

_ANONYMOUS = {("User", "system:anonymous"), ("Group", "system:unauthenticated"), ("Group", "system:anonymous")}
_DISCOVERY_ROLES = {"system:discovery", "system:basic-user", "system:public-info-viewer"}


def _broad_for_authenticated(binding: Record, records: Sequence[Record]) -> str | None:
    ref = role_ref(binding)
    if ref is None:
        return None
    kind, name = ref
    if kind == "ClusterRole" and name in _DISCOVERY_ROLES:
        return None
    target = resolve_role_ref(binding, records)
    if target is None:
        return f"{kind} '{name}'"
    if all(m.is_discovery_like(r) for r in policy_rules(target)):
        return None
    return describe(target)


def _check_anon(rule: Rule, records: Sequence[Record], ctx: CheckContext) -> Iterator[Finding]:
    for binding in records:
        if not is_binding(binding):
            continue
        subs = subjects(binding)
        anonymous = [s for s in subs if (s.kind, s.name) in _ANONYMOUS]
        if anonymous:
            yield from emit(
                rule.finding(
                    ctx,
                    binding,
                    f"{describe(binding)} grants {', '.join(_subject_text(s) for s in anonymous)} "
                    "access: requests without credentials get it; bind named groups instead",
                )
            )
            continue
        if any(s.kind == "Group" and s.name == "system:authenticated" for s in subs):
            role = _broad_for_authenticated(binding, records)
            if role is not None:
                yield from emit(
                    rule.finding(
                        ctx,
                        binding,
                        f"{describe(binding)} binds Group system:authenticated to {role}: every "
                        "identity the cluster authenticates (any mapped IAM principal, every "
                        "ServiceAccount) gets it; bind the team's Kubernetes group instead",
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
    check_stack=_check_anon,
)


# --- SA-AUTOMOUNT --------------------------------------------------------------------------


def _api_users(records: Sequence[Record]) -> tuple[set[tuple[str | None, str]], set[str | None], bool]:
    """ServiceAccounts named by bindings, namespaces granted via groups, and all-SA grants."""
    named: set[tuple[str | None, str]] = set()
    namespaces: set[str | None] = set()
    everyone = False
    for binding in records:
        if not is_binding(binding):
            continue
        for s in subjects(binding):
            if s.kind == "ServiceAccount":
                named.add((s.namespace, s.name))
            elif s.kind == "Group" and s.name == "system:serviceaccounts":
                everyone = True
            elif s.kind == "Group" and s.name.startswith("system:serviceaccounts:"):
                namespaces.add(s.name.split(":", 2)[2])
    return named, namespaces, everyone


def _automount(record: Record) -> Any:
    ins = record.get("inputs")
    return ins.get("automountServiceAccountToken") if isinstance(ins, Mapping) else None


def _check_automount(rule: Rule, records: Sequence[Record], ctx: CheckContext) -> Iterator[Finding]:
    named, namespaces, everyone = _api_users(records)
    if everyone:
        return
    for record in records:
        if record.get("type") != SERVICE_ACCOUNT or _automount(record) is False:
            continue
        name = k8s_name(record)
        if name is None:
            continue
        ns = k8s_namespace(record) or "default"
        if (ns, name) in named or ns in namespaces:
            continue
        yield from emit(
            rule.finding(
                ctx,
                record,
                f"ServiceAccount '{ns}/{name}' is bound to no role in the plan but mounts an "
                "API token into every pod; set automountServiceAccountToken: false (IRSA and "
                "Pod Identity use their own token and keep working)",
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
    references=("CKV_K8S_38",),
    check_stack=_check_automount,
)

RBAC_RULES = (
    RBAC_WILDCARD,
    RBAC_CLUSTER_ADMIN,
    RBAC_SECRETS,
    RBAC_EXEC,
    RBAC_ESCALATE,
    RBAC_TAKEOVER,
    RBAC_ANON,
    SA_AUTOMOUNT,
)
