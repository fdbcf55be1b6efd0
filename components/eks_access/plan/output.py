"""Writing a plan directory without ever losing a user's data.

``plan --out DIR`` writes only into a directory that is absent, empty, or a plan this tool made
(:mod:`eks_access.plan.target` decides; :mod:`eks_access.plan.ownership` knows what a plan holds).
Anything else is refused before anything is written.

The swap is atomic: DIR is a symlink to a sibling directory ``.DIR.plan-XXXXXXXX`` holding one
complete plan. A new plan is written into a new sibling, a new symlink is made beside DIR, and
``rename(2)`` puts it in DIR's place: at every instant DIR is the old plan or the new one, whole
(rename replaces the old link atomically; POSIX rename(2)). Only then is the old sibling removed.
The new sibling's files and directories are made durable before the swap
(:func:`eks_access.safeio.make_durable`) and DIR's parent after it, so after a crash or power
loss DIR is still a whole plan, old or new (never a plan whose files are empty). A failing or
interrupted run removes its own sibling and leaves DIR untouched; any ``OSError`` (a full or
read-only disk, a name too long, a file over RLIMIT_FSIZE) is one :class:`OutputError`.

Concurrent runs on one DIR wait for each other (:mod:`eks_access.plan.lock`). Holding that lock
also proves that any other ``.DIR.plan-XXXXXXXX`` beside DIR is a leftover of a run that was
killed outright (SIGKILL, a crash): it is removed when it holds nothing but plan files.

``EKS_ACCESS_TEST_KILL_AT=<stage>`` (a test hook, tests/plan/test_output_safety.py) makes the
process SIGKILL itself at that named stage of the write, as ``kill -9`` or a crash would.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from eks_access.errors import one_line
from eks_access.plan.files import Record, iam_documents, manifests
from eks_access.plan.lock import locked
from eks_access.plan.ownership import MARKER, first_foreign, marker_bytes, recorded
from eks_access.plan.target import (
    OutputError,
    check_replaceable,
    checked_target,
    link_version,
    os_errors,
    own_name,
    parents_made,
)
from eks_access.safeio import fsync_directory, make_durable

__all__ = ["MARKER", "OutputError", "check_output_dir", "write_plan"]

KILL_AT = "EKS_ACCESS_TEST_KILL_AT"


def write_plan(records: Sequence[Record], exports: Mapping[str, Any], out: Path) -> None:
    """Write the plan to ``out`` atomically, refusing any ``out`` that holds data not ours."""
    serialized = _serialize(records, exports)
    with os_errors(out):
        target = checked_target(out)
        with parents_made(target.parent), locked(target, _stage):
            check_replaceable(target, out)
            _sweep_leftovers(target)
            previous = _swap_in(target, serialized)
            if previous is not None:
                _remove_version(previous)
            _stage("removed")


def check_output_dir(out: Path) -> None:
    """Refuse a bad ``--out`` before any work is done (checked again under the lock)."""
    with os_errors(out):
        check_replaceable(checked_target(out), out)


def _swap_in(target: Path, files: Mapping[str, bytes]) -> Path | None:
    """Put a new version in DIR's place; the previous version (now unused), or None."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.plan-", dir=target.parent))
    _stage("staging")
    link = staging.with_name(staging.name.replace(".plan-", ".link-", 1))
    previous, real_dir, adopted = link_version(target), target.is_dir() and not target.is_symlink(), None
    try:
        _fill(staging, files)
        os.symlink(staging.name, link)
        _stage("linked")
        if real_dir:
            previous = adopted = _adopt(target)
        os.replace(link, target)  # the atomic step
        fsync_directory(target.parent)  # the swap itself survives a crash
        _stage("swapped")
    except BaseException:
        with contextlib.suppress(OSError):
            link.unlink()
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):  # DIR as it was: the real directory moved back, or remade empty
            if real_dir and not os.path.lexists(target):
                adopted.rename(target) if adopted is not None else target.mkdir()
        raise
    return previous if previous is not None and previous.is_dir() and not previous.is_symlink() else None


def _adopt(target: Path) -> Path | None:
    """A real directory: empty (removed) or one of our plans (made by hand or an older release,
    moved aside so the symlink can take its place). DIR is briefly absent here, on migration only."""
    if not any(target.iterdir()):
        target.rmdir()
        return None
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.plan-", dir=target.parent))
    aside.rmdir()
    target.rename(aside)
    _stage("adopted")
    return aside


def _fill(staging: Path, files: Mapping[str, bytes]) -> None:
    """Every file, then the marker that records them, last: a marker means a complete plan."""
    (staging / "manifests").mkdir()
    (staging / "iam").mkdir()
    for name, data in files.items():
        _write_new(staging / name, data)
        _stage("filling")
    _write_new(staging / MARKER, marker_bytes(files))
    os.chmod(staging, 0o755)
    make_durable(staging)  # the bytes and names on disk before DIR points here (a crash never shows an empty file)
    _stage("filled")


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as err:
        err.filename = err.filename or str(path)  # write(2) errors name no file; ENOSPC, EFBIG should
        raise
    finally:
        os.close(fd)


def _remove_version(version: Path) -> None:
    """The marker first, so a run killed half-way leaves no complete-looking plan behind."""
    with contextlib.suppress(OSError):
        (version / MARKER).unlink()
    _stage("removing")
    shutil.rmtree(version, ignore_errors=True)


def _sweep_leftovers(target: Path) -> None:
    """Versions and links of runs killed outright: ours by exact name, owner and content.
    Only called under the lock, so no live run is still writing them."""
    current = link_version(target)
    for entry in sorted(target.parent.iterdir()):
        kind = own_name(target.name, entry.name)
        if kind == "link" and entry.is_symlink() and own_name(target.name, os.readlink(entry)) == "plan":
            entry.unlink()
        elif kind == "plan" and entry != current and _is_leftover(entry):
            shutil.rmtree(entry, ignore_errors=True)


def _is_leftover(entry: Path) -> bool:
    """Ours to remove: a real directory of our user holding plan files only (one we cannot read
    is not provably ours, and stays)."""
    try:
        if entry.is_symlink() or not entry.is_dir() or entry.lstat().st_uid != os.geteuid():
            return False
        return first_foreign(entry, recorded(entry)) is None
    except OSError:
        return False


def _stage(name: str) -> None:
    """The test hook described in the module docstring; nothing happens without the variable."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _serialize(records: Sequence[Record], exports: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file's bytes, made before anything touches the disk (a bad value fails here)."""
    for what, value in (("plan.json", list(records)), ("outputs.json", exports)):
        bad = _non_finite(value, "")
        if bad is not None:
            raise OutputError(f"{what}: {one_line(bad)} is NaN or infinite, which JSON cannot hold")
    files = {
        "plan.json": _json(list(records), indent=2),
        "outputs.json": _json(_redact(exports), indent=2),
    }
    for name, manifest in manifests(records):
        files[f"manifests/{name}"] = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=False).encode()
    for name, document in iam_documents(records):
        files[f"iam/{name}"] = _json(document, indent=2, sort_keys=False)
    return files


def _json(value: Any, indent: int, sort_keys: bool = True) -> bytes:
    return (json.dumps(value, indent=indent, sort_keys=sort_keys, allow_nan=False) + "\n").encode("utf-8", "surrogatepass")


def _non_finite(value: Any, path: str) -> str | None:
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return at or "a value"
        if isinstance(item, Mapping):
            stack.extend((v, f"{at}.{k}" if at else str(k)) for k, v in item.items())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(item))
    return None


def _redact(exports: Mapping[str, Any]) -> dict[str, Any]:
    """The admin kubeconfig is a secret output; a plan file is for review, not for access."""
    return {k: ("[secret]" if k == "kubeconfig" else v) for k, v in exports.items()}


