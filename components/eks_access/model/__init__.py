"""The access model: one typed picture of IAM, EKS identity mappings and Kubernetes RBAC.

Pure (no Pulumi). Readers fill it from a source (``eks_access.model.from_plan.read_model`` for
plan records); ``eks_access.authz`` evaluates it; ``eks_access.analysis`` and
``eks_access.guardrails`` consume only the model and the authorizers.
"""

from __future__ import annotations

from eks_access.model.access_model import AccessModel, Skipped
from eks_access.model.from_plan import read_model
from eks_access.model.values import UNKNOWN_SENTINEL, is_unknown

__all__ = ["UNKNOWN_SENTINEL", "AccessModel", "Skipped", "is_unknown", "read_model"]
