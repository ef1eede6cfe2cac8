"""Reading topics back in tests: plain confluent-kafka consumers, no bcx code in the way."""

from __future__ import annotations

import time
import uuid
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from bcx.settings import KafkaSettings


def consume(settings: KafkaSettings, topic: str, expected: int, timeout: float = 30.0) -> list[Any]:
    """Read ``topic`` from the beginning until ``expected`` records arrived or ``timeout`` passed."""
    consumer = Consumer(
        {
            **settings.client_config(),
            "group.id": f"test-reader-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    records: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expected and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            records.append(msg)
    finally:
        consumer.close()
    return records


def count(settings: KafkaSettings, topic: str, settle: float = 0.0) -> int:
    """How many records ``topic`` holds: the sum of high minus low watermarks over its partitions.

    Exact for bcx's topics (no transactions, no compaction in tests) and independent of consumer-group
    timing, so ``count(...) == 0`` really means nothing was published. With ``settle``, the count is taken
    once it has not changed for that many seconds (for writes still in flight).
    """
    current = _watermark_total(settings, topic)
    stable_since = time.monotonic()
    while time.monotonic() - stable_since < settle:
        time.sleep(0.2)
        latest = _watermark_total(settings, topic)
        if latest != current:
            current, stable_since = latest, time.monotonic()
    return current


def _watermark_total(settings: KafkaSettings, topic: str) -> int:
    consumer = Consumer({**settings.client_config(), "group.id": f"test-counter-{uuid.uuid4().hex[:8]}"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        total = 0
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            total += high - low
        return total
    finally:
        consumer.close()
