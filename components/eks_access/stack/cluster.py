"""The cluster half of the stack: node role, network, pulumi-eks cluster, managed node group.

Sources read for the rules here (pulumi/pulumi-eks, main between v4.3.0 and v4.4.0; the
installed SDK is 4.4.0):

* ``nodejs/eks/cluster/authenticationMode.ts`` ``validateAuthenticationMode``: in ``API`` mode a
  non-empty ``instanceRoles`` (or ``roleMappings``/``userMappings``) is an error. EKS itself creates
  the ``EC2_LINUX`` access entry of a managed node group's role in ``API`` and
  ``API_AND_CONFIG_MAP`` modes (Amazon EKS user guide, access entries; the EKS workshop's
  "Managing cluster access" lists them as created automatically).
* ``nodejs/eks/nodes/nodegroup.ts`` ``createManagedNodeGroup``: when the mode does not support
  access entries (``CONFIG_MAP``), the node group's role must be one of the cluster's
  ``instanceRoles``, which pulumi-eks then maps in aws-auth (``createAwsAuthData``). So the node
  role goes to ``instanceRoles`` in ``CONFIG_MAP`` mode only.
* ``nodejs/eks/cluster/cluster.ts``: without ``vpcId`` pulumi-eks uses the account's default VPC,
  which many accounts do not have; ``publicAccessCidrs`` only with a public endpoint; the node
  group's subnets default to all the cluster's subnets, public ones included, so nodes are placed
  in the private subnets explicitly, as ``examples/managed-nodegroups`` does with an awsx VPC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from eks_access import documents as docs
from eks_access.components import names
from eks_access.spec import ClusterSpec, StackSpec
from eks_access.stack.environment import Environment

#: The managed policies an EKS node role needs (Amazon EKS node IAM role); AmazonEKSWorkerNodePolicy
#: also carries eks-auth:AssumeRoleForPodIdentity, which the Pod Identity agent uses
#: (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html).
NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)


@dataclass(frozen=True)
class ClusterResources:
    cluster: eks.Cluster
    node_group: eks.ManagedNodeGroup
    provider: k8s.Provider
    vpc: awsx.ec2.Vpc | None


@dataclass(frozen=True)
class _Network:
    vpc: awsx.ec2.Vpc | None
    vpc_id: pulumi.Input[str]
    subnet_ids: list[str] | None = None  # an existing VPC's subnets, as configured
    public_subnet_ids: pulumi.Output[Sequence[str]] | None = None  # our VPC: load balancers
    private_subnet_ids: pulumi.Output[Sequence[str]] | None = None  # our VPC: nodes


def build_cluster(spec: StackSpec, env: Environment) -> ClusterResources:
    cluster_spec = spec.cluster
    node_role = _node_role(cluster_spec)
    attachments = _node_policies(cluster_spec, node_role, env)
    network = _network(cluster_spec)
    cluster = _cluster(spec, env, node_role, network)
    node_group = _node_group(cluster_spec, cluster, node_role, network, attachments)
    provider = k8s.Provider(f"{cluster_spec.name}-k8s", kubeconfig=cluster.kubeconfig_json, enable_server_side_apply=True)
    return ClusterResources(cluster, node_group, provider, network.vpc)


def _node_role(cluster: ClusterSpec) -> aws.iam.Role:
    return aws.iam.Role(
        f"{cluster.name}-node-role",
        name=f"{cluster.name}-node-role"[:64],
        assume_role_policy=docs.to_json(docs.node_trust_policy()),
        description=f"EC2 instance role of the {cluster.name} managed node group",
    )


def _node_policies(cluster: ClusterSpec, role: aws.iam.Role, env: Environment) -> list[aws.iam.RolePolicyAttachment]:
    attachments = []
    for position, policy in enumerate(NODE_POLICIES):
        name = names.child(cluster.name, "node-policy", "aws", policy)
        attachments.append(aws.iam.RolePolicyAttachment(
            name,
            role=role.name,
            policy_arn=env.partition.apply(_aws_managed_policy(policy)),
            opts=pulumi.ResourceOptions(
                aliases=[pulumi.Alias(name=names.legacy_indexed("node-policy", position)(cluster.name))],
                delete_before_replace=True,  # one attachment per (role, policy)
            ),
        ))
    return attachments


def _aws_managed_policy(name: str) -> Callable[[str], str]:
    return lambda partition: f"arn:{partition}:iam::aws:policy/{name}"


def _network(cluster: ClusterSpec) -> _Network:
    """The VPC the config names, or one of our own: private subnets for nodes, public for load balancers."""
    if cluster.vpc_id is not None:
        return _Network(None, cluster.vpc_id, subnet_ids=sorted(cluster.subnet_ids))
    # EKS needs DNS hostnames and DNS support in the VPC or nodes cannot register
    # (https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html); awsx defaults hostnames to off.
    vpc = awsx.ec2.Vpc(f"{cluster.name}-vpc", enable_dns_hostnames=True, enable_dns_support=True,
                       tags={"Name": f"{cluster.name}-vpc"})
    return _Network(vpc, vpc.vpc_id, public_subnet_ids=vpc.public_subnet_ids, private_subnet_ids=vpc.private_subnet_ids)


def _cluster(spec: StackSpec, env: Environment, node_role: aws.iam.Role, network: _Network) -> eks.Cluster:
    cluster = spec.cluster
    config_map = cluster.authentication_mode == "CONFIG_MAP"
    role_mappings = [
        eks.RoleMappingArgs(role_arn=env.role_arn(t.role_name, t.role_path), username=t.username, groups=sorted(t.kubernetes_groups))
        for t in sorted(spec.teams, key=lambda t: t.name)
        if t.mapping == "aws-auth"
    ]
    user_mappings = [
        eks.UserMappingArgs(user_arn=u.user_arn, username=u.username, groups=sorted(u.kubernetes_groups))
        for u in sorted(spec.users, key=lambda u: u.user_arn)
        if config_map
    ]
    return eks.Cluster(
        cluster.name,
        name=cluster.name,
        authentication_mode=eks.AuthenticationMode(cluster.authentication_mode),
        create_oidc_provider=True,
        skip_default_node_group=True,
        instance_roles=[node_role] if config_map else None,
        role_mappings=role_mappings or None,
        user_mappings=user_mappings or None,
        version=cluster.kubernetes_version,  # never EKS's own moving default
        endpoint_public_access=cluster.endpoint_public_access,
        endpoint_private_access=True,
        public_access_cidrs=list(cluster.public_access_cidrs) or None,
        vpc_id=network.vpc_id,
        subnet_ids=network.subnet_ids,
        public_subnet_ids=network.public_subnet_ids,
        private_subnet_ids=network.private_subnet_ids,
    )


def _node_group(cluster_spec: ClusterSpec, cluster: eks.Cluster, node_role: aws.iam.Role, network: _Network,
                attachments: list[aws.iam.RolePolicyAttachment]) -> eks.ManagedNodeGroup:
    ng = cluster_spec.node_group
    return eks.ManagedNodeGroup(
        f"{cluster_spec.name}-nodes",
        cluster=cluster,
        node_role=node_role,
        instance_types=[ng.instance_type],
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(desired_size=ng.desired_size, min_size=ng.min_size, max_size=ng.max_size),
        subnet_ids=network.private_subnet_ids,  # None: the cluster's subnets (an existing VPC)
        # Nodes that start before their role has its policies cannot join or pull images.
        opts=pulumi.ResourceOptions(depends_on=list(attachments)),
    )
