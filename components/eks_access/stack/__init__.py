"""The ``team-cluster`` stack program that ``pulumi up`` and ``eks-access plan`` both run."""

from eks_access.stack.program import main

__all__ = ["main"]
