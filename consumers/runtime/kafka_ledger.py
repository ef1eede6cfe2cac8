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
acknowledged (:meth:`applied`), before their transaction commits: they stay *tentative* until the reader
(``read_committed``) reads them back. Meanwhile an older entry of the same key read late (the STARTED
written before the call) does not hide them; and if their transaction fails, :meth:`rollback` puts back
each key's last committed state, so a redone record resolves its Exstream job by reference (adopts it)
instead of skipping a document whose results were never committed.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka import KafkaError as _ForeignKafkaError

from bcx.avro.codec import AvroCodec
from bcx.avro.errors import SerializationError
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.kafka.errors import KafkaError
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
        self._positions: dict[int, int] = {}
        # key -> (its last committed entry, the encoded tentative entry) for entries not yet read back
        self._tentative: dict[str, tuple[LedgerEntry | None, bytes]] = {}
        self._tentative_lock = threading.Lock()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        config = {
            **settings.client_config(),
            # a private group id: the reader assigns partitions itself and never commits
            "group.id": f"bcx-ledger-reader-{uuid.uuid4().hex[:12]}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
        }
        self._consumer = Consumer(config)
        # a second handle for watermark queries: a handle blocked in consume() serialises other calls
        self._meta = Consumer(config)
        self._partitions = self._discover()
        self._consumer.assign([TopicPartition(topic, p, 0) for p in self._partitions])
        self._thread = threading.Thread(target=self._read_loop, name="ledger-reader", daemon=True)
        self.errors = 0

    def _discover(self) -> list[int]:
        try:
            metadata = self._meta.list_topics(self.topic, timeout=15)
        except KafkaException as exc:
            raise KafkaError(f"cannot read ledger topic {self.topic}: {exc}", retriable=True) from exc
        topic = metadata.topics.get(self.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            raise KafkaError(f"ledger topic {self.topic} does not exist (run `bcx topics apply`)")
        return sorted(topic.partitions)

    def start(self) -> KafkaLedger:
        self._thread.start()
        return self

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            try:
                messages = self._consumer.consume(1000, 0.2)
            except KafkaException as exc:  # transient broker trouble: keep reading
                log.warning("ledger.read_error", error=str(exc))
                continue
            for msg in messages:
                err = msg.error()
                partition, offset = msg.partition() or 0, msg.offset() or 0
                if err is not None:
                    if err.code() == _ForeignKafkaError._PARTITION_EOF:
                        self._advance(partition, offset)
                    continue
                self._apply(msg)
                self._advance(partition, offset + 1)

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

    def _advance(self, partition: int, position: int) -> None:
        with self._cond:
            if position > self._positions.get(partition, -1):
                self._positions[partition] = position
                self._cond.notify_all()

    def wait_caught_up(self, timeout_s: float) -> bool:
        """Read up to the ledger's current end; False if that took longer than ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        targets: dict[int, tuple[int, int]] = {}
        try:
            for partition in self._partitions:
                # one budget for all partitions: N partitions must not wait N times the timeout
                remaining = max(0.1, deadline - time.monotonic())
                low, high = self._meta.get_watermark_offsets(
                    TopicPartition(self.topic, partition), timeout=remaining, cached=False
                )
                targets[partition] = (low, high)
        except KafkaException as exc:
            log.warning("ledger.watermarks_failed", error=str(exc))
            return False
        with self._cond:
            while True:
                behind = [
                    p
                    for p, (low, high) in targets.items()
                    if high > max(low, 0) and self._positions.get(p, -1) < high
                ]
                if not behind:
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.5))

    def get(self, key: str) -> LedgerEntry | None:
        return self._map.get(key)

    async def put(self, entry: LedgerEntry) -> None:
        check_transition(self._map.get(entry.idempotency_key), entry)
        await self._producer.send(self.topic, self._codec.encode(entry), key=entry.idempotency_key)
        self._map.apply(entry)

    def outgoing(self, entry: LedgerEntry) -> Outgoing:
        """``entry`` as a record for a transaction (transition checked); :meth:`applied` once acked."""
        check_transition(self._map.get(entry.idempotency_key), entry)
        return Outgoing(self.topic, self._codec.encode(entry), entry.idempotency_key)

    def applied(self, entry: LedgerEntry) -> None:
        """``entry`` was acknowledged inside the open transaction: tentative until read back committed."""
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
        self._stop.set()
        self._thread.join(timeout=5)
        self._consumer.close()
        self._meta.close()
