"""The collector's progress on stderr: on a terminal one line, redrawn in place (carriage return)
and erased when collection ends, so the terminal keeps only the result; otherwise (a pipe, a CI
log) plain lines, one per step, that a log keeps."""

from __future__ import annotations

import shutil
from typing import TextIO

PREFIX = "eks-access snapshot: "


class Progress:
    """``say(step)`` for each step, ``done()`` once at the end (also on failure)."""

    def __init__(self, stream: TextIO, columns: int | None = None) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        # one line only: a line wider than the terminal would wrap and the carriage return would
        # redraw just its last row
        self.width = max((columns or shutil.get_terminal_size().columns) - 1, 1)
        self.shown = 0

    def __call__(self, step: str) -> None:
        line = PREFIX + step
        if not self.tty:
            self.stream.write(line + "\n")
        else:
            line = line[: self.width]
            self.stream.write("\r" + line.ljust(self.shown))
            self.shown = len(line)
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0
