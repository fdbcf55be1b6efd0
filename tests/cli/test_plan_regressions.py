"""Issue 9 regressions that need a whole plan: exact exit codes and files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eks_access.cli import main
from eks_access.plan.files import file_name

ROOT = Path(__file__).resolve().parents[2]
INLINE = """
    - serviceAccount: writer
      namespace: default
      inlinePolicy:
        Statement: {Effect: Allow, Action: s3:PutObject, Resource: "arn:aws:s3:::bucket/*",
                    Condition: {DateLessThan: {aws:CurrentTime: 2030-01-01T00:00:00Z}}}
"""


def test_single_object_statement_and_unquoted_timestamp_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("__main__.py", "Pulumi.yaml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    text = (ROOT / "Pulumi.dev.yaml").read_text().replace("  team-cluster:workloads:\n", "  team-cluster:workloads:\n" + INLINE.lstrip("\n"), 1)
    (tmp_path / "Pulumi.dev.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--out", "out"]) == 0, capsys.readouterr().err
    inline = file_name("", "default/writer-inline", ".policy.json")  # the workload named <namespace>/<serviceAccount>
    policy = json.loads((tmp_path / "out" / "iam" / inline).read_text())
    assert policy == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*",
        "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}]}


def test_action_5_resource_true_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("__main__.py", "Pulumi.yaml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    bad = "    - {serviceAccount: w, namespace: default, inlinePolicy: {Statement: {Effect: Allow, Action: 5, Resource: true}}}\n"
    text = (ROOT / "Pulumi.dev.yaml").read_text().replace("  team-cluster:workloads:\n", "  team-cluster:workloads:\n" + bad, 1)
    (tmp_path / "Pulumi.dev.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--out", "out"]) == 2
    assert capsys.readouterr().err == ("eks-access: error: Pulumi.dev.yaml: line 42: team-cluster:workloads[0].inlinePolicy.Statement.Action: "
                                       "must be a string or a non-empty list of strings, got a number (5)\n")
    assert not (tmp_path / "out").exists()


USER_PROGRAM = '''import json

import pulumi_aws as aws

from eks_access.stack import main

main()
aws.iam.Role("extra", name="extra-ec2", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}},
}))
'''


def test_own_program_role_with_single_object_statement_prints_its_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # The plan tree read the document by hand and raised AttributeError (exit 1) on this valid IAM.
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    (tmp_path / "__main__.py").write_text(USER_PROGRAM)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EKS_ACCESS_CACHE", "off")
    assert main(["plan", "--out", "out"]) == 0, capsys.readouterr().err
    assert "\nIAM Role extra  arn:aws:iam::111122223333:role/extra-ec2  trust: Service=ec2.amazonaws.com\n" in capsys.readouterr().out
