"""The runtime's view of one Kafka record, detached from confluent-kafka's ``Message``."""

from __future__ import annotations

from typing import Any, NamedTuple

TopicPartition = tuple[str, int]

# Headers the runtime adds when it moves a record to the retry topic (``bcx.retry.*``) or replays a dead
# letter (``bcx.replay.*``); the original coordinates survive both hops so lineage stays exact.
H_ORIGIN_TOPIC = "bcx.origin.topic"
H_ORIGIN_PARTITION = "bcx.origin.partition"
H_ORIGIN_OFFSET = "bcx.origin.offset"
H_RETRY_ATTEMPTS = "bcx.retry.attempts"
H_RETRY_ROUNDS = "bcx.retry.rounds"
H_RETRY_NOT_BEFORE = "bcx.retry.not_before_ms"
H_REPLAYED_AT = "bcx.replay.at"


class SourceRecord(NamedTuple):
    """One consumed record: coordinates, raw key/value bytes and headers.

    A named tuple, not a frozen dataclass: one is made per record consumed, and a frozen dataclass's
    ``__init__`` sets each of its seven fields through ``object.__setattr__`` (0.52 µs by timeit; a named
    tuple 0.16 µs). Immutable all the same."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()
    timestamp_ms: int | None = None

    @classmethod
    def from_message(cls, msg: Any) -> SourceRecord:
        timestamp_type, timestamp = msg.timestamp()
        headers = msg.headers()
        return cls(  # positional: one is made per record consumed
            msg.topic(),
            msg.partition(),
            msg.offset(),
            msg.key(),
            msg.value(),
            tuple(headers) if headers else (),
            timestamp if timestamp_type else None,
        )

    @property
    def tp(self) -> TopicPartition:
        return (self.topic, self.partition)

    def header(self, name: str) -> bytes | None:
        """The last value of header ``name`` (later headers override earlier ones)."""
        found = None
        for key, value in self.headers:
            if key == name:
                found = value
        return found

    def int_header(self, name: str, default: int = 0) -> int:
        raw = self.header(name)
        try:
            return int(raw) if raw is not None else default
        except ValueError:
            return default

    @property
    def origin(self) -> tuple[str, int, int]:
        """Where the record first entered this group: itself, or what the retry/replay headers say."""
        topic = self.header(H_ORIGIN_TOPIC)
        if topic is None:
            return (self.topic, self.partition, self.offset)
        return (
            topic.decode(errors="replace"),
            self.int_header(H_ORIGIN_PARTITION, -1),
            self.int_header(H_ORIGIN_OFFSET, -1),
        )

    def without_headers(self, *prefixes: str) -> tuple[tuple[str, bytes], ...]:
        return tuple((k, v) for k, v in self.headers if not k.startswith(prefixes))
