"""An EKS capability's access entry (and its baseline policies) is EKS's: recognised through
DescribeCapability's roleArn, marked ``eks-capability``, set aside by drift, not reported by check;
a policy the user added to that entry stays the user's, and its access effect is drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eks_access.cli.main import main
from eks_access.model.from_snapshot import SnapshotError, snapshot_records
from eks_access.plan.output import write_plan
from tests.snapshot.deployed import deploy
from tests.snapshot.test_collect_eks import ROLE, capability

AT = "2026-01-07T00:05:00+00:00"
POLICY = "arn:aws:eks::aws:cluster-access-policy/"


def _assoc(name: str, namespaces: list[str] | None = None) -> dict[str, Any]:
    scope = {"type": "namespace", "namespaces": namespaces} if namespaces else {"type": "cluster", "namespaces": []}
    return {"policyArn": POLICY + name, "accessScope": scope, "associatedAt": AT, "modifiedAt": AT}


def _with_argocd(records: list[dict[str, Any]], *, described: bool = True, admin: bool = False) -> dict[str, Any]:
    """The dev stack deployed, then an Argo CD capability created: EKS's entry for its role with
    AmazonEKSArgoCDPolicy (namespace argocd) and AmazonEKSArgoCDClusterPolicy; ``admin``: the
    AmazonEKSClusterAdminPolicy the user guide has users add so Argo CD can deploy."""
    doc = deploy(records)
    policies = [_assoc("AmazonEKSArgoCDPolicy", ["argocd"]), _assoc("AmazonEKSArgoCDClusterPolicy")]
    doc["eks"]["accessEntries"].append({"accessEntry": {
        "clusterName": "myeks", "principalArn": ROLE, "kubernetesGroups": [], "createdAt": AT, "modifiedAt": AT, "tags": {},
        "accessEntryArn": "arn:aws:eks:ap-northeast-2:111122223333:access-entry/myeks/role/111122223333/ArgoCDCapabilityRole/6ac9",
        "username": "arn:aws:sts::111122223333:assumed-role/ArgoCDCapabilityRole/{{SessionName}}", "type": "STANDARD"},
        "associatedAccessPolicies": [*policies, *([_assoc("AmazonEKSClusterAdminPolicy")] if admin else [])]})  # fmt: skip
    doc["eks"]["capabilities"] = [capability("argocd", "ARGOCD")] if described else []
    return doc


def _marks(doc: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(r["name"], r.get("implicit")) for r in snapshot_records(doc) if r["inputs"].get("principalArn") == ROLE]


def test_the_capability_entry_and_its_baseline_policies_are_eks_s(dev_plan_resources: list[dict[str, Any]]) -> None:
    assert _marks(_with_argocd(dev_plan_resources, admin=True)) == [
        (ROLE, "eks-capability"),
        (f"AmazonEKSArgoCDPolicy association of {ROLE}", "eks-capability"),
        (f"AmazonEKSArgoCDClusterPolicy association of {ROLE}", "eks-capability"),
        (f"AmazonEKSClusterAdminPolicy association of {ROLE}", None),
    ]


def test_without_describe_capability_the_entry_is_an_ordinary_one(dev_plan_resources: list[dict[str, Any]]) -> None:
    assert {why for _name, why in _marks(_with_argocd(dev_plan_resources, described=False))} == {None}


def test_a_role_serving_two_capabilities_keeps_both_baselines(dev_plan_resources: list[dict[str, Any]]) -> None:
    doc = _with_argocd(dev_plan_resources)
    doc["eks"]["accessEntries"][-1]["associatedAccessPolicies"].append(_assoc("AmazonEKSKROPolicy"))
    doc["eks"]["capabilities"].append(capability("kro", "KRO"))
    assert {why for _name, why in _marks(doc)} == {"eks-capability"}


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["eks"].update(capabilities={}), "eks.capabilities: expected a list, got object"),
    (lambda d: d["eks"]["capabilities"].append(7), "eks.capabilities[1]: expected an object, got number"),
    (lambda d: d["eks"]["capabilities"][0].pop("roleArn"), "eks.capabilities[0].roleArn: required, a non-empty string"),
])  # fmt: skip
def test_a_bad_capability_is_named(dev_plan_resources: list[dict[str, Any]], change: Any, message: str) -> None:
    doc = _with_argocd(dev_plan_resources)
    change(doc)
    with pytest.raises(SnapshotError) as err:
        snapshot_records(doc)
    assert str(err.value) == message


def test_an_older_snapshot_without_capabilities_reads(dev_plan_resources: list[dict[str, Any]]) -> None:
    doc = _with_argocd(dev_plan_resources, described=False)
    del doc["eks"]["capabilities"]
    assert {why for _name, why in _marks(doc)} == {None}


def test_drift_sets_the_capability_entry_aside_and_reports_the_user_s_policy(
        tmp_path: Path, dev_plan_resources: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    plan = tmp_path / "plan"
    write_plan(dev_plan_resources, {}, plan)
    snap = tmp_path / "snap.json"
    head = f"Drift plan {plan} -> snapshot {snap}"
    same = f"Access diff plan {plan} -> snapshot {snap}: no principal gains or loses access"
    snap.write_text(json.dumps(_with_argocd(dev_plan_resources)))
    assert main(["drift", "--plan", str(plan), "--snapshot", str(snap)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{head}: 0 object(s) differ (142 made by EKS or Kubernetes set aside)", "", same]
    snap.write_text(json.dumps(_with_argocd(dev_plan_resources, admin=True)))
    # The entry is EKS's, the policy the user added to it is not: its access effect is drift that
    # widens access (exit 1), although the entry itself is set aside.
    assert main(["drift", "--plan", str(plan), "--snapshot", str(snap)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{head}: 1 object(s) differ (142 made by EKS or Kubernetes set aside)",
        f"+ access policy {ROLE} AmazonEKSClusterAdminPolicy: scope cluster (exists, no code declares it)",
        "",
        f"Access diff plan {plan} -> snapshot {snap}: 1 principal gains access, 0 lose access",
        "",
        f"+ EKS access policy AmazonEKSClusterAdminPolicy cluster-wide by AmazonEKSClusterAdminPolicy association of {ROLE}: "
        "6 changes (widening)",
        f"    {ROLE} (as Kubernetes user arn:aws:sts::111122223333:assumed-role/ArgoCDCapabilityRole/{{{{SessionName}}}}, groups [])",
        "      + * except create on * [apiGroups *] cluster-wide",
        "      + create on * [apiGroups * except authentication.k8s.io, authorization.k8s.io] cluster-wide",
        "      + create on * except selfsubjectreviews [apiGroups authentication.k8s.io] cluster-wide",
        "      + create on * except selfsubjectaccessreviews, selfsubjectrulesreviews [apiGroups authorization.k8s.io] cluster-wide",
        "      + * except get on non-resource URLs *",
        "      + get on non-resource URLs * except /api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, "
        "/readyz, /version, /version/",
    ]  # fmt: skip
