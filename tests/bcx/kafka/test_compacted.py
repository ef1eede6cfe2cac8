"""The compacted-topic reader the ledger, the marketing tables and the erased-customers set share, on the
real broker: everything on the topic is applied before it says caught up, it keeps tailing, tombstones
reach the owner, a partition ending in a transaction marker still counts as read, and a missing topic is an
error unless the owner accepts an empty one."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from confluent_kafka import Producer

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
        seen = Seen()
        config = {**kafka_settings.client_config(), "isolation.level": "read_committed"}
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
