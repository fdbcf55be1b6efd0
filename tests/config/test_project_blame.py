"""A bad default in Pulumi.yaml is blamed on Pulumi.yaml, with its line and key path (issue 16).

0.2.0 said ``Pulumi.dev.yaml: team-cluster:users: must be a list, got a string ('5')``: the wrong
file, and no line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_access.cli import main
from eks_access.config.stackfile import read_stack_file
from eks_access.config.yamlload import ConfigFileError

STACK = 'config:\n  aws:region: ap-northeast-2\n  team-cluster:accountId: "111122223333"\n  team-cluster:cluster: {name: myeks}\n'


def project(tmp_path: Path, config: str, stack: str = STACK) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(f"name: team-cluster\nruntime: python\nconfig:\n{config}")
    (tmp_path / "Pulumi.dev.yaml").write_text(stack)
    return tmp_path / "Pulumi.dev.yaml"


def spec_error(file: Path) -> str:
    with pytest.raises(ConfigFileError) as info:
        read_stack_file(file).spec()
    return str(info.value)


@pytest.mark.parametrize(("config", "expected"), [
    ("  users: 5\n", "line 4: config.users: must be a list, got a string ('5')"),
    ("  users:\n    description: direct users\n    default: 5\n", "line 6: config.users.default: must be a list, got a string ('5')"),
    ("  users:\n    default:\n      - username: a\n        userArn: 5\n",
     "line 7: config.users.default[0].userArn: must be a string, got a number (5)"),
    ("  teams:\n    default:\n      - name: developers\n        iamGroup: Developers\n        members: dev1\n        roleName: R\n",
     "line 8: config.teams.default[0].members: must be a list, got a string ('dev1')"),
    ("  extra:\n    default: 1\n",
     "line 5: config.extra.default: unknown config key; allowed: team-cluster:accountId, team-cluster:cluster, "
     "team-cluster:teams, team-cluster:users, team-cluster:workloads, team-cluster:guardrails, team-cluster:iamQuotas"),
])
def test_a_bad_default_names_pulumi_yaml_its_line_and_key_path(tmp_path: Path, config: str, expected: str) -> None:
    file = project(tmp_path, config)
    assert spec_error(file) == f"{tmp_path / 'Pulumi.yaml'}: {expected}"


def test_a_value_the_stack_file_sets_is_still_blamed_on_the_stack_file(tmp_path: Path) -> None:
    file = project(tmp_path, "  users: []\n", STACK + "  team-cluster:users: 5\n")
    assert spec_error(file) == f"{file}: line 5: team-cluster:users: must be a list, got a string ('5')"


def test_cli_names_pulumi_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, "  users:\n    description: direct users\n    default: 5\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (f"eks-access: error: {tmp_path / 'Pulumi.yaml'}: line 6: config.users.default: "
                                       "must be a list, got a string ('5')\n")


def test_a_contract_broken_by_a_default_names_pulumi_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A team from Pulumi.yaml's default takes the node role's name: the plan's contract check blames that default."""
    project(tmp_path, "  teams:\n    default:\n      - name: developers\n        iamGroup: Developers\n        members: [dev1]\n"
                      "        roleName: myeks-node-role\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EKS_ACCESS_CACHE", "off")
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (
        f"eks-access: error: {tmp_path / 'Pulumi.yaml'}: line 6: config.teams.default[0]: myeks-node-role (aws:iam/role:Role): "
        "IAM role names are unique in the account regardless of case and path; developers-role already creates role "
        "'myeks-node-role' (CreateRole fails with EntityAlreadyExists) (and 1 more contract violation)\n")
