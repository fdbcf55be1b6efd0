"""``TeamAccessArgs``: the documented, checked arguments of :class:`~eks_access.TeamAccess`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from eks_access.components.args import (
    check_cluster_pair,
    check_plain,
    checked_cluster_pair,
    config_of,
    eks_cluster_name,
    parse_cluster_arn,
    refuse_none,
    resource_or_none,
    tag_map,
    validate,
)
from eks_access.errors import SpecError
from eks_access.spec import (
    AUTHENTICATION_MODES,
    AuthenticationMode,
    ClusterSpec,
    TeamSpec,
    load_team,
)
from eks_access.spec.fields import dns_label

OWNER = "TeamAccessArgs"
#: Stands in for the component name while the arguments are checked; any valid team name gives
#: the same verdict, because no rule depends on the name other than its own DNS-label rule.
_PLACEHOLDER = "team"


class TeamAccessArgs:
    """Arguments of :class:`~eks_access.TeamAccess`: the keys of a ``teams[]`` entry of stack config,
    in snake_case. Every argument is checked when this object is built; a bad one raises
    :class:`~eks_access.SpecError` naming ``TeamAccessArgs.<argument>`` before anything is registered.
    """

    cluster_name: pulumi.Input[str]
    """Name of the EKS cluster the team gets into. Required."""
    cluster_arn: pulumi.Input[str]
    """ARN of that cluster (``arn:aws:eks:<region>:<account>:cluster/<name>``). Required. The team's IAM
    objects are created in its account, and the role may describe only this cluster."""
    role_name: str
    """Name of the IAM role team members assume. Required."""
    iam_group: str | None
    """IAM group whose members may assume the role. Default: the team (component) name."""
    existing_iam_group: bool
    """Reuse ``iam_group`` instead of creating it. Default: ``False``."""
    members: Sequence[str]
    """Existing IAM user names added to the group. Default: none."""
    role_path: str
    """IAM path of the role. Default: ``"/"`` (aws-auth never matches a role ARN with a path)."""
    username: str | None
    """Kubernetes username of the role's sessions. Default: ``"<team>:{{SessionName}}"``."""
    kubernetes_groups: Sequence[str] | None
    """Kubernetes groups of the role's sessions. Default: ``[<team>]``."""
    cluster_role_bindings: Sequence[str]
    """ClusterRoles bound to the groups cluster-wide. Default: none."""
    namespace_role_bindings: Mapping[str, Sequence[str]] | None
    """ClusterRoles bound in one namespace each (``{namespace: [ClusterRole, ...]}``). Default: none."""
    cluster_roles: Mapping[str, Sequence[Mapping[str, Any]]] | None
    """Custom ClusterRoles, created and bound (``{name: [RBAC rule dict, ...]}``, rules in the Kubernetes
    API's spelling: ``apiGroups``, ``resources``, ``verbs``). Default: none."""
    roles: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]] | None
    """Namespaced Roles, created and bound (``{namespace: {name: [rule, ...]}}``). Default: none."""
    access_policies: Sequence[Mapping[str, Any]]
    """EKS access policies (``{"policy": "AmazonEKSViewPolicy", "namespaces": [...]}``; no namespaces
    means cluster scope). API modes only. Default: none."""
    create_namespaces: bool
    """Create the namespaces named in ``namespace_role_bindings`` and ``roles``. Default: ``False``."""
    authentication_mode: AuthenticationMode
    """The cluster's authentication mode: ``API``, ``API_AND_CONFIG_MAP`` or ``CONFIG_MAP``. Default: ``API``."""
    mapping: str | None
    """``access-entry`` or ``aws-auth``. Default: ``aws-auth`` in CONFIG_MAP mode, else ``access-entry``."""
    session_name_must_match_user: bool
    """Trust condition: the session name must equal the caller's IAM user name. Default: ``True``."""
    require_mfa: bool
    """Trust condition ``aws:MultiFactorAuthPresent``. Default: ``False``."""
    trusted_principal_arns: Sequence[str]
    """Trust these IAM users/roles instead of the account root. Default: none (the account root)."""
    max_session_duration: int
    """Maximum session length in seconds, 3600..43200. Default: ``3600``."""
    dangerously_allow_system_groups: bool
    """Allow ``system:`` Kubernetes groups in an aws-auth mapping. Default: ``False``."""
    list_roles: bool
    """Also grant ``iam:ListRoles`` (for the console's role switcher). Default: ``False``."""
    tags: Mapping[str, str]
    """Extra tags on the role and the access entry. Default: none."""
    cluster_resource: pulumi.Resource | None
    """The resource that creates the cluster when it is made in the same program (e.g. a pulumi-eks
    ``Cluster``): the access entry and its policy associations wait for it, the IAM objects do not.
    Default: ``None`` (an existing cluster, or ``cluster_name`` is an Output that carries the dependency)."""

    def __init__(
        self,
        *,
        cluster_name: pulumi.Input[str],
        cluster_arn: pulumi.Input[str],
        role_name: str,
        iam_group: str | None = None,
        existing_iam_group: bool = False,
        members: Sequence[str] = (),
        role_path: str = "/",
        username: str | None = None,
        kubernetes_groups: Sequence[str] | None = None,
        cluster_role_bindings: Sequence[str] = (),
        namespace_role_bindings: Mapping[str, Sequence[str]] | None = None,
        cluster_roles: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        roles: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]] | None = None,
        access_policies: Sequence[Mapping[str, Any]] = (),
        create_namespaces: bool = False,
        authentication_mode: AuthenticationMode = "API",
        mapping: str | None = None,
        session_name_must_match_user: bool = True,
        require_mfa: bool = False,
        trusted_principal_arns: Sequence[str] = (),
        max_session_duration: int = 3600,
        dangerously_allow_system_groups: bool = False,
        list_roles: bool = False,
        tags: Mapping[str, str] | None = None,
        cluster_resource: pulumi.Resource | None = None,
    ) -> None:
        self.cluster_name = cluster_name
        self.cluster_arn = cluster_arn
        self.role_name = role_name
        self.iam_group = iam_group
        self.existing_iam_group = existing_iam_group
        self.members = members
        self.role_path = role_path
        self.username = username
        self.kubernetes_groups = kubernetes_groups
        self.cluster_role_bindings = cluster_role_bindings
        self.namespace_role_bindings = namespace_role_bindings
        self.cluster_roles = cluster_roles
        self.roles = roles
        self.access_policies = access_policies
        self.create_namespaces = create_namespaces
        self.authentication_mode = authentication_mode
        self.mapping = mapping
        self.session_name_must_match_user = session_name_must_match_user
        self.require_mfa = require_mfa
        self.trusted_principal_arns = trusted_principal_arns
        self.max_session_duration = max_session_duration
        self.dangerously_allow_system_groups = dangerously_allow_system_groups
        self.list_roles = list_roles
        refuse_none(OWNER, {
            "members": (members, "a list"),
            "cluster_role_bindings": (cluster_role_bindings, "a list"),
            "access_policies": (access_policies, "a list"),
            "trusted_principal_arns": (trusted_principal_arns, "a list"),
            "existing_iam_group": (existing_iam_group, "true or false"),
            "create_namespaces": (create_namespaces, "true or false"),
            "session_name_must_match_user": (session_name_must_match_user, "true or false"),
            "require_mfa": (require_mfa, "true or false"),
            "dangerously_allow_system_groups": (dangerously_allow_system_groups, "true or false"),
            "list_roles": (list_roles, "true or false"),
            "role_path": (role_path, "a string"),
            "max_session_duration": (max_session_duration, "an integer"),
        })  # fmt: skip
        self.tags = tag_map(tags, f"{OWNER}.tags")
        self.cluster_resource = resource_or_none(cluster_resource, f"{OWNER}.cluster_resource")
        self._spec: TeamSpec | None = None
        self._check_cluster()
        self.spec_for(_PLACEHOLDER)

    @classmethod
    def from_spec(
        cls,
        spec: TeamSpec,
        *,
        cluster_name: pulumi.Input[str],
        cluster_arn: pulumi.Input[str],
        authentication_mode: AuthenticationMode = "API",
        tags: Mapping[str, str] | None = None,
        cluster_resource: pulumi.Resource | None = None,
    ) -> TeamAccessArgs:
        """Arguments for a team the stack program validated already: the spec is used as is."""
        args = cls.__new__(cls)
        args._mirror(spec)
        args.cluster_name, args.cluster_arn, args.authentication_mode = cluster_name, cluster_arn, authentication_mode
        args.tags = tag_map(tags, f"{OWNER}.tags")
        args.cluster_resource = resource_or_none(cluster_resource, f"{OWNER}.cluster_resource")
        args._spec = spec
        args._check_cluster()
        return args

    def _mirror(self, spec: TeamSpec) -> None:
        """The attributes of a validated spec, in the shape the arguments take them."""
        self.role_name, self.iam_group, self.existing_iam_group = spec.role_name, spec.iam_group, spec.existing_iam_group
        self.members, self.role_path, self.username = spec.members, spec.role_path, spec.username
        self.kubernetes_groups, self.cluster_role_bindings = spec.kubernetes_groups, spec.cluster_role_bindings
        self.namespace_role_bindings = dict(spec.namespace_role_bindings)
        self.cluster_roles = {name: [r.to_manifest() for r in rules] for name, rules in spec.cluster_roles.items()}
        self.roles = {ns: {name: [r.to_manifest() for r in rules] for name, rules in by_name.items()} for ns, by_name in spec.roles.items()}
        self.access_policies = [{"policy": p.policy, "namespaces": list(p.namespaces)} for p in spec.access_policies]
        self.create_namespaces, self.mapping = spec.create_namespaces, spec.mapping
        self.session_name_must_match_user, self.require_mfa = spec.session_name_must_match_user, spec.require_mfa
        self.trusted_principal_arns, self.max_session_duration = spec.trusted_principal_arns, spec.max_session_duration
        self.dangerously_allow_system_groups, self.list_roles = spec.allow_system_groups, spec.list_roles

    def spec_for(self, team: str) -> TeamSpec:
        """The validated team, named ``team`` (the component name)."""
        if self._spec is not None:
            if self._spec.name != team:
                raise SpecError("TeamAccess.name", f"{team!r} differs from the team the arguments were made for ({self._spec.name!r})")
            return self._spec
        dns_label(team, "TeamAccess.name", "team name")
        cluster = ClusterSpec(name="cluster", authentication_mode=self.authentication_mode)
        return validate(OWNER, lambda: load_team({"name": team, **self._config()}, "", cluster))

    @property
    def checked_cluster_name(self) -> pulumi.Output[str]:
        return self._checked_cluster()[0]

    @property
    def checked_cluster_arn(self) -> pulumi.Output[str]:
        return self._checked_cluster()[1]

    def _checked_cluster(self) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """Name and ARN checked when they resolve; their cross-check rides on the name when the access
        entry (which takes the name and the role ARN made from the cluster ARN) is made."""
        mapping = (self._spec or self.spec_for(_PLACEHOLDER)).mapping
        return checked_cluster_pair(self.cluster_name, self.cluster_arn, OWNER, on_name=mapping == "access-entry")

    def _check_cluster(self) -> None:
        if self.authentication_mode not in AUTHENTICATION_MODES:
            raise SpecError(f"{OWNER}.authentication_mode", f"must be one of {', '.join(AUTHENTICATION_MODES)}, got {self.authentication_mode!r}")
        check_plain(self.cluster_name, f"{OWNER}.cluster_name", eks_cluster_name)
        check_plain(self.cluster_arn, f"{OWNER}.cluster_arn", parse_cluster_arn)
        check_cluster_pair(self.cluster_name, self.cluster_arn, OWNER)

    def _config(self) -> dict[str, Any]:
        """The arguments in the shape of a ``teams[]`` entry, exactly as given (the loader checks types)."""
        config = config_of({
            "role_name": self.role_name,
            "iam_group": self.iam_group,
            "existing_iam_group": self.existing_iam_group,
            "members": self.members,
            "role_path": self.role_path,
            "username": self.username,
            "kubernetes_groups": self.kubernetes_groups,
            "cluster_role_bindings": self.cluster_role_bindings,
            "namespace_role_bindings": self.namespace_role_bindings,
            "cluster_roles": self.cluster_roles,
            "roles": self.roles,
            "access_policies": self.access_policies,
            "create_namespaces": self.create_namespaces,
            "mapping": self.mapping,
            "session_name_must_match_user": self.session_name_must_match_user,
            "require_mfa": self.require_mfa,
            "trusted_principal_arns": self.trusted_principal_arns,
            "max_session_duration": self.max_session_duration,
            "list_roles": self.list_roles,
        })
        config["dangerouslyAllowSystemGroups"] = self.dangerously_allow_system_groups
        return config

