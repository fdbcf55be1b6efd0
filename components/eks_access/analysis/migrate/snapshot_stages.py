"""The stages of an aws-auth -> access entries migration of a live cluster, from its snapshot.

A snapshot's cluster is not one our stack program manages, so a stage is not a stack config: it is
what the user applies to the existing cluster, in order (``cli/migrate_snapshot.py`` writes it):
EKS API requests (``requests.py``) and the aws-auth ConfigMap as it is after the stage.

1. Access entries beside aws-auth: ``UpdateClusterConfig`` to ``API_AND_CONFIG_MAP`` (skipped when
   the cluster runs it already), then one ``CreateAccessEntry`` per aws-auth row in effect and an
   ``AssociateAccessPolicy`` of AmazonEKSClusterAdminPolicy for a row carrying ``system:masters``.
   aws-auth is unchanged. From here EKS uses an entry over the row of its principal
   (EKS user guide, migrating-access-entries), so this is the stage where identities move.
2. The aws-auth rows removed (every ``mapRoles``/``mapUsers``/``mapAccounts`` list emptied):
   the entries stand on their own while aws-auth is still read, the last point of return.
3. ``UpdateClusterConfig`` to ``API``: aws-auth is no longer read.

A stage with nothing to send that leaves aws-auth as it is is left out (the later ones renumbered).

A row becomes an entry as eksctl's migrate-to-access-entry would make it
(eksctl-io/eksctl pkg/actions/accessentry/migrator.go), except where that is wrong or refused:
a node row (``system:nodes``) becomes a node entry of its type (``guard.node_type``: Fargate's
``system:node:{{SessionName}}`` row becomes FARGATE_LINUX, not EC2_LINUX); ``system:`` groups are
dropped (EKS refuses them, ``limits.EKS_RESERVED_GROUP_PREFIX``) and ``system:masters`` becomes the
cluster-scoped AmazonEKSClusterAdminPolicy; a username EKS refuses (``limits.eks_username_problem``)
is dropped so EKS's default applies; duplicate rows make one entry, of the row aws-iam-authenticator
uses (the last); a principal that has an entry already gets none (EKS allows one), and the proof
compares the two. ``mapAccounts`` has no entry equivalent. What each of these costs is for the
proof to say: the stages only name what they do (``changes``).

The snapshot after each stage (``document``) is the input's with the stage's requests and manifest
applied, so the proof reads what the stage makes through the same reader as the input.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eks_access.analysis.migrate.guard import node_type
from eks_access.analysis.migrate.requests import (
    ASSOCIATE_ACCESS_POLICY,
    CREATE_ACCESS_ENTRY,
    UPDATE_CLUSTER_CONFIG,
    Request,
)
from eks_access.authz.identity import MASTERS
from eks_access.errors import SpecError
from eks_access.limits import EKS_RESERVED_GROUP_PREFIX, eks_username_problem
from eks_access.model.eks import (
    API,
    API_AND_CONFIG_MAP,
    CLUSTER_ADMIN_POLICY,
    CONFIG_MAP,
    IdentityMapping,
)
from eks_access.model.from_snapshot import read_snapshot

SECTIONS = ("mapRoles", "mapUsers", "mapAccounts")
_NAME = re.compile(r"[^A-Za-z0-9+=,.@_-]")


@dataclass(frozen=True)
class SnapshotStage:
    """One stage: its requests in order, the aws-auth manifest after it (None: aws-auth is not
    touched because it is no longer read), what it does, and the snapshot as it is after it."""

    number: int
    title: str
    requests: tuple[Request, ...]
    aws_auth: Mapping[str, Any] | None
    changes: tuple[str, ...]
    document: Mapping[str, Any]

    @property
    def file_name(self) -> str:
        return f"stage{self.number}"


def snapshot_stages(doc: Mapping[str, Any]) -> list[SnapshotStage]:
    """The stages that take the snapshot's cluster to API mode; SpecError (naming the snapshot key)
    when there is nothing to migrate or the snapshot lacks what the migration must know."""
    mode = authentication_mode(doc)
    _complete(doc)
    cluster = str(doc["eks"]["cluster"]["name"])
    rows = [m for m in read_snapshot(doc).eks.mappings if m.mechanism == "aws-auth"]
    requests, changes = _entries(rows, _existing(doc), cluster)
    if mode == CONFIG_MAP:
        requests.insert(0, _mode_request(cluster, API_AND_CONFIG_MAP))
        changes.insert(0, f"{UPDATE_CLUSTER_CONFIG}: authenticationMode {CONFIG_MAP} -> {API_AND_CONFIG_MAP}")
    config_map = doc["kubernetes"]["awsAuth"]
    stages: list[SnapshotStage] = []
    current = doc
    for title, reqs, manifest, what in (
        ("access entries beside aws-auth (API_AND_CONFIG_MAP)", requests, _manifest(config_map, False), changes),
        ("aws-auth rows removed", [], _manifest(config_map, True), _removed(rows)),
        ("API: aws-auth no longer read", [_mode_request(cluster, API)],
         None, [f"{UPDATE_CLUSTER_CONFIG}: authenticationMode {API_AND_CONFIG_MAP} -> {API}"]),
    ):  # fmt: skip
        if not reqs and _same_aws_auth(manifest, current):
            continue  # nothing to send and aws-auth unchanged: no stage (e.g. entries exist for every row, no rows)
        current = applied(current, reqs, manifest)
        stages.append(SnapshotStage(len(stages) + 1, title, tuple(reqs), manifest, tuple(what), current))
    return stages


def _same_aws_auth(manifest: Mapping[str, Any] | None, doc: Mapping[str, Any]) -> bool:
    held = doc["kubernetes"]["awsAuth"]
    return manifest is None or (held is not None and dict(held.get("data") or {}) == dict(manifest["data"]))


def authentication_mode(doc: Mapping[str, Any]) -> str:
    cluster = doc["eks"]["cluster"]
    if cluster is None:
        raise SpecError("eks.cluster", "null (DescribeCluster was denied): the authentication mode is unknown, and migrate starts from it")
    mode = (cluster.get("accessConfig") or {}).get("authenticationMode")
    if mode == API:
        raise SpecError("eks.cluster.accessConfig.authenticationMode", "is API already: aws-auth is not read, there is nothing to migrate")
    if mode not in (CONFIG_MAP, API_AND_CONFIG_MAP):
        raise SpecError("eks.cluster.accessConfig.authenticationMode", f"expected {CONFIG_MAP} or {API_AND_CONFIG_MAP}, got {mode!r}")
    return str(mode)


def _complete(doc: Mapping[str, Any]) -> None:
    """The facts a migration moves must all be there: every access entry and its policies, aws-auth."""
    for i, call in enumerate(doc.get("denied") or ()):
        if call["service"] == "kubernetes" or call["operation"] in ("ListAccessEntries", "DescribeAccessEntry", "ListAssociatedAccessPolicies"):
            raise SpecError(f"denied[{i}]", f"{call['operation']} was denied ({call['target'] or call['service']}): "
                            "migrate needs every access entry and the aws-auth ConfigMap; take the snapshot with a principal allowed them")  # fmt: skip


def _existing(doc: Mapping[str, Any]) -> dict[str, str]:
    """Lower-cased principal ARN -> the ARN of the access entry that exists for it."""
    out: dict[str, str] = {}
    for body in doc["eks"]["accessEntries"]:
        arn = str(body["accessEntry"]["principalArn"])
        out[arn.lower()] = arn
    return out


def _in_effect(rows: Sequence[IdentityMapping]) -> tuple[dict[str, IdentityMapping], dict[str, list[str]]]:
    """aws-iam-authenticator's view (pkg/mapper/configmap): per lower-cased ARN, the last row wins."""
    last: dict[str, IdentityMapping] = {}
    paths: dict[str, list[str]] = {}
    for m in rows:
        if m.principal_arn is None or m.kind == "account":
            continue
        key = f"{m.kind}:{m.principal_arn.lower()}"
        last[key] = m
        paths.setdefault(key, []).append(m.source)
    return last, paths


def _entries(rows: Sequence[IdentityMapping], existing: Mapping[str, str], cluster: str) -> tuple[list[Request], list[str]]:
    last, paths = _in_effect(rows)
    requests: list[Request] = []
    changes: list[str] = []
    for key, m in last.items():
        arn = str(m.principal_arn)
        where = f"{', '.join(paths[key])} ({arn})"
        if len(paths[key]) > 1:
            changes.append(f"{where}: one principal in {len(paths[key])} rows; the last row is in effect (aws-iam-authenticator) and becomes its entry")
        if arn.lower() in existing:
            changes.append(f"{where}: the access entry of {existing[arn.lower()]} exists; none is created (EKS allows one per principal and uses it over the row)")
            continue
        reqs, what = _entry(m, cluster, m.source)
        requests += reqs
        changes += what
    for m in rows:
        if m.kind == "account":
            changes.append(f"{m.source} (account {m.principal_arn}): no access-entry equivalent; nothing is created")
    return requests, changes


def _entry(m: IdentityMapping, cluster: str, where: str) -> tuple[list[Request], list[str]]:
    arn = str(m.principal_arn)
    subject = _NAME.sub("_", arn.rsplit("/", 1)[-1])[:64] or "principal"
    kind = node_type(m) if m.kind == "role" else None
    if kind is not None:
        node = {"clusterName": cluster, "principalArn": arn, "type": kind}
        return [Request(CREATE_ACCESS_ENTRY, node, subject)], [f"{CREATE_ACCESS_ENTRY} {arn} ({kind}: EKS gives it the node identity) for {where}"]
    params: dict[str, Any] = {"clusterName": cluster, "principalArn": arn, "type": "STANDARD"}
    changes: list[str] = []
    groups = [g for g in m.groups if not g.startswith(EKS_RESERVED_GROUP_PREFIX)]
    dropped = [g for g in m.groups if g not in groups]
    if groups:
        params["kubernetesGroups"] = groups
    if m.username and eks_username_problem(m.username) is None:
        params["username"] = m.username
    elif m.username:
        changes.append(f"{where}: username {m.username!r} not carried (EKS refuses access entry usernames starting with "
                       f"{m.username.split(':', 1)[0]}:); EKS's default username applies")  # fmt: skip
    shown = f"username {params.get('username', '(EKS default)')}, groups [{', '.join(groups) or 'none'}]"
    changes.insert(0, f"{CREATE_ACCESS_ENTRY} {arn} (STANDARD, {shown}) for {where}")
    if dropped:
        changes.append(f"{where}: groups {', '.join(dropped)} not carried (access entries refuse 'system:' groups)")
    requests = [Request(CREATE_ACCESS_ENTRY, params, subject)]
    if MASTERS in m.groups:
        requests.append(Request(ASSOCIATE_ACCESS_POLICY, {"clusterName": cluster, "principalArn": arn,
                                "policyArn": CLUSTER_ADMIN_POLICY, "accessScope": {"type": "cluster"}}, subject))  # fmt: skip
        changes.append(f"{ASSOCIATE_ACCESS_POLICY} AmazonEKSClusterAdminPolicy (cluster) with {arn} for {MASTERS}")
    return requests, changes


def _removed(rows: Sequence[IdentityMapping]) -> list[str]:
    return [f"aws-auth {m.source} ({m.principal_arn or 'no ARN'}) removed" for m in rows]


def _mode_request(cluster: str, mode: str) -> Request:
    return Request(UPDATE_CLUSTER_CONFIG, {"name": cluster, "accessConfig": {"authenticationMode": mode}}, "cluster")


def _manifest(config_map: Mapping[str, Any] | None, emptied: bool) -> dict[str, Any] | None:
    """The aws-auth ConfigMap to apply: its name, namespace, labels and data (rows emptied when asked).
    Every list the original had is written, as ``[]`` once emptied, so an apply (client- or
    server-side) replaces it instead of leaving a key it does not name."""
    if config_map is None:
        return None
    meta = config_map.get("metadata") or {}
    out_meta: dict[str, Any] = {"name": "aws-auth", "namespace": "kube-system"}
    if isinstance(meta.get("labels"), Mapping) and meta["labels"]:
        out_meta["labels"] = dict(meta["labels"])
    data = dict(config_map.get("data") or {})
    if emptied:
        data.update({key: "[]\n" for key in SECTIONS if key in data})
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": out_meta, "data": data}


def applied(doc: Mapping[str, Any], requests: Sequence[Request], manifest: Mapping[str, Any] | None) -> dict[str, Any]:
    """The snapshot as EKS and the API server hold it once ``requests`` and ``manifest`` are applied."""
    out: dict[str, Any] = copy.deepcopy(dict(doc))
    entries: list[dict[str, Any]] = out["eks"]["accessEntries"]
    for r in requests:
        p = r.params
        if r.operation == UPDATE_CLUSTER_CONFIG:
            out["eks"]["cluster"].setdefault("accessConfig", {})["authenticationMode"] = p["accessConfig"]["authenticationMode"]
        elif r.operation == CREATE_ACCESS_ENTRY:
            entries.append({"accessEntry": {"clusterName": p["clusterName"], "principalArn": p["principalArn"],
                                            "kubernetesGroups": list(p.get("kubernetesGroups", [])),
                                            "username": p.get("username"), "type": p.get("type", "STANDARD")},
                            "associatedAccessPolicies": []})  # fmt: skip
        elif r.operation == ASSOCIATE_ACCESS_POLICY:
            for body in entries:
                if body["accessEntry"]["principalArn"] == p["principalArn"]:
                    body["associatedAccessPolicies"].append({"policyArn": p["policyArn"],
                                                             "accessScope": {"namespaces": [], **p["accessScope"]}})  # fmt: skip
    if manifest is not None:
        out["kubernetes"]["awsAuth"] = copy.deepcopy(dict(manifest))
    return out
