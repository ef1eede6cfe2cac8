"""How many records (and bytes) the process holds: the bound on memory, separate from calls in flight.

Pure and single-threaded (the poll loop owns it). The runner hands records to the executor while the
budget has room: up to ``max_in_flight + max_waiting_records`` records and ``max_held_kbytes`` of them.
The executor runs at most ``max_in_flight`` at once (:mod:`consumers.stream.dispatch`); the others wait
behind their key or for a slot. A full budget stops consuming, then pauses partitions
(``pause_after_s``); they resume once the budget has drained to its low-water mark, not at the first free
slot, so librdkafka is not made to drop and re-fetch its prefetch for every record that finishes.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from consumers.stream.records import SourceRecord

P = TypeVar("P", bound=Hashable)

# What a held record costs beyond its key, value and header bytes: the SourceRecord, its bytes and tuple
# objects, its asyncio task and context once it runs (measured with tracemalloc: ~0.6 KB).
RECORD_OVERHEAD_BYTES = 640

LOW_WATER = 0.75  # paused for a full budget: resume once it drained below this share


HEADER_BYTES = 96  # one header: its tuple, name and value (ids, counters, coordinates: short)


def record_bytes(record: SourceRecord) -> int:
    """What holding ``record`` costs, in bytes (an estimate: payload plus fixed overheads; computed twice
    per record, so it does not walk the headers)."""
    key, value = record.key, record.value
    return (
        RECORD_OVERHEAD_BYTES
        + (len(key) if key else 0)
        + (len(value) if value else 0)
        + HEADER_BYTES * len(record.headers)
    )


class HoldBudget:
    """``refill_at``: the room worth a consume. Under saturation the runner waits for that much room
    instead of taking the few records each hand-back frees (see :attr:`roomy`)."""

    def __init__(self, max_records: int, max_bytes: int, refill_at: int = 1) -> None:
        self.max_records = max_records
        self.max_bytes = max_bytes
        self.refill_at = max(1, refill_at)
        self.records = 0
        self.bytes = 0

    def take(self, size: int, records: int = 1) -> None:
        """``records`` taken, ``size`` bytes in all (a consumed batch at once: one call, not one a record)."""
        self.records += records
        self.bytes += size

    def give(self, size: int, records: int = 1) -> None:
        self.records -= records
        self.bytes -= size

    @property
    def full(self) -> bool:
        return self.records >= self.max_records or self.bytes >= self.max_bytes

    @property
    def free(self) -> int:
        """Records that may still be taken (by count; bytes are checked as records arrive)."""
        return 0 if self.bytes >= self.max_bytes else max(0, self.max_records - self.records)

    @property
    def roomy(self) -> bool:
        """Room for at least ``refill_at`` records: worth consuming now (``not full`` when it is 1)."""
        return self.free >= self.refill_at

    @property
    def drained(self) -> bool:
        """Below the low-water mark: partitions paused for a full budget may resume."""
        return self.records <= self.max_records * LOW_WATER and self.bytes <= self.max_bytes * LOW_WATER


class PartitionShares(Generic[P]):
    """Which partitions hold more than their share of the budget (to be paused until they drained).

    Why: librdkafka hands out records partition by partition (a fetch can return one partition's whole
    backlog). A budget filled by one or two partitions holds only their keys, and with per-key order
    their records then run a key at a time while other partitions' keys wait unread. A share per
    partition (the budget divided by the assigned partitions, never below the window, so one busy
    partition alone can still fill every slot) keeps every partition's keys in the buffer. A partition
    over its share stays paused until it drained to the low-water mark, not to the first free slot.
    """

    def __init__(self, window: int, capacity: int, fixed: int | None = None) -> None:
        self._window = window
        self._capacity = capacity
        self._fixed = fixed
        self._over: set[P] = set()

    def share(self, partitions: int) -> int:
        if self._fixed is not None:
            return self._fixed
        return max(self._window, -(-self._capacity // max(1, partitions)))

    def over(self, held: dict[P, int]) -> set[P]:
        """The partitions to hold back, given the records each one holds now."""
        share = self.share(len(held))
        self._over &= set(held)
        for tp, count in held.items():
            if count >= share:
                self._over.add(tp)
            elif tp in self._over and count <= share * LOW_WATER:
                self._over.discard(tp)
        return set(self._over)
