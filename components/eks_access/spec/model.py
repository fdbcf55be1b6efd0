"""The validated, immutable description of who gets what access: frozen dataclasses.

The loaders in :mod:`eks_access.spec.load` build these; everything downstream (documents,
components, the stack program) trusts them and never re-validates.
"""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from eks_access.errors import SpecError
from eks_access.limits import IamQuotas
from eks_access.spec.versions import DEFAULT_CLUSTER_VERSION

AuthenticationMode = Literal["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"]
AUTHENTICATION_MODES: tuple[AuthenticationMode, ...] = ("API", "API_AND_CONFIG_MAP", "CONFIG_MAP")
Mapping_ = Literal["access-entry", "aws-auth"]
Identity = Literal["irsa", "pod-identity"]

#: The opt-in key that allows ``system:`` Kubernetes groups. Named so nobody sets it by accident.
SYSTEM_GROUPS_OPT_IN = "dangerouslyAllowSystemGroups"
#: The opt-in key that trusts every ServiceAccount of a namespace in an IRSA trust policy.
NAMESPACE_TRUST_OPT_IN = "trustEveryServiceAccountInNamespace"
#: The opt-in key for a private-only API endpoint: ``pulumi up`` must then run inside the VPC's reach.
PRIVATE_ENDPOINT_OPT_IN = "deployerReachesPrivateEndpoint"

EKS_ACCESS_POLICIES = (
    "AmazonEKSAdminPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSViewPolicy",
)
ACCESS_POLICY_ARN_PREFIX = "arn:aws:eks::aws:cluster-access-policy/"

RBAC_VERBS = (
    "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
    "impersonate", "bind", "escalate", "approve", "sign", "use", "*",
)


@dataclass(frozen=True)
class PolicyRule:
    """One RBAC rule, in the API's own field names so manifests are a direct dump."""

    verbs: tuple[str, ...]
    api_groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()
    non_resource_urls: tuple[str, ...] = ()

    def to_manifest(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.non_resource_urls:
            out["nonResourceURLs"] = list(self.non_resource_urls)
        else:
            out["apiGroups"] = list(self.api_groups)
            out["resources"] = list(self.resources)
            if self.resource_names:
                out["resourceNames"] = list(self.resource_names)
        out["verbs"] = list(self.verbs)
        return out


@dataclass(frozen=True)
class AccessPolicySpec:
    """An EKS access policy association; no namespaces means cluster scope."""

    policy: str
    namespaces: tuple[str, ...] = ()

    @property
    def policy_arn(self) -> str:
        return self.policy if self.policy.startswith("arn:") else ACCESS_POLICY_ARN_PREFIX + self.policy


@dataclass(frozen=True)
class TeamSpec:
    name: str
    role_name: str
    iam_group: str
    existing_iam_group: bool = False
    members: tuple[str, ...] = ()
    role_path: str = "/"
    username: str = ""
    kubernetes_groups: tuple[str, ...] = ()
    cluster_role_bindings: tuple[str, ...] = ()
    namespace_role_bindings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cluster_roles: Mapping[str, tuple[PolicyRule, ...]] = field(default_factory=dict)
    roles: Mapping[str, Mapping[str, tuple[PolicyRule, ...]]] = field(default_factory=dict)
    access_policies: tuple[AccessPolicySpec, ...] = ()
    create_namespaces: bool = False
    mapping: Mapping_ = "access-entry"
    session_name_must_match_user: bool = True
    require_mfa: bool = False
    trusted_principal_arns: tuple[str, ...] = ()
    max_session_duration: int = 3600
    allow_system_groups: bool = False
    list_roles: bool = False

    @property
    def rbac_namespaces(self) -> tuple[str, ...]:
        """Namespaces this team's RBAC touches, in first-seen order."""
        seen: dict[str, None] = {}
        for ns in self.namespace_role_bindings:
            seen[ns] = None
        for ns in self.roles:
            seen[ns] = None
        return tuple(seen)


@dataclass(frozen=True)
class UserMappingSpec:
    """A direct IAM user mapping: supported because the sources show it, discouraged by EKS-NO-IAM-USERS."""

    user_arn: str
    username: str
    kubernetes_groups: tuple[str, ...] = ()
    allow_system_groups: bool = False


@dataclass(frozen=True)
class WorkloadSpec:
    service_account: str
    namespace: str
    role_name: str
    identity: Identity = "irsa"
    managed_policy_arns: tuple[str, ...] = ()
    inline_policy: Mapping[str, Any] | None = None
    permissions_boundary: str | None = None
    trust_whole_namespace: bool = False
    create_service_account: bool = True
    automount_service_account_token: bool | None = None
    rules: tuple[PolicyRule, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.service_account}"

    @property
    def owner(self) -> str:
        """``namespace.name``: the ``eks-access/owner`` label and ``eks-access/service-account`` tag
        of what the workload creates ('.' cannot occur in a namespace, and '/' not in a label value)."""
        return f"{self.namespace}.{self.service_account}"

    @property
    def automount(self) -> bool:
        """Mount an API token only when the workload has RBAC rules, i.e. it calls the API."""
        if self.automount_service_account_token is not None:
            return self.automount_service_account_token
        return bool(self.rules)


@dataclass(frozen=True)
class NodeGroupSpec:
    instance_type: str = "t3.medium"
    desired_size: int = 2
    min_size: int = 1
    max_size: int = 3


@dataclass(frozen=True)
class ClusterSpec:
    name: str
    authentication_mode: AuthenticationMode = "API"
    version: str | None = None
    node_group: NodeGroupSpec = NodeGroupSpec()
    vpc_id: str | None = None  # None: the stack creates a VPC of its own
    subnet_ids: tuple[str, ...] = ()
    endpoint_public_access: bool = True
    public_access_cidrs: tuple[str, ...] = ()  # empty: EKS's default, 0.0.0.0/0
    deployer_reaches_private_endpoint: bool = False
    admins: tuple[str, ...] = ()  # IAM role ARNs given break-glass cluster-admin access entries
    #: Who runs ``pulumi up`` (``aws sts get-caller-identity``): EKS makes that principal the
    #: cluster creator with cluster-admin. Offline plans show it; None: a named placeholder.
    deployer_arn: str | None = None

    @property
    def default_mapping(self) -> Mapping_:
        return "aws-auth" if self.authentication_mode == "CONFIG_MAP" else "access-entry"

    @property
    def kubernetes_version(self) -> str:
        """The version the stack asks EKS for: ``version``, else the documented default
        (``spec.versions.DEFAULT_CLUSTER_VERSION``)."""
        return self.version or DEFAULT_CLUSTER_VERSION


@dataclass(frozen=True)
class StackSpec:
    account_id: str | None  # None: whatever account the credentials belong to
    region: str | None  # None: the region the AWS provider resolves (AWS_REGION, AWS_DEFAULT_REGION, ...)
    cluster: ClusterSpec
    teams: tuple[TeamSpec, ...] = ()
    users: tuple[UserMappingSpec, ...] = ()
    workloads: tuple[WorkloadSpec, ...] = ()
    guardrails: Mapping[str, Any] = field(default_factory=dict)
    #: IAM quotas in force (AWS defaults unless <project>:iamQuotas raises them).
    iam_quotas: IamQuotas = field(default_factory=IamQuotas)

    def team(self, name: str) -> TeamSpec:
        for team in self.teams:
            if team.name == name:
                return team
        known = ", ".join(t.name for t in self.teams) or "none"
        raise SpecError("--team", f"no team named {name!r} (teams: {known})")


