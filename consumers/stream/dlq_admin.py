"""Reading and replaying a group's dead letters (``bcx dlq inspect|replay``).

Selection and rendering are pure (:class:`DeadLetter`, :class:`Selection`); reading reads the DLQ topic
from its start to its current end with a private, never-committing consumer; replaying produces the
original key/value back to the topic the record came from, with the original headers and
``bcx.replay.at`` / ``bcx.replay.from`` marking the replay (error and retry context removed).
"""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import fastavro
from confluent_kafka import Consumer, KafkaException, TopicPartition

from bcx.avro.codec import split_wire_format
from bcx.kafka.errors import KafkaError
from bcx.kafka.producer import KafkaProducer
from bcx.settings import KafkaSettings
from consumers.stream.dead_letters import ERROR_PREFIX, RETRY_PREFIX
from consumers.stream.records import H_REPLAYED_AT

H_REPLAYED_FROM = "bcx.replay.from"


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def error(self, name: str) -> str:
        for key, value in reversed(self.headers):
            if key == ERROR_PREFIX + name:
                return value.decode(errors="replace")
        return ""

    def summary(self) -> dict[str, Any]:
        """Ids and error context only: no record value, so no personal data."""
        return {
            "dlq_partition": self.partition,
            "dlq_offset": self.offset,
            "key": self.key.decode(errors="replace") if self.key is not None else None,
            "source": f"{self.error('topic')}[{self.error('partition')}]@{self.error('offset')}",
            "stage": self.error("stage"),
            "error_class": self.error("class"),
            "exception": self.error("exception.class"),
            "message": self.error("exception.message"),
            "attempts": self.error("attempts"),
            "at": self.error("timestamp"),
        }

    def replay_headers(self, now_ms: int) -> list[tuple[str, bytes]]:
        kept = [
            (k, v) for k, v in self.headers if not k.startswith((ERROR_PREFIX, RETRY_PREFIX, "bcx.origin."))
        ]
        return [
            *kept,
            (H_REPLAYED_AT, str(now_ms).encode()),
            (H_REPLAYED_FROM, f"{self.partition}@{self.offset}".encode()),
        ]


@dataclass(frozen=True)
class Selection:
    """Which dead letters: any combination of partition, DLQ offset range, key and error class."""

    partition: int | None = None
    from_offset: int | None = None
    to_offset: int | None = None
    key: str | None = None
    error_class: str | None = None

    def matches(self, letter: DeadLetter) -> bool:
        if self.partition is not None and letter.partition != self.partition:
            return False
        if self.from_offset is not None and letter.offset < self.from_offset:
            return False
        if self.to_offset is not None and letter.offset > self.to_offset:
            return False
        if self.key is not None and (letter.key or b"").decode(errors="replace") != self.key:
            return False
        return self.error_class is None or letter.error("class") == self.error_class


def read_dead_letters(settings: KafkaSettings, topic: str, timeout_s: float = 30.0) -> Iterator[DeadLetter]:
    """Every record of ``topic`` up to its end at the time of the call."""
    consumer = Consumer(
        {
            **settings.client_config(),
            "group.id": f"bcx-dlq-reader-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "enable.partition.eof": False,
        }
    )
    try:
        metadata = consumer.list_topics(topic, timeout=timeout_s)
        described = metadata.topics.get(topic)
        if described is None or described.error is not None:
            raise KafkaError(f"no dead-letter topic {topic}")
        ends: dict[int, int] = {}
        for partition in described.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout_s)
            if high > low:
                ends[partition] = high
        consumer.assign([TopicPartition(topic, p, 0) for p in ends])
        positions = {p: -1 for p in ends}
        deadline = time.monotonic() + timeout_s
        while any(positions[p] + 1 < ends[p] for p in ends) and time.monotonic() < deadline:
            for msg in consumer.consume(500, 0.5):
                if msg.error() is not None:
                    continue
                partition, offset = msg.partition() or 0, msg.offset() or 0
                positions[partition] = offset
                if offset < ends[partition]:
                    headers = cast(list[tuple[str, bytes]], msg.headers() or [])
                    yield DeadLetter(partition, offset, msg.key(), msg.value(), tuple(headers))
    except KafkaException as exc:
        raise KafkaError(f"cannot read {topic}: {exc}", retriable=True) from exc
    finally:
        consumer.close()


def decode_value(value: bytes | None, registry: Any) -> str:
    """A dead letter's value as JSON text: Avro through the registry's writer schema, else UTF-8."""
    if value is None:
        return "null"
    try:
        schema_id, body = split_wire_format(value)
        writer = fastavro.parse_schema(json.loads(registry.get_schema(schema_id).schema_str))
        record = fastavro.schemaless_reader(io.BytesIO(body), writer, None)
        return json.dumps(record, default=str, ensure_ascii=False)
    except Exception:  # not Avro, or its schema is gone: show what the bytes are
        return value.decode(errors="replace")


def replay(producer: KafkaProducer, letters: list[DeadLetter], now_ms: int) -> int:
    """Send each dead letter back to its source topic; returns how many the broker acknowledged."""
    futures = []
    for letter in letters:
        target = letter.error("topic")
        if not target:
            raise KafkaError(f"dead letter {letter.partition}@{letter.offset} names no source topic")
        futures.append(
            producer.produce(target, letter.value, key=letter.key, headers=letter.replay_headers(now_ms))
        )
    producer.flush(30)
    return sum(1 for f in futures if f.done() and f.exception() is None)
