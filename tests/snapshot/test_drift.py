"""``eks-access drift``: the dev plan deployed has no drift; each kind of drift is found with its
access effect, and drift that widens access exits 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eks_access.cli.main import main
from eks_access.plan.output import write_plan
from tests.snapshot.deployed import deploy

ADMIN = "arn:aws:iam::111122223333:role/ConsoleAdmin"
AT = "2026-02-01T00:00:00+00:00"


@pytest.fixture
def plan_dir(tmp_path: Path, dev_plan_resources: list[dict[str, Any]]) -> Path:
    out = tmp_path / "plan"
    write_plan(dev_plan_resources, {}, out)
    return out


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(doc))
    return path


def test_the_deployed_plan_has_no_drift(plan_dir: Path, tmp_path: Path, dev_plan_resources: list[dict[str, Any]],
                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    snap = _write(tmp_path, deploy(dev_plan_resources))
    assert main(["drift", "--plan", str(plan_dir), "--snapshot", str(snap)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Drift plan {plan_dir} -> snapshot {snap}: 0 object(s) differ (139 made by EKS or Kubernetes set aside)",
        "",
        f"Access diff plan {plan_dir} -> snapshot {snap}: no principal gains or loses access",
    ]


def test_each_kind_of_drift_with_its_access_effect(plan_dir: Path, tmp_path: Path, dev_plan_resources: list[dict[str, Any]],
                                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    doc = deploy(dev_plan_resources)
    doc["eks"]["accessEntries"].append({"accessEntry": {
        "clusterName": "myeks", "principalArn": ADMIN, "kubernetesGroups": [], "accessEntryArn": "arn:aws:eks:ap-northeast-2:111122223333:access-entry/myeks/role/111122223333/ConsoleAdmin/x",
        "createdAt": AT, "modifiedAt": AT, "tags": {}, "username": "console-admin", "type": "STANDARD"},
        "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                                      "accessScope": {"type": "cluster", "namespaces": []}, "associatedAt": AT, "modifiedAt": AT}]})  # fmt: skip
    doc["kubernetes"]["roleBindings"].append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "hotfix", "namespace": "dev-team"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "developers"}]})  # fmt: skip
    doc["kubernetes"]["clusterRoleBindings"] = [b for b in doc["kubernetes"]["clusterRoleBindings"] if b["metadata"]["name"] != "operators-pod-node-reader"]
    doc["eks"]["podIdentityAssociations"][0]["roleArn"] = "arn:aws:iam::111122223333:role/Elsewhere"
    snap = _write(tmp_path, doc)
    assert main(["drift", "--plan", str(plan_dir), "--snapshot", str(snap), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["objects"] == [
        {"state": "extra", "kind": "RoleBinding", "name": "dev-team/hotfix", "plan": None, "live": "ClusterRole edit to Group developers"},
        {"state": "extra", "kind": "access entry", "name": ADMIN, "plan": None, "live": "username console-admin, groups [], type STANDARD"},
        {"state": "extra", "kind": "access policy", "name": f"{ADMIN} AmazonEKSClusterAdminPolicy", "plan": None, "live": "scope cluster"},
        {"state": "different", "kind": "Pod Identity", "name": "default/reporter", "plan": "role arn:aws:iam::111122223333:role/myeks-default-reporter",
         "live": "role arn:aws:iam::111122223333:role/Elsewhere"},
        {"state": "missing", "kind": "ClusterRoleBinding", "name": "operators-pod-node-reader", "plan": "ClusterRole pod-node-reader to Group operators", "live": None},
    ]  # fmt: skip
    assert out["access"]["widens"] is True
    gains = {p["principal"] for p in out["access"]["principals"] if p["gained"]}
    losses = {p["principal"] for p in out["access"]["principals"] if p["lost"]}
    admin = next(p for p in out["access"]["principals"] if p["principal"] == ADMIN)
    assert [c["cause"] for c in admin["gained"]] == [
        "ClusterRole system:basic-user cluster-wide by ClusterRoleBinding system:basic-user",
        "ClusterRole system:discovery cluster-wide by ClusterRoleBinding system:discovery",
        f"EKS access policy AmazonEKSClusterAdminPolicy cluster-wide by AmazonEKSClusterAdminPolicy association of {ADMIN}",
    ]
    assert gains == {ADMIN, "arn:aws:iam::111122223333:user/dev1", "arn:aws:iam::111122223333:role/EKSMyExampleViewer", "group:developers",
                     "serviceaccount:default:reporter"}  # its pods get another IAM role
    assert losses == {"arn:aws:iam::111122223333:user/ope1", "arn:aws:iam::111122223333:role/EKSOperators", "group:operators",
                      "serviceaccount:default:reporter"}  # and lose the declared one


def test_markdown_names_stay_code(plan_dir: Path, tmp_path: Path, dev_plan_resources: list[dict[str, Any]],
                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    doc = deploy(dev_plan_resources)
    doc["kubernetes"]["roleBindings"].append({"metadata": {"name": "hotfix", "namespace": "dev-team"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "dev`s <b>"}]})  # fmt: skip
    snap = _write(tmp_path, doc)
    assert main(["drift", "--plan", str(plan_dir), "--snapshot", str(snap), "--format", "markdown"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "- ``+ RoleBinding dev-team/hotfix: ClusterRole view to Group dev`s <b> (exists, no code declares it)``"
