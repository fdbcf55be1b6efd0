"""The limits module: each check refuses exactly what the upstream rule refuses."""

from __future__ import annotations

import pytest

from eks_access import limits


def test_iam_policy_length_ignores_white_space() -> None:
    assert limits.iam_policy_length('{"A": "b c"}') == len('{"A":"bc"}')
    assert limits.iam_policy_length({"Version": "2012-10-17"}) == len('{"Version":"2012-10-17"}')


def test_iam_policy_text_refuses_characters_beyond_latin1() -> None:
    assert limits.iam_policy_text_problem("caf\u00e9\t\n") is None
    assert limits.iam_policy_text_problem("x\u2603") == (
        "contains U+2603 (SNOWMAN), which IAM refuses in policy documents (allowed: tab, newline, U+0020 to U+00FF)"
    )
    assert limits.iam_policy_text_problem("a\x00") == (
        "contains U+0000, which IAM refuses in policy documents (allowed: tab, newline, U+0020 to U+00FF)"
    )


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("eks-access/team", "developers", None),
        ("k" * 128, "v" * 256, None),
        ("k" * 129, "v", f"tag key {'k' * 129!r} is 129 characters; IAM allows 1 to 128"),
        ("k", "v" * 257, "tag value of 'k' is 257 characters; IAM allows at most 256"),
        ("aws:owner", "x", "tag key 'aws:owner' starts with the reserved prefix 'aws:'"),
        ("team", "a;b", "tag value 'a;b' contains U+003B (SEMICOLON); IAM tags allow letters, digits, spaces and _ . : / = + - @"),
    ],
)
def test_iam_tag_rules(key: str, value: str, problem: str | None) -> None:
    assert limits.iam_tag_problem(key, value) == problem


def test_adjustable_quotas_between_default_and_maximum() -> None:
    trust = limits.ROLE_TRUST_POLICY_LENGTH
    assert (trust.default, trust.maximum) == (2048, 8192)
    assert (limits.MANAGED_POLICIES_PER_ROLE.default, limits.MANAGED_POLICIES_PER_ROLE.maximum) == (10, 20)
    assert limits.quota_problem(trust, 4096) is None
    assert limits.quota_problem(trust, 8193) == "8193 is above 8192, the most AWS grants for role trust policy length (characters, white space not counted)"
    assert limits.quota_problem(trust, 1000) == "1000 is below the AWS default of 2048; leave it out to use the default"
    assert limits.quota_problem(trust, True) == "must be an integer between 2048 and 8192"
    quotas = limits.IamQuotas.from_values({"managedPoliciesPerRole": 20})
    assert quotas == limits.IamQuotas(role_trust_policy_length=2048, managed_policies_per_role=20, managed_policies_per_user=10)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("", True), ("a" * 63, True), ("a" * 64, False), ("my-sa.v1_x", True), ("-a", False), ("a-", False), ("a/b", False)],
)
def test_label_values(value: str, ok: bool) -> None:
    assert (limits.label_value_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("eks-access/owner", True),
        ("app.kubernetes.io/managed-by", True),
        ("eks.amazonaws.com/role-arn", True),
        ("/name", False),
        ("Bad_Prefix/name", False),
        ("prefix/" + "n" * 64, False),
        ("a" * 254 + "/n", False),
    ],
)
def test_qualified_names(key: str, ok: bool) -> None:
    assert (limits.qualified_name_problem(key) is None) is ok


def test_annotation_total_size() -> None:
    assert limits.annotations_problem({"a": "x" * (256 * 1024 - 1)}) is None
    assert limits.annotations_problem({"a": "x" * (256 * 1024)}) == "annotations total 262145 bytes; Kubernetes allows at most 262144"


def test_dns_names() -> None:
    assert limits.dns1123_label_problem("dev-team") is None
    assert limits.dns1123_label_problem("a" * 64) is not None
    assert limits.dns1123_label_problem("default\n") is not None
    assert limits.dns1123_subdomain_problem("my.sa") is None
    assert limits.dns1123_subdomain_problem("a" * 254) is not None


def test_eks_usernames() -> None:
    assert limits.eks_username_problem("developer") is None
    assert limits.eks_username_problem("eks:me") == "'eks:me': EKS refuses access entry usernames starting with 'eks:'"
