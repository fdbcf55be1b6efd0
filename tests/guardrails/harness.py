"""Runs the guardrails the two ways users do: ``run_checks`` and the policy pack adapter.

The pack harness builds the real ``pulumi_policy`` argument objects, wraps props in the
engine's unknown-checking proxy, and calls each policy's ``validate`` directly: constructing a
``PolicyPack`` would start a gRPC server and block.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from eks_access.guardrails import Finding, load_guardrail_config, run_checks
from eks_access.guardrails.pack import build_policies


@dataclass(frozen=True)
class Case:
    """A rule's violating plan with its exact findings, a compliant plan, and an allow-list entry."""

    id: str
    rule: str
    records: list[dict[str, Any]]
    expected: list[tuple[str, str, str]]  # (resource, enforcement, message fragment)
    compliant: list[dict[str, Any]]
    allow: str
    pack: bool = True  # False: the policy pack cannot see these records (implicit ones)


def findings(records: Sequence[Mapping[str, Any]], rule: str | None = None,
             allow: Mapping[str, list[str]] | None = None) -> list[Finding]:
    config = load_guardrail_config({"allow": dict(allow)}) if allow else None
    found = run_checks(records, config)
    return [f for f in found if rule is None or f.rule == rule]


@dataclass(frozen=True)
class Violation:
    policy: str
    message: str
    urn: str | None


def urn(record: Mapping[str, Any]) -> str:
    return f"urn:pulumi:dev::team-cluster::{record['type']}::{record['name']}"


def _opts(parent: str | None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def run_pack(records: Sequence[Mapping[str, Any]], rule: str | None = None,
             allow: Mapping[str, list[str]] | None = None) -> list[Violation]:
    """Every violation every policy of the pack reports, as the engine would call them."""
    violations: list[Violation] = []
    by_name = {r["name"]: r for r in records}
    for policy in build_policies():
        if rule is not None and policy.name not in (rule, f"{rule}-ADVISORY"):
            continue
        base = policy.name.removesuffix("-ADVISORY")
        config = {"allow": list(allow[base])} if allow and base in allow else None

        def report(message: str, at: str | None = None, _name: str = policy.name) -> None:
            violations.append(Violation(_name, message, at))

        if isinstance(policy, ResourceValidationPolicy):
            for r in records:
                parent = by_name.get(r.get("parent") or "")
                args = ResourceValidationArgs(
                    r["type"], unknown_checking_proxy(json.loads(json.dumps(r["inputs"]))), urn(r), r["name"],
                    _opts(urn(parent) if parent else None), None, config,
                )
                policy.validate(args, report)
        elif isinstance(policy, StackValidationPolicy):
            resources = []
            for r in records:
                props = {**r.get("inputs", {}), **r.get("outputs", {})}
                resources.append(PolicyResource(
                    r["type"], unknown_checking_proxy(json.loads(json.dumps(props))), urn(r), r["name"],
                    _opts(None), None, None, [], {},
                ))
            policy.validate(StackValidationArgs(resources, config), report)
    return violations
