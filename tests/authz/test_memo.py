"""The analyzer's per-question memo keeps the most recently used entries and no more."""

from __future__ import annotations

from eks_access.authz.memo import BoundedMemo


def test_bounded_memo_forgets_the_least_recently_used_entry() -> None:
    memo: BoundedMemo[str, int] = BoundedMemo(2)
    calls: list[str] = []

    def ask(key: str) -> int:
        def compute() -> int:
            calls.append(key)
            return len(calls)

        return memo.get(key, compute)

    assert [ask(k) for k in ("a", "b", "a", "c", "a", "b")] == [1, 2, 1, 3, 1, 4]
    assert (calls, len(memo)) == (["a", "b", "c", "b"], 2)
