"""Library arguments are type-checked when the Args object is built: a SpecError naming
``<Args>.<argument>``, before any resource is registered (issue 9, "Library arguments")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from eks_access import (
    ClusterOidcProvider,
    ClusterOidcProviderArgs,
    TeamAccess,
    TeamAccessArgs,
    WorkloadIdentity,
    WorkloadIdentityArgs,
)
from eks_access.errors import SpecError
from eks_access.offline import FakeCloud, run_program
from tests.components.mocks import ACCOUNT

CLUSTER_ARN = f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/myeks"
HOST = "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"


def team(**changes: Any) -> Callable[[], None]:
    args = {"cluster_name": "myeks", "cluster_arn": CLUSTER_ARN, "role_name": "EKSDev", **changes}
    return lambda: TeamAccess("dev", TeamAccessArgs(**args))


def workload(**changes: Any) -> Callable[[], None]:
    args = {"cluster_name": "myeks", "service_account": "my-sa", "namespace": "default",
            "oidc_provider_arn": PROVIDER_ARN, "oidc_issuer": HOST, **changes}
    return lambda: WorkloadIdentity("my-sa", WorkloadIdentityArgs(**args))


BAD = [
    pytest.param(team(members="dev1"), "TeamAccessArgs.members", "must be a list, got a string ('dev1')", id="members-string"),
    pytest.param(team(cluster_role_bindings="view"), "TeamAccessArgs.cluster_role_bindings",
                 "must be a list, got a string ('view')", id="crb-string"),
    pytest.param(team(kubernetes_groups="developers"), "TeamAccessArgs.kubernetes_groups",
                 "must be a list, got a string ('developers')", id="groups-string"),
    pytest.param(team(dangerously_allow_system_groups="false"), "TeamAccessArgs.dangerously_allow_system_groups",
                 "must be true or false, got a string ('false')", id="opt-in-string"),
    pytest.param(team(require_mfa=1), "TeamAccessArgs.require_mfa", "must be true or false, got a number (1)", id="mfa-int"),
    pytest.param(team(cluster_arn=None), "TeamAccessArgs.cluster_arn", "must be a string, got nothing (null)", id="cluster-arn-none"),
    pytest.param(team(cluster_name=7), "TeamAccessArgs.cluster_name", "must be a string, got a number (7)", id="cluster-name-int"),
    pytest.param(team(cluster_name="my eks"), "TeamAccessArgs.cluster_name", "'my eks' is not a valid EKS cluster name",
                 id="cluster-name-space"),
    pytest.param(team(cluster_arn=f"arn:aws:iam::{ACCOUNT}:role/x"), "TeamAccessArgs.cluster_arn",
                 f"'arn:aws:iam::{ACCOUNT}:role/x' is not an EKS cluster ARN (arn:aws:eks:<region>:<account>:cluster/<name>)",
                 id="cluster-arn-iam"),
    pytest.param(team(cluster_name="other"), "TeamAccessArgs.cluster_arn", "names cluster 'myeks' but cluster_name is 'other'",
                 id="cluster-pair"),
    pytest.param(team(role_name="bad role"), "TeamAccessArgs.role_name",
                 "'bad role' is not a valid IAM role name (1-64 characters of letters, digits and +=,.@_-)", id="role-name"),
    pytest.param(team(kubernetes_groups=["system:masters"]), "TeamAccessArgs.kubernetes_groups[0]",
                 "'system:masters': EKS access entries refuse 'system:' groups; bind a ClusterRole to your own group instead",
                 id="system-masters"),
    pytest.param(team(cluster_roles={"reader": [{"apiGroups": [""], "resources": "pods", "verbs": ["get"]}]}),
                 "TeamAccessArgs.cluster_roles.reader[0].resources", "must be a list, got a string ('pods')", id="nested-rule-key"),
    pytest.param(team(authentication_mode="api"), "TeamAccessArgs.authentication_mode",
                 "must be one of API, API_AND_CONFIG_MAP, CONFIG_MAP, got 'api'", id="auth-mode"),
    pytest.param(team(tags={"team": 5}), "TeamAccessArgs.tags['team']", "must be a string, got a number (5)", id="tag-value"),
    pytest.param(team(cluster_resource="myeks"), "TeamAccessArgs.cluster_resource",
                 "must be a pulumi Resource or None, got str", id="cluster-resource"),
    pytest.param(lambda: TeamAccess("Dev", TeamAccessArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, role_name="R")),
                 "TeamAccess.name", "'Dev' is not a valid team name (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)",
                 id="component-name"),
    pytest.param(workload(trust_every_service_account_in_namespace="false"), "WorkloadIdentityArgs.trust_every_service_account_in_namespace",
                 "must be true or false, got a string ('false')", id="namespace-trust-string"),
    pytest.param(workload(managed_policy_arns="arn:aws:iam::aws:policy/ReadOnlyAccess"), "WorkloadIdentityArgs.managed_policy_arns",
                 "must be a list, got a string ('arn:aws:iam::aws:policy/ReadOnlyAccess')", id="policies-string"),
    pytest.param(workload(rules="all"), "WorkloadIdentityArgs.rules", "must be a list, got a string ('all')", id="rules-string"),
    pytest.param(workload(namespace="Bad_NS"), "WorkloadIdentityArgs.namespace",
                 "'Bad_NS' is not a valid namespace (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)", id="namespace"),
    pytest.param(workload(oidc_provider_arn=None), "WorkloadIdentityArgs.oidc_provider_arn", "is required with identity 'irsa'",
                 id="irsa-needs-provider"),
    pytest.param(workload(identity="pod-identity"), "WorkloadIdentityArgs.cluster_arn", "is required with identity 'pod-identity'",
                 id="pod-identity-needs-cluster-arn"),
    pytest.param(workload(oidc_provider_arn=f"arn:aws:iam::{ACCOUNT}:role/x"), "WorkloadIdentityArgs.oidc_provider_arn",
                 f"'arn:aws:iam::{ACCOUNT}:role/x' is not a valid IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer>)",
                 id="provider-arn"),
    pytest.param(workload(oidc_issuer="oidc.eks.ap-northeast-2.amazonaws.com/id/OTHER"), "WorkloadIdentityArgs.oidc_issuer",
                 f"'oidc.eks.ap-northeast-2.amazonaws.com/id/OTHER' is not the issuer of oidc_provider_arn ('{HOST}')", id="issuer-mismatch"),
    pytest.param(workload(cluster_name=None), "WorkloadIdentityArgs.cluster_name", "must be a string, got nothing (null)",
                 id="workload-cluster-name-none"),
    pytest.param(lambda: workload(cluster_name=pulumi.Output.from_input("myeks"))(), "WorkloadIdentityArgs.role_name",
                 "is required when cluster_name is an Output: the default <cluster>-<namespace>-<service account> needs the "
                 "cluster name when the arguments are built", id="default-role-name-needs-plain-cluster"),
    pytest.param(lambda: ClusterOidcProvider("o", ClusterOidcProviderArgs(issuer_url="oidc.example.com")), "ClusterOidcProviderArgs.issuer_url",
                 "'oidc.example.com' must start with https:// (the cluster's identity.oidc.issuer)", id="issuer-url"),
    pytest.param(lambda: ClusterOidcProvider("o", ClusterOidcProviderArgs(issuer_url="https://x", thumbprints="9e99a48a9960b14926bb7f3b02e22da2b0ab7280")),
                 "ClusterOidcProviderArgs.thumbprints", "must be a list of strings, got str ('9e99a48a9960b14926bb7f3b02e22da2b0ab7280')",
                 id="thumbprints-string"),
]


@pytest.mark.parametrize(("program", "path", "message"), BAD)
def test_bad_argument_raises_before_anything_is_registered(program: Callable[[], None], path: str, message: str) -> None:
    cloud = FakeCloud()
    with pytest.raises(SpecError) as err:
        run_program(program, config={}, cloud=cloud)
    assert (err.value.path, err.value.detail) == (path, message)
    assert isinstance(err.value, ValueError)
    assert cloud.records == []


def test_args_refuse_at_construction_without_a_program() -> None:
    """The check runs in the Args constructor itself: no engine, no mocks needed."""
    with pytest.raises(SpecError) as err:
        TeamAccessArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, role_name="EKSDev", members="dev1")
    assert str(err.value) == "TeamAccessArgs.members: must be a list, got a string ('dev1')"


def test_output_inputs_are_checked_when_they_resolve() -> None:
    def program() -> None:
        TeamAccess("dev", TeamAccessArgs(cluster_name="myeks", cluster_arn=pulumi.Output.from_input("not-an-arn"), role_name="EKSDev"))

    with pytest.raises(SpecError) as err:
        run_program(program, config={}, cloud=FakeCloud())
    assert str(err.value) == ("TeamAccessArgs.cluster_arn: 'not-an-arn' is not an EKS cluster ARN "
                              "(arn:aws:eks:<region>:<account>:cluster/<name>)")


def test_good_arguments_are_kept_as_given() -> None:
    args = TeamAccessArgs(cluster_name="myeks", cluster_arn=CLUSTER_ARN, role_name="EKSDev", members=("dev1", "dev2"),
                          tags={"cost-center": "42"})
    assert (args.members, args.tags, args.authentication_mode, args.cluster_resource) == (("dev1", "dev2"), {"cost-center": "42"}, "API", None)
    assert args.spec_for("dev").members == ("dev1", "dev2")
    assert args.spec_for("dev").username == "dev:{{SessionName}}"
