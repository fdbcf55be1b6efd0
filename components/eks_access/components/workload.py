"""``WorkloadIdentity``: one IAM role for one ServiceAccount, IRSA or EKS Pod Identity.

The role trusts exactly one ServiceAccount (``sub`` and ``aud`` for IRSA; session tags for Pod
Identity), so a pod on the ``default`` ServiceAccount of the same namespace gets AccessDenied,
as the sources observed. The ServiceAccount and its optional in-cluster Role come with it.
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
from eks_access.errors import SpecError
from eks_access.spec import WorkloadSpec, load_workload


class WorkloadIdentityArgs:
    """Arguments of :class:`WorkloadIdentity`; the same keys as a ``workloads[]`` entry.

    IRSA needs ``oidc_provider_arn`` and ``oidc_issuer``; Pod Identity needs ``cluster_arn``
    (the trust is scoped to the cluster by name and account).
    """

    def __init__(
        self,
        *,
        cluster_name: pulumi.Input[str],
        service_account: str,
        namespace: str,
        identity: str = "irsa",
        oidc_provider_arn: pulumi.Input[str] | None = None,
        oidc_issuer: pulumi.Input[str] | None = None,
        cluster_arn: pulumi.Input[str] | None = None,
        role_name: str | None = None,
        managed_policy_arns: Sequence[str] = (),
        inline_policy: Mapping[str, Any] | None = None,
        permissions_boundary: str | None = None,
        trust_every_service_account_in_namespace: bool = False,
        create_service_account: bool = True,
        automount_service_account_token: bool | None = None,
        rules: Sequence[Mapping[str, Any]] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.cluster_name = cluster_name
        self.oidc_provider_arn = oidc_provider_arn
        self.oidc_issuer = oidc_issuer
        self.cluster_arn = cluster_arn
        self.tags = dict(tags or {})
        self.config: dict[str, Any] = to_config(
            {
                "service_account": service_account,
                "namespace": namespace,
                "identity": identity,
                "role_name": role_name,
                "managed_policy_arns": list(managed_policy_arns),
                "inline_policy": inline_policy,
                "permissions_boundary": permissions_boundary,
                "create_service_account": create_service_account,
                "automount_service_account_token": automount_service_account_token,
                "rules": list(rules) if rules else None,
            }
        )
        if trust_every_service_account_in_namespace:
            self.config["trustEveryServiceAccountInNamespace"] = True
        self._spec: WorkloadSpec | None = None

    @classmethod
    def from_spec(cls, spec: WorkloadSpec, **inputs: Any) -> WorkloadIdentityArgs:
        args = cls(service_account=spec.service_account, namespace=spec.namespace, identity=spec.identity, **inputs)
        args._spec = spec
        return args


class WorkloadIdentity(pulumi.ComponentResource):
    """The IAM role a ServiceAccount's pods assume, plus the annotated ServiceAccount itself."""

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    service_account_name: pulumi.Output[str]
    namespace: pulumi.Output[str]

    def __init__(self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = args._spec or validate(
            "WorkloadIdentityArgs", lambda: load_workload(args.config, "", _cluster_label(args.cluster_name, name))
        )
        if spec.identity == "irsa" and (args.oidc_provider_arn is None or args.oidc_issuer is None):
            raise SpecError("WorkloadIdentityArgs.oidc_provider_arn", "identity 'irsa' needs oidc_provider_arn and oidc_issuer")
        if spec.identity == "pod-identity" and args.cluster_arn is None:
            raise SpecError("WorkloadIdentityArgs.cluster_arn", "identity 'pod-identity' needs cluster_arn")
        if isinstance(args.cluster_arn, str):
            validate("WorkloadIdentityArgs", lambda: parse_cluster_arn(str(args.cluster_arn)))
        super().__init__("eks-access:index:WorkloadIdentity", name, None, opts)
        remember_deps(self, opts)
        self.spec = spec
        tags = {"eks-access/service-account": f"{spec.namespace}.{spec.service_account}", **args.tags}

        trust: pulumi.Output[str]
        if spec.identity == "irsa":
            trust = pulumi.Output.all(args.oidc_provider_arn, args.oidc_issuer).apply(
                lambda v: docs.to_json(
                    docs.irsa_trust_policy(v[0], v[1], spec.namespace, spec.service_account, whole_namespace=spec.trust_whole_namespace)
                )
            )
        else:
            trust = pulumi.Output.from_input(args.cluster_arn).apply(
                lambda arn: _pod_identity_trust(str(arn), spec)
            )
        role = aws.iam.Role(
            f"{name}-role",
            name=spec.role_name,
            assume_role_policy=trust,
            description=f"{spec.identity} role of ServiceAccount {spec.namespace}/{spec.service_account}",
            permissions_boundary=spec.permissions_boundary,
            tags=tags,
            opts=child_opts(self),
        )
        for i, policy_arn in enumerate(spec.managed_policy_arns):
            aws.iam.RolePolicyAttachment(f"{name}-managed-{i}", role=role.name, policy_arn=policy_arn, opts=child_opts(self))
        if spec.inline_policy is not None:
            aws.iam.RolePolicy(
                f"{name}-inline", role=role.name, name="inline", policy=docs.to_json(spec.inline_policy), opts=child_opts(self)
            )
        if spec.identity == "pod-identity":
            aws.eks.PodIdentityAssociation(
                f"{name}-pod-identity",
                cluster_name=args.cluster_name,
                namespace=spec.namespace,
                service_account=spec.service_account,
                role_arn=role.arn,
                tags=tags,
                opts=child_opts(self),
            )

        annotate = role.arn if spec.identity == "irsa" else None
        sa_deps: list[pulumi.Resource] = []
        if spec.create_service_account:
            manifest: pulumi.Output[dict[str, Any]] = pulumi.Output.from_input(annotate).apply(
                lambda arn: docs.service_account(spec.service_account, spec.namespace, arn, spec.automount, name)
            )
            sa = k8s.core.v1.ServiceAccount(
                f"{name}-sa",
                metadata=manifest.apply(lambda m: m["metadata"]),
                automount_service_account_token=spec.automount,
                opts=child_opts(self),
            )
            sa_deps.append(sa)
        if spec.rules:
            role_name = f"{spec.service_account}-api"
            k8s_role = apply_manifest(k8s.rbac.v1.Role, f"{name}-rbac-role", docs.role(role_name, spec.namespace, spec.rules, name), self)
            apply_manifest(
                k8s.rbac.v1.RoleBinding,
                f"{name}-rbac-binding",
                docs.role_binding(role_name, spec.namespace, "Role", role_name,
                                  [docs.service_account_subject(spec.service_account, spec.namespace)], name),
                self,
                [k8s_role, *sa_deps],
            )

        self.role_arn = role.arn
        self.role_name = role.name
        self.service_account_name = pulumi.Output.from_input(spec.service_account)
        self.namespace = pulumi.Output.from_input(spec.namespace)
        self.register_outputs({"roleArn": role.arn, "serviceAccount": spec.key})


def _pod_identity_trust(cluster_arn: str, spec: WorkloadSpec) -> str:
    _partition, _region, account, cluster = parse_cluster_arn(cluster_arn)
    return docs.to_json(docs.pod_identity_trust_policy(account, cluster, spec.namespace, spec.service_account))


def _cluster_label(cluster_name: pulumi.Input[str], fallback: str) -> str:
    """Role names default to ``<cluster>-<ns>-<sa>``; an unresolved Output falls back to the component name."""
    return cluster_name if isinstance(cluster_name, str) else fallback
