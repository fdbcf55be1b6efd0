"""Loaders: raw stack config -> the frozen dataclasses of :mod:`eks_access.spec.model`.

Raw stack config (plain dicts, the shape of ``Pulumi.<stack>.yaml``) goes in; frozen dataclasses
come out, or a :class:`~eks_access.errors.SpecError` naming the key path. Everything downstream
(documents, components, the stack program) trusts these objects and never re-validates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eks_access.errors import SpecError
from eks_access.limits import ADJUSTABLE_IAM_QUOTAS, IamQuotas, quota_problem
from eks_access.spec.checks import check_stack
from eks_access.spec.fields import (
    ACCOUNT_ID,
    ASSUMED_ROLE_ARN,
    EKS_CLUSTER_NAME,
    IAM_GROUP_NAME,
    IAM_PATH,
    IAM_POLICY_ARN,
    IAM_PRINCIPAL_ARN,
    IAM_ROLE_NAME,
    IAM_USER_NAME,
    REGION,
    RESERVED_USERNAME_PREFIXES,
    SESSION_NAME,
    check_keys,
    dns_label,
    dns_subdomain,
    expect_bool,
    expect_int,
    expect_list,
    expect_mapping,
    expect_str,
    index,
    join,
    kubernetes_group,
    optional,
    rbac_role_ref,
    str_list,
)
from eks_access.spec.model import (
    ACCESS_POLICY_ARN_PREFIX,
    AUTHENTICATION_MODES,
    EKS_ACCESS_POLICIES,
    NAMESPACE_TRUST_OPT_IN,
    PRIVATE_ENDPOINT_OPT_IN,
    RBAC_VERBS,
    SYSTEM_GROUPS_OPT_IN,
    AccessPolicySpec,
    ClusterSpec,
    Mapping_,
    NodeGroupSpec,
    PolicyRule,
    StackSpec,
    TeamSpec,
    UserMappingSpec,
    WorkloadSpec,
)
from eks_access.spec.policy import load_policy_document
from eks_access.spec.versions import DEFAULT_CLUSTER_VERSION, cluster_version_problem

STACK_KEYS = ("accountId", "region", "cluster", "teams", "users", "workloads", "guardrails", "iamQuotas")


def load_stack(raw: Mapping[str, Any]) -> StackSpec:
    """Validate the un-namespaced stack config (``accountId``, ``cluster``, ``teams``, ...)."""
    raw = expect_mapping(raw, "")
    check_keys(raw, "", STACK_KEYS, required=("cluster",))
    account_raw = raw.get("accountId")
    account_id = None if account_raw is None else expect_str(account_raw, "accountId", ACCOUNT_ID, "12-digit AWS account id (quote it in YAML)")
    region_raw = raw.get("region")
    # No silent default: the AWS provider falls back to AWS_REGION / AWS_DEFAULT_REGION, which only
    # the program (deploy time) and the offline runner (plan time) can see.
    region = None if region_raw is None else expect_str(region_raw, "aws:region", REGION, "AWS region")
    cluster = load_cluster(raw["cluster"], "cluster")
    deployer_account = (cluster.deployer_arn or "").split(":")[4:5]
    if account_id is not None and deployer_account and deployer_account[0] != account_id:
        raise SpecError("cluster.deployerArn", f"is in account {deployer_account[0]}, but accountId is {account_id}")
    teams = tuple(
        load_team(item, index("teams", i), cluster)
        for i, item in enumerate(expect_list(optional(raw, "teams", []), "teams"))
    )
    users = tuple(
        load_user_mapping(item, index("users", i), cluster)
        for i, item in enumerate(expect_list(optional(raw, "users", []), "users"))
    )
    workloads = tuple(
        load_workload(item, index("workloads", i), cluster.name)
        for i, item in enumerate(expect_list(optional(raw, "workloads", []), "workloads"))
    )
    guardrails = expect_mapping(optional(raw, "guardrails", {}), "guardrails")
    quotas = load_iam_quotas(optional(raw, "iamQuotas", {}), "iamQuotas")
    spec = StackSpec(account_id, region, cluster, teams, users, workloads, dict(guardrails), quotas)
    check_stack(spec)
    return spec


def load_iam_quotas(raw: object, path: str) -> IamQuotas:
    """Quotas the account raised through Service Quotas; each between AWS's default and maximum."""
    data = expect_mapping(raw, path)
    check_keys(data, path, [q.key for q in ADJUSTABLE_IAM_QUOTAS])
    for quota in ADJUSTABLE_IAM_QUOTAS:
        if quota.key in data:
            problem = quota_problem(quota, data[quota.key])
            if problem is not None:
                raise SpecError(join(path, quota.key), problem)
    return IamQuotas.from_values(data)


CLUSTER_KEYS = (
    "name", "authenticationMode", "version", "nodeGroup", "vpcId", "subnetIds", "endpointPublicAccess",
    "publicAccessCidrs", PRIVATE_ENDPOINT_OPT_IN, "admins", "deployerArn",
)


def load_cluster(raw: object, path: str) -> ClusterSpec:
    data = expect_mapping(raw, path)
    check_keys(data, path, CLUSTER_KEYS, required=("name",))
    name = expect_str(data["name"], join(path, "name"), EKS_CLUSTER_NAME, "EKS cluster name")
    mode = data.get("authenticationMode", "API")
    if mode not in AUTHENTICATION_MODES:
        raise SpecError(join(path, "authenticationMode"), f"must be one of {', '.join(AUTHENTICATION_MODES)}, got {mode!r}")
    version = data.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        raise SpecError(join(path, "version"), f"must be a quoted string such as \"1.31\"; YAML read {version!r} as a number")
    if version is not None:
        version = expect_str(version, join(path, "version"))
        problem = cluster_version_problem(version)
        if problem is not None:
            raise SpecError(join(path, "version"), problem)
    elif (problem := cluster_version_problem(DEFAULT_CLUSTER_VERSION)) is not None:
        raise SpecError(join(path, "version"), f"unset, so the stack asks for eks-access's default "
                        f"{DEFAULT_CLUSTER_VERSION}: {problem}; set cluster.version")  # fmt: skip
    node_group = load_node_group(optional(data, "nodeGroup", {}), join(path, "nodeGroup"))
    vpc_id, subnet_ids = _load_network(data, path)
    public, cidrs, private_ok = _load_endpoint(data, path)
    return ClusterSpec(
        name, mode, version, node_group, vpc_id, subnet_ids, public, cidrs, private_ok,
        _load_admins(data, path, mode), _load_deployer(data, path),
    )


def _load_network(data: Mapping[str, Any], path: str) -> tuple[str | None, tuple[str, ...]]:
    """An existing VPC needs its subnets and subnets need their VPC; neither means a VPC of our own."""
    vpc_id = data.get("vpcId")
    if vpc_id is not None:
        vpc_id = expect_str(vpc_id, join(path, "vpcId"))
    subnet_ids = str_list(optional(data, "subnetIds", []), join(path, "subnetIds"))
    if vpc_id is not None and not subnet_ids:
        raise SpecError(join(path, "subnetIds"), "is required with vpcId: EKS places the cluster in the subnets you name (at least two availability zones)")
    if subnet_ids and vpc_id is None:
        raise SpecError(join(path, "vpcId"), "is required with subnetIds: name the VPC the subnets belong to, or drop both to let the stack create a VPC")
    return vpc_id, subnet_ids


def _load_endpoint(data: Mapping[str, Any], path: str) -> tuple[bool, tuple[str, ...], bool]:
    """Who reaches the API server: ``endpointPublicAccess``, ``publicAccessCidrs`` and the private-only opt-in.

    pulumi-eks applies RBAC objects and the aws-auth ConfigMap through the API server during
    ``pulumi up`` (pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts builds its Kubernetes provider
    from the cluster endpoint), so an endpoint the deployer cannot reach fails the deployment
    halfway. AWS: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
    """
    public = expect_bool(data.get("endpointPublicAccess", True), join(path, "endpointPublicAccess"))
    opt_in_path = join(path, PRIVATE_ENDPOINT_OPT_IN)
    private_ok = expect_bool(data.get(PRIVATE_ENDPOINT_OPT_IN, False), opt_in_path)
    if not public and not private_ok:
        raise SpecError(
            join(path, "endpointPublicAccess"),
            "false leaves only the private endpoint, reachable from inside the VPC; pulumi up applies RBAC "
            "through it, so it must run where it reaches the VPC (VPN, peering, a runner in the VPC): "
            f"set {PRIVATE_ENDPOINT_OPT_IN}: true to confirm",
        )
    if public and private_ok:
        raise SpecError(opt_in_path, "only applies with endpointPublicAccess: false")
    cidr_path = join(path, "publicAccessCidrs")
    cidrs = str_list(optional(data, "publicAccessCidrs", []), cidr_path)
    if cidrs and not public:
        # pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts: publicAccessCidrs only with endpointPublicAccess.
        raise SpecError(cidr_path, "can only be set when endpointPublicAccess is true")
    for i, cidr in enumerate(cidrs):
        ipv4_cidr(cidr, index(cidr_path, i))
    return public, tuple(sorted(cidrs)), private_ok


def ipv4_cidr(text: str, path: str) -> str:
    """An IPv4 CIDR block as EKS takes it for ``publicAccessCidrs`` of an IPv4 cluster.

    EKS VpcConfigRequest.publicAccessCidrs: CIDR blocks; IPv6 blocks cannot be added to IPv4
    clusters (https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html).
    """
    import ipaddress

    if "/" not in text:
        raise SpecError(path, f"{text!r} is not a CIDR block; write it with a prefix length, e.g. '{text}/32'")
    try:
        network = ipaddress.IPv4Network(text, strict=False)
    except ValueError:
        hint = " (IPv4 clusters take IPv4 blocks only)" if ":" in text else ""
        raise SpecError(path, f"{text!r} is not an IPv4 CIDR block{hint}") from None
    if str(network) != text:
        raise SpecError(path, f"{text!r} has host bits set; did you mean {str(network)!r}?")
    return text


def _load_admins(data: Mapping[str, Any], path: str, mode: str) -> tuple[str, ...]:
    """Break-glass cluster admins: IAM role ARNs, each an access entry with AmazonEKSClusterAdminPolicy."""
    admins_path = join(path, "admins")
    admins = str_list(optional(data, "admins", []), admins_path, IAM_PRINCIPAL_ARN, "IAM role ARN")
    for i, arn in enumerate(admins):
        match = IAM_PRINCIPAL_ARN.fullmatch(arn)
        if match is None or match.group("kind") != "role":
            raise SpecError(index(admins_path, i), f"{arn!r} is not an IAM role ARN; break-glass admins are roles people assume")
    if admins and mode == "CONFIG_MAP":
        raise SpecError(admins_path, "are access entries, which need authenticationMode API or API_AND_CONFIG_MAP")
    return tuple(sorted(admins))


def _load_deployer(data: Mapping[str, Any], path: str) -> str | None:
    """The identity that runs ``pulumi up``, as ``aws sts get-caller-identity`` prints it (offline plans only)."""
    if data.get("deployerArn") is None:
        return None
    arn = expect_str(data["deployerArn"], join(path, "deployerArn"))
    if IAM_PRINCIPAL_ARN.fullmatch(arn) is None and ASSUMED_ROLE_ARN.fullmatch(arn) is None:
        raise SpecError(
            join(path, "deployerArn"),
            f"{arn!r} is not an IAM user or role ARN or an STS assumed-role ARN (what `aws sts get-caller-identity` prints)",
        )
    return arn


def load_node_group(raw: object, path: str) -> NodeGroupSpec:
    data = expect_mapping(raw, path)
    check_keys(data, path, ("instanceType", "desiredSize", "minSize", "maxSize"))
    default = NodeGroupSpec()
    spec = NodeGroupSpec(
        instance_type=expect_str(data.get("instanceType", default.instance_type), join(path, "instanceType")),
        desired_size=expect_int(data.get("desiredSize", default.desired_size), join(path, "desiredSize"), 0, 1000),
        min_size=expect_int(data.get("minSize", default.min_size), join(path, "minSize"), 0, 1000),
        max_size=expect_int(data.get("maxSize", default.max_size), join(path, "maxSize"), 1, 1000),
    )
    if not spec.min_size <= spec.desired_size <= spec.max_size:
        raise SpecError(path, f"needs minSize <= desiredSize <= maxSize, got {spec.min_size} / {spec.desired_size} / {spec.max_size}")
    return spec


TEAM_KEYS = (
    "name", "iamGroup", "existingIamGroup", "members", "roleName", "rolePath", "username",
    "kubernetesGroups", "clusterRoleBindings", "namespaceRoleBindings", "clusterRoles", "roles",
    "accessPolicies", "createNamespaces", "mapping", "sessionNameMustMatchUser", "requireMfa",
    "trustedPrincipalArns", "maxSessionDuration", SYSTEM_GROUPS_OPT_IN, "listRoles",
)


def load_team(raw: object, path: str, cluster: ClusterSpec) -> TeamSpec:
    data = expect_mapping(raw, path)
    check_keys(data, path, TEAM_KEYS, required=("name", "roleName"))
    name = dns_label(data["name"], join(path, "name"), "team name")
    role_name = expect_str(data["roleName"], join(path, "roleName"), IAM_ROLE_NAME, "IAM role name (1-64 characters of letters, digits and +=,.@_-)")
    iam_group = expect_str(data.get("iamGroup", name), join(path, "iamGroup"), IAM_GROUP_NAME, "IAM group name (1-128 characters of letters, digits and +=,.@_-)")
    role_path = expect_str(data.get("rolePath", "/"), join(path, "rolePath"), IAM_PATH, "IAM path (starts and ends with '/')")
    mapping = data.get("mapping", cluster.default_mapping)
    if mapping not in ("access-entry", "aws-auth"):
        raise SpecError(join(path, "mapping"), f"must be 'access-entry' or 'aws-auth', got {mapping!r}")
    if mapping == "access-entry" and cluster.authentication_mode == "CONFIG_MAP":
        raise SpecError(join(path, "mapping"), "access entries need cluster.authenticationMode API or API_AND_CONFIG_MAP")
    if mapping == "aws-auth" and cluster.authentication_mode == "API":
        raise SpecError(join(path, "mapping"), "aws-auth is ignored in cluster.authenticationMode API; use 'access-entry'")
    if mapping == "aws-auth" and role_path != "/":
        raise SpecError(join(path, "rolePath"), "aws-auth never matches a rolearn with a path; keep rolePath '/' or use access entries")
    allow_system = expect_bool(data.get(SYSTEM_GROUPS_OPT_IN, False), join(path, SYSTEM_GROUPS_OPT_IN))
    groups = str_list(data.get("kubernetesGroups", [name]), join(path, "kubernetesGroups"), allow_empty=False)
    for i, group in enumerate(groups):
        kubernetes_group(group, index(join(path, "kubernetesGroups"), i))
    _check_system_groups(groups, join(path, "kubernetesGroups"), mapping, allow_system)
    username = expect_str(data.get("username", f"{name}:{SESSION_NAME}"), join(path, "username"))
    _check_username(username, join(path, "username"), mapping)
    members = str_list(optional(data, "members", []), join(path, "members"), IAM_USER_NAME, "IAM user name")
    crbs = tuple(
        rbac_role_ref(r, index(join(path, "clusterRoleBindings"), i))
        for i, r in enumerate(str_list(optional(data, "clusterRoleBindings", []), join(path, "clusterRoleBindings")))
    )
    nrb_path = join(path, "namespaceRoleBindings")
    nrb_raw = expect_mapping(optional(data, "namespaceRoleBindings", {}), nrb_path)
    namespace_role_bindings: dict[str, tuple[str, ...]] = {}
    for ns, refs in nrb_raw.items():
        ns_path = join(nrb_path, ns)
        dns_label(ns, ns_path)
        names = str_list(refs, ns_path, allow_empty=False)
        namespace_role_bindings[ns] = tuple(rbac_role_ref(r, index(ns_path, i)) for i, r in enumerate(names))
    cr_path = join(path, "clusterRoles")
    cluster_roles: dict[str, tuple[PolicyRule, ...]] = {}
    for role, rules in expect_mapping(optional(data, "clusterRoles", {}), cr_path).items():
        dns_subdomain(role, join(cr_path, role), "ClusterRole name")
        cluster_roles[role] = load_rules(rules, join(cr_path, role), allow_non_resource=True)
    roles_path = join(path, "roles")
    roles: dict[str, dict[str, tuple[PolicyRule, ...]]] = {}
    for ns, by_name in expect_mapping(optional(data, "roles", {}), roles_path).items():
        ns_path = join(roles_path, ns)
        dns_label(ns, ns_path)
        roles[ns] = {}
        for role, rules in expect_mapping(by_name, ns_path).items():
            dns_subdomain(role, join(ns_path, role), "Role name")
            roles[ns][role] = load_rules(rules, join(ns_path, role), allow_non_resource=False)
    ap_path = join(path, "accessPolicies")
    access_policies = tuple(
        load_access_policy(item, index(ap_path, i))
        for i, item in enumerate(expect_list(optional(data, "accessPolicies", []), ap_path))
    )
    if access_policies and mapping != "access-entry":
        raise SpecError(ap_path, "EKS access policies need an access entry (mapping 'access-entry' in an API mode)")
    session_rule = expect_bool(data.get("sessionNameMustMatchUser", True), join(path, "sessionNameMustMatchUser"))
    trusted = _load_trusted(data, path, session_rule)
    return TeamSpec(
        name=name,
        role_name=role_name,
        iam_group=iam_group,
        existing_iam_group=expect_bool(data.get("existingIamGroup", False), join(path, "existingIamGroup")),
        members=members,
        role_path=role_path,
        username=username,
        kubernetes_groups=groups,
        cluster_role_bindings=crbs,
        namespace_role_bindings=namespace_role_bindings,
        cluster_roles=cluster_roles,
        roles=roles,
        access_policies=access_policies,
        create_namespaces=expect_bool(data.get("createNamespaces", False), join(path, "createNamespaces")),
        mapping=mapping,
        session_name_must_match_user=session_rule,
        require_mfa=expect_bool(data.get("requireMfa", False), join(path, "requireMfa")),
        trusted_principal_arns=trusted,
        max_session_duration=expect_int(data.get("maxSessionDuration", 3600), join(path, "maxSessionDuration"), 3600, 43200),
        allow_system_groups=allow_system,
        list_roles=expect_bool(data.get("listRoles", False), join(path, "listRoles")),
    )


def _load_trusted(data: Mapping[str, Any], path: str, session_rule: bool) -> tuple[str, ...]:
    """Principals the team role trusts instead of the account root.

    The session-name rule compares ``sts:RoleSessionName`` with ``${aws:username}``, a key IAM puts
    in the request context for IAM users only (AWS global condition context keys, aws:username,
    "Availability": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-username).
    A role session has no ``aws:username``, so with the rule on, a trusted role could never assume.
    """
    trusted_path = join(path, "trustedPrincipalArns")
    trusted = str_list(optional(data, "trustedPrincipalArns", []), trusted_path, IAM_PRINCIPAL_ARN, "IAM user or role ARN")
    for i, arn in enumerate(trusted):
        match = IAM_PRINCIPAL_ARN.fullmatch(arn)
        if session_rule and match is not None and match.group("kind") == "role":
            raise SpecError(
                index(trusted_path, i),
                f"{arn!r} is a role, and sessionNameMustMatchUser (on by default) needs ${{aws:username}}, which only "
                "IAM users have: set sessionNameMustMatchUser: false for this team to trust a role",
            )
    return trusted


def load_access_policy(raw: object, path: str) -> AccessPolicySpec:
    data = expect_mapping(raw, path)
    check_keys(data, path, ("policy", "namespaces"), required=("policy",))
    policy = expect_str(data["policy"], join(path, "policy"))
    short = policy.removeprefix(ACCESS_POLICY_ARN_PREFIX)
    if short not in EKS_ACCESS_POLICIES:
        raise SpecError(join(path, "policy"), f"unknown EKS access policy {policy!r}; known: {', '.join(EKS_ACCESS_POLICIES)}")
    ns_path = join(path, "namespaces")
    namespaces = str_list(optional(data, "namespaces", []), ns_path)
    for i, ns in enumerate(namespaces):
        dns_label(ns, index(ns_path, i))
    return AccessPolicySpec(short, namespaces)


def load_rules(raw: object, path: str, allow_non_resource: bool) -> tuple[PolicyRule, ...]:
    items = expect_list(raw, path, allow_empty=False)
    return tuple(load_rule(item, index(path, i), allow_non_resource) for i, item in enumerate(items))


def load_rule(raw: object, path: str, allow_non_resource: bool = True) -> PolicyRule:
    data = expect_mapping(raw, path)
    check_keys(data, path, ("apiGroups", "resources", "resourceNames", "nonResourceURLs", "verbs"), required=("verbs",))
    verbs = str_list(data["verbs"], join(path, "verbs"), allow_empty=False)
    for i, verb in enumerate(verbs):
        if verb not in RBAC_VERBS and not verb.islower():
            raise SpecError(index(join(path, "verbs"), i), f"{verb!r} is not a Kubernetes verb")
    resources = str_list(optional(data, "resources", []), join(path, "resources"))
    urls = str_list(optional(data, "nonResourceURLs", []), join(path, "nonResourceURLs"))
    if resources and urls:
        raise SpecError(path, "a rule has resources or nonResourceURLs, not both")
    if not resources and not urls:
        raise SpecError(path, "a rule needs resources (with apiGroups) or nonResourceURLs")
    if urls:
        if not allow_non_resource:
            raise SpecError(join(path, "nonResourceURLs"), "nonResourceURLs are only valid in ClusterRoles")
        for i, url in enumerate(urls):
            if not url.startswith("/"):
                raise SpecError(index(join(path, "nonResourceURLs"), i), f"{url!r} must start with '/'")
        if "apiGroups" in data or "resourceNames" in data:
            raise SpecError(path, "apiGroups and resourceNames do not apply to nonResourceURLs")
        return PolicyRule(verbs=verbs, non_resource_urls=urls)
    if "apiGroups" not in data:
        raise SpecError(join(path, "apiGroups"), "is required with resources (use [\"\"] for the core group)")
    groups = str_list(data["apiGroups"], join(path, "apiGroups"), allow_empty=False, allow_empty_items=True)
    names = str_list(optional(data, "resourceNames", []), join(path, "resourceNames"))
    return PolicyRule(verbs=verbs, api_groups=groups, resources=resources, resource_names=names)


USER_KEYS = ("userArn", "username", "kubernetesGroups", SYSTEM_GROUPS_OPT_IN)


def load_user_mapping(raw: object, path: str, cluster: ClusterSpec) -> UserMappingSpec:
    data = expect_mapping(raw, path)
    check_keys(data, path, USER_KEYS, required=("userArn", "username"))
    arn = expect_str(data["userArn"], join(path, "userArn"), IAM_PRINCIPAL_ARN, "IAM user ARN (arn:aws:iam::<12-digit account>:user/<name>)")
    match = IAM_PRINCIPAL_ARN.fullmatch(arn)
    if match is None or match.group("kind") != "user":
        raise SpecError(join(path, "userArn"), f"{arn!r} is not an IAM user ARN")
    mapping: Mapping_ = cluster.default_mapping
    allow_system = expect_bool(data.get(SYSTEM_GROUPS_OPT_IN, False), join(path, SYSTEM_GROUPS_OPT_IN))
    groups = str_list(optional(data, "kubernetesGroups", []), join(path, "kubernetesGroups"))
    for i, group in enumerate(groups):
        kubernetes_group(group, index(join(path, "kubernetesGroups"), i))
    _check_system_groups(groups, join(path, "kubernetesGroups"), mapping, allow_system)
    username = expect_str(data["username"], join(path, "username"))
    _check_username(username, join(path, "username"), mapping)
    return UserMappingSpec(arn, username, groups, allow_system)


WORKLOAD_KEYS = (
    "serviceAccount", "namespace", "identity", "roleName", "managedPolicyArns", "inlinePolicy",
    "permissionsBoundary", NAMESPACE_TRUST_OPT_IN, "createServiceAccount",
    "automountServiceAccountToken", "rules",
)


def load_workload(raw: object, path: str, cluster_name: str) -> WorkloadSpec:
    data = expect_mapping(raw, path)
    check_keys(data, path, WORKLOAD_KEYS, required=("serviceAccount", "namespace"))
    sa = dns_subdomain(data["serviceAccount"], join(path, "serviceAccount"), "ServiceAccount name")
    ns = dns_label(data["namespace"], join(path, "namespace"))
    identity = data.get("identity", "irsa")
    if identity not in ("irsa", "pod-identity"):
        raise SpecError(join(path, "identity"), f"must be 'irsa' or 'pod-identity', got {identity!r}")
    default_role = f"{cluster_name}-{ns}-{sa}"[:64]
    role_name = expect_str(data.get("roleName", default_role), join(path, "roleName"), IAM_ROLE_NAME, "IAM role name (1-64 characters of letters, digits and +=,.@_-)")
    managed = str_list(optional(data, "managedPolicyArns", []), join(path, "managedPolicyArns"), IAM_POLICY_ARN, "IAM policy ARN (arn:aws:iam::<aws|account>:policy/<name>)")
    inline = data.get("inlinePolicy")
    if inline is not None:
        inline = load_policy_document(inline, join(path, "inlinePolicy"))
    boundary = data.get("permissionsBoundary")
    if boundary is not None:
        boundary = expect_str(boundary, join(path, "permissionsBoundary"), IAM_POLICY_ARN, "IAM policy ARN")
    whole_ns = expect_bool(data.get(NAMESPACE_TRUST_OPT_IN, False), join(path, NAMESPACE_TRUST_OPT_IN))
    if whole_ns and identity != "irsa":
        raise SpecError(join(path, NAMESPACE_TRUST_OPT_IN), "only applies to identity 'irsa'")
    automount = data.get("automountServiceAccountToken")
    if automount is not None:
        automount = expect_bool(automount, join(path, "automountServiceAccountToken"))
    rules_raw = data.get("rules")
    rules = () if rules_raw is None else load_rules(rules_raw, join(path, "rules"), allow_non_resource=False)
    return WorkloadSpec(
        service_account=sa,
        namespace=ns,
        role_name=role_name,
        identity=identity,
        managed_policy_arns=managed,
        inline_policy=inline,
        permissions_boundary=boundary,
        trust_whole_namespace=whole_ns,
        create_service_account=expect_bool(data.get("createServiceAccount", True), join(path, "createServiceAccount")),
        automount_service_account_token=automount,
        rules=rules,
    )


# --------------------------------------------------------------------------- cross checks

def _check_system_groups(groups: Sequence[str], path: str, mapping: Mapping_, allow: bool) -> None:
    for i, group in enumerate(groups):
        if not group.startswith("system:"):
            continue
        if mapping == "access-entry":
            raise SpecError(index(path, i), f"{group!r}: EKS access entries refuse 'system:' groups; bind a ClusterRole to your own group instead")
        if not allow:
            raise SpecError(
                index(path, i),
                f"{group!r} is a Kubernetes system group ('system:masters' is unrestricted cluster-admin); "
                f"set {SYSTEM_GROUPS_OPT_IN}: true on this entry only if you really mean it",
            )


def _check_username(username: str, path: str, mapping: Mapping_) -> None:
    if mapping == "access-entry":
        for prefix in RESERVED_USERNAME_PREFIXES:
            if username.startswith(prefix):
                raise SpecError(path, f"{username!r}: EKS refuses usernames starting with {prefix!r}")
    if SESSION_NAME in username:
        head = username.split(SESSION_NAME, 1)[0]
        if ":" not in head:
            raise SpecError(path, f"{username!r}: put {SESSION_NAME} after a fixed prefix and a colon, e.g. 'team:{SESSION_NAME}', so a caller cannot choose a username")
    if any(c.isspace() for c in username):
        raise SpecError(path, f"{username!r} must not contain spaces")
