"""Readers that turn the many shapes of the same fact into one.

A role mapping can come from our own components (an ``eks:index:Cluster`` input), from the
``aws-auth`` ConfigMap pulumi-eks writes under a real preview, or from an export of a live
cluster; IAM documents arrive as JSON strings or already-parsed dicts. Rules read the facts
through these functions so each rule is written once. Malformed or unknown values (``None``
stands for "not known during preview") are skipped, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from eks_access.guardrails.model import Record

EKS_COMPONENT = "eks:index:Cluster"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ACCESS_POLICY_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
IAM_ROLE = "aws:iam/role:Role"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
_RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"
CLUSTER_ROLE = _RBAC + "ClusterRole"
ROLE = _RBAC + "Role"
CLUSTER_ROLE_BINDING = _RBAC + "ClusterRoleBinding"
ROLE_BINDING = _RBAC + "RoleBinding"


def rtype(record: Record) -> str:
    return str(record.get("type") or "")


def rname(record: Record) -> str:
    return str(record.get("name") or "")


def inputs(record: Record) -> Mapping[str, Any]:
    value = record.get("inputs")
    return value if isinstance(value, Mapping) else {}


def outputs(record: Record) -> Mapping[str, Any]:
    value = record.get("outputs")
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """IAM and Kubernetes both allow a scalar where a list is meant."""
    if value is None:
        return []
    if isinstance(value, str | Mapping):
        return [value]
    if isinstance(value, Sequence):
        return list(value)
    return [value]


def strings(value: Any) -> list[str]:
    return [v for v in as_list(value) if isinstance(v, str)]


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


# --- Kubernetes -----------------------------------------------------------------------------


def kind_of(record: Record) -> str:
    """The RBAC kind, from the type token so that a manifest missing ``kind`` still counts."""
    t = rtype(record)
    if t.startswith(_RBAC):
        return t[len(_RBAC) :]
    return ""


def metadata(record: Record) -> Mapping[str, Any]:
    return mapping(inputs(record).get("metadata"))


def k8s_name(record: Record) -> str | None:
    name = metadata(record).get("name")
    return name if isinstance(name, str) else None


def k8s_namespace(record: Record) -> str | None:
    ns = metadata(record).get("namespace")
    return ns if isinstance(ns, str) and ns else None


def policy_rules(record: Record) -> list[Mapping[str, Any]]:
    return [r for r in as_list(inputs(record).get("rules")) if isinstance(r, Mapping)]


def is_role(record: Record) -> bool:
    return rtype(record) in (CLUSTER_ROLE, ROLE)


def is_binding(record: Record) -> bool:
    return rtype(record) in (CLUSTER_ROLE_BINDING, ROLE_BINDING)


@dataclass(frozen=True)
class Subject:
    kind: str
    name: str
    namespace: str | None


def subjects(record: Record) -> list[Subject]:
    """Binding subjects; a RoleBinding's ServiceAccount without namespace is in the binding's."""
    found: list[Subject] = []
    for raw in as_list(inputs(record).get("subjects")):
        if not isinstance(raw, Mapping):
            continue
        kind, name = raw.get("kind"), raw.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            continue
        ns = raw.get("namespace")
        namespace = ns if isinstance(ns, str) and ns else None
        if kind == "ServiceAccount" and namespace is None:
            namespace = k8s_namespace(record)
        found.append(Subject(kind, name, namespace))
    return found


def role_ref(record: Record) -> tuple[str, str] | None:
    ref = mapping(inputs(record).get("roleRef"))
    kind, name = ref.get("kind"), ref.get("name")
    if isinstance(kind, str) and isinstance(name, str):
        return kind, name
    return None


def resolve_role_ref(binding: Record, records: Sequence[Record]) -> Record | None:
    """The Role/ClusterRole of the plan a binding points to, as the API server resolves it."""
    ref = role_ref(binding)
    if ref is None:
        return None
    kind, name = ref
    for record in records:
        if kind == "ClusterRole" and rtype(record) == CLUSTER_ROLE and k8s_name(record) == name:
            return record
        if (
            kind == "Role"
            and rtype(record) == ROLE
            and k8s_name(record) == name
            and k8s_namespace(record) == k8s_namespace(binding)
        ):
            return record
    return None


def is_aws_auth(record: Record) -> bool:
    return (
        rtype(record) == CONFIG_MAP
        and k8s_name(record) == "aws-auth"
        and (k8s_namespace(record) or "default") == "kube-system"
    )


# --- EKS identity mappings -----------------------------------------------------------------


@dataclass(frozen=True)
class IdentityMapping:
    """One IAM identity -> Kubernetes identity entry, from aws-auth or an access entry.

    ``kind`` is ``role``, ``user`` or ``account``; ``source`` says where it was found, for
    messages (``mapRoles[1]``, ``roleMappings[0]``, ``accessEntries.admin``, ...).
    """

    kind: str
    arn: str | None
    username: str | None
    groups: tuple[str, ...]
    source: str
    via_aws_auth: bool


def _load_yaml_list(text: Any) -> list[Any]:
    if isinstance(text, list):
        return text
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    return loaded if isinstance(loaded, list) else []


def _entry(raw: Any, kind: str, arn_keys: tuple[str, ...], source: str, aws_auth: bool) -> IdentityMapping | None:
    if not isinstance(raw, Mapping):
        return None
    arn = next((raw[k] for k in arn_keys if isinstance(raw.get(k), str)), None)
    username = raw.get("username")
    return IdentityMapping(
        kind=kind,
        arn=arn,
        username=username if isinstance(username, str) else None,
        groups=tuple(strings(raw.get("groups"))),
        source=source,
        via_aws_auth=aws_auth,
    )


def identity_mappings(record: Record) -> Iterator[IdentityMapping]:
    """Every mapping a record declares; access entries included (``via_aws_auth`` false)."""
    t = rtype(record)
    ins = inputs(record)
    if is_aws_auth(record):
        data = mapping(ins.get("data"))
        for i, raw in enumerate(_load_yaml_list(data.get("mapRoles"))):
            m = _entry(raw, "role", ("rolearn", "roleARN"), f"mapRoles[{i}]", True)
            if m:
                yield m
        for i, raw in enumerate(_load_yaml_list(data.get("mapUsers"))):
            m = _entry(raw, "user", ("userarn", "userARN"), f"mapUsers[{i}]", True)
            if m:
                yield m
        for i, raw in enumerate(_load_yaml_list(data.get("mapAccounts"))):
            if isinstance(raw, str | int):
                yield IdentityMapping("account", str(raw), None, (), f"mapAccounts[{i}]", True)
    elif t == EKS_COMPONENT:
        for i, raw in enumerate(as_list(ins.get("roleMappings"))):
            m = _entry(raw, "role", ("roleArn",), f"roleMappings[{i}]", True)
            if m:
                yield m
        for i, raw in enumerate(as_list(ins.get("userMappings"))):
            m = _entry(raw, "user", ("userArn",), f"userMappings[{i}]", True)
            if m:
                yield m
        for key, raw in mapping(ins.get("accessEntries")).items():
            entry = mapping(raw)
            arn = entry.get("principalArn")
            username = entry.get("username")
            yield IdentityMapping(
                kind=principal_kind(arn),
                arn=arn if isinstance(arn, str) else None,
                username=username if isinstance(username, str) else None,
                groups=tuple(strings(entry.get("kubernetesGroups"))),
                source=f"accessEntries.{key}",
                via_aws_auth=False,
            )
    elif t == ACCESS_ENTRY:
        entry_type = ins.get("type")
        if isinstance(entry_type, str) and entry_type not in ("STANDARD", ""):
            return  # node / Fargate entries: EKS fixes their identity
        arn = ins.get("principalArn")
        username = ins.get("userName")
        yield IdentityMapping(
            kind=principal_kind(arn),
            arn=arn if isinstance(arn, str) else None,
            username=username if isinstance(username, str) else None,
            groups=tuple(strings(ins.get("kubernetesGroups"))),
            source="access entry",
            via_aws_auth=False,
        )


def principal_kind(arn: Any) -> str:
    if isinstance(arn, str):
        if re.search(r":user/", arn):
            return "user"
        if re.search(r":root$", arn):
            return "account"
    return "role"


@dataclass(frozen=True)
class AccessPolicy:
    principal_arn: str | None
    policy_arn: str
    scope_type: str
    namespaces: tuple[str, ...]
    source: str


def access_policies(record: Record) -> Iterator[AccessPolicy]:
    """EKS access policy associations, standalone or inside pulumi-eks ``accessEntries``."""
    t = rtype(record)
    ins = inputs(record)
    if t == ACCESS_POLICY_ASSOCIATION:
        yield from _access_policy(ins.get("principalArn"), ins, "association")
    elif t == EKS_COMPONENT:
        for key, raw in mapping(ins.get("accessEntries")).items():
            entry = mapping(raw)
            for pkey, praw in mapping(entry.get("accessPolicies")).items():
                yield from _access_policy(
                    entry.get("principalArn"), mapping(praw), f"accessEntries.{key}.accessPolicies.{pkey}"
                )


def _access_policy(principal: Any, ins: Mapping[str, Any], source: str) -> Iterator[AccessPolicy]:
    policy_arn = ins.get("policyArn")
    if not isinstance(policy_arn, str):
        return
    scope = mapping(ins.get("accessScope"))
    scope_type = scope.get("type")
    yield AccessPolicy(
        principal_arn=principal if isinstance(principal, str) else None,
        policy_arn=policy_arn,
        scope_type=scope_type if isinstance(scope_type, str) else "cluster",
        namespaces=tuple(strings(scope.get("namespaces"))),
        source=source,
    )


def parent_record(record: Record, records: Sequence[Record]) -> Record | None:
    parent = record.get("parent")
    if not isinstance(parent, str) or not parent:
        return None
    for candidate in records:
        if rname(candidate) == parent and candidate.get("custom") is not True:
            return candidate
    return None


def shadowed_by_eks_component(record: Record, ctx_records: Sequence[Record], whole_plan: bool) -> bool:
    """True for pulumi-eks children whose facts the parent ``eks:index:Cluster`` already states.

    Under a real preview pulumi-eks registers the EKS cluster and the aws-auth ConfigMap as
    children of its component; reporting both would count one problem twice. Only decidable
    with the whole plan, so the policy pack (one resource at a time) reports both.
    """
    if not whole_plan or rtype(record) not in (EKS_CLUSTER, CONFIG_MAP):
        return False
    parent = parent_record(record, ctx_records)
    return parent is not None and rtype(parent) == EKS_COMPONENT


# --- IAM -----------------------------------------------------------------------------------


def parse_document(value: Any) -> Mapping[str, Any] | None:
    """An IAM policy document from a JSON string (as the AWS provider takes it) or a dict."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except ValueError:
            return None
        return loaded if isinstance(loaded, Mapping) else None
    return None


def statements(document: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if document is None:
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]


def is_allow(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Allow"


def principals(statement: Mapping[str, Any], key: str) -> list[str]:
    """Principal values of one kind (``AWS``, ``Federated``, ``Service``); ``*`` for ``"*"``."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    return strings(mapping(principal).get(key))


def actions(statement: Mapping[str, Any]) -> list[str]:
    return strings(statement.get("Action"))


def conditions(statement: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for op, body in mapping(statement.get("Condition")).items():
        if isinstance(op, str) and isinstance(body, Mapping):
            found[op] = body
    return found


def account_of(arn: str | None) -> str | None:
    if arn is None:
        return None
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


def issuer_of(url: Any) -> str | None:
    """``oidc.eks.<region>.amazonaws.com/id/<ID>`` from an issuer URL or provider ARN."""
    if not isinstance(url, str) or not url:
        return None
    if ":oidc-provider/" in url:
        return url.split(":oidc-provider/", 1)[1]
    return re.sub(r"^https?://", "", url).rstrip("/")
