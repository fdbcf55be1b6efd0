"""Kubernetes contracts: one resource per object, nothing the cluster has, namespaces that exist, scopes."""

from __future__ import annotations

import pulumi
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from eks_access import kubedata
from tests.offline.helpers import refused, run

RULES = [k8s.rbac.v1.PolicyRuleArgs(api_groups=[""], resources=["pods"], verbs=["get"])]


def cluster_provider(name: str = "c") -> pulumi.ResourceOptions:
    """A pulumi-eks cluster of the program and a Kubernetes provider for it, as the stack wires them."""
    c = eks.Cluster(name, name=name, authentication_mode=eks.AuthenticationMode.API, skip_default_node_group=True)
    provider = k8s.Provider(f"{name}-k8s", kubeconfig=c.kubeconfig_json)
    return pulumi.ResourceOptions(provider=provider)


def cluster_role(name: str, role: str, opts: pulumi.ResourceOptions | None = None, **meta: str) -> None:
    metadata = k8s.meta.v1.ObjectMetaArgs(name=role, namespace=meta.get("namespace"))
    k8s.rbac.v1.ClusterRole(name, metadata=metadata, rules=RULES, opts=opts)


def test_two_resources_for_one_object_are_refused() -> None:
    def program() -> None:
        cluster_role("team-a-reader", "reader")
        cluster_role("team-b-reader", "reader")

    assert refused(program) == (
        "team-b-reader (kubernetes:rbac.authorization.k8s.io/v1:ClusterRole): team-a-reader already creates ClusterRole "
        "reader; one Kubernetes object can have only one Pulumi resource (pulumi-kubernetes refuses the second create "
        "with AlreadyExists)"
    )


def test_one_name_in_two_namespaces_or_two_clusters_is_two_objects() -> None:
    def program() -> None:
        for ns in ("a", "b"):
            k8s.core.v1.Namespace(f"ns-{ns}", metadata={"name": ns}, opts=cluster_opts)
            k8s.rbac.v1.Role(f"{ns}-reader", metadata={"name": "reader", "namespace": ns}, rules=RULES, opts=cluster_opts)
        cluster_role("c1-reader", "reader", cluster_opts)
        cluster_role("c2-reader", "reader", pulumi.ResourceOptions(provider=k8s.Provider("other", kubeconfig="{}")))

    cluster_opts: pulumi.ResourceOptions

    def with_cluster() -> None:
        nonlocal cluster_opts
        cluster_opts = cluster_provider()
        program()

    assert len([r for r in run(with_cluster) if r["type"].startswith("kubernetes:")]) == 6


def test_objects_every_cluster_already_has() -> None:
    def view() -> None:
        cluster_role("mine", "view")

    def default_sa() -> None:
        k8s.core.v1.ServiceAccount("sa", metadata={"name": "default", "namespace": "apps"})

    def kube_system() -> None:
        k8s.core.v1.Namespace("ns", metadata={"name": "kube-system"})

    def bootstrap_role() -> None:
        k8s.rbac.v1.Role("r", metadata={"name": "extension-apiserver-authentication-reader", "namespace": "kube-system"},
                         rules=RULES)

    assert refused(view) == (
        "mine (kubernetes:rbac.authorization.k8s.io/v1:ClusterRole): every cluster already has ClusterRole view (part of "
        f"the Kubernetes {kubedata.DEFAULT_VERSION} API server's bootstrap RBAC policy); pulumi-kubernetes refuses to create it (AlreadyExists). "
        "Use a Patch resource to change it, or choose another name"
    )
    assert refused(default_sa) == (
        "sa (kubernetes:core/v1:ServiceAccount): every cluster already has ServiceAccount apps/default (the service "
        "account controller creates it in every namespace); pulumi-kubernetes refuses to create it (AlreadyExists). "
        "Use a Patch resource to change it, or choose another name"
    )
    assert refused(kube_system) == (
        "ns (kubernetes:core/v1:Namespace): every cluster already has Namespace kube-system (a built-in namespace); "
        "pulumi-kubernetes refuses to create it (AlreadyExists). Use a Patch resource to change it, or choose another name"
    )
    assert refused(bootstrap_role).startswith(
        "r (kubernetes:rbac.authorization.k8s.io/v1:Role): every cluster already has Role "
        "kube-system/extension-apiserver-authentication-reader (part of the Kubernetes"
    )


def test_a_new_cluster_has_only_the_builtin_namespaces() -> None:
    def missing() -> None:
        opts = cluster_provider()
        k8s.rbac.v1.Role("r", metadata={"name": "reader", "namespace": "apps"}, rules=RULES, opts=opts)

    def created() -> None:
        opts = cluster_provider()
        k8s.core.v1.Namespace("apps", metadata={"name": "apps"}, opts=opts)
        k8s.rbac.v1.Role("r", metadata={"name": "reader", "namespace": "apps"}, rules=RULES, opts=opts)

    def existing_cluster() -> None:  # the default provider: a cluster made elsewhere, namespaces unknown
        k8s.rbac.v1.Role("r", metadata={"name": "reader", "namespace": "apps"}, rules=RULES)

    assert refused(missing) == (
        "r (kubernetes:rbac.authorization.k8s.io/v1:Role): namespace 'apps' does not exist: nothing in the program "
        "creates it and a new cluster has only default, kube-system, kube-public, kube-node-lease (the API server "
        "refuses objects in missing namespaces)"
    )
    assert len(run(created)) == 6
    assert len(run(existing_cluster)) == 1


def test_cluster_scoped_objects_take_no_namespace() -> None:
    def program() -> None:
        cluster_role("r", "reader", namespace="apps")

    assert refused(program) == (
        "r (kubernetes:rbac.authorization.k8s.io/v1:ClusterRole): ClusterRole is cluster-scoped but sets "
        "metadata.namespace 'apps'; the API server drops it, so the object would not be where the plan shows it"
    )


def test_pulumi_eks_owns_aws_auth_when_the_mode_has_it() -> None:
    def program() -> None:
        c = eks.Cluster("c", name="c", authentication_mode=eks.AuthenticationMode.API_AND_CONFIG_MAP, skip_default_node_group=True)
        k8s.core.v1.ConfigMap("aws-auth", metadata={"name": "aws-auth", "namespace": "kube-system"}, data={"mapRoles": ""},
                              opts=pulumi.ResourceOptions(provider=k8s.Provider("k", kubeconfig=c.kubeconfig_json)))

    assert refused(program) == (
        "aws-auth (kubernetes:core/v1:ConfigMap): pulumi-eks cluster c already manages ConfigMap kube-system/aws-auth; "
        "pass its mappings to the cluster (roleMappings, userMappings) instead of a second resource that would fight "
        "over the object"
    )
