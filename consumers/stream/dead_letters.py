"""Dead letters and retry-topic records: the original bytes plus context headers.

Dead-letter headers follow Kafka Connect's ``__connect.errors.*`` in bcx's namespace:
``bcx.error.topic|partition|offset`` (where the record first entered the group), ``bcx.error.stage``,
``bcx.error.class`` (stable, e.g. ``exstream.bad_request``), ``bcx.error.exception.class``,
``bcx.error.exception.message``, ``bcx.error.attempts``, ``bcx.error.timestamp`` (epoch ms),
``bcx.error.group``. Messages never carry driver data (adapters keep it out of their errors).
"""

from __future__ import annotations

from consumers.stream.errors import ProcessingError
from consumers.stream.records import (
    H_ORIGIN_OFFSET,
    H_ORIGIN_PARTITION,
    H_ORIGIN_TOPIC,
    H_RETRY_ATTEMPTS,
    H_RETRY_NOT_BEFORE,
    H_RETRY_ROUNDS,
    SourceRecord,
)
from consumers.stream.transactions import Sender

ERROR_PREFIX = "bcx.error."
RETRY_PREFIX = "bcx.retry."
_MAX_MESSAGE = 1000

Headers = list[tuple[str, bytes]]


def _origin_headers(record: SourceRecord) -> Headers:
    topic, partition, offset = record.origin
    return [
        (H_ORIGIN_TOPIC, topic.encode()),
        (H_ORIGIN_PARTITION, str(partition).encode()),
        (H_ORIGIN_OFFSET, str(offset).encode()),
    ]


def dead_letter_headers(
    record: SourceRecord, error: BaseException, *, group: str, attempts: int, now_ms: int
) -> Headers:
    """The original headers (minus earlier error/retry context) followed by this failure's context."""
    topic, partition, offset = record.origin
    stage = error.stage if isinstance(error, ProcessingError) else "process"
    error_class = error.error_class if isinstance(error, ProcessingError) else "runtime.unexpected"
    cause = error.__cause__ if isinstance(error, ProcessingError) and error.__cause__ else error
    message = str(error)[:_MAX_MESSAGE]
    kept = list(record.without_headers(ERROR_PREFIX, RETRY_PREFIX, "bcx.origin."))
    return [
        *kept,
        *_origin_headers(record),
        (ERROR_PREFIX + "topic", topic.encode()),
        (ERROR_PREFIX + "partition", str(partition).encode()),
        (ERROR_PREFIX + "offset", str(offset).encode()),
        (ERROR_PREFIX + "stage", stage.encode()),
        (ERROR_PREFIX + "class", error_class.encode()),
        (ERROR_PREFIX + "exception.class", f"{type(cause).__module__}.{type(cause).__qualname__}".encode()),
        (ERROR_PREFIX + "exception.message", message.encode(errors="replace")),
        (ERROR_PREFIX + "attempts", str(attempts).encode()),
        (ERROR_PREFIX + "timestamp", str(now_ms).encode()),
        (ERROR_PREFIX + "group", group.encode()),
    ]


def retry_headers(record: SourceRecord, *, attempts: int, rounds: int, not_before_ms: int) -> Headers:
    kept = list(record.without_headers(RETRY_PREFIX, "bcx.origin."))
    return [
        *kept,
        *_origin_headers(record),
        (H_RETRY_ATTEMPTS, str(attempts).encode()),
        (H_RETRY_ROUNDS, str(rounds).encode()),
        (H_RETRY_NOT_BEFORE, str(not_before_ms).encode()),
    ]


class Rerouter:
    """Sends records to the group's dead-letter and retry topics (sent as ``Sender`` defines it)."""

    def __init__(self, producer: Sender, *, group: str, dlq_topic: str, retry_topic: str | None) -> None:
        self._producer = producer
        self.group = group
        self.dlq_topic = dlq_topic
        self.retry_topic = retry_topic

    async def dead_letter(
        self, record: SourceRecord, error: BaseException, *, attempts: int, now_ms: int
    ) -> None:
        headers = dead_letter_headers(record, error, group=self.group, attempts=attempts, now_ms=now_ms)
        await self._producer.send(self.dlq_topic, record.value, key=record.key, headers=headers)

    async def retry_later(
        self, record: SourceRecord, *, attempts: int, rounds: int, not_before_ms: int
    ) -> None:
        if self.retry_topic is None:
            raise RuntimeError("no retry topic configured")
        headers = retry_headers(record, attempts=attempts, rounds=rounds, not_before_ms=not_before_ms)
        await self._producer.send(self.retry_topic, record.value, key=record.key, headers=headers)
