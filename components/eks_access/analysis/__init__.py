"""Offline access analyzer: can-i / who-can / matrix / diagram over a plan's resource records.

Pure layer (no Pulumi): it reads the records ``eks-access plan`` writes (docs/plan-format.md)
or the same shape exported from a live account, and follows the whole chain
IAM user -> IAM group -> assumable role -> EKS mapping -> Kubernetes RBAC.
"""

from __future__ import annotations

from .commands import can_i, diagram, matrix, who_can
from .graph import AccessGraph

__all__ = ["AccessGraph", "can_i", "diagram", "matrix", "who_can"]
