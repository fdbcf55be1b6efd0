"""The migration proof and lockout guard on hand-made aws-auth corpora (issue 19).

Each corpus is a plan before a stage (aws-auth rows, CONFIG_MAP) and after it (the access entries
that replace them); the proof's lines are asserted exactly: kind, principal, what changed, why.
"""

from __future__ import annotations

from typing import Any

import pytest

from eks_access.analysis import Analyzer
from eks_access.analysis.migrate.guard import Conflict, Lockout, conflicts, lockouts, node_roles
from eks_access.analysis.migrate.proof import SYSTEM_GROUP_REASON, prove_stage
from tests.builders import VIEWER_ARN, access_entry, access_policy, aws_auth, cluster, role_arn

PATHED = role_arn("Dev", "/team/")
NODE = role_arn("myeks-node-role")
FARGATE = role_arn("Fargate")
ADMIN = role_arn("Admin")
NODE_USER = "system:node:{{EC2PrivateDNSName}}"
NODE_REASON = ("node role: EKS's EC2_LINUX access entry is the node identity (username system:node:{{EC2PrivateDNSName}}, "
               "group system:nodes; creating-access-entries)")  # fmt: skip
PATH_REASON = "a path-bearing role ARN never matched aws-auth (aws-iam-authenticator #268) and matches its access entry now"
Lines = list[tuple[str, str, str, str]]


def _before(**rows: Any) -> list[dict[str, Any]]:
    return [cluster(mode="CONFIG_MAP"), aws_auth(**rows)]


def _after(*records: dict[str, Any]) -> list[dict[str, Any]]:
    return [cluster(mode="API_AND_CONFIG_MAP"), *records]


CORPORA: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], Lines]] = {
    # system:masters becomes AmazonEKSClusterAdminPolicy: the identity differs (listed), the
    # effective permissions do not (no permission line: the diff of the two is empty).
    "system:masters": (
        _before(map_roles=[{"rolearn": ADMIN, "username": "admin", "groups": ["system:masters"]}]),
        _after(access_entry("a", ADMIN, username="admin"), access_policy("ap", ADMIN, "AmazonEKSClusterAdminPolicy")),
        [("difference", ADMIN, "username admin, groups [system:masters] -> username admin, groups [none], access policies "
          "[AmazonEKSClusterAdminPolicy]", "system:masters -> AmazonEKSClusterAdminPolicy: " + SYSTEM_GROUP_REASON)],
    ),
    "node row with {{EC2PrivateDNSName}}": (
        _before(map_roles=[{"rolearn": NODE, "username": NODE_USER, "groups": ["system:bootstrappers", "system:nodes"]}]),
        _after(access_entry("n", NODE, entry_type="EC2_LINUX")),
        [("equivalent", NODE, f"username {NODE_USER}, groups [system:bootstrappers, system:nodes] -> username {NODE_USER}, "
          "groups [system:nodes]", NODE_REASON)],
    ),
    "{{SessionName}} username": (
        _before(map_roles=[{"rolearn": VIEWER_ARN, "username": "dev:{{SessionName}}", "groups": ["developers"]}]),
        _after(access_entry("v", VIEWER_ARN, ["developers"], username="dev:{{SessionName}}")),
        [("same", VIEWER_ARN, "username dev:{{SessionName}}, groups [developers] (aws-auth row -> access entry)",
          "username template {{SessionName}}: rendered by EKS now, as aws-iam-authenticator did (the model renders both alike)")],
    ),
    "path-bearing role ARN": (
        _before(map_roles=[{"rolearn": PATHED, "username": "dev", "groups": ["developers"]}]),
        _after(access_entry("p", PATHED, ["developers"], username="dev")),
        [("difference", PATHED, "not mapped -> username dev, groups [developers]", PATH_REASON),
         ("difference", PATHED, "gains 2 permissions through ClusterRole system:basic-user cluster-wide by ClusterRoleBinding "
          "system:basic-user", PATH_REASON),
         ("difference", PATHED, "gains 1 permission through ClusterRole system:discovery cluster-wide by ClusterRoleBinding "
          "system:discovery", PATH_REASON)],
    ),
    "mapAccounts": (
        _before(map_accounts=["444455556666"]),
        _after(),
        [("difference", "account 444455556666", "mapAccounts row -> not mapped",
          "mapAccounts has no access-entry equivalent: map each principal of the account that needs access")],
    ),
    "duplicate rows, the last wins": (
        _before(map_roles=[{"rolearn": VIEWER_ARN, "username": "first", "groups": ["a"]},
                           {"rolearn": VIEWER_ARN.lower(), "username": "second", "groups": ["b"]}]),
        _after(access_entry("v", VIEWER_ARN, ["b"], username="second")),
        [("same", VIEWER_ARN, "username second, groups [b] (aws-auth row -> access entry)", "")],
    ),
    "Fargate row": (
        _before(map_roles=[{"rolearn": FARGATE, "username": "system:node:{{SessionName}}", "groups": ["system:bootstrappers", "system:nodes"]}]),
        _after(access_entry("f", FARGATE, entry_type="FARGATE_LINUX")),
        [("equivalent", FARGATE, "username system:node:{{SessionName}}, groups [system:bootstrappers, system:nodes] -> username "
          "system:node:{{SessionName}}, groups [system:nodes]", "node role: EKS's FARGATE_LINUX access entry is the node identity "
          "(username system:node:{{SessionName}}, group system:nodes; creating-access-entries)")],
    ),
    "a username EKS refuses in an entry": (
        _before(map_roles=[{"rolearn": VIEWER_ARN, "username": "eks:viewer", "groups": ["developers"]}]),
        _after(access_entry("v", VIEWER_ARN, ["developers"])),
        [("difference", VIEWER_ARN, "username eks:viewer, groups [developers] -> username arn:aws:sts::111122223333:assumed-role/"
          "EKSMyExampleViewer/{{SessionName}}, groups [developers]", "EKS refuses the row's username in an access entry ('eks:viewer': "
          "EKS refuses access entry usernames starting with 'eks:'); EKS's default applies")],
    ),
    "the first row carried over instead of the last": (
        _before(map_roles=[{"rolearn": VIEWER_ARN, "username": "first", "groups": ["a"]},
                           {"rolearn": VIEWER_ARN, "username": "second", "groups": ["b"]}]),
        _after(access_entry("v", VIEWER_ARN, ["a"], username="first")),
        [("difference", VIEWER_ARN, "username second, groups [b] -> username first, groups [a]",
          "the access entry's username differs from the aws-auth row's")],
    ),
}


@pytest.mark.parametrize("name", list(CORPORA))
def test_corpus_proof_lines(name: str) -> None:
    before, after, expected = CORPORA[name]
    proof = prove_stage(Analyzer.from_records(before), Analyzer.from_records(after))
    assert [(line.kind, line.principal, line.text, line.reason) for line in proof.lines] == expected


def test_creator_admin_is_the_same_in_every_mode() -> None:
    """EKS's implicit creator entry holds in CONFIG_MAP mode too (authz/identity.py), so migrating keeps it as it is."""
    creator = "arn:aws:iam::111122223333:user/deployer"
    made = [access_entry("c", creator, implicit="eks-cluster-creator"),
            access_policy("cp", creator, "AmazonEKSClusterAdminPolicy", implicit="eks-cluster-creator")]  # fmt: skip
    proof = prove_stage(Analyzer.from_records(_before(map_roles=[]) + made), Analyzer.from_records(_after(*made)))
    assert {line.kind for line in proof.lines} == {"same"}
    assert proof.differences == ()
    # Anyone else gaining the same access through an entry CONFIG_MAP mode ignored is a difference.
    records = [access_entry("c", creator), access_policy("cp", creator, "AmazonEKSClusterAdminPolicy")]
    other = prove_stage(Analyzer.from_records(_before(map_roles=[]) + records), Analyzer.from_records(_after(*records)))
    assert [line.kind for line in other.lines] == ["difference"] * 4


def test_conflict_an_access_entry_beside_a_different_aws_auth_row() -> None:
    both = Analyzer.from_records([
        cluster(mode="API_AND_CONFIG_MAP"),
        aws_auth(map_roles=[{"rolearn": VIEWER_ARN, "username": "dev", "groups": ["developers"]}]),
        access_entry("v", VIEWER_ARN, ["viewers"], username="dev"),
    ])  # fmt: skip
    assert conflicts(both) == [Conflict(VIEWER_ARN, "username dev, groups [viewers]", "username dev, groups [developers]")]


def test_a_node_row_beside_the_node_entry_of_its_type_is_no_conflict() -> None:
    row = {"rolearn": NODE, "username": NODE_USER, "groups": ["system:bootstrappers", "system:nodes"]}
    same = Analyzer.from_records([cluster(mode="API_AND_CONFIG_MAP"), aws_auth(map_roles=[row]), access_entry("n", NODE, entry_type="EC2_LINUX")])
    assert conflicts(same) == []
    windows = Analyzer.from_records([cluster(mode="API_AND_CONFIG_MAP"), aws_auth(map_roles=[row]), access_entry("n", NODE, entry_type="EC2_WINDOWS")])
    assert conflicts(windows) == [Conflict(NODE, f"username {NODE_USER}, groups [system:nodes, eks:kube-proxy-windows]",
                                           f"username {NODE_USER}, groups [system:bootstrappers, system:nodes]")]  # fmt: skip


def test_node_roles_need_their_entry_types_and_admins_cluster_admin() -> None:
    rows = [{"rolearn": NODE, "username": NODE_USER, "groups": ["system:bootstrappers", "system:nodes", "eks:kube-proxy-windows"]},
            {"rolearn": FARGATE, "username": "system:node:{{SessionName}}", "groups": ["system:bootstrappers", "system:nodes"]}]
    nodes = node_roles(Analyzer.from_records(_before(map_roles=rows)))
    assert nodes == {NODE: "EC2_WINDOWS", FARGATE: "FARGATE_LINUX"}
    after = Analyzer.from_records([cluster(mode="API"), access_entry("n", NODE, entry_type="EC2_LINUX")])
    assert lockouts(after, [ADMIN], nodes) == [
        Lockout(ADMIN, "loses cluster-admin: role Admin is not mapped to any Kubernetes identity (authentication mode API)"),
        Lockout(NODE, f"node role needs an EC2_WINDOWS access entry in API mode, has username {NODE_USER}, groups [system:nodes]"),
        Lockout(FARGATE, "node role loses its node identity (needs a FARGATE_LINUX access entry)"),
    ]
    kept = Analyzer.from_records([
        cluster(mode="API"), access_entry("n", NODE, entry_type="EC2_WINDOWS"), access_entry("f", FARGATE, entry_type="FARGATE_LINUX"),
        access_entry("a", ADMIN), access_policy("ap", ADMIN, "AmazonEKSClusterAdminPolicy"),
    ])  # fmt: skip
    assert lockouts(kept, [ADMIN], nodes) == []
