"""Memo: what a process has worked out once and keeps, bounded.

A feed names the same few thousand words and places over and over, so the stages remember
what they worked out for each (a word's folded key, a probe's answer, a place's border
distance). Every such memory is a :class:`Memo` with one rule: when it holds ``limit`` entries
it is emptied and fills again with what the feed names now. A full memo is rare (a batch of
millions of reports) and the refill costs a moment; an LRU's bookkeeping would cost every hit.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict):
    """A dict that empties itself when full. Read it as a dict (``memo.get`` is a plain dict
    lookup, as fast as one); write with :meth:`put`."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
