"""The Kafka consumer as the stream runtime uses it: the calls the poll loop, the committer, the lag meter
and transaction recovery really make, and nothing else.

Two implementations honour it: librdkafka's ``confluent_kafka.Consumer`` (:func:`kafka_consumer`) and the
in-memory twin (:class:`consumers.stream.memory_consumer.MemoryConsumer`), which lets the runner's
behaviour be tested without a broker. ``tests/consumers/stream/test_consumer_contract.py`` runs the same
cases against both, so the twin cannot drift from the real thing unnoticed.

Semantics both keep (librdkafka's, KIP-848 consumer protocol):

- rebalance callbacks run inside :meth:`StreamConsumer.consume` on the calling thread: ``on_assign`` /
  ``on_revoke`` with only the partitions that change (incremental), ``on_lost`` when the membership
  expired; ``close()`` revokes what is still assigned;
- an assigned partition starts at its committed offset, else at the beginning (``auto.offset.reset``);
- a paused partition delivers nothing until resumed, and its pause survives revoke and re-assign;
- ``position`` is the offset of the next record to deliver (after the last consumed or a seek), invalid
  (``-1001``) before either; ``commit`` stores offsets for the group, ``committed`` reads them back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, overload

from confluent_kafka import Consumer, KafkaError, TopicPartition

OFFSET_INVALID = -1001

#: ``(consumer, partitions)``, run inside ``consume`` (librdkafka's rebalance callback signature)
RebalanceCallback = Callable[[Any, list[TopicPartition]], None]


class ConsumedMessage(Protocol):
    """A consumed record (librdkafka's ``Message``); ``error()`` is set for an event that is no record."""

    def error(self) -> KafkaError | None: ...
    def topic(self) -> str | None: ...
    def partition(self) -> int | None: ...
    def offset(self) -> int | None: ...
    def key(self) -> bytes | None: ...
    def value(self) -> bytes | None: ...
    def headers(self) -> Any: ...
    def timestamp(self) -> tuple[int, int]: ...


class StreamConsumer(Protocol):
    def subscribe(
        self,
        topics: list[str],
        on_assign: RebalanceCallback | None = None,
        on_revoke: RebalanceCallback | None = None,
        on_lost: RebalanceCallback | None = None,
    ) -> None: ...

    def consume(self, num_messages: int = 1, timeout: float = -1) -> Sequence[ConsumedMessage]: ...

    def pause(self, partitions: list[TopicPartition]) -> None: ...

    def resume(self, partitions: list[TopicPartition]) -> None: ...

    def seek(self, partition: TopicPartition) -> None: ...

    def position(self, partitions: list[TopicPartition]) -> list[TopicPartition]: ...

    def committed(self, partitions: list[TopicPartition], timeout: float = -1) -> list[TopicPartition]: ...

    @overload
    def commit(self, *, offsets: list[TopicPartition], asynchronous: Literal[True] = ...) -> None: ...

    @overload
    def commit(
        self, *, offsets: list[TopicPartition], asynchronous: Literal[False]
    ) -> list[TopicPartition]: ...

    def get_watermark_offsets(
        self, partition: TopicPartition, timeout: float = -1, cached: bool = False
    ) -> tuple[int, int]: ...

    def consumer_group_metadata(self) -> Any: ...

    def close(self) -> None: ...


ConsumerFactory = Callable[[dict[str, Any]], StreamConsumer]


def kafka_consumer(config: dict[str, Any]) -> StreamConsumer:
    """librdkafka's consumer (the runner's default)."""
    return Consumer(config)
