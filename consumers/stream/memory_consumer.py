"""The in-memory twin of the Kafka consumer (:class:`~consumers.stream.consumer.StreamConsumer`): a broker
of partitioned logs, committed offsets per group and group membership, and consumers on it.

It keeps the semantics the runtime depends on (``consumers/stream/consumer.py`` lists them; the contract
tests run the same cases against it and a real broker): rebalance callbacks inside ``consume``,
incremental assignment with the ``range`` assignor per topic, a partition handed to a new member only
after its previous owner revoked it, committed-offset starts, pauses that survive revoke and re-assign,
lost partitions when a membership expires (:meth:`MemoryBroker.expire`). Records are plain bytes: no
transactions, no compaction, no retention. Members are ordered by joining (the broker orders them by
member id, so which member gets which partitions is no part of the contract).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

from confluent_kafka import KafkaError, KafkaException, TopicPartition

from consumers.stream.consumer import OFFSET_INVALID, ConsumedMessage, RebalanceCallback

TP = tuple[str, int]
_MAX_WAIT_S = 1.0  # a consume with a negative timeout still comes back for the caller's own checks


@dataclass(frozen=True, slots=True)
class MemoryMessage:
    """One consumed record, shaped like librdkafka's ``Message``."""

    _topic: str
    _partition: int
    _offset: int
    _key: bytes | None
    _value: bytes | None
    _headers: tuple[tuple[str, bytes], ...]
    _timestamp_ms: int

    def error(self) -> KafkaError | None:
        return None

    def topic(self) -> str:
        return self._topic

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset

    def key(self) -> bytes | None:
        return self._key

    def value(self) -> bytes | None:
        return self._value

    def headers(self) -> list[tuple[str, bytes]] | None:
        return list(self._headers) or None

    def timestamp(self) -> tuple[int, int]:
        return (1, self._timestamp_ms)  # TIMESTAMP_CREATE_TIME


class MemoryBroker:
    """Topics, committed offsets per group and each group's members (in join order)."""

    def __init__(self) -> None:
        self.cond = threading.Condition(threading.RLock())
        self.logs: dict[str, list[list[MemoryMessage]]] = {}
        self.committed: dict[tuple[str, TP], int] = {}
        self.members: dict[str, list[MemoryConsumer]] = {}
        self.owner: dict[tuple[str, TP], MemoryConsumer] = {}
        self._next = 0

    def create_topic(self, name: str, partitions: int = 1) -> str:
        with self.cond:
            self.logs.setdefault(name, [[] for _ in range(partitions)])
        return name

    def produce(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | None = None,
        *,
        partition: int | None = None,
        headers: Sequence[tuple[str, bytes]] = (),
        timestamp_ms: int = 0,
    ) -> int:
        """Append a record (partition by key hash, else round robin); its offset."""
        with self.cond:
            parts = self.logs[topic]
            if partition is None:
                partition = zlib.crc32(key) % len(parts) if key is not None else self._next % len(parts)
                self._next += 1
            log = parts[partition]
            log.append(MemoryMessage(topic, partition, len(log), key, value, tuple(headers), timestamp_ms))
            self.cond.notify_all()
            return len(log) - 1

    def end_offsets(self, topic: str) -> list[int]:
        with self.cond:
            return [len(log) for log in self.logs[topic]]

    def committed_offset(self, group: str, topic: str, partition: int) -> int | None:
        with self.cond:
            return self.committed.get((group, (topic, partition)))

    def consumer(self, config: dict[str, Any]) -> MemoryConsumer:
        """A consumer of ``config["group.id"]`` (usable as the runner's ``consumer_factory``)."""
        return MemoryConsumer(self, str(config["group.id"]))

    def expire(self, consumer: MemoryConsumer) -> None:
        """The member's session expired: its partitions go to the others; it sees them lost, then rejoins."""
        with self.cond:
            self._leave(consumer)
            consumer.lost_pending = True
            self.cond.notify_all()

    # group bookkeeping (under cond)
    def _join(self, consumer: MemoryConsumer) -> None:
        members = self.members.setdefault(consumer.group, [])
        if consumer not in members:
            members.append(consumer)
        self.cond.notify_all()

    def _leave(self, consumer: MemoryConsumer) -> None:
        members = self.members.get(consumer.group, [])
        if consumer in members:
            members.remove(consumer)
        for key in [k for k, owner in self.owner.items() if owner is consumer]:
            del self.owner[key]
        self.cond.notify_all()

    def _target(self, consumer: MemoryConsumer) -> set[TP]:
        """``range`` per topic: each topic's partitions divided among the members that read it."""
        wanted: set[TP] = set()
        members = self.members.get(consumer.group, [])
        for topic in consumer.topics:
            readers = [m for m in members if topic in m.topics]
            if consumer not in readers or topic not in self.logs:
                continue
            count, index = len(self.logs[topic]), readers.index(consumer)
            share, extra = divmod(count, len(readers))
            start = index * share + min(index, extra)
            wanted |= {(topic, p) for p in range(start, start + share + (1 if index < extra else 0))}
        return wanted


class MemoryConsumer:
    """One member of a group on a :class:`MemoryBroker` (the runner's consumer, without a broker)."""

    def __init__(self, broker: MemoryBroker, group: str) -> None:
        self.broker = broker
        self.group = group
        self.topics: list[str] = []
        self.assigned: set[TP] = set()
        self.paused: set[TP] = set()
        self.lost_pending = False
        self.closed = False
        self._positions: dict[TP, int | None] = {}
        self._on: dict[str, RebalanceCallback | None] = {}
        self._turn = 0

    def subscribe(
        self,
        topics: list[str],
        on_assign: RebalanceCallback | None = None,
        on_revoke: RebalanceCallback | None = None,
        on_lost: RebalanceCallback | None = None,
    ) -> None:
        with self.broker.cond:
            self.topics = list(topics)
            self._on = {"assign": on_assign, "revoke": on_revoke, "lost": on_lost}
            self.broker._join(self)

    def consume(self, num_messages: int = 1, timeout: float = -1) -> list[ConsumedMessage]:
        self._rebalance()
        found = self._fetch(num_messages)
        if not found:
            with self.broker.cond:
                self.broker.cond.wait(timeout if 0 <= timeout <= _MAX_WAIT_S else _MAX_WAIT_S)
            self._rebalance()
            found = self._fetch(num_messages)
        return found

    def _fetch(self, limit: int) -> list[ConsumedMessage]:
        with self.broker.cond:
            ready = sorted(self.assigned - self.paused)
            out: list[ConsumedMessage] = []
            if not ready:
                return out
            self._turn += 1
            order = ready[self._turn % len(ready) :] + ready[: self._turn % len(ready)]
            for tp in order:  # each partition in turn, as librdkafka's fetch queue interleaves them
                log = self.broker.logs[tp[0]][tp[1]]
                start = position = self._position(tp)
                while position < len(log) and len(out) < limit:
                    out.append(log[position])
                    position += 1
                if position != start:  # librdkafka: no position until a record was consumed (or a seek)
                    self._positions[tp] = position
            return out

    def _position(self, tp: TP) -> int:
        position = self._positions.get(tp)
        if position is None:  # the committed offset, else the beginning (auto.offset.reset=earliest)
            position = self.broker.committed.get((self.group, tp), 0)
        return position

    def _rebalance(self) -> None:
        broker = self.broker
        with broker.cond:
            if self.closed:
                raise KafkaException(KafkaError(KafkaError._STATE, "consumer closed"))
            lost = sorted(self.assigned) if self.lost_pending else []
            if self.lost_pending:
                self.lost_pending = False
                self.assigned.clear()
                self._positions.clear()
                broker._join(self)
            target = broker._target(self) if self.topics else set()
            revoke = sorted(self.assigned - target)
        if lost:
            self._call("lost", lost)
        if revoke:
            self._call("revoke", revoke)
            with broker.cond:
                for tp in revoke:
                    self.assigned.discard(tp)
                    self._positions.pop(tp, None)
                    broker.owner.pop((self.group, tp), None)
                broker.cond.notify_all()
        with broker.cond:
            free = {tp for tp in target - self.assigned if broker.owner.get((self.group, tp)) in (None, self)}
            for tp in free:
                broker.owner[(self.group, tp)] = self
                self.assigned.add(tp)
                self._positions[tp] = None
        if free:
            self._call("assign", sorted(free))

    def _call(self, which: str, tps: list[TP]) -> None:
        callback = self._on.get(which)
        if callback is not None:
            callback(self, [TopicPartition(t, p) for t, p in tps])

    def pause(self, partitions: list[TopicPartition]) -> None:
        with self.broker.cond:
            self.paused |= {(p.topic, p.partition) for p in partitions}

    def resume(self, partitions: list[TopicPartition]) -> None:
        with self.broker.cond:
            self.paused -= {(p.topic, p.partition) for p in partitions}
            self.broker.cond.notify_all()

    def seek(self, partition: TopicPartition) -> None:
        tp = (partition.topic, partition.partition)
        with self.broker.cond:
            if tp not in self.assigned:
                raise KafkaException(KafkaError(KafkaError._UNKNOWN_PARTITION, f"{tp} is not assigned"))
            self._positions[tp] = partition.offset

    def position(self, partitions: list[TopicPartition]) -> list[TopicPartition]:
        with self.broker.cond:
            known = [self._positions.get((p.topic, p.partition)) for p in partitions]
            return [
                _at(p, OFFSET_INVALID if at is None else at) for p, at in zip(partitions, known, strict=True)
            ]

    def committed(self, partitions: list[TopicPartition], timeout: float = -1) -> list[TopicPartition]:
        with self.broker.cond:
            stored = self.broker.committed
            return [
                _at(p, stored.get((self.group, (p.topic, p.partition)), OFFSET_INVALID)) for p in partitions
            ]

    @overload
    def commit(self, *, offsets: list[TopicPartition], asynchronous: Literal[True] = ...) -> None: ...

    @overload
    def commit(
        self, *, offsets: list[TopicPartition], asynchronous: Literal[False]
    ) -> list[TopicPartition]: ...

    def commit(
        self, *, offsets: list[TopicPartition], asynchronous: bool = True
    ) -> list[TopicPartition] | None:
        with self.broker.cond:
            if self.closed:
                raise KafkaException(KafkaError(KafkaError._STATE, "consumer closed"))
            for p in offsets:
                self.broker.committed[(self.group, (p.topic, p.partition))] = p.offset
        return None if asynchronous else list(offsets)

    def get_watermark_offsets(
        self, partition: TopicPartition, timeout: float = -1, cached: bool = False
    ) -> tuple[int, int]:
        with self.broker.cond:
            return (0, len(self.broker.logs[partition.topic][partition.partition]))

    def consumer_group_metadata(self) -> Any:
        return ("memory", self.group)

    def close(self) -> None:
        """Revoke what is still assigned (as librdkafka does with a rebalance callback), leave the group."""
        if self.closed:
            return
        revoke = sorted(self.assigned)
        if revoke:
            self._call("revoke", revoke)
        with self.broker.cond:
            self.assigned.clear()
            self.broker._leave(self)
            self.closed = True


def _at(partition: TopicPartition, offset: int) -> TopicPartition:
    return TopicPartition(partition.topic, partition.partition, offset)
