"""Which AWS region a stack deploys to when ``aws:region`` is not set.

The AWS SDK for Pulumi then takes ``AWS_REGION``, else ``AWS_DEFAULT_REGION`` (pulumi-aws
``sdk/python/pulumi_aws/config/vars.py``, ``region``, and ``provider.py``: ``get_env('AWS_REGION',
'AWS_DEFAULT_REGION')``), and at deploy time the program asks the provider itself
(``aws.get_region``), which also sees a profile's region. Offline there is no provider to ask, so
a plan with none of the three is refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping

from eks_access.errors import SpecError
from eks_access.spec.fields import REGION

REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")


def provider_region(configured: str | None, environ: Mapping[str, str]) -> str | None:
    """``aws:region``, else the first region environment variable set, else None."""
    if configured is not None:
        return configured
    for variable in REGION_VARIABLES:
        value = environ.get(variable)
        if value:
            if not REGION.fullmatch(value):
                raise SpecError(variable, f"{value!r} is not a valid AWS region")
            return value
    return None


def offline_region(configured: str | None, environ: Mapping[str, str]) -> str:
    """The region an offline plan uses: the provider's, or an error naming ``aws:region``."""
    region = provider_region(configured, environ)
    if region is None:
        raise SpecError(
            "aws:region",
            "is not set, and neither AWS_REGION nor AWS_DEFAULT_REGION is: the AWS provider would have no "
            "region to deploy to; set it with `pulumi config set aws:region <region>`",
        )
    return region
