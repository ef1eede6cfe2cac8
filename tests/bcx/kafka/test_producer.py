"""KafkaProducer against a real broker, and the result contract through Kafka and the real registry."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bcx.contracts.codecs import document_result_codec
from bcx.kafka.config import producer_config
from bcx.kafka.errors import ProduceError
from bcx.kafka.producer import KafkaProducer
from bcx.settings import KafkaSettings
from tests.bcx.contracts.test_contracts import sample_result
from tests.conftest import NewTopic
from tests.support.kafka import consume

pytestmark = pytest.mark.integration


class TestKafkaProducer:
    def test_future_resolves_with_coordinates(
        self, kafka_settings: KafkaSettings, new_topic: NewTopic
    ) -> None:
        """A sent record's future resolves with the topic, partition and offset the broker stored it at."""
        topic = new_topic()
        producer = KafkaProducer(producer_config(kafka_settings))
        try:
            first = producer.produce(topic, b"a", key="k").result(30)
            second = producer.produce(topic, b"b", key="k").result(30)
        finally:
            producer.close()
        assert (first.topic, first.partition, first.offset) == (topic, 0, 0)
        assert second.offset == 1

    async def test_send_awaits_the_acknowledgement(
        self, kafka_settings: KafkaSettings, new_topic: NewTopic
    ) -> None:
        """Concurrent awaited sends all complete and the records are in Kafka with their headers."""
        topic = new_topic(partitions=3)
        producer = KafkaProducer(producer_config(kafka_settings))
        try:
            delivered = await asyncio.gather(
                *(
                    producer.send(topic, f"v{i}".encode(), key=f"k{i}", headers=[("h", b"1")])
                    for i in range(50)
                )
            )
        finally:
            producer.close()
        assert len({(d.partition, d.offset) for d in delivered}) == 50
        records = consume(kafka_settings, topic, 50)
        assert len(records) == 50
        assert all(r.headers() == [("h", b"1")] for r in records)

    def test_missing_topic_fails_the_future(self, kafka_settings: KafkaSettings) -> None:
        """A record for a topic that does not exist (auto-create is off) fails with ProduceError."""
        conf = producer_config(kafka_settings, **{"delivery.timeout.ms": 3000, "request.timeout.ms": 1000})
        producer = KafkaProducer(conf)
        try:
            future = producer.produce("no.such.topic.v1", b"x")
            with pytest.raises(ProduceError):
                future.result(30)
        finally:
            producer.close(timeout=1)


class TestResultContractThroughKafka:
    def test_round_trip_with_real_registry(
        self, kafka_settings: KafkaSettings, registry: Any, new_topic: NewTopic
    ) -> None:
        """A DocumentResult in Confluent wire format is read back equal, its schema id from the registry."""
        topic = new_topic("documents.results")
        codec = document_result_codec(registry)
        result = sample_result()
        producer = KafkaProducer(producer_config(kafka_settings))
        try:
            producer.produce(topic, codec.encode(result), key=result.key).result(30)
        finally:
            producer.close()
        (record,) = consume(kafka_settings, topic, 1)
        value: bytes = record.value()
        assert value[0] == 0
        registered = registry.get_latest_version("documents.results.v1-value")
        assert int.from_bytes(value[1:5], "big") == registered.schema_id
        assert record.key() == result.key.encode()
        # a second, independent codec (as a subscriber would have) decodes via the registry by id
        assert document_result_codec(registry, auto_register=False).decode(value) == result
