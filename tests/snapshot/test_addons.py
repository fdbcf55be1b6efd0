"""EKS add-ons in a snapshot (format version 2): each DescribeAddon add-on is read as a plan's
``aws:eks/addon:Addon`` record; a version 1 snapshot, which has no add-ons, still reads."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from eks_access.model.from_snapshot import SnapshotError, read_snapshot, snapshot_records
from tests.snapshot.deployed import deploy


def test_an_addon_is_read_as_the_plans_addon_record(dev_plan_resources: list[dict[str, Any]]) -> None:
    doc = deploy(dev_plan_resources)
    addons = [r for r in snapshot_records(doc) if r["type"] == "aws:eks/addon:Addon"]
    assert addons == [{
        "type": "aws:eks/addon:Addon", "name": "add-on eks-pod-identity-agent", "parent": None, "custom": True,
        "inputs": {"clusterName": "myeks", "addonName": "eks-pod-identity-agent", "addonVersion": "v1.3.10-eksbuild.2",
                   "serviceAccountRoleArn": None},
        "outputs": {"arn": doc["eks"]["addons"][0]["addonArn"]},
    }]  # fmt: skip
    planned = [r for r in dev_plan_resources if r["type"] == "aws:eks/addon:Addon"]
    assert [r["inputs"]["addonName"] for r in planned] == ["eks-pod-identity-agent"]
    assert "add-on eks-pod-identity-agent" in {r.name for r in read_snapshot(doc).records}


def test_version_1_has_no_addons_and_reads(dev_plan_resources: list[dict[str, Any]]) -> None:
    doc = deploy(dev_plan_resources)
    old = copy.deepcopy(doc)
    old["version"] = 1
    del old["eks"]["addons"]
    assert [r for r in snapshot_records(old) if r["type"] == "aws:eks/addon:Addon"] == []
    assert len(read_snapshot(old).records) == len(read_snapshot(doc).records) - 1


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["eks"].pop("addons"), "eks.addons: expected a list, got null"),
    (lambda d: d["eks"]["addons"][0].pop("addonName"), "eks.addons[0].addonName: required, a non-empty string"),
])  # fmt: skip
def test_a_version_2_snapshot_needs_its_addons(dev_plan_resources: list[dict[str, Any]], change: Any, message: str) -> None:
    doc = deploy(dev_plan_resources)
    change(doc)
    with pytest.raises(SnapshotError) as err:
        read_snapshot(doc)
    assert str(err.value) == message
