"""Property (issue 19), on the snapshot path: for random aws-auth + RBAC snapshot states, every stage
``snapshot_stages`` makes is read back through the snapshot reader and

- the effective-access diff of the stage (``analysis/diff``) is empty or exactly the permission
  differences the proof lists, principal by principal, with nothing left out;
- a principal whose row in effect carries no ``system:`` group, a username EKS accepts and no role
  path is proved ``same`` at every stage (a node row ``equivalent`` once); every other line names a
  principal that has one of those (or its ``system:`` group, or an account row), with its reason;
- nobody is locked out: the creator keeps cluster-admin, the node roles keep their node identity.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_access.analysis import Analyzer
from eks_access.analysis.diff import diff_analyzers
from eks_access.analysis.migrate.guard import lockouts, node_roles
from eks_access.analysis.migrate.proof import prove_stage
from eks_access.analysis.migrate.snapshot_stages import snapshot_stages
from eks_access.model.from_snapshot import read_snapshot
from tests.analysis.migrate.snapshots import CREATOR, binding, snapshot
from tests.builders import ACCOUNT

IAM = f"arn:aws:iam::{ACCOUNT}"
ROLES = [f"{IAM}:role/A", f"{IAM}:role/b", f"{IAM}:role/B", f"{IAM}:role/team/C"]
USERS = [f"{IAM}:user/u1", f"{IAM}:user/u2"]
GROUPS = ["devs", "ops", "system:masters", "system:monitoring"]
NAMES = ["alice", "bob", "team:{{SessionName}}", "eks:svc"]
NODE = {"rolearn": f"{IAM}:role/Node", "username": "system:node:{{EC2PrivateDNSName}}", "groups": ["system:bootstrappers", "system:nodes"]}
FARGATE = {"rolearn": f"{IAM}:role/Pods", "username": "system:node:{{SessionName}}", "groups": ["system:bootstrappers", "system:nodes"]}

_groups = st.lists(st.sampled_from(GROUPS), max_size=2, unique=True)
_role_row = st.fixed_dictionaries({"rolearn": st.sampled_from(ROLES), "username": st.sampled_from(NAMES), "groups": _groups})
_user_row = st.fixed_dictionaries({"userarn": st.sampled_from(USERS), "username": st.sampled_from(NAMES), "groups": _groups})
_subject = st.sampled_from([("groups", "devs"), ("groups", "ops"), ("groups", "system:monitoring"), ("users", "alice"), ("users", "bob")])


@st.composite
def _state(draw: Any) -> dict[str, Any]:
    roles = draw(st.lists(_role_row, max_size=4)) + draw(st.sampled_from([[], [NODE], [NODE, FARGATE]]))
    users = draw(st.lists(_user_row, max_size=2))
    accounts = draw(st.sampled_from([[], ["444455556666"]]))
    bindings = []
    for i in range(draw(st.integers(0, 3))):
        kind, name = draw(_subject)
        bindings.append(binding(f"b{i}", draw(st.sampled_from(["view", "cluster-admin"])), **{kind: [name]}))
    mode = draw(st.sampled_from(["CONFIG_MAP", "API_AND_CONFIG_MAP"]))
    return snapshot(mode, map_roles=draw(st.permutations(roles)), map_users=users, map_accounts=accounts, bindings=bindings)


def _rows_in_effect(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Lower-cased ARN -> the row aws-iam-authenticator uses (the last), from the snapshot's own aws-auth."""
    import yaml

    data = doc["kubernetes"]["awsAuth"]["data"]
    out: dict[str, dict[str, Any]] = {}
    for key, arn_key in (("mapRoles", "rolearn"), ("mapUsers", "userarn")):
        for r in yaml.safe_load(data.get(key, "[]")) or []:
            out[r[arn_key].lower()] = r
    return out


def _explained(r: dict[str, Any]) -> bool:
    """A row whose move to an access entry may show: a system group (a node row is proved equivalent), an
    EKS-refused username, a path (it never matched)."""
    return (any(g.startswith("system:") for g in r["groups"]) or r["username"].startswith("eks:")
            or r.get("rolearn", "").count("/") > 1)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_state())
def test_each_stage_differs_exactly_by_what_the_proof_lists(doc: dict[str, Any]) -> None:
    rows = _rows_in_effect(doc)
    plain = {arn for arn, r in rows.items() if not _explained(r)}
    before = Analyzer(read_snapshot(doc))
    nodes = node_roles(before)
    assert set(nodes) == {r["rolearn"] for r in rows.values() if "system:nodes" in r["groups"]}
    for stage in snapshot_stages(doc):
        after = Analyzer(read_snapshot(stage.document))
        proof = prove_stage(before, after)
        listed = sorted((line.principal, line.text) for line in proof.lines
                        if line.kind == "difference" and line.text.startswith(("gains ", "loses ")))  # fmt: skip
        diffs = sorted((pd.principal.display, f"{'gains' if c.direction == 'gained' else 'loses'} {len(c.permissions)} "
                        f"permission{'s' if len(c.permissions) != 1 else ''} through {c.cause}")
                       for pd in diff_analyzers(before, after).principals for c in pd.kubernetes)  # fmt: skip
        assert listed == diffs
        for line in proof.lines:
            if line.principal.lower() in plain:
                assert line.kind == "same", line
            elif line.kind == "difference":
                key = line.principal.lower()
                assert (key in rows and _explained(rows[key])) or line.principal.startswith(("account ", "group:system:")), line
                assert line.reason, line
        assert lockouts(after, [CREATOR] if doc["eks"]["accessEntries"] else [], nodes) == []
        before = after
