"""A project's own program runs as Pulumi's Python host runs it (issue 16): its directory first on
sys.path and as the working directory, so ``import helpers`` beside ``__main__.py`` works."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from eks_access.cli import main

PULUMI_YAML = "name: team-cluster\nruntime: python\n"
STACK = """config:
  aws:region: ap-northeast-2
  team-cluster:accountId: "111122223333"
  team-cluster:cluster: {name: myeks}
"""
MAIN = """import pulumi

import helpers
from eks_access.stack import main
from shapes.team import GROUP

main()
pulumi.export("extra", helpers.VALUE + "/" + GROUP + "/" + open("note.txt").read().strip())
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(PULUMI_YAML)
    (tmp_path / "Pulumi.dev.yaml").write_text(STACK)
    (tmp_path / "__main__.py").write_text(MAIN)
    (tmp_path / "helpers.py").write_text('VALUE = "first"\n')
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "__init__.py").write_text("")
    (tmp_path / "shapes" / "team.py").write_text('GROUP = "Developers"\n')
    (tmp_path / "note.txt").write_text("hello\n")
    monkeypatch.setenv("EKS_ACCESS_CACHE", "off")
    return tmp_path


def test_a_program_importing_modules_beside_it_plans(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """0.2.0: ModuleNotFoundError: No module named 'helpers', as a traceback."""
    out = project / "build"
    assert main(["plan", "--config", str(project / "Pulumi.dev.yaml"), "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    assert json.loads((out / "outputs.json").read_text())["extra"] == "first/Developers/hello"


def test_each_run_imports_the_modules_afresh_and_leaves_no_trace(project: Path) -> None:
    from eks_access.offline.program import ProjectProgram

    program = ProjectProgram(project)
    cwd, path = os.getcwd(), list(sys.path)
    from eks_access.offline import plan_config

    config = {"aws:region": "ap-northeast-2", "team-cluster:accountId": "111122223333", "team-cluster:cluster": {"name": "myeks"}}
    assert plan_config(config, program=program).exports["extra"] == "first/Developers/hello"
    (project / "helpers.py").write_text('VALUE = "second"\n')
    (project / "shapes" / "team.py").write_text('GROUP = "Operators"\n')
    assert plan_config(config, program=program).exports["extra"] == "second/Operators/hello"
    assert (os.getcwd(), sys.path) == (cwd, path)
    assert not {"helpers", "shapes", "shapes.team"} & set(sys.modules)
    assert program.read >= {project.resolve() / name for name in ("helpers.py", "shapes/team.py", "note.txt")}
