"""Spec validation: every bad input is a SpecError naming the exact key path to fix.

Each table row starts from BASE (the worked example's first team and IRSA workload) and applies
one mutation, so a row fails for exactly the reason it names and no other.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eks_access.config.stackfile import (
    ConfigFileError,
    load_stack_file,
    pulumi_config,
    raw_stack_config,
    read_config_file,
)
from eks_access.errors import SpecError
from eks_access.spec import StackSpec, load_stack

Config = dict[str, Any]
Mutation = Callable[[Config], None]

BASE: Config = {
    "accountId": "111122223333",
    "region": "ap-northeast-2",
    "cluster": {"name": "myeks", "authenticationMode": "API"},
    "teams": [
        {
            "name": "developers",
            "iamGroup": "Developers",
            "members": ["dev1"],
            "roleName": "EKSMyExampleViewer",
            "username": "developer",
            "kubernetesGroups": ["developers"],
            "clusterRoleBindings": ["view"],
        }
    ],
    "workloads": [
        {
            "serviceAccount": "my-sa",
            "namespace": "default",
            "identity": "irsa",
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        }
    ],
}

USER_ARN = "arn:aws:iam::111122223333:user/eks-ope"
POD_READER = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]


def config(*mutations: Mutation) -> Config:
    cfg = copy.deepcopy(BASE)
    for mutate in mutations:
        mutate(cfg)
    return cfg


def load(*mutations: Mutation) -> StackSpec:
    return load_stack(config(*mutations))


# ---------------------------------------------------------------- mutation helpers

def top(**values: Any) -> Mutation:
    return lambda cfg: cfg.update(values)


def cluster(**values: Any) -> Mutation:
    return lambda cfg: cfg["cluster"].update(values)


def team(**values: Any) -> Mutation:
    return lambda cfg: cfg["teams"][0].update(values)


def workload(**values: Any) -> Mutation:
    return lambda cfg: cfg["workloads"][0].update(values)


def add_team(**values: Any) -> Mutation:
    """A second team that collides with nothing unless ``values`` says so."""
    entry = {"name": "operators", "iamGroup": "Operators", "roleName": "EKSOperators", "username": "operator"}
    entry.update(values)
    return lambda cfg: cfg["teams"].append(entry)


def add_workload(**values: Any) -> Mutation:
    entry = {"serviceAccount": "other-sa", "namespace": "default"}
    entry.update(values)
    return lambda cfg: cfg["workloads"].append(entry)


def users(*entries: dict[str, Any]) -> Mutation:
    return lambda cfg: cfg.update(users=[dict(e) for e in entries])


def user(**values: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"userArn": USER_ARN, "username": "eks-ope", "kubernetesGroups": ["operators"]}
    entry.update(values)
    return entry


def drop(section: str, key: str) -> Mutation:
    def mutate(cfg: Config) -> None:
        target = cfg[section][0] if isinstance(cfg[section], list) else cfg[section]
        del target[key]

    return mutate


def cluster_role(name: str, *rules: dict[str, Any]) -> Mutation:
    return team(clusterRoles={name: list(rules)})


def rule(**values: Any) -> dict[str, Any]:
    return dict(values)


CONFIG_MAP = cluster(authenticationMode="CONFIG_MAP")


# ---------------------------------------------------------------- the error table

ERRORS: list[Any] = [
    # --- top level and cluster
    pytest.param([top(accountId="12345")], "accountId", "is not a valid 12-digit AWS account id", id="account-id-short"),
    pytest.param([top(region="mars")], "aws:region", "'mars' is not a valid AWS region", id="region"),
    pytest.param([drop("cluster", "name")], "cluster.name", "is required", id="cluster-name-missing"),
    pytest.param([cluster(name="my eks")], "cluster.name", "is not a valid EKS cluster name", id="cluster-name-space"),
    pytest.param([top(cluster="myeks")], "cluster", "must be a mapping, got a string ('myeks')", id="cluster-not-mapping"),
    pytest.param([cluster(authenticationMode="api")], "cluster.authenticationMode",
                 "must be one of API, API_AND_CONFIG_MAP, CONFIG_MAP, got 'api'", id="auth-mode-lowercase"),
    pytest.param([cluster(authenticationMode="CONFIGMAP")], "cluster.authenticationMode",
                 "got 'CONFIGMAP'", id="auth-mode-typo"),
    pytest.param([cluster(nodeGroup={"minSize": 3, "desiredSize": 2, "maxSize": 4})], "cluster.nodeGroup",
                 "needs minSize <= desiredSize <= maxSize, got 3 / 2 / 4", id="nodegroup-min-gt-desired"),
    pytest.param([cluster(nodeGroup={"desiredSize": 5})], "cluster.nodeGroup",
                 "got 1 / 5 / 3", id="nodegroup-desired-gt-max"),
    pytest.param([cluster(nodeGroup={"desiredSize": "2"})], "cluster.nodeGroup.desiredSize",
                 "must be an integer, got a string ('2')", id="nodegroup-desired-string"),
    pytest.param([cluster(endpointPublicAccess=1)], "cluster.endpointPublicAccess",
                 "must be true or false, got a number (1)", id="cluster-int-for-bool"),
    # --- unknown keys everywhere, with a suggestion for near misses
    pytest.param([top(team=[])], "team", "unknown key (did you mean 'teams'?)", id="unknown-top-key"),
    pytest.param([cluster(authenticationMod="API")], "cluster.authenticationMod",
                 "did you mean 'authenticationMode'?", id="unknown-cluster-key"),
    pytest.param([cluster(nodeGroup={"instanceTypes": "t3.large"})], "cluster.nodeGroup.instanceTypes",
                 "did you mean 'instanceType'?", id="unknown-nodegroup-key"),
    pytest.param([team(acessPolicies=[{"policy": "AmazonEKSViewPolicy"}])], "teams[0].acessPolicies",
                 "unknown key (did you mean 'accessPolicies'?)", id="typo-acessPolicies"),
    pytest.param([team(accessPolicies=[{"policy": "AmazonEKSViewPolicy", "namespace": ["dev"]}])],
                 "teams[0].accessPolicies[0].namespace", "did you mean 'namespaces'?", id="unknown-access-policy-key"),
    pytest.param([cluster_role("reader", rule(apiGroups=[""], resources=["pods"], verb=["get"]))],
                 "teams[0].clusterRoles.reader[0].verb", "did you mean 'verbs'?", id="unknown-rule-key"),
    pytest.param([workload(serviceAcount="x")], "workloads[0].serviceAcount",
                 "did you mean 'serviceAccount'?", id="unknown-workload-key"),
    pytest.param([users(user(usrename="x"))], "users[0].usrename", "did you mean 'username'?", id="unknown-user-key"),
    pytest.param([team(colour="blue")], "teams[0].colour", "unknown key; allowed keys: ", id="unknown-key-no-hint"),
    # --- wrong types
    pytest.param([team(members="dev1")], "teams[0].members", "must be a list, got a string ('dev1')", id="members-string"),
    pytest.param([team(clusterRoleBindings="view")], "teams[0].clusterRoleBindings",
                 "must be a list, got a string ('view')", id="crb-string"),
    pytest.param([team(kubernetesGroups="developers")], "teams[0].kubernetesGroups",
                 "must be a list, got a string", id="kgroups-string"),
    pytest.param([team(kubernetesGroups=[])], "teams[0].kubernetesGroups", "must not be empty", id="kgroups-empty"),
    pytest.param([team(requireMfa=1)], "teams[0].requireMfa", "must be true or false, got a number (1)", id="int-for-bool"),
    pytest.param([team(existingIamGroup="yes")], "teams[0].existingIamGroup",
                 "must be true or false, got a string ('yes')", id="string-for-bool"),
    pytest.param([team(maxSessionDuration=True)], "teams[0].maxSessionDuration",
                 "must be an integer, got a boolean (True)", id="bool-for-int"),
    pytest.param([team(maxSessionDuration=600)], "teams[0].maxSessionDuration",
                 "must be between 3600 and 43200, got 600", id="session-duration-range"),
    pytest.param([team(roleName=None)], "teams[0].roleName", "is required", id="role-name-null"),
    pytest.param([team(roleName=42)], "teams[0].roleName", "must be a string, got a number (42)", id="role-name-int"),
    pytest.param([top(teams=[None])], "teams[0]", "must be a mapping, got nothing (null)", id="team-null"),
    pytest.param([top(teams={"name": "x"})], "teams", "must be a list, got a mapping", id="teams-mapping"),
    pytest.param([team(namespaceRoleBindings=["dev-team"])], "teams[0].namespaceRoleBindings",
                 "must be a mapping, got a list", id="nrb-list"),
    pytest.param([team(**{"namespaceRoleBindings": {1: ["edit"]}})], "teams[0].namespaceRoleBindings",
                 "keys must be strings, got 1", id="non-string-key"),
    # --- IAM names
    pytest.param([team(roleName="R" * 65)], "teams[0].roleName",
                 "is not a valid IAM role name (1-64 characters", id="role-name-too-long"),
    pytest.param([team(roleName="EKS Viewer")], "teams[0].roleName", "'EKS Viewer' is not a valid IAM role name",
                 id="role-name-space"),
    pytest.param([team(roleName="EKS/Viewer")], "teams[0].roleName", "is not a valid IAM role name", id="role-name-slash"),
    pytest.param([team(roleName="")], "teams[0].roleName", "must not be empty", id="role-name-empty"),
    pytest.param([team(iamGroup="Dev Team")], "teams[0].iamGroup",
                 "'Dev Team' is not a valid IAM group name (1-128 characters", id="group-name-space"),
    pytest.param([team(iamGroup="G" * 129)], "teams[0].iamGroup", "is not a valid IAM group name", id="group-name-too-long"),
    pytest.param([team(members=["dev1", "dev 2"])], "teams[0].members[1]", "'dev 2' is not a valid IAM user name",
                 id="member-name-space"),
    pytest.param([team(members=["dev1", "dev1"])], "teams[0].members[1]", "duplicate entry 'dev1'", id="member-duplicate"),
    pytest.param([team(rolePath="teams/")], "teams[0].rolePath", "is not a valid IAM path", id="role-path"),
    pytest.param([team(trustedPrincipalArns=["arn:aws:iam::111122223333:root"])], "teams[0].trustedPrincipalArns[0]",
                 "is not a valid IAM user or role ARN", id="trusted-root"),
    # --- ARNs
    pytest.param([users(user(userArn="arn:aws:iam::11112222333:user/eks-ope"))], "users[0].userArn",
                 "is not a valid IAM user ARN", id="user-arn-11-digits"),
    pytest.param([users(user(userArn="arn:aws:iam::1111222233334:user/eks-ope"))], "users[0].userArn",
                 "is not a valid IAM user ARN", id="user-arn-13-digits"),
    pytest.param([users(user(userArn="arn:aws:iam::11112222333x:user/eks-ope"))], "users[0].userArn",
                 "is not a valid IAM user ARN", id="user-arn-letter-in-account"),
    pytest.param([users(user(userArn="arn:amazon:iam::111122223333:user/eks-ope"))], "users[0].userArn",
                 "is not a valid IAM user ARN", id="user-arn-partition"),
    pytest.param([users(user(userArn="arn:aws:iam::111122223333:role/eks-ope"))], "users[0].userArn",
                 "'arn:aws:iam::111122223333:role/eks-ope' is not an IAM user ARN", id="user-arn-is-role"),
    pytest.param([users(user(userArn="arn:aws:sts::111122223333:assumed-role/X/s"))], "users[0].userArn",
                 "is not a valid IAM user ARN", id="user-arn-sts"),
    pytest.param([users(user(), user(username="other"))], "users[1].userArn", "duplicate user ARN (also users[0].userArn)",
                 id="user-arn-duplicate"),
    pytest.param([workload(managedPolicyArns=["arn:aws:iam::aws:AmazonS3ReadOnlyAccess"])],
                 "workloads[0].managedPolicyArns[0]", "is not a valid IAM policy ARN", id="policy-arn-no-policy"),
    pytest.param([workload(managedPolicyArns=["AmazonS3ReadOnlyAccess"])], "workloads[0].managedPolicyArns[0]",
                 "'AmazonS3ReadOnlyAccess' is not a valid IAM policy ARN", id="policy-arn-bare-name"),
    pytest.param([workload(managedPolicyArns=["arn:aws:iam::12345:policy/P"])], "workloads[0].managedPolicyArns[0]",
                 "is not a valid IAM policy ARN", id="policy-arn-account"),
    pytest.param([workload(permissionsBoundary="arn:aws:iam::aws:role/X")], "workloads[0].permissionsBoundary",
                 "is not a valid IAM policy ARN", id="boundary-arn"),
    # --- Kubernetes names
    pytest.param([team(name="Developers")], "teams[0].name", "'Developers' is not a valid team name (DNS-1123 label",
                 id="team-name-uppercase"),
    pytest.param([workload(namespace="Default", roleName="W")], "workloads[0].namespace",
                 "'Default' is not a valid namespace (DNS-1123 label", id="namespace-uppercase"),
    pytest.param([workload(namespace="dev_team", roleName="W")], "workloads[0].namespace",
                 "is not a valid namespace", id="namespace-underscore"),
    pytest.param([workload(namespace="n" * 64, roleName="W")], "workloads[0].namespace",
                 "at most 63 characters", id="namespace-too-long"),
    pytest.param([team(namespaceRoleBindings={"dev.team": ["edit"]})], "teams[0].namespaceRoleBindings.dev.team",
                 "'dev.team' is not a valid namespace", id="nrb-namespace-dot"),
    pytest.param([team(accessPolicies=[{"policy": "AmazonEKSViewPolicy", "namespaces": ["Dev"]}])],
                 "teams[0].accessPolicies[0].namespaces[0]", "is not a valid namespace", id="access-policy-namespace"),
    pytest.param([cluster_role("PodReader", *POD_READER)], "teams[0].clusterRoles.PodReader",
                 "'PodReader' is not a valid ClusterRole name (DNS-1123 subdomain", id="clusterrole-uppercase"),
    pytest.param([cluster_role("pod_reader", *POD_READER)], "teams[0].clusterRoles.pod_reader",
                 "is not a valid ClusterRole name", id="clusterrole-underscore"),
    pytest.param([team(roles={"dev-team": {"Reader": POD_READER}})], "teams[0].roles.dev-team.Reader",
                 "is not a valid Role name", id="role-name-subdomain"),
    pytest.param([workload(serviceAccount="My_SA")], "workloads[0].serviceAccount",
                 "is not a valid ServiceAccount name", id="service-account-name"),
    pytest.param([team(clusterRoleBindings=["view", "a/b"])], "teams[0].clusterRoleBindings[1]",
                 "'a/b' is not a valid role name", id="crb-role-ref-slash"),
    pytest.param([team(kubernetesGroups=["dev team"])], "teams[0].kubernetesGroups[0]",
                 "'dev team' is not a valid Kubernetes group name", id="kgroup-space"),
    # --- duplicates across entries
    pytest.param([add_team(name="developers")], "teams[1].name", "duplicate team name 'developers' (also teams[0])",
                 id="duplicate-team-name"),
    pytest.param([add_team(roleName="EKSMyExampleViewer")], "teams[1].roleName",
                 "duplicate IAM role name 'EKSMyExampleViewer' (also teams[0].roleName)", id="duplicate-role-team-team"),
    pytest.param([workload(roleName="EKSMyExampleViewer")], "workloads[0].roleName",
                 "duplicate IAM role name 'EKSMyExampleViewer' (also teams[0].roleName)", id="duplicate-role-team-workload"),
    pytest.param([add_workload(roleName="myeks-default-my-sa")], "workloads[1].roleName",
                 "duplicate IAM role name 'myeks-default-my-sa' (also workloads[0].roleName)",
                 id="duplicate-role-workload-default"),
    pytest.param([add_workload(serviceAccount="my-sa")], "workloads[1].serviceAccount",
                 "duplicate ServiceAccount default/my-sa (also workloads[0])", id="duplicate-service-account"),
    pytest.param([add_team(username="developer")], "teams[1].username",
                 "duplicate Kubernetes username 'developer' (also teams[0].username)", id="duplicate-username-teams"),
    pytest.param([users(user(username="developer"))], "users[0].username",
                 "duplicate Kubernetes username 'developer' (also teams[0].username)", id="duplicate-username-user"),
    pytest.param([add_team(iamGroup="Developers")], "teams[1].iamGroup",
                 "IAM group 'Developers' is created by teams[0] already; set existingIamGroup: true",
                 id="duplicate-iam-group"),
    pytest.param([cluster_role("pod-reader", *POD_READER), add_team(clusterRoles={"pod-reader": POD_READER})],
                 "teams[1].clusterRoles.pod-reader", "ClusterRole 'pod-reader' is already defined by teams[0]",
                 id="duplicate-clusterrole"),
    # --- system groups
    pytest.param([team(kubernetesGroups=["system:masters"])], "teams[0].kubernetesGroups[0]",
                 "'system:masters': EKS access entries refuse 'system:' groups", id="system-group-api"),
    pytest.param([team(kubernetesGroups=["developers", "system:masters"], dangerouslyAllowSystemGroups=True)],
                 "teams[0].kubernetesGroups[1]", "EKS access entries refuse 'system:' groups", id="system-group-api-opt-in"),
    pytest.param([cluster(authenticationMode="API_AND_CONFIG_MAP"), team(kubernetesGroups=["system:masters"],
                                                                          dangerouslyAllowSystemGroups=True)],
                 "teams[0].kubernetesGroups[0]", "EKS access entries refuse 'system:' groups",
                 id="system-group-api-and-config-map-access-entry"),
    pytest.param([CONFIG_MAP, team(kubernetesGroups=["system:masters"])], "teams[0].kubernetesGroups[0]",
                 "'system:masters' is a Kubernetes system group ('system:masters' is unrestricted cluster-admin); "
                 "set dangerouslyAllowSystemGroups: true", id="system-group-config-map-no-opt-in"),
    pytest.param([CONFIG_MAP, team(kubernetesGroups=["system:masters"], dangerouslyAllowSystemGroups=False)],
                 "teams[0].kubernetesGroups[0]", "is a Kubernetes system group", id="system-group-config-map-opt-in-false"),
    pytest.param([users(user(kubernetesGroups=["system:masters"]))], "users[0].kubernetesGroups[0]",
                 "EKS access entries refuse 'system:' groups", id="system-group-user-api"),
    pytest.param([CONFIG_MAP, users(user(kubernetesGroups=["system:masters"]))], "users[0].kubernetesGroups[0]",
                 "is a Kubernetes system group", id="system-group-user-config-map"),
    # --- usernames
    *[
        pytest.param([team(username=f"{prefix}admin")], "teams[0].username",
                     f"'{prefix}admin': EKS refuses usernames starting with '{prefix}'", id=f"username-prefix-{prefix[:-1]}")
        for prefix in ("system:", "eks:", "aws:", "amazon:", "iam:")
    ],
    pytest.param([users(user(username="eks:ope"))], "users[0].username", "EKS refuses usernames starting with 'eks:'",
                 id="user-username-prefix"),
    pytest.param([team(username="{{SessionName}}")], "teams[0].username",
                 "put {{SessionName}} after a fixed prefix and a colon", id="session-name-alone"),
    pytest.param([team(username="dev-{{SessionName}}")], "teams[0].username",
                 "'dev-{{SessionName}}': put {{SessionName}} after a fixed prefix and a colon", id="session-name-no-colon"),
    pytest.param([team(username="{{SessionName}}:dev")], "teams[0].username",
                 "put {{SessionName}} after a fixed prefix and a colon", id="session-name-first"),
    pytest.param([team(username="dev eloper")], "teams[0].username", "must not contain spaces", id="username-space"),
    # --- mapping / mode compatibility
    pytest.param([team(mapping="aws-auth")], "teams[0].mapping", "aws-auth is ignored in cluster.authenticationMode API",
                 id="aws-auth-in-api"),
    pytest.param([CONFIG_MAP, team(mapping="access-entry")], "teams[0].mapping",
                 "access entries need cluster.authenticationMode API or API_AND_CONFIG_MAP", id="access-entry-in-config-map"),
    pytest.param([team(mapping="configmap")], "teams[0].mapping", "must be 'access-entry' or 'aws-auth'", id="mapping-bad"),
    pytest.param([CONFIG_MAP, team(rolePath="/teams/")], "teams[0].rolePath",
                 "aws-auth never matches a rolearn with a path", id="aws-auth-role-path"),
    # --- access policies
    pytest.param([CONFIG_MAP, team(accessPolicies=[{"policy": "AmazonEKSViewPolicy"}])], "teams[0].accessPolicies",
                 "EKS access policies need an access entry", id="access-policies-config-map"),
    pytest.param([team(accessPolicies=[{"policy": "AmazonEKSReadOnlyPolicy"}])], "teams[0].accessPolicies[0].policy",
                 "unknown EKS access policy 'AmazonEKSReadOnlyPolicy'; known: AmazonEKSAdminPolicy", id="access-policy-unknown"),
    pytest.param([team(accessPolicies=[{"namespaces": ["dev"]}])], "teams[0].accessPolicies[0].policy", "is required",
                 id="access-policy-missing"),
    pytest.param([team(accessPolicies={"policy": "AmazonEKSViewPolicy"})], "teams[0].accessPolicies",
                 "must be a list, got a mapping", id="access-policies-mapping"),
    # --- RBAC rules
    pytest.param([cluster_role("reader", rule(apiGroups=[""], resources=["pods"], verbs=[]))],
                 "teams[0].clusterRoles.reader[0].verbs", "must not be empty", id="rule-verbs-empty"),
    pytest.param([cluster_role("reader", rule(apiGroups=[""], resources=["pods"]))],
                 "teams[0].clusterRoles.reader[0].verbs", "is required", id="rule-verbs-missing"),
    pytest.param([cluster_role("reader", rule(apiGroups=[""], resources=["pods"], verbs=["GET"]))],
                 "teams[0].clusterRoles.reader[0].verbs[0]", "'GET' is not a Kubernetes verb", id="rule-verb-uppercase"),
    pytest.param([cluster_role("reader", rule(apiGroups=[""], verbs=["get"]))], "teams[0].clusterRoles.reader[0]",
                 "a rule needs resources (with apiGroups) or nonResourceURLs", id="rule-neither"),
    pytest.param([cluster_role("reader", rule(resources=["pods"], nonResourceURLs=["/healthz"], verbs=["get"]))],
                 "teams[0].clusterRoles.reader[0]", "a rule has resources or nonResourceURLs, not both", id="rule-both"),
    pytest.param([cluster_role("reader", rule(resources=["pods"], verbs=["get"]))],
                 "teams[0].clusterRoles.reader[0].apiGroups", "is required with resources", id="rule-api-groups-missing"),
    pytest.param([cluster_role("reader", rule(apiGroups=[], resources=["pods"], verbs=["get"]))],
                 "teams[0].clusterRoles.reader[0].apiGroups", "must not be empty", id="rule-api-groups-empty"),
    pytest.param([cluster_role("reader", rule(nonResourceURLs=["healthz"], verbs=["get"]))],
                 "teams[0].clusterRoles.reader[0].nonResourceURLs[0]", "'healthz' must start with '/'", id="rule-url-slash"),
    pytest.param([cluster_role("reader", rule(apiGroups=[""], nonResourceURLs=["/healthz"], verbs=["get"]))],
                 "teams[0].clusterRoles.reader[0]", "apiGroups and resourceNames do not apply to nonResourceURLs",
                 id="rule-url-with-api-groups"),
    pytest.param([team(clusterRoles={"reader": []})], "teams[0].clusterRoles.reader", "must not be empty",
                 id="clusterrole-no-rules"),
    pytest.param([team(roles={"dev-team": {"reader": [rule(nonResourceURLs=["/healthz"], verbs=["get"])]}})],
                 "teams[0].roles.dev-team.reader[0].nonResourceURLs", "nonResourceURLs are only valid in ClusterRoles",
                 id="role-non-resource-urls"),
    pytest.param([workload(rules=[rule(nonResourceURLs=["/metrics"], verbs=["get"])])],
                 "workloads[0].rules[0].nonResourceURLs", "nonResourceURLs are only valid in ClusterRoles",
                 id="workload-non-resource-urls"),
    pytest.param([workload(rules=[rule(apiGroups=[""], resources=["pods"], verbs=[])])],
                 "workloads[0].rules[0].verbs", "must not be empty", id="workload-rule-verbs-empty"),
    # --- workloads
    pytest.param([workload(identity="pod-identity", trustEveryServiceAccountInNamespace=True)],
                 "workloads[0].trustEveryServiceAccountInNamespace", "only applies to identity 'irsa'",
                 id="namespace-trust-pod-identity"),
    pytest.param([workload(identity="kiam")], "workloads[0].identity", "must be 'irsa' or 'pod-identity', got 'kiam'",
                 id="identity-bad"),
    pytest.param([drop("workloads", "namespace")], "workloads[0].namespace", "is required", id="workload-namespace-missing"),
    pytest.param([workload(automountServiceAccountToken="false")], "workloads[0].automountServiceAccountToken",
                 "must be true or false, got a string ('false')", id="automount-string"),
    pytest.param([workload(inlinePolicy={"Statement": [{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}]})],
                 "workloads[0].inlinePolicy.Statement[0].Effect", "must be 'Allow' or 'Deny'", id="inline-policy-effect"),
    pytest.param([workload(inlinePolicy={"Statement": [{"Effect": "Allow", "Action": "s3:*"}]})],
                 "workloads[0].inlinePolicy.Statement[0].Resource", "is required", id="inline-policy-resource"),
    pytest.param([workload(inlinePolicy={"Version": "2008-10-17", "Statement": []})],
                 "workloads[0].inlinePolicy.Version", "must be '2012-10-17'", id="inline-policy-version"),
]


@pytest.mark.parametrize(("mutations", "path", "fragment"), ERRORS)
def test_invalid_config_names_key_path(mutations: list[Mutation], path: str, fragment: str) -> None:
    with pytest.raises(SpecError) as info:
        load(*mutations)
    assert info.value.path == path
    assert fragment in info.value.detail
    assert str(info.value) == f"{path}: {info.value.detail}"


def test_unknown_key_lists_allowed_keys() -> None:
    with pytest.raises(SpecError) as info:
        load(team(acessPolicies=[]))
    assert info.value.detail.startswith("unknown key (did you mean 'accessPolicies'?); allowed keys: ")
    assert "maxSessionDuration" in info.value.detail


# ------------------------------------------------ regressions: inputs that used to pass

REGRESSIONS: list[Any] = [
    # Patterns ended in '$', which matches before a trailing newline ('roleName: |' block scalar).
    pytest.param([team(roleName="EKSViewer\n")], "teams[0].roleName", "is not a valid IAM role name",
                 id="role-name-trailing-newline"),
    pytest.param([workload(namespace="dev\n", roleName="W")], "workloads[0].namespace", "is not a valid namespace",
                 id="namespace-trailing-newline"),
    # '\w' and '\d' on str patterns are Unicode; IAM names and account ids are ASCII.
    pytest.param([team(roleName="D\u00e9veloppeurs")], "teams[0].roleName", "is not a valid IAM role name",
                 id="role-name-non-ascii"),
    pytest.param([top(accountId="\u0661" * 12)], "accountId", "is not a valid 12-digit AWS account id",
                 id="account-id-non-ascii-digits"),
    # IAM role and group names are unique case-insensitively: pulumi up would fail halfway.
    pytest.param([add_team(roleName="eksmyexampleviewer")], "teams[1].roleName",
                 "duplicate IAM role name 'eksmyexampleviewer' (also teams[0].roleName) (IAM compares names "
                 "case-insensitively)", id="duplicate-role-name-case-insensitive"),
    pytest.param([workload(roleName="EKSMYEXAMPLEVIEWER")], "workloads[0].roleName",
                 "(IAM compares names case-insensitively)", id="duplicate-role-name-case-insensitive-workload"),
    pytest.param([add_team(iamGroup="developers")], "teams[1].iamGroup",
                 "IAM group 'developers' is created by teams[0] already", id="duplicate-iam-group-case-insensitive"),
    # Unquoted 'version: 1.30' is the float 1.3 in YAML.
    pytest.param([cluster(version=1.30)], "cluster.version", 'must be a quoted string such as "1.31"',
                 id="cluster-version-yaml-float"),
    # 'x or []' used to swallow falsy values of the wrong type.
    pytest.param([team(members=False)], "teams[0].members", "must be a list, got a boolean (False)", id="members-false"),
    pytest.param([team(clusterRoleBindings="")], "teams[0].clusterRoleBindings", "must be a list, got a string ('')",
                 id="crb-empty-string"),
    pytest.param([workload(rules={})], "workloads[0].rules", "must be a list, got a mapping", id="workload-rules-mapping"),
    pytest.param([cluster(nodeGroup=[])], "cluster.nodeGroup", "must be a mapping, got a list", id="nodegroup-empty-list"),
    pytest.param([top(teams={})], "teams", "must be a list, got a mapping", id="teams-empty-mapping"),
]


@pytest.mark.parametrize(("mutations", "path", "fragment"), REGRESSIONS)
def test_formerly_accepted_input_is_refused(mutations: list[Mutation], path: str, fragment: str) -> None:
    with pytest.raises(SpecError) as info:
        load(*mutations)
    assert info.value.path == path
    assert fragment in info.value.detail


# ---------------------------------------------------------------- accepted configs

def test_base_config_loads_exactly() -> None:
    spec = load()
    assert spec.account_id == "111122223333"
    assert spec.region == "ap-northeast-2"
    assert spec.cluster.name == "myeks"
    assert spec.cluster.authentication_mode == "API"
    (t,) = spec.teams
    assert (t.name, t.iam_group, t.role_name, t.username) == ("developers", "Developers", "EKSMyExampleViewer", "developer")
    assert t.members == ("dev1",)
    assert t.kubernetes_groups == ("developers",)
    assert t.cluster_role_bindings == ("view",)
    assert t.mapping == "access-entry"
    assert t.role_path == "/"
    assert t.session_name_must_match_user is True
    assert t.require_mfa is False
    assert t.max_session_duration == 3600
    (w,) = spec.workloads
    assert w.key == "default/my-sa"
    assert w.identity == "irsa"
    assert w.managed_policy_arns == ("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",)
    assert spec.users == ()


def test_team_defaults() -> None:
    spec = load(top(teams=[{"name": "ops", "roleName": "EKSOps"}]))
    (t,) = spec.teams
    assert t.username == "ops:{{SessionName}}"
    assert t.kubernetes_groups == ("ops",)
    assert t.iam_group == "ops"
    assert t.members == ()
    assert t.cluster_role_bindings == ()
    assert t.existing_iam_group is False


def test_cluster_defaults() -> None:
    spec = load_stack({"cluster": {"name": "myeks"}})
    assert spec.account_id is None  # no accountId: the deploying credentials' account
    assert spec.region is None  # no aws:region: the provider's own resolution, never a silent us-east-1
    assert spec.cluster.authentication_mode == "API"
    assert (spec.cluster.node_group.min_size, spec.cluster.node_group.desired_size, spec.cluster.node_group.max_size) == (1, 2, 3)
    assert spec.teams == () and spec.workloads == () and spec.users == ()


def test_null_sections_are_empty() -> None:
    spec = load(top(teams=None, workloads=None, users=None))
    assert spec.teams == () and spec.workloads == () and spec.users == ()


def test_workload_defaults() -> None:
    w = load().workloads[0]
    assert w.role_name == "myeks-default-my-sa"
    assert w.automount is False
    assert w.automount_service_account_token is None
    assert w.create_service_account is True
    assert w.trust_whole_namespace is False
    assert w.rules == ()


def test_workload_default_role_name_is_cut_to_64() -> None:
    w = load(workload(serviceAccount="s" * 55)).workloads[0]
    assert w.role_name == ("myeks-default-" + "s" * 55)[:64]
    assert len(w.role_name) == 64


def test_workload_with_rules_automounts() -> None:
    w = load(workload(rules=POD_READER)).workloads[0]
    assert w.automount is True
    assert [r.to_manifest() for r in w.rules] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]


def test_explicit_automount_wins() -> None:
    w = load(workload(rules=POD_READER, automountServiceAccountToken=False)).workloads[0]
    assert w.automount is False


@pytest.mark.parametrize(
    ("mode", "mapping"),
    [("API", "access-entry"), ("API_AND_CONFIG_MAP", "access-entry"), ("CONFIG_MAP", "aws-auth")],
)
def test_default_mapping_follows_authentication_mode(mode: str, mapping: str) -> None:
    spec = load(cluster(authenticationMode=mode))
    assert spec.teams[0].mapping == mapping


def test_system_group_accepted_in_config_map_with_opt_in() -> None:
    spec = load(CONFIG_MAP, team(kubernetesGroups=["system:masters"], dangerouslyAllowSystemGroups=True))
    assert spec.teams[0].kubernetes_groups == ("system:masters",)
    assert spec.teams[0].allow_system_groups is True


def test_system_group_accepted_for_aws_auth_team_in_mixed_mode_with_opt_in() -> None:
    spec = load(
        cluster(authenticationMode="API_AND_CONFIG_MAP"),
        team(mapping="aws-auth", kubernetesGroups=["system:masters"], dangerouslyAllowSystemGroups=True),
    )
    assert spec.teams[0].mapping == "aws-auth"


def test_user_system_group_accepted_in_config_map_with_opt_in() -> None:
    spec = load(CONFIG_MAP, users(user(kubernetesGroups=["system:masters"], dangerouslyAllowSystemGroups=True)))
    assert spec.users[0].kubernetes_groups == ("system:masters",)


def test_reserved_prefix_allowed_in_aws_auth() -> None:
    """The prefixes are an access-entry API rule; aws-auth has no such check."""
    spec = load(CONFIG_MAP, team(username="eks:developer"))
    assert spec.teams[0].username == "eks:developer"


def test_session_name_after_prefix_and_colon() -> None:
    assert load(team(username="dev:{{SessionName}}")).teams[0].username == "dev:{{SessionName}}"


def test_builtin_system_role_may_be_bound() -> None:
    """Role references may contain ':' (system:discovery); only names we create are DNS subdomains."""
    assert load(team(clusterRoleBindings=["system:discovery"])).teams[0].cluster_role_bindings == ("system:discovery",)


def test_shared_existing_group() -> None:
    spec = load(add_team(iamGroup="Developers", existingIamGroup=True))
    assert [t.iam_group for t in spec.teams] == ["Developers", "Developers"]


def test_rules_and_access_policies_load() -> None:
    spec = load(
        team(
            clusterRoles={
                "pod-node-reader": [{"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": ["get", "watch", "list"]}],
                "health": [{"nonResourceURLs": ["/healthz", "/readyz*"], "verbs": ["get"]}],
            },
            roles={"dev-team": {"cm-editor": [{"apiGroups": [""], "resources": ["configmaps"],
                                               "resourceNames": ["app"], "verbs": ["update"]}]}},
            namespaceRoleBindings={"dev-team": ["edit"]},
            accessPolicies=[
                {"policy": "AmazonEKSViewPolicy", "namespaces": ["dev-team"]},
                {"policy": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"},
            ],
        )
    )
    t = spec.teams[0]
    assert [r.to_manifest() for r in t.cluster_roles["health"]] == [{"nonResourceURLs": ["/healthz", "/readyz*"], "verbs": ["get"]}]
    assert [r.to_manifest() for r in t.roles["dev-team"]["cm-editor"]] == [
        {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"], "verbs": ["update"]}
    ]
    assert t.namespace_role_bindings == {"dev-team": ("edit",)}
    assert t.rbac_namespaces == ("dev-team",)
    assert [(a.policy, a.namespaces, a.policy_arn) for a in t.access_policies] == [
        ("AmazonEKSViewPolicy", ("dev-team",), "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"),
        ("AmazonEKSAdminViewPolicy", (), "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"),
    ]


def test_pod_identity_and_namespace_trust() -> None:
    spec = load(
        workload(trustEveryServiceAccountInNamespace=True),
        add_workload(identity="pod-identity", roleName="Reporter"),
    )
    assert spec.workloads[0].trust_whole_namespace is True
    assert (spec.workloads[1].identity, spec.workloads[1].role_name) == ("pod-identity", "Reporter")


# ---------------------------------------------------------------- stack config files

def _pulumi_config(raw: Config) -> Config:
    out: Config = {"aws:region": raw["region"]}
    out.update({f"team-cluster:{k}": v for k, v in raw.items() if k != "region"})
    return out


def write(tmp_path: Path, text: str, name: str = "Pulumi.dev.yaml") -> Path:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return file


def test_load_stack_file_round_trip(tmp_path: Path) -> None:
    import yaml

    file = write(tmp_path, yaml.safe_dump({"config": _pulumi_config(BASE)}))
    assert load_stack_file(file) == load()


def test_missing_file(tmp_path: Path) -> None:
    file = tmp_path / "Pulumi.nope.yaml"
    with pytest.raises(ConfigFileError) as info:
        read_config_file(file)
    assert info.value.path == ""
    assert info.value.file == str(file)
    assert str(info.value) == f"{file}: stack config file not found (use --stack NAME for Pulumi.NAME.yaml, or --config FILE)"


def test_yaml_syntax_error_has_line_number(tmp_path: Path) -> None:
    file = write(tmp_path, "config:\n  aws:region: us-east-1\n  team-cluster:teams: [a, b\n  team-cluster:cluster: {}\n")
    with pytest.raises(ConfigFileError) as info:
        load_stack_file(file)
    message = str(info.value)
    assert message.startswith(f"{file}: line 4: YAML syntax error: column ")
    assert info.value.path == ""


def test_yaml_tab_indentation_error_has_line_number(tmp_path: Path) -> None:
    file = write(tmp_path, "config:\n  aws:region: us-east-1\n\tteam-cluster:cluster: {name: x}\n")
    with pytest.raises(ConfigFileError, match=r"line 3: YAML syntax error: column 1: "):
        read_config_file(file)


def test_not_utf8(tmp_path: Path) -> None:
    file = tmp_path / "Pulumi.dev.yaml"
    file.write_bytes(b"config:\n  aws:region: \xff\xfe\n")
    with pytest.raises(ConfigFileError, match="is not UTF-8 text"):
        read_config_file(file)


@pytest.mark.parametrize(
    ("text", "path", "fragment"),
    [
        pytest.param("- config\n", "", "must be a YAML mapping with a 'config:' key", id="document-list"),
        pytest.param("just text\n", "", "must be a YAML mapping with a 'config:' key", id="document-scalar"),
        pytest.param("config: [a, b]\n", "config", "must be a mapping", id="config-list"),
    ],
)
def test_non_mapping_file(tmp_path: Path, text: str, path: str, fragment: str) -> None:
    file = write(tmp_path, text)
    with pytest.raises(ConfigFileError) as info:
        read_config_file(file)
    assert info.value.path == path
    assert fragment in str(info.value)


def test_empty_file_has_no_config(tmp_path: Path) -> None:
    assert read_config_file(write(tmp_path, "")) == {}
    assert read_config_file(write(tmp_path, "config:\n", "Pulumi.b.yaml")) == {}


def test_unknown_project_key() -> None:
    with pytest.raises(SpecError) as info:
        raw_stack_config({"team-cluster:team": [], "team-cluster:cluster": {"name": "x"}})
    assert info.value.path == "team-cluster:team"
    assert info.value.detail.startswith("unknown config key; allowed: team-cluster:accountId, team-cluster:cluster")


def test_project_region_key_is_refused() -> None:
    """The region comes from aws:region only; a second source would be ambiguous."""
    with pytest.raises(SpecError) as info:
        raw_stack_config({"team-cluster:region": "us-east-1"})
    assert info.value.path == "team-cluster:region"


def test_unknown_project_key_in_file(tmp_path: Path) -> None:
    file = write(tmp_path, "config:\n  team-cluster:cluster: {name: myeks}\n  team-cluster:tems: []\n")
    with pytest.raises(ConfigFileError) as info:
        load_stack_file(file)
    assert info.value.path == "team-cluster:tems"
    assert str(info.value).startswith(f"{file}: line 3: team-cluster:tems: unknown config key")


def test_spec_error_in_file_is_namespaced(tmp_path: Path) -> None:
    file = write(tmp_path, "config:\n  team-cluster:cluster: {name: myeks}\n"
                           "  team-cluster:teams:\n    - {name: dev, roleName: 'bad role'}\n")
    with pytest.raises(ConfigFileError) as info:
        load_stack_file(file)
    assert info.value.path == "team-cluster:teams[0].roleName"
    assert str(info.value) == (f"{file}: line 4: team-cluster:teams[0].roleName: 'bad role' is not a valid IAM role name "
                               "(1-64 characters of letters, digits and +=,.@_-)")


def test_region_error_in_file_keeps_aws_namespace(tmp_path: Path) -> None:
    file = write(tmp_path, "config:\n  aws:region: mars\n  team-cluster:cluster: {name: myeks}\n")
    with pytest.raises(ConfigFileError) as info:
        load_stack_file(file)
    assert info.value.path == "aws:region"


def test_other_namespaces_are_ignored() -> None:
    raw = raw_stack_config({"aws:profile": "x", "kubernetes:context": "y", "team-cluster:cluster": {"name": "c"},
                            "aws:region": "eu-west-1"})
    assert raw == {"cluster": {"name": "c"}, "region": "eu-west-1"}


def test_engine_json_strings_are_decoded() -> None:
    """The Pulumi engine hands object values to the program as JSON strings."""
    engine = pulumi_config(_pulumi_config(BASE))
    assert engine["team-cluster:teams"] == json.dumps(BASE["teams"])
    spec = load_stack(raw_stack_config(engine))
    assert spec.teams == load().teams
    assert spec.account_id == "111122223333"


def test_duplicate_yaml_key_is_refused(tmp_path: Path) -> None:
    """PyYAML keeps the last of two equal keys; a second 'teams:' block must not drop the first."""
    file = write(tmp_path, "config:\n  team-cluster:cluster: {name: myeks}\n"
                           "  team-cluster:teams:\n    - {name: dev, roleName: Dev}\n"
                           "  team-cluster:teams:\n    - {name: ops, roleName: Ops}\n")
    with pytest.raises(ConfigFileError) as info:
        load_stack_file(file)
    assert str(info.value) == f"{file}: line 5: team-cluster:teams: duplicate key 'team-cluster:teams' (first at line 3)"
