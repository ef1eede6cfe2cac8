"""Which held records run now: one per key (when ordered), at most ``limit`` at once, the rest wait.

Pure and single-threaded (the processing event loop owns it). Two bounds that used to be one: calls in
flight (``limit``, the window) and records held (the runner's :class:`~consumers.stream.holding.HoldBudget`).
When they were one, records waiting behind their key took window slots, so a batch from one or two
partitions (~80 distinct keys per 256 records) ran ~80 calls at once while unordered mode ran 256. Now
the runner holds many more records than the window and a record takes a slot only once its key is free:
concurrency is limited by the distinct keys held across every assigned partition, not by how librdkafka
batches them.

A record is *ready* when its key is free (or order is off); ready records start in arrival order as slots
free up. A ready record already holds its key's turn, so a later record of that key never overtakes it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from consumers.stream.scheduler import KeyScheduler

T = TypeVar("T")


class Dispatcher(Generic[T]):
    def __init__(
        self,
        key_of: Callable[[T], Hashable],
        partition_of: Callable[[T], Hashable],
        *,
        limit: int | None = None,
        ordered: bool = True,
    ) -> None:
        self._key_of = key_of
        self._partition_of = partition_of
        self._limit = limit
        self._keys: KeyScheduler[T] | None = KeyScheduler(partition_of) if ordered else None
        self._ready: deque[T] = deque()
        self.running = 0
        self.held = False  # nothing starts any more (a fatal stop: what waits is abandoned)

    def admit(self, items: Iterable[T]) -> list[T]:
        """Take ``items`` in; the ones to start now."""
        keys = self._keys
        for item in items:
            if keys is None or keys.admit(self._key_of(item), item):
                self._ready.append(item)
        return self.take()

    def finished(self, item: T) -> list[T]:
        """``item`` (started by this dispatcher) ended; the ones to start now."""
        self.running -= 1
        if self._keys is not None:
            following = self._keys.release(self._key_of(item))
            if following is not None:
                # first in line: a key with more records waiting is the longest chain still to run, and
                # its next record already waited its turn behind the one that just finished
                self._ready.appendleft(following)
        return self.take()

    def hold(self) -> None:
        """Start nothing more (what waits stays until :meth:`drop`)."""
        self.held = True

    def take(self) -> list[T]:
        """The ready items that may start now (free slots, not held)."""
        if self.held:
            return []
        free = len(self._ready) if self._limit is None else min(len(self._ready), self._limit - self.running)
        if free <= 0:
            return []
        ready = self._ready
        taken = [ready.popleft() for _ in range(free)]
        self.running += free
        return taken

    def drop(self, partitions: set[Hashable]) -> list[T]:
        """Remove and return every waiting item of ``partitions`` (running ones are the caller's)."""
        dropped: list[T] = []
        if self._keys is not None:
            dropped.extend(self._keys.drop(partitions))
        gone = [i for i in self._ready if self._partition_of(i) in partitions]
        if not gone:
            return dropped
        self._ready = deque(i for i in self._ready if self._partition_of(i) not in partitions)
        dropped.extend(gone)
        if self._keys is not None:
            for item in gone:  # a ready item held its key's turn: hand it to the key's next record
                following = self._keys.release(self._key_of(item))
                if following is not None:
                    self._ready.append(following)
        return dropped

    def partitions(self) -> set[Hashable]:
        """The partitions of the waiting items."""
        waiting = self._keys.partitions() if self._keys is not None else set()
        return waiting | {self._partition_of(i) for i in self._ready}

    @property
    def waiting(self) -> int:
        """Items held but not running: behind their key or for a slot."""
        return len(self._ready) + (self._keys.waiting if self._keys is not None else 0)
