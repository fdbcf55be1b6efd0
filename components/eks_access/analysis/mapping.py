"""IAM -> Kubernetes identity: EKS access entries and the aws-auth ConfigMap.

Which mechanism counts depends on the cluster's authentication mode, and the two match ARNs
differently: access entries by the exact principal ARN, aws-auth (aws-iam-authenticator) by
the canonical ARN STS reports, which never carries a role path.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from .principals import canonical_identity_arn, split_iam_arn

API = "API"
API_AND_CONFIG_MAP = "API_AND_CONFIG_MAP"
CONFIG_MAP = "CONFIG_MAP"
NODE_USERNAME = "system:node:{{EC2PrivateDNSName}}"
NODE_GROUPS = ("system:bootstrappers", "system:nodes")


@dataclass(frozen=True)
class AccessPolicyAssoc:
    policy_arn: str
    scope: str  # "cluster" | "namespace"
    namespaces: tuple[str, ...]
    record: str

    @property
    def policy_name(self) -> str:
        return self.policy_arn.rsplit("/", 1)[-1]

    def covers(self, namespace: str | None) -> bool:
        """Namespace scopes may use wildcards (``dev-*``); they never cover cluster scope."""
        if self.scope != "namespace":
            return True
        if namespace is None:
            return False
        return any(fnmatch.fnmatchcase(namespace, p) for p in self.namespaces)

    def describe_scope(self) -> str:
        if self.scope != "namespace":
            return "cluster"
        return "namespaces " + ", ".join(self.namespaces)


@dataclass
class IdentityMapping:
    """One entry that turns an IAM principal into a Kubernetes user and groups."""

    principal_arn: str  # as written
    kind: str  # "role" | "user"
    username: str
    groups: tuple[str, ...]
    mechanism: str  # "access entry" | "aws-auth"
    source: str  # "access entry developers-access-entry", "aws-auth mapRoles (cluster myeks)"
    entry_type: str = "STANDARD"
    policies: list[AccessPolicyAssoc] = field(default_factory=list)

    @property
    def match_key(self) -> str:
        """Access entries match the exact ARN; aws-auth the lower-cased ARN as written."""
        if self.mechanism == "access entry":
            return self.principal_arn
        return self.principal_arn.lower()


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def default_access_entry_username(principal_arn: str) -> str:
    """EKS's username when an access entry sets none: the session ARN for roles."""
    parts = split_iam_arn(principal_arn)
    if parts and parts[1] == "role":
        return f"arn:aws:sts::{parts[0]}:assumed-role/{parts[3]}/{{{{SessionName}}}}"
    return principal_arn


def access_entry(rec: Mapping[str, Any]) -> IdentityMapping | None:
    inputs = rec.get("inputs") or {}
    arn = _str(inputs.get("principalArn"))
    if not arn:
        return None
    parts = split_iam_arn(arn)
    kind = parts[1] if parts else "role"
    etype = str(inputs.get("type") or "STANDARD")
    groups = tuple(str(g) for g in inputs.get("kubernetesGroups") or ())
    username = _str(inputs.get("userName")) or default_access_entry_username(arn)
    if etype.startswith("EC2") or etype == "FARGATE_LINUX":
        username = NODE_USERNAME if etype.startswith("EC2") else username
        groups = groups or ("system:nodes",)
    return IdentityMapping(
        principal_arn=arn, kind=kind, username=username, groups=groups,
        mechanism="access entry", source=f"access entry {rec.get('name')}", entry_type=etype,
    )  # fmt: skip


def access_policy(rec: Mapping[str, Any]) -> tuple[str, AccessPolicyAssoc] | None:
    inputs = rec.get("inputs") or {}
    arn = _str(inputs.get("principalArn"))
    policy = _str(inputs.get("policyArn"))
    if not arn or not policy:
        return None
    scope = inputs.get("accessScope") or {}
    stype = str(scope.get("type") or "cluster")
    nss = tuple(str(n) for n in scope.get("namespaces") or ())
    return arn, AccessPolicyAssoc(policy, stype, nss, str(rec.get("name")))


def _load_yaml_list(text: Any) -> list[Mapping[str, Any]]:
    if isinstance(text, list):
        return [x for x in text if isinstance(x, Mapping)]
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    return [x for x in doc or [] if isinstance(x, Mapping)]


def aws_auth_entries(rec: Mapping[str, Any]) -> list[IdentityMapping]:
    """``mapRoles``/``mapUsers`` of the aws-auth ConfigMap (YAML strings)."""
    data = (rec.get("inputs") or {}).get("data") or {}
    src = f"aws-auth ConfigMap ({rec.get('name')})"
    out: list[IdentityMapping] = []
    for e in _load_yaml_list(data.get("mapRoles")):
        arn = _str(e.get("rolearn"))
        if arn:
            out.append(_auth_entry(arn, "role", e, f"{src} mapRoles"))
    for e in _load_yaml_list(data.get("mapUsers")):
        arn = _str(e.get("userarn"))
        if arn:
            out.append(_auth_entry(arn, "user", e, f"{src} mapUsers"))
    return out


def _auth_entry(arn: str, kind: str, e: Mapping[str, Any], source: str) -> IdentityMapping:
    username = _str(e.get("username")) or ""
    if not username:
        # aws-iam-authenticator's defaults for an entry without a username
        username = "{{SessionName}}" if kind == "role" else arn
    groups = tuple(str(g) for g in e.get("groups") or ())
    return IdentityMapping(arn, kind, username, groups, "aws-auth", source)


def cluster_entries(rec: Mapping[str, Any], resolve_ref: Any) -> list[IdentityMapping]:
    """pulumi-eks ``Cluster``: ``roleMappings``, ``userMappings`` and node ``instanceRoles``."""
    inputs = rec.get("inputs") or {}
    name = rec.get("name")
    out: list[IdentityMapping] = []
    for m in inputs.get("roleMappings") or ():
        arn = resolve_ref(m.get("roleArn"))
        if arn:
            out.append(IdentityMapping(
                arn, "role", str(m.get("username") or "{{SessionName}}"),
                tuple(str(g) for g in m.get("groups") or ()), "aws-auth",
                f"aws-auth roleMappings of cluster {name}",
            ))  # fmt: skip
    for m in inputs.get("userMappings") or ():
        arn = resolve_ref(m.get("userArn"))
        if arn:
            out.append(IdentityMapping(
                arn, "user", str(m.get("username") or arn),
                tuple(str(g) for g in m.get("groups") or ()), "aws-auth",
                f"aws-auth userMappings of cluster {name}",
            ))  # fmt: skip
    for r in inputs.get("instanceRoles") or ():
        arn = resolve_ref(r)
        if arn:
            out.append(IdentityMapping(
                arn, "role", NODE_USERNAME, NODE_GROUPS, "aws-auth",
                f"node instance role of cluster {name}",
            ))  # fmt: skip
    return out


def infer_mode(declared: str | None, has_entries: bool, has_aws_auth: bool) -> str:
    """The cluster's mode, or a guess from what the plan contains when no cluster declares it."""
    if declared in (API, API_AND_CONFIG_MAP, CONFIG_MAP):
        return declared
    if has_entries and has_aws_auth:
        return API_AND_CONFIG_MAP
    if has_entries:
        return API
    return CONFIG_MAP


class MappingIndex:
    """The mappings in effect under the cluster's authentication mode."""

    def __init__(self, mode: str, entries: Sequence[IdentityMapping],
                 auth: Sequence[IdentityMapping]) -> None:  # fmt: skip
        self.mode = mode
        self.entries: dict[str, IdentityMapping] = {}
        self.auth: dict[str, IdentityMapping] = {}
        if mode in (API, API_AND_CONFIG_MAP):
            for e in entries:
                self.entries.setdefault(e.principal_arn, e)
        if mode in (CONFIG_MAP, API_AND_CONFIG_MAP):
            for a in auth:
                self.auth.setdefault(a.match_key, a)
        self.ignored_auth = list(auth) if mode == API else []

    def lookup(self, full_arn: str, session_arn: str | None = None) -> IdentityMapping | None:
        """Access entry for the exact ARN first, then aws-auth for the canonical ARN."""
        hit = self.entries.get(full_arn)
        if hit is not None:
            return hit
        if not self.auth:
            return None
        canon = canonical_identity_arn(session_arn or full_arn).lower()
        return self.auth.get(canon)

    def all(self) -> list[IdentityMapping]:
        seen = {m.principal_arn for m in self.entries.values()}
        out = list(self.entries.values())
        out.extend(m for m in self.auth.values() if m.principal_arn not in seen)
        return out


def expand_template(text: str, session: str | None, account: str) -> str:
    """aws-iam-authenticator / EKS username templates."""
    out = text.replace("{{AccountID}}", account)
    if session:
        out = out.replace("{{SessionName}}", session).replace("{{SessionNameRaw}}", session)
    return out
