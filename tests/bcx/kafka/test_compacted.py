"""The compacted-topic reader the ledger, the marketing tables and the erased-customers set share, on the
real broker: everything on the topic is applied before it says caught up, it keeps tailing, tombstones
reach the owner, a partition ending in a transaction marker still counts as read, and a missing topic is an
error unless the owner accepts an empty one."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from bcx.kafka.compacted import TopicTail
from bcx.kafka.errors import KafkaError
from bcx.settings import KafkaSettings
from tests.conftest import NewTopic

pytestmark = pytest.mark.integration


class Seen:
    """What the tail handed over: key → value (None for a tombstone), in arrival order."""

    def __init__(self) -> None:
        self.records: list[tuple[str, bytes | None]] = []

    def __call__(self, msg: Any) -> None:
        self.records.append(((msg.key() or b"").decode(), msg.value()))


def produce(kafka: KafkaSettings, topic: str, *records: tuple[str, bytes | None], partition: int = 0) -> None:
    producer = Producer(kafka.client_config())
    for key, value in records:
        producer.produce(topic, value, key=key.encode(), partition=partition)
    assert producer.flush(30) == 0


def stable_end(config: dict[str, Any], topic: str, expected: int, timeout_s: float = 30) -> int:
    """Partition 0's end as a ``read_committed`` reader sees it (the last stable offset), once it reaches
    ``expected`` or the timeout passes. ``commit_transaction`` returns when the coordinator has logged the
    commit; the markers are written to the partitions after that, so the end moves a moment later."""
    reader = Consumer({**config, "group.id": f"bcx-test-{uuid.uuid4().hex[:8]}"})
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            _, high = reader.get_watermark_offsets(TopicPartition(topic, 0), timeout=10, cached=False)
            if high >= expected or time.monotonic() > deadline:
                return int(high)
            time.sleep(0.05)
    finally:
        reader.close()


class TestTopicTail:
    def test_applies_everything_then_keeps_tailing_tombstones_included(
        self, kafka_settings: KafkaSettings, new_topic: NewTopic
    ) -> None:
        """All records on every partition are applied before caught up; later ones and tombstones follow."""
        topic = new_topic("tail", partitions=3, configs={"cleanup.policy": "compact"})
        for partition in range(3):
            produce(kafka_settings, topic, (f"k{partition}", b"v1"), partition=partition)
        seen = Seen()
        tail = TopicTail(kafka_settings.client_config(), topic, seen, reader="test-tail").start()
        try:
            assert tail.wait_caught_up(30)
            assert sorted(seen.records) == [("k0", b"v1"), ("k1", b"v1"), ("k2", b"v1")]
            produce(kafka_settings, topic, ("k1", None), partition=1)
            assert tail.wait_caught_up(30)
            assert seen.records[-1] == ("k1", None)
        finally:
            tail.close()

    def test_a_partition_ending_in_a_transaction_marker_is_read_to_its_end(
        self, kafka_settings: KafkaSettings, new_topic: NewTopic
    ) -> None:
        """Two records committed in one transaction leave the high watermark past the last record (the
        marker); the tail still reports caught up, judged by its position rather than last offset + 1."""
        topic = new_topic("tail-txn", partitions=1)
        producer = Producer({**kafka_settings.client_config(), "transactional.id": f"t-{uuid.uuid4().hex}"})
        producer.init_transactions(30)
        producer.begin_transaction()
        producer.produce(topic, b"a", key=b"a")
        producer.produce(topic, b"b", key=b"b")
        producer.commit_transaction(30)
        config = {**kafka_settings.client_config(), "isolation.level": "read_committed"}
        assert stable_end(config, topic, 3) == 3  # two records and the commit marker
        seen = Seen()
        tail = TopicTail(config, topic, seen, reader="test-tail").start()
        try:
            assert tail.wait_caught_up(20)
            assert [key for key, _ in seen.records] == ["a", "b"]
        finally:
            tail.close()

    def test_a_missing_topic_is_an_error_unless_accepted_as_empty(
        self, kafka_settings: KafkaSettings
    ) -> None:
        """A required topic that does not exist fails with the fix named; an optional one is empty and
        caught up at once."""
        missing = f"no-such-topic.{uuid.uuid4().hex[:8]}"
        with pytest.raises(KafkaError, match="bcx topics apply"):
            TopicTail(kafka_settings.client_config(), missing, Seen(), reader="test-tail")
        seen = Seen()
        tail = TopicTail(kafka_settings.client_config(), missing, seen, reader="test-tail", required=False)
        tail.start()
        try:
            assert tail.wait_caught_up(5)
            assert seen.records == []
        finally:
            tail.close()
