"""The stack program on mocks, the files `plan` writes, blast radius, and the CLI contract."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from parliament import analyze_policy_string

from eks_access.cli import main
from eks_access.offline import ProgramResult, plan_config
from eks_access.plan.files import iam_documents, manifests
from eks_access.plan.output import write_plan
from eks_access.spec.versions import DEFAULT_CLUSTER_VERSION

ACCOUNT = "111122223333"
# the release the dev stack asks EKS for: its manifests must be valid for that API server
KUBERNETES_VERSION = f"{DEFAULT_CLUSTER_VERSION}.0"


def types_under(resources: list[dict[str, Any]], parent: str) -> Counter[str]:
    return Counter(str(r["type"]).rsplit(":", 1)[-1] for r in resources if r["parent"] == parent)


def test_dev_stack_registers_what_it_declares(dev_plan_resources: list[dict[str, Any]]) -> None:
    top = Counter(r["type"] for r in dev_plan_resources if r["parent"] is None)
    assert top == Counter({
        "eks-access:index:TeamAccess": 2, "eks-access:index:WorkloadIdentity": 4, "eks:index:Cluster": 1,
        "eks:index:ManagedNodeGroup": 1, "aws:iam/role:Role": 1, "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 3,
        "pulumi:providers:kubernetes": 1, "kubernetes:core/v1:Namespace": 2, "awsx:ec2:Vpc": 1, "aws:eks/addon:Addon": 1,
    })
    assert types_under(dev_plan_resources, "developers") == Counter({
        "Group": 1, "UserGroupMembership": 1, "Role": 1, "GroupPolicy": 1, "RolePolicy": 1, "AccessEntry": 1, "ClusterRoleBinding": 1,
    })
    assert types_under(dev_plan_resources, "operators") == Counter({
        "Group": 1, "UserGroupMembership": 1, "Role": 1, "GroupPolicy": 1, "RolePolicy": 1, "AccessEntry": 1,
        "ClusterRole": 1, "ClusterRoleBinding": 1,
    })
    assert types_under(dev_plan_resources, "default/my-sa") == Counter({"Role": 1, "RolePolicyAttachment": 1, "ServiceAccount": 1})
    assert types_under(dev_plan_resources, "default/reporter") == Counter(
        {"Role": 1, "RolePolicyAttachment": 1, "ServiceAccount": 1, "PodIdentityAssociation": 1})
    assert types_under(dev_plan_resources, "dev-team/dev-k8s") == Counter({"Role": 2, "ServiceAccount": 1, "RoleBinding": 1})


def test_dev_stack_worked_example_documents(dev_plan_resources: list[dict[str, Any]]) -> None:
    by_name = {r["name"]: r for r in dev_plan_resources}
    viewer = f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer"
    assert by_name["developers-role"]["outputs"]["arn"] == viewer
    assert json.loads(by_name["developers-assume-role"]["inputs"]["policy"])["Statement"][0]["Resource"] == viewer
    assert json.loads(by_name["developers-describe-cluster"]["inputs"]["policy"])["Statement"][0]["Resource"] == (
        f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:cluster/myeks")
    assert by_name["developers-crb/view"]["inputs"]["subjects"] == [
        {"kind": "Group", "name": "developers", "apiGroup": "rbac.authorization.k8s.io"}]
    sa = by_name["default/my-sa-sa"]["inputs"]["metadata"]
    assert sa["annotations"]["eks.amazonaws.com/role-arn"] == by_name["default/my-sa-role"]["outputs"]["arn"]
    trust = json.loads(by_name["default/my-sa-role"]["inputs"]["assumeRolePolicy"])["Statement"][0]
    issuer = trust["Principal"]["Federated"].split("oidc-provider/", 1)[1]
    assert trust["Condition"] == {"StringEquals": {f"{issuer}:sub": "system:serviceaccount:default:my-sa", f"{issuer}:aud": "sts.amazonaws.com"}}


def test_every_manifest_passes_kubernetes_validate_strict(dev_plan_resources: list[dict[str, Any]]) -> None:
    files = manifests(dev_plan_resources)
    assert {m["kind"] for _, m in files} == {"Namespace", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ServiceAccount"}
    for name, manifest in files:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
        assert name.endswith(".yaml")


def test_every_iam_document_passes_parliament(dev_plan_resources: list[dict[str, Any]]) -> None:
    documents = iam_documents(dev_plan_resources)
    assert len(documents) == 2 * 2 + 7  # 2 teams x (group + role policy), and the trust policy of all 7 roles
    for name, document in documents:
        policy = analyze_policy_string(json.dumps(document), ignore_private_auditors=True, include_community_auditors=False)
        findings = {(f.issue, str(f.detail)) for f in policy.findings}
        if not name.endswith(".trust.json"):
            assert findings == set(), (name, findings)
            continue
        # parliament lints identity policies. For trust (resource) policies two findings are
        # expected and wrong for this kind: a trust statement has no Resource by definition, and
        # parliament's federation list predates EKS OIDC providers. Anything else fails the test.
        principal = document["Statement"][0]["Principal"]
        expected = {("MALFORMED", "Statement contains neither Resource nor NotResource")}
        if "Federated" in principal:
            assert ":oidc-provider/oidc.eks." in principal["Federated"]
            expected.add(("UNKNOWN_FEDERATION_SOURCE", principal["Federated"]))
        assert findings == expected, (name, findings)


def _with_team(config: dict[str, Any], name: str) -> dict[str, Any]:
    changed = copy.deepcopy(config)
    changed["team-cluster:teams"].append({"name": name, "iamGroup": name.title(), "members": ["new1"], "roleName": f"EKS{name.title()}",
                                          "clusterRoleBindings": ["view"]})
    changed["team-cluster:workloads"].append({"serviceAccount": "new-sa", "namespace": "default"})
    return changed


def _diff(before: ProgramResult, after: ProgramResult) -> tuple[set[str], list[str]]:
    old = {(r["type"], r["name"]): r for r in before.resources}
    new = {(r["type"], r["name"]): r for r in after.resources}
    changed = [f"{k[1]}" for k in old if k in new and json.dumps(old[k], sort_keys=True) != json.dumps(new[k], sort_keys=True)]
    added = {k[1] for k in new if k not in old}
    assert not [k for k in old if k not in new], "nothing may be removed"
    return added, changed


def test_blast_radius_api_mode_touches_no_existing_resource(dev_config: dict[str, Any], dev_stack_plan: ProgramResult) -> None:
    added, changed = _diff(dev_stack_plan, plan_config(_with_team(dev_config, "newteam")))
    assert changed == []
    assert "newteam" in added and "newteam-access-entry" in added and "default/new-sa-role" in added


def test_blast_radius_config_map_mode_changes_only_the_aws_auth_mapping(dev_config: dict[str, Any]) -> None:
    config = copy.deepcopy(dev_config)
    config["team-cluster:cluster"]["authenticationMode"] = "CONFIG_MAP"
    before = plan_config(config)
    _added, changed = _diff(before, plan_config(_with_team(config, "newteam")))
    assert changed == ["myeks"]
    cluster = next(r for r in before.resources if r["name"] == "myeks")
    assert [m["username"] for m in cluster["inputs"]["roleMappings"]] == ["developer", "operators:{{SessionName}}"]
    aws_auth = dict(manifests(before.resources))["04-configmap-kube-system.aws-auth.yaml"]
    roles = yaml.safe_load(aws_auth["data"]["mapRoles"])
    assert roles[0] == {"rolearn": f"arn:aws:iam::{ACCOUNT}:role/myeks-node-role", "username": "system:node:{{EC2PrivateDNSName}}",
                        "groups": ["system:bootstrappers", "system:nodes"]}
    assert roles[1]["rolearn"] == f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer"


def test_plan_command_writes_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    out = tmp_path / "dev"
    assert main(["plan", "--stack", "dev", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "TeamAccess developers" in text and "developers-view: Group developers -> ClusterRole view" in text
    plan = json.loads((out / "plan.json").read_text())
    assert {"type", "name", "parent", "inputs"} <= set(plan[0])
    assert (out / "manifests" / "05-clusterrolebinding-developers-view.yaml").is_file()
    assert (out / "iam" / "developers-role.trust.json").is_file()
    assert json.loads((out / "outputs.json").read_text())["kubeconfig"] == "[secret]"


BAD_CONFIGS = [
    ("config:\n  team-cluster:cluster: {name: myeks}\n  team-cluster:teams:\n    - {name: a, roleName: R, acessPolicies: []}\n",
     "team-cluster:teams[0].acessPolicies: unknown key (did you mean 'accessPolicies'?)"),
    ("config:\n  team-cluster:cluster: {name: myeks}\n  team-cluster:teams: nope\n", "team-cluster:teams: must be a list"),
    ("config:\n  team-cluster:cluster: {name: myeks}\n  team-cluster:users:\n    - {userArn: 'arn:aws:iam::1234:user/x', username: x}\n",
     "team-cluster:users[0].userArn"),
    ("config:\n  team-cluster:cluster: {name: myeks}\n  team-cluster:teams:\n    - {name: a, roleName: R1}\n    - {name: a, roleName: R2}\n",
     "team-cluster:teams[1].name: duplicate team name 'a'"),
    ("config:\n  team-cluster:cluster: {name: myeks\n", "line 3: YAML syntax error: column 1"),
    ("config:\n  team-cluster:clustr: {name: myeks}\n", "team-cluster:clustr: unknown config key"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_bad_config_exits_2_with_file_and_key_path(text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "Pulumi.bad.yaml"
    config.write_text(text)
    out = tmp_path / "out"
    assert main(["plan", "--config", str(config), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"eks-access: error: {config}: ")
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()


def test_missing_stack_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--stack", "nosuch"]) == 2
    assert "Pulumi.nosuch.yaml: stack config file not found" in capsys.readouterr().err


def test_failed_plan_keeps_the_previous_output_whole(tmp_path: Path, dev_stack_plan: ProgramResult) -> None:
    out = tmp_path / "plan"
    write_plan(dev_stack_plan.resources, dev_stack_plan.exports, out)
    before = sorted(p.name for p in out.rglob("*"))
    siblings = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(TypeError):
        write_plan([{"type": "aws:iam/role:Role", "name": "x", "inputs": {"assumeRolePolicy": object()}}], {}, out)
    assert sorted(p.name for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_member_commands(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    assert main(["aws-config", "--team", "developers", "--member", "dev1"]) == 0
    assert capsys.readouterr().out == (
        "[profile eks-developers]\nrole_arn = arn:aws:iam::111122223333:role/EKSMyExampleViewer\n"
        "source_profile = default\nregion = ap-northeast-2\nrole_session_name = dev1\n")
    assert main(["kubeconfig", "--team", "developers"]) == 0
    kubeconfig = yaml.safe_load(capsys.readouterr().out)
    exec_ = kubeconfig["users"][0]["user"]["exec"]
    assert exec_["args"][-4:-2] == ["--cluster-name", "myeks"] and exec_["env"] == [{"name": "AWS_PROFILE", "value": "eks-developers"}]
    assert main(["kubeconfig", "--team", "nobody"]) == 2
    assert "--team: no team named 'nobody' (teams: developers, operators)" in capsys.readouterr().err


def test_check_and_can_i_exit_codes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    assert main(["check", "--stack", "dev"]) == 0
    assert "0 mandatory" in capsys.readouterr().out
    dev1 = f"arn:aws:iam::{ACCOUNT}:user/dev1"
    assert main(["can-i", "list", "nodes", "--as", dev1]) == 1
    assert "ClusterRole view grants no access to nodes" in capsys.readouterr().out
    assert main(["can-i", "list", "pods", "-n", "default", "--as", dev1, "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["allowed"] is True and len(answer["chain"]) == 4
    assert main(["can-i", "list", "pods", "--as", "dev1"]) == 2
    assert main(["can-i", "list", "pods"]) == 2
    err = capsys.readouterr().err
    assert "--as" in err and "Traceback" not in err

    bad = tmp_path / "Pulumi.masters.yaml"
    config = yaml.safe_load((Path.cwd() / "Pulumi.dev.yaml").read_text())
    config["config"]["team-cluster:cluster"]["authenticationMode"] = "CONFIG_MAP"
    config["config"]["team-cluster:teams"][1]["kubernetesGroups"] = ["system:masters"]
    config["config"]["team-cluster:teams"][1]["dangerouslyAllowSystemGroups"] = True
    bad.write_text(yaml.safe_dump(config))
    assert main(["check", "--config", str(bad), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert {"rule": "EKS-MASTERS", "resource": "myeks"} in [{"rule": f["rule"], "resource": f["resource"]} for f in findings]
    assert all({"rule", "severity", "resource", "message"} <= set(f) for f in findings)
