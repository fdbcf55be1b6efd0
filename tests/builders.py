"""Plan record builders (docs/plan-format.md) and the worked example's constants: ONE place.

Every test that needs hand-made plan records imports them from here. ``build_dev_plan`` is a
hand-made plan of the worked example (MISSION.md sections 1, 3 and 4), record for record the
shape the stack program produces, so the same tests also run on the real dev plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

ACCOUNT = "111122223333"
CLUSTER = "myeks"
ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
VIEWER_ARN = f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer"
OPERATORS_ARN = f"arn:aws:iam::{ACCOUNT}:role/EKSOperators"
DEV1 = f"arn:aws:iam::{ACCOUNT}:user/dev1"
DEV2 = f"arn:aws:iam::{ACCOUNT}:user/dev2"
OPE1 = f"arn:aws:iam::{ACCOUNT}:user/ope1"
CLUSTER_ARN = f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/{CLUSTER}"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"
RBAC_GROUP = "rbac.authorization.k8s.io"
CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

Record = dict[str, Any]


def rec(type_: str, name: str, inputs: Mapping[str, Any], *, outputs: Mapping[str, Any] | None = None,
        parent: str | None = None, custom: bool = True, implicit: str | None = None) -> Record:  # fmt: skip
    out: Record = {"type": type_, "name": name, "parent": parent, "custom": custom,
                   "inputs": dict(inputs), "outputs": dict(outputs or {})}  # fmt: skip
    if implicit is not None:
        out["implicit"] = implicit
    return out


def policy(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def role_arn(name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:role{path}{name}"


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def root_trust(condition: Mapping[str, Any] | None = None) -> str:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                          "Action": "sts:AssumeRole"}  # fmt: skip
    if condition:
        st["Condition"] = dict(condition)
    return policy(st)


# --- IAM ---------------------------------------------------------------------------------------


def iam_role(record_name: str, role_name: str, statements: list[dict[str, Any]], **extra: Any) -> Record:
    return rec("aws:iam/role:Role", record_name, {"name": role_name, "assumeRolePolicy": policy(*statements), **extra},
               outputs={"arn": role_arn(role_name, extra.get("path", "/")), "name": role_name})  # fmt: skip


def inline_policy(type_: str, name: str, statements: list[dict[str, Any]], **extra: Any) -> Record:
    return rec(type_, name, {"policy": policy(*statements), **extra})


def user_policy(record_name: str, user: str, *statements: Mapping[str, Any]) -> Record:
    return rec("aws:iam/userPolicy:UserPolicy", record_name, {"user": user, "name": record_name, "policy": policy(*statements)})


def membership(record_name: str, user: str, *groups: str) -> Record:
    return rec("aws:iam/userGroupMembership:UserGroupMembership", record_name, {"user": user, "groups": list(groups)})


def irsa_statement(sub: str | None = "system:serviceaccount:default:my-sa", aud: str | None = "sts.amazonaws.com",
                   issuer: str = ISSUER, like: bool = False) -> dict[str, Any]:  # fmt: skip
    equals: dict[str, str] = {}
    cond: dict[str, Any] = {}
    if aud is not None:
        equals[f"{issuer}:aud"] = aud
    if sub is not None:
        if like:
            cond["StringLike"] = {f"{issuer}:sub": sub}
        else:
            equals[f"{issuer}:sub"] = sub
    if equals:
        cond["StringEquals"] = equals
    statement: dict[str, Any] = {
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"},
    }  # fmt: skip
    if cond:
        statement["Condition"] = cond
    return statement


def oidc_provider(url: str = f"https://{ISSUER}") -> Record:
    return rec("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "myeks-oidc-provider",
               {"url": url, "clientIdLists": ["sts.amazonaws.com"]}, outputs={"arn": PROVIDER_ARN})  # fmt: skip


# --- EKS ---------------------------------------------------------------------------------------


def cluster(name: str = CLUSTER, mode: str | None = "API", **extra: Any) -> Record:
    inputs: dict[str, Any] = {"name": name, **extra}
    if mode is not None:
        inputs["authenticationMode"] = mode
    return rec("eks:index:Cluster", name, inputs, custom=False)


def aws_auth(name: str = "myeks-nodeAccess", map_roles: Any = None, map_users: Any = None,
             map_accounts: Any = None, parent: str | None = None) -> Record:  # fmt: skip
    data: dict[str, str] = {}
    if map_roles is not None:
        data["mapRoles"] = yaml.safe_dump(map_roles)
    if map_users is not None:
        data["mapUsers"] = yaml.safe_dump(map_users)
    if map_accounts is not None:
        data["mapAccounts"] = yaml.safe_dump(map_accounts)
    return rec("kubernetes:core/v1:ConfigMap", name, {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": data,
    }, parent=parent)  # fmt: skip


def access_entry(name: str, principal: str, groups: Sequence[str] = (), username: str | None = None,
                 entry_type: str = "STANDARD", **extra: Any) -> Record:  # fmt: skip
    inputs: dict[str, Any] = {"clusterName": CLUSTER, "principalArn": principal,
                              "kubernetesGroups": list(groups), "type": entry_type}  # fmt: skip
    if username is not None:
        inputs["userName"] = username
    return rec("aws:eks/accessEntry:AccessEntry", name, inputs, **extra)


def access_policy(name: str, principal: str, policy_name: str, namespaces: Sequence[str] | None = None,
                  **extra: Any) -> Record:  # fmt: skip
    scope: dict[str, Any] = {"type": "cluster"} if namespaces is None else {"type": "namespace", "namespaces": list(namespaces)}
    return rec("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", name, {
        "clusterName": CLUSTER, "principalArn": principal,
        "policyArn": f"arn:aws:eks::aws:cluster-access-policy/{policy_name}", "accessScope": scope,
    }, **extra)  # fmt: skip


# --- Kubernetes --------------------------------------------------------------------------------


def k8s_role(name: str, rules: list[dict[str, Any]], namespace: str | None = None,
             record_name: str | None = None, labels: Mapping[str, str] | None = None,
             aggregation: list[dict[str, Any]] | None = None) -> Record:  # fmt: skip
    kind = "Role" if namespace else "ClusterRole"
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = dict(labels)
    inputs: dict[str, Any] = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta, "rules": rules}
    if aggregation is not None:
        inputs["aggregationRule"] = {"clusterRoleSelectors": aggregation}
    return rec(RBAC + kind, record_name or f"{kind.lower()}-{name}", inputs)


def binding(name: str, role_kind: str, role_name: str, subjects: list[dict[str, Any]],
            namespace: str | None = None, record_name: str | None = None) -> Record:  # fmt: skip
    kind = "RoleBinding" if namespace else "ClusterRoleBinding"
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return rec(RBAC + kind, record_name or f"{kind.lower()}-{name}", {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta,
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": role_name},
        "subjects": subjects,
    })  # fmt: skip


def crb(record: str, name: str, role: str, subjects: list[dict[str, Any]]) -> Record:
    """A ClusterRoleBinding to a ClusterRole, under an explicit record name."""
    return binding(name, "ClusterRole", role, subjects, record_name=record)


def group(name: str) -> dict[str, str]:
    return {"kind": "Group", "name": name, "apiGroup": RBAC_GROUP}


def user(name: str) -> dict[str, str]:
    return {"kind": "User", "name": name, "apiGroup": RBAC_GROUP}


def sa_subject(name: str, namespace: str | None = None) -> dict[str, str]:
    out = {"kind": "ServiceAccount", "name": name}
    if namespace is not None:
        out["namespace"] = namespace
    return out


def service_account(name: str, namespace: str, automount: bool | None = None,
                    record_name: str | None = None, role: str | None = None) -> Record:  # fmt: skip
    meta: dict[str, Any] = {"name": name, "namespace": namespace}
    if role is not None:
        meta["annotations"] = {"eks.amazonaws.com/role-arn": role}
    inputs: dict[str, Any] = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}
    if automount is not None:
        inputs["automountServiceAccountToken"] = automount
    return rec("kubernetes:core/v1:ServiceAccount", record_name or f"{namespace}-{name}-sa", inputs)


# --- the worked example ------------------------------------------------------------------------


def team(name: str, group_name: str, members: list[str], role: str, username: str, k8s_group: str,
         trust: str, rbac: list[Record]) -> list[Record]:  # fmt: skip
    arn = role_arn(role)
    out = [
        rec("eks-access:index:TeamAccess", name, {}, custom=False),
        rec("aws:iam/group:Group", f"{name}-group", {"name": group_name, "path": "/"}, parent=name,
            outputs={"arn": f"arn:aws:iam::{ACCOUNT}:group/{group_name}", "name": group_name}),
    ]  # fmt: skip
    out += [membership(f"{name}-member/{m}", m, group_name) | {"parent": name} for m in members]
    out += [
        rec("aws:iam/role:Role", f"{name}-role",
            {"name": role, "path": "/", "assumeRolePolicy": trust, "maxSessionDuration": 3600,
             "tags": {"team": name}}, parent=name, outputs={"arn": arn, "name": role}),
        rec("aws:iam/groupPolicy:GroupPolicy", f"{name}-assume-role",
            {"group": group_name, "name": f"{name}-assume-role",
             "policy": policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn})}, parent=name),
        rec("aws:iam/rolePolicy:RolePolicy", f"{name}-describe-cluster",
            {"role": role, "name": f"{name}-describe-cluster",
             "policy": policy({"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER_ARN})},
            parent=name),
        rec("aws:eks/accessEntry:AccessEntry", f"{name}-access-entry",
            {"clusterName": CLUSTER, "principalArn": arn, "kubernetesGroups": [k8s_group],
             "userName": username, "type": "STANDARD"}, parent=name),
    ]  # fmt: skip
    for r in rbac:
        r["parent"] = name
    return out + rbac


def workload(name: str, ns: str, sa: str, rules: list[dict[str, Any]], managed: list[str]) -> list[Record]:
    role_name = f"{name}-irsa"
    arn = role_arn(role_name)
    trust = policy({
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER_ARN},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{ISSUER}:sub": f"system:serviceaccount:{ns}:{sa}",
                                       f"{ISSUER}:aud": "sts.amazonaws.com"}},
    })  # fmt: skip
    out = [
        rec("eks-access:index:WorkloadIdentity", name, {}, custom=False),
        rec("aws:iam/role:Role", f"{name}-role", {"name": role_name, "assumeRolePolicy": trust},
            parent=name, outputs={"arn": arn, "name": role_name}),
    ]  # fmt: skip
    out += [
        rec("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"{name}-managed-{i}",
            {"role": role_name, "policyArn": p}, parent=name)
        for i, p in enumerate(managed)
    ]  # fmt: skip
    sa_record = service_account(sa, ns, automount=True, record_name=f"{name}-sa", role=arn)
    role_record = k8s_role(f"{sa}-api", rules, namespace=ns, record_name=f"{name}-rbac-role")
    binding_record = binding(f"{sa}-api", "Role", f"{sa}-api", [sa_subject(sa, ns)], namespace=ns,
                             record_name=f"{name}-rbac-binding")  # fmt: skip
    for r in (sa_record, role_record, binding_record):
        r["parent"] = name
    return [*out, sa_record, role_record, binding_record]


POD_RULES = [{"apiGroups": [""], "resources": ["pods"],
              "verbs": ["get", "list", "watch", "create", "delete", "update", "patch"]}]  # fmt: skip


def build_dev_plan() -> list[Record]:
    records: list[Record] = [
        rec("aws:iam/role:Role", f"{CLUSTER}-node-role", {
            "name": f"{CLUSTER}-node-role",
            "assumeRolePolicy": policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                        "Action": "sts:AssumeRole"})},
            outputs={"arn": role_arn(f"{CLUSTER}-node-role")}),
        rec("eks:index:Cluster", CLUSTER, {
            "name": CLUSTER, "authenticationMode": "API", "createOidcProvider": True,
            "instanceRoles": [{"$ref": f"aws:iam/role:Role::{CLUSTER}-node-role"}]}, custom=False),
    ]  # fmt: skip
    records += team(
        "developers", "Developers", ["dev1"], "EKSMyExampleViewer", "developer", "developers",
        root_trust({"StringLike": {"sts:RoleSessionName": "${aws:username}"}}),
        [crb("developers-crb-view", "developers-view", "view", [group("developers")])],
    )
    records += team(
        "operators", "Operators", ["ope1"], "EKSOperators", "operator", "operators", root_trust(),
        [
            k8s_role("pod-node-reader", [{"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": ["get", "watch", "list"]}],
                     record_name="operators-clusterrole-pod-node-reader"),
            crb("operators-crb-pod-node-reader", "operators-pod-node-reader", "pod-node-reader", [group("operators")]),
        ],
    )  # fmt: skip
    for ns in ("dev-team", "infra-team"):
        records.append(rec("kubernetes:core/v1:Namespace", f"ns-{ns}", {"metadata": {"name": ns}}))
    records += workload("dev-k8s", "dev-team", "dev-k8s", POD_RULES, ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
    records += workload("infra-k8s", "infra-team", "infra-k8s", POD_RULES, [])
    return records
