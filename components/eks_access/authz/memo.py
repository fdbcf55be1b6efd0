"""A memo of bounded size for answers computed per question.

One analyzer answers any number of questions (``can-i --batch`` streams millions); a memo keyed
by something a question carries (a principal, a request's attributes, a context) must not grow
with them, so it keeps the ``size`` most recently used entries and forgets the rest.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
MEMO_SIZE = 8192  # per memo: a few MiB at most, and far more than one plan's roles times a question's shapes


class BoundedMemo(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The remembered value of ``key``, else ``compute()`` remembered."""
        entries = self._entries
        try:
            value = entries[key]
        except KeyError:
            value = entries[key] = compute()
            if len(entries) > self.size:
                entries.popitem(last=False)
            return value
        entries.move_to_end(key)
        return value

    def __len__(self) -> int:
        return len(self._entries)


__all__ = ["MEMO_SIZE", "BoundedMemo"]
