"""``ClusterOidcProvider``: register a cluster's OIDC issuer with IAM, once per cluster.

Needed for clusters not made by pulumi-eks (``createOidcProvider``) or eksctl
(``eksctl utils associate-iam-oidc-provider``); IRSA roles trust the provider it creates.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from eks_access import documents as docs
from eks_access.components.args import AccessComponent, check_plain, checked_input, string_list
from eks_access.errors import SpecError

OWNER = "ClusterOidcProviderArgs"


class ClusterOidcProviderArgs:
    """Arguments of :class:`ClusterOidcProvider`, checked when this object is built."""

    issuer_url: pulumi.Input[str]
    """The cluster's ``identity.oidc.issuer`` (``https://oidc.eks.<region>.amazonaws.com/id/<ID>``). Required."""
    thumbprints: Sequence[str]
    """SHA-1 thumbprints of the issuer's certificate. Default: none (IAM trusts EKS issuers by their CA)."""

    def __init__(self, *, issuer_url: pulumi.Input[str], thumbprints: Sequence[str] = ()) -> None:
        self.issuer_url = issuer_url
        check_plain(issuer_url, f"{OWNER}.issuer_url", _https_url)
        self.thumbprints = string_list(thumbprints, f"{OWNER}.thumbprints")
        for i, thumb in enumerate(self.thumbprints):
            if len(thumb) != 40 or any(c not in "0123456789abcdefABCDEF" for c in thumb):
                raise SpecError(f"{OWNER}.thumbprints[{i}]", f"{thumb!r} is not a 40-hex-digit SHA-1 thumbprint")


def _https_url(url: str, path: str) -> str:
    if not url.startswith("https://"):
        raise SpecError(path, f"{url!r} must start with https:// (the cluster's identity.oidc.issuer)")
    return url


class ClusterOidcProvider(AccessComponent):
    """Outputs ``provider_arn`` and ``issuer`` (host/path, as IRSA condition keys spell it)."""

    provider_arn: pulumi.Output[str]
    issuer: pulumi.Output[str]

    def __init__(self, name: str, args: ClusterOidcProviderArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        url = checked_input(args.issuer_url, f"{OWNER}.issuer_url", _https_url)
        super().__init__("eks-access:index:ClusterOidcProvider", name, opts)
        # IAM allows one OIDC provider per issuer URL: a replacement must delete the old one first.
        provider = aws.iam.OpenIdConnectProvider(
            f"{name}-provider",
            url=url,
            client_id_lists=[docs.STS_AUDIENCE],
            # IAM no longer needs thumbprints for EKS issuers (it trusts the issuer's CA).
            thumbprint_lists=list(args.thumbprints) or None,
            opts=self.child_options(f"{name}-provider", delete_before_replace=True),
        )
        self.provider_arn = provider.arn
        self.issuer = url.apply(docs.issuer_host_path)
        self.register_outputs({"providerArn": self.provider_arn, "issuer": self.issuer})
