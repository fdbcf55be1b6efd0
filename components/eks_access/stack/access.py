"""The access half of the stack: teams, direct user mappings, break-glass admins, workloads.

Cluster name and ARN are plain or invoke-derived values (known in a first preview); everything
that lives inside the cluster (access entries, associations, Pod Identity associations, the Pod
Identity agent) waits for the cluster through ``depends_on``, and Kubernetes objects wait through
the Kubernetes provider built from the cluster's kubeconfig.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from eks_access import documents as docs
from eks_access.components import names
from eks_access.components.team import TeamAccess, TeamAccessArgs, access_scope
from eks_access.components.workload import WorkloadIdentity, WorkloadIdentityArgs
from eks_access.spec import StackSpec, WorkloadSpec
from eks_access.spec.builtins import BUILTIN_NAMESPACES
from eks_access.stack.cluster import ClusterResources
from eks_access.stack.environment import Environment

CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
POD_IDENTITY_AGENT = "eks-pod-identity-agent"


@dataclass(frozen=True)
class Access:
    teams: dict[str, TeamAccess]
    workloads: dict[str, WorkloadIdentity]


def register_access(spec: StackSpec, env: Environment, built: ClusterResources) -> Access:
    k8s_opts = pulumi.ResourceOptions(providers={"kubernetes": built.provider})
    teams = {team.name: TeamAccess(team.name, TeamAccessArgs.from_spec(
        team, cluster_name=spec.cluster.name, cluster_arn=env.cluster_arn,
        authentication_mode=spec.cluster.authentication_mode, cluster_resource=built.cluster), k8s_opts)
        for team in spec.teams}
    if spec.cluster.authentication_mode != "CONFIG_MAP":
        _user_entries(spec, built)
        _admin_entries(spec, built)
    if any(wl.identity == "pod-identity" for wl in spec.workloads):
        _pod_identity_agent(spec, built)
    namespaces = _workload_namespaces(spec, built.provider)
    workloads = {wl.key: _workload(wl, spec, env, built, namespaces, k8s_opts) for wl in spec.workloads}
    return Access(teams, workloads)


def _user_entries(spec: StackSpec, built: ClusterResources) -> None:
    """Direct IAM user mappings as access entries (API modes); CONFIG_MAP maps them in aws-auth."""
    for position, user in enumerate(spec.users):
        name = names.child("user", "access-entry", *names.principal_parts(user.user_arn))
        aws.eks.AccessEntry(
            name,
            cluster_name=spec.cluster.name,
            principal_arn=user.user_arn,
            kubernetes_groups=sorted(user.kubernetes_groups),
            user_name=user.username,
            type="STANDARD",
            opts=pulumi.ResourceOptions(
                depends_on=[built.cluster], delete_before_replace=True,  # one access entry per principal
                aliases=[pulumi.Alias(name=names.legacy_user_entry(position))]),
        )


def _admin_entries(spec: StackSpec, built: ClusterResources) -> None:
    """``cluster.admins``: explicit, auditable break-glass cluster admins (AmazonEKSClusterAdminPolicy)."""
    cluster = spec.cluster.name
    for arn in spec.cluster.admins:
        parts = names.principal_parts(arn)
        entry = aws.eks.AccessEntry(
            names.child(cluster, "admin-access-entry", *parts),
            cluster_name=cluster,
            principal_arn=arn,
            type="STANDARD",
            tags={"eks-access/break-glass": "true"},
            opts=pulumi.ResourceOptions(depends_on=[built.cluster], delete_before_replace=True),
        )
        aws.eks.AccessPolicyAssociation(
            names.child(cluster, "admin-access-policy", *parts),
            cluster_name=cluster,
            principal_arn=arn,
            policy_arn=f"arn:aws:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}",
            access_scope=access_scope(()),
            opts=pulumi.ResourceOptions(depends_on=[entry], delete_before_replace=True),
        )


def _pod_identity_agent(spec: StackSpec, built: ClusterResources) -> None:
    """EKS Pod Identity hands out credentials only through the agent, a DaemonSet add-on
    (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html); once per cluster.
    It runs on nodes, so it waits for the node group."""
    aws.eks.Addon(
        f"{spec.cluster.name}-pod-identity-agent",
        cluster_name=spec.cluster.name,
        addon_name=POD_IDENTITY_AGENT,
        opts=pulumi.ResourceOptions(depends_on=[built.cluster, built.node_group], delete_before_replace=True),
    )


def _workload_namespaces(spec: StackSpec, provider: k8s.Provider) -> dict[str, k8s.core.v1.Namespace]:
    """Namespaces the workloads live in that nobody else creates (teams may, with createNamespaces)."""
    by_teams = {ns for t in spec.teams if t.create_namespaces for ns in t.rbac_namespaces}
    wanted = sorted({wl.namespace for wl in spec.workloads} - by_teams - set(BUILTIN_NAMESPACES))
    return {
        ns: k8s.core.v1.Namespace(f"namespace-{ns}", metadata={"name": ns, "labels": docs.labels()},
                                  opts=pulumi.ResourceOptions(provider=provider))
        for ns in wanted
    }


def _workload(wl: WorkloadSpec, spec: StackSpec, env: Environment, built: ClusterResources,
              namespaces: dict[str, k8s.core.v1.Namespace], k8s_opts: pulumi.ResourceOptions) -> WorkloadIdentity:
    args = WorkloadIdentityArgs.from_spec(
        wl,
        cluster_name=spec.cluster.name,
        cluster_arn=env.cluster_arn,
        oidc_provider_arn=built.cluster.oidc_provider_arn,
        oidc_issuer=built.cluster.oidc_issuer,
        cluster_resource=built.cluster,
    )
    deps = [namespaces[wl.namespace]] if wl.namespace in namespaces else []
    opts = pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(
        depends_on=deps or None,
        aliases=[pulumi.Alias(name=names.legacy_workload(wl.namespace, wl.service_account))],
    ))
    return WorkloadIdentity(names.workload(wl.namespace, wl.service_account), args, opts)
