"""Guardrails: one rule set behind ``eks-access check`` and the Pulumi policy pack.

Pure: nothing here imports Pulumi; :mod:`eks_access.guardrails.pack` is the only adapter and
imports ``pulumi_policy`` itself, so this package loads in milliseconds for the CLI and tests.
"""

from __future__ import annotations

from eks_access.guardrails.catalog import RULES
from eks_access.guardrails.config import GuardrailConfig, load_guardrail_config
from eks_access.guardrails.engine import run_checks
from eks_access.guardrails.model import Enforcement, Finding, Rule, Scope, Severity

__all__ = [
    "RULES",
    "Enforcement",
    "Finding",
    "GuardrailConfig",
    "Rule",
    "Scope",
    "Severity",
    "load_guardrail_config",
    "run_checks",
]
