"""A compacted topic as a key → record table: loaded whole into memory, tailed, written through.

The same pattern as the document ledger (:mod:`consumers.runtime.kafka_ledger`): the topic is the truth,
the map is a cache of its last record per key; a tombstone removes a key. Profiles and contact histories
live in such tables. Every process reading them holds the whole table: audiences are chosen over all
customers and caps are checked for any of them (about 1–2 KB per profile; docs/retention.md).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka import KafkaError as _ForeignKafkaError
from pydantic import BaseModel

from bcx.avro.codec import AvroCodec
from bcx.avro.errors import SerializationError
from bcx.kafka.errors import KafkaError
from bcx.kafka.producer import KafkaProducer
from bcx.logging import get_logger
from bcx.settings import KafkaSettings

log = get_logger(__name__)

M = TypeVar("M", bound=BaseModel)


class CompactedTable(Generic[M]):
    def __init__(
        self,
        settings: KafkaSettings,
        topic: str,
        codec: AvroCodec[M],
        producer: KafkaProducer | None = None,
        group_of: Callable[[str], str] | None = None,
    ) -> None:
        self.topic = topic
        self._codec = codec
        self._producer = producer
        self._rows: dict[str, M] = {}
        # rows that belong together (a customer's contacts, one row each) found without a scan
        self._group_of = group_of
        self._groups: dict[str, set[str]] = {}
        self._lock = threading.Lock()
        self._positions: dict[int, int] = {}
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self.errors = 0
        config = {
            **settings.client_config(),
            # a private group id: the reader assigns partitions itself and never commits
            "group.id": f"bcx-table-reader-{uuid.uuid4().hex[:12]}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
        }
        self._consumer = Consumer(config)
        self._meta = Consumer(config)  # watermark queries: a handle blocked in consume() serialises calls
        self._partitions = self._discover()
        self._consumer.assign([TopicPartition(topic, p, 0) for p in self._partitions])
        self._thread = threading.Thread(target=self._read_loop, name=f"table-{topic}", daemon=True)

    def _discover(self) -> list[int]:
        try:
            metadata = self._meta.list_topics(self.topic, timeout=15)
        except KafkaException as exc:
            raise KafkaError(f"cannot read topic {self.topic}: {exc}", retriable=True) from exc
        topic = metadata.topics.get(self.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            raise KafkaError(f"topic {self.topic} does not exist (run `bcx topics apply`)")
        return sorted(topic.partitions)

    def start(self) -> CompactedTable[M]:
        self._thread.start()
        return self

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            try:
                messages = self._consumer.consume(1000, 0.2)
            except KafkaException as exc:  # transient broker trouble: keep reading
                log.warning("table.read_error", topic=self.topic, error=str(exc))
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
        raw_key = msg.key()
        if raw_key is None:
            return
        key = raw_key.decode(errors="replace")
        if msg.value() is None:
            with self._lock:
                self._set(key, None)
            return
        try:
            row = self._codec.decode(msg.value())
        except SerializationError as exc:
            self.errors += 1
            log.error("table.undecodable", topic=self.topic, partition=msg.partition(), error=str(exc))
            return
        with self._lock:
            self._set(key, row)

    def _set(self, key: str, row: M | None) -> None:
        """Store or remove one row, keeping the group index in step (caller holds the lock)."""
        group = self._group_of(key) if self._group_of is not None else None
        if row is None:
            self._rows.pop(key, None)
            if group is not None and group in self._groups:
                self._groups[group].discard(key)
                if not self._groups[group]:
                    del self._groups[group]
            return
        self._rows[key] = row
        if group is not None:
            self._groups.setdefault(group, set()).add(key)

    def _advance(self, partition: int, position: int) -> None:
        with self._cond:
            if position > self._positions.get(partition, -1):
                self._positions[partition] = position
                self._cond.notify_all()

    def wait_caught_up(self, timeout_s: float) -> bool:
        """Read up to the topic's current end; False if that took longer than ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        targets: dict[int, tuple[int, int]] = {}
        try:
            for partition in self._partitions:
                targets[partition] = self._meta.get_watermark_offsets(
                    TopicPartition(self.topic, partition), timeout=max(0.1, timeout_s), cached=False
                )
        except KafkaException as exc:
            log.warning("table.watermarks_failed", topic=self.topic, error=str(exc))
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

    def get(self, key: str) -> M | None:
        with self._lock:
            return self._rows.get(key)

    def in_group(self, group: str) -> dict[str, M]:
        """The rows whose key ``group_of`` maps to ``group`` (a table built without ``group_of``: none)."""
        with self._lock:
            return {key: self._rows[key] for key in self._groups.get(group, ())}

    def rows(self) -> dict[str, M]:
        """A copy of the whole table."""
        with self._lock:
            return dict(self._rows)

    async def put(self, key: str, row: M | None) -> None:
        """Write ``row`` (None: a tombstone) and return once acknowledged; visible to :meth:`get` at once."""
        if self._producer is None:
            raise RuntimeError(f"table {self.topic} is read-only here")
        value = None if row is None else self._codec.encode(row)
        await self._producer.send(self.topic, value, key=key)
        with self._lock:
            self._set(key, row)

    def size(self) -> int:
        with self._lock:
            return len(self._rows)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._consumer.close()
        self._meta.close()


def table_codec(
    model: type[M], schema: str, topic: str, registry: Any, *, auto_register: bool
) -> AvroCodec[M]:
    """``schema``'s file (``schemas/<schema>.avsc``) under ``topic``'s subject (a test's own topic too)."""
    from bcx.avro.schemas import AvroSchema, load_schema

    shared = load_schema(schema)
    return AvroCodec(
        model,
        AvroSchema(topic=topic, text=shared.text, parsed=shared.parsed),
        registry,
        auto_register=auto_register,
    )
