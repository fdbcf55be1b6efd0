"""Pause Python's cyclic garbage collector while large acyclic structures are built or read.

The access model of a big plan is hundreds of thousands of small, acyclic objects; every
cyclic collection while it is being built (or while rules and questions allocate findings and
answers next to it) rescans all of them, which makes plan-sized work grow faster than the plan.
Reference counting still frees everything; the collector is restored afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
