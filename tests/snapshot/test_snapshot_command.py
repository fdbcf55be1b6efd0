"""``eks-access snapshot``: the whole command over moto (IAM, STS), the Stubber (EKS) and a
recorded API server; the file it writes (0600, whole or nothing, never over a user's file)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from eks_access.cli.main import main
from eks_access.snapshot import collect, connect
from tests.snapshot.deployed import deploy
from tests.snapshot.test_collect_eks import _stub
from tests.snapshot.test_collect_kubernetes import RecordedServer, _api


@pytest.fixture
def world(dev_plan_resources: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    doc = deploy(dev_plan_resources)
    doc["eks"]["cluster"]["endpoint"] = "https://34DC390C3284D5349D1318C9255B5FDD.gr7.ap-northeast-2.eks.amazonaws.com"
    with mock_aws():
        eks = boto3.client("eks", region_name="ap-northeast-2")
        clients = {"iam": boto3.client("iam", region_name="ap-northeast-2"), "sts": boto3.client("sts", region_name="ap-northeast-2"), "eks": eks}
        clients["iam"].create_role(RoleName="EKSOperators", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}))  # fmt: skip
        server = RecordedServer(doc["kubernetes"])
        monkeypatch.setattr(collect, "WORKERS", 1)  # the Stubber answers in the order it was given
        monkeypatch.setattr(connect, "session", lambda profile, region: type("S", (), {"region_name": region})())
        monkeypatch.setattr(connect, "client", lambda sess, service: clients[service])
        monkeypatch.setattr(connect, "api_client", lambda sess, cluster, kubeconfig, context, workdir: _api(server))
        with Stubber(eks) as stubber:
            _stub(stubber, doc["eks"])
            yield {"doc": doc, "server": server, "stubber": stubber}


def test_snapshot_writes_a_0600_file_the_analyzer_reads(world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "live.json"
    assert main(["snapshot", "--cluster", "myeks", "--region", "ap-northeast-2", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    # sts 1, iam GetAccountAuthorizationDetails 1 + ListOpenIDConnectProviders 1, eks: DescribeCluster 1, ListAccessEntries 2 pages, 4 entries x (Describe, ListAssociated), Pod Identity 1 + 1, ListAddons 2 pages + DescribeAddon 1, ListCapabilities 1;
    # Kubernetes: /version, 6 lists, aws-auth (8); discovery: /api, /apis and 21 group versions (23)
    assert captured.out == f"Wrote {out} (mode 0600): 51 API calls (AWS 20, Kubernetes 31)\n"
    assert captured.err.splitlines() == [
        "eks-access snapshot: identity: sts GetCallerIdentity",
        "eks-access snapshot: IAM: GetAccountAuthorizationDetails",
        "eks-access snapshot: EKS: cluster myeks, access entries, access policies, Pod Identity, add-ons",
        "eks-access snapshot: Kubernetes: RBAC, ServiceAccounts, Namespaces, aws-auth, version, discovery",
    ]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    doc = json.loads(out.read_text())
    assert (doc["format"], doc["version"], doc["account"], doc["cluster"], doc["denied"]) == ("eks-access-snapshot", 2, "123456789012", "myeks", [])
    assert [r["RoleName"] for r in doc["iam"]["RoleDetailList"]] == ["EKSOperators"]
    assert out.read_text().startswith('{\n "format": "eks-access-snapshot",')
    code = main(["can-i", "get", "pods", "-n", "dev-team", "--as", "serviceaccount:dev-team:dev-k8s", "--snapshot", str(out)])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0] == "yes: serviceaccount:dev-team:dev-k8s can get pods in namespace dev-team"
    # a second run replaces its own file
    _stub(world["stubber"], world["doc"]["eks"])
    assert main(["snapshot", "--cluster", "myeks", "--out", str(out)]) == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.json"]  # no temporary file left


def test_a_user_file_is_left_alone(world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "notes.json"
    out.write_text('{"mine": true}\n')
    assert main(["snapshot", "--cluster", "myeks", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"eks-access: error: --out: {out}: exists and is not an eks-access snapshot; it is left alone (name a new file)\n"
    assert out.read_text() == '{"mine": true}\n'
    assert world["server"].requests == []  # refused before anything was collected


def test_sdk_errors_are_one_line_and_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    empty = tmp_path / "aws-config"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    out = tmp_path / "s.json"
    assert main(["snapshot", "--cluster", "myeks", "--profile", "nosuch", "--out", str(out)]) == 2
    assert capsys.readouterr().err == "eks-access: error: snapshot: ProfileNotFound: The config profile (nosuch) could not be found\n"
    assert not out.exists()


def test_the_dev_plan_deployed_to_the_fakes_then_collected_has_no_drift(
        dev_plan_resources: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """IAM created in moto with the plan's own calls (account 111122223333), EKS answered by the
    Stubber, the cluster by the recorded server; `snapshot` collects it, `drift` finds nothing."""
    from eks_access.plan.output import write_plan
    from tests.snapshot.test_collect_iam import _create

    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    doc = deploy(dev_plan_resources)
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        clients = {s: boto3.client(s, region_name="ap-northeast-2") for s in ("iam", "sts", "eks")}
        _create(clients["iam"], dev_plan_resources)
        for provider in doc["iam"]["OpenIDConnectProviderList"]:
            clients["iam"].create_open_id_connect_provider(Url="https://" + provider["Arn"].split(":oidc-provider/")[1],
                                                           ClientIDList=["sts.amazonaws.com"], ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])  # fmt: skip
        server = RecordedServer(doc["kubernetes"])
        monkeypatch.setattr(collect, "WORKERS", 1)
        monkeypatch.setattr(connect, "session", lambda profile, region: type("S", (), {"region_name": region})())
        monkeypatch.setattr(connect, "client", lambda sess, service: clients[service])
        monkeypatch.setattr(connect, "api_client", lambda sess, cluster, kubeconfig, context, workdir: _api(server))
        with Stubber(clients["eks"]) as stubber:
            _stub(stubber, doc["eks"])
            out = tmp_path / "live.json"
            assert main(["snapshot", "--cluster", "myeks", "--region", "ap-northeast-2", "--out", str(out)]) == 0
    plan = tmp_path / "plan"
    write_plan(dev_plan_resources, {}, plan)
    capsys.readouterr()
    assert main(["drift", "--plan", str(plan), "--snapshot", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Drift plan {plan} -> snapshot {out}: 0 object(s) differ (139 made by EKS or Kubernetes set aside)",
        "",
        f"Access diff plan {plan} -> snapshot {out}: no principal gains or loses access",
    ]
