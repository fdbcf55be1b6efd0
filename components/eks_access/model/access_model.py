"""The access model: every fact the analyzer and the guardrails reason about, and its indexes.

Built by one reader per source (``eks_access.model.from_plan`` for plan records,
``eks_access.model.from_snapshot`` for a live account and cluster). Consumers read only this
object, never the records. Indexes are built on first use, so a model used for one question stays cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from eks_access.kubedata.resources import Discovery
from eks_access.model.denied import DeniedCall
from eks_access.model.eks import (
    API,
    API_AND_CONFIG_MAP,
    AUTHENTICATION_MODES,
    CONFIG_MAP,
    AccessPolicyAssociation,
    Cluster,
    EksFacts,
    IdentityMapping,
)
from eks_access.model.iam import (
    Attachment,
    IamFacts,
    IamGroup,
    IamRole,
    IamUser,
    InlinePolicy,
    Membership,
    OwnerKind,
)
from eks_access.model.k8s import KubernetesFacts, RbacBinding, RbacRole, ServiceAccount
from eks_access.model.origin import Origin, RecordRef


@dataclass(frozen=True)
class Skipped:
    """A record, or part of one, the reader read but could not turn into a fact, and why."""

    record: RecordRef
    path: str
    reason: str


@dataclass(frozen=True)
class WorkloadRole:
    """An IAM role a ServiceAccount's pods get: by IRSA annotation or EKS Pod Identity."""

    namespace: str
    service_account: str
    role_arn: str
    mechanism: str  # "IRSA annotation" | "EKS Pod Identity"
    origin: Origin


@dataclass(frozen=True)
class AccessModel:
    records: tuple[RecordRef, ...]
    iam: IamFacts = field(default_factory=IamFacts)
    eks: EksFacts = field(default_factory=EksFacts)
    k8s: KubernetesFacts = field(default_factory=KubernetesFacts)
    account: str | None = None
    partition: str = "aws"
    whole_plan: bool = True
    skipped: tuple[Skipped, ...] = ()
    denied: tuple[DeniedCall, ...] = ()  # a snapshot's refused calls: facts the model may lack
    discovery: Discovery | None = None  # a snapshot's: what that cluster serves (else the release's list)

    # ------------------------------------------------------------------ clusters and mode
    @property
    def cluster(self) -> Cluster | None:
        """The cluster access questions are about: the first one the plan declares."""
        for c in self.eks.clusters:
            if not c.shadowed:
                return c
        return self.eks.clusters[0] if self.eks.clusters else None

    @cached_property
    def authentication_mode(self) -> str:
        """The cluster's mode; without a declared cluster, what the plan's mappings imply."""
        cluster = self.cluster
        if cluster is not None:
            mode = cluster.effective_mode
            if mode in AUTHENTICATION_MODES:
                return str(mode)
        entries = any(m.mechanism == "access-entry" for m in self.eks.mappings)
        aws_auth = any(m.mechanism == "aws-auth" for m in self.eks.mappings)
        if entries and aws_auth:
            return API_AND_CONFIG_MAP
        return API if entries else CONFIG_MAP

    @property
    def mode_inferred(self) -> bool:
        cluster = self.cluster
        return cluster is None or cluster.effective_mode not in AUTHENTICATION_MODES

    @property
    def kubernetes_version(self) -> str | None:
        cluster = self.cluster
        return cluster.version if cluster is not None else None

    # ------------------------------------------------------------------ IAM indexes
    @cached_property
    def users_by_name(self) -> Mapping[str, IamUser]:
        return {u.name: u for u in self.iam.users}

    @cached_property
    def groups_by_name(self) -> Mapping[str, IamGroup]:
        return {g.name: g for g in self.iam.groups}

    @cached_property
    def roles_by_name(self) -> Mapping[str, IamRole]:
        return {r.name: r for r in self.iam.roles}

    @cached_property
    def roles_by_arn(self) -> Mapping[str, IamRole]:
        return {r.arn: r for r in self.iam.roles if r.arn}

    @cached_property
    def memberships_by_user(self) -> Mapping[str, tuple[Membership, ...]]:
        out: dict[str, list[Membership]] = defaultdict(list)
        for m in self.iam.memberships:
            out[m.user].append(m)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def _inline_by_owner(self) -> Mapping[tuple[OwnerKind, str], tuple[InlinePolicy, ...]]:
        out: dict[tuple[OwnerKind, str], list[InlinePolicy]] = defaultdict(list)
        for p in self.iam.inline_policies:
            out[(p.owner_kind, p.owner)].append(p)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def _attachments_by_owner(self) -> Mapping[tuple[OwnerKind, str], tuple[Attachment, ...]]:
        out: dict[tuple[OwnerKind, str], list[Attachment]] = defaultdict(list)
        for a in self.iam.attachments:
            for owner in dict.fromkeys(a.owners):
                out[owner].append(a)
        return {k: tuple(v) for k, v in out.items()}

    def inline_policies_of(self, kind: OwnerKind, name: str) -> tuple[InlinePolicy, ...]:
        return self._inline_by_owner.get((kind, name), ())

    def attachments_of(self, kind: OwnerKind, name: str) -> tuple[Attachment, ...]:
        return self._attachments_by_owner.get((kind, name), ())

    # ------------------------------------------------------------------ EKS indexes
    @cached_property
    def access_policies_by_principal(self) -> Mapping[str, tuple[AccessPolicyAssociation, ...]]:
        out: dict[str, list[AccessPolicyAssociation]] = defaultdict(list)
        for a in self.eks.access_policies:
            if a.principal_arn:
                out[a.principal_arn].append(a)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def unknown_mappings(self) -> tuple[IdentityMapping, ...]:
        """Mappings whose principal a first preview does not know yet."""
        return tuple(m for m in self.eks.mappings if m.principal_arn is None and m.unknowns)

    # ------------------------------------------------------------------ Kubernetes indexes
    @cached_property
    def cluster_roles_by_name(self) -> Mapping[str, RbacRole]:
        return {r.name: r for r in self.k8s.roles if r.kind == "ClusterRole" and r.name is not None}

    @cached_property
    def roles_by_namespace_name(self) -> Mapping[tuple[str, str], RbacRole]:
        return {
            (r.namespace or "", r.name): r for r in self.k8s.roles if r.kind == "Role" and r.name is not None
        }

    def role_of(self, binding: RbacBinding) -> RbacRole | None:
        """The plan's Role/ClusterRole a binding refers to, resolved as the API server does."""
        key = binding.role_key()
        if key is None:
            return None
        return self.cluster_roles_by_name.get(key[1]) if not key[0] else self.roles_by_namespace_name.get(key)

    @cached_property
    def service_accounts_by_key(self) -> Mapping[tuple[str, str], ServiceAccount]:
        return {(sa.namespace, sa.name): sa for sa in self.k8s.service_accounts}

    @cached_property
    def workload_roles(self) -> tuple[WorkloadRole, ...]:
        """Every ServiceAccount -> IAM role link of the plan, in plan order."""
        links = [WorkloadRole(sa.namespace, sa.name, sa.role_arn, "IRSA annotation", sa.origin)
                 for sa in self.k8s.service_accounts if sa.role_arn]  # fmt: skip
        links += [WorkloadRole(a.namespace, a.service_account, a.role_arn, "EKS Pod Identity", a.origin)
                  for a in self.eks.pod_identities if a.role_arn]  # fmt: skip
        return tuple(sorted(links, key=lambda w: w.origin.record.index))
