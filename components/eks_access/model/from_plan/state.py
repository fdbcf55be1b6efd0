"""What the plan reader accumulates while it walks the records, in plan order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eks_access.awsdata import managed_policy
from eks_access.model.access_model import Skipped
from eks_access.model.arns import identity_arn, normalize_path
from eks_access.model.eks import (
    AccessPolicyAssociation,
    Cluster,
    IdentityMapping,
    PodIdentityAssociation,
)
from eks_access.model.from_plan.fields import Fields
from eks_access.model.from_plan.records import PlanRecord
from eks_access.model.iam import (
    CustomerPolicy,
    IamGroup,
    IamUser,
    InlinePolicy,
    Membership,
    OidcIssuer,
    OwnerKind,
    PolicyContents,
)
from eks_access.model.k8s import Namespace, RbacBinding, RbacRole, ServiceAccount
from eks_access.model.origin import Origin, RecordRef
from eks_access.model.policy_json import DocumentError, parse_document
from eks_access.model.values import is_unknown


@dataclass
class PendingAttachment:
    owners: tuple[tuple[OwnerKind, str], ...]
    policy_arn: str
    origin: Origin


@dataclass
class PendingPrincipal:
    """A user or role whose permissions boundary is resolved once every policy is known."""

    kind: OwnerKind
    fields: dict[str, Any]
    boundary: str | None


@dataclass
class State:
    records: list[PlanRecord]
    account: str | None
    partition: str
    whole_plan: bool
    by_name: Mapping[str, list[PlanRecord]] = field(default_factory=dict)
    users: dict[str, IamUser] = field(default_factory=dict)
    groups: dict[str, IamGroup] = field(default_factory=dict)
    roles: list[PendingPrincipal] = field(default_factory=list)
    declared_users: list[PendingPrincipal] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    inline_policies: list[InlinePolicy] = field(default_factory=list)
    customer_policies: list[CustomerPolicy] = field(default_factory=list)
    attachments: list[PendingAttachment] = field(default_factory=list)
    oidc_issuers: list[OidcIssuer] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    mappings: list[IdentityMapping] = field(default_factory=list)
    access_policies: list[AccessPolicyAssociation] = field(default_factory=list)
    pod_identities: list[PodIdentityAssociation] = field(default_factory=list)
    rbac_roles: list[RbacRole] = field(default_factory=list)
    rbac_bindings: list[RbacBinding] = field(default_factory=list)
    service_accounts: list[ServiceAccount] = field(default_factory=list)
    namespaces: list[Namespace] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    # ------------------------------------------------------------------ helpers
    def skip(self, record: RecordRef, path: str, reason: str) -> None:
        self.skipped.append(Skipped(record, path, reason))

    def role_arn(self, name: str, path: str) -> str | None:
        if self.account is None:
            return None
        return identity_arn(self.partition, self.account, "role", name, path)

    def user_arn(self, name: str, path: str = "/") -> str | None:
        if self.account is None:
            return None
        return identity_arn(self.partition, self.account, "user", name, path)

    def reference_user(self, name: str, arn: str | None = None) -> None:
        """A user named by a membership or mapping: known by name, declared or not."""
        if name not in self.users:
            self.users[name] = IamUser(name=name, arn=arn or self.user_arn(name), path="/")

    def reference_group(self, name: str) -> None:
        if name not in self.groups:
            self.groups[name] = IamGroup(name=name)

    def parent_component(self, record: PlanRecord) -> PlanRecord | None:
        """The component record that is this record's parent (plans name parents by logical name)."""
        if not self.whole_plan or not record.ref.parent:
            return None
        for candidate in self.by_name.get(record.ref.parent, ()):
            if candidate.custom is not True:
                return candidate
        return None

    def resolve_arn(self, fields: Fields, value: Any, key: str) -> str | None:
        """An ARN written as a string, or a ``{"$ref": "<type>::<name>"}`` to a plan record
        (the offline engine writes the type's last segment, ``Role::<name>``)."""
        if isinstance(value, Mapping) and isinstance(value.get("$ref"), str):
            rtype, _, name = str(value["$ref"]).rpartition("::")
            for target in self.by_name.get(name, ()):
                if rtype in (target.ref.type, target.ref.type.rsplit(":", 1)[-1]):
                    arn = self.record_arn(target)
                    if arn is None:
                        fields.unknowns.append(fields.path(key))
                    return arn
            raise fields.error(key, f"refers to {value['$ref']!r}, which is not a record of the plan")
        return fields.text(value, key)

    def record_arn(self, record: PlanRecord) -> str | None:
        arn = record.outputs.get("arn")
        if isinstance(arn, str) and arn and not is_unknown(arn):
            return arn
        if record.ref.type == "aws:iam/role:Role":
            name = record.inputs.get("name")
            path = record.inputs.get("path")
            if isinstance(name, str) and not is_unknown(name):
                return self.role_arn(name, normalize_path(path if isinstance(path, str) else "/"))
        return None

    def contents(self, arn: str, customer: Mapping[str, CustomerPolicy]) -> PolicyContents:
        """What an attached policy contains: a policy of the plan, shipped AWS data, or unknown."""
        own = customer.get(arn)
        if own is not None:
            if own.document is None:
                return PolicyContents(arn, "unknown", None, f"policy {own.origin.name} (document unknown)")
            return PolicyContents(arn, "customer", own.document, f"policy {own.origin.name}")
        managed = managed_policy(arn)
        if managed is not None:
            try:
                document = parse_document(managed.document)
            except DocumentError:  # pragma: no cover - shipped data is validated by its own tests
                return PolicyContents(arn, "unknown", None, f"AWS-managed policy {arn}")
            return PolicyContents(arn, "aws-managed", document, f"AWS-managed policy {arn} ({managed.version_id})")
        if ":iam::aws:policy/" in arn:
            return PolicyContents(arn, "unknown", None, f"AWS-managed policy {arn} (contents unknown: not in the shipped data)")
        return PolicyContents(arn, "unknown", None, f"policy {arn} (contents unknown: not in the plan)")
