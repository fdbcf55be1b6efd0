"""sts:AssumeRole decisions: every IAM rule of the evaluation logic, with the exact answer."""

from __future__ import annotations

import json
from typing import Any

from eks_access.authz.iam import (
    AssumeDecision,
    Caller,
    RequestContext,
    assume_role,
    describe_requirement,
    evaluate_identity,
    requirement_json,
)
from eks_access.model import read_model
from tests.builders import (
    ACCOUNT,
    DEV1,
    iam_role,
    membership,
    policy,
    rec,
    role_arn,
    root_trust,
    user_policy,
)

ROLE = role_arn("Team")
ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
ALLOW_ASSUME = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE}


def decide(records: list[dict[str, Any]], role: str = "Team", context: dict[str, list[str]] | None = None,
           caller: str = DEV1, name: str = "dev1") -> AssumeDecision:  # fmt: skip
    model = read_model(records)
    return assume_role(model, Caller.user(caller, name), model.roles_by_name[role], RequestContext.of(context or {}))


def team_role(*statements: dict[str, Any], name: str = "Team") -> dict[str, Any]:
    return iam_role(f"{name}-role", name, list(statements))


def allow_root(condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": ROOT, "Action": "sts:AssumeRole", **extra}
    if condition:
        st["Condition"] = condition
    return st


def test_account_root_trust_needs_an_identity_policy() -> None:
    no = decide([team_role(allow_root())])
    assert (no.allowed, no.reason) == (False, f"dev1 has no identity policy allowing sts:AssumeRole on {ROLE}")
    yes = decide([team_role(allow_root()), user_policy("p", "dev1", ALLOW_ASSUME)])
    assert (yes.allowed, yes.conditional, yes.trust_via) == (True, False, "account root")
    assert yes.allowed_by is not None and yes.allowed_by.describe() == "policy p Statement[0]"


def test_group_policy_reaches_members() -> None:
    d = decide([team_role(allow_root()), membership("m", "dev1", "Devs"),
                rec("aws:iam/groupPolicy:GroupPolicy", "gp", {"group": "Devs", "policy": policy(ALLOW_ASSUME)})])
    assert d.allowed and d.allowed_by is not None
    assert (d.allowed_by.source.via_group, d.allowed_by.source.label) == ("Devs", "policy gp")


def test_explicit_deny_wins_over_allow() -> None:
    d = decide([team_role(allow_root()), user_policy("allow", "dev1", ALLOW_ASSUME),
                user_policy("deny", "dev1", {"Effect": "Deny", "Action": "sts:*", "Resource": "*"})])
    assert (d.allowed, d.denied, d.reason) == (False, True, f"policy deny explicitly denies sts:AssumeRole on {ROLE} for dev1")


def test_conditional_deny_in_trust_with_if_exists() -> None:
    mfa_deny = {"Effect": "Deny", "Principal": ROOT, "Action": "sts:AssumeRole",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}  # fmt: skip
    records = [team_role(allow_root(), mfa_deny), user_policy("p", "dev1", ALLOW_ASSUME)]
    unknown = decide(records)
    assert (unknown.allowed, unknown.conditional) == (True, True)
    assert describe_requirement(unknown.requirement) == [
        "not denied by role Team Statement[1], which applies when BoolIfExists aws:MultiFactorAuthPresent = false"]
    assert decide(records, context={"aws:MultiFactorAuthPresent": ["true"]}).conditional is False
    denied = decide(records, context={"aws:MultiFactorAuthPresent": ["false"]})
    assert (denied.allowed, denied.reason) == (False, f"the trust policy of role Team denies {DEV1} (role Team Statement[1])")


def test_one_allow_statement_suffices_conditions_are_alternatives() -> None:
    mfa = allow_root({"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    session = allow_root({"StringEquals": {"sts:RoleSessionName": "${aws:username}"}})
    records = [team_role(mfa, session), user_policy("p", "dev1", ALLOW_ASSUME)]
    d = decide(records)
    assert describe_requirement(d.requirement) == ["one of: (must sign in with MFA) or (session name must equal dev1)"]
    assert decide(records, context={"aws:MultiFactorAuthPresent": ["true"]}).conditional is False
    assert decide(records, context={"sts:RoleSessionName": ["dev1"]}).conditional is False
    no = decide(records, context={"sts:RoleSessionName": ["other"], "aws:MultiFactorAuthPresent": ["false"]})
    assert (no.allowed, no.reason) == (False, f"the trust policy of role Team does not admit {DEV1} (must sign in with MFA)")


def test_conditions_within_a_statement_are_anded() -> None:
    both = allow_root({"Bool": {"aws:MultiFactorAuthPresent": "true"}, "StringEquals": {"sts:RoleSessionName": "dev1"}})
    records = [team_role(both), user_policy("p", "dev1", ALLOW_ASSUME)]
    half = decide(records, context={"aws:MultiFactorAuthPresent": ["true"]})
    assert describe_requirement(half.requirement) == ["session name must equal dev1"]
    assert decide(records, context={"aws:MultiFactorAuthPresent": ["true"], "sts:RoleSessionName": ["x"]}).allowed is False


def test_negated_operator_is_not_a_positive_requirement() -> None:
    records = [team_role(allow_root({"StringNotLike": {"sts:RoleSessionName": "admin*"}})), user_policy("p", "dev1", ALLOW_ASSUME)]
    d = decide(records)
    assert describe_requirement(d.requirement) == ["session name must not match admin*"]
    assert decide(records, context={"sts:RoleSessionName": ["dev1"]}).conditional is False
    no = decide(records, context={"sts:RoleSessionName": ["admin-1"]})
    assert no.reason == f"the trust policy of role Team does not admit {DEV1} (session name must not match admin*)"


def test_principal_arn_condition_is_decided_from_the_caller() -> None:
    records = [team_role(allow_root({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/ope*"}})),
               user_policy("p", "dev1", ALLOW_ASSUME), user_policy("q", "ope1", ALLOW_ASSUME)]  # fmt: skip
    assert decide(records).reason == (
        f"the trust policy of role Team does not admit {DEV1} (caller ARN must match arn:aws:iam::{ACCOUNT}:user/ope*)")
    ope = decide(records, caller=f"arn:aws:iam::{ACCOUNT}:user/ope1", name="ope1")
    assert (ope.allowed, ope.conditional) == (True, False)


def test_policy_variables_in_resource() -> None:
    own = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/${{aws:username}}-*"}
    records = [team_role(allow_root(), name="dev1-admin"), team_role(allow_root(), name="dev2-admin"), user_policy("p", "dev1", own)]
    assert decide(records, role="dev1-admin").allowed is True
    assert decide(records, role="dev2-admin").allowed is False
    tagged = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/${{aws:PrincipalTag/team}}-admin"}
    records = [team_role(allow_root(), name="dev1-admin"), user_policy("p", "dev1", tagged)]
    d = decide(records, role="dev1-admin")
    assert describe_requirement(d.requirement) == [
        f"the value of aws:PrincipalTag/team must make Resource arn:aws:iam::{ACCOUNT}:role/${{aws:PrincipalTag/team}}-admin match"]
    assert decide(records, role="dev1-admin", context={"aws:PrincipalTag/team": ["dev1"]}).conditional is False
    assert decide(records, role="dev1-admin", context={"aws:PrincipalTag/team": ["ops"]}).allowed is False


def test_not_action_and_not_resource() -> None:
    not_iam = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert decide([team_role(allow_root()), user_policy("p", "dev1", not_iam)]).allowed is True
    not_team = {"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": ROLE}
    records = [team_role(allow_root()), team_role(allow_root(), name="Other"), user_policy("p", "dev1", not_team)]
    assert (decide(records).allowed, decide(records, role="Other").allowed) == (False, True)
    not_sts = {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}
    assert decide([team_role(allow_root()), user_policy("p", "dev1", ALLOW_ASSUME), user_policy("d", "dev1", not_sts)]).denied


def test_permissions_boundary_limits_delegated_access_but_not_a_direct_grant() -> None:
    boundary = rec("aws:iam/policy:Policy", "b", {"name": "S3Only", "policy": policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})})
    bounded_user = rec("aws:iam/user:User", "u", {"name": "dev1", "permissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/S3Only"})
    records = [boundary, bounded_user, team_role(allow_root()), user_policy("p", "dev1", ALLOW_ASSUME)]
    d = decide(records)
    assert (d.allowed, d.reason) == (False, f"the permissions boundary of dev1 does not allow sts:AssumeRole on {ROLE}")
    direct = decide([boundary, bounded_user, team_role({"Effect": "Allow", "Principal": {"AWS": DEV1}, "Action": "sts:AssumeRole"})])
    assert (direct.allowed, direct.trust_via) == (True, "caller ARN")


def test_role_permissions_boundary_intersects_identity_policies() -> None:
    boundary = rec("aws:iam/policy:Policy", "b", {"name": "ReadOnly", "policy": policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"})})
    app = iam_role("app", "App", [], permissionsBoundary=f"arn:aws:iam::{ACCOUNT}:policy/ReadOnly")
    inline = rec("aws:iam/rolePolicy:RolePolicy", "rp", {"role": "App", "policy": policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})})
    model = read_model([boundary, app, inline])
    assert evaluate_identity(model, "role", "App", "s3:GetObject", "arn:aws:s3:::b/k").allowed is True
    put = evaluate_identity(model, "role", "App", "s3:PutObject", "arn:aws:s3:::b/k")
    assert (put.allowed, put.reason) == (False, "the permissions boundary of role App does not allow s3:PutObject on arn:aws:s3:::b/k")


def test_aws_managed_policies_from_data_and_unknown_ones_said_so() -> None:
    admin = rec("aws:iam/userPolicyAttachment:UserPolicyAttachment", "adm", {"user": "dev1", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    assert decide([team_role(allow_root()), admin]).allowed is True
    power = rec("aws:iam/userPolicyAttachment:UserPolicyAttachment", "pwr", {"user": "dev1", "policyArn": "arn:aws:iam::aws:policy/PowerUserAccess"})
    d = decide([team_role(allow_root()), power])  # NotAction iam:*, organizations:*, account:* covers sts
    assert d.allowed and d.allowed_by is not None
    assert d.allowed_by.describe() == "AWS-managed policy arn:aws:iam::aws:policy/PowerUserAccess (attachment pwr) Statement[0]"
    rds = rec("aws:iam/userPolicyAttachment:UserPolicyAttachment", "rds", {"user": "dev1", "policyArn": "arn:aws:iam::aws:policy/AmazonRDSFullAccess"})
    d = decide([team_role(allow_root()), rds])
    assert (d.allowed, d.reason) == (False, (
        f"dev1 has no identity policy allowing sts:AssumeRole on {ROLE}; unknown: AWS-managed policy "
        "arn:aws:iam::aws:policy/AmazonRDSFullAccess (contents unknown: not in the shipped data) (attachment rds) could allow it"))
    assert [s.label for s in d.unknown] == [
        "AWS-managed policy arn:aws:iam::aws:policy/AmazonRDSFullAccess (contents unknown: not in the shipped data) (attachment rds)"]


def test_cross_account_needs_both_sides() -> None:
    other = "arn:aws:iam::999988887777:user/ext"
    trust_other = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}
    assert decide([team_role(trust_other)], caller=other, name="ext").allowed is False
    direct = {"Effect": "Allow", "Principal": {"AWS": other}, "Action": "sts:AssumeRole"}
    no = decide([team_role(direct)], caller=other, name="ext")
    assert (no.allowed, no.reason) == (False, f"ext has no identity policy allowing sts:AssumeRole on {ROLE}")
    assert decide([team_role(allow_root())], caller=other, name="ext").reason.startswith("ext has no identity policy")


def test_not_principal_admits_everyone_else() -> None:
    st = {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/ope1"}, "Action": "sts:AssumeRole"}
    assert decide([team_role(st)]).trust_via == "any principal"
    assert decide([team_role(st)], caller=f"arn:aws:iam::{ACCOUNT}:user/ope1", name="ope1").allowed is False


def test_requirements_stay_structured_in_json() -> None:
    records = [team_role(allow_root({"StringLike": {"sts:RoleSessionName": "${aws:username}"}})), user_policy("p", "dev1", ALLOW_ASSUME)]
    d = decide(records)
    assert requirement_json(d.requirement) == {"allOf": [[{"statement": "role Team Statement[0]", "conditions": [{
        "operator": "StringLike", "qualifier": None, "ifExists": False, "key": "sts:RoleSessionName", "values": ["dev1"],
        "text": "session name must equal dev1"}]}]], "noneOf": []}
    assert json.dumps(requirement_json(d.requirement))  # JSON-ready


def test_unknown_trust_is_said_so() -> None:
    role = rec("aws:iam/role:Role", "r", {"name": "Team", "assumeRolePolicy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
               outputs={"arn": ROLE})  # fmt: skip
    d = decide([role, user_policy("p", "dev1", ALLOW_ASSUME)])
    assert (d.allowed, d.reason) == (False, "the trust policy of role Team is unknown")


def test_root_trust_builder_matches_worked_example() -> None:
    assert json.loads(root_trust())["Statement"][0]["Principal"] == ROOT
