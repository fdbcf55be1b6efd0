"""``TeamAccess``: people get into the cluster through an IAM group and one assumable role.

IAM group -> group policy (``sts:AssumeRole`` on exactly the team role) -> role (trusting the
account, scoped by session name) -> access entry or aws-auth mapping -> Kubernetes groups ->
ClusterRoleBindings / RoleBindings. The one shared object of the old pattern, aws-auth, is
never written here: in API modes every team is self-contained, so adding a team touches no
existing resource.

Every IAM document is computed from the cluster ARN (partition, region, account) and names, never
from outputs of resources being created, so a first ``pulumi preview`` already shows them whole;
``depends_on`` keeps the order where AWS needs it (an access entry needs its role and cluster).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from eks_access import documents as docs
from eks_access.components import names
from eks_access.components.args import AccessComponent, parse_cluster_arn
from eks_access.components.team_args import TeamAccessArgs
from eks_access.components.team_rbac import register_rbac
from eks_access.spec import AccessPolicySpec, TeamSpec

__all__ = ["TeamAccess", "TeamAccessArgs"]


class TeamAccess(AccessComponent):
    """Every IAM and Kubernetes object one team of people needs, least privilege by default."""

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    group_name: pulumi.Output[str]
    kubernetes_groups: pulumi.Output[list[str]]
    username: pulumi.Output[str]
    role_mapping: pulumi.Output[dict[str, Any]]
    aws_profile: pulumi.Output[str]

    def __init__(self, name: str, args: TeamAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = args.spec_for(name)
        cluster_name, cluster_arn = args.checked_cluster_name, args.checked_cluster_arn
        super().__init__("eks-access:index:TeamAccess", name, opts)
        self.spec = spec
        tags = {"eks-access/team": spec.name, **args.tags}
        # (partition, region, account, cluster name): the team role lives in the cluster's account.
        parts = cluster_arn.apply(parse_cluster_arn)
        known_arn = parts.apply(lambda p: docs.role_arn(p[0], p[2], spec.role_name, spec.role_path))

        group_name, group_deps = self._group(name, spec)
        role = self._role(name, spec, parts, tags)
        self._group_policy(name, spec, group_name, known_arn, [*group_deps, role])
        self._describe_cluster(name, role, cluster_arn)
        if spec.mapping == "access-entry":
            cluster_deps = [args.cluster_resource] if args.cluster_resource else []
            entry = self._access_entry(name, spec, cluster_name, known_arn, tags, [role, *cluster_deps])
            for position, policy in enumerate(spec.access_policies):
                self._access_policy(name, policy, position, cluster_name, known_arn, entry)
        register_rbac(self, name, spec)
        self._outputs(spec, role, group_name, known_arn, parts)

    def _group(self, name: str, spec: TeamSpec) -> tuple[pulumi.Output[str], list[pulumi.Resource]]:
        """The IAM group (or an existing one) and its members."""
        deps: list[pulumi.Resource] = []
        group_name: pulumi.Output[str] = pulumi.Output.from_input(spec.iam_group)
        if not spec.existing_iam_group:
            group = aws.iam.Group(f"{name}-group", name=spec.iam_group, path="/", opts=self.child_options(f"{name}-group"))
            group_name, deps = group.name, [group]
        for user in spec.members:
            child = names.child(name, "member", user)
            # One membership per (user, group): replacing one must remove the old before adding the new.
            aws.iam.UserGroupMembership(child, user=user, groups=[group_name], opts=self.child_options(
                child, legacy=names.legacy_joined("member", user), depends_on=deps, delete_before_replace=True))
        return group_name, deps

    def _role(self, name: str, spec: TeamSpec, parts: pulumi.Output[tuple[str, str, str, str]], tags: dict[str, str]) -> aws.iam.Role:
        return aws.iam.Role(
            f"{name}-role",
            name=spec.role_name,
            path=spec.role_path,
            assume_role_policy=parts.apply(lambda p: _trust(p[0], p[2], spec)),
            description=f"EKS access for team {spec.name}: assumed by members of IAM group {spec.iam_group}",
            max_session_duration=spec.max_session_duration,
            tags=tags,
            opts=self.child_options(f"{name}-role"),
        )

    def _group_policy(self, name: str, spec: TeamSpec, group_name: pulumi.Output[str], role_arn: pulumi.Output[str],
                      deps: list[pulumi.Resource]) -> None:
        aws.iam.GroupPolicy(
            f"{name}-assume-role",
            group=group_name,
            name=f"assume-{spec.role_name}",
            policy=role_arn.apply(lambda arn: docs.to_json(docs.assume_role_policy(arn, list_roles=spec.list_roles))),
            opts=self.child_options(f"{name}-assume-role", depends_on=deps),
        )

    def _describe_cluster(self, name: str, role: aws.iam.Role, cluster_arn: pulumi.Output[str]) -> None:
        aws.iam.RolePolicy(
            f"{name}-describe-cluster",
            role=role.name,
            name="eks-describe-cluster",
            policy=cluster_arn.apply(lambda arn: docs.to_json(docs.describe_cluster_policy(arn))),
            opts=self.child_options(f"{name}-describe-cluster"),
        )

    def _access_entry(self, name: str, spec: TeamSpec, cluster_name: pulumi.Output[str], role_arn: pulumi.Output[str],
                      tags: dict[str, str], deps: list[pulumi.Resource]) -> aws.eks.AccessEntry:
        # EKS allows one access entry per principal (creating-access-entries.html): replace by delete first.
        return aws.eks.AccessEntry(
            f"{name}-access-entry",
            cluster_name=cluster_name,
            principal_arn=role_arn,
            kubernetes_groups=sorted(spec.kubernetes_groups),
            user_name=spec.username,
            type="STANDARD",
            tags=tags,
            opts=self.child_options(f"{name}-access-entry", depends_on=deps, delete_before_replace=True),
        )

    def _access_policy(self, name: str, policy: AccessPolicySpec, position: int, cluster_name: pulumi.Output[str],
                       role_arn: pulumi.Output[str], entry: aws.eks.AccessEntry) -> None:
        child = names.child(name, "access-policy", policy.policy)
        # One association per (access entry, policy) (AssociateAccessPolicy): delete before replace.
        # The alias maps the 0.1 name of the policy at this position (0.1 named them by position).
        aws.eks.AccessPolicyAssociation(
            child,
            cluster_name=cluster_name,
            principal_arn=role_arn,
            policy_arn=policy.policy_arn,
            access_scope=access_scope(policy.namespaces),
            opts=self.child_options(child, legacy=names.legacy_indexed("access-policy", position),
                             depends_on=[entry], delete_before_replace=True),
        )

    def _outputs(self, spec: TeamSpec, role: aws.iam.Role, group_name: pulumi.Output[str], role_arn: pulumi.Output[str],
                 parts: pulumi.Output[tuple[str, str, str, str]]) -> None:
        self.role_arn = role.arn
        self.role_name = role.name
        self.group_name = group_name
        self.kubernetes_groups = pulumi.Output.from_input(sorted(spec.kubernetes_groups))
        self.username = pulumi.Output.from_input(spec.username)
        self.role_mapping = role_arn.apply(lambda arn: docs.aws_auth_role_entry(arn, spec.username, spec.kubernetes_groups))
        session_name = "<your-iam-user-name>" if spec.session_name_must_match_user else None
        self.aws_profile = pulumi.Output.all(role_arn, parts).apply(
            lambda v: docs.aws_profile(spec.name, v[0], v[1][1], session_name=session_name))
        self.register_outputs({
            "roleArn": self.role_arn,
            "groupName": self.group_name,
            "kubernetesGroups": self.kubernetes_groups,
            "username": self.username,
            "roleMapping": self.role_mapping,
            "awsProfile": self.aws_profile,
        })


def access_scope(namespaces: tuple[str, ...]) -> aws.eks.AccessPolicyAssociationAccessScopeArgs:
    """Cluster scope, or the namespaces in canonical order (EKS keeps them as a set)."""
    if namespaces:
        return aws.eks.AccessPolicyAssociationAccessScopeArgs(type="namespace", namespaces=sorted(namespaces))
    return aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster")


def _trust(partition: str, account: str, spec: TeamSpec) -> str:
    return docs.to_json(docs.team_trust_policy(
        account,
        partition,
        session_name_must_match_user=spec.session_name_must_match_user,
        require_mfa=spec.require_mfa,
        trusted_principal_arns=spec.trusted_principal_arns,
    ))

