"""The Kubernetes versions EKS creates clusters with, as the EKS User Guide lists them.

Source: "Understand the Kubernetes version lifecycle on EKS"
(https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html): "You can create new
Amazon EKS clusters on any version offered in standard or extended support." CreateCluster refuses
any other ``version``. ``data/eks-kubernetes-versions.json`` holds the page's two lists and its
release calendar; ``data/SOURCE.md`` says which state of the page that is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .managed import DATA_PACKAGE

EKS_VERSIONS_FILE = "eks-kubernetes-versions.json"


@dataclass(frozen=True)
class EksVersions:
    """``standard`` and ``extended`` newest first, as the page lists them."""

    standard: tuple[str, ...]
    extended: tuple[str, ...]
    source: str
    page_state: str

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.standard, *self.extended)

    def describe(self) -> str:
        """``standard support 1.34, 1.33, 1.32; extended support 1.31, 1.30, 1.29``."""
        return f"standard support {', '.join(self.standard)}; extended support {', '.join(self.extended)}"


@cache
def eks_versions() -> EksVersions:
    text = resources.files(DATA_PACKAGE).joinpath("data", EKS_VERSIONS_FILE).read_text(encoding="utf-8")
    doc = json.loads(text)
    return EksVersions(tuple(doc["standard"]), tuple(doc["extended"]), doc["source"], doc["pageState"])
