"""EKS authentication: which Kubernetes user and groups an IAM identity becomes.

Sources:
- authentication modes: EKS User Guide "Grant IAM users and roles access to Kubernetes APIs"
  (grant-k8s-access.adoc, "Set Cluster Authentication Mode"): CONFIG_MAP reads only aws-auth,
  API only access entries, API_AND_CONFIG_MAP both; an access entry for an ARN overrides its
  aws-auth entry (migrating-access-entries.adoc); the cluster creator's admin grant (an implicit
  access entry in the plan) holds in CONFIG_MAP mode too, where EKS keeps it outside aws-auth
  (access-entries.adoc, bootstrapClusterCreatorAdminPermissions);
- access entries match the IAM principal itself (a role session is its role, whose ARN may
  carry a path); default usernames: the user ARN for users, the session ARN
  ``arn:aws:sts::<account>:assumed-role/<role>/{{SessionName}}`` for roles (path removed),
  ``system:node:{{EC2PrivateDNSName}}`` for EC2 node entries, ``system:node:{{SessionName}}``
  for Fargate and hybrid nodes (creating-access-entries.adoc, set-custom-username.adoc);
- aws-auth as aws-iam-authenticator reads it (kubernetes-sigs/aws-iam-authenticator
  ``pkg/mapper/configmap``: entries keyed by the lower-cased ARN, a later entry replacing an
  earlier one, mapRoles looked up before mapUsers; ``pkg/server/server.go`` doMapping: an
  account of ``mapAccounts`` maps its principals to their canonical ARN with no groups;
  renderTemplate: ``{{AccountID}}``, ``{{SessionName}}`` (``@`` replaced by ``-``),
  ``{{SessionNameRaw}}``, ``{{AccessKeyID}}``, and ``{{EC2PrivateDNSName}}`` which fails
  authentication unless the session name is an EC2 instance id);
- every authenticated user also gets the group ``system:authenticated``
  (k8s.io/apiserver ``pkg/authentication/group/authenticated_group_adder.go``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eks_access.model import AccessModel
from eks_access.model.arns import canonical_arn, parse_identity, parse_session
from eks_access.model.eks import (
    API,
    CLUSTER_CREATOR,
    CONFIG_MAP,
    NODE_ENTRY_IDENTITY,
    AccessPolicyAssociation,
    IdentityMapping,
)

AUTHENTICATED = "system:authenticated"
MASTERS = "system:masters"
SESSION = "{{SessionName}}"
_INSTANCE_ID = re.compile(r"i-[0-9a-f]{8,17}")
_NODE_TYPES = NODE_ENTRY_IDENTITY


@dataclass(frozen=True)
class KubernetesIdentity:
    """What the API server sees after authentication."""

    username: str
    mapped_groups: tuple[str, ...]  # as the mapping renders them
    mapping: IdentityMapping | None = None
    access_policies: tuple[AccessPolicyAssociation, ...] = ()
    unresolved: tuple[str, ...] = ()  # templates left as written (e.g. an unknown session name)

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups the authorizers see: for an authenticated IAM identity the mapped ones plus
        ``system:authenticated``; for a subject asked about directly, exactly its own."""
        if self.mapping is None:
            return self.mapped_groups
        return tuple(dict.fromkeys((*self.mapped_groups, AUTHENTICATED)))

    @property
    def source(self) -> str:
        return describe_mapping(self.mapping) if self.mapping is not None else ""


@dataclass(frozen=True)
class NotMapped:
    reason: str
    unknown: tuple[IdentityMapping, ...] = field(default=())


def describe_mapping(m: IdentityMapping) -> str:
    """``access entry developers-access-entry``, ``aws-auth mapRoles[1] (myeks-nodeAccess)``."""
    if m.mechanism == "access-entry":
        where = f" {m.origin.path}" if m.origin.path else ""
        return f"access entry {m.origin.name}{where}"
    return f"aws-auth {m.source} ({m.origin.name})"


class IdentityResolver:
    """Mappings in effect for the model's cluster, indexed the way each mechanism looks up."""

    def __init__(self, model: AccessModel) -> None:
        self.model = model
        self.mode = model.authentication_mode
        cluster = model.cluster
        name = cluster.name if cluster is not None else None
        usable = [m for m in model.eks.mappings if not m.shadowed and (m.cluster is None or name is None or m.cluster == name)]
        self.entries: dict[str, IdentityMapping] = {}
        self.roles: dict[str, IdentityMapping] = {}
        self.users: dict[str, IdentityMapping] = {}
        self.accounts: dict[str, IdentityMapping] = {}
        self.ignored: list[IdentityMapping] = []
        for m in usable:
            if m.principal_arn is None:
                continue
            if m.mechanism == "access-entry":
                if self.mode == CONFIG_MAP and m.implicit != CLUSTER_CREATOR:
                    self.ignored.append(m)
                else:
                    self.entries.setdefault(m.principal_arn, m)
            elif self.mode == API:
                self.ignored.append(m)
            elif m.kind == "account":
                self.accounts[m.principal_arn] = m
            else:
                (self.roles if m.kind == "role" else self.users)[m.principal_arn.lower()] = m

    def in_effect(self) -> list[IdentityMapping]:
        """Every mapping that can authenticate someone, access entries first."""
        out = list(self.entries.values())
        covered = {canonical_arn(a).lower() for a in self.entries}
        out += [m for k, m in (*self.roles.items(), *self.users.items()) if k not in covered]
        out += list(self.accounts.values())
        return out

    def resolve(self, arn: str, session: str | None = None) -> KubernetesIdentity | NotMapped:
        """The identity of an IAM user ARN, or of a session of the role with this ARN."""
        kind = _kind(arn)
        entry = self.entries.get(arn)
        if entry is not None:
            return self._render(entry, arn, session, kind)
        canonical = canonical_arn(arn)
        hit = self.roles.get(canonical.lower()) if kind == "role" else None
        hit = hit or self.users.get(canonical.lower())
        if hit is not None:
            return self._render(hit, arn, session, kind)
        account = _account(arn)
        if account in self.accounts:
            return KubernetesIdentity(canonical, (), self.accounts[account])
        return NotMapped(self._why_not(arn, kind), tuple(self.model.unknown_mappings))

    def _render(self, m: IdentityMapping, arn: str, session: str | None, kind: str) -> KubernetesIdentity | NotMapped:
        username, groups = _defaults(m, arn, kind, self.model.partition)
        rendered: list[str] = []
        unresolved: list[str] = []
        for text in (username, *groups):
            node = m.node_role or m.entry_type != "STANDARD" or "system:nodes" in m.groups
            if "{{EC2PrivateDNSName}}" in text and not node and not (session and _INSTANCE_ID.fullmatch(session)):
                return NotMapped(f"{_label(arn, kind)} maps to username {text!r} ({describe_mapping(m)}), which only "
                                 "EC2 instance sessions can render: authentication fails for anyone else")  # fmt: skip
            out = _template(text, _account(arn) or "", session)
            if "{{" in out:
                unresolved.append(out)
            rendered.append(out)
        policies: tuple[AccessPolicyAssociation, ...] = ()
        if m.mechanism == "access-entry" and m.entry_type == "STANDARD" and m.principal_arn is not None:
            policies = tuple(self.model.access_policies_by_principal.get(m.principal_arn, ()))
        return KubernetesIdentity(rendered[0], tuple(rendered[1:]), m, policies, tuple(unresolved))

    def _why_not(self, arn: str, kind: str) -> str:
        why = f"{_label(arn, kind)} is not mapped to any Kubernetes identity (authentication mode {self.mode}"
        canonical = canonical_arn(arn).lower()
        if kind == "role" and any(canonical_arn(k).lower() == canonical and k != canonical for k in self.roles):
            why += "; its aws-auth rolearn includes a path, which never matches an assumed-role identity"
        elif self.ignored and any(m.principal_arn == arn for m in self.ignored):
            ignored = "aws-auth is ignored in API mode" if self.mode == API else "access entries are ignored in CONFIG_MAP mode"
            why += f"; {ignored}"
        return why + ")"


def _kind(arn: str) -> str:
    parsed = parse_identity(arn)
    return "user" if parsed is not None and parsed.kind == "user" else "role"


def _account(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else None


def _label(arn: str, kind: str) -> str:
    parsed = parse_identity(arn)
    session = parse_session(arn)
    name = parsed.name if parsed else (session.role if session else arn)
    return f"role {name}" if kind == "role" else f"IAM user {name}"


def _defaults(m: IdentityMapping, arn: str, kind: str, partition: str) -> tuple[str, tuple[str, ...]]:
    if m.mechanism == "access-entry":
        node = _NODE_TYPES.get(m.entry_type)
        if node is not None:
            return node
        if m.username is not None:
            return m.username, m.groups
        parsed = parse_identity(arn)
        if kind == "role" and parsed is not None:
            return f"arn:{partition}:sts::{parsed.account}:assumed-role/{parsed.name}/{SESSION}", m.groups
        return arn, m.groups
    return m.username or "", m.groups


def _template(text: str, account: str, session: str | None) -> str:
    out = text.replace("{{AccountID}}", account)
    if session is not None:
        out = out.replace(SESSION, session.replace("@", "-")).replace("{{SessionNameRaw}}", session)
    return out
