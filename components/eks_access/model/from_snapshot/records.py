"""Snapshot objects -> records of the types the plan reader already parses.

The model has one parser per kind of fact (IAM policy grammar, aws-auth as the authenticator
reads it, RBAC rules, access entries): ``eks_access.model.from_plan``. A snapshot states the
same facts in the services' own shapes, so each object is restated as the record a Pulumi
program would have registered for it (the provider's input names), with the real ARN as
output, and read by those parsers. The built-in RBAC data is read the same way
(``authz/rbac/builtin.py``). Record names say where the object is (``role/EKSOps``,
``ClusterRoleBinding developers-view``), and answers show them.

Shapes: IAM ``GetAccountAuthorizationDetails``
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html),
EKS ``DescribeCluster``, ``DescribeAccessEntry``, ``ListAssociatedAccessPolicies``,
``DescribePodIdentityAssociation``, ``DescribeAddon`` (https://docs.aws.amazon.com/eks/latest/APIReference/),
Kubernetes objects as the API server returns them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from eks_access.model.from_snapshot.document import SnapshotError, item, items, text
from eks_access.model.from_snapshot.implicit import Implicit

Record = dict[str, Any]
_RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"


def _record(rtype: str, name: str, inputs: Mapping[str, Any], outputs: Mapping[str, Any] | None = None,
            implicit: str | None = None) -> Record:  # fmt: skip
    out: Record = {"type": rtype, "name": name, "parent": None, "custom": True, "inputs": dict(inputs),
                   "outputs": dict(outputs or {})}  # fmt: skip
    if implicit:
        out["implicit"] = implicit
    return out


def _document(value: Any) -> Any:
    """A policy document as boto3 returns it (decoded), or as the wire has it (URL-encoded JSON)."""
    if isinstance(value, str) and value.startswith("%7B"):
        return unquote(value)
    return value


# ---------------------------------------------------------------------------------------- IAM
def iam_records(iam: Mapping[str, Any]) -> Iterator[Record]:
    for i, raw in enumerate(iam["Policies"]):
        yield _managed_policy(item(raw, f"iam.Policies[{i}]"), f"iam.Policies[{i}]")
    for i, raw in enumerate(iam["GroupDetailList"]):
        yield from _principal("group", item(raw, f"iam.GroupDetailList[{i}]"), f"iam.GroupDetailList[{i}]")
    for i, raw in enumerate(iam["UserDetailList"]):
        yield from _principal("user", item(raw, f"iam.UserDetailList[{i}]"), f"iam.UserDetailList[{i}]")
    for i, raw in enumerate(iam["RoleDetailList"]):
        yield from _principal("role", item(raw, f"iam.RoleDetailList[{i}]"), f"iam.RoleDetailList[{i}]")
    for i, raw in enumerate(iam["OpenIDConnectProviderList"]):  # ListOpenIDConnectProviders: ARNs name the issuer
        arn = text(item(raw, f"iam.OpenIDConnectProviderList[{i}]"), "Arn", f"iam.OpenIDConnectProviderList[{i}]")
        yield _record("aws:iam/openIdConnectProvider:OpenIdConnectProvider", f"OIDC provider {arn}", {}, {"arn": arn})


def _managed_policy(body: Mapping[str, Any], where: str) -> Record:
    arn = str(text(body, "Arn", where))
    default = text(body, "DefaultVersionId", where, required=False)
    document = None
    for j, raw in enumerate(items(body, "PolicyVersionList", where)):
        version = item(raw, f"{where}.PolicyVersionList[{j}]")
        if version.get("IsDefaultVersion") is True or (default is not None and version.get("VersionId") == default):
            document = _document(version.get("Document"))
    name = text(body, "PolicyName", where, required=False) or arn.rsplit("/", 1)[-1]  # moto leaves it out of AWS-managed ones
    inputs = {"name": name, "path": body.get("Path") or "/", "policy": document}
    return _record("aws:iam/policy:Policy", arn, inputs, {"arn": arn})


_KEYS = {  # kind -> (name key, inline list key, Pulumi type segment)
    "user": ("UserName", "UserPolicyList", "user"),
    "group": ("GroupName", "GroupPolicyList", "group"),
    "role": ("RoleName", "RolePolicyList", "role"),
}


def _principal(kind: str, body: Mapping[str, Any], where: str) -> Iterator[Record]:
    name_key, inline_key, segment = _KEYS[kind]
    name = str(text(body, name_key, where))
    arn = text(body, "Arn", where)
    label = f"{kind}/{name}"
    inputs: dict[str, Any] = {"name": name, "path": body.get("Path") or "/"}
    boundary = body.get("PermissionsBoundary")
    if isinstance(boundary, Mapping) and boundary.get("PermissionsBoundaryArn"):
        inputs["permissionsBoundary"] = boundary["PermissionsBoundaryArn"]
    if kind == "role":
        inputs["assumeRolePolicy"] = _document(body.get("AssumeRolePolicyDocument"))
    title = segment.capitalize()
    yield _record(f"aws:iam/{segment}:{title}", label, inputs, {"arn": arn})
    for j, raw in enumerate(items(body, inline_key, where)):
        policy = item(raw, f"{where}.{inline_key}[{j}]")
        pname = text(policy, "PolicyName", f"{where}.{inline_key}[{j}]")
        yield _record(f"aws:iam/{segment}Policy:{title}Policy", f"{label} inline {pname}",
                      {segment: name, "name": pname, "policy": _document(policy.get("PolicyDocument"))})  # fmt: skip
    for j, raw in enumerate(items(body, "AttachedManagedPolicies", where)):
        attached = item(raw, f"{where}.AttachedManagedPolicies[{j}]")
        parn = text(attached, "PolicyArn", f"{where}.AttachedManagedPolicies[{j}]")
        yield _record(f"aws:iam/{segment}PolicyAttachment:{title}PolicyAttachment", f"{label} attaches {parn}",
                      {segment: name, "policyArn": parn})  # fmt: skip
    if kind == "user":
        groups = [str(g) for g in items(body, "GroupList", where)]
        if groups:
            yield _record("aws:iam/userGroupMembership:UserGroupMembership", f"{label} GroupList", {"user": name, "groups": groups})


# ---------------------------------------------------------------------------------------- EKS
def eks_records(eks: Mapping[str, Any], implicit: Implicit, server: Mapping[str, Any] | None = None,
                cluster_name: Any = None) -> Iterator[Record]:  # fmt: skip
    cluster = eks["cluster"]
    name = None
    if cluster is None and server_version(server):
        # DescribeCluster refused: the version the API server reports, the mode unknown (read as a
        # plan whose cluster sets it to null: inferred from the mappings, and answers say so)
        name = cluster_name if isinstance(cluster_name, str) else None
        yield _record("aws:eks/cluster:Cluster", f"cluster {name or '(unknown)'}",
                      {"name": name, "version": server_version(server), "accessConfig": None})  # fmt: skip
    if cluster is not None:
        name = text(cluster, "name", "eks.cluster")
        inputs: dict[str, Any] = {"name": name, "version": cluster.get("version")}
        if isinstance(cluster.get("accessConfig"), Mapping):
            inputs["accessConfig"] = {"authenticationMode": cluster["accessConfig"].get("authenticationMode")}
        issuer = ((cluster.get("identity") or {}).get("oidc") or {}).get("issuer")
        outputs = {"arn": cluster.get("arn"), "identities": [{"oidcs": [{"issuer": issuer}]}] if issuer else []}
        yield _record("aws:eks/cluster:Cluster", f"cluster {name}", inputs, outputs)
    for i, raw in enumerate(eks["accessEntries"]):
        yield from _access_entry(item(raw, f"eks.accessEntries[{i}]"), f"eks.accessEntries[{i}]", implicit)
    for i, raw in enumerate(eks["podIdentityAssociations"]):
        where = f"eks.podIdentityAssociations[{i}]"
        body = item(raw, where)
        ns, sa = text(body, "namespace", where), text(body, "serviceAccount", where)
        inputs = {"clusterName": body.get("clusterName") or name, "namespace": ns, "serviceAccount": sa,
                  "roleArn": text(body, "roleArn", where)}  # fmt: skip
        yield _record("aws:eks/podIdentityAssociation:PodIdentityAssociation", f"pod identity {ns}/{sa}", inputs,
                      {"arn": body.get("associationArn")})  # fmt: skip
    for i, raw in enumerate(eks.get("addons") or []):  # absent from version 1
        yield _addon(item(raw, f"eks.addons[{i}]"), f"eks.addons[{i}]", name)


def _addon(body: Mapping[str, Any], where: str, cluster: str | None) -> Record:
    """DescribeAddon's add-on as a plan's ``aws:eks/addon:Addon``: kept among the records, as a plan's
    are (the model draws no access fact from an add-on; its IRSA role and Pod Identity associations
    are read where access comes from: the ServiceAccount annotation, the associations)."""
    addon = str(text(body, "addonName", where))
    inputs = {"clusterName": body.get("clusterName") or cluster, "addonName": addon, "addonVersion": body.get("addonVersion"),
              "serviceAccountRoleArn": body.get("serviceAccountRoleArn")}  # fmt: skip
    return _record("aws:eks/addon:Addon", f"add-on {addon}", inputs, {"arn": body.get("addonArn")})


def capabilities(eks: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``eks.capabilities`` (DescribeCapability each; absent where not collected), each naming its
    name, type and role."""
    out = []
    for i, raw in enumerate(items(eks, "capabilities", "eks")):
        cap = item(raw, f"eks.capabilities[{i}]")
        for key in ("capabilityName", "type", "roleArn"):
            text(cap, key, f"eks.capabilities[{i}]")
        out.append(cap)
    return out


def _access_entry(body: Mapping[str, Any], where: str, implicit: Implicit) -> Iterator[Record]:
    entry = item(body.get("accessEntry"), f"{where}.accessEntry")
    arn = str(text(entry, "principalArn", f"{where}.accessEntry"))
    why = implicit.entry(entry, body)
    inputs = {"clusterName": entry.get("clusterName"), "principalArn": arn, "kubernetesGroups": entry.get("kubernetesGroups") or [],
              "userName": entry.get("username"), "type": entry.get("type") or "STANDARD"}  # fmt: skip
    yield _record("aws:eks/accessEntry:AccessEntry", arn, inputs, {"arn": entry.get("accessEntryArn")}, why)
    for j, raw in enumerate(items(body, "associatedAccessPolicies", where)):
        at = f"{where}.associatedAccessPolicies[{j}]"
        assoc = item(raw, at)
        policy = text(assoc, "policyArn", at)
        scope = item(assoc.get("accessScope") or {"type": "cluster"}, f"{at}.accessScope")
        yield _record("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", f"{str(policy).rsplit('/', 1)[-1]} association of {arn}",
                      {"clusterName": entry.get("clusterName"), "principalArn": arn, "policyArn": policy,
                       "accessScope": dict(scope)}, implicit=implicit.association(arn, policy, why))  # fmt: skip


def server_version(server: Mapping[str, Any] | None) -> str | None:
    """``major.minor`` from GET /version (EKS reports minor as ``31+``)."""
    if not isinstance(server, Mapping):
        return None
    major, minor = str(server.get("major") or ""), "".join(c for c in str(server.get("minor") or "") if c.isdigit())
    return f"{major}.{minor}" if major.isdigit() and minor else None


# ---------------------------------------------------------------------------------------- Kubernetes
_K8S = (  # snapshot key, record type, kind shown in names, namespaced
    ("namespaces", "kubernetes:core/v1:Namespace", "Namespace", False),
    ("clusterRoles", _RBAC + "ClusterRole", "ClusterRole", False),
    ("clusterRoleBindings", _RBAC + "ClusterRoleBinding", "ClusterRoleBinding", False),
    ("roles", _RBAC + "Role", "Role", True),
    ("roleBindings", _RBAC + "RoleBinding", "RoleBinding", True),
    ("serviceAccounts", "kubernetes:core/v1:ServiceAccount", "ServiceAccount", True),
)


def kubernetes_records(k8s: Mapping[str, Any], implicit: Implicit) -> Iterator[Record]:
    for key, rtype, kind, namespaced in _K8S:
        for i, raw in enumerate(k8s[key]):
            where = f"kubernetes.{key}[{i}]"
            obj = item(raw, where)
            meta = item(obj.get("metadata"), f"{where}.metadata")
            name = text(meta, "name", f"{where}.metadata")
            ns = text(meta, "namespace", f"{where}.metadata") if namespaced else None
            label = f"{kind} {ns}/{name}" if ns else f"{kind} {name}"
            yield _record(rtype, label, obj, implicit=implicit.kubernetes(kind, meta))
    aws_auth = k8s["awsAuth"]
    if aws_auth is not None:
        meta = item(aws_auth.get("metadata"), "kubernetes.awsAuth.metadata")
        if (meta.get("name"), meta.get("namespace")) != ("aws-auth", "kube-system"):
            raise SnapshotError("kubernetes.awsAuth.metadata: must be the ConfigMap kube-system/aws-auth")
        yield _record("kubernetes:core/v1:ConfigMap", "ConfigMap kube-system/aws-auth", aws_auth)
