"""A compacted topic read from its first record and tailed for as long as the process runs.

The document ledger, the marketing tables and the erased-customers set are all "the topic is the truth, the
process holds a map of it": each reads every partition from offset 0 in a daemon thread, hands each record
to its owner's ``apply``, and must say when everything that was on the topic at a given moment has been
applied (before a flow decides anything on it). That reading lives here once.

Caught up is judged by the reader's *position* per partition (end-of-partition events carry it), not by the
last offset seen + 1: compaction and transaction markers leave gaps, so a partition whose last record is a
marker or a removed tombstone would otherwise never look read to its end.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka import KafkaError as _ForeignKafkaError

from bcx.kafka.errors import KafkaError
from bcx.logging import get_logger

log = get_logger(__name__)


class TopicTail:
    """Reads ``topic`` from the start in a daemon thread, calling ``apply(message)`` per record (tombstones
    included, in the reader thread); :meth:`wait_caught_up` tells when the topic's current end is reached."""

    def __init__(
        self,
        client_config: dict[str, Any],
        topic: str,
        apply: Callable[[Any], None],
        *,
        reader: str,
        required: bool = True,
    ) -> None:
        """``reader`` names the thread and the private group id (it assigns partitions itself and never
        commits). A missing topic raises :class:`KafkaError` unless ``required`` is False, when the tail
        holds nothing and is caught up at once (the caller decides whether that is acceptable)."""
        self.topic = topic
        self._apply = apply
        config = {
            **client_config,
            "group.id": f"bcx-{reader}-{uuid.uuid4().hex[:12]}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
        }
        self._consumer = Consumer(config)
        # a second handle for watermark queries: a handle blocked in consume() serialises other calls
        self._meta = Consumer(config)
        self._positions: dict[int, int] = {}
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self.partitions = self._discover(required)
        self._consumer.assign([TopicPartition(topic, p, 0) for p in self.partitions])
        self._thread = threading.Thread(target=self._read_loop, name=reader, daemon=True)

    def _discover(self, required: bool) -> list[int]:
        try:
            metadata = self._meta.list_topics(self.topic, timeout=15)
        except KafkaException as exc:
            raise KafkaError(f"cannot read topic {self.topic}: {exc}", retriable=True) from exc
        topic = metadata.topics.get(self.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            if not required:
                log.warning("topic_tail.topic_missing", topic=self.topic)
                return []
            raise KafkaError(f"topic {self.topic} does not exist (run `bcx topics apply`)")
        return sorted(topic.partitions)

    def start(self) -> TopicTail:
        self._thread.start()
        return self

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            if not self.partitions:
                self._stop.wait(0.5)
                continue
            try:
                messages = self._consumer.consume(1000, 0.2)
            except KafkaException as exc:  # transient broker trouble: keep reading
                log.warning("topic_tail.read_error", topic=self.topic, error=str(exc))
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

    def _advance(self, partition: int, position: int) -> None:
        with self._cond:
            if position > self._positions.get(partition, -1):
                self._positions[partition] = position
                self._cond.notify_all()

    def wait_caught_up(self, timeout_s: float) -> bool:
        """Read up to the topic's end as of now; False if that took longer than ``timeout_s`` (one budget
        for all partitions: N partitions must not wait N times the timeout)."""
        deadline = time.monotonic() + timeout_s
        targets: dict[int, tuple[int, int]] = {}
        try:
            for partition in self.partitions:
                remaining = max(0.1, deadline - time.monotonic())
                targets[partition] = self._meta.get_watermark_offsets(
                    TopicPartition(self.topic, partition), timeout=remaining, cached=False
                )
        except KafkaException as exc:
            log.warning("topic_tail.watermarks_failed", topic=self.topic, error=str(exc))
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

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._consumer.close()
        self._meta.close()
