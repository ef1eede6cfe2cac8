"""Encoding a :class:`WebhookEvent` and waiting, for a bounded time, until Kafka acknowledged it.

The record is produced with the idempotent, acks=all producer; the handler awaits the future resolved by
the delivery report (no flush per request). When the wait times out the record stays queued in librdkafka
and may still be delivered later — BigCommerce's retry then publishes a duplicate with the same event id,
which consumers absorb. Every failure becomes :class:`Unavailable` (503 + Retry-After).
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from bcx.avro.errors import SerializationError
from bcx.contracts.webhook_event import WebhookEvent
from bcx.kafka.errors import ProduceError, ProducerQueueFull
from bcx.kafka.producer import Delivered, KafkaProducer
from bcx.logging import EVENT_ID_HEADER, get_logger
from producers.webhook_bridge.delivery import DeliveryExpired, DeliveryWaits
from producers.webhook_bridge.errors import Unavailable
from producers.webhook_bridge.metrics import BridgeMetrics

log = get_logger(__name__)


class EventCodec(Protocol):
    def encode(self, record: WebhookEvent) -> bytes: ...

    def schema_id(self) -> int: ...


class Publisher:
    def __init__(
        self,
        producer: KafkaProducer,
        codec: EventCodec,
        topic: str,
        *,
        timeout_s: float,
        metrics: BridgeMetrics,
    ) -> None:
        self._producer = producer
        self._codec = codec
        self._topic = topic
        self._timeout = timeout_s
        self._metrics = metrics
        self._schema_id: int | None = None
        self._schema_lock = asyncio.Lock()
        self._schema_failed_at = -1e9
        self._waits: DeliveryWaits | None = None  # made on the serving loop, at the first publish

    @property
    def topic(self) -> str:
        return self._topic

    @property
    def schema_id(self) -> int | None:
        """The writer schema's registry id once resolved (readiness), else ``None``."""
        return self._schema_id

    async def ensure_schema(self) -> int:
        """Resolve the writer schema id off the event loop (the registry call blocks), at most once a second.

        Until it succeeds every callback is answered 503, so a registry outage at start-up heals itself.
        """
        if self._schema_id is not None:
            return self._schema_id
        async with self._schema_lock:
            resolved = self.schema_id  # another request may have resolved it while we waited for the lock
            if resolved is not None:
                return resolved
            if time.monotonic() - self._schema_failed_at < 1.0:
                raise Unavailable("schema_unavailable", "registry failed less than a second ago")
            try:
                self._schema_id = await asyncio.to_thread(self._codec.schema_id)
            except SerializationError as exc:
                self._schema_failed_at = time.monotonic()
                raise Unavailable("schema_unavailable", str(exc)) from exc
            return self._schema_id

    async def publish(self, event: WebhookEvent) -> Delivered:
        """Return where the broker stored ``event``; raise :class:`Unavailable` if it did not in time."""
        if self._schema_id is None:
            await self.ensure_schema()
        try:
            value = self._codec.encode(event)
        except SerializationError as exc:
            # the registry is unreachable (schema id not resolved yet) or the record does not fit the schema
            raise Unavailable("schema_unavailable", str(exc)) from exc
        started = time.perf_counter()
        try:
            future = self._producer.produce(self._topic, value, key=event.key, headers=_headers(event))
        except ProducerQueueFull as exc:
            raise Unavailable("kafka_queue_full") from exc
        except ProduceError as exc:
            raise Unavailable("kafka_unavailable", str(exc)) from exc
        waits = self._waits
        if waits is None or waits.loop is not asyncio.get_running_loop():
            waits = self._waits = DeliveryWaits(self._timeout)
        try:
            delivered = await waits.wait(future)
        except DeliveryExpired:
            raise Unavailable("kafka_timeout", f"no acknowledgement within {self._timeout}s") from None
        except ProduceError as exc:
            if not exc.retriable:
                log.error("bridge.produce_failed", code=exc.code, error=str(exc))
            raise Unavailable("kafka_unavailable", str(exc)) from exc
        self._metrics.produce_latency.observe(time.perf_counter() - started)
        return delivered


def _headers(event: WebhookEvent) -> list[tuple[str, bytes]]:
    return [(EVENT_ID_HEADER, event.event_id.encode()), ("bcx.scope", event.scope.encode())]
