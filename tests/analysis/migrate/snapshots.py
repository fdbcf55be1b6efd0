"""Hand-made snapshot documents (docs/snapshot-format.md) of clusters that still read aws-auth.

The shape is the collector's (DescribeCluster, DescribeAccessEntry, ListAssociatedAccessPolicies,
the aws-auth ConfigMap as the API server returns it); only what a migration reads is filled in.
The cluster was created with ``bootstrapClusterCreatorAdminPermissions`` by ``CREATOR``, whose
entry EKS made within the creation window (so the reader marks it ``eks-cluster-creator``). A
``CONFIG_MAP`` cluster shows no access entry at all: EKS answers the access entry API with
InvalidRequestException in that mode, and the collector does not ask (snapshot/collect.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from tests.builders import ACCOUNT, CLUSTER, CLUSTER_ADMIN_POLICY

CREATED = "2026-01-05T10:00:00+00:00"
CREATOR = f"arn:aws:iam::{ACCOUNT}:role/ClusterCreator"
RBAC_API = "rbac.authorization.k8s.io/v1"


def role_detail(name: str, path: str = "/") -> dict[str, Any]:
    """A role as GetAccountAuthorizationDetails lists it, assumable from the account."""
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}  # fmt: skip
    return {"Path": path, "RoleName": name, "RoleId": f"AROA{name.upper()}", "Arn": f"arn:aws:iam::{ACCOUNT}:role{path}{name}",
            "CreateDate": CREATED, "AssumeRolePolicyDocument": trust, "RolePolicyList": [], "AttachedManagedPolicies": [],
            "InstanceProfileList": [], "Tags": []}  # fmt: skip


def entry(arn: str, *, type_: str = "STANDARD", username: str | None = None, groups: Sequence[str] = (),
          policies: Sequence[str] = (), created: str = "2026-01-20T10:00:00+00:00") -> dict[str, Any]:  # fmt: skip
    """DescribeAccessEntry's entry and its ListAssociatedAccessPolicies (cluster scope)."""
    name = arn.rsplit("/", 1)[-1]
    default = f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{{{{SessionName}}}}" if ":role/" in arn else arn
    return {"accessEntry": {"clusterName": CLUSTER, "principalArn": arn, "kubernetesGroups": list(groups),
                            "accessEntryArn": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:access-entry/{CLUSTER}/{name}",
                            "createdAt": created, "modifiedAt": created, "tags": {}, "username": username or default, "type": type_},
            "associatedAccessPolicies": [{"policyArn": p, "accessScope": {"type": "cluster", "namespaces": []},
                                          "associatedAt": created, "modifiedAt": created} for p in policies]}  # fmt: skip


def binding(name: str, role: str, *, groups: Sequence[str] = (), users: Sequence[str] = ()) -> dict[str, Any]:
    subjects = [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g} for g in groups]
    subjects += [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": u} for u in users]
    return {"apiVersion": RBAC_API, "kind": "ClusterRoleBinding", "metadata": {"name": name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}, "subjects": subjects}  # fmt: skip


VIEW = {"apiVersion": RBAC_API, "kind": "ClusterRole", "metadata": {"name": "view"},
        "rules": [{"apiGroups": [""], "resources": ["pods", "services"], "verbs": ["get", "list", "watch"]}]}  # fmt: skip
ADMIN = {"apiVersion": RBAC_API, "kind": "ClusterRole", "metadata": {"name": "cluster-admin"},
         "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]}  # fmt: skip


def snapshot(mode: str = "CONFIG_MAP", *, map_roles: Sequence[Mapping[str, Any]] = (), map_users: Sequence[Mapping[str, Any]] = (),
             map_accounts: Sequence[str] = (), entries: Sequence[dict[str, Any]] = (), bindings: Sequence[dict[str, Any]] = (),
             roles: Sequence[dict[str, Any]] = (), caller: str | None = None, extra_data: Mapping[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    data = {key: yaml.safe_dump(list(rows), sort_keys=False)
            for key, rows in (("mapRoles", map_roles), ("mapUsers", map_users), ("mapAccounts", list(map_accounts))) if rows}  # fmt: skip
    aws_auth = {"apiVersion": "v1", "kind": "ConfigMap", "data": {**data, **dict(extra_data or {})},
                "metadata": {"name": "aws-auth", "namespace": "kube-system", "uid": "0d9a", "resourceVersion": "812",
                             "creationTimestamp": CREATED}}  # fmt: skip
    creator = entry(CREATOR, policies=[CLUSTER_ADMIN_POLICY], created="2026-01-05T10:08:00+00:00")
    doc: dict[str, Any] = {
        "format": "eks-access-snapshot", "version": 2, "collectedAt": "2026-02-02T08:00:00+00:00", "account": ACCOUNT,
        "partition": "aws", "region": "ap-northeast-2", "cluster": CLUSTER,
        "iam": {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": list(roles), "Policies": [], "OpenIDConnectProviderList": []},
        "eks": {"cluster": {"name": CLUSTER, "arn": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/{CLUSTER}", "createdAt": CREATED,
                            "version": "1.34", "status": "ACTIVE",
                            "accessConfig": {"bootstrapClusterCreatorAdminPermissions": True, "authenticationMode": mode}},
                "accessEntries": [*([] if mode == "CONFIG_MAP" else [creator]), *entries], "podIdentityAssociations": [], "addons": []},
        "kubernetes": {"serverVersion": {"major": "1", "minor": "34", "gitVersion": "v1.34.0-eks"},
                       "namespaces": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}}],
                       "clusterRoles": [VIEW, ADMIN], "clusterRoleBindings": list(bindings), "roles": [], "roleBindings": [],
                       "serviceAccounts": [], "awsAuth": aws_auth, "discovery": None},
        "denied": [],
    }  # fmt: skip
    if caller is not None:
        doc["caller"] = caller
    return doc
