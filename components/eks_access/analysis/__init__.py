"""Offline access analyzer: can-i / who-can / matrix / diagram over an access model.

Pure layer (no Pulumi). It reads only the access model (``eks_access.model``) and answers
with the shared authorizers (``eks_access.authz``), following the whole chain
IAM user -> IAM group -> assumable role -> EKS mapping -> Kubernetes RBAC. ``Analyzer`` is the
Python API; the functions of ``commands`` are what the CLI prints.
"""

from __future__ import annotations

from eks_access.analysis.analyzer import Analyzer, WhoCanEntry
from eks_access.analysis.answers import Answer, Hop
from eks_access.analysis.commands import can_i, can_i_batch, diagram, matrix, who_can
from eks_access.analysis.principals import Principal, parse_principal
from eks_access.analysis.requests import Request, parse_request

__all__ = [
    "Analyzer",
    "Answer",
    "Hop",
    "Principal",
    "Request",
    "WhoCanEntry",
    "can_i",
    "can_i_batch",
    "diagram",
    "matrix",
    "parse_principal",
    "parse_request",
    "who_can",
]
