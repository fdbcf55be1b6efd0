"""EKS authentication: access entries and aws-auth, per mode, with the exact identity."""

from __future__ import annotations

from typing import Any

from eks_access.authz.identity import IdentityResolver, KubernetesIdentity, NotMapped
from eks_access.authz.kubernetes import KubernetesAuthorizer
from eks_access.authz.rbac.attributes import Attributes
from eks_access.model import read_model
from tests.builders import (
    ACCOUNT,
    DEV1,
    VIEWER_ARN,
    access_entry,
    access_policy,
    aws_auth,
    cluster,
    iam_role,
    role_arn,
)


def resolve(records: list[dict[str, Any]], arn: str, session: str | None = None) -> KubernetesIdentity | NotMapped:
    return IdentityResolver(read_model(records)).resolve(arn, session)


def ident(result: KubernetesIdentity | NotMapped) -> tuple[str, tuple[str, ...], str]:
    assert isinstance(result, KubernetesIdentity), result
    return result.username, result.groups, result.source


PATHED = role_arn("Dev", "/teams/")


def test_access_entry_matches_the_role_arn_with_its_path() -> None:
    records = [cluster(), access_entry("dev-entry", PATHED, ["devs"], "dev:{{SessionName}}")]
    assert ident(resolve(records, PATHED, "alice@corp")) == (
        "dev:alice-corp", ("devs", "system:authenticated"), "access entry dev-entry")
    assert isinstance(resolve(records, role_arn("Dev")), NotMapped)


def test_access_entry_default_usernames() -> None:
    records = [cluster(), access_entry("role-entry", PATHED, ["devs"]), access_entry("user-entry", DEV1, ["devs"])]
    assert ident(resolve(records, PATHED, "s1"))[0] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/s1"
    unknown_session = resolve(records, PATHED)
    assert isinstance(unknown_session, KubernetesIdentity)
    assert unknown_session.unresolved == (f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/{{{{SessionName}}}}",)
    assert ident(resolve(records, DEV1))[0] == DEV1


def test_node_entries_get_node_identities() -> None:
    records = [cluster(), access_entry("node", role_arn("Node"), entry_type="EC2_LINUX"),
               access_entry("fargate", role_arn("Pods"), entry_type="FARGATE_LINUX")]  # fmt: skip
    assert ident(resolve(records, role_arn("Node")))[:2] == ("system:node:{{EC2PrivateDNSName}}", ("system:nodes", "system:authenticated"))
    assert ident(resolve(records, role_arn("Pods"), "fargate-ip-10-0-0-1"))[0] == "system:node:fargate-ip-10-0-0-1"


def test_aws_auth_matches_the_pathless_canonical_arn() -> None:
    records = [cluster(mode="CONFIG_MAP"), aws_auth(map_roles=[{"rolearn": role_arn("Dev"), "username": "d-{{SessionName}}",
                                                                 "groups": ["devs", "{{AccountID}}-all"]}])]  # fmt: skip
    assert ident(resolve(records, PATHED, "a@b")) == (
        "d-a-b", ("devs", f"{ACCOUNT}-all", "system:authenticated"), "aws-auth mapRoles[0] (myeks-nodeAccess)")
    raw = [cluster(mode="CONFIG_MAP"), aws_auth(map_roles=[{"rolearn": role_arn("Dev"), "username": "{{SessionNameRaw}}"}])]
    assert ident(resolve(raw, role_arn("Dev"), "a@b"))[0] == "a@b"


def test_aws_auth_rolearn_with_a_path_never_matches() -> None:
    records = [cluster(mode="CONFIG_MAP"), aws_auth(map_roles=[{"rolearn": PATHED, "username": "dev", "groups": ["system:masters"]}])]
    result = resolve(records, PATHED, "s")
    assert isinstance(result, NotMapped)
    assert result.reason == ("role Dev is not mapped to any Kubernetes identity (authentication mode CONFIG_MAP; its aws-auth "
                             "rolearn includes a path, which never matches an assumed-role identity)")


def test_aws_auth_later_entry_wins_and_arns_compare_lowercased() -> None:
    records = [cluster(mode="CONFIG_MAP"), aws_auth(map_roles=[
        {"rolearn": VIEWER_ARN, "username": "first", "groups": ["a"]},
        {"rolearn": VIEWER_ARN.lower(), "username": "second", "groups": ["b"]}])]  # fmt: skip
    assert ident(resolve(records, VIEWER_ARN, "s"))[:2] == ("second", ("b", "system:authenticated"))


def test_aws_auth_users_accounts_and_empty_usernames() -> None:
    records = [cluster(mode="CONFIG_MAP"), aws_auth(map_roles=[{"rolearn": role_arn("NoName"), "groups": ["g"]}],
                                                   map_users=[{"userarn": DEV1, "username": "dev1", "groups": ["devs"]}],
                                                   map_accounts=["444455556666"])]  # fmt: skip
    assert ident(resolve(records, DEV1))[:2] == ("dev1", ("devs", "system:authenticated"))
    other = "arn:aws:iam::444455556666:role/Any"
    assert ident(resolve(records, other, "s")) == (other, ("system:authenticated",), "aws-auth mapAccounts[0] (myeks-nodeAccess)")
    assert ident(resolve(records, role_arn("NoName"), "s"))[:2] == ("", ("g", "system:authenticated"))


def test_node_template_for_a_person_fails_authentication() -> None:
    records = [cluster(mode="CONFIG_MAP"), aws_auth(map_roles=[{"rolearn": VIEWER_ARN, "username": "system:node:{{EC2PrivateDNSName}}",
                                                                 "groups": ["developers"]}])]  # fmt: skip
    result = resolve(records, VIEWER_ARN, "dev1")
    assert isinstance(result, NotMapped)
    assert result.reason == ("role EKSMyExampleViewer maps to username 'system:node:{{EC2PrivateDNSName}}' (aws-auth mapRoles[0] "
                             "(myeks-nodeAccess)), which only EC2 instance sessions can render: authentication fails for anyone else")


def test_modes_decide_which_mechanism_counts() -> None:
    masters = aws_auth(map_roles=[{"rolearn": VIEWER_ARN, "username": "boss", "groups": ["system:masters"]}])
    entry = access_entry("developers-access-entry", VIEWER_ARN, ["developers"], "developer")
    both = resolve([cluster(mode="API_AND_CONFIG_MAP"), masters, entry], VIEWER_ARN, "s")
    assert ident(both) == ("developer", ("developers", "system:authenticated"), "access entry developers-access-entry")
    assert ident(resolve([cluster(mode="API_AND_CONFIG_MAP"), masters], VIEWER_ARN, "s"))[0] == "boss"
    assert ident(resolve([cluster(mode="CONFIG_MAP"), masters, entry], VIEWER_ARN, "s"))[0] == "boss"
    api = resolve([cluster(mode="API"), masters], VIEWER_ARN, "s")
    assert isinstance(api, NotMapped)
    assert api.reason == ("role EKSMyExampleViewer is not mapped to any Kubernetes identity "
                          "(authentication mode API; aws-auth is ignored in API mode)")
    unset = read_model([cluster(mode=None), entry])  # EKS's default mode is CONFIG_MAP
    assert unset.authentication_mode == "CONFIG_MAP"


def test_pulumi_eks_component_mappings() -> None:
    admin = role_arn("Admin")
    comp = cluster(accessEntries={"admin": {"principalArn": admin, "kubernetesGroups": ["system:masters"]}})
    assert ident(resolve([comp], admin, "s")) == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/s", ("system:masters", "system:authenticated"), "access entry myeks accessEntries.admin")
    legacy = cluster(mode="CONFIG_MAP", roleMappings=[{"roleArn": admin, "username": "admin:{{SessionName}}", "groups": ["ops"]}])
    assert ident(resolve([legacy], admin, "s")) == ("admin:s", ("ops", "system:authenticated"), "aws-auth roleMappings[0] (myeks)")
    node = iam_role("node", "Node", [])
    nodes = cluster(mode="CONFIG_MAP", instanceRoles=[{"$ref": "Role::node"}])
    assert ident(resolve([node, nodes], role_arn("Node")))[:2] == (
        "system:node:{{EC2PrivateDNSName}}", ("system:bootstrappers", "system:nodes", "system:authenticated"))


def test_access_policies_by_scope() -> None:
    ops = role_arn("Ops")
    records = [cluster(), access_entry("ops", ops, []), access_policy("edit", ops, "AmazonEKSEditPolicy", ["infra-*"]),
               access_policy("view", ops, "AmazonEKSViewPolicy")]  # fmt: skip
    model = read_model(records)
    identity = IdentityResolver(model).resolve(ops, "s")
    assert isinstance(identity, KubernetesIdentity)
    authz = KubernetesAuthorizer(model)

    def can(verb: str, resource: str, namespace: str = "", group: str = "") -> str | None:
        d = authz.authorize(identity.username, identity.groups, Attributes(verb, resource, api_group=group, namespace=namespace),
                            identity.access_policies)  # fmt: skip
        return d.access_grant.association.policy_name if d.access_grant else None

    assert can("create", "deployments", "infra-team", "apps") == "AmazonEKSEditPolicy"
    assert can("create", "deployments", "dev-team", "apps") is None
    assert can("list", "pods", "dev-team") == "AmazonEKSViewPolicy"
    assert can("list", "pods") == "AmazonEKSViewPolicy"
    assert can("list", "nodes") is None


def test_the_cluster_creators_admin_holds_in_config_map_mode() -> None:
    """EKS keeps the creator's cluster-admin outside aws-auth in CONFIG_MAP mode (offline/implicit.py): the implicit
    ``eks-cluster-creator`` entry is in effect in every mode; any other access entry is still ignored there."""
    creator = "arn:aws:iam::111122223333:user/deployer"
    implicit = {"implicit": "eks-cluster-creator"}
    records = [cluster(mode="CONFIG_MAP"), access_entry("myeks-creator-access-entry", creator, **implicit),
               access_policy("myeks-creator-admin-policy", creator, "AmazonEKSClusterAdminPolicy", **implicit),
               access_entry("other-entry", DEV1), access_policy("other-admin", DEV1, "AmazonEKSClusterAdminPolicy")]  # fmt: skip
    result = resolve(records, creator)
    assert ident(result) == (creator, ("system:authenticated",), "access entry myeks-creator-access-entry")
    assert isinstance(result, KubernetesIdentity)
    assert [a.policy_name for a in result.access_policies] == ["AmazonEKSClusterAdminPolicy"]
    other = resolve(records, DEV1)
    assert isinstance(other, NotMapped)
    assert other.reason == ("IAM user dev1 is not mapped to any Kubernetes identity "
                            "(authentication mode CONFIG_MAP; access entries are ignored in CONFIG_MAP mode)")
