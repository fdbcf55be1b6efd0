"""The plan tree's one-line facts read IAM documents through the model's parser (one IAM grammar)."""

from __future__ import annotations

import json
from typing import Any

from eks_access.model.values import UNKNOWN_SENTINEL
from eks_access.plan.render import facts


def role(trust: Any) -> dict[str, Any]:
    return {"type": "aws:iam/role:Role", "name": "r", "inputs": {"name": "r", "assumeRolePolicy": trust},
            "outputs": {"arn": "arn:aws:iam::111122223333:role/r"}}  # fmt: skip


def role_policy(policy: Any) -> dict[str, Any]:
    return {"type": "aws:iam/rolePolicy:RolePolicy", "name": "p", "inputs": {"role": "r", "policy": policy}}


def test_a_single_object_statement_is_summarized_not_a_traceback() -> None:
    # Valid IAM (Statement may be one object); a user's own __main__.py can register it.
    trust = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "ec2.amazonaws.com"}}}  # fmt: skip
    assert facts(role(json.dumps(trust))) == "arn:aws:iam::111122223333:role/r  trust: Service=ec2.amazonaws.com"
    policy = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}
    assert facts(role_policy(json.dumps(policy))) == "r: Allow s3:GetObject on arn:aws:s3:::b/*"


def test_lists_principals_and_conditions_as_written() -> None:
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:role/x"]},
         "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:PrincipalTag/team": ["a", "b"]}, "Bool": {"aws:MultiFactorAuthPresent": True}}},
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": "*"},
    ]}  # fmt: skip
    assert facts(role(json.dumps(trust))) == (
        "arn:aws:iam::111122223333:role/r  trust: "
        "AWS=arn:aws:iam::111122223333:root, AWS=arn:aws:iam::444455556666:role/x "
        "if ForAnyValue:StringLikeIfExists aws:PrincipalTag/team, Bool aws:MultiFactorAuthPresent; *"
    )


def test_not_action_and_not_resource_are_said() -> None:
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "sts:*"], "NotResource": "arn:aws:s3:::secret/*"},
        {"Effect": "Deny", "Action": ["s3:DeleteObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]},
    ]}  # fmt: skip
    assert facts(role_policy(json.dumps(policy))) == (
        "r: Allow all but iam:*, sts:* on all but arn:aws:s3:::secret/*; "
        "Deny s3:DeleteObject, s3:PutObject on arn:aws:s3:::a/*, arn:aws:s3:::b/*"
    )


def test_documents_iam_would_refuse_or_not_known_yet_show_a_question_mark() -> None:
    for bad in ("{not json", json.dumps({"Statement": ["x"]}), json.dumps({"Statement": {"Effect": "Maybe", "Action": "a"}}), UNKNOWN_SENTINEL):
        assert facts(role(bad)) == "arn:aws:iam::111122223333:role/r  trust: ?", bad
        assert facts(role_policy(bad)) == "r: ?", bad


def test_a_resource_without_a_document_shows_an_empty_summary() -> None:
    assert facts(role(None)) == "arn:aws:iam::111122223333:role/r  trust: "
