"""Runs the rule set over a whole plan: what ``eks-access check`` calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eks_access.guardrails.catalog import RULES
from eks_access.guardrails.config import GuardrailConfig
from eks_access.guardrails.model import CheckContext, Finding, Rule
from eks_access.model import AccessModel, read_model
from eks_access.model.gcpause import paused_gc


def run_checks(
    source: Sequence[Mapping[str, Any]] | AccessModel,
    config: GuardrailConfig | None = None,
    rules: Sequence[Rule] = RULES,
) -> list[Finding]:
    """Every finding of every rule, rule by rule in catalog order, records in plan order.

    ``source`` is plan records (read into the access model here) or a model already read.
    """
    model = source if isinstance(source, AccessModel) else read_model(source)
    ctx = CheckContext(model=model, allow=(config or GuardrailConfig()).allow)
    findings: list[Finding] = []
    with paused_gc():
        for rule in rules:
            findings.extend(rule.run(ctx))
    return findings
