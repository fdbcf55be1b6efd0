"""The worked example's answers, on the hand-made plan and (when present) the real dev plan."""

from __future__ import annotations

import json
from typing import Any

from eks_access.analysis import can_i, who_can
from eks_access.analysis.analyzer import version_note
from tests.builders import DEV1, DEV2, OPE1, VIEWER_ARN


def ask(plan: list[dict[str, Any]], verb: str, res: str, ns: str | None, who: str) -> dict[str, Any]:
    rc, out = can_i(plan, verb, res, ns, who, "json")
    doc: dict[str, Any] = json.loads(out)
    assert rc == (0 if doc["allowed"] else 1)
    return doc


def test_dev1_lists_pods_with_four_hop_chain(plan: list[dict[str, Any]]) -> None:
    rc, out = can_i(plan, "list", "pods", "default", DEV1, "text")
    assert rc == 0
    assert out.splitlines() == [
        f"yes: {DEV1} can list pods in namespace default",
        "  1. IAM user dev1 is a member of IAM group Developers (developers-member/dev1)",
        "  2. group Developers may assume role EKSMyExampleViewer (policy developers-assume-role); "
        "trust: account root; condition: session name must equal dev1",
        "  3. role EKSMyExampleViewer maps to Kubernetes user developer, groups [developers] "
        "(access entry developers-access-entry)",
        "  4. group developers is bound to ClusterRole view (ClusterRoleBinding developers-view), "
        "which allows list on pods",
        # the hand-made plan sets no cluster version (so the data's newest, 1.36, answered); the real stack pins 1.36
        *([] if _pins_version(plan) else [f"  note: {version_note('1.36')}"]),
    ]


def _pins_version(plan: list[dict[str, Any]]) -> bool:
    return any(r["type"] == "eks:index:Cluster" and r["inputs"].get("version") == "1.36" for r in plan)


def test_dev1_lists_pods_in_every_namespace(plan: list[dict[str, Any]]) -> None:
    for ns in (None, "default", "dev-team", "infra-team", "kube-system"):
        doc = ask(plan, "list", "pods", ns, DEV1)
        assert doc["allowed"] is True, ns
        assert [h["step"] for h in doc["chain"]] == ["membership", "assume", "mapping", "rbac"]
        assert doc["chain"][3]["binding"] == "ClusterRoleBinding developers-view"
        assert doc["conditions"] == ["session name must equal dev1"]


def test_dev1_cannot_list_nodes_and_reason_names_view(plan: list[dict[str, Any]]) -> None:
    doc = ask(plan, "list", "nodes", None, DEV1)
    assert doc["allowed"] is False
    assert doc["reason"] == "ClusterRole view grants no access to nodes"
    assert [h["step"] for h in doc["chain"]] == ["membership", "assume", "mapping"]


def test_user_outside_developers_cannot_assume(plan: list[dict[str, Any]]) -> None:
    doc = ask(plan, "list", "pods", None, DEV2)
    assert doc["allowed"] is False
    assert doc["chain"] == []
    assert doc["reason"].startswith("dev2 has no identity policy allowing sts:AssumeRole on ")
    assert VIEWER_ARN in doc["reason"]


def test_operator_lists_nodes_but_cannot_delete_pods(plan: list[dict[str, Any]]) -> None:
    yes = ask(plan, "list", "nodes", None, OPE1)
    assert yes["allowed"] is True
    assert yes["chain"][-1]["role"] == "ClusterRole pod-node-reader"
    assert yes["chain"][2]["groups"] == ["operators"]
    no = ask(plan, "delete", "pods", "default", OPE1)
    assert no["allowed"] is False
    assert no["reason"] == "ClusterRole pod-node-reader grants no delete on pods in namespace default"


def test_serviceaccount_manages_pods_only_in_its_namespace(plan: list[dict[str, Any]]) -> None:
    sa = "serviceaccount:dev-team:dev-k8s"
    for verb in ("create", "delete", "get", "list", "patch"):
        doc = ask(plan, verb, "pods", "dev-team", sa)
        assert doc["allowed"] is True, verb
        assert doc["chain"][0]["binding"] == "RoleBinding dev-team/dev-k8s-api"
    for verb in ("get", "list", "create", "delete"):
        assert ask(plan, verb, "pods", "kube-system", sa)["allowed"] is False
        assert ask(plan, verb, "pods", "infra-team", sa)["allowed"] is False
    nodes = ask(plan, "list", "nodes", None, sa)
    assert nodes["allowed"] is False


def test_serviceaccount_notes_its_iam_role(dev_plan: list[dict[str, Any]]) -> None:
    doc = ask(dev_plan, "create", "pods", "dev-team", "serviceaccount:dev-team:dev-k8s")
    assert doc["notes"] == [
        "serviceaccount dev-team/dev-k8s gets IAM role "
        "arn:aws:iam::111122223333:role/dev-k8s-irsa via IRSA annotation (dev-k8s-sa); "
        "policies: AWS-managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess (attachment dev-k8s-managed-0)",
        version_note("1.36"),
    ]


def test_system_masters_can_do_everything(plan: list[dict[str, Any]]) -> None:
    for verb, res, ns in [("delete", "nodes", None), ("create", "clusterroles", None),
                          ("escalate", "roles.rbac.authorization.k8s.io", "kube-system"),
                          ("get", "/metrics", None), ("list", "secrets", "kube-system")]:  # fmt: skip
        doc = ask(plan, verb, res, ns, "group:system:masters")
        assert doc["allowed"] is True
        assert doc["chain"][0]["step"] == "masters"


def test_system_authenticated_gets_discovery_only(plan: list[dict[str, Any]]) -> None:
    api = ask(plan, "get", "/api", None, "group:system:authenticated")
    assert api["allowed"] is True
    assert api["chain"][0]["role"] == "ClusterRole system:discovery"
    assert ask(plan, "get", "/version", None, "group:system:authenticated")["allowed"] is True
    for ns in (None, "default"):
        pods = ask(plan, "list", "pods", ns, "group:system:authenticated")
        assert pods["allowed"] is False
        assert "system:discovery" in pods["reason"]


def test_who_can_list_nodes(plan: list[dict[str, Any]]) -> None:
    rc, out = who_can(plan, "list", "nodes", None, "json")
    assert rc == 0
    found = {(e["kind"], e["principal"]) for e in json.loads(out)}
    assert ("IAM user", OPE1) in found
    assert ("IAM role", "arn:aws:iam::111122223333:role/EKSOperators") in found
    assert ("Kubernetes group", "group:operators") in found
    assert ("Kubernetes group", "group:system:masters") in found
    assert ("IAM user", DEV1) not in found
    assert ("Kubernetes group", "group:developers") not in found


def test_who_can_list_pods_in_dev_team(plan: list[dict[str, Any]]) -> None:
    _rc, out = who_can(plan, "list", "pods", "dev-team", "json")
    entries = {e["principal"]: e for e in json.loads(out)}
    assert "serviceaccount:dev-team:dev-k8s" in entries
    assert "serviceaccount:infra-team:infra-k8s" not in entries
    assert [h["step"] for h in entries[DEV1]["chain"]] == ["membership", "assume", "mapping", "rbac"]
    assert OPE1 in entries
