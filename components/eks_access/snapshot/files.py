"""Reading a snapshot file as untrusted input, writing one as the plan's files are written.

Read: a regular file of bounded size, UTF-8 JSON as RFC 8259 has it (``jsonstrict``: no
NaN/Infinity, no name twice in one object), nesting bounded (``safeio``, as ``--plan`` is read). Write: the whole document or nothing (a temporary file in
the same directory, then a rename), mode 0600 (it lists the account's principals and
policies), and never over a file that is not a snapshot: a user's file we did not write is
left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eks_access.errors import UsageError
from eks_access.jsonstrict import load_document
from eks_access.model.from_snapshot import FORMAT
from eks_access.safeio import FileReadError, nesting_exceeds, read_regular_file

MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024
MAX_DEPTH = 64


def read_snapshot_file(path: Path, flag: str = "--snapshot") -> dict[str, Any]:
    where = f"{flag}: {path}"
    try:
        data = read_regular_file(path, MAX_SNAPSHOT_BYTES)
    except FileReadError as err:
        raise UsageError(f"{where}: {err}") from None
    doc = load_document(data, "a snapshot", MAX_DEPTH, lambda reason: UsageError(f"{where}: {reason}"))
    if not isinstance(doc, dict):
        raise UsageError(f"{where}: is not a snapshot (expected a JSON object)")
    if nesting_exceeds(doc, MAX_DEPTH):
        raise UsageError(f"{where}: nests deeper than {MAX_DEPTH} levels")
    return doc


def check_out(path: Path) -> None:
    """Refuse, before anything is collected, an output that is not ours to replace."""
    where = f"--out: {path}"
    if path.is_symlink():
        raise UsageError(f"{where}: is a symbolic link; name a new file")
    if path.exists():
        if not path.is_file():
            raise UsageError(f"{where}: exists and is not a regular file")
        try:
            head = read_regular_file(path, MAX_SNAPSHOT_BYTES, head=200).decode("utf-8", "replace")
        except FileReadError as err:
            raise UsageError(f"{where}: {err}") from None
        if f'"format": "{FORMAT}"' not in head:
            raise UsageError(f"{where}: exists and is not an eks-access snapshot; it is left alone (name a new file)")
    if not path.parent.is_dir():
        raise UsageError(f"{where}: directory {path.parent} does not exist")


def write_snapshot(doc: Mapping[str, Any], path: Path) -> None:
    """The format key first, so :func:`check_out` knows our files by their first line."""
    check_out(path)
    data = (json.dumps(doc, indent=1, default=_json_default, allow_nan=False) + "\n").encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _json_default(value: Any) -> Any:
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):  # datetime from boto3 and the Kubernetes client
        return isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
