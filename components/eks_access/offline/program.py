"""A project's own program (``__main__.py`` beside Pulumi.yaml), run as Pulumi's Python host runs it.

The language host starts ``pulumi-language-python-exec`` with the program directory (``.`` when
the project names no ``main``) and ``--pwd`` set to it; the exec script changes into ``--pwd``
and calls ``runpy.run_path(PROGRAM, run_name="__main__")`` (pulumi/pulumi
sdk/python/cmd/pulumi-language-python/main.go, ``constructArguments``, and
sdk/python/cmd/pulumi-language-python-exec). ``run_path`` of a directory puts the directory first
on ``sys.path`` and runs its ``__main__.py``, so a program imports the modules beside it
(``import helpers``) as any Python script does.

Pulumi runs each program in a fresh process; we run it in ours, so the modules it imported from
its directory are forgotten afterwards (the next run, after an edit, imports them again). The
files of those modules, and every file under the directory the run opened (a ``teams.json`` the
program reads, seen through the interpreter's ``open`` audit event, PEP 578), are recorded: the
plan cache checks them before answering.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

#: Runs in progress: (their directory with a trailing separator, the paths they opened).
_recording: list[tuple[str, set[str]]] = []
_hooked = False


@dataclass
class ProjectProgram:
    """``__main__.py`` in ``directory``; calling it runs the program once."""

    directory: Path
    #: Every file under ``directory`` that a run imported or opened (for the plan cache).
    read: set[Path] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.directory = self.directory.resolve()

    def __call__(self) -> None:
        before = set(sys.modules)
        opened: set[str] = set()
        _install_hook()
        importlib.invalidate_caches()  # a module added since the last run is found, as in a fresh process
        _recording.append((os.path.join(self.directory, ""), opened))
        try:
            with _working_directory(self.directory):
                runpy.run_path(str(self.directory), run_name="__main__")
        finally:
            _recording.pop()
            self.read.update(path for path in map(_resolved, opened) if "__pycache__" not in path.parts and not _in_libraries(path))
            tops = {name.partition(".")[0] for name in list(sys.modules)}
            mine = {top for top in tops if _found_in(sys.modules.get(top), self.directory)}
            own = [name for name in list(sys.modules) if name.partition(".")[0] in mine]
            self.read.update(path for name in own if (path := _file_of(sys.modules.get(name))) is not None)
            for name in own:
                if name not in before:  # imported by this run: the next run imports it afresh
                    del sys.modules[name]


def _install_hook() -> None:
    global _hooked
    if not _hooked:
        sys.addaudithook(_on_audit)  # hooks cannot be removed; this one is idle between runs
        _hooked = True


def _on_audit(event: str, args: tuple[Any, ...]) -> None:
    """Record files opened under a running program's directory (an exception here would reach
    the program's ``open``, so none escapes)."""
    if event != "open" or not _recording:
        return
    try:
        path = args[0]
        if isinstance(path, int):
            return
        full = os.path.join(os.getcwd(), os.fsdecode(os.fspath(path)))
        for prefix, opened in _recording:
            if full.startswith(prefix):
                opened.add(full)
    except Exception:  # never let the recorder break a program's open()
        return


@contextmanager
def _working_directory(directory: Path) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def _resolved(path: str) -> Path:
    return Path(path).resolve()


def _in_libraries(path: Path) -> bool:
    """Whether ``path`` is in the interpreter's own or installed libraries (a virtualenv inside the
    project directory reads its SDK sources when no bytecode is cached: not the program's input)."""
    roots = {Path(sysconfig.get_path(name)).resolve() for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    return any(path.is_relative_to(root) for root in roots)


def _file_of(module: ModuleType | None) -> Path | None:
    file = getattr(module, "__file__", None)
    return Path(file).resolve() if isinstance(file, str) else None


def _found_in(module: ModuleType | None, directory: Path) -> bool:
    if module is None:
        return False
    locations = list(getattr(module, "__path__", None) or ())
    file = getattr(module, "__file__", None)
    if not locations and isinstance(file, str):
        locations = [file]
    return any(Path(location).resolve().parent == directory for location in locations)
