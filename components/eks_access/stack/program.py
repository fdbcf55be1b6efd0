"""The ``team-cluster`` stack program: stack config -> spec -> cluster + access components.

The repository's ``__main__.py`` calls :func:`main`; ``pulumi up`` runs it against AWS and
``eks-access plan`` runs the very same function on mocks. Team role ARNs for aws-auth are
derived from the spec rather than from the role resources, so the cluster never waits on a
team and, in CONFIG_MAP mode, adding a team changes only the cluster's role mappings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from eks_access import documents as docs
from eks_access.components.team import TeamAccess, TeamAccessArgs
from eks_access.components.workload import WorkloadIdentity, WorkloadIdentityArgs
from eks_access.config.stackfile import raw_stack_config
from eks_access.errors import SpecError
from eks_access.spec import StackSpec, TeamSpec, load_stack

NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)


def load_spec_from_pulumi() -> StackSpec:
    """Read every ``<project>:*`` key (unknown ones are errors) and ``aws:region``.

    The namespace is the project's name, as Pulumi namespaces config: a project renamed in
    Pulumi.yaml (``pulumi new`` does this) reads its own keys.
    """
    from pulumi.runtime.config import CONFIG, get_config_env

    config: dict[str, Any] = {**get_config_env(), **CONFIG.get()}
    return load_stack(raw_stack_config(config, pulumi.get_project()))


def main() -> None:
    spec = load_spec_from_pulumi()
    cluster_spec = spec.cluster
    partition = aws.get_partition_output().partition
    caller_account = aws.get_caller_identity_output().account_id

    def checked_account(account: str) -> str:
        if spec.account_id is not None and account != spec.account_id:
            raise SpecError(f"{pulumi.get_project()}:accountId", f"is {spec.account_id} but the AWS credentials belong to account {account}; refusing to deploy into the wrong account")
        return account

    account = caller_account.apply(checked_account)

    node_role = aws.iam.Role(
        f"{cluster_spec.name}-node-role",
        name=f"{cluster_spec.name}-node-role"[:64],
        assume_role_policy=docs.to_json(docs.node_trust_policy()),
        description=f"EC2 instance role of the {cluster_spec.name} managed node group",
    )
    for i, policy in enumerate(NODE_POLICIES):
        aws.iam.RolePolicyAttachment(
            f"{cluster_spec.name}-node-policy-{i}",
            role=node_role.name,
            policy_arn=partition.apply(_aws_managed_policy(policy)),
        )

    role_mappings = [
        eks.RoleMappingArgs(
            role_arn=pulumi.Output.all(partition, account).apply(_team_role_arn(team)),
            username=team.username,
            groups=list(team.kubernetes_groups),
        )
        for team in spec.teams
        if team.mapping == "aws-auth"
    ]
    aws_auth_users = cluster_spec.authentication_mode == "CONFIG_MAP"
    user_mappings = [
        eks.UserMappingArgs(user_arn=u.user_arn, username=u.username, groups=list(u.kubernetes_groups))
        for u in spec.users
        if aws_auth_users
    ]
    cluster = eks.Cluster(
        cluster_spec.name,
        name=cluster_spec.name,
        authentication_mode=eks.AuthenticationMode(cluster_spec.authentication_mode),
        create_oidc_provider=True,
        skip_default_node_group=True,
        instance_roles=[node_role],
        role_mappings=role_mappings or None,
        user_mappings=user_mappings or None,
        version=cluster_spec.version,
        vpc_id=cluster_spec.vpc_id,
        subnet_ids=list(cluster_spec.subnet_ids) or None,
        endpoint_public_access=cluster_spec.endpoint_public_access,
        endpoint_private_access=True,
    )
    ng = cluster_spec.node_group
    eks.ManagedNodeGroup(
        f"{cluster_spec.name}-nodes",
        cluster=cluster,
        node_role=node_role,
        instance_types=[ng.instance_type],
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(desired_size=ng.desired_size, min_size=ng.min_size, max_size=ng.max_size),
    )

    # Outputs derived from the cluster carry its dependency: access entries wait for it.
    cluster_name = cluster.kubeconfig_json.apply(lambda _: cluster_spec.name)
    cluster_arn = pulumi.Output.all(partition, account, cluster.kubeconfig_json).apply(
        lambda v: docs.cluster_arn(v[0], spec.region, v[1], cluster_spec.name)
    )
    provider = k8s.Provider(f"{cluster_spec.name}-k8s", kubeconfig=cluster.kubeconfig_json, enable_server_side_apply=True)
    k8s_opts = pulumi.ResourceOptions(providers={"kubernetes": provider})

    kubeconfig = cluster.kubeconfig_json.apply(json.loads)
    teams: dict[str, TeamAccess] = {}
    for team in spec.teams:
        teams[team.name] = TeamAccess(
            team.name,
            TeamAccessArgs.from_spec(team, cluster_name=cluster_name, cluster_arn=cluster_arn,
                                     authentication_mode=cluster_spec.authentication_mode),
            k8s_opts,
        )
    for i, user in enumerate(spec.users):
        if cluster_spec.authentication_mode != "CONFIG_MAP":
            aws.eks.AccessEntry(
                f"user-{i}-access-entry",
                cluster_name=cluster_name,
                principal_arn=user.user_arn,
                kubernetes_groups=list(user.kubernetes_groups),
                user_name=user.username,
                type="STANDARD",
            )
    namespaces = _workload_namespaces(spec)
    for ns in namespaces:
        namespaces[ns] = k8s.core.v1.Namespace(
            f"namespace-{ns}", metadata={"name": ns, "labels": docs.labels()}, opts=pulumi.ResourceOptions(provider=provider)
        )
    workloads: dict[str, WorkloadIdentity] = {}
    for wl in spec.workloads:
        name = f"{wl.namespace}-{wl.service_account}"
        workloads[wl.key] = WorkloadIdentity(
            name,
            WorkloadIdentityArgs.from_spec(
                wl,
                cluster_name=cluster_name,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                cluster_arn=cluster_arn,
            ),
            pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=[n for k, n in namespaces.items() if k == wl.namespace and n])),
        )

    pulumi.export("clusterName", cluster_name)
    pulumi.export("clusterArn", cluster_arn)
    pulumi.export("authenticationMode", cluster_spec.authentication_mode)
    pulumi.export("kubeconfig", pulumi.Output.secret(cluster.kubeconfig_json))
    pulumi.export("oidcProviderArn", cluster.oidc_provider_arn)
    pulumi.export(
        "teams",
        {
            name: {
                "roleArn": t.role_arn,
                "groupName": t.group_name,
                "kubernetesGroups": t.kubernetes_groups,
                "username": t.username,
                "awsProfile": t.aws_profile,
                "kubeconfig": pulumi.Output.all(kubeconfig, cluster_name).apply(_member_kubeconfig_yaml(spec.region, name)),
            }
            for name, t in teams.items()
        },
    )
    pulumi.export("workloads", {key: {"roleArn": w.role_arn, "identity": w.spec.identity} for key, w in workloads.items()})


BUILTIN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def _workload_namespaces(spec: StackSpec) -> dict[str, k8s.core.v1.Namespace | None]:
    """Namespaces the workloads live in that nobody else creates (teams may, with createNamespaces)."""
    by_teams = {ns for t in spec.teams if t.create_namespaces for ns in t.rbac_namespaces}
    out: dict[str, k8s.core.v1.Namespace | None] = {}
    for wl in spec.workloads:
        if wl.namespace not in BUILTIN_NAMESPACES and wl.namespace not in by_teams:
            out.setdefault(wl.namespace, None)
    return out


def _aws_managed_policy(name: str) -> Callable[[str], str]:
    return lambda partition: f"arn:{partition}:iam::aws:policy/{name}"


def _team_role_arn(team: TeamSpec) -> Callable[[list[Any]], str]:
    return lambda v: docs.role_arn(str(v[0]), str(v[1]), team.role_name, team.role_path)


def _member_kubeconfig_yaml(region: str, team: str) -> Callable[[list[Any]], str]:
    return lambda v: docs.to_yaml(_member_kubeconfig(v[0], str(v[1]), region, team))


def _member_kubeconfig(cluster_kubeconfig: dict[str, Any], cluster_name: str, region: str, team: str) -> dict[str, Any]:
    server = cluster_kubeconfig["clusters"][0]["cluster"]
    return docs.kubeconfig(
        cluster_name, server["server"], server["certificate-authority-data"], region, docs.profile_name(team)
    )
