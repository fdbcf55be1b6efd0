"""Spec rules for the keys a real deployment needs: network, endpoint access, break-glass admins,
and trust rules that would otherwise give a role nobody can assume. Exact paths and messages."""

from __future__ import annotations

from typing import Any

import pytest

from eks_access.errors import SpecError
from eks_access.spec import load_stack

ACCOUNT = "111122223333"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/BreakGlass"


def stack(cluster: dict[str, Any] | None = None, team: dict[str, Any] | None = None) -> dict[str, Any]:
    raw: dict[str, Any] = {"cluster": {"name": "myeks", **(cluster or {})}}
    if team is not None:
        raw["teams"] = [{"name": "ops", "roleName": "EKSOps", **team}]
    return raw


BAD = [
    pytest.param(stack({"vpcId": "vpc-0abc"}), "cluster.subnetIds",
                 "is required with vpcId: EKS places the cluster in the subnets you name (at least two availability zones)",
                 id="vpc-without-subnets"),
    pytest.param(stack({"subnetIds": ["subnet-a", "subnet-b"]}), "cluster.vpcId",
                 "is required with subnetIds: name the VPC the subnets belong to, or drop both to let the stack create a VPC",
                 id="subnets-without-vpc"),
    pytest.param(stack({"endpointPublicAccess": False}), "cluster.endpointPublicAccess",
                 "false leaves only the private endpoint, reachable from inside the VPC; pulumi up applies RBAC through it, "
                 "so it must run where it reaches the VPC (VPN, peering, a runner in the VPC): "
                 "set deployerReachesPrivateEndpoint: true to confirm", id="private-endpoint-without-opt-in"),
    pytest.param(stack({"deployerReachesPrivateEndpoint": True}), "cluster.deployerReachesPrivateEndpoint",
                 "only applies with endpointPublicAccess: false", id="stray-private-opt-in"),
    pytest.param(stack({"deployerReachesPrivateEndpoint": "true", "endpointPublicAccess": False}),
                 "cluster.deployerReachesPrivateEndpoint", "must be true or false, got a string ('true')", id="opt-in-string"),
    pytest.param(stack({"endpointPublicAccess": False, "deployerReachesPrivateEndpoint": True, "publicAccessCidrs": ["10.0.0.0/8"]}),
                 "cluster.publicAccessCidrs", "can only be set when endpointPublicAccess is true", id="cidrs-without-public"),
    pytest.param(stack({"publicAccessCidrs": "203.0.113.0/24"}), "cluster.publicAccessCidrs",
                 "must be a list, got a string ('203.0.113.0/24')", id="cidrs-string"),
    pytest.param(stack({"publicAccessCidrs": ["203.0.113.7"]}), "cluster.publicAccessCidrs[0]",
                 "'203.0.113.7' is not a CIDR block; write it with a prefix length, e.g. '203.0.113.7/32'", id="cidr-no-prefix"),
    pytest.param(stack({"publicAccessCidrs": ["203.0.113.7/24"]}), "cluster.publicAccessCidrs[0]",
                 "'203.0.113.7/24' has host bits set; did you mean '203.0.113.0/24'?", id="cidr-host-bits"),
    pytest.param(stack({"publicAccessCidrs": ["2001:db8::/32"]}), "cluster.publicAccessCidrs[0]",
                 "'2001:db8::/32' is not an IPv4 CIDR block (IPv4 clusters take IPv4 blocks only)", id="cidr-ipv6"),
    pytest.param(stack({"publicAccessCidrs": ["10.0.0.0/33"]}), "cluster.publicAccessCidrs[0]",
                 "'10.0.0.0/33' is not an IPv4 CIDR block", id="cidr-prefix-too-long"),
    pytest.param(stack({"admins": ADMIN}), "cluster.admins", f"must be a list, got a string ('{ADMIN}')", id="admins-string"),
    pytest.param(stack({"admins": [f"arn:aws:iam::{ACCOUNT}:user/alice"]}), "cluster.admins[0]",
                 f"'arn:aws:iam::{ACCOUNT}:user/alice' is not an IAM role ARN; break-glass admins are roles people assume",
                 id="admin-user"),
    pytest.param(stack({"admins": ["BreakGlass"]}), "cluster.admins[0]", "'BreakGlass' is not a valid IAM role ARN", id="admin-name"),
    pytest.param(stack({"admins": [ADMIN, ADMIN]}), "cluster.admins[1]", f"duplicate entry '{ADMIN}'", id="admin-duplicate"),
    pytest.param(stack({"admins": [ADMIN], "authenticationMode": "CONFIG_MAP"}), "cluster.admins",
                 "are access entries, which need authenticationMode API or API_AND_CONFIG_MAP", id="admins-config-map"),
    pytest.param(stack(team={"trustedPrincipalArns": [f"arn:aws:iam::{ACCOUNT}:role/CI"]}), "teams[0].trustedPrincipalArns[0]",
                 f"'arn:aws:iam::{ACCOUNT}:role/CI' is a role, and sessionNameMustMatchUser (on by default) needs ${{aws:username}}, "
                 "which only IAM users have: set sessionNameMustMatchUser: false for this team to trust a role",
                 id="trusted-role-with-session-rule"),
]


@pytest.mark.parametrize(("raw", "path", "message"), BAD)
def test_refused_with_path_and_message(raw: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(SpecError) as err:
        load_stack(raw)
    assert (err.value.path, err.value.detail) == (path, message)


def test_accepted_network_endpoint_and_admins() -> None:
    spec = load_stack(stack({
        "vpcId": "vpc-0abc", "subnetIds": ["subnet-b", "subnet-a"],
        "publicAccessCidrs": ["203.0.113.0/24", "198.51.100.7/32"],
        "admins": [ADMIN, f"arn:aws:iam::{ACCOUNT}:role/ops/Admin"],
    }))
    cluster = spec.cluster
    assert (cluster.vpc_id, cluster.subnet_ids) == ("vpc-0abc", ("subnet-b", "subnet-a"))
    assert cluster.public_access_cidrs == ("198.51.100.7/32", "203.0.113.0/24")  # sorted: order is not meaning
    assert cluster.admins == (ADMIN, f"arn:aws:iam::{ACCOUNT}:role/ops/Admin")
    assert (cluster.vpc_id, cluster.endpoint_public_access, cluster.deployer_reaches_private_endpoint) == ("vpc-0abc", True, False)


def test_private_endpoint_with_opt_in_and_own_vpc() -> None:
    cluster = load_stack(stack({"endpointPublicAccess": False, "deployerReachesPrivateEndpoint": True})).cluster
    assert (cluster.endpoint_public_access, cluster.deployer_reaches_private_endpoint, cluster.vpc_id) == (False, True, None)


def test_trusted_role_with_session_rule_off_and_trusted_user_with_it_on() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/CI"
    user = f"arn:aws:iam::{ACCOUNT}:user/dev1"
    assert load_stack(stack(team={"trustedPrincipalArns": [role], "sessionNameMustMatchUser": False})).teams[0].trusted_principal_arns == (role,)
    assert load_stack(stack(team={"trustedPrincipalArns": [user]})).teams[0].trusted_principal_arns == (user,)


def test_region_is_absent_not_invented() -> None:
    assert load_stack(stack()).region is None
    assert load_stack({**stack(), "region": "eu-west-1"}).region == "eu-west-1"
