"""A cache of offline plans, so analyzer commands answer in milliseconds without ``--plan``.

Planning runs the stack program on Pulumi's mocks: seconds, most of it importing the Pulumi SDK
and providers. A cached plan is used only when every input of that run is unchanged:

- in the key (a SHA-256): the stack name and mode, the stack file, Pulumi.yaml, every ``*.py``
  beside the stack file (``__main__.py`` and the modules it may import, present or not yet), the
  provider and SDK environment (every ``AWS_*``, ``PULUMI_*`` and ``KUBE*`` variable: the AWS
  provider reads ``AWS_REGION``/``AWS_DEFAULT_REGION``/``AWS_PROFILE``, the offline engine the
  region ones), the Python version, the installed Pulumi SDK versions, and the hash of every
  source and data file of the eks_access package (an editable install being edited never serves
  a stale plan);
- in the entry, checked before use: the SHA-256 of every other file under the program's
  directory that the run imported (a package beside ``__main__.py``).

Entries live in a directory of the user's own (``$EKS_ACCESS_CACHE_DIR``, else
``$XDG_CACHE_HOME/eks-access``, else ``~/.cache/eks-access``), created with mode 0700. A
directory or entry owned by another user, or writable by group or others, is never used (one
note on stderr). Entries are written atomically (a temporary file renamed into place), carry the
SHA-256 of their body, and are checked when read: an entry that is truncated, damaged or of
another format is ignored and rebuilt. With no home directory there is no cache (one note).
``EKS_ACCESS_CACHE=off`` disables it. The warm path imports no Pulumi.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from eks_access import clock
from eks_access.plan.reader import check_records
from eks_access.safeio import FileReadError, atomic_write_bytes, read_regular_file

FORMAT = 2
_SDKS = ("pulumi", "pulumi-aws", "pulumi-eks", "pulumi-kubernetes", "pulumi-awsx")
#: Environment variables a plan may depend on: the providers' (pulumi-aws ``config/vars.py``,
#: pulumi-kubernetes ``KUBECONFIG``/``KUBERNETES_*``), the Pulumi SDK's and the offline region's.
_ENV_PREFIXES = ("AWS_", "PULUMI_", "KUBE")
_MAX_ENTRY_BYTES = 512 * 1024 * 1024
_MAX_INPUT_BYTES = 32 * 1024 * 1024
Payload = tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]
_noted: set[str] = set()


def enabled() -> bool:
    return os.environ.get("EKS_ACCESS_CACHE", "").lower() not in ("off", "0", "false", "no")


def cache_dir() -> Path | None:
    """Where entries live, or None when there is no home to put them in.

    XDG Base Directory Specification: a relative ``$XDG_CACHE_HOME`` is invalid and ignored.
    """
    explicit = os.environ.get("EKS_ACCESS_CACHE_DIR")
    if explicit:
        return Path(explicit).absolute()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "eks-access"
    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no HOME and no passwd entry for this uid
        home = Path()
    if not home.is_absolute():
        _note("no-home", "no home directory (HOME is unset or relative, and no XDG_CACHE_HOME); planning without the plan cache")
        return None
    return home / ".cache" / "eks-access"


def _note(what: str, text: str) -> None:
    if what not in _noted:
        _noted.add(what)
        print(f"eks-access: note: {text}", file=sys.stderr)


def _ours(info: os.stat_result) -> bool:
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _usable_dir(create: bool) -> Path | None:
    """The cache directory if it is ours and writable by us only (made, mode 0700, if ``create``)."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        if create:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.stat(directory)  # a symbolic link to a directory of the user's own is fine
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or not _ours(info):
        _note(str(directory), f"plan cache {directory} is not a directory of your own writable only by you; not using it")
        return None
    return directory


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a regular file's bytes, or None when it is absent or unreadable."""
    try:
        return hashlib.sha256(read_regular_file(path, _MAX_INPUT_BYTES)).hexdigest()
    except FileReadError:
        return None


def plan_key(stack: str, config_file: Path) -> str:
    """The hash of what every plan of ``config_file`` depends on, imported modules of subfolders aside."""
    folder = config_file.resolve().parent
    files = [config_file, folder / "Pulumi.yaml", folder / "Pulumi.yml"]
    with contextlib.suppress(OSError):
        files += sorted(folder / name for name in os.listdir(folder) if name.endswith(".py"))
    digest = hashlib.sha256()
    digest.update(f"eks-access-plan-cache {FORMAT} {stack!r} {sys.version!r} {str(config_file)!r}\n".encode())
    for file in files:
        digest.update(f"{str(file)!r} {file_digest(file)}\n".encode())
    for name, value in sorted(os.environ.items()):
        if name.startswith(_ENV_PREFIXES):
            digest.update(f"env {name!r}={value!r}\n".encode())
    # Whether cluster.version deploys depends on the day (EKS's release calendar): a plan from
    # yesterday is not today's answer.
    digest.update(f"today {clock.today().isoformat()}\n".encode())
    digest.update(package_fingerprint().encode())
    return digest.hexdigest()


@cache
def package_root() -> Path:
    import eks_access

    return Path(eks_access.__file__).resolve().parent


@cache
def package_fingerprint() -> str:
    """The eks_access sources and data, and the installed Pulumi SDK versions."""
    import eks_access

    root = package_root()
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
    """The cached plan, or None when absent, not ours, damaged or out of date."""
    if not enabled():
        return None
    directory = _usable_dir(create=False)
    data = _read_entry(directory / f"{key}.json") if directory is not None else None
    if data is None:
        return None
    try:
        return _parse_entry(data, key)
    except (ValueError, KeyError, TypeError, RecursionError, UnicodeDecodeError):
        return None


def _read_entry(path: Path) -> bytes | None:
    """The entry's bytes if it is a regular file of ours, writable only by us."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as err:
        if err.errno == errno.ELOOP:
            _note(str(path), f"plan cache entry {path} is a symbolic link; not using it")
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_ENTRY_BYTES:
            return None
        if not _ours(info):
            _note(str(path), f"plan cache entry {path} is not your own or is writable by others; not using it")
            return None
        return handle.read(_MAX_ENTRY_BYTES + 1)


def _parse_entry(data: bytes, key: str) -> Payload | None:
    """Header line (format, key, body hash, imported files' hashes), then the body."""
    head, newline, body = data.partition(b"\n")
    header = json.loads(head)
    if not newline or not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
        return None
    if header.get("sha256") != hashlib.sha256(body).hexdigest():
        return None
    inputs = header.get("inputs")
    if not isinstance(inputs, dict) or any(file_digest(Path(str(p))) != h for p, h in inputs.items()):
        return None
    entry = json.loads(body)
    records = check_records(entry["records"], "cache")
    exports, guardrails = entry["exports"], entry["guardrails"]
    if not isinstance(exports, dict) or not isinstance(guardrails, dict):
        return None
    return records, exports, guardrails


def store(key: str, payload: Payload, read: Iterable[Path] = ()) -> None:
    """Write the entry atomically with the hashes of ``read`` (files the program imported that
    the key does not cover); a cache that cannot be written is no error."""
    if not enabled():
        return
    directory = _usable_dir(create=True)
    if directory is None:
        return
    records, exports, guardrails = payload
    try:
        body = json.dumps({"records": records, "exports": exports, "guardrails": guardrails}, allow_nan=False).encode()
        header = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest(), "inputs": _inputs(read)}
        atomic_write_bytes(directory / f"{key}.json", json.dumps(header).encode() + b"\n" + body)
    except (OSError, ValueError, TypeError):
        return


def _inputs(read: Iterable[Path]) -> Mapping[str, str | None]:
    """Hashes of the imported files, the eks_access package's own aside (in the key already)."""
    root = package_root()
    return {str(path): file_digest(path) for path in sorted(set(read)) if not path.is_relative_to(root)}
