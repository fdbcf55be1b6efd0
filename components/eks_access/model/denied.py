"""Calls a snapshot's collector was refused: what the model may lack, and which answers it touches."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeniedCall:
    """``service`` is iam, eks or kubernetes; ``operation`` the API's own name
    (``ListAssociatedAccessPolicies``, ``list ClusterRoles``); ``target`` what it was about."""

    service: str
    operation: str
    target: str
    error: str

    @property
    def note(self) -> str:
        about = f" ({self.target})" if self.target else ""
        return f"incomplete: {self.operation} denied{about}"

    def touches_iam(self) -> bool:
        """IAM and EKS facts change only answers about IAM principals; Kubernetes facts, every answer."""
        return self.service in ("iam", "eks")
