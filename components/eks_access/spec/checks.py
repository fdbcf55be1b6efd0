"""Cross checks over a whole stack: what two entries, or an entry and the cluster, would fight over.

Each check names the config key to fix and runs in linear time (dicts, never ``in`` on a tuple):
10,000 teams validate in a fraction of a second. The object names mirror what the components
register (components/team_rbac.py, components/workload.py, stack/access.py): Roles, RoleBindings,
ClusterRoleBindings, ServiceAccounts, Namespaces. Pulumi logical names need no check here: the
components name a resource by what it is (components/names.py), so two resources share a logical
name only when they are one Kubernetes object, which the object checks refuse.
"""

from __future__ import annotations

from eks_access.errors import SpecError
from eks_access.limits import IAM_TAG_VALUE_MAX, MANAGED_POLICIES_PER_ROLE, label_value_problem
from eks_access.spec.builtins import (
    BUILTIN_NAMESPACES,
    builtin_cluster_role_names,
    kube_system_service_accounts,
)
from eks_access.spec.fields import index, join
from eks_access.spec.model import StackSpec, TeamSpec

_CASE_NOTE = " (IAM compares names case-insensitively)"


def check_stack(spec: StackSpec) -> None:
    _check_unique(spec)
    objects = _Objects()
    creators: dict[str, str] = {}
    for i, team in enumerate(spec.teams):
        _check_team(team, index("teams", i), objects, creators)
    _check_workloads(spec, objects)


def _claim(seen: dict[str, str], key: str, owner: str, path: str, message: str) -> None:
    """Record ``owner`` as the first user of ``key``, or fail naming the earlier one."""
    if key in seen:
        raise SpecError(path, message.replace("{other}", seen[key]))
    seen[key] = owner


class _Objects:
    """Kubernetes objects (kind, namespace, name), each with one owner."""

    def __init__(self) -> None:
        self.k8s: dict[str, str] = {}

    def object(self, kind: str, namespace: str, name: str, path: str) -> None:
        where = f" in namespace {namespace}" if namespace else ""
        _claim(self.k8s, f"{kind}/{namespace}/{name}", path, path,
               f"{kind} {name!r}{where} would be created twice (also by {{other}}); two owners would overwrite each other")


def _check_unique(spec: StackSpec) -> None:
    teams: dict[str, str] = {}
    roles: dict[str, str] = {}
    usernames: dict[str, str] = {}
    groups: dict[str, str] = {}
    cluster_roles: dict[str, str] = {}
    for i, team in enumerate(spec.teams):
        path = index("teams", i)
        _claim(teams, team.name, path, join(path, "name"), f"duplicate team name {team.name!r} (also {{other}})")
        role_path = join(path, "roleName")
        _claim(roles, team.role_name.lower(), role_path, role_path,
               f"duplicate IAM role name {team.role_name!r} (also {{other}}){_CASE_NOTE}")
        user_path = join(path, "username")
        _claim(usernames, team.username, user_path, user_path, f"duplicate Kubernetes username {team.username!r} (also {{other}})")
        if not team.existing_iam_group:
            _claim(groups, team.iam_group.lower(), path, join(path, "iamGroup"),
                   f"IAM group {team.iam_group!r} is created by {{other}} already; set existingIamGroup: true to share it{_CASE_NOTE}")
        for role in team.cluster_roles:
            _claim(cluster_roles, role, path, join(join(path, "clusterRoles"), role), f"ClusterRole {role!r} is already defined by {{other}}")
    arns: dict[str, str] = {}
    for i, user in enumerate(spec.users):
        path = index("users", i)
        arn_path, user_path = join(path, "userArn"), join(path, "username")
        _claim(arns, user.user_arn, arn_path, arn_path, "duplicate user ARN (also {other})")
        _claim(usernames, user.username, user_path, user_path, f"duplicate Kubernetes username {user.username!r} (also {{other}})")
    service_accounts: dict[str, str] = {}
    for i, wl in enumerate(spec.workloads):
        path = index("workloads", i)
        _claim(service_accounts, wl.key, path, join(path, "serviceAccount"), f"duplicate ServiceAccount {wl.key} (also {{other}})")
        role_path = join(path, "roleName")
        _claim(roles, wl.role_name.lower(), role_path, role_path, f"duplicate IAM role name {wl.role_name!r} (also {{other}}){_CASE_NOTE}")


def _check_team(team: TeamSpec, path: str, objects: _Objects, creators: dict[str, str]) -> None:
    seen_policies: dict[str, str] = {}
    for j, policy in enumerate(team.access_policies):
        at = join(index(join(path, "accessPolicies"), j), "policy")
        _claim(seen_policies, policy.policy, at, at,
               f"EKS access policy {policy.policy!r} is listed twice (also {{other}}); EKS allows one association per policy and entry")
    builtins = builtin_cluster_role_names()
    for role in team.cluster_roles:
        at = join(join(path, "clusterRoles"), role)
        if role in builtins:
            raise SpecError(at, f"{role!r} is a ClusterRole every cluster already has; creating it would overwrite the built-in. Choose another name, or bind it with clusterRoleBindings")
        objects.object("ClusterRole", "", role, at)
    if team.create_namespaces:
        for ns in team.rbac_namespaces:
            at = join(join(path, "roles" if ns in team.roles else "namespaceRoleBindings"), ns)
            if ns in BUILTIN_NAMESPACES:
                raise SpecError(at, f"createNamespaces would create {ns!r}, which every cluster already has; set createNamespaces: false or use another namespace")
            _claim(creators, ns, path, at, f"namespace {ns!r} is created by {{other}} already (createNamespaces); only one team may create it")
    for ns, by_name in team.roles.items():
        for role in by_name:
            at = join(join(join(path, "roles"), ns), role)
            objects.object("Role", ns, role, at)
            objects.object("RoleBinding", ns, f"{team.name}-{role}", at)
    for ns, refs in team.namespace_role_bindings.items():
        for j, role in enumerate(refs):
            at = index(join(join(path, "namespaceRoleBindings"), ns), j)
            objects.object("RoleBinding", ns, f"{team.name}-{role.replace(':', '-')}", at)
    namespaced = {r for refs in team.namespace_role_bindings.values() for r in refs}
    bound = list(team.cluster_role_bindings) + [r for r in team.cluster_roles if r not in team.cluster_role_bindings and r not in namespaced]
    for role in bound:
        at = join(path, "clusterRoleBindings" if role in team.cluster_role_bindings else f"clusterRoles.{role}")
        objects.object("ClusterRoleBinding", "", f"{team.name}-{role.replace(':', '-')}", at)


def _check_workloads(spec: StackSpec, objects: _Objects) -> None:
    system_accounts = kube_system_service_accounts()
    for i, wl in enumerate(spec.workloads):
        path = index("workloads", i)
        sa_path = join(path, "serviceAccount")
        owner = wl.owner  # the eks-access/owner label and eks-access/service-account tag (components/workload.py)
        problem = label_value_problem(owner)
        if problem is not None:
            raise SpecError(sa_path, f"namespace and name give the label eks-access/owner={owner!r}, which Kubernetes refuses: {problem}")
        if len(owner) > IAM_TAG_VALUE_MAX:
            raise SpecError(sa_path, f"namespace and name give the IAM tag eks-access/service-account={owner!r} of {len(owner)} characters; IAM allows {IAM_TAG_VALUE_MAX}")
        if wl.create_service_account:
            if wl.service_account == "default":
                raise SpecError(sa_path, "every namespace has the ServiceAccount 'default' already; set createServiceAccount: false to annotate it, or use your own account")
            if wl.namespace == "kube-system" and wl.service_account in system_accounts:
                raise SpecError(sa_path, f"kube-system/{wl.service_account} is a system ServiceAccount the cluster creates; set createServiceAccount: false")
            objects.object("ServiceAccount", wl.namespace, wl.service_account, sa_path)
        limit = spec.iam_quotas.managed_policies_per_role
        if len(wl.managed_policy_arns) > limit:
            raised = "" if limit > MANAGED_POLICIES_PER_ROLE.default else f" (raise it to at most {MANAGED_POLICIES_PER_ROLE.maximum} with iamQuotas.managedPoliciesPerRole after a Service Quotas increase)"
            raise SpecError(join(path, "managedPolicyArns"), f"{len(wl.managed_policy_arns)} managed policies on one role; the account allows {limit}{raised}")
        if wl.rules:
            role = f"{wl.service_account}-api"
            objects.object("Role", wl.namespace, role, join(path, "rules"))
            objects.object("RoleBinding", wl.namespace, role, join(path, "rules"))
