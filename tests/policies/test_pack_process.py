"""The policy pack really starts and answers over gRPC, the way `pulumi preview --policy-pack` runs it.

The Python language host starts an analyzer plugin as ``python -u -m pulumi.policy
<engine address> <pack directory>`` with the pack directory as working directory (pulumi/pulumi
sdk/python/cmd/pulumi-language-python/main.go, ``RunPlugin``); ``pulumi.policy``'s main runs the
pack's ``__main__.py``, whose ``PolicyPack`` serves the Analyzer gRPC service and prints its port
(pulumi/pulumi-policy sdk/python/lib/pulumi_policy/policy.py). The engine then calls
``GetAnalyzerInfo``, ``Analyze`` for each resource and ``AnalyzeStack`` once. CI has no
``policies/venv``, so the project's own interpreter (which has the same requirements) runs it.
"""

from __future__ import annotations

import copy
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from eks_access.guardrails import Enforcement, run_checks

POLICIES = Path(__file__).resolve().parents[2] / "policies"
MANDATORY = analyzer_pb2.EnforcementLevel.Value("MANDATORY")
ADVISORY = analyzer_pb2.EnforcementLevel.Value("ADVISORY")


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    env = {**os.environ, "PULUMI_PROJECT": "team-cluster", "PULUMI_STACK": "dev", "PULUMI_DRY_RUN": "true"}
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(POLICIES)],
        cwd=POLICIES, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 120)
        line = process.stdout.readline().decode() if ready else ""
        assert line.strip().isdigit(), f"the pack printed no port: {line!r}, stderr: {process.stderr.read(4000) if process.poll() is not None else ''!r}"  # type: ignore[union-attr]
        channel = grpc.insecure_channel(f"127.0.0.1:{line.strip()}")
        grpc.channel_ready_future(channel).result(timeout=60)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.kill()
        process.wait(timeout=30)


def urn(record: dict[str, Any]) -> str:
    return f"urn:pulumi:dev::team-cluster::{record['type']}::{record['name']}"


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(values)
    return out


def diagnostics(stub: analyzer_pb2_grpc.AnalyzerStub, records: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    """What the engine would get: Analyze on each resource's inputs, AnalyzeStack on every state."""
    registered = [r for r in records if "implicit" not in r]  # EKS's own entries are no Pulumi resources
    found: list[tuple[str, int, str]] = []
    for record in registered:
        reply = stub.Analyze(analyzer_pb2.AnalyzeRequest(type=record["type"], name=record["name"], urn=urn(record),
                                                         properties=struct(record["inputs"])))
        found += [(d.policyName, d.enforcementLevel, _violation(d)) for d in reply.diagnostics]
    by_name = {r["name"]: r for r in registered}
    resources = [
        analyzer_pb2.AnalyzerResource(
            type=r["type"], name=r["name"], urn=urn(r), properties=struct({**r["inputs"], **r["outputs"]}),
            parent=urn(by_name[r["parent"]]) if r.get("parent") in by_name else "",
        )
        for r in registered
    ]
    reply = stub.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources))
    found += [(d.policyName, d.enforcementLevel, _violation(d)) for d in reply.diagnostics]
    return sorted(found)


def _violation(diagnostic: Any) -> str:
    """pulumi-policy sends ``<policy description>\n<violation>``; the violation is what check prints."""
    description, _, violation = str(diagnostic.message).partition("\n")
    assert description == diagnostic.description
    return violation


def test_the_pack_starts_and_describes_every_policy(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "eks-access"
    policies = {p.name: p.enforcementLevel for p in info.policies}
    assert policies["EKS-MASTERS"] == MANDATORY and policies["EKS-USERNAME-TEMPLATE-ADVISORY"] == ADVISORY


def test_the_clean_dev_plan_gets_no_mandatory_diagnostic(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, dev_plan_resources: list[dict[str, Any]]
) -> None:
    found = diagnostics(analyzer, dev_plan_resources)
    assert [d for d in found if d[1] == MANDATORY] == []
    assert ("EKS-USERNAME-TEMPLATE-ADVISORY", ADVISORY,
            "[EKS-USERNAME-TEMPLATE] developers-access-entry: access entry (arn:aws:iam::111122223333:role/EKSMyExampleViewer) "
            "maps every session to the fixed username 'developer', so audit logs cannot tell who acted; use "
            "'developer:{{SessionName}}'") in found


def test_a_system_masters_mapping_is_a_mandatory_diagnostic_worded_as_check_words_it(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, dev_plan_resources: list[dict[str, Any]]
) -> None:
    records = copy.deepcopy(dev_plan_resources)
    cluster = next(r for r in records if r["type"] == "eks:index:Cluster")
    cluster["inputs"]["authenticationMode"] = "API_AND_CONFIG_MAP"
    cluster["inputs"]["roleMappings"] = [
        {"roleArn": "arn:aws:iam::111122223333:role/Ops", "username": "ops:{{SessionName}}", "groups": ["system:masters"]}]
    expected = [f"[{f.rule}] {f.resource}: {f.message}" for f in run_checks(records)
                if f.rule == "EKS-MASTERS" and f.enforcement is Enforcement.MANDATORY]
    assert expected, "check must flag the mapping too"
    found = [message for policy, level, message in diagnostics(analyzer, records) if policy == "EKS-MASTERS"]
    assert found == expected
    assert [level for policy, level, _ in diagnostics(analyzer, records) if policy == "EKS-MASTERS"] == [MANDATORY]
