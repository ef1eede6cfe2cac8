"""Per-key ordering: records with different keys run at once, records with the same key one at a time.

Pure and single-threaded (the processing event loop owns it). ``admit`` says whether an item may start
now; when it finishes, ``release`` hands back the next item of the same key, if any. Items wait per key, so
a slow key never holds up the others. Slots are per key across the process (not per partition), so a
record coming back through the retry topic never overtakes or runs beside one of its key from the source.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class KeyScheduler(Generic[T]):
    def __init__(self, partition_of: Callable[[T], Hashable]) -> None:
        self._partition_of = partition_of
        # key -> items waiting behind the running one; a key's presence means one of its items is running
        self._waiting: dict[Hashable, deque[T]] = {}

    def admit(self, key: Hashable, item: T) -> bool:
        """True when ``item`` may run now; otherwise it waits behind the running item of its key."""
        queue = self._waiting.get(key)
        if queue is None:
            self._waiting[key] = deque()
            return True
        queue.append(item)
        return False

    def release(self, key: Hashable) -> T | None:
        """The running item of ``key`` finished: the next one to run, or None (the key is idle)."""
        queue = self._waiting.get(key)
        if queue is None:
            return None
        if queue:
            return queue.popleft()
        del self._waiting[key]
        return None

    def behind(self, key: Hashable) -> int:
        """How many items wait behind the running (or ready) item of ``key``."""
        queue = self._waiting.get(key)
        return len(queue) if queue else 0

    def drop(self, partitions: set[Hashable]) -> list[T]:
        """Remove and return the waiting items of revoked ``partitions`` (running ones are the caller's)."""
        dropped: list[T] = []
        for queue in self._waiting.values():
            keep = [i for i in queue if self._partition_of(i) not in partitions]
            if len(keep) != len(queue):
                dropped.extend(i for i in queue if self._partition_of(i) in partitions)
                queue.clear()
                queue.extend(keep)
        return dropped

    def partitions(self) -> set[Hashable]:
        """The partitions of the waiting items."""
        return {self._partition_of(i) for queue in self._waiting.values() for i in queue}

    @property
    def running_keys(self) -> int:
        return len(self._waiting)

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self._waiting.values())
