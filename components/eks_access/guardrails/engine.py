"""Runs the rule set over a whole plan: what ``eks-access check`` calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from eks_access.guardrails.catalog import RULES
from eks_access.guardrails.config import GuardrailConfig
from eks_access.guardrails.model import CheckContext, Finding, Record, Rule


def labels_for(records: Sequence[Record]) -> dict[int, str]:
    """The name each finding shows: the logical name, or ``type::name`` when names collide.

    Pulumi allows one logical name under several types, so a bare name could point at the
    wrong resource; a unique name stays short.
    """
    counts = Counter(str(r.get("name") or "") for r in records)
    labels: dict[int, str] = {}
    for record in records:
        name = str(record.get("name") or "")
        labels[id(record)] = name if counts[name] == 1 else f"{record.get('type', '')}::{name}"
    return labels


def run_checks(
    resources: Sequence[Mapping[str, Any]],
    config: GuardrailConfig | None = None,
    rules: Sequence[Rule] = RULES,
) -> list[Finding]:
    """Every finding of every rule, rule by rule in catalog order, records in plan order."""
    records = [r for r in resources if isinstance(r, Mapping)]
    ctx = CheckContext(
        records=records,
        allow=(config or GuardrailConfig()).allow,
        whole_plan=True,
        labels=labels_for(records),
    )
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.run(records, ctx))
    return findings
