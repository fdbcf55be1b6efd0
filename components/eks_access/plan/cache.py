"""A cache of offline plans, so analyzer commands answer in milliseconds without ``--plan``.

Planning runs the stack program on Pulumi's mocks: seconds, most of it importing the Pulumi SDK
and providers. The plan is a pure function of the stack file, Pulumi.yaml, the program file
(``__main__.py``), the eks_access package and the Pulumi SDK versions, so it is cached under a
SHA-256 of all of them. The package enters by the hash of every source and data file it holds,
not just its version: an editable install being edited never serves a stale plan.

Entries live in a directory we own (``$EKS_ACCESS_CACHE_DIR``, else
``$XDG_CACHE_HOME/eks-access``, else ``~/.cache/eks-access``), are written atomically (a reader
sees a whole entry or none) and are checked when read: a corrupt or foreign entry is ignored and
rebuilt. ``EKS_ACCESS_CACHE=off`` disables the cache. The warm path imports no Pulumi.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from eks_access.plan.reader import check_records
from eks_access.safeio import FileReadError, atomic_write_bytes, read_regular_file

FORMAT = 1
_SDKS = ("pulumi", "pulumi-aws", "pulumi-eks", "pulumi-kubernetes", "pulumi-awsx")
_MAX_ENTRY_BYTES = 512 * 1024 * 1024
Payload = tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]


def enabled() -> bool:
    return os.environ.get("EKS_ACCESS_CACHE", "").lower() not in ("off", "0", "false", "no")


def cache_dir() -> Path:
    explicit = os.environ.get("EKS_ACCESS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eks-access"


def plan_key(stack: str, files: list[Path]) -> str:
    """The content hash a plan depends on: named files (absent ones count as absent), package, SDKs."""
    digest = hashlib.sha256()
    digest.update(f"eks-access-plan-cache {FORMAT} {stack} {sys.version_info[:2]}\n".encode())
    for file in files:
        try:
            data = read_regular_file(file, _MAX_ENTRY_BYTES)
        except FileReadError:
            data = b"\0absent"
        digest.update(f"{file.name}\0{len(data)}\0".encode())
        digest.update(data)
    digest.update(package_fingerprint().encode())
    return digest.hexdigest()


@cache
def package_fingerprint() -> str:
    """The eks_access sources and data, and the installed Pulumi SDK versions."""
    import eks_access

    root = Path(eks_access.__file__).resolve().parent
    digest = hashlib.sha256(eks_access.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".json", ".md", ".typed") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    for name in sorted(_sdk_distributions()):
        digest.update(f"{name}\n".encode())
    return digest.hexdigest()


def _sdk_distributions() -> set[str]:
    """``pulumi_eks-4.4.0.dist-info`` and the like on sys.path: the installed SDK versions, read
    from directory names (importlib.metadata costs more than the whole warm answer)."""
    found: set[str] = set()
    prefixes = tuple(name.replace("-", "_") + "-" for name in _SDKS)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(n for n in names if n.endswith(".dist-info") and n.startswith(prefixes))
    return found


def load(key: str) -> Payload | None:
    """The cached plan, or None when absent, unreadable or not a valid entry."""
    if not enabled():
        return None
    try:
        entry = json.loads(read_regular_file(cache_dir() / f"{key}.json", _MAX_ENTRY_BYTES))
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        records = check_records(entry["records"], "cache")
        exports, guardrails = entry["exports"], entry["guardrails"]
        if not isinstance(exports, dict) or not isinstance(guardrails, dict):
            return None
        return records, exports, guardrails
    except (FileReadError, ValueError, KeyError, RecursionError):
        return None


def store(key: str, payload: Payload) -> None:
    """Write the entry atomically; a cache that cannot be written is no error."""
    if not enabled():
        return
    records, exports, guardrails = payload
    entry = {"format": FORMAT, "key": key, "records": records, "exports": exports, "guardrails": guardrails}
    try:
        directory = cache_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_bytes(directory / f"{key}.json", json.dumps(entry, allow_nan=False).encode())
    except (OSError, ValueError, TypeError):
        return
