"""Which Kubernetes minor versions the vendored data covers, and how a version is written."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, cast

from eks_access.errors import EksAccessError

DATA_PACKAGE = "eks_access.kubedata"

# "1.31", "v1.31", "1.31.2", "v1.31.2-eks-1234abc": Kubernetes' own gitVersion form
# (k8s.io/apimachinery/pkg/version) plus the minor-only form EKS uses for cluster versions.
_VERSION = re.compile(r"v?(?P<major>[1-9][0-9]*)\.(?P<minor>0|[1-9][0-9]*)(\.[0-9]+)?([-+][0-9A-Za-z.+-]*)?")


class UnsupportedVersion(EksAccessError):
    """A Kubernetes version the vendored data does not cover (or not a version at all)."""

    def __init__(self, version: str) -> None:
        self.version = version
        super().__init__(
            f"Kubernetes version {version!r} is not supported; supported versions: "
            + ", ".join(SUPPORTED_VERSIONS)
        )


@cache
def index() -> dict[str, dict[str, Any]]:
    """``data/index.json``: per version, the release it was vendored from and file hashes."""
    text = resources.files(DATA_PACKAGE).joinpath("data", "index.json").read_text(encoding="utf-8")
    return cast("dict[str, dict[str, Any]]", json.loads(text)["versions"])


def minor_key(minor: str) -> tuple[int, int]:
    """``"1.36"`` -> ``(1, 36)``: the order of Kubernetes minor releases."""
    major, number = minor.split(".")
    return int(major), int(number)


def minor_of(version: str) -> str | None:
    """``"v1.31.2-eks-1234abc"``, ``"1.31.2"``, ``"1.31"`` -> ``"1.31"``; None when not a version."""
    m = _VERSION.fullmatch(version.strip()) if isinstance(version, str) else None
    return f"{m['major']}.{m['minor']}" if m else None


SUPPORTED_VERSIONS: tuple[str, ...] = tuple(sorted(index(), key=minor_key))
DEFAULT_VERSION: str = SUPPORTED_VERSIONS[-1]


def normalize_version(version: str) -> str:
    """``"v1.31.2"`` -> ``"1.31"``; raises ``UnsupportedVersion`` unless the data covers it."""
    minor = minor_of(version)
    if minor is None or minor not in SUPPORTED_VERSIONS:
        raise UnsupportedVersion(str(version))
    return minor
