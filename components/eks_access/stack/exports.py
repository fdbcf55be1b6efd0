"""Stack outputs: what operators and team members read after ``pulumi up``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi

from eks_access import documents as docs
from eks_access.spec import StackSpec
from eks_access.stack.access import Access
from eks_access.stack.cluster import ClusterResources
from eks_access.stack.environment import Environment


def export_outputs(spec: StackSpec, env: Environment, built: ClusterResources, access: Access) -> None:
    cluster = built.cluster
    pulumi.export("clusterName", spec.cluster.name)
    pulumi.export("clusterArn", env.cluster_arn)
    pulumi.export("authenticationMode", spec.cluster.authentication_mode)
    pulumi.export("kubeconfig", pulumi.Output.secret(cluster.kubeconfig_json))
    pulumi.export("oidcProviderArn", cluster.oidc_provider_arn)
    if built.vpc is not None:
        pulumi.export("vpcId", built.vpc.vpc_id)
    kubeconfig = cluster.kubeconfig_json.apply(json.loads)
    pulumi.export("teams", {
        name: {
            "roleArn": team.role_arn,
            "groupName": team.group_name,
            "kubernetesGroups": team.kubernetes_groups,
            "username": team.username,
            "awsProfile": team.aws_profile,
            "kubeconfig": pulumi.Output.all(kubeconfig, env.region).apply(_member_kubeconfig_yaml(spec.cluster.name, name)),
        }
        for name, team in access.teams.items()
    })
    pulumi.export("workloads", {key: {"roleArn": w.role_arn, "identity": w.spec.identity} for key, w in access.workloads.items()})


def _member_kubeconfig_yaml(cluster_name: str, team: str) -> Callable[[list[Any]], str]:
    def render(values: list[Any]) -> str:
        cluster_kubeconfig, region = values
        server = cluster_kubeconfig["clusters"][0]["cluster"]
        return docs.to_yaml(docs.kubeconfig(
            cluster_name, server["server"], server["certificate-authority-data"], str(region), docs.profile_name(team)))
    return render
