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


def _minor_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


SUPPORTED_VERSIONS: tuple[str, ...] = tuple(sorted(index(), key=_minor_key))
DEFAULT_VERSION: str = SUPPORTED_VERSIONS[-1]


def normalize_version(version: str) -> str:
    """``"v1.31.2"`` -> ``"1.31"``; raises ``UnsupportedVersion`` unless the data covers it."""
    m = _VERSION.fullmatch(version.strip()) if isinstance(version, str) else None
    if m is None:
        raise UnsupportedVersion(str(version))
    minor = f"{m['major']}.{m['minor']}"
    if minor not in SUPPORTED_VERSIONS:
        raise UnsupportedVersion(version)
    return minor
