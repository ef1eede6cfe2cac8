"""Where ledger entries live: the :class:`Ledger` interface and its in-memory twin.

The Kafka implementation (:mod:`consumers.runtime.kafka_ledger`) keeps the same in-memory map, filled
from and written through the group's compacted ledger topic; :class:`MemoryLedger` is the map alone, for
unit tests and for use cases that need no document ledger.
"""

from __future__ import annotations

import threading
from typing import Protocol

from bcx.contracts.ledger_entry import LedgerEntry
from consumers.runtime.ledger import check_transition


class Ledger(Protocol):
    def get(self, key: str) -> LedgerEntry | None:
        """The last acknowledged state of ``key``."""
        ...

    async def put(self, entry: LedgerEntry) -> None:
        """Store ``entry`` durably (returns once acknowledged) and make it visible to :meth:`get`."""
        ...

    def size(self) -> int: ...


class MemoryLedger:
    """A thread-safe map with the ledger's transition rules; nothing survives the process."""

    def __init__(self) -> None:
        self._entries: dict[str, LedgerEntry] = {}
        self._lock = threading.Lock()
        self.history: list[LedgerEntry] = []

    def get(self, key: str) -> LedgerEntry | None:
        with self._lock:
            return self._entries.get(key)

    async def put(self, entry: LedgerEntry) -> None:
        with self._lock:
            check_transition(self._entries.get(entry.idempotency_key), entry)
            self._entries[entry.idempotency_key] = entry
            self.history.append(entry)

    def apply(self, entry: LedgerEntry) -> None:
        """Take an entry read back from the log (no transition check: the log is the truth)."""
        with self._lock:
            self._entries[entry.idempotency_key] = entry

    def forget(self, key: str) -> None:
        """A tombstone was read back: the key starts over."""
        with self._lock:
            self._entries.pop(key, None)

    def size(self) -> int:
        with self._lock:
            return len(self._entries)
