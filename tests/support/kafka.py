"""Reading topics back in tests: plain confluent-kafka consumers, no bcx code in the way."""

from __future__ import annotations

import time
import uuid
from typing import Any

from confluent_kafka import Consumer

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


def count(settings: KafkaSettings, topic: str, settle: float = 3.0) -> int:
    """How many records ``topic`` holds, by reading it until nothing new arrives for ``settle`` seconds."""
    consumer = Consumer(
        {
            **settings.client_config(),
            "group.id": f"test-counter-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    seen = 0
    quiet_since = time.monotonic()
    try:
        while time.monotonic() - quiet_since < settle:
            msg = consumer.poll(0.2)
            if msg is not None and not msg.error():
                seen += 1
                quiet_since = time.monotonic()
    finally:
        consumer.close()
    return seen
