"""Which stack config key produced a resource, so a refused plan points at the line to change.

The components tag what they create (``eks-access/team``, ``eks-access/service-account``), and
a resource belongs to the top-level component it descends from; the cluster, its node group
and what EKS adds for them come from ``cluster``; a user mapping or a break-glass admin entry
is found by its principal ARN. A collision blames one resource; when that one has no key, the
error shows the key of the resource it collides with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eks_access.offline import implicit
from eks_access.spec import StackSpec

Record = Mapping[str, Any]

TEAM_TAG = "eks-access/team"
SERVICE_ACCOUNT_TAG = "eks-access/service-account"


def config_keys(
    records: Sequence[Record], spec: StackSpec, namespace: str, admins_as_written: Sequence[Any] = ()
) -> Callable[[Record], str]:
    """``record -> "<namespace>:teams[1]"`` (or "" when no key produced it).

    ``admins_as_written`` is ``cluster.admins`` in the order of the stack file (the spec keeps
    them sorted), so an index points at the line the user wrote.
    """
    parents = {str(r["name"]): r.get("parent") for r in records}
    teams = {t.name: i for i, t in enumerate(spec.teams)}
    workloads = {f"{w.namespace}.{w.service_account}": i for i, w in enumerate(spec.workloads)}
    users = {u.user_arn: f"users[{i}]" for i, u in enumerate(spec.users)}
    admins = {arn: f"cluster.admins[{i}]" for i, arn in enumerate(admins_as_written or spec.cluster.admins)}
    by_root: dict[str, str] = {}
    for record in records:
        tags = record["inputs"].get("tags")
        if not isinstance(tags, Mapping):
            continue
        root = _root(str(record["name"]), parents)
        if tags.get(TEAM_TAG) in teams:
            by_root.setdefault(root, f"teams[{teams[tags[TEAM_TAG]]}]")
        elif tags.get(SERVICE_ACCOUNT_TAG) in workloads:
            by_root.setdefault(root, f"workloads[{workloads[tags[SERVICE_ACCOUNT_TAG]]}]")

    def key_of(record: Record) -> str:
        root = _root(str(record["name"]), parents)
        key = by_root.get(root)
        if key is None and record["type"] in _MAPPINGS and "implicit" not in record:
            principal = record["inputs"].get("principalArn")
            key = users.get(principal) or admins.get(principal)
        if key is None and _from_cluster(root, records):
            key = "cluster"
        return f"{namespace}:{key}" if key else ""

    return key_of


_MAPPINGS = frozenset({"aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"})


def _root(name: str, parents: Mapping[str, Any]) -> str:
    seen = 0
    while parents.get(name) and seen < 100:
        name = str(parents[name])
        seen += 1
    return name


def _from_cluster(root: str, records: Sequence[Record]) -> bool:
    kinds = implicit.CLUSTER_TYPES | implicit.NODE_GROUP_TYPES
    return any(r["name"] == root and r["type"] in kinds for r in records)
