"""IAM contracts: one object per name in the account, one resource per object, IAM quotas."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pulumi_eks as eks

from eks_access import documents as docs
from eks_access.limits import IamQuotas
from tests.offline.helpers import ACCOUNT, NODE_TRUST, refused, run

S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
ALLOW_ALL_S3 = docs.to_json({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def test_role_names_are_unique_regardless_of_case_and_path() -> None:
    def program() -> None:
        aws.iam.Role("a", name="Deployer", assume_role_policy=NODE_TRUST)
        aws.iam.Role("b", name="deployer", path="/ci/", assume_role_policy=NODE_TRUST)

    assert refused(program) == (
        "b (aws:iam/role:Role): IAM role names are unique in the account regardless of case and path; "
        "a already creates role 'Deployer' (CreateRole fails with EntityAlreadyExists)"
    )


def test_distinct_and_autonamed_roles_pass() -> None:
    def program() -> None:
        aws.iam.Role("a", name="Deployer", assume_role_policy=NODE_TRUST)
        aws.iam.Role("b", name="Deployer2", assume_role_policy=NODE_TRUST)
        aws.iam.Role("c", assume_role_policy=NODE_TRUST)  # autonamed: a random suffix, never a collision
        aws.iam.Role("d", assume_role_policy=NODE_TRUST)

    assert [r["name"] for r in run(program)] == ["a", "b", "c", "d"]


def test_group_and_managed_policy_names_are_unique() -> None:
    def groups() -> None:
        aws.iam.Group("g1", name="Devs")
        aws.iam.Group("g2", name="DEVS")

    def policies() -> None:
        aws.iam.Policy("p1", name="read", policy=ALLOW_ALL_S3)
        aws.iam.Policy("p2", name="Read", path="/team/", policy=ALLOW_ALL_S3)

    assert refused(groups) == (
        "g2 (aws:iam/group:Group): IAM group names are unique in the account regardless of case and path; "
        "g1 already creates group 'Devs' (CreateGroup fails with EntityAlreadyExists)"
    )
    assert refused(policies) == (
        "p2 (aws:iam/policy:Policy): IAM managed policy names are unique in the account regardless of case and path; "
        "p1 already creates managed policy 'read' (CreatePolicy fails with EntityAlreadyExists)"
    )


def test_one_oidc_provider_per_issuer_url() -> None:
    url = "https://oidc.eks.ap-northeast-2.amazonaws.com/id/ABC"

    def twice() -> None:
        aws.iam.OpenIdConnectProvider("p1", url=url, client_id_lists=["sts.amazonaws.com"])
        aws.iam.OpenIdConnectProvider("p2", url=url + "/", client_id_lists=["sts.amazonaws.com"])

    assert refused(twice) == (
        "p2 (aws:iam/openIdConnectProvider:OpenIdConnectProvider): IAM has one OIDC provider per issuer URL; "
        "p1 already registers https://oidc.eks.ap-northeast-2.amazonaws.com/id/abc "
        "(CreateOpenIDConnectProvider fails with EntityAlreadyExists)"
    )


def test_an_explicit_provider_for_a_pulumi_eks_clusters_own_issuer_is_a_second_one() -> None:
    def program() -> None:
        cluster = eks.Cluster("c", name="c", authentication_mode=eks.AuthenticationMode.API, create_oidc_provider=True,
                              skip_default_node_group=True)
        aws.iam.OpenIdConnectProvider("extra", url=cluster.oidc_provider_url.apply(lambda u: f"https://{u}"),
                                      client_id_lists=["sts.amazonaws.com"])

    message = refused(program)
    assert message.startswith("extra (aws:iam/openIdConnectProvider:OpenIdConnectProvider): IAM has one OIDC provider per "
                              "issuer URL; c already registers https://oidc.eks.ap-northeast-2.amazonaws.com/id/")


def test_one_resource_per_inline_policy_attachment_and_membership() -> None:
    def inline() -> None:
        aws.iam.RolePolicy("p1", role="App", name="s3", policy=ALLOW_ALL_S3)
        aws.iam.RolePolicy("p2", role="app", name="s3", policy=ALLOW_ALL_S3)

    def attachment() -> None:
        aws.iam.RolePolicyAttachment("a1", role="App", policy_arn=S3_READ)
        aws.iam.RolePolicyAttachment("a2", role="App", policy_arn=S3_READ)

    def membership() -> None:
        aws.iam.UserGroupMembership("m1", user="dev1", groups=["Devs", "Ops"])
        aws.iam.UserGroupMembership("m2", user="dev1", groups=["ops"])

    assert refused(inline) == (
        "p2 (aws:iam/rolePolicy:RolePolicy): p1 already writes inline policy 's3' of role 'app'; IAM keeps one policy "
        "per name, so the two would overwrite each other"
    )
    assert refused(attachment) == (
        "a2 (aws:iam/rolePolicyAttachment:RolePolicyAttachment): a1 already attaches "
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess to role 'App'; deleting either resource would detach it for both"
    )
    assert refused(membership) == (
        "m2 (aws:iam/userGroupMembership:UserGroupMembership): m1 already adds IAM user 'dev1' to group 'ops'; "
        "deleting either resource would remove the membership for both"
    )


def _trust_of_length(characters: int) -> str:
    """A valid trust policy whose non-white-space length is exactly ``characters``."""
    base = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "ec2.amazonaws.com"}, "Condition": {"StringEquals": {"aws:PrincipalTag/x": ""}}}]}
    pad = characters - len(docs.to_json(base))
    base["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalTag/x"] = "a" * pad  # type: ignore[index]
    text = docs.to_json(base)
    assert len(text) == characters
    return text


def test_trust_policy_length_quota_follows_the_account() -> None:
    def program() -> None:
        aws.iam.Role("r", name="Long", assume_role_policy=_trust_of_length(2049))

    assert refused(program) == (
        "r (aws:iam/role:Role): trust policy is 2049 characters (white space not counted); the account allows 2048 "
        "(after a Service Quotas increase, raise iamQuotas.roleTrustPolicyLength, at most 8192)"
    )
    assert [r["name"] for r in run(program, quotas=IamQuotas(role_trust_policy_length=4096))] == ["r"]

    def exactly() -> None:
        aws.iam.Role("r", name="Long", assume_role_policy=_trust_of_length(2048))

    assert len(run(exactly)) == 1


def test_managed_policies_per_role_counts_every_attachment_of_the_role() -> None:
    arns = [f"arn:aws:iam::{ACCOUNT}:policy/p{i}" for i in range(11)]

    def program() -> None:
        aws.iam.Role("r", name="App", assume_role_policy=NODE_TRUST, managed_policy_arns=arns[:3])
        for i, arn in enumerate(arns[3:]):
            aws.iam.RolePolicyAttachment(f"r-{i}", role="App", policy_arn=arn)

    assert refused(program) == (
        "r-7 (aws:iam/rolePolicyAttachment:RolePolicyAttachment): 11 managed policies are attached to role 'app'; "
        "the account allows 10 (after a Service Quotas increase, raise iamQuotas.managedPoliciesPerRole, at most 20)"
    )
    assert len(run(program, quotas=IamQuotas(managed_policies_per_role=11))) == 9


def test_inline_policies_of_a_role_are_limited_together() -> None:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + "b" * 5000}
    document = docs.to_json({"Version": "2012-10-17", "Statement": [statement]})

    def program() -> None:
        aws.iam.RolePolicy("one", role="App", name="one", policy=document)
        aws.iam.RolePolicy("two", role="App", name="two", policy=document)
        aws.iam.RolePolicy("three", role="App", name="three", policy=document)

    size = len(document)
    assert refused(program) == (
        f"two (aws:iam/rolePolicy:RolePolicy): the inline policies of role 'app' total {3 * size} characters "
        "(white space not counted); IAM allows 10240 per role"
    )


def test_tags_and_groups_per_user_quotas() -> None:
    def tags() -> None:
        aws.iam.Role("r", name="App", assume_role_policy=NODE_TRUST, tags={f"k{i}": "v" for i in range(51)})

    def reserved() -> None:
        aws.iam.Role("r", name="App", assume_role_policy=NODE_TRUST, tags={"aws:owner": "me"})

    def groups() -> None:
        for i in range(11):
            aws.iam.UserGroupMembership(f"m{i:02d}", user="dev1", groups=[f"G{i}"])

    assert refused(tags) == "r (aws:iam/role:Role): has 51 tags; the service allows 50"
    assert refused(reserved) == "r (aws:iam/role:Role): tag key 'aws:owner' starts with the reserved prefix 'aws:'"
    assert refused(groups) == "m10 (aws:iam/userGroupMembership:UserGroupMembership): IAM user 'dev1' would be in 11 groups; IAM allows 10"


def test_policy_documents_with_characters_iam_refuses() -> None:
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::\u2603"}]},
                          ensure_ascii=False)

    def program() -> None:
        aws.iam.RolePolicy("p", role="App", name="p", policy=document)

    assert refused(program) == (
        "p (aws:iam/rolePolicy:RolePolicy): inline policy contains U+2603 (SNOWMAN), which IAM refuses in policy documents "
        "(allowed: tab, newline, U+0020 to U+00FF)"
    )
