"""A TTL cache and single-flight loading into it: what keeps profile reads to one per change.

Up to the runtime's whole in-flight window of events (64) may miss the same entry at once: the store's
profile when consumption starts, the customer of two orders, the product of many lines. :class:`Loads`
runs one read per key and lets every concurrent caller await it. An invalidation that arrives while a read
is in flight marks that read *stale*: its callers still get it (they asked before the change was announced),
but it is not cached, and the next caller starts a fresh read.
"""

from __future__ import annotations

import asyncio
import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

V = TypeVar("V")
MISSING: Any = object()


class TtlCache(Generic[V]):
    """A bounded map whose entries expire ``ttl_s`` after they were stored (oldest out first)."""

    def __init__(self, ttl_s: float, clock: Callable[[], float], max_entries: int) -> None:
        self._ttl = ttl_s
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def get(self, key: Hashable) -> V | Any:
        """The value, or :data:`MISSING` when absent or expired."""
        hit = self._entries.get(key)
        if hit is None or self._clock() - hit[0] >= self._ttl:
            return MISSING
        return hit[1]

    def put(self, key: Hashable, value: V) -> None:
        self._entries[key] = (self._clock(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def drop(self, predicate: Callable[[Hashable, V], bool]) -> int:
        gone = [k for k, (_, v) in self._entries.items() if predicate(k, v)]
        for key in gone:
            del self._entries[key]
        return len(gone)


@dataclass
class _Flight:
    task: asyncio.Future[Any]
    stale: bool = False
    cache: TtlCache[Any] | None = field(default=None, repr=False)


class Loads:
    """Single-flight reads through a :class:`TtlCache`: one read per missing key, however many ask."""

    def __init__(self) -> None:
        self._flights: dict[Hashable, _Flight] = {}

    async def get(self, cache: TtlCache[V], key: Hashable, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value of ``key``, else the result of the read in flight for it, else of ``load()``.

        The read runs as its own task (in the caller's context, so the first caller's event counts its
        requests), shielded: a caller that is cancelled does not cancel the others' read.
        """
        hit = cache.get(key)
        if hit is not MISSING:
            return hit
        result: V = await asyncio.shield(self.start(cache, key, load))
        return result

    def start(self, cache: TtlCache[V], key: Hashable, load: Callable[[], Awaitable[V]]) -> asyncio.Future[V]:
        """The read in flight for ``key``, else a new one of ``load()`` whose result ``cache`` keeps."""
        flight = self._flights.get(key)
        if flight is None:
            flight = _Flight(asyncio.ensure_future(load()), cache=cache)
            self._flights[key] = flight
            flight.task.add_done_callback(functools.partial(self._landed, key, flight))
        return flight.task

    def forget(self, predicate: Callable[[Hashable], bool]) -> None:
        """Mark the reads in flight for matching keys stale (not cached; later callers read again)."""
        for key in [k for k in self._flights if predicate(k)]:
            self._flights.pop(key).stale = True

    def _landed(self, key: Hashable, flight: _Flight, task: asyncio.Future[Any]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if task.cancelled():
            return
        if task.exception() is None and not flight.stale and flight.cache is not None:
            flight.cache.put(key, task.result())
