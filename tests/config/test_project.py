"""Pulumi.yaml read as the Pulumi CLI reads it (sdk/go/common/workspace/project.go, config.go)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eks_access.cli import main
from eks_access.config.project import read_project
from eks_access.config.stackfile import read_stack_file
from eks_access.config.yamlload import ConfigFileError

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "name: {name}\nruntime: python\nconfig:\n{config}"


def project_dir(tmp_path: Path, config: str, stack: str, name: str = "team-cluster") -> Path:
    (tmp_path / "Pulumi.yaml").write_text(PROJECT.format(name=name, config=config))
    (tmp_path / "Pulumi.dev.yaml").write_text(stack)
    return tmp_path / "Pulumi.dev.yaml"


def test_repository_pulumi_yaml_declares_defaults_so_dev_previews() -> None:
    """Issue 8: `pulumi preview` stopped with "Stack 'dev' is missing configuration values 'guardrails' and 'users'"."""
    stack = read_stack_file(ROOT / "Pulumi.dev.yaml")
    assert stack.project == "team-cluster"
    assert stack.config["team-cluster:users"] == []
    assert stack.config["team-cluster:guardrails"] == {}
    assert stack.config["team-cluster:iamQuotas"] == {}
    project = read_project(ROOT / "Pulumi.yaml")
    required = sorted(d.key for d in project.declarations if not d.has_default and not d.has_value)
    assert required == ["accountId", "cluster"]


def test_missing_declared_keys_are_the_preview_error(tmp_path: Path) -> None:
    file = project_dir(tmp_path, "  users:\n    description: x\n  guardrails:\n    description: y\n  cluster: {}\n",
                       "config:\n  team-cluster:cluster: {name: myeks}\n")
    with pytest.raises(ConfigFileError) as info:
        read_stack_file(file)
    assert str(info.value) == (f"{file}: Stack 'dev' is missing configuration values 'guardrails' and 'users' "
                               f"(declared in {tmp_path / 'Pulumi.yaml'} without a default)")


def test_cli_exits_2_on_missing_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project_dir(tmp_path, "  accountId:\n    type: string\n", "config:\n  team-cluster:cluster: {name: myeks}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err == (f"eks-access: error: Pulumi.dev.yaml: Stack 'dev' is missing configuration value 'accountId' "
                   f"(declared in {tmp_path / 'Pulumi.yaml'} without a default)\n")


def test_declared_types_are_checked(tmp_path: Path) -> None:
    file = project_dir(tmp_path, "  size:\n    type: integer\n  flag:\n    type: boolean\n",
                       "config:\n  team-cluster:size: ten\n  team-cluster:flag: 'true'\n")
    with pytest.raises(ConfigFileError) as info:
        read_stack_file(file)
    assert str(info.value) == f"{file}: team-cluster:size: Stack 'dev' with configuration key 'size' must be of type 'integer'"


def test_project_declaration_rules(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nconfig:\n  a:\n    type: array\n")
    with pytest.raises(ConfigFileError, match="declares an array but does not specify the underlying type via the 'items' attribute"):
        read_project(tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nconfig:\n  a:\n    type: integer\n    default: x\n")
    with pytest.raises(ConfigFileError, match="The default value specified for configuration key 'a' is not of the expected type 'integer'"):
        read_project(tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.yaml").write_text("runtime: python\n")
    with pytest.raises(ConfigFileError, match="project is missing a non-empty string 'name' attribute"):
        read_project(tmp_path / "Pulumi.yaml")


def test_renamed_project_plans_with_its_own_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 8: a project renamed in Pulumi.yaml (pulumi new does this) reads <name>:* keys."""
    for name in ("__main__.py",):
        shutil.copy(ROOT / name, tmp_path / name)
    text = (ROOT / "Pulumi.yaml").read_text().replace("name: team-cluster", "name: payments", 1)
    (tmp_path / "Pulumi.yaml").write_text(text)
    (tmp_path / "Pulumi.dev.yaml").write_text((ROOT / "Pulumi.dev.yaml").read_text().replace("team-cluster:", "payments:"))
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--out", str(tmp_path / "out")]) == 0
    assert "TeamAccess developers" in capsys.readouterr().out
    (tmp_path / "Pulumi.dev.yaml").write_text((ROOT / "Pulumi.dev.yaml").read_text())
    assert main(["plan", "--out", str(tmp_path / "out")]) == 2
    assert "Stack 'dev' is missing configuration values 'accountId' and 'cluster'" in capsys.readouterr().err


def test_template_prompts_for_account_region_and_cluster() -> None:
    import yaml

    template = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["template"]
    assert set(template) <= {"description", "quickstart", "important", "config"}
    assert sorted(template["config"]) == ["accountId", "aws:region", "cluster"]
    assert template["config"]["cluster"]["default"] == '{"name": "myeks"}'
