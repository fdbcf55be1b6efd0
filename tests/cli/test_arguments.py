"""Arguments that end up in generated files are checked against that file's grammar (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_access import documents as docs
from eks_access.cli import main
from eks_access.errors import SpecError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["aws-config", "--team", "developers", "--member", "dev1\ncredential_process = /bin/sh -c evil"],
         "--member: 'dev1\\ncredential_process = /bin/sh -c evil' is not an IAM user name usable as a role session name (2-64 characters of letters, digits and +=,.@_-)"),
        (["aws-config", "--team", "developers", "--member", "dev1", "--source-profile", "x]\n[profile evil"],
         "--source-profile: 'x]\\n[profile evil' is not an AWS CLI profile name (no spaces, newlines, '[', ']', '#', ';' or '=')"),
        (["kubeconfig", "--team", "Dev Team"],
         "--team: 'Dev Team' is not a team name (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)"),
        (["can-i", "list", "pods", "-n", "default\n", "--as", "user:x"],
         "-n/--namespace: 'default\\n' is not a namespace name (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)"),
    ],
)
def test_injection_refused_with_one_line(argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == f"eks-access: error: {message}\n"
    assert captured.out == ""


def test_aws_profile_refuses_injected_values_from_library_callers() -> None:
    arn = "arn:aws:iam::111122223333:role/R"
    with pytest.raises(SpecError, match="source_profile: 'a\\\\nb' is not an AWS CLI profile name"):
        docs.aws_profile("dev", arn, "us-east-1", source_profile="a\nb")
    with pytest.raises(SpecError, match="session_name: 'x' is not a role session name"):
        docs.aws_profile("dev", arn, "us-east-1", session_name="x")
    assert "role_session_name = <your-iam-user-name>" in docs.aws_profile("dev", arn, "us-east-1", session_name="<your-iam-user-name>")
