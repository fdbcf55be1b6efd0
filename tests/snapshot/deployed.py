"""A plan "deployed": the snapshot document a collector would read from the account and cluster
that ``pulumi up`` of the plan makes, in the services' own response shapes.

IAM as GetAccountAuthorizationDetails returns it (through boto3: documents decoded), EKS as
DescribeCluster / DescribeAccessEntry / ListAssociatedAccessPolicies /
DescribePodIdentityAssociation / DescribeAddon return it, Kubernetes objects as the API server stores them
(the manifests, plus the bootstrap RBAC every cluster of the version starts with, with the
``kubernetes.io/bootstrapping: rbac-defaults`` label the API server puts on it), and the
release's discovery.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from eks_access.kubedata import bootstrap_policy
from eks_access.kubedata.resources import API_RESOURCES_FILE
from eks_access.kubedata.versions import DATA_PACKAGE

ACCOUNT = "111122223333"
CREATED = "2026-01-05T10:00:00+00:00"
_RBAC_KEYS = {"ClusterRole": "clusterRoles", "ClusterRoleBinding": "clusterRoleBindings", "Role": "roles", "RoleBinding": "roleBindings"}


def _doc(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def served(version: str) -> list[dict[str, Any]]:
    """What a cluster of ``version`` serves: the release's own discovery, as the project ships it."""
    text = resources.files(DATA_PACKAGE).joinpath("data", version, API_RESOURCES_FILE).read_text(encoding="utf-8")
    out: list[dict[str, Any]] = json.loads(text)["resources"]
    return out


def deploy(records: Sequence[Mapping[str, Any]], *, version: str | None = None) -> dict[str, Any]:
    """The snapshot of ``records`` deployed; the cluster runs the version the plan asks for (else 1.34)."""
    asked = [r["inputs"].get("version") for r in records if r["type"] == "eks:index:Cluster"]
    version = version or next((v for v in asked if isinstance(v, str)), None) or "1.34"
    roles: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {}
    users: dict[str, dict[str, Any]] = {}
    attached: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    inline: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    cluster: dict[str, Any] | None = None
    entries: dict[str, dict[str, Any]] = {}
    pods: list[dict[str, Any]] = []
    addons: list[dict[str, Any]] = []
    k8s: dict[str, list[Any]] = {k: [] for k in ("namespaces", "clusterRoles", "clusterRoleBindings", "roles", "roleBindings", "serviceAccounts")}

    def user(name: str, arn: str | None = None) -> None:
        users.setdefault(name, {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper()}",
                                "Arn": arn or f"arn:aws:iam::{ACCOUNT}:user/{name}", "CreateDate": CREATED})  # fmt: skip

    for r in records:
        t, ins, outs = r["type"], r["inputs"], r["outputs"]
        if t == "aws:iam/role:Role":
            roles[ins["name"]] = {"Path": ins.get("path", "/"), "RoleName": ins["name"], "RoleId": f"AROA{len(roles)}",
                                  "Arn": outs["arn"], "CreateDate": CREATED, "AssumeRolePolicyDocument": _doc(ins["assumeRolePolicy"])}  # fmt: skip
        elif t == "aws:iam/group:Group":
            groups[ins["name"]] = {"Path": ins.get("path", "/"), "GroupName": ins["name"], "GroupId": f"AGPA{len(groups)}",
                                   "Arn": f"arn:aws:iam::{ACCOUNT}:group/{ins['name']}", "CreateDate": CREATED}  # fmt: skip
        elif t in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/groupPolicy:GroupPolicy"):
            kind = "role" if "rolePolicy" in t else "group"
            inline[(kind, ins[kind])].append({"PolicyName": ins["name"], "PolicyDocument": _doc(ins["policy"])})
        elif t == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            attached[("role", ins["role"])].append({"PolicyName": ins["policyArn"].rsplit("/", 1)[1], "PolicyArn": ins["policyArn"]})
        elif t == "aws:iam/userGroupMembership:UserGroupMembership":
            user(ins["user"])
            members[ins["user"]] += ins["groups"]
        elif t == "eks:index:Cluster":
            cluster = {"name": ins["name"], "arn": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/{ins['name']}",
                       "createdAt": CREATED, "version": version, "status": "ACTIVE",
                       "identity": {"oidc": {"issuer": "https://oidc.eks.ap-northeast-2.amazonaws.com/id/34DC390C3284D5349D1318C9255B5FDD"}},
                       "accessConfig": {"bootstrapClusterCreatorAdminPermissions": True, "authenticationMode": ins["authenticationMode"]}}  # fmt: skip
        elif t == "aws:eks/accessEntry:AccessEntry":
            arn = ins["principalArn"]
            if ":user/" in arn:
                user(arn.rsplit("/", 1)[1], arn)
            username = ins.get("userName") or (f"arn:aws:sts::{ACCOUNT}:assumed-role/{arn.rsplit('/', 1)[1]}/{{{{SessionName}}}}"
                                               if ":role/" in arn else arn)  # fmt: skip
            if ins.get("type") == "EC2_LINUX":
                username = "system:node:{{EC2PrivateDNSName}}"
            entries[arn] = {"accessEntry": {
                "clusterName": ins["clusterName"], "principalArn": arn, "kubernetesGroups": ins.get("kubernetesGroups", []),
                "accessEntryArn": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:access-entry/{ins['clusterName']}/x/{len(entries)}",
                "createdAt": "2026-01-05T10:08:00+00:00" if r.get("implicit") else "2026-01-06T09:00:00+00:00",
                "modifiedAt": CREATED, "tags": {}, "username": username, "type": ins.get("type", "STANDARD"),
            }, "associatedAccessPolicies": []}  # fmt: skip
        elif t == "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
            entries[ins["principalArn"]]["associatedAccessPolicies"].append(
                {"policyArn": ins["policyArn"], "accessScope": {"type": ins["accessScope"]["type"],
                 "namespaces": ins["accessScope"].get("namespaces", [])}, "associatedAt": CREATED, "modifiedAt": CREATED})  # fmt: skip
        elif t == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            pods.append({"clusterName": ins["clusterName"], "namespace": ins["namespace"], "serviceAccount": ins["serviceAccount"],
                         "roleArn": ins["roleArn"], "associationArn": f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:podidentityassociation/x/a-{len(pods)}",
                         "associationId": f"a-{len(pods)}", "tags": {}, "createdAt": CREATED, "modifiedAt": CREATED})  # fmt: skip
        elif t == "aws:eks/addon:Addon":  # DescribeAddon's shape
            addons.append({"addonName": ins["addonName"], "clusterName": ins["clusterName"], "status": "ACTIVE",
                           "addonVersion": ins.get("addonVersion") or "v1.3.10-eksbuild.2", "health": {"issues": []},
                           "addonArn": outs["arn"], "createdAt": CREATED, "modifiedAt": CREATED, "tags": {}})  # fmt: skip
        elif t == "kubernetes:core/v1:Namespace":
            k8s["namespaces"].append(ins)
        elif t == "kubernetes:core/v1:ServiceAccount":
            k8s["serviceAccounts"].append(ins)
        elif t.startswith("kubernetes:rbac.authorization.k8s.io/"):
            k8s[_RBAC_KEYS[ins["kind"]]].append(ins)
    for name, u in users.items():
        u["GroupList"] = members.get(name, [])
        u["UserPolicyList"], u["AttachedManagedPolicies"] = [], []
    for name, g in groups.items():
        g["GroupPolicyList"], g["AttachedManagedPolicies"] = inline[("group", name)], []
    for name, role in roles.items():
        role["RolePolicyList"], role["AttachedManagedPolicies"] = inline[("role", name)], attached[("role", name)]
        role["InstanceProfileList"], role["Tags"] = [], []
    policy = bootstrap_policy(version)
    for kind, manifests in (("clusterRoles", policy.cluster_roles), ("clusterRoleBindings", policy.cluster_role_bindings),
                            ("roles", policy.roles), ("roleBindings", policy.role_bindings)):  # fmt: skip
        k8s[kind] = [*manifests, *k8s[kind]]
    k8s["namespaces"] = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}
                         for n in ("default", "kube-system", "kube-public", "kube-node-lease")] + k8s["namespaces"]  # fmt: skip
    return {
        "format": "eks-access-snapshot", "version": 2, "collectedAt": "2026-01-07T00:00:00+00:00",
        "account": ACCOUNT, "partition": "aws", "region": "ap-northeast-2", "cluster": cluster["name"] if cluster else None,
        "iam": {"UserDetailList": list(users.values()), "GroupDetailList": list(groups.values()),
                "RoleDetailList": list(roles.values()), "Policies": [],
                "OpenIDConnectProviderList": [{"Arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/34DC390C3284D5349D1318C9255B5FDD"}]},
        "eks": {"cluster": cluster, "accessEntries": list(entries.values()), "podIdentityAssociations": pods, "addons": addons,
                "capabilities": []},
        "kubernetes": {"serverVersion": {"major": "1", "minor": version.split(".")[1], "gitVersion": f"v{version}.0-eks"},
                       "awsAuth": None, **k8s, "discovery": {"resources": served(version), "unavailable": []}},
        "denied": [],
    }  # fmt: skip
