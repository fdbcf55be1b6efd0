"""``--snapshot FILE`` on can-i, who-can, matrix and check: the plan's answers, denied calls said."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eks_access.cli.main import main
from tests.snapshot.deployed import deploy


@pytest.fixture
def snapshot_file(tmp_path: Path, dev_plan_resources: list[dict[str, Any]]) -> Path:
    doc = deploy(dev_plan_resources)
    doc["denied"] = [{"service": "eks", "operation": "ListAssociatedAccessPolicies",
                      "target": "arn:aws:iam::111122223333:role/EKSOperators", "error": "AccessDeniedException"}]  # fmt: skip
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(doc))
    return path


def test_can_i_notes_the_denied_call(snapshot_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["can-i", "list", "pods", "-n", "default", "--as", "arn:aws:iam::111122223333:user/dev1",
                 "--context", "sts:RoleSessionName=dev1", "--snapshot", str(snapshot_file), "--format", "json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["allowed"] is True
    assert out["notes"] == ["incomplete: ListAssociatedAccessPolicies denied (arn:aws:iam::111122223333:role/EKSOperators)"]


def test_a_kubernetes_subject_is_not_touched_by_an_eks_denial(snapshot_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["can-i", "delete", "pods", "-n", "dev-team", "--as", "serviceaccount:dev-team:dev-k8s",
                 "--snapshot", str(snapshot_file), "--format", "json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert (code, out["allowed"]) == (0, True)
    assert not any(n.startswith("incomplete:") for n in out["notes"])


def test_who_can_text_starts_with_the_incomplete_line(snapshot_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who-can", "list", "nodes", "--snapshot", str(snapshot_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "incomplete: ListAssociatedAccessPolicies denied (arn:aws:iam::111122223333:role/EKSOperators)"
    assert lines[1] == "who can list nodes cluster-wide (all namespaces): 20 principal(s)"


def test_check_does_not_flag_what_eks_made(snapshot_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--snapshot", str(snapshot_file), "--format", "json"])
    captured = capsys.readouterr()
    findings = json.loads(captured.out)
    listed = findings["findings"] if isinstance(findings, dict) else findings
    assert [(f["rule"], f["resource"]) for f in listed] == [
        ("EKS-CREATOR-ADMIN", "AmazonEKSClusterAdminPolicy association of arn:aws:iam::111122223333:user/offline-plan-deployer"),
        ("EKS-USERNAME-TEMPLATE", "arn:aws:iam::111122223333:role/EKSMyExampleViewer"),
    ]  # the plan's two findings; none about the bootstrap RBAC the snapshot holds
    assert captured.err == "eks-access: incomplete: ListAssociatedAccessPolicies denied (arn:aws:iam::111122223333:role/EKSOperators)\n"


def test_a_bad_snapshot_is_one_line_exit_2(tmp_path: Path, snapshot_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(snapshot_file.read_text())
    doc["eks"]["accessEntries"][0]["accessEntry"]["kubernetesGroups"] = "developers"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    assert main(["who-can", "get", "pods", "--snapshot", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == (f"eks-access: error: --snapshot: {bad}: snapshot object 'arn:aws:iam::111122223333:role/EKSMyExampleViewer' "
                   "(aws:eks/accessEntry:AccessEntry): inputs.kubernetesGroups: expected a list, got string\n")  # fmt: skip
    doc["version"] = 3
    bad.write_text(json.dumps(doc))
    assert main(["can-i", "get", "pods", "--as", "group:x", "--snapshot", str(bad)]) == 2
    assert capsys.readouterr().err == f"eks-access: error: --snapshot: {bad}: version: this eks-access reads snapshot versions 1 and 2, got 3\n"


@pytest.mark.parametrize(("text", "why"), [
    ('{"format": "eks-access-snapshot", "version": NaN}', "NaN is not a JSON value"),
    ('{"format": "eks-access-snapshot", "format": "x"}', 'the name "format" appears twice in one object'),
])  # fmt: skip
def test_a_snapshot_is_strict_json(tmp_path: Path, text: str, why: str, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    assert main(["matrix", "--snapshot", str(bad)]) == 2
    assert capsys.readouterr().err == f"eks-access: error: --snapshot: {bad}: is not a snapshot: {why}\n"


def test_migrate_reads_a_snapshot_and_an_api_mode_one_has_nothing_to_migrate(tmp_path: Path, snapshot_file: Path,
                                                                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    assert main(["migrate", "--snapshot", str(snapshot_file), "--out", str(tmp_path / "m")]) == 2
    assert capsys.readouterr().err == (f"eks-access: error: --snapshot: {snapshot_file}: eks.cluster.accessConfig.authenticationMode: "
                                       "is API already: aws-auth is not read, there is nothing to migrate\n")  # fmt: skip
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("argv", [["plan", "--out", "x"], ["kubeconfig", "--team", "developers"]])
def test_commands_that_do_not_read_a_snapshot_say_so(snapshot_file: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--snapshot", str(snapshot_file)]) == 2
    assert capsys.readouterr().err == f"eks-access: error: --snapshot: `{argv[0]}` does not read a snapshot\n"
