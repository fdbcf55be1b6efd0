"""Which ``--out`` a plan may be written to, and how problems with it are reported.

DIR must be absent, an empty directory, a plan eks-access made holding nothing else
(:mod:`eks_access.plan.ownership`), or a symlink eks-access made to such a plan. Refused, before
anything is written, with one line naming the path: the working directory or a parent of it, a
shell pattern that was not expanded (``build/*``: globbing our sibling names with it would reach
other plans), a name with no room for our ``.DIR.plan-XXXXXXXX`` sibling under the 255-byte
NAME_MAX, a name of our own bookkeeping, a place inside another plan, a directory around another
plan, a file, a symlink we did not make. Every ``OSError`` becomes one :class:`OutputError`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterator
from pathlib import Path

from eks_access.errors import UsageError, one_line
from eks_access.limits import FILE_NAME_MAX_BYTES
from eks_access.plan.ownership import MARKER, first_foreign, is_plan, recorded

#: tempfile.mkdtemp's random part: 8 of ``[a-z0-9_]`` (CPython Lib/tempfile.py, _RandomNameSequence).
_RANDOM = r"[a-z0-9_]{8}"
_GLOB = "*?["
_SHOWN_MAX = 300
#: ``.`` + DIR + ``.plan-`` + 8 random characters must fit NAME_MAX.
NAME_MAX_BYTES = FILE_NAME_MAX_BYTES - len("..plan-") - 8


class OutputError(UsageError):
    """``--out`` names a place we must not write, or the plan cannot be written."""


def own_name(target_name: str, name: str) -> str | None:
    """"plan", "link" or "lock" when ``name`` is one of our siblings of DIR ``target_name``."""
    match = re.fullmatch(re.escape(f".{target_name}.") + rf"(?:(plan|link)-{_RANDOM}|(lock))", name)
    return None if match is None else match.group(1) or match.group(2)


def _bookkeeping(name: str) -> bool:
    return re.fullmatch(rf"\..+\.(?:(?:plan|link)-{_RANDOM}|lock)", name) is not None


@contextlib.contextmanager
def os_errors(out: Path) -> Iterator[None]:
    """Any OSError in the block is one line naming the path it concerns."""
    try:
        yield
    except OSError as err:
        code = err.errno or errno.EIO
        where = shown(out, err.filename2 or err.filename)  # rename(2), symlink(2): the path being made
        raise OutputError(f"--out: cannot write the plan: {where}: {os.strerror(code)} ({errno.errorcode.get(code, code)})") from None


def shown(out: Path, path: str | bytes | os.PathLike[str] | None = None) -> str:
    """``path`` as the user would write it: under DIR's parent, relative to ``--out`` as given,
    with our staging sibling's name shown as DIR; elsewhere relative to the working directory.
    A long path keeps its end, which says the most."""
    text = one_line(_relative(out, path), limit=1 << 20)
    return text if len(text) <= _SHOWN_MAX else "..." + text[3 - _SHOWN_MAX:]


def _relative(out: Path, path: str | bytes | os.PathLike[str] | None) -> str:
    if path is None:
        return str(out)
    where, target = Path(os.fsdecode(path)), Path(os.path.abspath(out))
    if where.is_absolute() and where.is_relative_to(target.parent):
        parts = where.relative_to(target.parent).parts
        if parts and own_name(target.name, parts[0]) in ("plan", "link"):
            parts = (target.name, *parts[1:])
        return str(Path(out).parent.joinpath(*parts))
    if where.is_absolute() and where.is_relative_to(Path.cwd()):
        return str(where.relative_to(Path.cwd()))
    return str(where)


def checked_target(out: Path) -> Path:
    """The absolute DIR for ``--out``, or OutputError when it may never hold a plan."""
    text = str(out)
    if text.strip() == "":
        raise OutputError("--out: empty path; name a directory for the plan, e.g. build/dev")
    if any(c in text for c in _GLOB):
        raise OutputError(f"--out: {shown(out)} looks like a shell pattern (*, ? or [); name one directory, e.g. build/dev")
    target = Path(os.path.abspath(out))
    cwd = Path.cwd().resolve()
    resolved = target.resolve()
    if resolved == cwd or resolved in cwd.parents or target.parent == target:
        raise OutputError(f"--out: {shown(out)} is the working directory or one of its parents; refusing to write a plan there")
    if target.name in ("", ".", ".."):
        raise OutputError(f"--out: {shown(out)} does not name a directory of its own")
    longest = max(target.parts, key=lambda part: len(os.fsencode(part)))
    if len(os.fsencode(longest)) > FILE_NAME_MAX_BYTES:
        raise OutputError(f"--out: {shown(out)}: a name in it is {len(os.fsencode(longest))} bytes, over the {FILE_NAME_MAX_BYTES}-byte limit of a file name")
    if len(os.fsencode(target.name)) > NAME_MAX_BYTES:
        raise OutputError(f"--out: {shown(out)}: the name is {len(os.fsencode(target.name))} bytes; at most {NAME_MAX_BYTES} leave room for the .NAME.plan-XXXXXXXX directory beside it")
    if _bookkeeping(target.name):
        raise OutputError(f"--out: {shown(out)} is named like eks-access's own bookkeeping beside a plan; choose another name")
    _check_not_inside_a_plan(target, out)
    return target


def _check_not_inside_a_plan(target: Path, out: Path) -> None:
    ancestors = [*target.parents, *Path(os.path.realpath(target.parent)).parents, Path(os.path.realpath(target.parent))]
    for folder in ancestors:
        if _exists(folder / MARKER) or re.fullmatch(rf"\..+\.plan-{_RANDOM}", folder.name):
            raise OutputError(f"--out: {shown(out)} is inside the eks-access plan {shown(out, folder)}; a plan directory holds only what eks-access wrote there")


def _exists(path: Path) -> bool:
    """Whether ``path`` is a file; a path that cannot be looked at (too long for PATH_MAX, not
    searchable) holds no plan we could write into either: the write itself reports the error."""
    try:
        return path.is_file()
    except OSError:
        return False


def link_version(target: Path) -> Path | None:
    """The sibling ``.DIR.plan-XXXXXXXX`` that a symlink DIR of ours points at (it may be gone)."""
    if not target.is_symlink():
        return None
    pointed = os.readlink(target)
    return target.parent / pointed if own_name(target.name, pointed) == "plan" else None


def check_replaceable(target: Path, out: Path) -> None:
    """Absent, empty, or ours holding only what we wrote: anything else stays untouched."""
    if target.is_symlink():
        version = link_version(target)
        if version is not None and not os.path.lexists(version):
            return  # our link to a version that is gone: nothing of anyone's is lost by replacing it
        if version is None or version.is_symlink() or not version.is_dir() or not is_plan(version):
            raise OutputError(f"--out: {shown(out)} is a symbolic link eks-access did not make; refusing to replace it")
        return _check_only_ours(version, out)
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise OutputError(f"--out: {shown(out)} exists and is not a directory; refusing to replace it")
    if not any(target.iterdir()):
        return
    if is_plan(target):
        return _check_only_ours(target, out)
    for entry in sorted(target.iterdir()):
        if _bookkeeping(entry.name):
            continue  # a plan's own sibling: the plan is named by its link
        if link_version(entry) is not None or (entry.is_dir() and not entry.is_symlink() and is_plan(entry)):
            raise OutputError(f"--out: {shown(out)} holds the eks-access plan {shown(out, entry)}; choose a directory that holds no plan")
    raise OutputError(f"--out: {shown(out)} holds files that are not an eks-access plan; refusing to overwrite them (choose an empty or new directory)")


def _check_only_ours(version: Path, out: Path) -> None:
    problem = first_foreign(version, recorded(version))
    if problem is not None:
        relative, why = problem
        raise OutputError(f"--out: {shown(out, Path(out) / relative)} {why}")


@contextlib.contextmanager
def parents_made(folder: Path) -> Iterator[None]:
    """Create the missing parents of DIR; a run that fails removes the ones it made (if empty)."""
    missing: list[Path] = []
    while not os.path.lexists(folder):
        missing.append(folder)
        folder = folder.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            os.mkdir(path)
            made.append(path)
        yield
    except BaseException:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(path)
        raise
