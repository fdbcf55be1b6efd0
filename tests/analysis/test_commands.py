"""The CLI-facing API: argument errors, output formats, matrix and diagrams."""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import pytest

from eks_access.analysis import can_i, diagram, matrix, who_can
from eks_access.analysis.analyzer import version_note
from eks_access.errors import UsageError
from tests.builders import DEV1

Records = list[dict[str, Any]]


@pytest.mark.parametrize(("principal", "needle"), [
    ("dev1", "--as: 'dev1' is not a principal"),
    ("arn:aws:iam::123:user/dev1", "is not an IAM user or role ARN"),
    ("serviceaccount:dev-team", "must be serviceaccount:NAMESPACE:NAME"),
    ("robot:x", "unknown principal kind 'robot'"),
    ("group:", "is not a principal"),
])  # fmt: skip
def test_bad_principal(dev_plan: Records, principal: str, needle: str) -> None:
    with pytest.raises(UsageError, match=re.escape(needle)):
        can_i(dev_plan, "get", "pods", None, principal, "text")


@pytest.mark.parametrize(("verb", "res", "ns", "needle"), [
    ("get pods", "pods", None, "VERB: 'get pods' is not a verb"),
    ("get", "pods/*", None, "RESOURCE: 'pods/*' may not contain '*'"),
    ("get", "Pods", None, "RESOURCE: 'Pods' is not a resource"),
    ("get", "/logs/*", None, "non-resource URL '/logs/*'"),
    ("get", "pods", "Bad_NS", "-n: 'Bad_NS' is not a valid namespace name"),
])  # fmt: skip
def test_bad_request(dev_plan: Records, verb: str, res: str, ns: str | None, needle: str) -> None:
    with pytest.raises(UsageError, match=re.escape(needle)):
        can_i(dev_plan, verb, res, ns, DEV1, "text")
    with pytest.raises(UsageError, match=re.escape(needle)):
        who_can(dev_plan, verb, res, ns, "text")


def test_bad_format(dev_plan: Records) -> None:
    with pytest.raises(UsageError, match="--format: 'yaml'"):
        can_i(dev_plan, "get", "pods", None, DEV1, "yaml")
    with pytest.raises(UsageError, match="--format: 'png'"):
        diagram(dev_plan, "png")


def test_custom_verbs_are_asked_with_a_note(dev_plan: Records) -> None:
    rc, out = can_i(dev_plan, "lisst", "pods", None, DEV1, "json")
    assert rc == 1
    assert json.loads(out)["notes"] == [
        "verb 'lisst' is not one Kubernetes defines; custom verbs exist, but check the spelling", version_note("1.36")]


def test_deployments_resolve_to_apps(dev_plan: Records) -> None:
    _rc, out = can_i(dev_plan, "list", "deployments", None, DEV1, "json")
    doc = json.loads(out)
    assert doc["request"]["apiGroup"] == "apps"
    assert doc["allowed"] is True
    _rc, out = can_i(dev_plan, "list", "deployments.extensions", None, DEV1, "json")
    assert json.loads(out)["request"]["apiGroup"] == "extensions"


def test_can_i_json_shape(dev_plan: Records) -> None:
    rc, out = can_i(dev_plan, "list", "nodes", None, DEV1, "json")
    doc = json.loads(out)
    assert rc == 1
    assert set(doc) == {"allowed", "conditional", "principal", "request", "chain", "reason", "conditions",
                        "requirements", "notes", "kubernetesVersion"}
    assert doc["request"] == {"verb": "list", "resource": "nodes", "subresource": "",
                              "apiGroup": "", "namespace": None}  # fmt: skip


def test_matrix_for_dev1(dev_plan: Records) -> None:
    rc, out = matrix(dev_plan, DEV1, "dev-team", "json")
    assert rc == 0
    doc = json.loads(out)
    rows = {r["resource"]: r for r in doc["rows"]}
    assert rows["pods"] == {"resource": "pods", "get": True, "list": True, "watch": True,
                            "create": False, "update": False, "patch": False, "delete": False}  # fmt: skip
    assert rows["nodes"]["list"] is False
    assert rows["secrets"]["get"] is False
    assert rows["deployments.apps"]["watch"] is True
    text = matrix(dev_plan, DEV1, None, "text")[1].splitlines()
    assert text[0] == f"{DEV1} (cluster scope)"
    assert text[1].split() == ["NAME", "GET", "LIST", "WATCH", "CREATE", "UPDATE", "PATCH", "DELETE"]
    assert text[2].split() == ["pods", "✔", "✔", "✔", "✖", "✖", "✖", "✖"]


def test_matrix_without_as_covers_plan_subjects(dev_plan: Records) -> None:
    doc = json.loads(matrix(dev_plan, None, "dev-team", "json")[1])
    by = {t["principal"]: {r["resource"]: r for r in t["rows"]} for t in doc["subjects"]}
    assert set(by) == {"group:developers", "group:operators", "serviceaccount:dev-team:dev-k8s",
                       "serviceaccount:infra-team:infra-k8s"}  # fmt: skip
    assert by["serviceaccount:dev-team:dev-k8s"]["pods"]["delete"] is True
    assert by["serviceaccount:infra-team:infra-k8s"]["pods"]["delete"] is False
    assert by["group:operators"]["nodes"]["list"] is True


def test_mermaid_diagram(dev_plan: Records) -> None:
    rc, out = diagram(dev_plan, "mermaid")
    lines = out.splitlines()
    assert rc == 0 and lines[0] == "flowchart LR"
    ids = {}
    for line in lines[1:]:
        m = re.match(r'^  (\S+)\["(.*)"\]$', line)
        if m:
            assert re.fullmatch(r"[A-Za-z0-9_]+", m.group(1))
            ids[m.group(2)] = m.group(1)
    for label in ("IAM user: dev1", "IAM group: Developers", "IAM role: EKSMyExampleViewer",
                  "k8s group: developers", "ClusterRole: view", "Role: dev-team/dev-k8s-api",
                  "namespace: dev-team"):  # fmt: skip
        assert label in ids
    edge = f'  {ids["IAM group: Developers"]} -- "sts:AssumeRole" --> {ids["IAM role: EKSMyExampleViewer"]}'
    assert edge in lines
    assert f'  {ids["k8s group: developers"]} -- "ClusterRoleBinding developers-view" --> {ids["ClusterRole: view"]}' in lines


def test_svg_diagram(dev_plan: Records, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot is not installed")
    rc, out = diagram(dev_plan, "svg")
    assert rc == 0 and "<svg" in out and "EKSMyExampleViewer" in out
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(UsageError, match="svg needs Graphviz's `dot` on PATH"):
        diagram(dev_plan, "svg")


def test_svg_without_dot(dev_plan: Records, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(UsageError, match="use --format mermaid"):
        diagram(dev_plan, "svg")
