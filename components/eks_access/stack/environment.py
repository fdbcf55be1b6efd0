"""Where the stack deploys: partition, region and account, as the AWS provider reports them.

All three come from provider functions (invokes), which a ``pulumi preview`` answers, so every
ARN and IAM document built from them is known in the very first preview.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from eks_access import documents as docs
from eks_access.errors import SpecError
from eks_access.spec import StackSpec


@dataclass(frozen=True)
class Environment:
    partition: pulumi.Output[str]
    region: pulumi.Output[str]
    account: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]

    def role_arn(self, name: str, path: str = "/") -> pulumi.Output[str]:
        return pulumi.Output.all(self.partition, self.account).apply(lambda v: docs.role_arn(v[0], v[1], name, path))


def deploy_environment(spec: StackSpec) -> Environment:
    partition = aws.get_partition_output().partition
    region = aws.get_region_output().region
    account = aws.get_caller_identity_output().account_id.apply(lambda found: _checked_account(spec, found))
    cluster_arn = pulumi.Output.all(partition, region, account).apply(
        lambda v: docs.cluster_arn(v[0], v[1], v[2], spec.cluster.name))
    return Environment(partition, region, account, cluster_arn)


def _checked_account(spec: StackSpec, account: str) -> str:
    if spec.account_id is not None and account != spec.account_id:
        raise SpecError(f"{pulumi.get_project()}:accountId", f"is {spec.account_id} but the AWS credentials belong to account {account}; refusing to deploy into the wrong account")
    return account
