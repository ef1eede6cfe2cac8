"""The ledger in Kafka: a compacted topic per group, loaded whole into memory and tailed.

Why the whole ledger in every process, rather than only the keys of its assigned partitions: the ledger is
keyed by idempotency key while input topics are keyed by entity, so the two are not co-partitioned, and a
record can arrive through the retry topic or a replay on another partition. Holding every key makes the
answer correct whichever partitions a rebalance hands over. Memory is bounded by the number of distinct
keys (about 1.7 KB per key as pydantic models; see docs/consumer-runtime.md), and compaction keeps the
topic itself at one record per key.

Correctness under rebalances: a revoked partition's owner waits for its ledger writes to be acknowledged
before it commits and lets go, so when a partition is assigned, the ledger topic's high watermarks already
cover everything the previous owner wrote. :meth:`KafkaLedger.wait_caught_up` reads up to those
watermarks before the new owner processes a record.

Entries written in a Kafka transaction (the final GENERATED/DELIVERED) are applied to the map once
produced into it (:meth:`applied`), before their transaction commits: they stay *tentative* until the reader
(``read_committed``) reads them back. Meanwhile an older entry of the same key read late (the STARTED
written before the call) does not hide them; and if their transaction fails, :meth:`rollback` puts back
each key's last committed state, so a redone record resolves its Exstream job by reference (adopts it)
instead of skipping a document whose results were never committed.
"""

from __future__ import annotations

import threading
from typing import Any

from bcx.avro.codec import AvroCodec
from bcx.avro.errors import SerializationError
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.kafka.compacted import TopicTail
from bcx.kafka.producer import KafkaProducer
from bcx.logging import get_logger
from bcx.settings import KafkaSettings
from consumers.runtime.ledger import check_transition
from consumers.runtime.ledger_store import MemoryLedger
from consumers.stream.transactions import Outgoing

log = get_logger(__name__)


class KafkaLedger:
    def __init__(
        self,
        settings: KafkaSettings,
        topic: str,
        codec: AvroCodec[LedgerEntry],
        producer: KafkaProducer,
    ) -> None:
        self.topic = topic
        self._codec = codec
        self._producer = producer
        self._map = MemoryLedger()
        self._map.history = []  # the Kafka ledger keeps no history in memory
        # key -> (its last committed entry, the encoded tentative entry) for entries not yet read back
        self._tentative: dict[str, tuple[LedgerEntry | None, bytes]] = {}
        self._tentative_lock = threading.Lock()
        self._tail = TopicTail(settings.client_config(), topic, self._apply, reader="ledger-reader")
        self.errors = 0

    def start(self) -> KafkaLedger:
        self._tail.start()
        return self

    def _apply(self, msg: Any) -> None:
        key = msg.key()
        value = msg.value()
        entry: LedgerEntry | None = None
        if value is not None:
            try:
                entry = self._codec.decode(value)
            except SerializationError as exc:
                self.errors += 1
                log.error(
                    "ledger.undecodable_entry", partition=msg.partition(), offset=msg.offset(), error=str(exc)
                )
                return
        name = entry.idempotency_key if entry is not None else key.decode(errors="replace") if key else None
        if name is None:
            return
        with self._tentative_lock:
            tentative = self._tentative.get(name)
            if tentative is not None and tentative[1] != value:
                self._tentative[name] = (entry, tentative[1])  # committed meanwhile: what a rollback restores
                return
            self._tentative.pop(name, None)
            if entry is None:
                self._map.forget(name)
            else:
                self._map.apply(entry)

    def wait_caught_up(self, timeout_s: float) -> bool:
        """Read up to the ledger's current end; False if that took longer than ``timeout_s``."""
        return self._tail.wait_caught_up(timeout_s)

    def get(self, key: str) -> LedgerEntry | None:
        return self._map.get(key)

    async def put(self, entry: LedgerEntry) -> None:
        check_transition(self._map.get(entry.idempotency_key), entry)
        await self._producer.send(self.topic, self._codec.encode(entry), key=entry.idempotency_key)
        self._map.apply(entry)

    def outgoing(self, entry: LedgerEntry) -> Outgoing:
        """``entry`` as a record for a transaction (transition checked); :meth:`applied` once sent."""
        check_transition(self._map.get(entry.idempotency_key), entry)
        return Outgoing(self.topic, self._codec.encode(entry), entry.idempotency_key)

    def applied(self, entry: LedgerEntry) -> None:
        """``entry`` was produced into the open transaction: tentative until read back committed."""
        encoded = self._codec.encode(entry)
        key = entry.idempotency_key
        with self._tentative_lock:
            previous = self._tentative.get(key)
            committed = previous[0] if previous is not None else self._map.get(key)
            self._tentative[key] = (committed, encoded)
            self._map.apply(entry)

    def rollback(self) -> int:
        """A transaction failed: every tentative entry gives way to its key's last committed state
        (entries of an earlier transaction that did commit come back when the reader reads them)."""
        with self._tentative_lock:
            undone = len(self._tentative)
            for key, (committed, _) in self._tentative.items():
                if committed is None:
                    self._map.forget(key)
                else:
                    self._map.apply(committed)
            self._tentative.clear()
        return undone

    def size(self) -> int:
        return self._map.size()

    def close(self) -> None:
        self._tail.close()
