"""The stack configs of an aws-auth -> access entries migration, stage by stage.

Input: a stack file's ``config:`` mapping (namespaced keys, the shape of ``Pulumi.<stack>.yaml``)
whose cluster runs in ``CONFIG_MAP`` or ``API_AND_CONFIG_MAP`` mode. Output: the configs the user
applies with ``pulumi up``, in order:

1. ``API_AND_CONFIG_MAP``, every aws-auth team mapping kept (``mapping: aws-auth`` made explicit,
   since the mode's default becomes ``access-entry``). EKS now reads access entries beside aws-auth:
   the managed node group's role gets its ``EC2_LINUX`` entry and direct user mappings become
   access entries (the stack maps ``users`` through aws-auth only in ``CONFIG_MAP`` mode).
   Skipped when the cluster runs ``API_AND_CONFIG_MAP`` already.
2. The aws-auth team mappings replaced by access entries (``mapping`` dropped: the mode's default).
3. ``API``: aws-auth is no longer read.

EKS changes the mode one way only, ``CONFIG_MAP`` -> ``API_AND_CONFIG_MAP`` -> ``API``
(EKS user guide, "Change authentication mode to use access entries":
https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html), which is why
the stages go in this order and the mappings go before the mode that ignores them.

What an access entry cannot carry is changed here and named in the stage's ``changes`` (the
proof then shows what it costs): ``system:`` Kubernetes groups, which EKS refuses in an access
entry's ``kubernetesGroups`` (EKS user guide, "Create access entries":
https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html; the spec loader
refuses them for the same reason). ``system:masters`` becomes the ``AmazonEKSClusterAdminPolicy``
access policy on a team (what eksctl's migrate-to-access-entry does too); a direct user mapping
has no access policies in this stack config, so its ``system:masters`` is dropped and the proof
lists what it loses.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eks_access.errors import SpecError
from eks_access.spec import StackSpec
from eks_access.spec.model import SYSTEM_GROUPS_OPT_IN

API = "API"
API_AND_CONFIG_MAP = "API_AND_CONFIG_MAP"
CONFIG_MAP = "CONFIG_MAP"
MASTERS = "system:masters"
CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"


@dataclass(frozen=True)
class Stage:
    """One stack config of the migration; ``changes`` says what it changes, in the user's words."""

    number: int
    title: str
    config: dict[str, Any]
    changes: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"stage{self.number}.yaml"


def migration_stages(config: Mapping[str, Any], spec: StackSpec, project: str) -> list[Stage]:
    """The stages from ``config`` (validated as ``spec``) to API mode; SpecError when there is nothing to do."""
    mode = spec.cluster.authentication_mode
    if mode == API:
        raise SpecError("cluster.authenticationMode", "is API already: aws-auth is not read, there is nothing to migrate")
    keys = _Keys(project)
    stages: list[Stage] = []
    current = copy.deepcopy(dict(config))
    if mode == CONFIG_MAP:
        current, changes = _both_modes(current, keys)
        stages.append(Stage(1, "API_AND_CONFIG_MAP: access entries beside aws-auth", current, changes))
    current, changes = _entries(current, keys)
    stages.append(Stage(len(stages) + 1, "aws-auth mappings replaced by access entries", current, changes))
    current, changes = _api(current, keys)
    stages.append(Stage(len(stages) + 1, "API: aws-auth no longer read", current, changes))
    return stages


@dataclass(frozen=True)
class _Keys:
    project: str

    @property
    def cluster(self) -> str:
        return f"{self.project}:cluster"

    @property
    def teams(self) -> str:
        return f"{self.project}:teams"

    @property
    def users(self) -> str:
        return f"{self.project}:users"


def _both_modes(config: dict[str, Any], keys: _Keys) -> tuple[dict[str, Any], tuple[str, ...]]:
    out = copy.deepcopy(config)
    changes = [f"cluster.authenticationMode: {CONFIG_MAP} -> {API_AND_CONFIG_MAP}"]
    out[keys.cluster]["authenticationMode"] = API_AND_CONFIG_MAP
    for i, team in enumerate(_items(out, keys.teams)):
        if team.get("mapping", "aws-auth") == "aws-auth":
            team["mapping"] = "aws-auth"
            changes.append(f"teams[{i}] ({team.get('name')}): mapping: aws-auth kept explicitly")
    for i, user in enumerate(_items(out, keys.users)):
        changes.append(f"users[{i}] ({user.get('userArn')}): aws-auth mapUsers row -> access entry")
        changes += _strip_system_groups(user, f"users[{i}]", masters_policy=False)
    changes.append("node group role: aws-auth mapRoles row (instanceRoles) -> the EC2_LINUX access entry EKS creates")
    return out, tuple(changes)


def _entries(config: dict[str, Any], keys: _Keys) -> tuple[dict[str, Any], tuple[str, ...]]:
    out = copy.deepcopy(config)
    changes: list[str] = []
    for i, team in enumerate(_items(out, keys.teams)):
        if team.get("mapping") != "aws-auth":
            continue
        del team["mapping"]
        changes.append(f"teams[{i}] ({team.get('name')}): aws-auth mapRoles row -> access entry")
        changes += _strip_system_groups(team, f"teams[{i}]", masters_policy=True)
    return out, tuple(changes)


def _api(config: dict[str, Any], keys: _Keys) -> tuple[dict[str, Any], tuple[str, ...]]:
    out = copy.deepcopy(config)
    out[keys.cluster]["authenticationMode"] = API
    return out, (f"cluster.authenticationMode: {API_AND_CONFIG_MAP} -> {API}",)


def _items(config: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = config.get(key) or []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _strip_system_groups(entry: dict[str, Any], path: str, *, masters_policy: bool) -> list[str]:
    """Drop the ``system:`` groups an access entry cannot carry; say what replaced them."""
    groups = entry.get("kubernetesGroups")
    entry.pop(SYSTEM_GROUPS_OPT_IN, None)
    if not isinstance(groups, list):
        return []
    system = [g for g in groups if isinstance(g, str) and g.startswith("system:")]
    if not system:
        return []
    kept = [g for g in groups if g not in system]
    if kept:
        entry["kubernetesGroups"] = kept
    else:
        del entry["kubernetesGroups"]
    changes = [f"{path}.kubernetesGroups: {', '.join(system)} dropped (access entries refuse 'system:' groups)"]
    if not kept:
        changes.append(f"{path}.kubernetesGroups: left empty, so the key is removed (its default applies)")
    if masters_policy and MASTERS in system:
        policies = entry.setdefault("accessPolicies", [])
        if not any(isinstance(p, dict) and str(p.get("policy", "")).endswith(CLUSTER_ADMIN) and not p.get("namespaces") for p in policies):
            policies.append({"policy": CLUSTER_ADMIN})
            changes.append(f"{path}.accessPolicies: {CLUSTER_ADMIN} added (cluster scope) for {MASTERS}")
    return changes
