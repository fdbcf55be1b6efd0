"""EKS records -> clusters, identity mappings, access policy associations, Pod Identity.

Sources of truth for the shapes:
- pulumi-eks ``eks:index:Cluster`` inputs (pulumi_eks ``ClusterArgs``): ``authenticationMode``,
  ``roleMappings [{roleArn, username, groups}]``, ``userMappings [{userArn, username, groups}]``,
  ``accessEntries {key: {principalArn, kubernetesGroups, username, type, accessPolicies {key:
  {policyArn, accessScope {type, namespaces}}}}}``, ``instanceRoles``, ``version``;
- pulumi-aws ``aws:eks/cluster:Cluster`` (``accessConfig.authenticationMode``),
  ``aws:eks/accessEntry:AccessEntry`` (``principalArn``, ``kubernetesGroups``, ``userName``,
  ``type``), ``aws:eks/accessPolicyAssociation:AccessPolicyAssociation``,
  ``aws:eks/podIdentityAssociation:PodIdentityAssociation``;
- the ``kube-system/aws-auth`` ConfigMap as aws-iam-authenticator reads it
  (kubernetes-sigs/aws-iam-authenticator ``pkg/mapper/configmap/configmap.go`` ParseMap): YAML
  converted to JSON and decoded with Go's encoding/json, whose field names match
  case-insensitively (``rolearn``, ``roleARN``); a wrong-typed field is dropped and the rest of
  the entry kept ("Only saving data that was good"); ``mapAccounts`` decoded as strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import yaml

from eks_access.model.arns import parse_identity
from eks_access.model.eks import (
    API,
    API_AND_CONFIG_MAP,
    AccessPolicyAssociation,
    AccessScope,
    Cluster,
    IdentityMapping,
    Mechanism,
    PodIdentityAssociation,
    PrincipalKind,
)
from eks_access.model.from_plan.fields import Fields
from eks_access.model.from_plan.iam import cluster_issuers
from eks_access.model.from_plan.records import PlanRecord
from eks_access.model.from_plan.state import State
from eks_access.model.origin import Origin
from eks_access.model.values import is_unknown, kind_of

T_COMPONENT = "eks:index:Cluster"
T_CLUSTER = "aws:eks/cluster:Cluster"
T_CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
NODE_USERNAME = "system:node:{{EC2PrivateDNSName}}"
NODE_GROUPS = ("system:bootstrappers", "system:nodes")

try:
    _StringLoader: Any = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _StringLoader = yaml.BaseLoader


def principal_kind(arn: str | None) -> PrincipalKind:
    if arn is not None:
        if ":user/" in arn:
            return "user"
        if arn.endswith(":root"):
            return "account"
    return "role"


def read_component(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    ins = record.inputs
    declared = "authenticationMode" in ins
    mode = f.text(ins.get("authenticationMode"), "authenticationMode")
    name = f.text(ins.get("name"), "name")
    state.clusters.append(Cluster(
        name=name, kind="pulumi-eks", authentication_mode=mode, mode_declared=declared,
        version=f.text(ins.get("version"), "version"), origin=Origin(record.ref), unknowns=tuple(f.unknowns),
    ))  # fmt: skip
    for i, raw in enumerate(f.sequence(ins.get("roleMappings"), "roleMappings")):
        _structured_mapping(state, record, name, f"roleMappings[{i}]", raw, "roleArn", "role")
    for i, raw in enumerate(f.sequence(ins.get("userMappings"), "userMappings")):
        _structured_mapping(state, record, name, f"userMappings[{i}]", raw, "userArn", "user")
    for key, raw in f.mapping(ins.get("accessEntries"), "accessEntries").items():
        _component_access_entry(state, record, name, str(key), raw)
    api_modes = declared and mode in (API, API_AND_CONFIG_MAP)
    for i, raw in enumerate(f.sequence(ins.get("instanceRoles"), "instanceRoles")):
        _instance_role(state, record, name, i, raw, api_modes)
    cluster_issuers(state, record)


def _structured_mapping(state: State, record: PlanRecord, cluster: str | None, path: str, raw: Any,
                        arn_key: str, kind: PrincipalKind) -> None:  # fmt: skip
    f = Fields(record.ref, f"inputs.{path}")
    body = f.mapping(raw, "")
    arn = state.resolve_arn(f, body.get(arn_key), arn_key)
    if kind == "user" and arn is not None:
        _reference_user_arn(state, arn)
    state.mappings.append(IdentityMapping(
        mechanism="aws-auth", kind=kind, principal_arn=arn, username=f.text(body.get("username"), "username"),
        groups=f.texts(body.get("groups"), "groups"), origin=Origin(record.ref, path), cluster=cluster,
        unknowns=tuple(f.unknowns),
    ))  # fmt: skip


def _component_access_entry(state: State, record: PlanRecord, cluster: str | None, key: str, raw: Any) -> None:
    path = f"accessEntries.{key}"
    f = Fields(record.ref, f"inputs.{path}")
    body = f.mapping(raw, "")
    arn = state.resolve_arn(f, body.get("principalArn"), "principalArn")
    entry_type = f.text(body.get("type"), "type") or "STANDARD"
    _add_entry(state, record, cluster, path, arn, f.text(body.get("username"), "username"),
               f.texts(body.get("kubernetesGroups"), "kubernetesGroups"), entry_type, f)  # fmt: skip
    for pkey, praw in f.mapping(body.get("accessPolicies"), "accessPolicies").items():
        pf = Fields(record.ref, f"inputs.{path}.accessPolicies.{pkey}")
        _association(state, record, cluster, arn, f"{path}.accessPolicies.{pkey}", pf.mapping(praw, ""), pf)


def _instance_role(state: State, record: PlanRecord, cluster: str | None, i: int, raw: Any, api_modes: bool) -> None:
    """pulumi-eks maps each node instance role: an aws-auth entry, or in the API modes an
    EC2_LINUX access entry (nodes must never lose their mapping)."""
    path = f"instanceRoles[{i}]"
    f = Fields(record.ref, "inputs")
    arn = state.resolve_arn(f, raw, path)
    mechanism: Mechanism = "access-entry" if api_modes else "aws-auth"
    state.mappings.append(IdentityMapping(
        mechanism=mechanism, kind="role", principal_arn=arn, username=NODE_USERNAME,
        groups=("system:nodes",) if api_modes else NODE_GROUPS, origin=Origin(record.ref, path),
        entry_type="EC2_LINUX" if api_modes else "STANDARD", cluster=cluster, node_role=True,
        unknowns=tuple(f.unknowns),
    ))  # fmt: skip


def read_raw_cluster(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    ins = record.inputs
    access = ins.get("accessConfig")
    if "accessConfig" in ins and access is None:
        declared, mode = True, None
    else:
        config = f.mapping(access, "accessConfig")
        declared = "authenticationMode" in config
        mode = f.at("accessConfig").text(config.get("authenticationMode"), "authenticationMode")
    parent = state.parent_component(record)
    state.clusters.append(Cluster(
        name=f.text(ins.get("name"), "name"), kind="aws", authentication_mode=mode, mode_declared=declared,
        version=f.text(ins.get("version"), "version"), origin=Origin(record.ref),
        shadowed=parent is not None and parent.ref.type == T_COMPONENT, unknowns=tuple(f.unknowns),
    ))  # fmt: skip
    cluster_issuers(state, record)


def read_access_entry(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    ins = record.inputs
    arn = f.text(ins.get("principalArn"), "principalArn")
    entry_type = f.text(ins.get("type"), "type") or "STANDARD"
    _add_entry(state, record, f.text(ins.get("clusterName"), "clusterName"), "", arn,
               f.text(ins.get("userName"), "userName"), f.texts(ins.get("kubernetesGroups"), "kubernetesGroups"),
               entry_type, f)  # fmt: skip


def _add_entry(state: State, record: PlanRecord, cluster: str | None, path: str, arn: str | None,
               username: str | None, groups: tuple[str, ...], entry_type: str, f: Fields) -> None:  # fmt: skip
    kind = principal_kind(arn)
    if kind == "user" and arn is not None:
        _reference_user_arn(state, arn)
    state.mappings.append(IdentityMapping(
        mechanism="access-entry", kind=kind, principal_arn=arn, username=username, groups=groups,
        origin=Origin(record.ref, path), entry_type=entry_type, cluster=cluster, unknowns=tuple(f.unknowns),
    ))  # fmt: skip


def read_association(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    ins = record.inputs
    _association(state, record, f.text(ins.get("clusterName"), "clusterName"),
                 f.text(ins.get("principalArn"), "principalArn"), "", ins, f)  # fmt: skip


def _association(state: State, record: PlanRecord, cluster: str | None, principal: str | None, path: str,
                 body: Mapping[str, Any], f: Fields) -> None:  # fmt: skip
    policy = f.text(body.get("policyArn"), "policyArn")
    if policy is None:
        state.skip(record.ref, f.path("policyArn"), "access policy ARN unknown or absent")
        return
    scope = f.mapping(body.get("accessScope"), "accessScope")
    scope_fields = f.at("accessScope")
    scope_type = scope_fields.text(scope.get("type"), "type") or "cluster"
    namespaces = scope_fields.texts(scope.get("namespaces"), "namespaces")
    state.access_policies.append(AccessPolicyAssociation(
        principal_arn=principal, policy_arn=policy, scope=AccessScope(scope_type, namespaces),
        origin=Origin(record.ref, path), cluster=cluster, unknowns=tuple(f.unknowns),
    ))  # fmt: skip


def read_pod_identity(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    ins = record.inputs
    namespace = f.text(ins.get("namespace"), "namespace")
    sa = f.text(ins.get("serviceAccount"), "serviceAccount")
    if namespace is None or sa is None:
        state.skip(record.ref, "inputs", "namespace or service account unknown")
        return
    state.pod_identities.append(PodIdentityAssociation(
        cluster=f.text(ins.get("clusterName"), "clusterName"), namespace=namespace, service_account=sa,
        role_arn=f.text(ins.get("roleArn"), "roleArn"), origin=Origin(record.ref), unknowns=tuple(f.unknowns),
    ))  # fmt: skip


def read_config_map(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    meta = f.mapping(record.inputs.get("metadata"), "metadata")
    name = f.at("metadata").text(meta.get("name"), "name")
    namespace = f.at("metadata").text(meta.get("namespace"), "namespace") or "default"
    if name != "aws-auth" or namespace != "kube-system":
        return
    parent = state.parent_component(record)
    shadowed = parent is not None and parent.ref.type == T_COMPONENT
    data = f.mapping(record.inputs.get("data"), "data")
    for section, arn_key, kind in (("mapRoles", "rolearn", "role"), ("mapUsers", "userarn", "user")):
        for i, entry in enumerate(_yaml_list(state, record, data.get(section), f"inputs.data.{section}")):
            _aws_auth_entry(state, record, section, i, entry, arn_key, kind, shadowed)  # type: ignore[arg-type]
    for i, account in enumerate(_yaml_list(state, record, data.get("mapAccounts"), "inputs.data.mapAccounts")):
        if not isinstance(account, str):
            state.skip(record.ref, f"inputs.data.mapAccounts[{i}]", f"expected an account id, got {kind_of(account)}")
            continue
        state.mappings.append(IdentityMapping(
            mechanism="aws-auth", kind="account", principal_arn=account, username=None, groups=(),
            origin=Origin(record.ref, f"mapAccounts[{i}]"), shadowed=shadowed,
        ))  # fmt: skip


def _yaml_list(state: State, record: PlanRecord, text: Any, path: str) -> list[Any]:
    if text is None:
        return []
    if is_unknown(text):
        state.skip(record.ref, path, "unknown during preview")
        return []
    if isinstance(text, list):
        return text
    if not isinstance(text, str):
        state.skip(record.ref, path, f"expected a YAML string, got {kind_of(text)}; aws-iam-authenticator ignores it")
        return []
    if text.strip() in ("", "``", '""'):
        return []
    try:
        loaded = yaml.load(text, Loader=_StringLoader)
    except yaml.YAMLError as err:
        state.skip(record.ref, path, f"not valid YAML ({str(err).splitlines()[0]}); aws-iam-authenticator ignores it")
        return []
    if not isinstance(loaded, list):
        state.skip(record.ref, path, f"expected a YAML list, got {kind_of(loaded)}; aws-iam-authenticator ignores it")
        return []
    return loaded


def _field(entry: Mapping[str, Any], name: str) -> Any:
    """Go encoding/json field matching: exact name first, then case-insensitive."""
    if name in entry:
        return entry[name]
    for key, value in entry.items():
        if isinstance(key, str) and key.lower() == name:
            return value
    return None


def _aws_auth_entry(state: State, record: PlanRecord, section: str, i: int, entry: Any, arn_key: str,
                    kind: PrincipalKind, shadowed: bool) -> None:  # fmt: skip
    path = f"{section}[{i}]"
    where = f"inputs.data.{path}"
    if not isinstance(entry, Mapping):
        state.skip(record.ref, where, f"expected a mapping, got {kind_of(entry)}")
        return
    values: dict[str, Any] = {}
    for field_name, want_list in ((arn_key, False), ("username", False), ("groups", True)):
        value = _field(entry, field_name)
        good = isinstance(value, list) and all(isinstance(g, str) for g in value) if want_list else isinstance(value, str)
        if value is not None and not good:
            state.skip(record.ref, f"{where}.{field_name}", f"wrong type ({kind_of(value)}); the authenticator drops the field")
            value = None
        values[field_name] = value
    arn = values[arn_key]
    if kind == "user" and arn:
        _reference_user_arn(state, arn)
    state.mappings.append(IdentityMapping(
        mechanism="aws-auth", kind=kind, principal_arn=arn or None, username=values["username"],
        groups=tuple(values["groups"] or ()), origin=Origin(record.ref, path), shadowed=shadowed,
    ))  # fmt: skip


def _reference_user_arn(state: State, arn: str) -> None:
    parsed = parse_identity(arn)
    if parsed is not None and parsed.kind == "user" and (state.account is None or parsed.account == state.account):
        state.reference_user(parsed.name, arn)


READERS: dict[str, Callable[[State, PlanRecord], None]] = {
    T_COMPONENT: read_component,
    T_CLUSTER: read_raw_cluster,
    "aws:eks/accessEntry:AccessEntry": read_access_entry,
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": read_association,
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": read_pod_identity,
    T_CONFIG_MAP: read_config_map,
}
