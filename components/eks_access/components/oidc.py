"""``ClusterOidcProvider``: register a cluster's OIDC issuer with IAM, once per cluster.

Needed for clusters not made by pulumi-eks (``createOidcProvider``) or eksctl
(``eksctl utils associate-iam-oidc-provider``); IRSA roles trust the provider it creates.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from eks_access import documents as docs
from eks_access.components.args import child_opts
from eks_access.errors import SpecError


class ClusterOidcProviderArgs:
    def __init__(self, *, issuer_url: pulumi.Input[str], thumbprints: Sequence[str] = ()) -> None:
        if isinstance(issuer_url, str) and not issuer_url.startswith("https://"):
            raise SpecError("ClusterOidcProviderArgs.issuer_url", f"{issuer_url!r} must start with https:// (the cluster's identity.oidc.issuer)")
        for i, thumb in enumerate(thumbprints):
            if len(thumb) != 40 or any(c not in "0123456789abcdefABCDEF" for c in thumb):
                raise SpecError(f"ClusterOidcProviderArgs.thumbprints[{i}]", f"{thumb!r} is not a 40-hex-digit SHA-1 thumbprint")
        self.issuer_url = issuer_url
        self.thumbprints = list(thumbprints)


class ClusterOidcProvider(pulumi.ComponentResource):
    """Outputs ``provider_arn`` and ``issuer`` (host/path, as IRSA condition keys spell it)."""

    provider_arn: pulumi.Output[str]
    issuer: pulumi.Output[str]

    def __init__(self, name: str, args: ClusterOidcProviderArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-access:index:ClusterOidcProvider", name, None, opts)
        url = pulumi.Output.from_input(args.issuer_url)
        provider = aws.iam.OpenIdConnectProvider(
            f"{name}-provider",
            url=url,
            client_id_lists=[docs.STS_AUDIENCE],
            # IAM no longer needs thumbprints for EKS issuers (it trusts the issuer's CA).
            thumbprint_lists=args.thumbprints or None,
            opts=child_opts(self),
        )
        self.provider_arn = provider.arn
        self.issuer = url.apply(docs.issuer_host_path)
        self.register_outputs({"providerArn": self.provider_arn, "issuer": self.issuer})
