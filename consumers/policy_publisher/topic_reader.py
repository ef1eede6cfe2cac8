"""Reading the policy topics from the beginning to their current end, on demand.

Both topics are small (a record per rendering and per publication) and kept forever, so the whole history
is read once and then caught up before each decision: whichever instance owns a key after a rebalance sees
what any other instance published. A read that cannot reach the end raises instead of deciding on a
partial history.
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
from bcx.settings import KafkaSettings


class TopicReader:
    """Reads ``topics`` from offset 0 and hands each record's value to the topic's ``decode``."""

    def __init__(self, settings: KafkaSettings, decoders: dict[str, Callable[[bytes], Any]]) -> None:
        self._decoders = decoders
        config = {
            **settings.client_config(),
            "group.id": f"bcx-policy-history-{uuid.uuid4().hex[:12]}",  # private: assigns, never commits
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
        }
        self._consumer = Consumer(config)
        self._lock = threading.Lock()
        self._positions: dict[tuple[str, int], int] = {}
        partitions = []
        for topic in decoders:
            try:
                metadata = self._consumer.list_topics(topic, timeout=15)
            except KafkaException as exc:
                raise KafkaError(f"cannot read {topic}: {exc}", retriable=True) from exc
            found = metadata.topics.get(topic)
            if found is None or found.error is not None or not found.partitions:
                raise KafkaError(f"topic {topic} does not exist (run `bcx topics apply`)")
            partitions += [TopicPartition(topic, p, 0) for p in sorted(found.partitions)]
        self._consumer.assign(partitions)
        self._partitions = [(tp.topic, tp.partition) for tp in partitions]

    def catch_up(self, timeout_s: float = 30.0) -> list[Any]:
        """Every record appended since the last call (all of them the first time), decoded, in read order."""
        with self._lock:
            deadline = time.monotonic() + timeout_s
            try:
                ends = {
                    (t, p): self._consumer.get_watermark_offsets(
                        TopicPartition(t, p), timeout=10, cached=False
                    )[1]
                    for t, p in self._partitions
                }
            except KafkaException as exc:
                raise KafkaError(f"cannot read the policy topics' ends: {exc}", retriable=True) from exc
            found: list[Any] = []
            while any(self._positions.get(tp, 0) < end for tp, end in ends.items()):
                if time.monotonic() > deadline:
                    raise KafkaError(
                        "the policy history could not be read to its end in time", retriable=True
                    )
                for msg in self._consumer.consume(500, 0.2):
                    err = msg.error()
                    topic, value = str(msg.topic()), msg.value()
                    where = (topic, msg.partition() or 0)
                    if err is not None:
                        if err.code() == _ForeignKafkaError._PARTITION_EOF:
                            self._positions[where] = max(self._positions.get(where, 0), msg.offset() or 0)
                        continue
                    self._positions[where] = (msg.offset() or 0) + 1
                    if value is not None:
                        found.append(self._decoders[topic](value))
            return found

    def close(self) -> None:
        self._consumer.close()
