"""``eks-access migrate`` (issue 19): the dev stack switched to CONFIG_MAP, aws-auth corpora as
stack configs, exit codes, what is written and what is never touched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from eks_access.cli.main import main
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "migrate"
P = "team-cluster"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _dev_config_map() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    doc["config"][f"{P}:cluster"]["authenticationMode"] = "CONFIG_MAP"
    return doc


@pytest.fixture
def dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump(_dev_config_map(), sort_keys=False))
    return tmp_path


def test_dev_stack_in_config_map_is_proved_and_written(dev: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "migrate", "--config", "Pulumi.dev.yaml", "--out", "out")
    assert (code, err) == (0, "")
    assert out == (EXAMPLE / "dev.txt").read_text()
    assert sorted(p.name for p in (dev / "out").iterdir()) == ["stage1.yaml", "stage2.yaml", "stage3.yaml"]
    original = _dev_config_map()["config"]
    stages = [yaml.safe_load((dev / "out" / f"stage{n}.yaml").read_text())["config"] for n in (1, 2, 3)]
    expected1 = json.loads(json.dumps(original))
    expected1[f"{P}:cluster"]["authenticationMode"] = "API_AND_CONFIG_MAP"
    for team in expected1[f"{P}:teams"]:
        team["mapping"] = "aws-auth"
    assert stages[0] == expected1
    expected2 = json.loads(json.dumps(expected1))
    for team in expected2[f"{P}:teams"]:
        del team["mapping"]
    assert stages[1] == expected2
    expected2[f"{P}:cluster"]["authenticationMode"] = "API"
    assert stages[2] == expected2
    # The last stage is the dev stack as it is in API mode: the migration ends where the repository is.
    assert stages[2] == yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]


def test_every_stage_plans_through_the_offline_engine(dev: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "migrate", "--config", "Pulumi.dev.yaml", "--out", "out")[0] == 0
    for n in (1, 2, 3):
        code, _out, err = _run(capsys, "plan", "--config", f"out/stage{n}.yaml", "--out", f"plan{n}")
        assert (code, err) == (0, "")


SYSTEM_GROUPS = {
    f"{P}:accountId": "111122223333",
    f"{P}:cluster": {"name": "myeks", "authenticationMode": "CONFIG_MAP", "deployerArn": "arn:aws:iam::111122223333:role/Deployer"},
    f"{P}:teams": [
        {"name": "admins", "roleName": "EKSAdmins", "username": "admin:{{SessionName}}", "kubernetesGroups": ["system:masters"],
         "dangerouslyAllowSystemGroups": True},
        {"name": "ops", "roleName": "EKSOps", "kubernetesGroups": ["ops", "system:bootstrappers"],
         "dangerouslyAllowSystemGroups": True, "clusterRoleBindings": ["view"]},
    ],
    f"{P}:users": [
        {"userArn": "arn:aws:iam::111122223333:user/alice", "username": "alice", "kubernetesGroups": ["system:masters"],
         "dangerouslyAllowSystemGroups": True},
        {"userArn": "arn:aws:iam::111122223333:user/bob", "username": "bob", "kubernetesGroups": ["readers"]},
    ],
}  # fmt: skip


def _write(tmp_path: Path, config: dict[str, Any], name: str = "Pulumi.c.yaml") -> str:
    (tmp_path / name).write_text(yaml.safe_dump({"config": {"aws:region": "ap-northeast-2", **config}}, sort_keys=False))
    return name


def test_system_groups_are_differences_and_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "migrate", "--config", _write(tmp_path, SYSTEM_GROUPS), "--out", "out")
    assert (code, err) == (1, "")
    assert not (tmp_path / "out").exists()
    differences = [line for line in out.splitlines() if line.startswith("  difference: ")]
    masters = "access entries cannot carry 'system:' groups (EKS user guide, creating-access-entries)"
    assert differences == [
        f"  difference: arn:aws:iam::111122223333:user/alice: username alice, groups [system:masters] -> username alice, groups [none]  [{masters}]",
        f"  difference: arn:aws:iam::111122223333:user/alice: loses 6 permissions through group system:masters (every request is allowed before RBAC)  [{masters}]",
        "  difference: arn:aws:iam::111122223333:role/myeks-node-role: loses 10 permissions through ClusterRole view cluster-wide by ClusterRoleBinding ops-view  [the node identity drops a group that a binding of this stack grants]",
        f"  difference: arn:aws:iam::111122223333:role/EKSAdmins: username admin:{{{{SessionName}}}}, groups [system:masters] -> username admin:{{{{SessionName}}}}, groups [admins], access policies [AmazonEKSClusterAdminPolicy]  [system:masters -> AmazonEKSClusterAdminPolicy: {masters}]",
        f"  difference: arn:aws:iam::111122223333:role/EKSOps: username ops:{{{{SessionName}}}}, groups [ops, system:bootstrappers] -> username ops:{{{{SessionName}}}}, groups [ops]  [{masters}]",
        f"  difference: group:system:bootstrappers: loses 10 permissions through ClusterRole view cluster-wide by ClusterRoleBinding ops-view  [{masters}; the bindings that named it lose it]",
    ]  # fmt: skip
    assert out.splitlines()[-1] == "6 difference(s), each listed with its reason; nothing written (--allow-difference writes them)"


def test_allow_difference_writes_the_stages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _err = _run(capsys, "migrate", "--config", _write(tmp_path, SYSTEM_GROUPS), "--out", "out", "--allow-difference")
    assert code == 1
    assert out.splitlines()[-1] == "6 difference(s) allowed; wrote out/stage1.yaml, out/stage2.yaml, out/stage3.yaml"
    stage1 = yaml.safe_load((tmp_path / "out" / "stage1.yaml").read_text())["config"]
    assert stage1[f"{P}:users"] == [
        {"userArn": "arn:aws:iam::111122223333:user/alice", "username": "alice"},
        {"userArn": "arn:aws:iam::111122223333:user/bob", "username": "bob", "kubernetesGroups": ["readers"]},
    ]
    stage2 = yaml.safe_load((tmp_path / "out" / "stage2.yaml").read_text())["config"]
    assert stage2[f"{P}:teams"] == [
        {"name": "admins", "roleName": "EKSAdmins", "username": "admin:{{SessionName}}",
         "accessPolicies": [{"policy": "AmazonEKSClusterAdminPolicy"}]},
        {"name": "ops", "roleName": "EKSOps", "kubernetesGroups": ["ops"], "clusterRoleBindings": ["view"]},
    ]  # fmt: skip


def test_a_principal_with_an_entry_and_a_different_row_is_a_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    ops = "arn:aws:iam::111122223333:role/EKSOps"
    config = {f"{P}:cluster": {"name": "myeks", "authenticationMode": "API_AND_CONFIG_MAP", "admins": [ops]},
              f"{P}:teams": [{"name": "ops", "roleName": "EKSOps", "mapping": "aws-auth", "kubernetesGroups": ["ops"]}]}  # fmt: skip
    code, out, err = _run(capsys, "migrate", "--config", _write(tmp_path, config), "--out", "out")
    assert (code, err, (tmp_path / "out").exists()) == (1, "", False)
    assert out.splitlines()[1:] == [
        f"CONFLICT {ops}: access entry username arn:aws:sts::111122223333:assumed-role/EKSOps/{{{{SessionName}}}}, groups [none], "
        "access policies [AmazonEKSClusterAdminPolicy]; aws-auth row username ops:{{SessionName}}, groups [ops] (EKS uses the entry)",
        "",
        "Refused: stage 1 cannot be deployed: stage1.yaml: team-cluster:teams[0]: ops-access-entry (aws:eks/accessEntry:AccessEntry): "
        "EKS allows one access entry per IAM principal in a cluster; myeks-admin-access-entry/111122223333/EKSOps already creates "
        f"the entry of {ops} in cluster myeks (CreateAccessEntry fails with ResourceInUseException); nothing written",
    ]


def test_json_format(dev: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "migrate", "--config", "Pulumi.dev.yaml", "--out", "out", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert [s["file"] for s in doc["stages"]] == ["stage1.yaml", "stage2.yaml", "stage3.yaml"]
    assert doc["stages"][2]["proof"][0] == {
        "kind": "same", "principal": "arn:aws:iam::111122223333:role/EKSMyExampleViewer",
        "text": "username developer, groups [developers] (access entry)", "reason": ""}  # fmt: skip
    assert doc["verdict"] == ("Proved: no principal's identity or permissions change; "
                              "wrote out/stage1.yaml, out/stage2.yaml, out/stage3.yaml")  # fmt: skip


@pytest.mark.parametrize(("config", "message"), [
    ({f"{P}:cluster": {"name": "myeks"}},
     "Pulumi.c.yaml: line 3: team-cluster:cluster.authenticationMode: is API already: aws-auth is not read, there is nothing to migrate"),
    ({f"{P}:cluster": {"name": "myeks", "authenticationMode": "CONFIG_MAP"},
      f"{P}:teams": [{"name": "dev", "roleName": "Dev", "rolePath": "/team/"}]},
     "Pulumi.c.yaml: line 9: team-cluster:teams[0].rolePath: aws-auth never matches a rolearn with a path; keep rolePath '/' or use access entries"),
])  # fmt: skip
def test_bad_input_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                      config: dict[str, Any], message: str) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "migrate", "--config", _write(tmp_path, config), "--out", "out")
    assert (code, out, err) == (2, "", f"eks-access: error: {message}\n")
    assert not (tmp_path / "out").exists()


def test_a_non_empty_out_is_refused_and_untouched(dev: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (dev / "out").mkdir()
    (dev / "out" / "stage1.yaml").write_text("mine\n")
    code, out, err = _run(capsys, "migrate", "--config", "Pulumi.dev.yaml", "--out", "out")
    assert (code, out) == (2, "")
    assert err == "eks-access: error: --out: out is not empty; name an absent or empty directory (nothing of yours is overwritten)\n"
    assert (dev / "out" / "stage1.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in dev.iterdir()) == ["Pulumi.dev.yaml", "out"]
    assert [p.name for p in (dev / "out").iterdir()] == ["stage1.yaml"]


def test_plan_file_is_not_an_input(dev: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "migrate", "--plan", "plan.json", "--out", "out")
    assert (code, err) == (2, "eks-access: error: --plan: `migrate` reads a stack config (--stack/--config), not a plan\n")


def test_api_and_config_map_input_has_two_stages_and_admins_stay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    glass = "arn:aws:iam::111122223333:role/BreakGlass"
    config: dict[str, Any] = {
              "aws:region": "ap-northeast-2",
              f"{P}:cluster": {"name": "myeks", "authenticationMode": "API_AND_CONFIG_MAP", "admins": [glass]},
              f"{P}:teams": [{"name": "ops", "roleName": "EKSOps", "mapping": "aws-auth", "clusterRoleBindings": ["view"]},
                             {"name": "dev", "roleName": "EKSDev"}]}  # fmt: skip
    (tmp_path / "Pulumi.mig.yaml").write_text(yaml.safe_dump({"config": config}))
    code, out, err = _run(capsys, "migrate", "--stack", "mig", "--out", "out")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[2:4] == ["Stage 1 (stage1.yaml): aws-auth mappings replaced by access entries",
                          "  change: teams[0] (ops): aws-auth mapRoles row -> access entry"]  # fmt: skip
    assert (f"  same: {glass}: username arn:aws:sts::111122223333:assumed-role/BreakGlass/{{{{SessionName}}}}, groups [none], "
            "access policies [AmazonEKSClusterAdminPolicy] (access entry)") in lines  # fmt: skip
    assert lines[-1] == "Proved: no principal's identity or permissions change; wrote out/stage1.yaml, out/stage2.yaml"
    stage2 = yaml.safe_load((tmp_path / "out" / "stage2.yaml").read_text())["config"]
    assert stage2 == {**config, f"{P}:cluster": {**config[f"{P}:cluster"], "authenticationMode": "API"},
                      f"{P}:teams": [{"name": "ops", "roleName": "EKSOps", "clusterRoleBindings": ["view"]},
                                     {"name": "dev", "roleName": "EKSDev"}]}  # fmt: skip
