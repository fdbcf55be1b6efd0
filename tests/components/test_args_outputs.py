"""Library Args cross-checks hold when arguments are Outputs; None where a list is required and tags
IAM refuses are SpecErrors naming the argument (issue 16, "Library")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from eks_access import TeamAccess, TeamAccessArgs, WorkloadIdentity, WorkloadIdentityArgs
from eks_access.errors import SpecError
from eks_access.offline import FakeCloud, run_program
from tests.components.mocks import ACCOUNT
from tests.components.test_args import CLUSTER_ARN, HOST, PROVIDER_ARN

OTHER_ARN = f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/other"
OTHER_HOST = "oidc.eks.ap-northeast-2.amazonaws.com/id/OTHER"
PAIR = "TeamAccessArgs.cluster_arn: names cluster 'other' but cluster_name is 'myeks'"
WORKLOAD_PAIR = "WorkloadIdentityArgs.cluster_arn: names cluster 'other' but cluster_name is 'myeks'"
ISSUER = f"WorkloadIdentityArgs.oidc_issuer: '{OTHER_HOST}' is not the issuer of oidc_provider_arn ('{HOST}')"


def out(value: str) -> pulumi.Output[str]:
    return pulumi.Output.from_input(value)


def team(name: Any, arn: Any, mode: str = "API") -> Callable[[], None]:
    return lambda: TeamAccess("dev", TeamAccessArgs(cluster_name=name, cluster_arn=arn, role_name="EKSDev", authentication_mode=mode))


def pod_identity(name: Any, arn: Any) -> Callable[[], None]:
    return lambda: WorkloadIdentity("my-sa", WorkloadIdentityArgs(
        cluster_name=name, cluster_arn=arn, service_account="my-sa", namespace="default", identity="pod-identity",
        role_name="my-sa-role"))  # fmt: skip


def irsa(provider: Any, issuer: Any, name: Any = "myeks", arn: Any = None) -> Callable[[], None]:
    return lambda: WorkloadIdentity("my-sa", WorkloadIdentityArgs(
        cluster_name=name, service_account="my-sa", namespace="default", oidc_provider_arn=provider, oidc_issuer=issuer,
        cluster_arn=arn, role_name="my-sa-role"))  # fmt: skip


MISMATCHES = [
    pytest.param(team("myeks", OTHER_ARN), PAIR, id="team-plain"),
    pytest.param(lambda: team(out("myeks"), OTHER_ARN)(), PAIR, id="team-name-output"),
    pytest.param(lambda: team("myeks", out(OTHER_ARN))(), PAIR, id="team-arn-output"),
    pytest.param(lambda: team(out("myeks"), out(OTHER_ARN))(), PAIR, id="team-both-outputs"),
    pytest.param(lambda: team(out("myeks"), OTHER_ARN, "CONFIG_MAP")(), PAIR, id="team-aws-auth-name-output"),
    pytest.param(lambda: team("myeks", out(OTHER_ARN), "CONFIG_MAP")(), PAIR, id="team-aws-auth-arn-output"),
    pytest.param(pod_identity("myeks", OTHER_ARN), WORKLOAD_PAIR, id="workload-plain"),
    pytest.param(lambda: pod_identity(out("myeks"), OTHER_ARN)(), WORKLOAD_PAIR, id="workload-name-output"),
    pytest.param(lambda: pod_identity("myeks", out(OTHER_ARN))(), WORKLOAD_PAIR, id="workload-arn-output"),
    pytest.param(lambda: irsa(PROVIDER_ARN, HOST, out("myeks"), OTHER_ARN)(), WORKLOAD_PAIR, id="irsa-cluster-arn-name-output"),
    pytest.param(irsa(PROVIDER_ARN, OTHER_HOST), ISSUER, id="issuer-plain"),
    pytest.param(lambda: irsa(out(PROVIDER_ARN), OTHER_HOST)(), ISSUER, id="issuer-provider-output"),
    pytest.param(lambda: irsa(PROVIDER_ARN, out(OTHER_HOST))(), ISSUER, id="issuer-output"),
    pytest.param(lambda: irsa(out(PROVIDER_ARN), out(OTHER_HOST))(), ISSUER, id="issuer-both-outputs"),
]


@pytest.mark.parametrize(("program", "message"), MISMATCHES)
def test_cross_checks_hold_for_outputs(program: Callable[[], None], message: str) -> None:
    """Plain values fail when the Args are built; Outputs fail the preview when they resolve, with the same message."""
    with pytest.raises(SpecError) as err:
        run_program(program, config={}, cloud=FakeCloud())
    assert str(err.value) == message


@pytest.mark.parametrize("program", [
    lambda: team(out("myeks"), out(CLUSTER_ARN))(),
    lambda: pod_identity(out("myeks"), out(CLUSTER_ARN))(),
    lambda: irsa(out(PROVIDER_ARN), out(f"https://{HOST}"))(),
])  # fmt: skip
def test_matching_outputs_pass(program: Callable[[], None]) -> None:
    assert run_program(program, config={}, cloud=FakeCloud()).resources


TEAM = {"cluster_name": "myeks", "cluster_arn": CLUSTER_ARN, "role_name": "EKSDev"}
WORKLOAD = {"cluster_name": "myeks", "service_account": "my-sa", "namespace": "default",
            "oidc_provider_arn": PROVIDER_ARN, "oidc_issuer": HOST}  # fmt: skip


@pytest.mark.parametrize(("make", "argument", "message"), [
    (TeamAccessArgs, "members", "TeamAccessArgs.members: must be a list, got None"),
    (TeamAccessArgs, "cluster_role_bindings", "TeamAccessArgs.cluster_role_bindings: must be a list, got None"),
    (TeamAccessArgs, "access_policies", "TeamAccessArgs.access_policies: must be a list, got None"),
    (TeamAccessArgs, "trusted_principal_arns", "TeamAccessArgs.trusted_principal_arns: must be a list, got None"),
    (TeamAccessArgs, "require_mfa", "TeamAccessArgs.require_mfa: must be true or false, got None"),
    (TeamAccessArgs, "list_roles", "TeamAccessArgs.list_roles: must be true or false, got None"),
    (WorkloadIdentityArgs, "managed_policy_arns", "WorkloadIdentityArgs.managed_policy_arns: must be a list, got None"),
    (WorkloadIdentityArgs, "create_service_account", "WorkloadIdentityArgs.create_service_account: must be true or false, got None"),
])  # fmt: skip
def test_none_is_not_a_default(make: Callable[..., object], argument: str, message: str) -> None:
    base = TEAM if make is TeamAccessArgs else WORKLOAD
    with pytest.raises(SpecError) as err:
        make(**base, **{argument: None})
    assert str(err.value) == message


LONG_KEY = "k" * 129
TAGS = [
    pytest.param({LONG_KEY: "v"}, f"[{LONG_KEY!r}]: tag key {LONG_KEY!r} is 129 characters; IAM allows 1 to 128", id="key-129"),
    pytest.param({"": "v"}, "['']: tag key '' is 0 characters; IAM allows 1 to 128", id="key-empty"),
    pytest.param({"team": "v" * 257}, "['team']: tag value of 'team' is 257 characters; IAM allows at most 256", id="value-257"),
    pytest.param({"aws:owner": "me"}, "['aws:owner']: tag key 'aws:owner' starts with the reserved prefix 'aws:'", id="aws-prefix"),
    pytest.param({"AWS:owner": "me"}, "['AWS:owner']: tag key 'AWS:owner' starts with the reserved prefix 'aws:'", id="aws-prefix-case"),
    pytest.param({"team": "a;b"}, "['team']: tag value 'a;b' contains U+003B (SEMICOLON); IAM tags allow letters, digits, spaces and _ . : / = + - @",
                 id="value-character"),
    pytest.param({f"k{i}": "v" for i in range(51)}, ": has 51 tags; IAM allows 50 on a role", id="count"),
]


@pytest.mark.parametrize(("tags", "message"), TAGS)
@pytest.mark.parametrize("make", [TeamAccessArgs, WorkloadIdentityArgs])
def test_tags_follow_iams_rules(make: Callable[..., object], tags: dict[str, str], message: str) -> None:
    base = TEAM if make is TeamAccessArgs else WORKLOAD
    with pytest.raises(SpecError) as err:
        make(**base, tags=tags)
    assert str(err.value) == f"{make.__name__}.tags{message}"


def test_tags_at_iams_limits_are_kept() -> None:
    tags = {"k" * 128: "v" * 256, "empty": "", "Cost Center": "é _.:/=+-@"}
    assert TeamAccessArgs(**TEAM, tags=tags).tags == tags
    assert WorkloadIdentityArgs(**WORKLOAD, tags=tags).tags == tags
