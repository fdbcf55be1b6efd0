"""Every document of the access pattern, as plain dicts and strings.

These functions are the single source of each IAM policy, aws-auth entry, RBAC manifest,
kubeconfig and AWS CLI profile: the components call them inside ``Output.apply``, the CLI
writes them to files, and tests compare them byte for byte. No Pulumi here, so they are
trivially testable and reusable from any program.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from eks_access.spec import PolicyRule

IAM_VERSION = "2012-10-17"
STS_AUDIENCE = "sts.amazonaws.com"
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
RBAC_GROUP = "rbac.authorization.k8s.io"
RBAC_API_VERSION = "rbac.authorization.k8s.io/v1"
MANAGED_BY = {"app.kubernetes.io/managed-by": "eks-access"}
NODE_USERNAME = "system:node:{{EC2PrivateDNSName}}"
NODE_GROUPS = ("system:bootstrappers", "system:nodes")


def to_json(document: Any) -> str:
    """Canonical JSON (sorted keys) so an unchanged document is a byte-identical input."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _sorted_unique(values: Sequence[Any]) -> list[Any]:
    """Set-valued lists in their one canonical order, so reordering config changes no input."""
    out: list[Any] = []
    for value in sorted(values, key=to_json):
        if not out or out[-1] != value:
            out.append(value)
    return out


# IAM policy elements whose lists are sets: the order of Actions, Resources, Principals and condition
# values never changes a decision, nor does the order of statements (IAM policy evaluation logic:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
_IAM_SET_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")


def canonical_policy(document: Mapping[str, Any]) -> dict[str, Any]:
    """An IAM policy with every set-valued list in canonical order (statements too)."""
    out = dict(document)
    statements = document.get("Statement")
    if isinstance(statements, Sequence) and not isinstance(statements, str):
        out["Statement"] = _sorted_unique([_canonical_statement(s) for s in statements])
    elif isinstance(statements, Mapping):
        out["Statement"] = _canonical_statement(statements)
    return out


def _canonical_statement(statement: Any) -> Any:
    if not isinstance(statement, Mapping):
        return statement
    out = dict(statement)
    for key in _IAM_SET_ELEMENTS:
        if _is_list(out.get(key)):
            out[key] = _sorted_unique(out[key])
    for key in ("Principal", "NotPrincipal"):
        if isinstance(out.get(key), Mapping):
            out[key] = {k: _sorted_unique(v) if _is_list(v) else v for k, v in out[key].items()}
    if isinstance(out.get("Condition"), Mapping):
        out["Condition"] = {
            op: {k: _sorted_unique(v) if _is_list(v) else v for k, v in keys.items()} if isinstance(keys, Mapping) else keys
            for op, keys in out["Condition"].items()
        }
    return out


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


# ----------------------------------------------------------------------------- ARNs

def role_arn(partition: str, account_id: str, name: str, path: str = "/") -> str:
    return f"arn:{partition}:iam::{account_id}:role{path}{name}"


def cluster_arn(partition: str, region: str, account_id: str, cluster_name: str) -> str:
    return f"arn:{partition}:eks:{region}:{account_id}:cluster/{cluster_name}"


def issuer_host_path(issuer: str) -> str:
    """The issuer as IAM condition keys spell it: no scheme, no trailing slash."""
    return issuer.removeprefix("https://").removeprefix("http://").rstrip("/")


def oidc_provider_arn(partition: str, account_id: str, issuer: str) -> str:
    return f"arn:{partition}:iam::{account_id}:oidc-provider/{issuer_host_path(issuer)}"


# ------------------------------------------------------------------- people: IAM side

def team_trust_policy(
    account_id: str,
    partition: str = "aws",
    *,
    session_name_must_match_user: bool = True,
    require_mfa: bool = False,
    trusted_principal_arns: Sequence[str] = (),
) -> dict[str, Any]:
    """Trust the account (IAM identity policies then decide who), never ``*``.

    The session-name condition makes the caller's IAM user name the session name, so the
    Kubernetes username ``<team>:{{SessionName}}`` names the real person in audit logs.
    """
    principal: str | list[str]
    if trusted_principal_arns:
        principal = sorted(trusted_principal_arns) if len(trusted_principal_arns) > 1 else trusted_principal_arns[0]
    else:
        principal = f"arn:{partition}:iam::{account_id}:root"
    statement: dict[str, Any] = {
        "Sid": "TeamMembersAssumeRole",
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    }
    condition: dict[str, dict[str, str]] = {}
    if session_name_must_match_user:
        condition["StringLike"] = {"sts:RoleSessionName": "${aws:username}"}
    if require_mfa:
        condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
    if condition:
        statement["Condition"] = condition
    return {"Version": IAM_VERSION, "Statement": [statement]}


def assume_role_policy(role_arn_: str, *, list_roles: bool = False) -> dict[str, Any]:
    """Group policy: ``sts:AssumeRole`` on exactly the team role, nothing else by default."""
    statements: list[dict[str, Any]] = [
        {"Sid": "AssumeTeamRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn_}
    ]
    if list_roles:
        # iam:ListRoles supports no resource-level scoping; the sources grant it for the console.
        statements.append({"Sid": "ListRoles", "Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"})
    return {"Version": IAM_VERSION, "Statement": statements}


def describe_cluster_policy(cluster_arn_: str) -> dict[str, Any]:
    """Enough for ``aws eks update-kubeconfig`` on the one cluster, and nothing more."""
    return {
        "Version": IAM_VERSION,
        "Statement": [
            {"Sid": "DescribeTeamCluster", "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": cluster_arn_}
        ],
    }


# --------------------------------------------------------------- workloads: IAM side

def irsa_trust_policy(
    provider_arn: str, issuer: str, namespace: str, service_account: str, *, whole_namespace: bool = False
) -> dict[str, Any]:
    """Web-identity trust scoped by ``sub`` (one ServiceAccount) and ``aud`` (STS)."""
    host = issuer_host_path(issuer)
    sub = f"system:serviceaccount:{namespace}:{'*' if whole_namespace else service_account}"
    condition: dict[str, dict[str, str]]
    if whole_namespace:
        condition = {"StringEquals": {f"{host}:aud": STS_AUDIENCE}, "StringLike": {f"{host}:sub": sub}}
    else:
        condition = {"StringEquals": {f"{host}:aud": STS_AUDIENCE, f"{host}:sub": sub}}
    return {
        "Version": IAM_VERSION,
        "Statement": [
            {
                "Sid": "ServiceAccountWebIdentity",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ],
    }


def pod_identity_trust_policy(account_id: str, cluster_name: str, namespace: str, service_account: str) -> dict[str, Any]:
    """EKS Pod Identity trust, narrowed by the session tags EKS sets to one ServiceAccount.

    Without the tag conditions any Pod Identity association in the account could use the role.
    """
    return {
        "Version": IAM_VERSION,
        "Statement": [
            {
                "Sid": "PodIdentityAssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": account_id,
                        "aws:RequestTag/eks-cluster-name": cluster_name,
                        "aws:RequestTag/kubernetes-namespace": namespace,
                        "aws:RequestTag/kubernetes-service-account": service_account,
                    }
                },
            }
        ],
    }


def node_trust_policy() -> dict[str, Any]:
    return {
        "Version": IAM_VERSION,
        "Statement": [
            {"Sid": "EC2AssumeNodeRole", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }


# ------------------------------------------------------------------------ aws-auth

def aws_auth_role_entry(role_arn_: str, username: str, groups: Sequence[str]) -> dict[str, Any]:
    return {"rolearn": role_arn_, "username": username, "groups": sorted(groups)}


def aws_auth_user_entry(user_arn: str, username: str, groups: Sequence[str]) -> dict[str, Any]:
    return {"userarn": user_arn, "username": username, "groups": sorted(groups)}


def node_role_entry(node_role_arn: str) -> dict[str, Any]:
    """The entry without which nodes drop out of the cluster."""
    return aws_auth_role_entry(node_role_arn, NODE_USERNAME, NODE_GROUPS)


def aws_auth_config_map(
    node_role_arns: Sequence[str], role_entries: Sequence[Mapping[str, Any]], user_entries: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The complete ``kube-system/aws-auth``: node roles first and always present."""
    if not node_role_arns:
        raise ValueError("node_role_arns: aws-auth without the node role entry would evict every node")
    roles = [node_role_entry(arn) for arn in node_role_arns]
    roles += [dict(e) for e in role_entries if e.get("rolearn") not in node_role_arns]
    data = {"mapRoles": yaml.safe_dump(roles, sort_keys=False)}
    if user_entries:
        data["mapUsers"] = yaml.safe_dump([dict(e) for e in user_entries], sort_keys=False)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system", "labels": dict(MANAGED_BY)},
        "data": data,
    }


# ----------------------------------------------------------------------------- RBAC

def labels(team: str | None = None) -> dict[str, str]:
    out = dict(MANAGED_BY)
    if team:
        out["eks-access/owner"] = team
    return out


def group_subject(name: str) -> dict[str, str]:
    return {"kind": "Group", "name": name, "apiGroup": RBAC_GROUP}


def user_subject(name: str) -> dict[str, str]:
    return {"kind": "User", "name": name, "apiGroup": RBAC_GROUP}


def service_account_subject(name: str, namespace: str) -> dict[str, str]:
    return {"kind": "ServiceAccount", "name": name, "namespace": namespace}


def rules(rules_: Sequence[PolicyRule]) -> list[dict[str, Any]]:
    """RBAC rules in canonical order: every list of a rule and the rules themselves are sets to the
    authorizer (a request is allowed if any rule matches any of its verbs/resources), so sorting
    them changes no permission (https://kubernetes.io/docs/reference/access-authn-authz/rbac/)."""
    canonical = []
    for rule in rules_:
        manifest = rule.to_manifest()
        canonical.append({k: sorted(v) if isinstance(v, list) else v for k, v in manifest.items()})
    return _sorted_unique(canonical)


def cluster_role(name: str, rules_: Sequence[PolicyRule], owner: str | None = None) -> dict[str, Any]:
    return {
        "apiVersion": RBAC_API_VERSION,
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels(owner)},
        "rules": rules(rules_),
    }


def role(name: str, namespace: str, rules_: Sequence[PolicyRule], owner: str | None = None) -> dict[str, Any]:
    return {
        "apiVersion": RBAC_API_VERSION,
        "kind": "Role",
        "metadata": {"name": name, "namespace": namespace, "labels": labels(owner)},
        "rules": rules(rules_),
    }


def cluster_role_binding(name: str, cluster_role_name: str, subjects: Sequence[Mapping[str, str]], owner: str | None = None) -> dict[str, Any]:
    return {
        "apiVersion": RBAC_API_VERSION,
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name, "labels": labels(owner)},
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": cluster_role_name},
        "subjects": _sorted_unique([dict(s) for s in subjects]),
    }


def role_binding(
    name: str, namespace: str, role_kind: str, role_name: str, subjects: Sequence[Mapping[str, str]], owner: str | None = None
) -> dict[str, Any]:
    """A RoleBinding; ``role_kind`` ClusterRole scopes a cluster-wide role to this namespace."""
    if role_kind not in ("Role", "ClusterRole"):
        raise ValueError(f"role_kind must be Role or ClusterRole, got {role_kind!r}")
    return {
        "apiVersion": RBAC_API_VERSION,
        "kind": "RoleBinding",
        "metadata": {"name": name, "namespace": namespace, "labels": labels(owner)},
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": role_name},
        "subjects": _sorted_unique([dict(s) for s in subjects]),
    }


def namespace(name: str, owner: str | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels(owner)}}


def service_account(name: str, namespace_: str, role_arn_: str | None, automount: bool, owner: str | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": namespace_, "labels": labels(owner)}
    if role_arn_:
        metadata["annotations"] = {ROLE_ARN_ANNOTATION: role_arn_}
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata, "automountServiceAccountToken": automount}


# ------------------------------------------------------------- member's workstation

def profile_name(team: str) -> str:
    return f"eks-{team}"


def aws_profile(
    team: str,
    role_arn_: str,
    region: str,
    *,
    source_profile: str = "default",
    session_name: str | None = None,
    mfa_serial: str | None = None,
) -> str:
    """The ``~/.aws/config`` section that makes the CLI assume the team role.

    With the session-name rule the session name must equal the member's IAM user name, so it
    is written out; ``<your-iam-user-name>`` is left for the member when no name is given.
    Every value is checked against the file's grammar first: a newline or a ``[`` in a name
    would inject a setting (``credential_process = ...``) or a whole section.
    """
    _check_profile_values(team, source_profile, session_name)
    lines = [
        f"[profile {profile_name(team)}]",
        f"role_arn = {role_arn_}",
        f"source_profile = {source_profile}",
        f"region = {region}",
    ]
    if session_name is not None:
        lines.append(f"role_session_name = {session_name}")
    if mfa_serial:
        lines.append(f"mfa_serial = {mfa_serial}")
    return "\n".join(lines) + "\n"


_SESSION_PLACEHOLDER = "<your-iam-user-name>"


def _check_profile_values(team: str, source_profile: str, session_name: str | None) -> None:
    from eks_access.errors import SpecError
    from eks_access.limits import AWS_PROFILE_NAME, DNS1123_LABEL, ROLE_SESSION_NAME

    if not DNS1123_LABEL.fullmatch(team):
        raise SpecError("team", f"{team!r} is not a team name (DNS-1123 label)")
    if not AWS_PROFILE_NAME.fullmatch(source_profile):
        raise SpecError("source_profile", f"{source_profile!r} is not an AWS CLI profile name (no spaces, newlines, '[', ']', '#', ';' or '=')")
    if session_name is not None and session_name != _SESSION_PLACEHOLDER and not ROLE_SESSION_NAME.fullmatch(session_name):
        raise SpecError("session_name", f"{session_name!r} is not a role session name (2-64 characters of letters, digits and +=,.@_-)")


def kubeconfig(
    cluster_name: str, endpoint: str, certificate_authority: str, region: str, profile: str, *, user: str | None = None
) -> dict[str, Any]:
    """A kubeconfig whose exec plugin runs ``aws eks get-token`` under the team profile."""
    context = user or f"{profile}@{cluster_name}"
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": certificate_authority}}
        ],
        "contexts": [{"name": context, "context": {"cluster": cluster_name, "user": context}}],
        "current-context": context,
        "preferences": {},
        "users": [
            {
                "name": context,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "aws",
                        "args": ["--region", region, "eks", "get-token", "--cluster-name", cluster_name, "--output", "json"],
                        "env": [{"name": "AWS_PROFILE", "value": profile}],
                        "interactiveMode": "IfAvailable",
                        "provideClusterInfo": False,
                    }
                },
            }
        ],
    }


_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: 10x faster


def to_yaml(document: Mapping[str, Any]) -> str:
    return yaml.dump(dict(document), Dumper=_DUMPER, sort_keys=False, default_flow_style=False)
