"""The snapshot's progress: one line redrawn in place on a terminal and erased at the end;
plain lines otherwise. Streams are fakes that say whether they are a terminal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from eks_access.cli.main import main
from eks_access.snapshot.progress import Progress
from tests.snapshot.test_snapshot_command import world  # noqa: F401  (the fixture: moto, the Stubber, the recorded server)


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_a_terminal_gets_one_line_redrawn_then_erased() -> None:
    stream = Stream(tty=True)
    say = Progress(stream, columns=80)
    say("IAM: GetAccountAuthorizationDetails")
    say("EKS: cluster myeks")
    say.done()
    first = "eks-access snapshot: IAM: GetAccountAuthorizationDetails"
    second = "eks-access snapshot: EKS: cluster myeks"
    assert stream.getvalue() == (
        "\r" + first
        + "\r" + second + " " * (len(first) - len(second))  # the longer line's tail blanked
        + "\r" + " " * len(second) + "\r"  # erased: the cursor back at the start of an empty line
    )  # fmt: skip
    assert "\n" not in stream.getvalue()


def test_a_terminal_line_never_wraps() -> None:
    stream = Stream(tty=True)
    say = Progress(stream, columns=30)
    say("Kubernetes: RBAC, ServiceAccounts, Namespaces")
    say.done()
    assert stream.getvalue() == "\r" + "eks-access snapshot: Kubernetes: RBAC, ServiceAccounts, Namespaces"[:29] + "\r" + " " * 29 + "\r"


def test_anything_else_gets_plain_lines_and_nothing_to_erase() -> None:
    stream = Stream(tty=False)
    say = Progress(stream, columns=30)
    say("IAM: GetAccountAuthorizationDetails")
    say("EKS: cluster myeks")
    say.done()
    assert stream.getvalue() == "eks-access snapshot: IAM: GetAccountAuthorizationDetails\neks-access snapshot: EKS: cluster myeks\n"


def test_done_without_a_step_writes_nothing() -> None:
    stream = Stream(tty=True)
    Progress(stream, columns=80).done()
    assert stream.getvalue() == ""


@pytest.mark.usefixtures("world")
def test_the_command_on_a_terminal_leaves_only_its_result(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    stream = Stream(tty=True)
    monkeypatch.setattr("sys.stderr", stream)
    monkeypatch.setenv("COLUMNS", "200")
    out = tmp_path / "live.json"
    assert main(["snapshot", "--cluster", "myeks", "--region", "ap-northeast-2", "--out", str(out)]) == 0
    drawn = stream.getvalue()
    assert drawn.count("\r") == 4 + 1 + 1 and "\n" not in drawn  # four steps, then erased
    last = "eks-access snapshot: Kubernetes: RBAC, ServiceAccounts, Namespaces, aws-auth, version, discovery"
    assert drawn.endswith("\r" + last + "\r" + " " * len(last) + "\r")
    assert capsys.readouterr().out.startswith(f"Wrote {out} (mode 0600): ")


@pytest.mark.usefixtures("world")
def test_the_line_is_erased_when_collection_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import EndpointConnectionError

    from eks_access.snapshot import connect

    def unreachable(*_: Any) -> Any:
        raise EndpointConnectionError(endpoint_url="https://sts.ap-northeast-2.amazonaws.com/")

    stream = Stream(tty=True)
    monkeypatch.setattr("sys.stderr", stream)
    monkeypatch.setattr(connect, "client", unreachable)
    out = tmp_path / "live.json"
    assert main(["snapshot", "--cluster", "myeks", "--region", "ap-northeast-2", "--out", str(out)]) == 2
    first = "eks-access snapshot: identity: sts GetCallerIdentity"
    assert stream.getvalue() == ("\r" + first + "\r" + " " * len(first) + "\r"
                                 'eks-access: error: snapshot: EndpointConnectionError: Could not connect to the endpoint URL: '
                                 '"https://sts.ap-northeast-2.amazonaws.com/"\n')  # fmt: skip
    assert not out.exists()
