"""``TeamAccess``: people get into the cluster through an IAM group and one assumable role.

IAM group -> group policy (``sts:AssumeRole`` on exactly the team role) -> role (trusting the
account, scoped by session name) -> access entry or aws-auth mapping -> Kubernetes groups ->
ClusterRoleBindings / RoleBindings. The one shared object of the old pattern, aws-auth, is
never written here: in API modes every team is self-contained, so adding a team touches no
existing resource.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from eks_access import documents as docs
from eks_access.components.args import (
    apply_manifest,
    child_opts,
    parse_cluster_arn,
    remember_deps,
    to_config,
    validate,
)
from eks_access.spec import (
    AuthenticationMode,
    ClusterSpec,
    PolicyRule,
    TeamSpec,
    load_rules,
    load_team,
)


class TeamAccessArgs:
    """Arguments of :class:`TeamAccess`; the same keys as a ``teams[]`` entry of stack config.

    ``cluster_rules``/``roles`` take RBAC rules as dicts in the Kubernetes API's own spelling
    (``apiGroups``, ``resources``, ``verbs``), so they paste straight from a manifest.
    """

    def __init__(
        self,
        *,
        cluster_name: pulumi.Input[str],
        cluster_arn: pulumi.Input[str],
        role_name: str,
        iam_group: str | None = None,
        existing_iam_group: bool = False,
        members: Sequence[str] = (),
        role_path: str = "/",
        username: str | None = None,
        kubernetes_groups: Sequence[str] | None = None,
        cluster_role_bindings: Sequence[str] = (),
        namespace_role_bindings: Mapping[str, Sequence[str]] | None = None,
        cluster_roles: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        roles: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]] | None = None,
        access_policies: Sequence[Mapping[str, Any]] = (),
        create_namespaces: bool = False,
        authentication_mode: AuthenticationMode = "API",
        mapping: str | None = None,
        session_name_must_match_user: bool = True,
        require_mfa: bool = False,
        trusted_principal_arns: Sequence[str] = (),
        max_session_duration: int = 3600,
        dangerously_allow_system_groups: bool = False,
        list_roles: bool = False,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.cluster_name = cluster_name
        self.cluster_arn = cluster_arn
        self.authentication_mode = authentication_mode
        self.tags = dict(tags or {})
        self.config: dict[str, Any] = to_config(
            {
                "role_name": role_name,
                "iam_group": iam_group,
                "existing_iam_group": existing_iam_group,
                "members": list(members),
                "role_path": role_path,
                "username": username,
                "kubernetes_groups": list(kubernetes_groups) if kubernetes_groups is not None else None,
                "cluster_role_bindings": list(cluster_role_bindings),
                "namespace_role_bindings": namespace_role_bindings,
                "cluster_roles": cluster_roles,
                "roles": roles,
                "access_policies": list(access_policies),
                "create_namespaces": create_namespaces,
                "mapping": mapping,
                "session_name_must_match_user": session_name_must_match_user,
                "require_mfa": require_mfa,
                "trusted_principal_arns": list(trusted_principal_arns),
                "max_session_duration": max_session_duration,
                "list_roles": list_roles,
            }
        )
        if dangerously_allow_system_groups:
            self.config["dangerouslyAllowSystemGroups"] = True
        self._spec: TeamSpec | None = None

    @classmethod
    def from_spec(
        cls,
        spec: TeamSpec,
        *,
        cluster_name: pulumi.Input[str],
        cluster_arn: pulumi.Input[str],
        authentication_mode: AuthenticationMode = "API",
        tags: Mapping[str, str] | None = None,
    ) -> TeamAccessArgs:
        """Build args from an already validated spec (the stack program's path)."""
        args = cls(cluster_name=cluster_name, cluster_arn=cluster_arn, role_name=spec.role_name,
                   authentication_mode=authentication_mode, tags=tags)
        args._spec = spec
        return args


def _team_trust(cluster_arn: str, spec: TeamSpec) -> str:
    partition, _region, account, _cluster = parse_cluster_arn(cluster_arn)
    return docs.to_json(
        docs.team_trust_policy(
            account,
            partition,
            session_name_must_match_user=spec.session_name_must_match_user,
            require_mfa=spec.require_mfa,
            trusted_principal_arns=spec.trusted_principal_arns,
        )
    )


class TeamAccess(pulumi.ComponentResource):
    """Every IAM and Kubernetes object one team of people needs, least privilege by default."""

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    group_name: pulumi.Output[str]
    kubernetes_groups: pulumi.Output[list[str]]
    username: pulumi.Output[str]
    role_mapping: pulumi.Output[dict[str, Any]]
    aws_profile: pulumi.Output[str]

    def __init__(self, name: str, args: TeamAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = args._spec or validate(
            "TeamAccessArgs",
            lambda: load_team({"name": name, **args.config}, "", ClusterSpec(name="cluster", authentication_mode=args.authentication_mode)),
        )
        if isinstance(args.cluster_arn, str):
            validate("TeamAccessArgs", lambda: parse_cluster_arn(str(args.cluster_arn)))
        super().__init__("eks-access:index:TeamAccess", name, None, opts)
        remember_deps(self, opts)
        self.spec = spec
        tags = {"eks-access/team": spec.name, **args.tags}
        cluster_arn = pulumi.Output.from_input(args.cluster_arn)

        if spec.existing_iam_group:
            group_name: pulumi.Output[str] = pulumi.Output.from_input(spec.iam_group)
            group_deps: list[pulumi.Resource] = []
        else:
            group = aws.iam.Group(f"{name}-group", name=spec.iam_group, path="/", opts=child_opts(self))
            group_name = group.name
            group_deps = [group]
        for user in spec.members:
            aws.iam.UserGroupMembership(
                f"{name}-member-{user}", user=user, groups=[group_name], opts=child_opts(self, group_deps)
            )

        trust = cluster_arn.apply(lambda arn: _team_trust(arn, spec))
        role = aws.iam.Role(
            f"{name}-role",
            name=spec.role_name,
            path=spec.role_path,
            assume_role_policy=trust,
            description=f"EKS access for team {spec.name}: assumed by members of IAM group {spec.iam_group}",
            max_session_duration=spec.max_session_duration,
            tags=tags,
            opts=child_opts(self),
        )
        aws.iam.GroupPolicy(
            f"{name}-assume-role",
            group=group_name,
            name=f"assume-{spec.role_name}",
            policy=role.arn.apply(lambda arn: docs.to_json(docs.assume_role_policy(arn, list_roles=spec.list_roles))),
            opts=child_opts(self, group_deps),
        )
        aws.iam.RolePolicy(
            f"{name}-describe-cluster",
            role=role.name,
            name="eks-describe-cluster",
            policy=cluster_arn.apply(lambda arn: docs.to_json(docs.describe_cluster_policy(arn))),
            opts=child_opts(self),
        )

        if spec.mapping == "access-entry":
            entry = aws.eks.AccessEntry(
                f"{name}-access-entry",
                cluster_name=args.cluster_name,
                principal_arn=role.arn,
                kubernetes_groups=list(spec.kubernetes_groups),
                user_name=spec.username,
                type="STANDARD",
                tags=tags,
                opts=child_opts(self),
            )
            for i, policy in enumerate(spec.access_policies):
                scope = (
                    aws.eks.AccessPolicyAssociationAccessScopeArgs(type="namespace", namespaces=list(policy.namespaces))
                    if policy.namespaces
                    else aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster")
                )
                aws.eks.AccessPolicyAssociation(
                    f"{name}-access-policy-{i}",
                    cluster_name=args.cluster_name,
                    principal_arn=role.arn,
                    policy_arn=policy.policy_arn,
                    access_scope=scope,
                    opts=child_opts(self, [entry]),
                )

        self._kubernetes(name, spec)

        self.role_arn = role.arn
        self.role_name = role.name
        self.group_name = group_name
        self.kubernetes_groups = pulumi.Output.from_input(list(spec.kubernetes_groups))
        self.username = pulumi.Output.from_input(spec.username)
        self.role_mapping = role.arn.apply(lambda arn: docs.aws_auth_role_entry(arn, spec.username, spec.kubernetes_groups))
        self.aws_profile = pulumi.Output.all(role.arn, cluster_arn).apply(
            lambda v: docs.aws_profile(
                spec.name, v[0], parse_cluster_arn(v[1])[1],
                session_name="<your-iam-user-name>" if spec.session_name_must_match_user else None,
            )
        )
        self.register_outputs(
            {
                "roleArn": self.role_arn,
                "groupName": self.group_name,
                "kubernetesGroups": self.kubernetes_groups,
                "username": self.username,
                "roleMapping": self.role_mapping,
                "awsProfile": self.aws_profile,
            }
        )

    def _kubernetes(self, name: str, spec: TeamSpec) -> None:
        subjects = [docs.group_subject(g) for g in spec.kubernetes_groups]
        namespaces: dict[str, k8s.core.v1.Namespace] = {}
        if spec.create_namespaces:
            for ns in spec.rbac_namespaces:
                namespaces[ns] = apply_manifest(k8s.core.v1.Namespace, f"{name}-ns-{ns}", docs.namespace(ns, spec.name), self)

        def ns_deps(ns: str) -> list[pulumi.Resource]:
            return [namespaces[ns]] if ns in namespaces else []

        created_roles: dict[str, pulumi.Resource] = {}
        for role_name, rules in spec.cluster_roles.items():
            created_roles[role_name] = apply_manifest(
                k8s.rbac.v1.ClusterRole, f"{name}-clusterrole-{role_name}", docs.cluster_role(role_name, rules, spec.name), self
            )
        # Custom ClusterRoles are bound cluster-wide unless the team binds them per namespace.
        namespaced_refs = {r for refs in spec.namespace_role_bindings.values() for r in refs}
        crb_roles = list(spec.cluster_role_bindings) + [
            r for r in spec.cluster_roles if r not in spec.cluster_role_bindings and r not in namespaced_refs
        ]
        for role_name in crb_roles:
            deps = [created_roles[role_name]] if role_name in created_roles else []
            apply_manifest(
                k8s.rbac.v1.ClusterRoleBinding,
                f"{name}-crb-{role_name}",
                docs.cluster_role_binding(f"{spec.name}-{_k8s_name(role_name)}", role_name, subjects, spec.name),
                self,
                deps,
            )
        for ns, ns_roles in spec.roles.items():
            for role_name, rules in ns_roles.items():
                role = apply_manifest(k8s.rbac.v1.Role, f"{name}-role-{ns}-{role_name}", docs.role(role_name, ns, rules, spec.name), self, ns_deps(ns))
                apply_manifest(
                    k8s.rbac.v1.RoleBinding,
                    f"{name}-rb-{ns}-{role_name}",
                    docs.role_binding(f"{spec.name}-{role_name}", ns, "Role", role_name, subjects, spec.name),
                    self,
                    [role, *ns_deps(ns)],
                )
        for ns, cluster_role_names in spec.namespace_role_bindings.items():
            for role_name in cluster_role_names:
                deps = ns_deps(ns) + ([created_roles[role_name]] if role_name in created_roles else [])
                apply_manifest(
                    k8s.rbac.v1.RoleBinding,
                    f"{name}-rb-{ns}-{role_name}",
                    docs.role_binding(f"{spec.name}-{_k8s_name(role_name)}", ns, "ClusterRole", role_name, subjects, spec.name),
                    self,
                    deps,
                )


def _k8s_name(role_name: str) -> str:
    """Built-in role names may contain ':'; binding names derived from them must not."""
    return role_name.replace(":", "-")


def rules_from_dicts(rules: Sequence[Mapping[str, Any]], path: str = "rules") -> tuple[PolicyRule, ...]:
    """Validate RBAC rule dicts into :class:`PolicyRule` objects (for library users)."""
    return load_rules(list(rules), path, allow_non_resource=True)
