"""The rule set, in report order: EKS authentication, then RBAC, then IAM."""

from __future__ import annotations

from eks_access.guardrails.model import Rule
from eks_access.guardrails.rules_eks import EKS_RULES
from eks_access.guardrails.rules_iam import IAM_RULES
from eks_access.guardrails.rules_rbac import RBAC_RULES
from eks_access.guardrails.rules_scope import SCOPE_RULES
from eks_access.guardrails.rules_version import EKS_VERSION
from eks_access.guardrails.rules_workload import WORKLOAD_RULES

RULES: tuple[Rule, ...] = (*EKS_RULES, EKS_VERSION, *RBAC_RULES, *SCOPE_RULES, *IAM_RULES, *WORKLOAD_RULES)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
