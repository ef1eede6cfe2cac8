"""Which held records run now: one per key (when ordered), at most ``limit`` at once, the rest wait.

Pure and single-threaded (the processing event loop owns it). Two bounds that used to be one: calls in
flight (``limit``, the window) and records held (the runner's :class:`~consumers.stream.holding.HoldBudget`).
When they were one, records waiting behind their key took window slots, so a batch from one or two
partitions (~80 distinct keys per 256 records) ran ~80 calls at once while unordered mode ran 256. Now
the runner holds many more records than the window and a record takes a slot only once its key is free:
concurrency is limited by the distinct keys held across every assigned partition, not by how librdkafka
batches them.

A record is *ready* when its key is free (or order is off); ready records start as slots free up,
**longest chain first**: the ready record whose key holds the most records starts before the others
(ties: a key's next record first, then arrival order). With skewed keys a run lasts at least the hottest
key's chain of calls; starting that chain last among hundreds of ready keys (arrival order) added a
window's worth of waiting to it (0.3 s of a 4 s run at Zipf 0.3). A ready record already holds its key's
turn, so a later record of that key never overtakes it.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Generic, TypeVar

from consumers.stream.scheduler import KeyScheduler

T = TypeVar("T")


class ReadyQueue(Generic[T]):
    """Ready items, highest priority first (ties: lower sequence first); priorities may rise in place.

    Priority-1 items (a key with one record held: most of them) sit in a FIFO deque, higher ones in a heap
    of ``(-priority, seq)`` entries, so the common case costs no heap operation. Raising an item's priority
    pushes a new heap entry and the old entry goes stale (skipped when it surfaces; the heap is rebuilt
    when stale entries outnumber the live ones).
    """

    def __init__(self) -> None:
        self._heap: list[tuple[int, int]] = []
        self._ones: deque[int] = deque()  # seqs pushed at priority 1, in pop order
        self._live: dict[int, tuple[T, int]] = {}  # seq -> (item, its current priority)
        self._seq = 0

    def push(self, item: T, priority: int, *, first: bool = False) -> int:
        """Add ``item``; ``first`` puts it before the items of equal priority. Returns its handle."""
        self._seq += 1
        seq = -self._seq if first else self._seq
        self._live[seq] = (item, priority)
        if priority > 1:
            heapq.heappush(self._heap, (-priority, seq))
        elif first:
            self._ones.appendleft(seq)
        else:
            self._ones.append(seq)
        return seq

    def raise_to(self, handle: int, priority: int) -> None:
        entry = self._live.get(handle)
        if entry is None or entry[1] >= priority:
            return
        self._live[handle] = (entry[0], priority)  # its deque or older heap entry is stale now
        heapq.heappush(self._heap, (-priority, handle))
        if len(self._heap) > 2 * len(self._live) + 64:
            self._heap = [(-p, seq) for seq, (_, p) in self._live.items() if p > 1]
            heapq.heapify(self._heap)

    def pop(self) -> T:
        heap, live = self._heap, self._live
        while heap:
            neg, seq = heapq.heappop(heap)
            entry = live.get(seq)
            if entry is not None and entry[1] == -neg:
                del live[seq]
                return entry[0]
        ones = self._ones
        while True:
            seq = ones.popleft()
            entry = live.get(seq)
            if entry is not None and entry[1] == 1:
                del live[seq]
                return entry[0]

    def remove_if(self, doomed: Callable[[T], bool]) -> list[T]:
        """Remove and return the items ``doomed`` picks."""
        gone = [seq for seq, (item, _) in self._live.items() if doomed(item)]
        items = [self._live.pop(seq)[0] for seq in gone]
        if items:
            self._heap = [(-p, seq) for seq, (_, p) in self._live.items() if p > 1]
            heapq.heapify(self._heap)
            self._ones = deque(seq for seq in self._ones if seq in self._live and self._live[seq][1] == 1)
        return items

    def __iter__(self) -> Iterator[T]:
        return (item for item, _ in self._live.values())

    def __len__(self) -> int:
        return len(self._live)


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
        self._ready: ReadyQueue[T] = ReadyQueue()
        self._ready_of: dict[Hashable, int] = {}  # ordered: a key whose turn is ready -> its handle
        self.running = 0
        self.held = False  # nothing starts any more (a fatal stop: what waits is abandoned)

    def admit(self, items: Iterable[T]) -> list[T]:
        """Take ``items`` in; the ones to start now."""
        keys = self._keys
        for item in items:
            if keys is None:
                self._ready.push(item, 1)
                continue
            key = self._key_of(item)
            if keys.admit(key, item):
                self._ready_of[key] = self._ready.push(item, 1)
            elif (handle := self._ready_of.get(key)) is not None:  # a longer chain behind a ready record
                self._ready.raise_to(handle, 1 + keys.behind(key))
        return self.take()

    def finished(self, item: T) -> list[T]:
        """``item`` (started by this dispatcher) ended; the ones to start now."""
        if self._keys is not None:
            self._hand_on(self._key_of(item), first=True)
        return self._take(ended=1)

    def _hand_on(self, key: Hashable, *, first: bool) -> None:
        """The record holding ``key``'s turn is gone: its next record (if any) is ready."""
        assert self._keys is not None
        following = self._keys.release(key)
        if following is not None:
            # a key's next record already waited its turn behind the one that ended: first among equals
            self._ready_of[key] = self._ready.push(following, 1 + self._keys.behind(key), first=first)

    def hold(self) -> None:
        """Start nothing more (what waits stays until :meth:`drop`)."""
        self.held = True

    def take(self) -> list[T]:
        """The ready items that may start now (free slots, not held), longest chain first."""
        return self._take(ended=0)

    def _take(self, ended: int) -> list[T]:
        # ``running`` changes in one store per call: another thread may read it (the poll loop asks
        # whether every slot is busy) and must not see a slot free that is only being handed on
        running = self.running - ended
        ready = self._ready
        count = len(ready._live)  # not len(ready): a Python call, and this runs once per record
        free = count if self._limit is None else min(count, self._limit - running)
        if self.held or free <= 0:
            self.running = running
            return []
        taken = [ready.pop()] if free == 1 else [ready.pop() for _ in range(free)]
        if self._keys is not None:
            ready_of, key_of = self._ready_of, self._key_of
            for item in taken:
                ready_of.pop(key_of(item), None)
        self.running = running + free
        return taken

    def drop(self, partitions: set[Hashable]) -> list[T]:
        """Remove and return every waiting item of ``partitions`` (running ones are the caller's)."""
        dropped: list[T] = []
        if self._keys is not None:
            dropped.extend(self._keys.drop(partitions))
        gone = self._ready.remove_if(lambda i: self._partition_of(i) in partitions)
        dropped.extend(gone)
        if self._keys is not None:
            for item in gone:  # a ready item held its key's turn: hand it to the key's next record
                key = self._key_of(item)
                self._ready_of.pop(key, None)
                self._hand_on(key, first=False)
        return dropped

    def partitions(self) -> set[Hashable]:
        """The partitions of the waiting items."""
        waiting = self._keys.partitions() if self._keys is not None else set()
        return waiting | {self._partition_of(i) for i in self._ready}

    @property
    def waiting(self) -> int:
        """Items held but not running: behind their key or for a slot."""
        return len(self._ready) + (self._keys.waiting if self._keys is not None else 0)
