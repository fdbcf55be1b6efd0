"""--plan goes through one reader: schema, size, regular-file checks, exit 2 never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from eks_access.cli import main
from eks_access.plan.reader import PlanFileError, read_plan

GOOD: dict[str, object] = {"type": "aws:iam/role:Role", "name": "r", "parent": None, "custom": True, "inputs": {}, "outputs": {}}


def write(tmp_path: Path, value: object) -> Path:
    file = tmp_path / "plan.json"
    file.write_text(json.dumps(value))
    return file


def test_valid_plan_and_directory_means_plan_json(tmp_path: Path) -> None:
    write(tmp_path, [GOOD, {**GOOD, "name": "x", "implicit": "eks-cluster-creator", "parent": "r"}])
    assert [r["name"] for r in read_plan(tmp_path)] == ["r", "x"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": 1}, "must be a JSON list of records, got an object"),
        (["x"], "record [0]: must be an object, got a string"),
        ([{**GOOD, "inputs": "x"}], "record [0].inputs: must be an object, got a string"),
        ([{**GOOD, "custom": "yes"}], "record [0].custom: must be true or false, got a string"),
        ([{k: v for k, v in GOOD.items() if k != "type"}], "record [0]: missing key 'type'"),
        ([{**GOOD, "parent": 5}], "record [0] (aws:iam/role:Role 'r').parent: must be a string or null, got a number"),
        ([{**GOOD, "implicit": True}], "record [0] (aws:iam/role:Role 'r').implicit: must be a string, got a boolean"),
        ([{**GOOD, "extra": 1}], "record [0] (aws:iam/role:Role 'r'): unknown key 'extra'"),
        ([GOOD, GOOD], "record [1] (aws:iam/role:Role 'r'): a second record of this type and name"),
    ],
)
def test_schema_violations(tmp_path: Path, value: object, message: str) -> None:
    file = write(tmp_path, value)
    with pytest.raises(PlanFileError) as info:
        read_plan(file)
    assert str(info.value) == f"--plan: {file}: {message}"


def test_nan_and_deep_nesting(tmp_path: Path) -> None:
    file = tmp_path / "plan.json"
    file.write_text('[{"type": "t", "name": "n", "parent": null, "custom": true, "inputs": {"a": NaN}, "outputs": {}}]')
    with pytest.raises(PlanFileError, match=r"is not a plan\.json: NaN is not a JSON value"):
        read_plan(file)
    file.write_text("[" * 100000 + "]" * 100000)
    with pytest.raises(PlanFileError, match="nests deeper than 64 levels"):
        read_plan(file)


@pytest.mark.parametrize("target", ["/dev/zero", "fifo", "dir-without-plan"])
def test_special_files_exit_2_without_reading(tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(target)
    if target == "fifo":
        path = tmp_path / "fifo"
        os.mkfifo(path)
    elif target == "dir-without-plan":
        path = tmp_path
    assert main(["who-can", "list", "pods", "--plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert ("is not a regular file" in err) or ("plan.json: not found" in err)


def test_malformed_plan_through_commands_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path, [{**GOOD, "inputs": "x"}])
    for argv in (["check"], ["who-can", "list", "pods"], ["can-i", "list", "pods", "--as", "user:x"]):
        assert main([*argv, "--plan", str(file)]) == 2
        assert capsys.readouterr().err == f"eks-access: error: --plan: {file}: record [0].inputs: must be an object, got a string\n"


def test_a_name_twice_in_one_object_is_refused(tmp_path: Path) -> None:
    """Python's json keeps the last of duplicate names; a plan that says two things about one key
    is refused (RFC 8259 section 4, I-JSON RFC 7493 section 2.3), as snapshots and batch lines are."""
    file = tmp_path / "plan.json"
    file.write_text('[{"type": "t", "name": "n", "name": "m", "parent": null, "custom": true, "inputs": {}, "outputs": {}}]')
    with pytest.raises(PlanFileError) as info:
        read_plan(file)
    assert str(info.value) == f'--plan: {file}: is not a plan.json: the name "name" appears twice in one object'
