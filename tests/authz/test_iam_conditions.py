"""Condition operators and policy variables, each case with its exact three-valued answer."""

from __future__ import annotations

import pytest

from eks_access.authz.iam.conditions import evaluate
from eks_access.authz.iam.context import RequestContext
from eks_access.authz.iam.patterns import Part, arn_match, glob_match, plain
from eks_access.authz.iam.variables import substitute
from eks_access.model.iam import Condition
from eks_access.model.policy_json import split_operator


def cond(written: str, key: str, *values: str) -> Condition:
    qualifier, operator, if_exists = split_operator(written)
    return Condition(operator, key, values, if_exists, qualifier)


CTX = RequestContext.of(
    {"aws:username": ["dev1"], "sts:RoleSessionName": ["dev1"], "aws:MultiFactorAuthPresent": ["true"],
     "aws:MultiFactorAuthAge": ["300"], "aws:SourceIp": ["10.1.2.3"], "aws:CurrentTime": ["2026-03-01T00:00:00Z"],
     "aws:PrincipalArn": ["arn:aws:iam::111122223333:user/dev1"], "aws:TagKeys": ["team", "env"]},
    absent=["aws:TokenIssueTime", "aws:RequestTag/owner"],
)  # fmt: skip


@pytest.mark.parametrize(("written", "key", "values", "truth"), [
    ("StringEquals", "sts:RoleSessionName", ("dev1",), True),
    ("StringEquals", "STS:rolesessionname", ("DEV1",), False),  # keys fold, values do not
    ("StringEqualsIgnoreCase", "sts:RoleSessionName", ("DEV1",), True),
    ("StringNotEquals", "sts:RoleSessionName", ("dev2", "dev3"), True),  # NOR over the values
    ("StringNotEquals", "sts:RoleSessionName", ("dev2", "dev1"), False),
    ("StringNotEqualsIgnoreCase", "sts:RoleSessionName", ("DEV1",), False),
    ("StringLike", "sts:RoleSessionName", ("dev?",), True),
    ("StringLike", "sts:RoleSessionName", ("${aws:username}",), True),
    ("StringEquals", "sts:RoleSessionName", ("${aws:username}",), True),
    ("StringNotLike", "sts:RoleSessionName", ("admin*",), True),
    ("StringNotLike", "sts:RoleSessionName", ("d*",), False),
    ("NumericLessThan", "aws:MultiFactorAuthAge", ("3600",), True),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", ("301",), False),
    ("NumericEquals", "aws:MultiFactorAuthAge", ("not-a-number",), False),
    ("DateLessThan", "aws:CurrentTime", ("2027-01-01T00:00:00Z",), True),
    ("DateGreaterThan", "aws:CurrentTime", ("1798761600",), False),  # epoch seconds: 2027-01-01
    ("Bool", "aws:MultiFactorAuthPresent", ("TRUE",), True),
    ("Bool", "aws:MultiFactorAuthPresent", ("false",), False),
    ("IpAddress", "aws:SourceIp", ("10.0.0.0/8",), True),
    ("NotIpAddress", "aws:SourceIp", ("10.0.0.0/8",), False),
    ("ArnLike", "aws:PrincipalArn", ("arn:aws:iam::*:user/dev*",), True),
    ("ArnEquals", "aws:PrincipalArn", ("arn:aws:iam::*:user/*",), True),
    ("ArnNotLike", "aws:PrincipalArn", ("arn:aws:iam::111122223333:role/*",), True),
    ("ArnLike", "aws:PrincipalArn", ("arn:aws:iam::111122223333:*dev1",), True),
    ("BinaryEquals", "aws:PrincipalArn", ("QmluYXJ5",), False),
    # absent keys: false, except negated operators, IfExists, ForAllValues and Null true
    ("StringEquals", "aws:RequestTag/owner", ("me",), False),
    ("StringNotEquals", "aws:RequestTag/owner", ("me",), True),
    ("StringEqualsIfExists", "aws:RequestTag/owner", ("me",), True),
    ("BoolIfExists", "aws:TokenIssueTime", ("false",), True),
    ("Null", "aws:RequestTag/owner", ("true",), True),
    ("Null", "aws:MultiFactorAuthPresent", ("true",), False),
    ("Null", "aws:MultiFactorAuthPresent", ("false",), True),
    ("ForAllValues:StringEquals", "aws:RequestTag/owner", ("x",), True),
    ("ForAnyValue:StringEquals", "aws:RequestTag/owner", ("x",), False),
    # set qualifiers over a multivalued key
    ("ForAllValues:StringEquals", "aws:TagKeys", ("team", "env", "cost"), True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ("team",), False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ("env",), True),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ("team",), True),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ("team",), False),
    # present key with IfExists is evaluated normally
    ("BoolIfExists", "aws:MultiFactorAuthPresent", ("false",), False),
    # keys the analyzer does not know stay undecided
    ("StringEquals", "sts:ExternalId", ("x",), None),
    ("StringNotLike", "sts:ExternalId", ("x",), None),
    ("Null", "sts:ExternalId", ("true",), None),
    ("StringLike", "sts:RoleSessionName", ("${aws:PrincipalTag/team}",), None),
    ("NoSuchOperator", "sts:RoleSessionName", ("dev1",), None),
])  # fmt: skip
def test_operator(written: str, key: str, values: tuple[str, ...], truth: bool | None) -> None:
    assert evaluate(cond(written, key, *values), CTX).truth is truth


def test_resolved_condition_substitutes_known_variables() -> None:
    out = evaluate(cond("StringLike", "s3:prefix", "home/${aws:username}/*", "${aws:PrincipalTag/x}"), CTX)
    assert out.truth is None
    assert out.condition.values == ("home/dev1/*", "${aws:PrincipalTag/x}")


@pytest.mark.parametrize(("text", "context", "expected"), [
    ("arn:aws:s3:::b/${aws:username}", CTX, ("arn:aws:s3:::b/dev1", None, ())),
    ("${aws:TokenIssueTime}", CTX, (None, "aws:TokenIssueTime", ())),
    ("${aws:TokenIssueTime, 'never'}", CTX, ("never", None, ())),
    ("${aws:TagKeys}", CTX, (None, "aws:TagKeys", ())),  # multivalued keys are never variables
    ("${aws:TagKeys, 'it''s'}", CTX, ("it's", None, ())),
    ("a${*}b${?}c${$}", CTX, ("a*b?c$", None, ())),
    ("${aws:PrincipalTag/team}-x", CTX, (None, None, ("aws:PrincipalTag/team",))),
])  # fmt: skip
def test_policy_variables(text: str, context: RequestContext, expected: tuple[str | None, str | None, tuple[str, ...]]) -> None:
    sub = substitute(text, context)
    flat = "".join(p.text for p in sub.pattern) if sub.pattern is not None else None
    assert (flat, sub.missing, sub.needs) == expected


def test_special_characters_are_literal_not_wildcards() -> None:
    pattern = substitute("a${*}", CTX).pattern
    assert pattern is not None
    assert glob_match(pattern, "a*") and not glob_match(pattern, "ab")
    assert glob_match(plain("a*"), "ab")


def test_globs_and_arns() -> None:
    assert glob_match(plain("sts:Assume*"), "STS:ASSUMEROLE", fold=True)
    assert not glob_match(plain("sts:Assume*"), "STS:ASSUMEROLE")
    assert arn_match(plain("arn:aws:iam::*:role/EKS?yExampleViewer"), "arn:aws:iam::111122223333:role/EKSMyExampleViewer")
    assert not arn_match(plain("arn:aws:iam::*:role/eks*"), "arn:aws:iam::111122223333:role/EKSMyExampleViewer")
    # a wildcard never spans one of the first five colons of an ARN
    assert not arn_match(plain("arn:aws:iam::1111*"), "arn:aws:iam::111122223333:role/x")
    assert arn_match(plain("arn:aws:iam::111122223333:*"), "arn:aws:iam::111122223333:role/a:b")
    assert arn_match((Part("arn:aws:iam::111122223333:role/"), Part("dev1", literal=True)), "arn:aws:iam::111122223333:role/dev1")
