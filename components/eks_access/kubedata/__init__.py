"""Built-in Kubernetes data per supported minor version, vendored from one release each.

Pure data, no Pulumi: the bootstrap RBAC policy the API server creates at start-up
(``bootstrap_policy``) and the API resources it serves (``api_resources``). ``data/SOURCE.md``
records where every file came from; ``data/index.json`` holds each file's SHA-256, which the
tests check, so a file can never drift from the release it names.
"""

from __future__ import annotations

from .bootstrap import BootstrapPolicy, bootstrap_policy
from .resources import ApiResource, api_resources
from .versions import DEFAULT_VERSION, SUPPORTED_VERSIONS, UnsupportedVersion, normalize_version

__all__ = [
    "DEFAULT_VERSION",
    "SUPPORTED_VERSIONS",
    "ApiResource",
    "BootstrapPolicy",
    "UnsupportedVersion",
    "api_resources",
    "bootstrap_policy",
    "normalize_version",
]
