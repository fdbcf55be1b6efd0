"""What inside a plan directory eks-access wrote, so that nothing else is ever deleted (issue 16).

A plan made by this release holds a marker, ``.eks-access-plan``, written last, that records every
file the run wrote with its SHA-256 (format 2). Anything else found there later (a file the user
added, a file of ours the user edited, a directory, a symbolic link) is not ours: the run that
would replace the plan stops and names it.

Plans of earlier releases recorded no file list: 0.2.0 wrote the marker ``{"tool": "eks-access",
"format": 1}`` and 0.1 no marker at all. What those releases could write is known exactly
(``plan.json``, ``outputs.json``, ``manifests/*.yaml``, ``iam/*.json``, all regular files), so that
layout serves as their list. The same layout rule recognises what a killed run left half-written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from eks_access.safeio import FileReadError, read_regular_file

MARKER = ".eks-access-plan"
FORMAT_VERSION = 2
_MARKER_LIMIT = 16 * 1024 * 1024
_FOLDERS = {"manifests": ".yaml", "iam": ".json"}
_TOP_FILES = ("plan.json", "outputs.json")
_RECORDED = re.compile(r"(?:plan\.json|outputs\.json|manifests/[^/\x00]+\.yaml|iam/[^/\x00]+\.json)")
_DIGEST = re.compile(r"[0-9a-f]{64}")

NOT_OURS = "is not a file eks-access wrote; refusing to delete it (move it out of the plan directory)"
CHANGED = "was changed after eks-access wrote it; refusing to delete the change (move it out of the plan directory)"

Recorded = Mapping[str, str] | None
"""A plan's file list (relative path -> SHA-256), or None where only the layout rule applies."""


def marker_bytes(files: Mapping[str, bytes]) -> bytes:
    """The marker recording exactly ``files`` (relative path -> content)."""
    listing = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    return json.dumps({"tool": "eks-access", "format": FORMAT_VERSION, "files": listing}, indent=2).encode() + b"\n"


def read_marker(directory: Path) -> dict[str, Any] | None:
    """The marker of ``directory`` if it is a regular file of ours that parses, else None."""
    path = directory / MARKER
    if path.is_symlink() or not path.is_file():
        return None
    try:
        marker = json.loads(read_regular_file(path, _MARKER_LIMIT))
    except (FileReadError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("tool") != "eks-access":
        return None
    if marker.get("format") == 1 and len(marker) == 2:
        return marker
    files = marker.get("files")
    if marker.get("format") == FORMAT_VERSION and isinstance(files, dict) and all(
        isinstance(k, str) and _RECORDED.fullmatch(k) and isinstance(v, str) and _DIGEST.fullmatch(v) for k, v in files.items()
    ):
        return marker
    return None


def recorded(directory: Path) -> Recorded:
    """The file list of the plan in ``directory`` (None: a 0.2.0 or 0.1 plan, or an unfinished one)."""
    marker = read_marker(directory)
    return dict(marker["files"]) if marker is not None and marker["format"] == FORMAT_VERSION else None


def is_plan(directory: Path) -> bool:
    """Whether ``directory`` (a real directory) holds a plan eks-access made, of any release."""
    return read_marker(directory) is not None or _is_release_0_1_plan(directory)


def _is_release_0_1_plan(directory: Path) -> bool:
    """What eks-access 0.1 wrote (no marker yet): all four entries and nothing else."""
    entries = {p.name for p in directory.iterdir()}
    if entries != {*_TOP_FILES, *_FOLDERS} or first_foreign(directory, None) is not None:
        return False
    with open(directory / "plan.json", "rb") as handle:
        return handle.read(1) == b"["


def first_foreign(directory: Path, files: Recorded) -> tuple[str, str] | None:
    """The first entry of ``directory`` (in name order) eks-access did not write, as
    (relative path, why), or None when everything there is ours."""
    return next(_problems(directory, files), None)


def _problems(directory: Path, files: Recorded) -> Iterator[tuple[str, str]]:
    for entry in _entries(directory):
        if entry.name in _FOLDERS and entry.is_dir() and not entry.is_symlink():
            for inner in _entries(entry):
                yield from _file_problem(f"{entry.name}/{inner.name}", inner, files)
        elif entry.name == MARKER and entry.is_file() and not entry.is_symlink():
            continue
        else:
            yield from _file_problem(entry.name, entry, files)


def _file_problem(relative: str, path: Path, files: Recorded) -> Iterator[tuple[str, str]]:
    if path.is_symlink() or not path.is_file() or not _RECORDED.fullmatch(relative) or (files is not None and relative not in files):
        yield relative, NOT_OURS
    elif files is not None and _sha256(path) != files[relative]:
        yield relative, CHANGED


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.iterdir(), key=lambda p: p.name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
