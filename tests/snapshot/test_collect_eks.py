"""EKS through botocore's Stubber: every request and response is validated against botocore's
own EKS service model, so a misspelled parameter or field fails. Responses are those of the dev
stack's plan deployed (tests/snapshot/deployed.py), with paging and a refused call."""

from __future__ import annotations

import copy
import json
import threading
import time
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from eks_access.snapshot.collect import (
    CALLS,
    Denied,
    collect_addons,
    collect_capabilities,
    collect_eks,
)
from tests.snapshot.deployed import deploy

CLUSTER = "myeks"


def _client() -> Any:
    """An EKS client that never reaches AWS: every call is answered by a Stubber."""
    return boto3.client("eks", region_name="ap-northeast-2", aws_access_key_id="x", aws_secret_access_key="x")


def _wire(value: Any) -> Any:
    """Dates as botocore parses them (datetime), the rest as is."""
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    if isinstance(value, str) and len(value) == 25 and value[4] == "-" and value[10] == "T":
        return datetime.fromisoformat(value)
    return value


@pytest.fixture
def eks_section(dev_plan_resources: list[dict[str, Any]]) -> dict[str, Any]:
    section: dict[str, Any] = deploy(dev_plan_resources)["eks"]
    section["cluster"]["endpoint"] = "https://34DC390C3284D5349D1318C9255B5FDD.gr7.ap-northeast-2.eks.amazonaws.com"
    return section


def _stub(stubber: Stubber, section: dict[str, Any], refuse: str | None = None) -> None:
    stubber.add_response("describe_cluster", {"cluster": _wire(section["cluster"])}, {"name": CLUSTER})
    arns = [e["accessEntry"]["principalArn"] for e in section["accessEntries"]]
    if section["cluster"]["accessConfig"]["authenticationMode"] != "CONFIG_MAP":  # no access entry API in CONFIG_MAP mode
        stubber.add_response("list_access_entries", {"accessEntries": arns[:2], "nextToken": "page-2"}, {"clusterName": CLUSTER})
        stubber.add_response("list_access_entries", {"accessEntries": arns[2:]}, {"clusterName": CLUSTER, "nextToken": "page-2"})
    for entry in section["accessEntries"]:
        arn = entry["accessEntry"]["principalArn"]
        params = {"clusterName": CLUSTER, "principalArn": arn}
        stubber.add_response("describe_access_entry", {"accessEntry": _wire(entry["accessEntry"])}, params)
        if arn == refuse:
            stubber.add_client_error("list_associated_access_policies", "AccessDeniedException", "not authorized",
                                     http_status_code=403, expected_params=params)  # fmt: skip
            continue
        stubber.add_response("list_associated_access_policies", {
            "clusterName": CLUSTER, "principalArn": arn, "associatedAccessPolicies": _wire(entry["associatedAccessPolicies"])}, params)  # fmt: skip
    summaries = [{k: a[k] for k in ("clusterName", "namespace", "serviceAccount", "associationArn", "associationId")}
                 for a in section["podIdentityAssociations"]]  # fmt: skip
    stubber.add_response("list_pod_identity_associations", {"associations": summaries}, {"clusterName": CLUSTER})
    for a in section["podIdentityAssociations"]:
        stubber.add_response("describe_pod_identity_association", {"association": _wire(a)},
                             {"clusterName": CLUSTER, "associationId": a["associationId"]})  # fmt: skip
    _stub_addons(stubber, section["addons"], refuse)
    _stub_capabilities(stubber, section["capabilities"])


_SUMMARY = ("capabilityName", "arn", "type", "status", "version", "createdAt", "modifiedAt")


def _stub_capabilities(stubber: Stubber, capabilities: list[dict[str, Any]], refuse: str | None = None) -> None:
    summaries = [{k: c[k] for k in _SUMMARY} for c in _wire(capabilities)]
    if refuse == "ListCapabilities":
        stubber.add_client_error("list_capabilities", "AccessDeniedException", "not authorized", http_status_code=403,
                                 expected_params={"clusterName": CLUSTER})  # fmt: skip
        return
    if len(summaries) > 1:
        stubber.add_response("list_capabilities", {"capabilities": summaries[:1], "nextToken": "page-2"}, {"clusterName": CLUSTER})
        stubber.add_response("list_capabilities", {"capabilities": summaries[1:]}, {"clusterName": CLUSTER, "nextToken": "page-2"})
    else:
        stubber.add_response("list_capabilities", {"capabilities": summaries}, {"clusterName": CLUSTER})
    for c in capabilities:
        params = {"clusterName": CLUSTER, "capabilityName": c["capabilityName"]}
        if refuse == c["capabilityName"]:
            stubber.add_client_error("describe_capability", "AccessDeniedException", "not authorized", http_status_code=403,
                                     expected_params=params)  # fmt: skip
            continue
        stubber.add_response("describe_capability", {"capability": _wire(c)}, params)


def _stub_addons(stubber: Stubber, addons: list[dict[str, Any]], refuse: str | None = None) -> None:
    names = [a["addonName"] for a in addons]
    if refuse == "ListAddons":
        stubber.add_client_error("list_addons", "AccessDeniedException", "not authorized", http_status_code=403,
                                 expected_params={"clusterName": CLUSTER})  # fmt: skip
        return
    stubber.add_response("list_addons", {"addons": names[:1], "nextToken": "page-2"}, {"clusterName": CLUSTER})
    stubber.add_response("list_addons", {"addons": names[1:]}, {"clusterName": CLUSTER, "nextToken": "page-2"})
    for a in addons:
        params = {"clusterName": CLUSTER, "addonName": a["addonName"]}
        if refuse == a["addonName"]:
            stubber.add_client_error("describe_addon", "AccessDeniedException", "not authorized", http_status_code=403,
                                     expected_params=params)  # fmt: skip
            continue
        stubber.add_response("describe_addon", {"addon": _wire(a)}, params)


def test_every_call_validated_and_the_section_is_the_deployed_one(eks_section: dict[str, Any]) -> None:
    client = _client()
    denied = Denied()
    with Stubber(client) as stubber:
        _stub(stubber, eks_section)
        got = collect_eks(client, CLUSTER, denied)
        stubber.assert_no_pending_responses()
    assert denied.calls == []
    assert json.loads(json.dumps(got, default=lambda d: d.isoformat())) == eks_section
    stubbed = {f"eks.{op}" for op in ("describe_cluster", "list_access_entries", "describe_access_entry",
                                      "list_associated_access_policies", "list_pod_identity_associations",
                                      "describe_pod_identity_association", "list_addons", "describe_addon",
                                      "list_capabilities", "describe_capability")}  # fmt: skip
    assert stubbed == {call for _action, call in CALLS if call.startswith("eks.")}  # CALLS lists what the collector calls


def test_a_config_map_cluster_has_no_access_entries_to_ask_for(eks_section: dict[str, Any]) -> None:
    """EKS answers the access entry API with InvalidRequestException in CONFIG_MAP mode; the collector
    does not call it (a call would fail the Stubber: none is queued) and records no entry."""
    client = _client()
    section = copy.deepcopy(eks_section)
    section["cluster"]["accessConfig"]["authenticationMode"] = "CONFIG_MAP"
    section["accessEntries"] = []
    denied = Denied()
    with Stubber(client) as stubber:
        _stub(stubber, section)
        got = collect_eks(client, CLUSTER, denied)
        stubber.assert_no_pending_responses()
    assert (denied.calls, got["accessEntries"]) == ([], [])


def test_a_refused_association_list_is_recorded_and_the_rest_collected(eks_section: dict[str, Any]) -> None:
    client = _client()
    refused = "arn:aws:iam::111122223333:user/offline-plan-deployer"
    denied = Denied()
    with Stubber(client) as stubber:
        _stub(stubber, eks_section, refuse=refused)
        got = collect_eks(client, CLUSTER, denied)
        stubber.assert_no_pending_responses()
    assert denied.calls == [{"service": "eks", "operation": "ListAssociatedAccessPolicies", "target": refused,
                             "error": "AccessDeniedException"}]  # fmt: skip
    expected = copy.deepcopy(eks_section)
    for entry in expected["accessEntries"]:
        if entry["accessEntry"]["principalArn"] == refused:
            entry["associatedAccessPolicies"] = []
    assert json.loads(json.dumps(got, default=lambda d: d.isoformat())) == expected


class SlowEks:
    """Answers as the deployed cluster would, slowly, counting the calls in flight at once (the
    Stubber answers in a fixed order, so concurrency is tested on this stand-in)."""

    def __init__(self, section: dict[str, Any]) -> None:
        self.section = section
        self.entries = {e["accessEntry"]["principalArn"]: e for e in section["accessEntries"]}
        self.lock = threading.Lock()
        self.now = self.most = 0

    def _call(self, value: Any) -> Any:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.02)
        with self.lock:
            self.now -= 1
        return copy.deepcopy(value)

    def describe_cluster(self, name: str) -> Any:
        return self._call({"cluster": self.section["cluster"]})

    def describe_access_entry(self, clusterName: str, principalArn: str) -> Any:
        return self._call({"accessEntry": self.entries[principalArn]["accessEntry"]})

    def describe_addon(self, clusterName: str, addonName: str) -> Any:
        return self._call({"addon": next(a for a in self.section["addons"] if a["addonName"] == addonName)})

    def describe_pod_identity_association(self, clusterName: str, associationId: str) -> Any:
        return self._call({"association": next(a for a in self.section["podIdentityAssociations"] if a["associationId"] == associationId)})

    def get_paginator(self, operation: str) -> Any:
        outer = self

        class Pages:
            def paginate(self, clusterName: str, principalArn: str | None = None) -> Any:
                if operation == "list_access_entries":
                    return [outer._call({"accessEntries": list(outer.entries)})]
                if operation == "list_associated_access_policies":
                    assert principalArn is not None
                    return [outer._call({"associatedAccessPolicies": outer.entries[principalArn]["associatedAccessPolicies"]})]
                if operation == "list_capabilities":
                    return [outer._call({"capabilities": []})]
                if operation == "list_addons":
                    return [outer._call({"addons": [a["addonName"] for a in outer.section["addons"]]})]
                return [outer._call({"associations": outer.section["podIdentityAssociations"]})]

        return Pages()


def test_per_entry_calls_run_concurrently_bounded_and_in_order(eks_section: dict[str, Any]) -> None:
    many = copy.deepcopy(eks_section)
    template = many["accessEntries"][0]
    for i in range(20):
        extra = copy.deepcopy(template)
        extra["accessEntry"]["principalArn"] = f"arn:aws:iam::111122223333:role/Team{i}"
        many["accessEntries"].append(extra)
    fake = SlowEks(many)
    got = collect_eks(fake, CLUSTER, Denied(), workers=4)
    assert got == many
    assert 1 < fake.most <= 4


def _addons(section: dict[str, Any]) -> list[dict[str, Any]]:
    """The dev stack's add-on, and a second one with an IRSA role, so ListAddons has two pages."""
    cni = copy.deepcopy(section["addons"][0])
    cni.update(addonName="vpc-cni", addonVersion="v1.19.2-eksbuild.1", serviceAccountRoleArn="arn:aws:iam::111122223333:role/AmazonEKSVPCCNIRole",
               addonArn="arn:aws:eks:ap-northeast-2:111122223333:addon/myeks/vpc-cni/1ecb4b4c-0000-0000-0000-000000000000")  # fmt: skip
    return [*section["addons"], cni]


def test_addons_are_listed_over_pages_and_each_described(eks_section: dict[str, Any]) -> None:
    addons = _addons(eks_section)
    assert [a["addonName"] for a in addons] == ["eks-pod-identity-agent", "vpc-cni"]
    client = _client()
    denied = Denied()
    with Stubber(client) as stubber:
        _stub_addons(stubber, addons)
        got = collect_addons(client, CLUSTER, denied)
        stubber.assert_no_pending_responses()
    assert denied.calls == []
    assert json.loads(json.dumps(got, default=lambda d: d.isoformat())) == addons


@pytest.mark.parametrize(("refuse", "operation", "target", "kept"), [
    ("ListAddons", "ListAddons", CLUSTER, []),
    ("vpc-cni", "DescribeAddon", f"{CLUSTER}/vpc-cni", ["eks-pod-identity-agent"]),
])  # fmt: skip
def test_a_refused_addon_call_is_recorded_and_the_rest_collected(
    eks_section: dict[str, Any], refuse: str, operation: str, target: str, kept: list[str]
) -> None:
    client = _client()
    denied = Denied()
    with Stubber(client) as stubber:
        _stub_addons(stubber, _addons(eks_section), refuse)
        got = collect_addons(client, CLUSTER, denied)
        stubber.assert_no_pending_responses()
    assert denied.calls == [{"service": "eks", "operation": operation, "target": target, "error": "AccessDeniedException"}]
    assert [a["addonName"] for a in got] == kept


ROLE = "arn:aws:iam::111122223333:role/ArgoCDCapabilityRole"


def capability(name: str, kind: str, role: str = ROLE) -> dict[str, Any]:
    """A DescribeCapability .capability as the API reference shapes it (dates as ISO text)."""
    return {"capabilityName": name, "arn": f"arn:aws:eks:ap-northeast-2:111122223333:capability/{CLUSTER}/{kind.lower()}/{name}/4acb9e61",
            "clusterName": CLUSTER, "type": kind, "roleArn": role, "status": "ACTIVE", "version": "v1",
            "createdAt": "2026-01-07T00:00:00+00:00", "modifiedAt": "2026-01-07T00:00:00+00:00",
            "deletePropagationPolicy": "RETAIN"}  # fmt: skip


def test_capabilities_are_listed_over_pages_and_each_described() -> None:
    caps = [capability("argocd", "ARGOCD"), capability("kro", "KRO", "arn:aws:iam::111122223333:role/KroCapabilityRole")]
    client = _client()
    denied = Denied()
    with Stubber(client) as stubber:
        _stub_capabilities(stubber, caps)
        got = collect_capabilities(client, CLUSTER, denied)
        stubber.assert_no_pending_responses()
    assert denied.calls == []
    assert json.loads(json.dumps(got, default=lambda d: d.isoformat())) == caps


@pytest.mark.parametrize(("refuse", "operation", "target", "kept"), [
    ("ListCapabilities", "ListCapabilities", CLUSTER, []),
    ("kro", "DescribeCapability", f"{CLUSTER}/kro", ["argocd"]),
])  # fmt: skip
def test_a_refused_capability_call_is_recorded(refuse: str, operation: str, target: str, kept: list[str]) -> None:
    caps = [capability("argocd", "ARGOCD"), capability("kro", "KRO")]
    client = _client()
    denied = Denied()
    with Stubber(client) as stubber:
        _stub_capabilities(stubber, caps, refuse)
        got = collect_capabilities(client, CLUSTER, denied)
        stubber.assert_no_pending_responses()
    assert denied.calls == [{"service": "eks", "operation": operation, "target": target, "error": "AccessDeniedException"}]
    assert [c["capabilityName"] for c in got] == kept
