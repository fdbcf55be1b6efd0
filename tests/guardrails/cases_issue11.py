"""The patterns of issue 11: a violating plan with its exact finding, a compliant plan and an
allow-list entry for each (run by test_rules.py through the rules and the policy pack)."""

from __future__ import annotations

from typing import Any

from tests.builders import (
    ACCOUNT,
    CLUSTER,
    CLUSTER_ADMIN_POLICY,
    RBAC_GROUP,
    access_entry,
    access_policy,
    binding,
    cluster,
    group,
    iam_role,
    irsa_statement,
    k8s_role,
    policy,
    rec,
    role_arn,
    sa_subject,
    user,
    user_arn,
)
from tests.guardrails.harness import Case

POD_IDENTITY_TRUST = {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
                      "Action": ["sts:AssumeRole", "sts:TagSession"]}  # fmt: skip
DEPLOYER = user_arn("deployer")
FOREIGN = "arn:aws:iam::444455556666:role/Deployer"
FOREIGN_PROVIDER = "arn:aws:iam::444455556666:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER"
UNKNOWN_MANAGED = "arn:aws:iam::aws:policy/EksAccessTestPolicyNobodyShips"


def workload_role(*statements: dict[str, Any], trust: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    inline = [{"name": "app", "policy": policy(*statements)}] if statements else []
    return iam_role("app-role", "App", [trust or irsa_statement()], inlinePolicies=inline, **extra)


def break_glass_entry(principal: str) -> dict[str, Any]:
    return rec("aws:eks/accessEntry:AccessEntry", "myeks-admin-access-entry-BreakGlass", {
        "clusterName": CLUSTER, "principalArn": principal, "type": "STANDARD",
        "tags": {"eks-access/break-glass": "true"}})  # fmt: skip


def creator_records() -> list[dict[str, Any]]:
    return [
        cluster(),
        access_entry("myeks-creator-access-entry", DEPLOYER, parent="myeks", implicit="eks-cluster-creator"),
        rec("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "myeks-creator-admin-policy", {
            "clusterName": CLUSTER, "principalArn": DEPLOYER, "policyArn": CLUSTER_ADMIN_POLICY,
            "accessScope": {"type": "cluster"}}, parent="myeks", implicit="eks-cluster-creator"),
    ]  # fmt: skip


DEPLOYS = [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "create"]}]
CM_EDIT = [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "update", "patch"]}]

ISSUE_11_CASES = [
    Case("pod-create-cluster-wide", "RBAC-POD-CREATE",
         [k8s_role("deployer", DEPLOYS), binding("deployer", "ClusterRole", "deployer", [group("ci")])],
         [("clusterrolebinding-deployer", "mandatory",
           "ClusterRoleBinding 'deployer' gives Group ci ClusterRole deployer cluster-wide, which allows create "
           "deployments.apps: a pod started there can run as any ServiceAccount")],
         [k8s_role("deployer", DEPLOYS), binding("deployer", "ClusterRole", "deployer", [group("ci")], namespace="ci")],
         "deployer"),
    Case("pod-create-builtin-edit-cluster-wide", "RBAC-POD-CREATE",
         [binding("devs-edit", "ClusterRole", "edit", [group("developers")])],
         [("clusterrolebinding-devs-edit", "mandatory",
           "ClusterRoleBinding 'devs-edit' gives Group developers built-in ClusterRole edit cluster-wide, which "
           "allows create pods, update pods, patch pods, create deployments.apps")],
         [binding("devs-edit", "ClusterRole", "edit", [group("developers")], namespace="dev-team")],
         "Group:developers"),
    Case("pod-create-builtin-admin-kube-system", "RBAC-POD-CREATE",
         [binding("ops-admin", "ClusterRole", "admin", [group("operators")], namespace="kube-system")],
         [("rolebinding-ops-admin", "mandatory",
           "RoleBinding 'kube-system/ops-admin' gives Group operators built-in ClusterRole admin in namespace "
           "kube-system, which allows create pods")],
         [binding("ops-admin", "ClusterRole", "admin", [group("operators")], namespace="ops")],
         "kube-system/ops-admin"),
    Case("system-secrets-by-name", "RBAC-SYSTEM-SECRETS",
         [k8s_role("sec", [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["lb-tls"], "verbs": ["get"]}],
                   namespace="kube-system"),
          binding("sec", "Role", "sec", [sa_subject("lb")], namespace="kube-system")],
         [("rolebinding-sec", "mandatory",
           "RoleBinding 'kube-system/sec' gives ServiceAccount kube-system/lb Role kube-system/sec in namespace "
           "kube-system, which allows get secrets 'lb-tls' in kube-system")],
         [k8s_role("sec", [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["lb-tls"], "verbs": ["get"]}],
                   namespace="apps"),
          binding("sec", "Role", "sec", [sa_subject("lb")], namespace="apps")],
         "kube-system/sec"),
    Case("aws-auth-writable", "RBAC-AWS-AUTH",
         [cluster(mode="API_AND_CONFIG_MAP"), k8s_role("cm-editor", CM_EDIT, namespace="kube-system"),
          binding("cm-editor", "Role", "cm-editor", [group("platform")], namespace="kube-system")],
         [("rolebinding-cm-editor", "mandatory",
           "allows update configmaps 'aws-auth', patch configmaps 'aws-auth' in kube-system while the cluster "
           "authenticates through aws-auth (API_AND_CONFIG_MAP): a new mapRoles entry maps any IAM role to "
           "system:masters")],
         [cluster(mode="API"), k8s_role("cm-editor", CM_EDIT, namespace="kube-system"),
          binding("cm-editor", "Role", "cm-editor", [group("platform")], namespace="kube-system")],
         "kube-system/cm-editor"),
    Case("default-sa-privileged", "RBAC-DEFAULT-SA",
         [binding("default-edit", "ClusterRole", "edit", [sa_subject("default")], namespace="apps")],
         [("rolebinding-default-edit", "mandatory",
           "RoleBinding 'apps/default-edit' gives ServiceAccount apps/default ClusterRole edit, which allows "
           "create pods: every pod of the namespace")],
         [binding("app-edit", "ClusterRole", "edit", [sa_subject("app")], namespace="apps")],
         "apps/default-edit"),
    Case("default-sa-unprivileged", "RBAC-DEFAULT-SA",
         [binding("default-view", "ClusterRole", "view", [sa_subject("default", "apps")])],
         [("clusterrolebinding-default-view", "advisory",
           "ClusterRoleBinding 'default-view' gives ServiceAccount apps/default ClusterRole view: every pod")],
         [binding("default-view", "ClusterRole", "view", [sa_subject("reader", "apps")])],
         "ServiceAccount:default"),
    Case("services-status", "RBAC-SERVICES-STATUS",
         [k8s_role("lb", [{"apiGroups": [""], "resources": ["services/status"], "verbs": ["get", "patch"]}])],
         [("clusterrole-lb", "mandatory", "ClusterRole 'lb' grants patch services/status: setting a LoadBalancer's")],
         [k8s_role("lb", [{"apiGroups": [""], "resources": ["services", "services/status"], "verbs": ["get"]},
                          {"apiGroups": [""], "resources": ["services"], "verbs": ["update"]}])],
         "lb"),
    Case("exec-ephemeral-containers", "RBAC-EXEC",
         [k8s_role("debugger", [{"apiGroups": [""], "resources": ["pods/ephemeralcontainers"],
                                 "verbs": ["update", "patch"]}], namespace="dev")],
         [("role-debugger", "mandatory",
           "Role 'dev/debugger' grants update pods/ephemeralcontainers, patch pods/ephemeralcontainers")],
         [k8s_role("debugger", [{"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["get"]}],
                   namespace="dev")],
         "dev/debugger"),
    Case("escalate-narrowed-to-privileged", "RBAC-ESCALATE",
         [k8s_role("binder", [{"apiGroups": [RBAC_GROUP], "resources": ["clusterroles"],
                               "resourceNames": ["view", "cluster-admin"], "verbs": ["bind"]},
                              {"apiGroups": [""], "resources": ["groups"], "resourceNames": ["system:masters"],
                               "verbs": ["impersonate"]}])],
         [("clusterrole-binder", "mandatory",
           "ClusterRole 'binder' grants bind clusterroles 'cluster-admin' (ClusterRole cluster-admin allows create "
           "pods); impersonate groups 'system:masters' (member of system:masters): resourceNames narrows it to a "
           "privileged target")],
         [k8s_role("binder", [{"apiGroups": [RBAC_GROUP], "resources": ["clusterroles"],
                               "resourceNames": ["view"], "verbs": ["bind"]},
                              {"apiGroups": [""], "resources": ["groups"], "resourceNames": ["readers"],
                               "verbs": ["impersonate"]}])],
         "binder"),
    Case("impersonate-narrowed-to-admin-user", "RBAC-ESCALATE",
         [k8s_role("imp", [{"apiGroups": [""], "resources": ["users"], "resourceNames": ["alice"],
                            "verbs": ["impersonate"]}]),
          k8s_role("pod-starter", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}]),
          binding("alice-pods", "ClusterRole", "pod-starter", [user("alice")])],
         [("clusterrole-imp", "mandatory",
           "ClusterRole 'imp' grants impersonate users 'alice' (ClusterRoleBinding alice-pods gives it ClusterRole "
           "pod-starter (create pods))")],
         [k8s_role("imp", [{"apiGroups": [""], "resources": ["users"], "resourceNames": ["alice"],
                            "verbs": ["impersonate"]}]),
          binding("alice-view", "ClusterRole", "view", [user("alice")])],
         "imp"),
    Case("workload-passrole-and-launch", "IAM-WORKLOAD-ESCALATION",
         [workload_role({"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"})],
         [("app-role", "mandatory",
           "workload role 'App' can escalate to any IAM permission of the account: iam:PassRole on any role with "
           "ec2:RunInstances; scope iam:PassRole")],
         [workload_role({"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn("batch-worker")},
                        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"})],
         "App"),
    Case("workload-iam-writes-managed-admin", "IAM-WORKLOAD-ESCALATION",
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"])],
         [("app-role", "mandatory",
           "iam:PassRole on any role with ec2:RunInstances, lambda:CreateFunction, ecs:RunTask, "
           "glue:CreateDevEndpoint, cloudformation:CreateStack, codebuild:CreateProject, "
           "sagemaker:CreateNotebookInstance; iam:AttachRolePolicy; iam:PutRolePolicy")],
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"],
                        permissionsBoundary="arn:aws:iam::111122223333:policy/app-boundary"),
          rec("aws:iam/policy:Policy", "app-boundary", {"name": "app-boundary", "policy": policy(
              {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})},
              outputs={"arn": "arn:aws:iam::111122223333:policy/app-boundary"})],
         role_arn("App")),
    Case("workload-unknown-managed-policy", "IAM-WORKLOAD-ESCALATION",
         [workload_role(trust=POD_IDENTITY_TRUST, managedPolicyArns=[UNKNOWN_MANAGED])],
         [("app-role", "advisory",
           f"workload role 'App' has policies whose contents eks-access does not ship ({UNKNOWN_MANAGED}), so its "
           "effective permissions cannot be judged")],
         [workload_role({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, trust=POD_IDENTITY_TRUST)],
         "App"),
    Case("workload-secret-reads", "IAM-WORKLOAD-SECRETS",
         [workload_role({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
                        {"Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "arn:aws:ssm:*:*:parameter/*"},
                        trust=POD_IDENTITY_TRUST)],
         [("app-role", "mandatory",
           "workload role 'App' can read every secret of its kind in the account: secretsmanager:GetSecretValue, "
           "ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath on '*'")],
         [workload_role({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                         "Resource": f"arn:aws:secretsmanager:ap-northeast-2:{ACCOUNT}:secret:app/db-*"},
                        trust=POD_IDENTITY_TRUST)],
         "App"),
    Case("workload-eks-access-management", "IAM-WORKLOAD-EKS-ACCESS",
         [workload_role({"Effect": "Allow", "Action": ["eks:CreateAccessEntry", "eks:AssociateAccessPolicy"],
                         "Resource": "*"})],
         [("app-role", "mandatory",
           "workload role 'App' can manage cluster access: eks:CreateAccessEntry, eks:AssociateAccessPolicy; a pod "
           "with it can give any principal")],
         [workload_role({"Effect": "Allow", "Action": ["eks:DescribeCluster", "eks:ListAccessEntries"], "Resource": "*"})],
         role_arn("App")),
    Case("workload-lambda-full-access-judged-by-contents", "IAM-WORKLOAD-ESCALATION",
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/AWSLambda_FullAccess"])],
         [("app-role", "mandatory", "iam:PassRole on any role with lambda:CreateFunction;")],
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/AmazonEC2FullAccess"])],
         "App"),
    Case("workload-secrets-manager-read-write", "IAM-WORKLOAD-SECRETS",
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/SecretsManagerReadWrite"])],
         [("app-role", "mandatory", "can read every secret of its kind in the account: secretsmanager:GetSecretValue on '*'")],
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])],
         "App"),
    Case("workload-power-user", "IAM-WORKLOAD-EKS-ACCESS",
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/PowerUserAccess"])],
         [("app-role", "mandatory", "can manage cluster access: eks:CreateAccessEntry, eks:UpdateAccessEntry, "
           "eks:AssociateAccessPolicy, eks:UpdateClusterConfig, eks:CreateCluster;")],
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/ReadOnlyAccess"])],
         "App"),
    Case("power-user-attached-judged-by-contents", "IAM-WILDCARD",
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/PowerUserAccess"])],
         [("app-role", "mandatory", "attaches PowerUserAccess (arn:aws:iam::aws:policy/PowerUserAccess), which allows "
           "every action but iam:*, organizations:*, account:*: full control")],
         [workload_role(managedPolicyArns=["arn:aws:iam::aws:policy/ReadOnlyAccess"])],
         "App"),
    Case("trust-cross-account", "IAM-TRUST-CROSS-ACCOUNT",
         [iam_role("partner-role", "Partner", [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"AWS": FOREIGN}}])],
         [("partner-role", "mandatory",
           f"role 'Partner' trust policy Statement[0] trusts {FOREIGN} (account 444455556666), outside the "
           f"stack's account {ACCOUNT}")],
         [iam_role("partner-role", "Partner", [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"AWS": role_arn("Deployer")}}])],
         "444455556666"),
    Case("trust-cross-account-oidc-provider", "IAM-TRUST-CROSS-ACCOUNT",
         [iam_role("app-role", "App", [{**irsa_statement(), "Principal": {"Federated": FOREIGN_PROVIDER}}])],
         [("app-role", "mandatory", f"trusts {FOREIGN_PROVIDER} (account 444455556666), outside the stack's account")],
         [iam_role("app-role", "App", [irsa_statement()])],
         FOREIGN_PROVIDER),
    Case("access-policy-admin-cluster-scope", "EKS-CLUSTER-ADMIN-POLICY",
         [access_policy("ops-admin-policy", role_arn("Ops"), "AmazonEKSAdminPolicy")],
         [("ops-admin-policy", "mandatory",
           f"{role_arn('Ops')} gets AmazonEKSAdminPolicy at cluster scope, which allows create pods")],
         [access_policy("ops-admin-policy", role_arn("Ops"), "AmazonEKSAdminPolicy", namespaces=["ops"])],
         role_arn("Ops")),
    Case("access-policy-edit-kube-system", "EKS-CLUSTER-ADMIN-POLICY",
         [access_policy("ops-edit-policy", role_arn("Ops"), "AmazonEKSEditPolicy", namespaces=["ops", "kube-*"])],
         [("ops-edit-policy", "mandatory",
           f"{role_arn('Ops')} gets AmazonEKSEditPolicy in namespaces ops, kube-*, which allows create pods")],
         [access_policy("ops-view-policy", role_arn("Ops"), "AmazonEKSViewPolicy")],
         "ops-edit-policy"),
    Case("access-policy-break-glass", "EKS-CLUSTER-ADMIN-POLICY",
         [break_glass_entry(role_arn("BreakGlass")),
          access_policy("myeks-admin-access-policy-BreakGlass", role_arn("BreakGlass"), "AmazonEKSClusterAdminPolicy")],
         [("myeks-admin-access-policy-BreakGlass", "advisory",
           f"{role_arn('BreakGlass')} is a declared break-glass admin (cluster.admins)")],
         [break_glass_entry(role_arn("BreakGlass")),
          access_policy("myeks-admin-access-policy-BreakGlass", role_arn("BreakGlass"), "AmazonEKSViewPolicy")],
         role_arn("BreakGlass")),
    Case("creator-admin", "EKS-CREATOR-ADMIN",
         creator_records(),
         [("myeks-creator-admin-policy", "advisory",
           f"{DEPLOYER} is a hidden cluster admin")],
         [cluster()],
         DEPLOYER, pack=False),
]  # fmt: skip
