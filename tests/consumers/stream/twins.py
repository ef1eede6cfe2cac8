"""The Kafka side of the consumer contract tests, twice: the in-memory twin and a real broker.

Both :class:`Backend` implementations offer the same few operations (a topic, records in a partition, a
consumer of a group), so one test body runs against each (``backend`` fixture in the test module).
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from confluent_kafka import Producer, TopicPartition

from bcx.kafka.config import consumer_config
from bcx.settings import KafkaSettings
from consumers.stream.consumer import ConsumedMessage, StreamConsumer, kafka_consumer
from consumers.stream.memory_consumer import MemoryBroker

#: a real broker rebalances at heartbeats (seconds); a guard against hanging, never a measured time
GUARD_S = 60.0


class Backend(Protocol):
    def topic(self, partitions: int) -> str: ...
    def produce(self, topic: str, partition: int, values: list[bytes]) -> None: ...
    def consumer(self, group: str) -> StreamConsumer: ...
    def close(self) -> None: ...


class MemoryBackend:
    def __init__(self) -> None:
        self.broker = MemoryBroker()

    def topic(self, partitions: int) -> str:
        return self.broker.create_topic(f"t.{uuid.uuid4().hex[:10]}", partitions)

    def produce(self, topic: str, partition: int, values: list[bytes]) -> None:
        for value in values:
            self.broker.produce(topic, value, partition=partition)

    def consumer(self, group: str) -> StreamConsumer:
        return self.broker.consumer({"group.id": group})

    def close(self) -> None:
        pass


class KafkaBackend:
    def __init__(self, settings: KafkaSettings, new_topic: Callable[..., str]) -> None:
        self._settings = settings
        self._new_topic = new_topic
        self._producer = Producer(settings.client_config())
        self._consumers: list[StreamConsumer] = []

    def topic(self, partitions: int) -> str:
        return self._new_topic("contract", partitions=partitions)

    def produce(self, topic: str, partition: int, values: list[bytes]) -> None:
        for value in values:
            self._producer.produce(topic, value, partition=partition)
        assert self._producer.flush(30) == 0

    def consumer(self, group: str) -> StreamConsumer:
        consumer = kafka_consumer(consumer_config(self._settings, group))
        self._consumers.append(consumer)
        return consumer

    def close(self) -> None:
        for consumer in self._consumers:
            with contextlib.suppress(RuntimeError):  # librdkafka's: already closed by the test
                consumer.close()


class Member:
    """A subscribed consumer and what its rebalance callbacks reported."""

    def __init__(self, consumer: StreamConsumer, topics: list[str]) -> None:
        self.consumer = consumer
        self.assigned: set[tuple[str, int]] = set()
        self.revoked: list[set[tuple[str, int]]] = []
        self.received: list[ConsumedMessage] = []
        consumer.subscribe(topics, on_assign=self._assign, on_revoke=self._revoke)

    def _assign(self, _consumer: Any, partitions: list[TopicPartition]) -> None:
        self.assigned |= {(p.topic, p.partition) for p in partitions}

    def _revoke(self, _consumer: Any, partitions: list[TopicPartition]) -> None:
        tps = {(p.topic, p.partition) for p in partitions}
        self.revoked.append(tps)
        self.assigned -= tps

    def poll(self) -> list[ConsumedMessage]:
        got = [m for m in self.consumer.consume(100, 0.2) if m.error() is None]
        self.received.extend(got)
        return got

    def poll_until(self, done: Callable[[], bool], *others: Member) -> None:
        """Keep this member (and ``others``) polling until ``done``; fails after the guard."""
        deadline = time.monotonic() + GUARD_S
        while not done():
            assert time.monotonic() < deadline, "the consumer never got there"
            self.poll()
            for other in others:
                other.poll()

    def offsets(self, topic: str, partition: int) -> list[int]:
        return [m.offset() or 0 for m in self.received if m.topic() == topic and m.partition() == partition]
