"""``WorkloadIdentity``: one IAM role for one ServiceAccount, IRSA or EKS Pod Identity.

The role trusts exactly one ServiceAccount (``sub`` and ``aud`` for IRSA; session tags for Pod
Identity), so a pod on the ``default`` ServiceAccount of the same namespace gets AccessDenied,
as the sources observed. The ServiceAccount and its optional in-cluster Role come with it.

Preview: the Pod Identity trust is computed from the cluster ARN and names, so a first preview
shows it. An IRSA trust needs the cluster's OIDC issuer, which EKS assigns when it creates the
cluster: in the first preview of a stack that creates its cluster it is unknown, and known from
the next one on. The ServiceAccount's name and namespace are always plain. With a cluster ARN (the
stack always passes one, built from provider functions) the role's ARN is built from partition,
account and role name, so the Pod Identity association's ``roleArn`` and the IRSA annotation are
known in a first preview too; both still wait for the role.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from eks_access import documents as docs
from eks_access.components import names
from eks_access.components.args import AccessComponent, parse_cluster_arn
from eks_access.components.workload_args import WorkloadIdentityArgs
from eks_access.spec import WorkloadSpec

__all__ = ["WorkloadIdentity", "WorkloadIdentityArgs"]


class WorkloadIdentity(AccessComponent):
    """The IAM role a ServiceAccount's pods assume, plus the annotated ServiceAccount itself."""

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    service_account_name: pulumi.Output[str]
    namespace: pulumi.Output[str]

    def __init__(self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = args.spec
        super().__init__("eks-access:index:WorkloadIdentity", name, opts)
        self.spec = spec
        owner = spec.owner
        tags = {"eks-access/service-account": owner, **args.tags}
        role = self._role(name, spec, args, tags)
        arn = _role_arn(args, spec, role)
        self._policies(name, spec, role)
        if spec.identity == "pod-identity":
            self._association(name, spec, args, role, arn, tags)
        service_account = self._service_account(name, spec, role, arn, owner) if spec.create_service_account else None
        if spec.rules:
            self._api_access(name, spec, owner, service_account)
        self.role_arn = role.arn
        self.role_name = role.name
        self.service_account_name = pulumi.Output.from_input(spec.service_account)
        self.namespace = pulumi.Output.from_input(spec.namespace)
        self.register_outputs({"roleArn": role.arn, "serviceAccount": spec.key})

    def _role(self, name: str, spec: WorkloadSpec, args: WorkloadIdentityArgs, tags: dict[str, str]) -> aws.iam.Role:
        trust: pulumi.Output[str]
        if spec.identity == "irsa":
            trust = pulumi.Output.all(args.checked("oidc_provider_arn"), args.checked("oidc_issuer")).apply(
                lambda v: docs.to_json(docs.irsa_trust_policy(
                    v[0], v[1], spec.namespace, spec.service_account, whole_namespace=spec.trust_whole_namespace)))
        else:
            trust = args.checked("cluster_arn").apply(lambda arn: _pod_identity_trust(arn, spec))
        return aws.iam.Role(
            f"{name}-role",
            name=spec.role_name,
            assume_role_policy=trust,
            description=f"{spec.identity} role of ServiceAccount {spec.namespace}/{spec.service_account}",
            permissions_boundary=spec.permissions_boundary,
            tags=tags,
            opts=self.child_options(f"{name}-role"),
        )

    def _policies(self, name: str, spec: WorkloadSpec, role: aws.iam.Role) -> None:
        for position, policy_arn in enumerate(spec.managed_policy_arns):
            child = names.child(name, "policy", *names.policy_parts(policy_arn))
            # One attachment per (role, policy): a replacement that attached first and detached
            # second would leave the policy detached, so delete first.
            aws.iam.RolePolicyAttachment(child, role=role.name, policy_arn=policy_arn, opts=self.child_options(
                child, legacy=names.legacy_indexed("managed", position), delete_before_replace=True))
        if spec.inline_policy is not None:
            aws.iam.RolePolicy(f"{name}-inline", role=role.name, name="inline",
                               policy=docs.to_json(docs.canonical_policy(spec.inline_policy)),
                               opts=self.child_options(f"{name}-inline"))

    def _association(self, name: str, spec: WorkloadSpec, args: WorkloadIdentityArgs, role: aws.iam.Role,
                     arn: pulumi.Output[str], tags: dict[str, str]) -> None:
        # One association per (cluster, namespace, service account) (CreatePodIdentityAssociation):
        # delete before replace. It lives in the cluster, so it waits for it, and for its role.
        deps = [role, *([args.cluster_resource] if args.cluster_resource else [])]
        aws.eks.PodIdentityAssociation(
            f"{name}-pod-identity",
            cluster_name=args.checked("cluster_name"),
            namespace=spec.namespace,
            service_account=spec.service_account,
            role_arn=arn,
            tags=tags,
            opts=self.child_options(f"{name}-pod-identity", depends_on=deps, delete_before_replace=True),
        )

    def _service_account(self, name: str, spec: WorkloadSpec, role: aws.iam.Role, arn: pulumi.Output[str],
                         owner: str) -> pulumi.Resource:
        """Name and namespace are plain values; only IRSA's role-arn annotation is an Output."""
        plain = docs.service_account(spec.service_account, spec.namespace, None, spec.automount, owner)["metadata"]
        annotations = {docs.ROLE_ARN_ANNOTATION: arn} if spec.identity == "irsa" else None
        return k8s.core.v1.ServiceAccount(
            f"{name}-sa",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=plain["name"], namespace=plain["namespace"], labels=plain["labels"], annotations=annotations),
            automount_service_account_token=spec.automount,
            opts=self.child_options(f"{name}-sa", depends_on=[role] if spec.identity == "irsa" else ()),
        )

    def _api_access(self, name: str, spec: WorkloadSpec, owner: str, service_account: pulumi.Resource | None) -> None:
        """A Role in the ServiceAccount's namespace with its rules, bound to the ServiceAccount."""
        role_name = f"{spec.service_account}-api"
        k8s_role = self.register_manifest(k8s.rbac.v1.Role, f"{name}-rbac-role",
                                          docs.role(role_name, spec.namespace, spec.rules, owner),
                                          self.child_options(f"{name}-rbac-role"))
        subject = docs.service_account_subject(spec.service_account, spec.namespace)
        deps = [k8s_role, *([service_account] if service_account else [])]
        self.register_manifest(k8s.rbac.v1.RoleBinding, f"{name}-rbac-binding",
                               docs.role_binding(role_name, spec.namespace, "Role", role_name, [subject], owner),
                               self.child_options(f"{name}-rbac-binding", depends_on=deps))


def _role_arn(args: WorkloadIdentityArgs, spec: WorkloadSpec, role: aws.iam.Role) -> pulumi.Output[str]:
    """The role's ARN from the cluster ARN's partition and account and the role name (roles are
    created at path "/"), known before the role exists; ``role.arn`` without a cluster ARN."""
    if args.cluster_arn is None:
        return role.arn
    return args.checked("cluster_arn").apply(
        lambda arn: docs.role_arn(parse_cluster_arn(arn)[0], parse_cluster_arn(arn)[2], spec.role_name))


def _pod_identity_trust(cluster_arn: str, spec: WorkloadSpec) -> str:
    _partition, _region, account, cluster = parse_cluster_arn(cluster_arn)
    return docs.to_json(docs.pod_identity_trust_policy(account, cluster, spec.namespace, spec.service_account))
