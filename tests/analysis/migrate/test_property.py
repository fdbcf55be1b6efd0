"""Property (issue 19): on random aws-auth rows and RBAC, replacing every row by the access entry
`migrate` makes of it (same username and groups; ``system:`` groups dropped, ``system:masters`` as
AmazonEKSClusterAdminPolicy) and switching the mode leaves every principal whose row carries no
``system:`` group exactly as it was (``same``), and every other line the proof prints names a
principal whose row carried one, with the system-group reason."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_access.analysis import Analyzer
from eks_access.analysis.migrate.proof import SYSTEM_GROUP_REASON, prove_stage
from tests.builders import (
    access_entry,
    access_policy,
    aws_auth,
    binding,
    cluster,
    group,
    role_arn,
    user,
)

ROLES = [role_arn(n) for n in ("A", "B", "C")]
K8S_GROUPS = ["devs", "ops", "system:masters", "system:bootstrappers"]
SUBJECTS = [group("devs"), group("ops"), group("system:bootstrappers"), user("alice")]

_row = st.fixed_dictionaries({
    "rolearn": st.sampled_from(ROLES),
    "username": st.sampled_from(["alice", "bob", "team:{{SessionName}}"]),
    "groups": st.lists(st.sampled_from(K8S_GROUPS), max_size=2, unique=True),
})  # fmt: skip


@st.composite
def _state(draw: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = draw(st.lists(_row, min_size=1, max_size=4))
    rbac = [binding(f"b{i}", "ClusterRole", draw(st.sampled_from(["view", "edit", "admin"])),
                    draw(st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=2)))
            for i in range(draw(st.integers(0, 3)))]
    return rows, rbac


def _entries(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], set[str]]:
    """The access entries of the rows in effect (last row per ARN wins), and the ARNs that had system groups."""
    last = {r["rolearn"]: r for r in rows}
    out: list[dict[str, Any]] = []
    system: set[str] = set()
    for i, (arn, r) in enumerate(sorted(last.items())):
        kept = [g for g in r["groups"] if not g.startswith("system:")]
        if kept != r["groups"]:
            system.add(arn)
        out.append(access_entry(f"e{i}", arn, kept, username=r["username"]))
        if "system:masters" in r["groups"]:
            out.append(access_policy(f"p{i}", arn, "AmazonEKSClusterAdminPolicy"))
    return out, system


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_state(), st.sampled_from(["API_AND_CONFIG_MAP", "API"]))
def test_only_system_groups_make_differences(state: tuple[list[dict[str, Any]], list[dict[str, Any]]], mode: str) -> None:
    rows, rbac = state
    entries, system = _entries(rows)
    before = Analyzer.from_records([cluster(mode="CONFIG_MAP"), aws_auth(map_roles=rows), *rbac])
    after = Analyzer.from_records([cluster(mode=mode), *entries, *rbac])
    proof = prove_stage(before, after)
    for line in proof.lines:
        if line.principal in system or line.principal.startswith("group:system:"):
            if line.kind != "same":
                assert SYSTEM_GROUP_REASON in line.reason, line
        else:
            assert line.kind == "same", line
    mapped = {r["rolearn"] for r in rows}
    assert {line.principal for line in proof.lines if line.text.endswith("(aws-auth row -> access entry)")} == mapped - system
