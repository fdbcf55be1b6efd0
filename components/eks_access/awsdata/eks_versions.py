"""The Kubernetes versions EKS creates clusters with, from EKS's release calendar.

Source: "Understand the Kubernetes version lifecycle on EKS"
(https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html): "You can create new
Amazon EKS clusters on any version offered in standard or extended support", and "On the end of
extended support date, you can no longer create new Amazon EKS clusters with the unsupported
version". Billing for extended support "starts at the beginning of the day that the version
reaches end of standard support, in the UTC+0 timezone". So which versions CreateCluster accepts
is a function of the date: ``data/eks-kubernetes-versions.json`` holds the calendar (each row's
evidence named), the day it was read (``asOf``) and releases known not to be offered yet;
``data/SOURCE.md`` says where each row comes from. A release EKS adds after ``asOf`` is unknown
here and refused, with a message that says so.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from eks_access.kubedata.versions import minor_key

from .managed import DATA_PACKAGE

EKS_VERSIONS_FILE = "eks-kubernetes-versions.json"


@dataclass(frozen=True)
class EksRelease:
    """One row of EKS's release calendar (dates in UTC)."""

    version: str
    eks_release: dt.date
    end_of_standard: dt.date
    end_of_extended: dt.date
    evidence: str

    def support(self, on: dt.date) -> str | None:
        """``"standard"``, ``"extended"`` or None (not offered yet, or past extended support)."""
        if on < self.eks_release or on >= self.end_of_extended:
            return None
        return "standard" if on < self.end_of_standard else "extended"


@dataclass(frozen=True)
class EksVersions:
    releases: tuple[EksRelease, ...]  # newest first
    source: str
    as_of: dt.date
    not_offered: dict[str, str]

    def release(self, version: str) -> EksRelease | None:
        return next((r for r in self.releases if r.version == version), None)

    def offered(self, on: dt.date, support: str | None = None) -> tuple[str, ...]:
        """The versions CreateCluster accepts ``on`` that day (of one support kind), newest first."""
        return tuple(r.version for r in self.releases if (kind := r.support(on)) and support in (None, kind))

    def describe(self, on: dt.date) -> str:
        """``standard support 1.36, 1.35; extended support 1.34, 1.33, 1.32``."""
        if not self.offered(on):
            return f"no release this calendar knows (read on {self.as_of.isoformat()}; a newer eks-access knows more)"
        return (f"standard support {', '.join(self.offered(on, 'standard')) or 'none'}; "
                f"extended support {', '.join(self.offered(on, 'extended')) or 'none'}")  # fmt: skip

    def problem(self, version: str, on: dt.date) -> str | None:
        """Why CreateCluster refuses Kubernetes ``version`` ``on`` that day, or None."""
        row = self.release(version)
        if row is not None and row.support(on):
            return None
        offered = f"on {on.isoformat()} EKS offers {self.describe(on)}"
        if row is not None and on >= row.end_of_extended:
            oldest = self.offered(on)[-1:] or ("a newer release",)
            return (f"EKS no longer creates clusters on Kubernetes {version}: its extended support ended "
                    f"{row.end_of_extended.isoformat()} and EKS moves such control planes to {oldest[0]}; {offered}")  # fmt: skip
        if row is not None:
            return (f"EKS does not offer Kubernetes {version} before {row.eks_release.isoformat()}; {offered}")
        why = f" ({self.not_offered[version]})" if version in self.not_offered else ""
        return (f"EKS does not create clusters on Kubernetes {version}{why}; {offered} (EKS calendar as read on "
                f"{self.as_of.isoformat()}, {self.source}; a release EKS added later needs a newer eks-access)")  # fmt: skip


def _release(version: str, row: dict[str, Any]) -> EksRelease:
    day = dt.date.fromisoformat
    return EksRelease(version, day(row["eksRelease"]), day(row["endOfStandardSupport"]),
                      day(row["endOfExtendedSupport"]), row["evidence"])  # fmt: skip


@cache
def eks_versions() -> EksVersions:
    text = resources.files(DATA_PACKAGE).joinpath("data", EKS_VERSIONS_FILE).read_text(encoding="utf-8")
    doc = json.loads(text)
    rows = sorted(doc["calendar"].items(), key=lambda item: minor_key(item[0]), reverse=True)
    return EksVersions(tuple(_release(v, row) for v, row in rows), doc["source"],
                       dt.date.fromisoformat(doc["asOf"]), dict(doc["notOffered"]))  # fmt: skip
