"""``WorkloadIdentityArgs``: the documented, checked arguments of :class:`~eks_access.WorkloadIdentity`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi

from eks_access import documents as docs
from eks_access.components.args import (
    check_cluster_pair,
    check_plain,
    checked_cluster_pair,
    checked_input,
    checked_pair,
    config_of,
    eks_cluster_name,
    parse_cluster_arn,
    refuse_none,
    resource_or_none,
    tag_map,
    validate,
)
from eks_access.errors import SpecError
from eks_access.spec import NAMESPACE_TRUST_OPT_IN, WorkloadSpec, load_workload
from eks_access.spec.fields import OIDC_PROVIDER_ARN, expect_str

OWNER = "WorkloadIdentityArgs"


class WorkloadIdentityArgs:
    """Arguments of :class:`~eks_access.WorkloadIdentity`: the keys of a ``workloads[]`` entry of stack
    config, in snake_case. Every argument is checked when this object is built; a bad one raises
    :class:`~eks_access.SpecError` naming ``WorkloadIdentityArgs.<argument>`` before anything is registered.
    """

    cluster_name: pulumi.Input[str]
    """Name of the EKS cluster the ServiceAccount lives in. Required."""
    service_account: str
    """Name of the Kubernetes ServiceAccount. Required."""
    namespace: str
    """Its namespace. Required."""
    identity: str
    """``irsa`` (IAM roles for service accounts) or ``pod-identity`` (EKS Pod Identity). Default: ``irsa``."""
    oidc_provider_arn: pulumi.Input[str] | None
    """ARN of the cluster's IAM OIDC provider. Required for ``irsa``."""
    oidc_issuer: pulumi.Input[str] | None
    """The cluster's OIDC issuer (``oidc.eks.<region>.amazonaws.com/id/<ID>``, with or without ``https://``).
    Required for ``irsa``."""
    cluster_arn: pulumi.Input[str] | None
    """ARN of the cluster. Required for ``pod-identity`` (the trust names the cluster and its account)."""
    role_name: str | None
    """Name of the IAM role. Default: ``<cluster>-<namespace>-<service account>`` (64 characters at most)."""
    managed_policy_arns: Sequence[str]
    """Managed IAM policies attached to the role. Default: none."""
    inline_policy: Mapping[str, Any] | None
    """An inline IAM policy document for the role. Default: none."""
    permissions_boundary: str | None
    """ARN of a permissions boundary policy. Default: none."""
    trust_every_service_account_in_namespace: bool
    """IRSA only: trust every ServiceAccount of the namespace (``StringLike ...:*``). Default: ``False``."""
    create_service_account: bool
    """Create the ServiceAccount (annotated for IRSA). Default: ``True``."""
    automount_service_account_token: bool | None
    """Mount an API token in pods. Default: only when ``rules`` are given (the workload calls the API)."""
    rules: Sequence[Mapping[str, Any]] | None
    """RBAC rules for a Role in the namespace bound to the ServiceAccount. Default: none."""
    tags: Mapping[str, str]
    """Extra tags on the role and the Pod Identity association. Default: none."""
    cluster_resource: pulumi.Resource | None
    """The resource that creates the cluster in the same program: the Pod Identity association waits
    for it. Default: ``None``."""

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
        cluster_resource: pulumi.Resource | None = None,
    ) -> None:
        self.cluster_name = cluster_name
        self.service_account = service_account
        self.namespace = namespace
        self.identity = identity
        self.oidc_provider_arn = oidc_provider_arn
        self.oidc_issuer = oidc_issuer
        self.cluster_arn = cluster_arn
        self.role_name = role_name
        self.managed_policy_arns = managed_policy_arns
        self.inline_policy = inline_policy
        self.permissions_boundary = permissions_boundary
        self.trust_every_service_account_in_namespace = trust_every_service_account_in_namespace
        self.create_service_account = create_service_account
        self.automount_service_account_token = automount_service_account_token
        self.rules = rules
        refuse_none(OWNER, {
            "managed_policy_arns": (managed_policy_arns, "a list"),
            "identity": (identity, "'irsa' or 'pod-identity'"),
            "trust_every_service_account_in_namespace": (trust_every_service_account_in_namespace, "true or false"),
            "create_service_account": (create_service_account, "true or false"),
        })  # fmt: skip
        self.tags = tag_map(tags, f"{OWNER}.tags")
        self.cluster_resource = resource_or_none(cluster_resource, f"{OWNER}.cluster_resource")
        check_plain(cluster_name, f"{OWNER}.cluster_name", eks_cluster_name)
        prefix = self._role_prefix()
        self._spec = validate(OWNER, lambda: load_workload(self._config(), "", prefix))
        self._check_inputs()

    @classmethod
    def from_spec(cls, spec: WorkloadSpec, *, cluster_name: pulumi.Input[str], **inputs: Any) -> WorkloadIdentityArgs:
        """Arguments for a workload the stack program validated already: the spec is used as is."""
        args = cls.__new__(cls)
        args.cluster_name = cluster_name
        args.service_account, args.namespace, args.identity = spec.service_account, spec.namespace, spec.identity
        args.oidc_provider_arn = inputs.get("oidc_provider_arn")
        args.oidc_issuer = inputs.get("oidc_issuer")
        args.cluster_arn = inputs.get("cluster_arn")
        args.role_name, args.managed_policy_arns = spec.role_name, spec.managed_policy_arns
        args.inline_policy, args.permissions_boundary = spec.inline_policy, spec.permissions_boundary
        args.trust_every_service_account_in_namespace = spec.trust_whole_namespace
        args.create_service_account = spec.create_service_account
        args.automount_service_account_token = spec.automount_service_account_token
        args.rules = [r.to_manifest() for r in spec.rules] or None
        args.tags = tag_map(inputs.get("tags"), f"{OWNER}.tags")
        args.cluster_resource = resource_or_none(inputs.get("cluster_resource"), f"{OWNER}.cluster_resource")
        args._spec = spec
        args._check_inputs()
        return args

    @property
    def spec(self) -> WorkloadSpec:
        return self._spec

    def checked(self, argument: str) -> pulumi.Output[str]:
        """An Input argument, checked now when plain and when it resolves when an Output; the
        cluster ARN also against the cluster name, the issuer against the provider ARN (the
        cross-checks :meth:`_check_inputs` makes on plain values)."""
        if argument in ("cluster_name", "cluster_arn") and self.cluster_arn is not None:
            # the cross-check rides on the name when the pod identity association (name and role ARN) is made
            pair = checked_cluster_pair(self.cluster_name, self.cluster_arn, OWNER, on_name=self._spec.identity == "pod-identity")
            return pair[0] if argument == "cluster_name" else pair[1]
        output = checked_input(getattr(self, argument), f"{OWNER}.{argument}", _CHECKS[argument])
        if argument == "oidc_issuer" and self.oidc_provider_arn is not None:
            return checked_pair(self.checked("oidc_provider_arn"), output, _provider_matches_issuer)
        return output

    def _role_prefix(self) -> str:
        """Default role names start with the cluster name, which must therefore be known now: IAM role
        names are unique per account, and a stand-in prefix would make two clusters' roles collide."""
        if isinstance(self.cluster_name, str):
            return self.cluster_name
        if self.role_name is None:
            raise SpecError(f"{OWNER}.role_name", "is required when cluster_name is an Output: the default "
                            "<cluster>-<namespace>-<service account> needs the cluster name when the arguments are built")
        return "unused"

    def _check_inputs(self) -> None:
        required = {"irsa": ("oidc_provider_arn", "oidc_issuer"), "pod-identity": ("cluster_arn",)}[self._spec.identity]
        for argument in required:
            if getattr(self, argument) is None:
                raise SpecError(f"{OWNER}.{argument}", f"is required with identity {self._spec.identity!r}")
        for argument, check in _CHECKS.items():
            value = getattr(self, argument)
            if value is not None:
                check_plain(value, f"{OWNER}.{argument}", check)
        if self.cluster_arn is not None:
            check_cluster_pair(self.cluster_name, self.cluster_arn, OWNER)
        _check_provider_matches_issuer(self.oidc_provider_arn, self.oidc_issuer)

    def _config(self) -> dict[str, Any]:
        """The arguments in the shape of a ``workloads[]`` entry, exactly as given (the loader checks types)."""
        config = config_of({
            "service_account": self.service_account,
            "namespace": self.namespace,
            "identity": self.identity,
            "role_name": self.role_name,
            "managed_policy_arns": self.managed_policy_arns,
            "inline_policy": self.inline_policy,
            "permissions_boundary": self.permissions_boundary,
            "create_service_account": self.create_service_account,
            "automount_service_account_token": self.automount_service_account_token,
            "rules": self.rules,
        })
        config[NAMESPACE_TRUST_OPT_IN] = self.trust_every_service_account_in_namespace
        return config


def _provider_arn(value: str, path: str) -> str:
    return expect_str(value, path, OIDC_PROVIDER_ARN, "IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer>)")


def _issuer(value: str, path: str) -> str:
    host_path = docs.issuer_host_path(value)
    if not host_path or any(c.isspace() for c in host_path) or "/" not in host_path:
        raise SpecError(path, f"{value!r} is not an OIDC issuer (oidc.eks.<region>.amazonaws.com/id/<ID>)")
    return value


def _check_provider_matches_issuer(provider_arn: object, issuer: object) -> None:
    """IRSA needs the provider of exactly this issuer: a mismatch gives a role no pod can assume.
    Checked here when both are plain, by :meth:`WorkloadIdentityArgs.checked` when either is an Output."""
    if isinstance(provider_arn, str) and isinstance(issuer, str):
        _provider_matches_issuer(provider_arn, issuer)


def _provider_matches_issuer(provider_arn: str, issuer: str) -> None:
    provider_host = provider_arn.split(":oidc-provider/", 1)[-1]
    if provider_host != docs.issuer_host_path(issuer):
        raise SpecError(f"{OWNER}.oidc_issuer", f"{issuer!r} is not the issuer of oidc_provider_arn ({provider_host!r})")


_CHECKS: dict[str, Callable[[str, str], object]] = {
    "cluster_name": eks_cluster_name,
    "cluster_arn": parse_cluster_arn,
    "oidc_provider_arn": _provider_arn,
    "oidc_issuer": _issuer,
}

