"""``eks-access migrate --snapshot`` (issue 19): every aws-auth corpus migrated end to end through the CLI.

Each corpus (tests/analysis/migrate/corpora.py) is run twice: as is, its whole output compared with
tests/cli/migrate_corpora/NAME.txt and its point checked line by line here; then with
``--allow-difference``, the written files checked: stage 1's requests exactly, every request accepted
by botocore's validator against the EKS model, every aws-auth.yaml by kubernetes-validate, every
script exactly the requests in order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from botocore.session import get_session
from botocore.validate import ParamValidator

from tests.analysis.migrate.corpora import GOLDEN, IAM, NODE_ARN, STORIES, corpora, run
from tests.builders import CLUSTER

CORPORA = corpora()
ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
NODE_LINE = ("  equivalent: arn:aws:iam::111122223333:role/NodeRole: username system:node:{{EC2PrivateDNSName}}, groups "
             "[system:bootstrappers, system:nodes] -> username system:node:{{EC2PrivateDNSName}}, groups [system:nodes]  "
             "[node role: EKS's EC2_LINUX access entry is the node identity (username system:node:{{EC2PrivateDNSName}}, "
             "group system:nodes; creating-access-entries)]")  # fmt: skip
SYSTEM = "access entries cannot carry 'system:' groups (EKS user guide, creating-access-entries)"
PATH = "a path-bearing role ARN never matched aws-auth (aws-iam-authenticator #268) and matches its access entry now"
MODE = {"name": CLUSTER, "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}


def _entry(arn: str, type_: str = "STANDARD", username: str | None = None, groups: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"clusterName": CLUSTER, "principalArn": arn, "type": type_}
    if groups:
        out["kubernetesGroups"] = groups
    if username:
        out["username"] = username
    return out


NODE_ENTRY = _entry(NODE_ARN, "EC2_LINUX")

#: corpus -> (exit code, lines its output must hold verbatim, stage 1's request files)
EXPECTED: dict[str, tuple[int, list[str], dict[str, dict[str, Any]]]] = {
    "map-roles": (0, [NODE_LINE, f"  same: {IAM}:role/Dev: username dev, groups [devs] (aws-auth row -> access entry)"],
                  {"02-create-access-entry-NodeRole.json": NODE_ENTRY, "03-create-access-entry-Dev.json": _entry(f"{IAM}:role/Dev", username="dev", groups=["devs"])}),
    "map-users": (0, [f"  same: {IAM}:user/alice: username alice, groups [devs] (aws-auth row -> access entry)"],
                  {"02-create-access-entry-NodeRole.json": NODE_ENTRY, "03-create-access-entry-alice.json": _entry(f"{IAM}:user/alice", username="alice", groups=["devs"])}),
    "map-accounts": (1, ["  change: mapAccounts[0] (account 444455556666): no access-entry equivalent; nothing is created",
                         "  difference: account 444455556666: mapAccounts row -> not mapped  [mapAccounts has no access-entry equivalent: "
                         "map each principal of the account that needs access]"],
                     {"02-create-access-entry-NodeRole.json": NODE_ENTRY}),
    "windows-node": (0, [f"  equivalent: {IAM}:role/WinNodes: username system:node:{{{{EC2PrivateDNSName}}}}, groups [system:bootstrappers, "
                         "system:nodes, eks:kube-proxy-windows] -> username system:node:{{EC2PrivateDNSName}}, groups [system:nodes, "
                         "eks:kube-proxy-windows]  [node role: EKS's EC2_WINDOWS access entry is the node identity (username "
                         "system:node:{{EC2PrivateDNSName}}, groups system:nodes, eks:kube-proxy-windows; creating-access-entries)]"],
                     {"02-create-access-entry-NodeRole.json": NODE_ENTRY, "03-create-access-entry-WinNodes.json": _entry(f"{IAM}:role/WinNodes", "EC2_WINDOWS")}),
    "fargate": (0, [f"  equivalent: {IAM}:role/FargatePodExecution: username system:node:{{{{SessionName}}}}, groups [system:bootstrappers, "
                    "system:nodes, system:node-proxier] -> username system:node:{{SessionName}}, groups [system:nodes]  [node role: EKS's "
                    "FARGATE_LINUX access entry is the node identity (username system:node:{{SessionName}}, group system:nodes; creating-access-entries)]"],
                {"02-create-access-entry-NodeRole.json": NODE_ENTRY,
                 "03-create-access-entry-FargatePodExecution.json": _entry(f"{IAM}:role/FargatePodExecution", "FARGATE_LINUX")}),
    "role-path": (1, [f"  difference: {IAM}:role/teams/Dev: not mapped -> username dev, groups [devs]  [{PATH}]",
                      f"  difference: {IAM}:role/teams/Dev: gains 1 permission through ClusterRole view cluster-wide by ClusterRoleBinding devs-view  [{PATH}]"],
                  {"02-create-access-entry-NodeRole.json": NODE_ENTRY,
                   "03-create-access-entry-Dev.json": _entry(f"{IAM}:role/teams/Dev", username="dev", groups=["devs"])}),
    "session-name": (0, [f"  same: {IAM}:role/Ops: username ops:{{{{SessionName}}}}, groups [ops] (aws-auth row -> access entry)  [username template "
                         "{{SessionName}}: rendered by EKS now, as aws-iam-authenticator did (the model renders both alike)]"],
                     {"02-create-access-entry-NodeRole.json": NODE_ENTRY,
                      "03-create-access-entry-Ops.json": _entry(f"{IAM}:role/Ops", username="ops:{{SessionName}}", groups=["ops"])}),
    "account-id": (0, [f"  same: {IAM}:role/Ops: username ops-111122223333, groups [ops] (aws-auth row -> access entry)"],
                   {"02-create-access-entry-NodeRole.json": NODE_ENTRY,
                    "03-create-access-entry-Ops.json": _entry(f"{IAM}:role/Ops", username="ops-{{AccountID}}", groups=["ops"])}),
    "duplicates": (0, [f"  change: mapRoles[1], mapRoles[2], mapRoles[3] ({IAM}:role/Ops): one principal in 3 rows; the last row is in effect "
                       "(aws-iam-authenticator) and becomes its entry",
                       f"  same: {IAM}:role/Ops: username ops, groups [ops] (aws-auth row -> access entry)"],
                   {"02-create-access-entry-NodeRole.json": NODE_ENTRY, "03-create-access-entry-Ops.json": _entry(f"{IAM}:role/Ops", username="ops", groups=["ops"])}),
    "system-masters": (1, [f"  difference: {IAM}:role/Admin: username admin:{{{{SessionName}}}}, groups [system:masters] -> username "
                           "admin:{{SessionName}}, groups [none], access policies [AmazonEKSClusterAdminPolicy]  "
                           f"[system:masters -> AmazonEKSClusterAdminPolicy: {SYSTEM}]"],
                       {"02-create-access-entry-NodeRole.json": NODE_ENTRY,
                        "03-create-access-entry-Admin.json": _entry(f"{IAM}:role/Admin", username="admin:{{SessionName}}"),
                        "04-associate-access-policy-Admin.json": {"clusterName": CLUSTER, "principalArn": f"{IAM}:role/Admin",
                                                                  "policyArn": ADMIN_POLICY, "accessScope": {"type": "cluster"}}}),
    "system-groups": (1, [f"  difference: {IAM}:role/Ops: username ops, groups [ops, system:monitoring] -> username ops, groups [ops]  [{SYSTEM}]",
                          f"  difference: {IAM}:role/Ops: loses 1 permission through ClusterRole view cluster-wide by ClusterRoleBinding monitoring-view  [{SYSTEM}]"],
                      {"02-create-access-entry-NodeRole.json": NODE_ENTRY, "03-create-access-entry-Ops.json": _entry(f"{IAM}:role/Ops", username="ops", groups=["ops"])}),
    "reserved-username": (1, [f"  difference: {IAM}:role/Ops: username eks:ops, groups [ops] -> username arn:aws:sts::111122223333:assumed-role/Ops/"
                              "{{SessionName}}, groups [ops]  [EKS refuses the row's username in an access entry ('eks:ops': EKS refuses access "
                              "entry usernames starting with 'eks:'); EKS's default applies]"],
                          {"02-create-access-entry-NodeRole.json": NODE_ENTRY, "03-create-access-entry-Ops.json": _entry(f"{IAM}:role/Ops", groups=["ops"])}),
    "existing-entry-conflict": (0, [f"CONFLICT {IAM}:role/Ops: access entry username ops, groups [operators]; aws-auth row username ops, groups [ops] "
                                    "(EKS uses the entry)",
                                    f"  change: mapRoles[1] ({IAM}:role/Ops): the access entry of {IAM}:role/Ops exists; none is created "
                                    "(EKS allows one per principal and uses it over the row)"],
                                {"01-create-access-entry-NodeRole.json": NODE_ENTRY}),
    "node-entry-exists": (0, [f"  change: mapRoles[0] ({NODE_ARN}): the access entry of {NODE_ARN} exists; none is created (EKS allows one per "
                              "principal and uses it over the row)"],
                          {"01-create-access-entry-Ops.json": _entry(f"{IAM}:role/Ops", username="ops", groups=["ops"])}),
    "lost-access": (1, [f"  difference: {IAM}:user/admin: username admin, groups [system:masters] -> username admin, groups [none], access policies "
                        f"[AmazonEKSClusterAdminPolicy]  [system:masters -> AmazonEKSClusterAdminPolicy: {SYSTEM}]"],
                    {"02-create-access-entry-NodeRole.json": NODE_ENTRY, "03-create-access-entry-admin.json": _entry(f"{IAM}:user/admin", username="admin"),
                     "04-associate-access-policy-admin.json": {"clusterName": CLUSTER, "principalArn": f"{IAM}:user/admin",
                                                               "policyArn": ADMIN_POLICY, "accessScope": {"type": "cluster"}}}),
    "lockout": (1, [f"  LOCKOUT {IAM}:user/ops: loses cluster-admin: ops is not mapped and no IAM role in the plan is mapped to Kubernetes",
                    "Refused: 2 lockout(s); nothing written"], {}),
    "aws-auth-replaced": (1, [f"  same: {IAM}:role/Dev: username dev, groups [devs] (access entry)"],
                          {"02-create-access-entry-NodeRole.json": NODE_ENTRY,
                           "03-create-access-entry-Admin.json": _entry(f"{IAM}:role/Admin", username="admin"),
                           "04-associate-access-policy-Admin.json": {"clusterName": CLUSTER, "principalArn": f"{IAM}:role/Admin",
                                                                     "policyArn": ADMIN_POLICY, "accessScope": {"type": "cluster"}},
                           "05-create-access-entry-Dev.json": _entry(f"{IAM}:role/Dev", username="dev", groups=["devs"])}),
}  # fmt: skip


def test_every_corpus_has_a_story_and_an_expectation() -> None:
    assert set(CORPORA) == set(STORIES) == set(EXPECTED)
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(CORPORA)


@pytest.mark.parametrize("name", list(CORPORA))
def test_corpus_output(name: str, tmp_path: Path) -> None:
    code, out, err = run(name, CORPORA[name], tmp_path)
    golden = (GOLDEN / f"{name}.txt").read_text()
    assert golden.splitlines()[0] == f"# exit {EXPECTED[name][0]}: {STORIES[name]}"
    assert (code, err, out) == (EXPECTED[name][0], "", golden.split("\n", 1)[1])
    lines = out.splitlines()
    for line in EXPECTED[name][1]:
        assert line in lines
    assert (tmp_path / "out").exists() == (code == 0)


def _eks_validator() -> Any:
    model = get_session().get_service_model("eks")
    return lambda op, params: ParamValidator().validate(params, model.operation_model(op).input_shape)


OPERATIONS = {"update-cluster-config": "UpdateClusterConfig", "create-access-entry": "CreateAccessEntry",
              "associate-access-policy": "AssociateAccessPolicy"}  # fmt: skip


@pytest.mark.parametrize("name", [n for n in CORPORA if n != "lockout"])
def test_corpus_files(name: str, tmp_path: Path) -> None:
    doc = CORPORA[name]
    code, out, _err = run(name, doc, tmp_path, "--allow-difference")
    assert code == EXPECTED[name][0]
    assert out.splitlines()[-1].endswith("wrote out/stage1, out/stage2, out/stage3")
    root = tmp_path / "out"
    stage1 = dict(EXPECTED[name][2])
    if doc["eks"]["cluster"]["accessConfig"]["authenticationMode"] == "CONFIG_MAP":
        stage1["01-update-cluster-config-cluster.json"] = MODE
    assert {p.name: json.loads(p.read_text()) for p in (root / "stage1").glob("*.json")} == stage1
    assert sorted(p.name for p in (root / "stage2").iterdir()) == ["apply.sh", "aws-auth.yaml"]
    assert sorted(p.name for p in (root / "stage3").iterdir()) == ["01-update-cluster-config-cluster.json", "apply.sh"]
    assert json.loads((root / "stage3" / "01-update-cluster-config-cluster.json").read_text()) == {
        "name": CLUSTER, "accessConfig": {"authenticationMode": "API"}}  # fmt: skip
    validate = _eks_validator()
    for n in (1, 2, 3):
        requests = sorted((root / f"stage{n}").glob("*.json"))
        for p in requests:
            assert not validate(OPERATIONS[p.stem[3:].rsplit("-", 1)[0]], json.loads(p.read_text())).has_errors()
        script = (root / f"stage{n}" / "apply.sh").read_text().splitlines()
        commands = [line for line in script if line.startswith(("aws ", "kubectl "))]
        expected = []
        for p in requests:
            command = p.stem[3:].rsplit("-", 1)[0]
            line = f"aws eks {command} --region ap-northeast-2 --cli-input-json file://{p.name}"
            params = json.loads(p.read_text())
            if params.get("type", "STANDARD") != "STANDARD":  # a node entry EKS may have made: created only when absent
                line = (f"aws eks describe-access-entry --region ap-northeast-2 --cluster-name {CLUSTER} --principal-arn "
                        f"{params['principalArn']} >/dev/null 2>&1 || {line}")  # fmt: skip
            expected.append(line)
            if command == "update-cluster-config":
                expected.append(f"aws eks wait cluster-active --region ap-northeast-2 --name {CLUSTER}")
        if n < 3:
            expected.append("kubectl apply --server-side --force-conflicts --field-manager=eks-access-migrate -f aws-auth.yaml")
        assert commands == expected
        assert script[-len(commands) - 2:-len(commands)] == ["set -eu", 'cd -- "$(dirname -- "$0")"']
    _check_manifests(doc, root)


def _check_manifests(doc: dict[str, Any], root: Path) -> None:
    data = doc["kubernetes"]["awsAuth"]["data"]
    meta = {"name": "aws-auth", "namespace": "kube-system"}
    stage1 = yaml.safe_load((root / "stage1" / "aws-auth.yaml").read_text())
    stage2 = yaml.safe_load((root / "stage2" / "aws-auth.yaml").read_text())
    assert stage1 == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}
    emptied = {k: "[]\n" if k.startswith("map") else v for k, v in data.items()}
    assert stage2 == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": emptied}
    for manifest in (stage1, stage2):
        assert kubernetes_validate.validate(manifest, "1.33", strict=True) == "1.33"


def test_the_whole_first_script(tmp_path: Path) -> None:
    assert run("map-roles", CORPORA["map-roles"], tmp_path)[0] == 0
    script = tmp_path / "out" / "stage1" / "apply.sh"
    assert script.stat().st_mode & 0o777 == 0o755
    assert script.read_text() == f"""#!/bin/sh
# Stage 1 of the aws-auth -> access entries migration of cluster myeks (snapshot s.json): access entries beside aws-auth (API_AND_CONFIG_MAP).
# Written by `eks-access migrate --snapshot`; run the stages in order, each after the one before succeeded.
# kubectl must point at the cluster. Changes:
#   UpdateClusterConfig: authenticationMode CONFIG_MAP -> API_AND_CONFIG_MAP
#   CreateAccessEntry {NODE_ARN} (EC2_LINUX: EKS gives it the node identity) for mapRoles[0]
#   CreateAccessEntry {IAM}:role/Dev (STANDARD, username dev, groups [devs]) for mapRoles[1]
set -eu
cd -- "$(dirname -- "$0")"
aws eks update-cluster-config --region ap-northeast-2 --cli-input-json file://01-update-cluster-config-cluster.json
aws eks wait cluster-active --region ap-northeast-2 --name myeks
aws eks describe-access-entry --region ap-northeast-2 --cluster-name myeks --principal-arn {NODE_ARN} >/dev/null 2>&1 || aws eks create-access-entry --region ap-northeast-2 --cli-input-json file://02-create-access-entry-NodeRole.json
aws eks create-access-entry --region ap-northeast-2 --cli-input-json file://03-create-access-entry-Dev.json
kubectl apply --server-side --force-conflicts --field-manager=eks-access-migrate -f aws-auth.yaml
"""


def _main(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], doc: dict[str, Any],
          *argv: str) -> tuple[int, str, str]:  # fmt: skip
    from eks_access.cli.main import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.json").write_text(json.dumps(doc))
    code = main(["migrate", "--snapshot", "s.json", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_bad_input_is_one_line_exit_2_and_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    doc = corpora()["map-roles"]
    doc["denied"] = [{"service": "eks", "operation": "DescribeAccessEntry", "target": f"{IAM}:role/Dev", "error": "AccessDeniedException"}]
    assert _main(tmp_path, monkeypatch, capsys, doc, "--out", "out") == (2, "", (
        f"eks-access: error: --snapshot: s.json: denied[0]: DescribeAccessEntry was denied ({IAM}:role/Dev): migrate needs every access "
        "entry and the aws-auth ConfigMap; take the snapshot with a principal allowed them\n"))  # fmt: skip
    doc = {**CORPORA["map-roles"], "caller": 7}
    assert _main(tmp_path, monkeypatch, capsys, doc, "--out", "out") == (2, "", (
        "eks-access: error: --snapshot: s.json: caller: expected a non-empty string (the ARN sts GetCallerIdentity returned)\n"))  # fmt: skip
    assert _main(tmp_path, monkeypatch, capsys, CORPORA["map-roles"], "--config", "Pulumi.dev.yaml", "--out", "out") == (
        2, "", "eks-access: error: --snapshot: give one source (--snapshot or --stack/--config), not several\n")  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_a_non_empty_out_is_refused_and_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "stage1").write_text("mine\n")
    assert _main(tmp_path, monkeypatch, capsys, CORPORA["map-roles"], "--out", "out") == (
        2, "", "eks-access: error: --out: out is not empty; name an absent or empty directory (nothing of yours is overwritten)\n")  # fmt: skip
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["stage1"]
    assert (tmp_path / "out" / "stage1").read_text() == "mine\n"


def test_json_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(tmp_path, monkeypatch, capsys, CORPORA["existing-entry-conflict"], "--out", "out", "--format", "json")
    doc = json.loads(out)
    assert (code, err) == (0, "")
    assert doc["source"] == "snapshot s.json" and doc["out"] == "out"
    assert doc["conflicts"] == [{"principal": f"{IAM}:role/Ops", "accessEntry": "username ops, groups [operators]",
                                 "awsAuth": "username ops, groups [ops]"}]  # fmt: skip
    assert [(s["number"], s["file"], s["title"]) for s in doc["stages"]] == [
        (1, "stage1", "access entries beside aws-auth (API_AND_CONFIG_MAP)"), (2, "stage2", "aws-auth rows removed"),
        (3, "stage3", "API: aws-auth no longer read")]  # fmt: skip
    assert doc["verdict"] == "Proved: no principal's identity or permissions change; wrote out/stage1, out/stage2, out/stage3"


def test_the_collector_records_its_caller() -> None:
    from eks_access.snapshot.collect import Denied, snapshot_document

    identity = {"Account": "111122223333", "Arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice"}
    doc = snapshot_document("myeks", "ap-northeast-2", identity, {}, {}, {}, Denied())
    assert (doc["caller"], doc["partition"]) == ("arn:aws:sts::111122223333:assumed-role/Admin/alice", "aws")


def test_a_session_caller_is_guarded_as_its_role_with_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """The caller's admin comes from a mapAccounts row and a binding on its username only: removing the
    rows locks it out, and the lockout names the role (its path from the role list), not the session."""
    from tests.analysis.migrate.snapshots import binding, role_detail, snapshot

    admin = f"{IAM}:role/ops/Admin"
    doc = snapshot(map_accounts=["111122223333"], roles=[role_detail("Admin", "/ops/")],
                   bindings=[binding("admin", "cluster-admin", users=[f"{IAM}:role/Admin"])],  # mapAccounts: the path-less ARN
                   caller="arn:aws:sts::111122223333:assumed-role/Admin/alice")  # fmt: skip
    code, out, _err = _main(tmp_path, monkeypatch, capsys, doc, "--out", "out", "--allow-difference")
    assert code == 1
    assert [line for line in out.splitlines() if "LOCKOUT" in line] == [
        f"  LOCKOUT {admin}: loses cluster-admin: role Admin is not mapped to any Kubernetes identity (authentication mode {mode})"
        for mode in ("API_AND_CONFIG_MAP", "API")]  # fmt: skip
    assert out.splitlines()[-1] == "Refused: 2 lockout(s); nothing written"
    assert not (tmp_path / "out").exists()


def test_the_example_is_current(tmp_path: Path) -> None:
    """docs/examples/migrate/: the snapshot, the output and the written stages are today's (regenerate:
    ``.venv/bin/python -m tests.analysis.migrate.example``)."""
    from tests.analysis.migrate.example import (
        EXAMPLE,
        SNAPSHOT,
        build_example,
        config_map_records,
        migrate,
    )

    doc = build_example(config_map_records())
    assert json.loads(SNAPSHOT.read_text()) == json.loads(json.dumps(doc))
    assert migrate(doc, tmp_path) == (0, (EXAMPLE / "snapshot.txt").read_text())

    def tree(root: Path) -> dict[str, tuple[str, int]]:
        return {str(p.relative_to(root)): (p.read_text(), p.stat().st_mode & 0o111) for p in sorted(root.rglob("*")) if p.is_file()}

    assert tree(tmp_path / "out") == tree(EXAMPLE / "out")


def test_the_script_quotes_what_the_snapshot_says(tmp_path: Path) -> None:
    """A snapshot is user input: a region or a comment line cannot become a command."""
    doc = corpora()["map-roles"]
    doc["region"] = "ap-northeast-2; touch pwned"
    doc["kubernetes"]["awsAuth"]["data"]["mapRoles"] += "- rolearn: \"arn:aws:iam::111122223333:role/Dev\\nrm -rf ~\"\n  username: x\n"
    code, out, _err = run("quoting", doc, tmp_path, "--allow-difference")
    assert code == 0, out
    script = (tmp_path / "out" / "stage1" / "apply.sh").read_text().splitlines()
    assert script[-2] == ("aws eks create-access-entry --region 'ap-northeast-2; touch pwned' --cli-input-json "
                          "file://04-create-access-entry-Dev_rm_-rf__.json")  # fmt: skip
    assert not [line for line in script if line.startswith("rm ")]
    assert "#   CreateAccessEntry arn:aws:iam::111122223333:role/Dev\\nrm -rf ~ (STANDARD, username x, groups [none]) for mapRoles[2]" in script


@pytest.mark.parametrize("caller", ["arn:aws:iam::111122223333:root", "arn:aws:sts::111122223333:federated-user/bob"])
def test_a_caller_that_is_no_iam_user_or_role_is_not_guarded(tmp_path: Path, caller: str) -> None:
    doc = {**corpora()["map-roles"], "caller": caller}
    assert run("caller", doc, tmp_path) == (0, (GOLDEN / "map-roles.txt").read_text().split("\n", 1)[1], "")


def test_a_stage_that_would_do_nothing_is_left_out(tmp_path: Path) -> None:
    from tests.analysis.migrate.snapshots import snapshot

    doc = snapshot("API_AND_CONFIG_MAP")
    doc["kubernetes"]["awsAuth"] = None
    code, out, _err = run("no-aws-auth", doc, tmp_path)
    assert (code, out.splitlines()[2:5], out.splitlines()[-1]) == (0, [
        "Stage 1 (stage1): API: aws-auth no longer read", "  change: UpdateClusterConfig: authenticationMode API_AND_CONFIG_MAP -> API",
        "  same: arn:aws:iam::111122223333:role/ClusterCreator: username arn:aws:sts::111122223333:assumed-role/ClusterCreator/"
        "{{SessionName}}, groups [none], access policies [AmazonEKSClusterAdminPolicy] (access entry)"],
        "Proved: no principal's identity or permissions change; wrote out/stage1")  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "out" / "stage1").iterdir()) == ["01-update-cluster-config-cluster.json", "apply.sh"]
