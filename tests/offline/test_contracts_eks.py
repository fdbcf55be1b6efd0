"""EKS contracts: access entries, associations, Pod Identity, add-ons, node group scaling."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws
import pulumi_eks as eks

from tests.offline.helpers import ACCOUNT, NODE_TRUST, refused, run

ROLE = f"arn:aws:iam::{ACCOUNT}:role/Dev"
VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:user/offline-plan-deployer"


def cluster(mode: str = "API", **kwargs: Any) -> eks.Cluster:
    return eks.Cluster("c", name="c", authentication_mode=eks.AuthenticationMode(mode), skip_default_node_group=True, **kwargs)


def entry(name: str, principal: str = ROLE, **kwargs: Any) -> aws.eks.AccessEntry:
    return aws.eks.AccessEntry(name, cluster_name="c", principal_arn=principal, **kwargs)


def association(name: str, principal: str = ROLE, policy: str = VIEW) -> aws.eks.AccessPolicyAssociation:
    scope = aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster")
    return aws.eks.AccessPolicyAssociation(name, cluster_name="c", principal_arn=principal, policy_arn=policy, access_scope=scope)


def test_one_access_entry_per_principal_even_spelled_with_a_path() -> None:
    def program() -> None:
        cluster()
        entry("e1")
        entry("e2", principal=f"arn:aws:iam::{ACCOUNT}:role/teams/dev")

    assert refused(program) == (
        f"e2 (aws:eks/accessEntry:AccessEntry): EKS allows one access entry per IAM principal in a cluster; e1 already "
        f"creates the entry of arn:aws:iam::{ACCOUNT}:role/teams/dev in cluster c (CreateAccessEntry fails with "
        "ResourceInUseException)"
    )


def test_an_entry_for_the_deployer_collides_with_the_creators_own_entry() -> None:
    def program() -> None:
        cluster()
        entry("admin", principal=f"arn:aws:iam::{ACCOUNT}:role/CI")

    assert refused(program, deployer=f"arn:aws:sts::{ACCOUNT}:assumed-role/CI/run-42") == (
        "admin (aws:eks/accessEntry:AccessEntry): EKS allows one access entry per IAM principal in a cluster; "
        "c-creator-access-entry (EKS's own entry for the cluster creator, whoever runs `pulumi up`) already creates the "
        f"entry of arn:aws:iam::{ACCOUNT}:role/CI in cluster c (CreateAccessEntry fails with ResourceInUseException)"
    )
    assert len(run(program)) == 4  # another deployer: cluster, the creator's two records, the entry


def test_an_association_needs_an_entry_in_a_cluster_the_program_creates() -> None:
    def without_entry() -> None:
        cluster()
        association("a")

    def with_entry() -> None:
        cluster()
        entry("e")
        association("a")

    def existing_cluster() -> None:  # a cluster made elsewhere may hold the entry already
        association("a")

    assert refused(without_entry) == (
        f"a (aws:eks/accessPolicyAssociation:AccessPolicyAssociation): {ROLE} has no access entry in cluster c; "
        "AssociateAccessPolicy fails with ResourceNotFoundException"
    )
    assert len(run(with_entry)) == 5
    assert len(run(existing_cluster)) == 1


def test_one_association_per_entry_and_policy() -> None:
    def program() -> None:
        cluster()
        entry("e")
        association("a1")
        association("a2")

    assert refused(program) == (
        f"a2 (aws:eks/accessPolicyAssociation:AccessPolicyAssociation): a1 already associates {VIEW} with the access "
        f"entry of {ROLE}; EKS keeps one association per entry and policy, so the two would overwrite each other's scope"
    )


def test_node_entries_take_no_groups_username_or_policies_and_only_roles() -> None:
    def groups() -> None:
        cluster()
        entry("n", type="EC2_LINUX", kubernetes_groups=["nodes"])

    def user() -> None:
        cluster()
        entry("n", principal=f"arn:aws:iam::{ACCOUNT}:user/dev1", type="EC2_WINDOWS")

    def policy() -> None:
        cluster()
        entry("n", type="EC2_LINUX")
        association("n-view")

    assert refused(groups) == (
        "n (aws:eks/accessEntry:AccessEntry): access entries of type EC2_LINUX take no kubernetesGroups; "
        "EKS gives node entries their own username and groups"
    )
    assert refused(user) == (
        f"n (aws:eks/accessEntry:AccessEntry): access entries of type EC2_WINDOWS need an IAM role ARN, not arn:aws:iam::{ACCOUNT}:user/dev1"
    )
    assert refused(policy) == (
        f"n-view (aws:eks/accessPolicyAssociation:AccessPolicyAssociation): the access entry of {ROLE} (n) is of type "
        "EC2_LINUX; EKS associates access policies only with STANDARD entries"
    )


def test_reserved_usernames_groups_and_session_principals() -> None:
    def username() -> None:
        entry("e", user_name="eks:admin")

    def group() -> None:
        entry("e", kubernetes_groups=["developers", "system:masters"])

    def session() -> None:
        entry("e", principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/alice")

    assert refused(username) == (
        "e (aws:eks/accessEntry:AccessEntry): userName 'eks:admin': EKS refuses access entry usernames starting with 'eks:'"
    )
    assert refused(group) == (
        "e (aws:eks/accessEntry:AccessEntry): kubernetesGroups has 'system:masters': EKS refuses group names starting "
        "with 'system:' (CreateAccessEntry: InvalidParameterException)"
    )
    assert refused(session) == (
        f"e (aws:eks/accessEntry:AccessEntry): principal arn:aws:sts::{ACCOUNT}:assumed-role/Dev/alice is an STS session; "
        "EKS access entries take the IAM role or user ARN, never a session"
    )


def test_access_entries_need_an_api_mode() -> None:
    def program() -> None:
        cluster("CONFIG_MAP")
        entry("e")

    assert refused(program) == (
        "e (aws:eks/accessEntry:AccessEntry): cluster c uses authentication mode CONFIG_MAP; "
        "EKS accepts access entries only in API or API_AND_CONFIG_MAP mode"
    )


def pod_identity(name: str, service_account: str = "app") -> None:
    aws.eks.PodIdentityAssociation(name, cluster_name="c", namespace="default", service_account=service_account, role_arn=ROLE)


def agent(name: str = "agent") -> None:
    aws.eks.Addon(name, cluster_name="c", addon_name="eks-pod-identity-agent")


def test_pod_identity_needs_the_agent_and_one_association_per_service_account() -> None:
    def no_agent() -> None:
        cluster()
        pod_identity("p")

    def twice() -> None:
        cluster()
        agent()
        pod_identity("p1")
        pod_identity("p2")

    def fine() -> None:
        cluster()
        agent()
        pod_identity("p1")
        pod_identity("p2", "other")

    assert refused(no_agent) == (
        "p (aws:eks/podIdentityAssociation:PodIdentityAssociation): cluster c has no eks-pod-identity-agent add-on "
        "(aws.eks.Addon); without the EKS Pod Identity Agent the pods of this service account never receive credentials"
    )
    assert refused(twice) == (
        "p2 (aws:eks/podIdentityAssociation:PodIdentityAssociation): p1 already associates service account default/app "
        "in cluster c with a role; EKS allows one Pod Identity association per service account"
    )
    assert len(run(fine)) == 6


def test_one_addon_of_a_name_per_cluster() -> None:
    def program() -> None:
        cluster()
        agent("a1")
        agent("a2")

    assert refused(program) == (
        "a2 (aws:eks/addon:Addon): a1 already installs add-on eks-pod-identity-agent in cluster c; "
        "CreateAddon fails with ResourceInUseException"
    )


def test_node_group_scaling_bounds() -> None:
    def program() -> None:
        c = cluster()
        role = aws.iam.Role("node", name="node", assume_role_policy=NODE_TRUST)
        eks.ManagedNodeGroup("ng", cluster=c, node_role=role,
                             scaling_config=aws.eks.NodeGroupScalingConfigArgs(desired_size=5, min_size=1, max_size=3))

    assert refused(program) == (
        "ng (eks:index:ManagedNodeGroup): scalingConfig has desiredSize 5 outside minSize 1 .. maxSize 3; EKS refuses the node group"
    )
