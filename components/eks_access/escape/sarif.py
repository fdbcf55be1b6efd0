"""Where a SARIF result points: an artifact location relative to the repository root.

SARIF 2.1.0 (OASIS, Errata 01,
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html)
§3.4.3: ``artifactLocation.uri`` is a URI reference (RFC 3986); §3.4.4: a relative one comes
with a ``uriBaseId`` naming the base it is resolved against (§3.14.14
``run.originalUriBaseIds`` could record that base; it is left out, as it would put the
machine's own path in a log meant to be uploaded).
``%SRCROOT%`` is the conventional id for the root of the source tree; GitHub code scanning
resolves relative URIs against the repository root ("Reporting consistent filepaths",
https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
A path becomes a relative reference by RFC 3986 §2.1 percent-encoding of every octet of its
UTF-8 form outside the unreserved set and ``/`` (a space is ``%20``, ``#`` is ``%23`` instead
of starting a fragment, ``:`` is ``%3A`` so a first segment is not read as a scheme, §4.2).
A file outside the repository keeps an absolute ``file:`` URI (RFC 8089) and no base.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

SRCROOT = "%SRCROOT%"


def repository_root(start: Path, default: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``.git`` (a directory, or a file in a
    worktree); ``default`` when there is none."""
    start = start.absolute()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return default


def relative_reference(path: str) -> str:
    """A relative path (``/``-separated) as an RFC 3986 relative reference."""
    return quote(path, safe="/", encoding="utf-8", errors="surrogatepass")


def artifact_location(path: str | os.PathLike[str], root: Path) -> dict[str, Any]:
    """The ``artifactLocation`` of the file at ``path`` (relative to the working directory or
    absolute): relative to ``root`` under ``%SRCROOT%`` when inside it, else a ``file:`` URI."""
    absolute = Path(os.path.abspath(path))
    try:
        inside = absolute.relative_to(root.absolute())
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": relative_reference(inside.as_posix()), "uriBaseId": SRCROOT}

