"""Writing a plan directory without ever losing a user's data.

``plan --out DIR`` writes only into a directory that is absent, empty, or a plan this tool made
(marked by :data:`MARKER`, which records the format version). Anything else (the working
directory, ``--out .``, ``--out ''``, a directory holding other files, a regular file, a symlink
we did not make) is refused before anything is written.

The swap is atomic: DIR is a symlink to a sibling directory ``.DIR.plan-XXXX`` holding one
complete plan. A new plan is written into a new sibling, a new symlink is made beside DIR, and
``rename(2)`` puts it in DIR's place: at every instant DIR is the old plan or the new one, whole
(rename replaces the old link atomically; POSIX rename(2)). Only then is the old sibling removed.
A failing or interrupted run removes its own sibling and leaves DIR untouched.

Concurrent runs on one DIR wait for each other: an exclusive ``fcntl.flock`` on ``.DIR.lock``
beside DIR. Waiting (not refusing) because two runs of ``make plan`` from two terminals are a
normal thing to do, and each finishes with a complete plan; the lock is released by the kernel
when a process dies, so a killed run never blocks the next.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from eks_access.errors import UsageError, one_line
from eks_access.plan.files import Record, iam_documents, manifests

MARKER = ".eks-access-plan"
FORMAT_VERSION = 1
_PLAN_FILES = {MARKER, "plan.json", "outputs.json", "manifests", "iam"}
#: What eks-access 0.1 wrote into DIR, without a marker: adopted so `make plan` keeps working after
#: an upgrade, but only when every entry is exactly what 0.1 made (manifests/*.yaml, iam/*.json).
_LEGACY_PLAN_FILES = frozenset({"plan.json", "outputs.json", "manifests", "iam"})


class OutputError(UsageError):
    """``--out`` names a place we must not write, or the plan cannot be written as JSON."""


def write_plan(records: Sequence[Record], exports: Mapping[str, Any], out: Path) -> None:
    """Write the plan to ``out`` atomically, refusing any ``out`` that holds data not ours."""
    serialized = _serialize(records, exports)
    target = _checked_target(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        _check_replaceable(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.plan-", dir=target.parent))
        link = staging.with_name(staging.name.replace(".plan-", ".link-", 1))
        try:
            _fill(staging, serialized)
            os.symlink(staging.name, link)
            previous = _previous_version(target)
            if target.is_dir() and not target.is_symlink():
                target.rmdir() if not any(target.iterdir()) else _adopt(target)
            os.replace(link, target)  # the atomic step
        except BaseException:
            with contextlib.suppress(OSError):
                link.unlink()
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if previous is not None and previous != staging:
            shutil.rmtree(previous, ignore_errors=True)
        _sweep_stale(target, keep=staging)


def check_output_dir(out: Path) -> None:
    """Refuse a bad ``--out`` before any work is done (checked again under the lock)."""
    _check_replaceable(_checked_target(out))


def _serialize(records: Sequence[Record], exports: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file's bytes, made before anything touches the disk (a bad value fails here)."""
    for what, value in (("plan.json", list(records)), ("outputs.json", exports)):
        bad = _non_finite(value, "")
        if bad is not None:
            raise OutputError(f"{what}: {one_line(bad)} is NaN or infinite, which JSON cannot hold")
    files = {
        MARKER: json.dumps({"tool": "eks-access", "format": FORMAT_VERSION}).encode() + b"\n",
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


def _checked_target(out: Path) -> Path:
    text = str(out)
    if text.strip() == "" or str(out) == "":
        raise OutputError("--out: empty path; name a directory for the plan, e.g. build/dev")
    target = Path(os.path.abspath(out))
    cwd = Path.cwd().resolve()
    resolved = target.resolve()
    if resolved == cwd or resolved in cwd.parents or target.parent == target:
        raise OutputError(f"--out: {one_line(text)} is the working directory or one of its parents; refusing to write a plan there")
    if target.name in ("", ".", ".."):
        raise OutputError(f"--out: {one_line(text)} does not name a directory of its own")
    return target


def _check_replaceable(target: Path) -> None:
    """Absent, empty, or ours: anything else is a user's data and stays untouched."""
    shown = one_line(str(target))
    if target.is_symlink():
        if _previous_version(target) is None:
            raise OutputError(f"--out: {shown} is a symbolic link eks-access did not make; refusing to replace it")
        return
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputError(f"--out: {shown} exists and is not a directory; refusing to replace it")
    entries = {p.name for p in target.iterdir()}
    if entries and not _is_legacy_plan(target, entries) and (MARKER not in entries or not entries <= _PLAN_FILES):
        raise OutputError(f"--out: {shown} holds files that are not an eks-access plan; refusing to overwrite them (choose an empty or new directory)")


def _is_legacy_plan(target: Path, entries: set[str]) -> bool:
    """A plan directory written by eks-access 0.1 (no marker yet), holding nothing else."""
    if entries != _LEGACY_PLAN_FILES:
        return False
    files = [target / "plan.json", target / "outputs.json"]
    if any(f.is_symlink() or not f.is_file() for f in files):
        return False
    for folder, suffix in (("manifests", ".yaml"), ("iam", ".json")):
        path = target / folder
        if path.is_symlink() or not path.is_dir():
            return False
        if any(c.is_symlink() or not c.is_file() or not c.name.endswith(suffix) for c in path.iterdir()):
            return False
    with open(target / "plan.json", "rb") as handle:
        return handle.read(1) == b"["


def _previous_version(target: Path) -> Path | None:
    """The versioned sibling a DIR symlink of ours points at, or None."""
    if not target.is_symlink():
        return None
    pointed = os.readlink(target)
    version = target.parent / pointed
    if "/" in pointed or not pointed.startswith(f".{target.name}.plan-") or not (version / MARKER).is_file():
        return None
    return version


def _adopt(target: Path) -> None:
    """A real directory holding one of our plans (made by hand or an older release): move it aside
    so the symlink can take its place. DIR is briefly absent here, once, on migration only."""
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.plan-", dir=target.parent))
    aside.rmdir()
    target.rename(aside)
    (aside / MARKER).touch()  # a 0.1 plan had none: mark it so the sweep below removes it


def _fill(staging: Path, files: Mapping[str, bytes]) -> None:
    (staging / "manifests").mkdir()
    (staging / "iam").mkdir()
    for name, data in files.items():
        with open(staging / name, "xb") as handle:
            handle.write(data)
    os.chmod(staging, 0o755)


def _sweep_stale(target: Path, keep: Path) -> None:
    """Siblings left by runs that were killed outright (SIGKILL): ours by name and marker."""
    for sibling in target.parent.glob(f".{target.name}.plan-*"):
        if sibling != keep and (sibling / MARKER).is_file() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)
    for link in target.parent.glob(f".{target.name}.link-*"):
        if link.is_symlink():
            with contextlib.suppress(OSError):
                link.unlink()


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    lock_file = target.with_name(f".{target.name}.lock")
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as err:
        raise OutputError(f"--out: cannot create the lock file {one_line(str(lock_file))} ({os.strerror(err.errno or errno.EIO)})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for a concurrent run on the same DIR
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
