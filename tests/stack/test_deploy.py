"""What a real ``pulumi preview``/``pulumi up`` needs from the stack program (issue 8): pulumi-eks's
argument rules per authentication mode, the Pod Identity agent, a VPC of its own, endpoint access,
break-glass admins, stable names, a region that is never invented, and a first preview that
already shows every team IAM document."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from eks_access.config.stackfile import pulumi_config, raw_stack_config
from eks_access.errors import SpecError
from eks_access.offline import FakeCloud, plan_config
from eks_access.spec import load_stack
from eks_access.stack import main
from tests.components.mocks import ACCOUNT, REGION, FirstPreviewCloud, Run, capture, is_unknown

Config = dict[str, Any]
P = "team-cluster"
CLUSTER_ARN = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/myeks"


def plan(config: Config, *, preview: bool = False) -> Run:
    load_stack(raw_stack_config(config))  # as the CLI does: a bad config never reaches the program
    cloud = (FirstPreviewCloud if preview else FakeCloud)(account_id=ACCOUNT, region=REGION)
    return capture(main, cloud=cloud, config=pulumi_config(config), preview=preview)


def changed(config: Config, **cluster: Any) -> Config:
    out = copy.deepcopy(config)
    out[f"{P}:cluster"].update(cluster)
    return out


@pytest.fixture(scope="module")
def dev_run(dev_config: Config) -> Run:
    return plan(dev_config)


# ------------------------------------------------------------------ pulumi-eks and node access

def test_api_mode_passes_no_instance_roles(dev_run: Run) -> None:
    """pulumi-eks validateAuthenticationMode refuses instanceRoles in API mode; EKS maps the node role itself."""
    cluster = dev_run.one("myeks")["inputs"]
    assert "instanceRoles" not in cluster and "roleMappings" not in cluster and "userMappings" not in cluster
    assert cluster["authenticationMode"] == "API"


@pytest.mark.parametrize(("mode", "instance_roles"), [
    ("CONFIG_MAP", [{"$ref": "Role::myeks-node-role"}]),  # nodegroup.ts: the role must be in instanceRoles
    ("API_AND_CONFIG_MAP", None),  # EKS creates the node's EC2_LINUX access entry
])
def test_node_role_in_aws_auth_only_where_pulumi_eks_needs_it(dev_config: Config, mode: str, instance_roles: Any) -> None:
    cluster = plan(changed(dev_config, authenticationMode=mode)).one("myeks")["inputs"]
    assert cluster.get("instanceRoles") == instance_roles


def test_node_group_waits_for_its_role_policies_and_runs_in_private_subnets(dev_run: Run) -> None:
    assert dev_run.depends_on("myeks-nodes") == [
        "myeks-node-policy/aws/AmazonEC2ContainerRegistryReadOnly",
        "myeks-node-policy/aws/AmazonEKSWorkerNodePolicy",
        "myeks-node-policy/aws/AmazonEKS_CNI_Policy",
    ]
    vpc = dev_run.one("myeks-vpc")
    nodes = dev_run.one("myeks-nodes")["inputs"]
    assert nodes["subnetIds"] == vpc["outputs"]["privateSubnetIds"]
    assert (nodes["nodeRole"], nodes["cluster"], nodes["instanceTypes"], nodes["scalingConfig"]) == (
        {"$ref": "Role::myeks-node-role"}, {"$ref": "Cluster::myeks"}, ["t3.medium"], {"minSize": 1, "maxSize": 3, "desiredSize": 2})
    assert dev_run.one("myeks-node-policy/aws/AmazonEKSWorkerNodePolicy")["inputs"] == {
        "role": "myeks-node-role", "policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"}
    assert dev_run.aliases("myeks-node-policy/aws/AmazonEKSWorkerNodePolicy") == ["myeks-node-policy-0"]
    assert dev_run.delete_before_replace("myeks-node-policy/aws/AmazonEKSWorkerNodePolicy")


# ------------------------------------------------------------------------------ network

def test_no_vpc_id_creates_a_vpc_with_private_node_subnets(dev_run: Run) -> None:
    vpc = dev_run.one("myeks-vpc")
    assert vpc["type"] == "awsx:ec2:Vpc"
    assert vpc["inputs"] == {"enableDnsHostnames": True, "enableDnsSupport": True, "tags": {"Name": "myeks-vpc"}}
    cluster = dev_run.one("myeks")["inputs"]
    assert (cluster["vpcId"], cluster["publicSubnetIds"], cluster["privateSubnetIds"]) == (
        vpc["outputs"]["vpcId"], vpc["outputs"]["publicSubnetIds"], vpc["outputs"]["privateSubnetIds"])
    assert (cluster["endpointPublicAccess"], cluster["endpointPrivateAccess"]) == (True, True)


def test_an_existing_vpc_is_used_as_configured(dev_config: Config) -> None:
    run = plan(changed(dev_config, vpcId="vpc-0abc", subnetIds=["subnet-b", "subnet-a"]))
    assert not [r for r in run.records if r["type"] == "awsx:ec2:Vpc"]
    cluster = run.one("myeks")["inputs"]
    assert (cluster["vpcId"], cluster["subnetIds"]) == ("vpc-0abc", ["subnet-a", "subnet-b"])
    assert "subnetIds" not in run.one("myeks-nodes")["inputs"]  # the cluster's subnets


def test_endpoint_access_settings(dev_config: Config) -> None:
    cidrs = plan(changed(dev_config, publicAccessCidrs=["203.0.113.0/24"])).one("myeks")["inputs"]
    assert (cidrs["endpointPublicAccess"], cidrs["publicAccessCidrs"]) == (True, ["203.0.113.0/24"])
    private = plan(changed(dev_config, endpointPublicAccess=False, deployerReachesPrivateEndpoint=True)).one("myeks")["inputs"]
    assert (private["endpointPublicAccess"], private["endpointPrivateAccess"], "publicAccessCidrs" in private) == (False, True, False)


# ------------------------------------------------------------------ Kubernetes version

def test_the_stack_pins_a_kubernetes_version(dev_run: Run, dev_config: Config) -> None:
    """Unset, EKS would pick its own moving default; the stack asks for the newest EKS
    standard-support release whose built-in roles are shipped, so the plan names the release
    the analyzer answers with."""
    assert "version" not in dev_config[f"{P}:cluster"]
    assert dev_run.one("myeks")["inputs"]["version"] == "1.36"
    assert plan(changed(dev_config, version="1.32")).one("myeks")["inputs"]["version"] == "1.32"


OFFERED = "on 2026-12-06 EKS offers standard support 1.36, 1.35; extended support 1.34, 1.33, 1.32"


@pytest.mark.parametrize(("version", "message"), [
    ("1.28", "cluster.version: EKS no longer creates clusters on Kubernetes 1.28: its extended support ended 2025-11-26 and "
             f"EKS moves such control planes to 1.32; {OFFERED}"),
    ("1.31", "cluster.version: EKS no longer creates clusters on Kubernetes 1.31: its extended support ended 2026-11-26 and "
             f"EKS moves such control planes to 1.32; {OFFERED}"),
    ("1.37", "cluster.version: EKS does not create clusters on Kubernetes 1.37 (upstream since 2026-08-26; "
             f"aws/containers-roadmap#2864 asking for it was open, with no EKS date); {OFFERED} (EKS calendar as read on "
             "2026-12-06, https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html; a release EKS added "
             "later needs a newer eks-access)"),
    ("v1.34", 'cluster.version: \'v1.34\' is not a version as EKS spells it: MAJOR.MINOR, e.g. "1.36"'),
    ("1.34.2", 'cluster.version: \'1.34.2\' is not a version as EKS spells it: MAJOR.MINOR, e.g. "1.36"'),
    ("1.34\n", 'cluster.version: \'1.34\\n\' is not a version as EKS spells it: MAJOR.MINOR, e.g. "1.36"'),
])  # fmt: skip
def test_a_version_eks_does_not_offer_is_refused(dev_config: Config, version: str, message: str) -> None:
    with pytest.raises(SpecError) as err:
        load_stack(raw_stack_config(changed(dev_config, version=version)))
    assert str(err.value) == message


def test_the_default_is_judged_like_a_pinned_version(dev_config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset, the stack asks for eks-access's default: on a day EKS no longer offers it, the stack is
    refused as EKS would refuse it, naming the key to set."""
    monkeypatch.setenv("EKS_ACCESS_TODAY", "2028-08-02")
    with pytest.raises(SpecError) as err:
        load_stack(raw_stack_config(dev_config))
    assert str(err.value) == (
        "cluster.version: unset, so the stack asks for eks-access's default 1.36: EKS no longer creates clusters on "
        "Kubernetes 1.36: its extended support ended 2028-08-02 and EKS moves such control planes to a newer release; "
        "on 2028-08-02 EKS offers no release this calendar knows (read on 2026-12-06; a newer eks-access knows more); "
        "set cluster.version")
    monkeypatch.setenv("EKS_ACCESS_TODAY", "2028-08-01")
    assert load_stack(raw_stack_config(dev_config)).cluster.kubernetes_version == "1.36"


def test_every_version_eks_offers_has_shipped_data(dev_config: Config) -> None:
    """Every release EKS offers on the test day plans with that release's built-ins (1.35 and 1.36
    included: kubedata ships them); none is refused for want of data."""
    import datetime as dt

    from eks_access.awsdata import eks_versions
    from eks_access.kubedata import SUPPORTED_VERSIONS

    offered = eks_versions().offered(dt.date(2026, 12, 6))
    assert offered == ("1.36", "1.35", "1.34", "1.33", "1.32")
    assert [v for v in offered if v not in SUPPORTED_VERSIONS] == []
    for version in ("1.32", "1.33", "1.35", "1.36"):
        assert plan(changed(dev_config, version=version)).one("myeks")["inputs"]["version"] == version
        plan_config(changed(dev_config, version=version), stack="dev")


@pytest.mark.parametrize(("version", "expected"), [("1.34", False), ("1.35", True), ("1.36", True)])
def test_a_stack_pinned_to_1_35_or_1_36_is_answered_with_that_releases_roles(
        dev_config: Config, version: str, expected: bool) -> None:
    """The analyzer over the plan of a stack pinned to 1.35/1.36 answers with that release's built-in
    roles, naming no other release: view covers events.k8s.io events from 1.35 (kubernetes/kubernetes#133740)."""
    from eks_access.analysis import Analyzer

    analyzer = Analyzer.from_records(plan_config(changed(dev_config, version=version), stack="dev").resources)
    answer = analyzer.can_i("user:alice", "list", "events.events.k8s.io", "dev-team", groups=["developers"])
    assert (analyzer.version, answer.kubernetes_version, answer.allowed, answer.notes) == (version, version, expected, ())
    assert analyzer.can_i("user:alice", "list", "events", "dev-team", groups=["developers"]).allowed


EDITORS_EDIT = {
    "type": "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "name": "editors-edit", "parent": None, "custom": True,
    "inputs": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "editors-edit", "namespace": "dev-team"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
               "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "editors"}]},
    "outputs": {},
}  # fmt: skip


@pytest.mark.parametrize("version", ["1.29", "1.30", "1.31"])
def test_a_stack_pinned_to_a_release_eks_offered_then_answers_with_it(
        dev_config: Config, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    """1.29-1.31 left EKS extended support in 2026; judged on a day EKS still offered them
    (EKS_ACCESS_TODAY=2026-03-01), a stack pinned to one plans and answers with that release's
    roles: edit no longer writes core endpoints (CVE-2021-25740, removed in 1.22), as it did in 1.20."""
    from eks_access.analysis import Analyzer

    monkeypatch.setenv("EKS_ACCESS_TODAY", "2026-03-01")
    records = [*plan_config(changed(dev_config, version=version), stack="dev").resources, EDITORS_EDIT]
    pinned, old = Analyzer.from_records(records), Analyzer.from_records(records, "1.20")
    answer = pinned.can_i("user:alice", "create", "endpoints", "dev-team", groups=["editors"])
    assert (pinned.version, answer.kubernetes_version, answer.allowed, answer.notes) == (version, version, False, ())
    assert old.can_i("user:alice", "create", "endpoints", "dev-team", groups=["editors"]).allowed is True


def test_an_eks_version_without_shipped_data_is_refused_by_the_offline_plan(
        dev_config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once EKS's calendar offers a release kubedata does not ship (here 1.37, as if EKS offered it),
    the offline plan refuses, naming the key, instead of judging with another release's built-ins."""
    import datetime as dt

    from eks_access.awsdata import eks_versions
    from eks_access.awsdata.eks_versions import EksRelease
    from eks_access.errors import EksAccessError
    from eks_access.spec import versions

    known = eks_versions()
    row = EksRelease("1.37", dt.date(2026, 10, 1), dt.date(2027, 12, 1), dt.date(2028, 12, 1), "test")
    monkeypatch.setattr(versions, "eks_versions", lambda: dataclasses.replace(known, releases=(row, *known.releases)))
    with pytest.raises(EksAccessError) as err:
        plan_config(changed(dev_config, version="1.37"), stack="dev")
    assert str(err.value) == (
        "cluster.version: Kubernetes '1.37' has no built-in RBAC and discovery data shipped (supported: 1.20, 1.29, "
        "1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36), so the offline plan cannot tell which objects a new cluster of that release already has")


# --------------------------------------------------------------------------- Pod Identity

def test_pod_identity_brings_the_agent_add_on_once(dev_run: Run, dev_config: Config) -> None:
    agent = dev_run.one("myeks-pod-identity-agent")
    assert (agent["type"], agent["inputs"]) == ("aws:eks/addon:Addon", {"addonName": "eks-pod-identity-agent", "clusterName": "myeks"})
    assert dev_run.depends_on("myeks-pod-identity-agent") == ["myeks", "myeks-nodes"]
    assert dev_run.delete_before_replace("myeks-pod-identity-agent")
    assert dev_run.depends_on("default/reporter-pod-identity") == ["default/reporter-role", "myeks"]
    irsa_only = copy.deepcopy(dev_config)
    irsa_only[f"{P}:workloads"] = [w for w in irsa_only[f"{P}:workloads"] if w.get("identity") != "pod-identity"]
    assert not [r for r in plan(irsa_only).records if r["type"] == "aws:eks/addon:Addon"]


# ---------------------------------------------------------------- users and break-glass admins

def test_break_glass_admins_are_explicit_access_entries(dev_config: Config) -> None:
    admins = [f"arn:aws:iam::{ACCOUNT}:role/BreakGlass", f"arn:aws:iam::{ACCOUNT}:role/ops/Admin"]
    run = plan(changed(dev_config, admins=admins))
    for arn, part in zip(admins, ("BreakGlass", "Admin"), strict=True):
        entry = f"myeks-admin-access-entry/{ACCOUNT}/{part}"
        policy = f"myeks-admin-access-policy/{ACCOUNT}/{part}"
        assert run.one(entry)["inputs"] == {"clusterName": "myeks", "principalArn": arn, "type": "STANDARD",
                                            "tags": {"eks-access/break-glass": "true"}}
        assert run.one(policy)["inputs"] == {
            "clusterName": "myeks", "principalArn": arn, "accessScope": {"type": "cluster"},
            "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}
        assert (run.depends_on(entry), run.depends_on(policy)) == (["myeks"], [entry])
        assert run.delete_before_replace(entry) and run.delete_before_replace(policy)


def test_direct_user_entries_are_named_by_principal(dev_config: Config) -> None:
    config = copy.deepcopy(dev_config)
    config[f"{P}:users"] = [
        {"userArn": f"arn:aws:iam::{ACCOUNT}:user/eks-ope", "username": "eks-ope", "kubernetesGroups": ["operators", "auditors"]},
        {"userArn": "arn:aws:iam::444455556666:user/eks-ope", "username": "eks-ope-b"},
    ]
    run = plan(config)
    entry = run.one(f"user-access-entry/{ACCOUNT}/eks-ope")
    assert entry["inputs"] == {"clusterName": "myeks", "principalArn": f"arn:aws:iam::{ACCOUNT}:user/eks-ope",
                               "kubernetesGroups": ["auditors", "operators"], "userName": "eks-ope", "type": "STANDARD"}
    assert run.aliases(f"user-access-entry/{ACCOUNT}/eks-ope") == ["user-0-access-entry"]
    assert run.aliases("user-access-entry/444455556666/eks-ope") == ["user-1-access-entry"]
    assert run.depends_on("user-access-entry/444455556666/eks-ope") == ["myeks"]


# --------------------------------------------------------------------------------- names

def test_workload_names_are_injective_and_keep_their_release_0_1_names(dev_config: Config, dev_run: Run) -> None:
    config = copy.deepcopy(dev_config)
    config[f"{P}:workloads"] = [{"serviceAccount": "c", "namespace": "a-b", "roleName": "one"},
                                {"serviceAccount": "b-c", "namespace": "a", "roleName": "two"}]
    names = {r["name"] for r in plan(config).records if r["type"] == "eks-access:index:WorkloadIdentity"}
    assert names == {"a-b/c", "a/b-c"}  # 0.1 named both "a-b-c"
    assert dev_run.aliases("default/my-sa") == ["default-my-sa"]
    assert dev_run.aliases("default/my-sa-role") == ["default-my-sa-role"]
    assert dev_run.aliases("default/my-sa-policy/aws/AmazonS3ReadOnlyAccess") == [
        "default-my-sa-managed-0", "default/my-sa-managed-0"]


def test_team_names_are_injective_across_teams(dev_config: Config) -> None:
    """0.1: team "dev" with Role c in namespace "x-rb-y" and team "dev-rb-x" with Role c in "y" met."""
    config = copy.deepcopy(dev_config)
    rules = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]
    config[f"{P}:teams"] = [
        {"name": "dev", "roleName": "R1", "roles": {"x-rb-y": {"c": rules}, "a-b": {"c": rules}, "a": {"b-c": rules}},
         "createNamespaces": True},  # a new cluster has no such namespaces (offline contract k8s-namespace-exists)
        {"name": "dev-rb-x", "roleName": "R2", "roles": {"y": {"c": rules}}, "createNamespaces": True},
    ]
    bindings = sorted(r["name"] for r in plan(config).records if r["type"].endswith("RoleBinding"))
    assert bindings == ["dev-rb-x-rb/y/c", "dev-rb/a-b/c", "dev-rb/a/b-c", "dev-rb/x-rb-y/c", "dev-team/dev-k8s-rbac-binding",
                        "infra-team/infra-k8s-rbac-binding"]


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reversed(v) for v in reversed(value)]
    return value


RULES = [
    {"apiGroups": ["", "apps"], "resources": ["pods", "deployments"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a", "b"], "verbs": ["get", "update"]},
]
KITCHEN_SINK: Config = {
    "aws:region": REGION,
    f"{P}:accountId": ACCOUNT,
    f"{P}:cluster": {
        "name": "myeks", "authenticationMode": "API_AND_CONFIG_MAP",
        "publicAccessCidrs": ["203.0.113.0/24", "198.51.100.0/24"],
        "admins": [f"arn:aws:iam::{ACCOUNT}:role/BreakGlass", f"arn:aws:iam::{ACCOUNT}:role/Admin2"],
        "vpcId": "vpc-1", "subnetIds": ["subnet-1", "subnet-2", "subnet-3"],
    },
    f"{P}:teams": [
        {"name": "developers", "roleName": "Dev", "members": ["dev1", "dev2", "dev3"], "kubernetesGroups": ["developers", "readers"],
         "clusterRoleBindings": ["view", "system:discovery"], "namespaceRoleBindings": {"dev-team": ["edit", "view"], "web": ["view"]},
         "clusterRoles": {"pod-node-reader": RULES}, "roles": {"dev-team": {"pod-creator": RULES, "cm-reader": RULES[1:]}},
         "accessPolicies": [{"policy": "AmazonEKSViewPolicy", "namespaces": ["dev-team", "web"]},
                            {"policy": "AmazonEKSEditPolicy", "namespaces": ["web", "dev-team"]}],
         "createNamespaces": True,
         "trustedPrincipalArns": [f"arn:aws:iam::{ACCOUNT}:user/dev1", f"arn:aws:iam::{ACCOUNT}:user/dev2"]},
        {"name": "ops", "roleName": "Ops", "mapping": "aws-auth", "kubernetesGroups": ["operators", "auditors"], "members": ["o1", "o2"]},
        {"name": "qa", "roleName": "Qa", "kubernetesGroups": ["qa", "testers"], "clusterRoleBindings": ["view", "edit"]},
    ],
    f"{P}:users": [
        {"userArn": f"arn:aws:iam::{ACCOUNT}:user/u1", "username": "u1", "kubernetesGroups": ["g1", "g2"]},
        {"userArn": f"arn:aws:iam::{ACCOUNT}:user/u2", "username": "u2", "kubernetesGroups": ["g2", "g3"]},
    ],
    f"{P}:workloads": [
        {"serviceAccount": "api", "namespace": "web", "rules": RULES,
         "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"],
         "inlinePolicy": {"Statement": [
             {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/1", "arn:aws:s3:::b/2"]},
             {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
              "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": ["a", "b"]}}},
         ]}},
        {"serviceAccount": "worker", "namespace": "web", "identity": "pod-identity",
         "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", f"arn:aws:iam::{ACCOUNT}:policy/Worker"]},
    ],
}


def _config_map_variant() -> Config:
    config = copy.deepcopy(KITCHEN_SINK)
    cluster = config[f"{P}:cluster"]
    cluster["authenticationMode"] = "CONFIG_MAP"
    del cluster["admins"]
    for team in config[f"{P}:teams"]:
        team.pop("accessPolicies", None)
        team.pop("mapping", None)
    return config


@pytest.mark.parametrize("config", [KITCHEN_SINK, _config_map_variant()], ids=["api-and-config-map", "config-map"])
def test_reordering_every_list_changes_no_name_and_no_input(config: Config) -> None:
    def records(cfg: Config) -> dict[tuple[str, str], str]:
        return {(r["type"], r["name"]): json.dumps(r, sort_keys=True) for r in plan_config(cfg).resources}

    before, after = records(config), records(_reversed(config))
    assert sorted(after) == sorted(before)
    assert [k for k in before if before[k] != after[k]] == []


# --------------------------------------------------------------------------------- region

def test_region_comes_from_the_environment_like_the_provider(dev_config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    config = {k: v for k, v in dev_config.items() if k != "aws:region"}
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    result = plan_config(config)
    assert result.exports["clusterArn"] == f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/myeks"
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    assert plan_config(config).exports["clusterArn"] == f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/myeks"


def test_no_region_anywhere_is_refused_naming_aws_region(dev_config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    config = {k: v for k, v in dev_config.items() if k != "aws:region"}
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(SpecError) as err:
        plan_config(config)
    assert str(err.value) == ("aws:region: is not set, and neither AWS_REGION nor AWS_DEFAULT_REGION is: the AWS provider would "
                              "have no region to deploy to; set it with `pulumi config set aws:region <region>`")


def test_wrong_account_is_refused(dev_config: Config) -> None:
    with pytest.raises(SpecError) as err:
        capture(main, cloud=FakeCloud(account_id="444455556666", region=REGION), config=pulumi_config(dev_config))
    assert str(err.value) == (f"{P}:accountId: is {ACCOUNT} but the AWS credentials belong to account 444455556666; "
                              "refusing to deploy into the wrong account")


# -------------------------------------------------------------------------------- preview

def test_first_preview_shows_every_team_document_and_object_name(dev_config: Config) -> None:
    """Nothing exists yet: resource outputs are unknown, provider functions still answer."""
    run = plan(dev_config, preview=True)
    viewer = f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer"
    assert json.loads(run.one("developers-assume-role")["inputs"]["policy"])["Statement"][0]["Resource"] == viewer
    assert json.loads(run.one("developers-describe-cluster")["inputs"]["policy"])["Statement"][0]["Resource"] == CLUSTER_ARN
    assert json.loads(run.one("developers-role")["inputs"]["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert run.one("developers-access-entry")["inputs"]["principalArn"] == viewer
    assert json.loads(run.one("default/reporter-role")["inputs"]["assumeRolePolicy"])["Statement"][0]["Condition"][
        "StringEquals"]["aws:RequestTag/eks-cluster-name"] == "myeks"
    for record in run.records:
        if record["type"].startswith("kubernetes:") and record["type"] != "pulumi:providers:kubernetes":
            assert not is_unknown(record["inputs"]["metadata"]["name"]), record["name"]
    sa = run.one("default/my-sa-sa")["inputs"]["metadata"]
    assert (sa["name"], sa["namespace"]) == ("my-sa", "default")
    # The role ARNs are built from partition, account and role name, so the IRSA annotation and the
    # Pod Identity association's roleArn are known before the roles exist.
    assert sa["annotations"]["eks.amazonaws.com/role-arn"] == f"arn:aws:iam::{ACCOUNT}:role/myeks-default-my-sa"
    assert run.one("default/reporter-pod-identity")["inputs"]["roleArn"] == f"arn:aws:iam::{ACCOUNT}:role/myeks-default-reporter"
    # What a real first preview cannot know either: the IRSA trust needs the issuer EKS assigns at
    # creation; it is known from the second preview on.
    assert is_unknown(run.one("default/my-sa-role")["inputs"]["assumeRolePolicy"])
