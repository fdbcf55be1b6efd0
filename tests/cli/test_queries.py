"""The analyzer commands through the CLI: new arguments, batch mode, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eks_access.analysis.analyzer import version_note
from eks_access.cli.main import main
from tests.builders import ACCOUNT, DEV1, binding, cluster, group, rec, role_arn, user

OPE1 = f"arn:aws:iam::{ACCOUNT}:user/ope1"


@pytest.fixture
def plan_file(tmp_path: Path, dev_plan_resources: list[dict[str, Any]]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(dev_plan_resources))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_plan(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(records))
    return path


def test_context_turns_a_conditional_answer_into_a_definite_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                        "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})  # fmt: skip
    allow = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn("Ops")}]})
    records = [
        cluster(),
        rec("aws:iam/role:Role", "ops-role", {"name": "Ops", "assumeRolePolicy": trust}, outputs={"arn": role_arn("Ops")}),
        rec("aws:iam/userPolicy:UserPolicy", "p", {"user": "dev1", "policy": allow}),
        rec("aws:eks/accessEntry:AccessEntry", "ops-entry", {"clusterName": "myeks", "principalArn": role_arn("Ops"),
                                                            "kubernetesGroups": ["ops"], "type": "STANDARD"}),
        binding("ops", "ClusterRole", "view", [group("ops")]),
    ]
    plan = str(write_plan(tmp_path, records))
    code, out, _ = run(capsys, "can-i", "list", "pods", "--as", DEV1, "--plan", plan, "--format", "json")
    doc = json.loads(out)
    assert (code, doc["allowed"], doc["conditional"], doc["conditions"]) == (0, True, True, ["must sign in with MFA"])
    assert doc["requirements"]["allOf"][0][0]["conditions"][0]["key"] == "aws:MultiFactorAuthPresent"
    code, out, _ = run(capsys, "can-i", "list", "pods", "--as", DEV1, "--plan", plan, "--format", "json",
                       "--context", "aws:MultiFactorAuthPresent=true")  # fmt: skip
    assert (code, json.loads(out)["conditional"]) == (0, False)
    code, out, _ = run(capsys, "can-i", "list", "pods", "--as", DEV1, "--plan", plan, "--context", "aws:MultiFactorAuthPresent=false")
    assert code == 1
    assert out.splitlines()[-2:] == [
        f"  reason: the trust policy of role Ops does not admit {DEV1} (must sign in with MFA)",
        f"  note: {version_note('1.36')}"]


def test_kubernetes_subject_with_groups(capsys: pytest.CaptureFixture[str], plan_file: Path) -> None:
    code, out, _ = run(capsys, "can-i", "list", "nodes", "--as", "user:alice", "--as-group", "operators", "--plan", str(plan_file))
    assert code == 0
    assert out.splitlines() == [
        "yes: user:alice can list nodes cluster-wide (all namespaces)",
        "  1. group operators is bound to ClusterRole pod-node-reader (ClusterRoleBinding operators-pod-node-reader), "
        "which allows list on nodes",
    ]  # no version note: the stack pins cluster.version (1.34 by default), and 1.34's roles answered
    assert run(capsys, "can-i", "list", "nodes", "--as", "user:alice", "--plan", str(plan_file))[0] == 1


def test_another_release_than_the_clusters_is_named(capsys: pytest.CaptureFixture[str], plan_file: Path) -> None:
    code, out, _ = run(capsys, "can-i", "create", "endpoints", "-n", "dev-team", "--as", "group:system:masters",
                       "--plan", str(plan_file), "--kubernetes-version", "1.33")  # fmt: skip
    assert (code, out.splitlines()[-1]) == (0, "  note: built-in roles are those of Kubernetes 1.33 "
                                               "(--kubernetes-version); the cluster sets 1.36, whose built-in roles may differ")  # fmt: skip
    code, out, _ = run(capsys, "can-i", "create", "endpoints", "-n", "dev-team", "--as", "group:system:masters",
                       "--plan", str(plan_file), "--kubernetes-version", "v1.36.2")  # fmt: skip
    assert (code, [line for line in out.splitlines() if "note:" in line]) == (0, [])


@pytest.mark.parametrize(("argv", "code", "first"), [
    (["update", "deployments.apps/scale", "-n", "dev-team", "--as", "serviceaccount:dev-team:dev-k8s"], 1,
     "no: serviceaccount:dev-team:dev-k8s cannot update deployments.apps/scale in namespace dev-team"),
    (["get", "/healthz", "--as", "group:system:authenticated"], 0, "yes: group:system:authenticated can get /healthz"),
    (["*", "*", "--as", "group:system:masters"], 0, "yes: group:system:masters can * * cluster-wide (all namespaces)"),
    (["approve", "*.certificates.k8s.io", "--as", "group:system:masters"], 0,
     "yes: group:system:masters can approve *.certificates.k8s.io cluster-wide (all namespaces)"),
    (["get", "namespaces", "--name", "dev-team", "--as", "user:x"], 1, "no: user:x cannot get namespaces dev-team in namespace dev-team"),
])  # fmt: skip
def test_resource_forms(capsys: pytest.CaptureFixture[str], plan_file: Path, argv: list[str], code: int, first: str) -> None:
    got, out, err = run(capsys, "can-i", *argv, "--plan", str(plan_file))
    assert (got, out.splitlines()[0], err) == (code, first, "")


@pytest.mark.parametrize(("argv", "message"), [
    (["can-i", "list", "pods", "--as", DEV1, "--kubernetes-version", "1.2"],
     "eks-access: error: Kubernetes version '1.2' is not supported; supported versions: "),
    (["can-i", "list", "pods", "--as", DEV1, "--context", "sts:RoleSessionName"],
     "eks-access: error: --context: 'sts:RoleSessionName' is not KEY=VALUE (e.g. sts:RoleSessionName=dev1)"),
    (["can-i", "list", "pods", "--as", DEV1, "--context", "aws:username=x"],
     "eks-access: error: --context: aws:username is determined by the principal (--as), not given"),
    (["can-i", "list", "pods", "--as", DEV1, "--as-group", "g"],
     f"eks-access: error: --as-group: only with a Kubernetes subject (user:, group:, serviceaccount:), not with '{DEV1}'"),
    (["can-i", "list", "pods"], "eks-access: error: can-i: --as is required (or --batch FILE)"),
    (["can-i", "list", "pods", "--as", DEV1, "--batch", "-"],
     "eks-access: error: --batch: VERB belongs in the questions of the batch file, not on the command line"),
    (["can-i", "get", "pods/*", "--as", DEV1],
     "eks-access: error: RESOURCE: 'pods/*' may not contain '*' as its subresource; name one subresource (pods/log)"),
    (["can-i", "get", "namespaces", "--name", "a", "-n", "b", "--as", DEV1],
     "eks-access: error: -n: the Namespace object 'a' is in namespace 'a', not 'b'"),
])  # fmt: skip
def test_bad_arguments_are_one_line(capsys: pytest.CaptureFixture[str], plan_file: Path, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv, "--plan", str(plan_file))
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith(message)


def test_batch_answers_many_questions_in_one_process(capsys: pytest.CaptureFixture[str], plan_file: Path, tmp_path: Path) -> None:
    questions = [
        {"id": 1, "as": DEV1, "verb": "list", "resource": "pods", "namespace": "default"},
        {"id": "two", "as": DEV1, "verb": "list", "resource": "nodes"},
        {"as": OPE1, "verb": "list", "resource": "nodes", "context": {"sts:RoleSessionName": "ope1"}},
        {"as": "user:alice", "asGroups": ["developers"], "verb": "get", "resource": "pods", "namespace": "x"},
    ]
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(json.dumps(q) for q in questions) + "\n\n")
    code, out, err = run(capsys, "can-i", "--batch", str(batch), "--plan", str(plan_file))
    answers = [json.loads(line) for line in out.splitlines()]
    assert (code, err) == (1, "")
    assert [(a.get("id"), a["allowed"]) for a in answers] == [(1, True), ("two", False), (None, True), (None, True)]
    assert answers[2]["chain"][2]["username"] == "operators:ope1"
    batch.write_text(json.dumps(questions[0]) + "\n" + json.dumps({"as": DEV1, "verb": "list"}) + "\n")
    code, out, err = run(capsys, "can-i", "--batch", str(batch), "--plan", str(plan_file))
    # streamed: line 1 was answered before line 2 was read
    assert (code, [json.loads(line)["id"] for line in out.splitlines()]) == (2, [1])
    assert err == f"eks-access: error: {batch}:2: resource: required, a string\n"
    batch.write_text('{"as": "nobody", "verb": "list", "resource": "pods"}\n')
    code, out, err = run(capsys, "can-i", "--batch", str(batch), "--plan", str(plan_file))
    assert (code, out) == (2, "")
    assert err.startswith(f"eks-access: error: {batch}:1: --as: 'nobody' is not a principal")


def test_who_can_for_the_issue_access_entries_case(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An eks:index:Cluster whose accessEntries map role/Admin to system:masters: check and can-i agree."""
    admin = role_arn("Admin")
    records = [cluster(accessEntries={"admin": {"principalArn": admin, "kubernetesGroups": ["system:masters"]}}),
               binding("nobody", "ClusterRole", "view", [user("nobody")])]  # fmt: skip
    plan = str(write_plan(tmp_path, records))
    code, out, _ = run(capsys, "can-i", "delete", "nodes", "--as", admin, "--plan", plan)
    assert code == 0
    assert out.splitlines() == [
        f"yes: {admin} can delete nodes cluster-wide (all namespaces)",
        f"  1. role Admin maps to Kubernetes user arn:aws:sts::{ACCOUNT}:assumed-role/Admin/{{{{SessionName}}}}, groups "
        "[system:masters] (access entry myeks accessEntries.admin)",
        "  2. group system:masters is all-powerful (authorizer short-circuit, not RBAC)",
        f"  note: username 'arn:aws:sts::{ACCOUNT}:assumed-role/Admin/{{{{SessionName}}}}' depends on the session name; "
        "pass --context sts:RoleSessionName=NAME",
        f"  note: {version_note('1.36')}",
    ]
    code, out, _ = run(capsys, "who-can", "delete", "nodes", "--plan", plan, "--format", "json")
    entries = [(e["kind"], e["principal"]) for e in json.loads(out)]
    assert entries[0] == ("Kubernetes group", "group:system:masters") and entries[-1] == ("IAM role", admin)
    # the rest are the built-in controllers that manage nodes, e.g. the node lifecycle controller
    assert ("ServiceAccount", "serviceaccount:kube-system:node-controller") in entries
    assert all(p.startswith("serviceaccount:kube-system:") for _k, p in entries[1:-1])
    code, out, _ = run(capsys, "check", "--plan", plan, "--format", "json")
    masters = [f for f in json.loads(out) if f["rule"] == "EKS-MASTERS"]
    assert [(f["resource"], f["subjects"]) for f in masters] == [("myeks", [admin])]
