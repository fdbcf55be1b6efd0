"""IAM through moto: the dev stack's IAM created with the real API calls, read back by the
collector with GetAccountAuthorizationDetails (moto returns its real shape, and boto3 decodes
the URL-encoded documents as it does against AWS), answers as the plan's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from eks_access.analysis import Analyzer
from eks_access.model.from_snapshot import read_snapshot
from eks_access.snapshot.collect import Denied, collect_iam
from tests.snapshot.deployed import deploy
from tests.snapshot.test_round_trip import CAN_I, CONTEXT

ACCOUNT = "123456789012"  # moto's default account; the plan's own is 111122223333
ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/34DC390C3284D5349D1318C9255B5FDD"


@pytest.fixture
def iam() -> Iterator[Any]:
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):  # the plan attaches AWS-managed policies
        yield boto3.client("iam", region_name="us-east-1")


def _create(iam: Any, records: list[dict[str, Any]]) -> None:
    """``pulumi up`` of the plan's IAM records, as the provider calls the API."""
    for r in records:
        t, ins = r["type"], r["inputs"]
        if t == "aws:iam/role:Role":
            iam.create_role(RoleName=ins["name"], Path=ins.get("path", "/"), AssumeRolePolicyDocument=ins["assumeRolePolicy"])
        elif t == "aws:iam/group:Group":
            iam.create_group(GroupName=ins["name"], Path=ins.get("path", "/"))
    for r in records:
        t, ins = r["type"], r["inputs"]
        if t == "aws:iam/rolePolicy:RolePolicy":
            iam.put_role_policy(RoleName=ins["role"], PolicyName=ins["name"], PolicyDocument=ins["policy"])
        elif t == "aws:iam/groupPolicy:GroupPolicy":
            iam.put_group_policy(GroupName=ins["group"], PolicyName=ins["name"], PolicyDocument=ins["policy"])
        elif t == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            iam.attach_role_policy(RoleName=ins["role"], PolicyArn=ins["policyArn"])
        elif t == "aws:iam/userGroupMembership:UserGroupMembership":
            iam.create_user(UserName=ins["user"])
            for group in ins["groups"]:
                iam.add_user_to_group(UserName=ins["user"], GroupName=group)


def _in_account(value: Any) -> Any:
    return json.loads(json.dumps(value).replace("111122223333", ACCOUNT))


def test_iam_from_moto_answers_as_the_plan(iam: Any, dev_plan_resources: list[dict[str, Any]]) -> None:
    records = _in_account(dev_plan_resources)
    _create(iam, records)
    iam.create_open_id_connect_provider(Url=f"https://{ISSUER}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])
    denied = Denied()
    collected = collect_iam(iam, denied)
    assert denied.calls == []
    role = next(r for r in collected["RoleDetailList"] if r["RoleName"] == "EKSOperators")
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/EKSOperators"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert [p["PolicyName"] for p in role["RolePolicyList"]] == ["eks-describe-cluster"]
    assert collected["OpenIDConnectProviderList"] == [{"Arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"}]
    doc = deploy(records)
    doc["account"] = ACCOUNT
    doc["iam"] = json.loads(json.dumps(collected, default=str))
    model = read_snapshot(doc)
    assert [i.issuer for i in model.iam.oidc_issuers] == [ISSUER, ISSUER]  # the provider's, then the cluster's
    plan, snap = Analyzer.from_records(records), Analyzer(model)
    for who, verb, resource, ns in CAN_I:
        who = who.replace("111122223333", ACCOUNT)
        a = plan.can_i(who, verb, resource, ns, context=CONTEXT)
        b = snap.can_i(who, verb, resource, ns, context=CONTEXT)
        assert (who, verb, resource, b.allowed, [h.step for h in b.chain]) == (who, verb, resource, a.allowed, [h.step for h in a.chain])


@set_initial_no_auth_action_count(3)  # the three set-up calls; moto enforces IAM on every call after them
@mock_aws
def test_a_denied_iam_read_is_recorded_not_fatal() -> None:
    admin = boto3.client("iam", region_name="us-east-1")
    admin.create_user(UserName="auditor")
    key = admin.create_access_key(UserName="auditor")["AccessKey"]
    admin.put_user_policy(UserName="auditor", PolicyName="describe-only", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": "*"}]}))  # fmt: skip
    limited = boto3.client("iam", region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                           aws_secret_access_key=key["SecretAccessKey"])  # fmt: skip
    denied = Denied()
    assert collect_iam(limited, denied) == {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
                                            "OpenIDConnectProviderList": []}  # fmt: skip
    assert denied.calls == [{"service": "iam", "operation": "GetAccountAuthorizationDetails", "target": "", "error": "AccessDenied"},
                            {"service": "iam", "operation": "ListOpenIDConnectProviders", "target": "", "error": "AccessDenied"}]  # fmt: skip
