"""A confluent-kafka producer whose sends are futures resolved by the delivery report.

librdkafka calls delivery callbacks from ``poll()``; a daemon thread polls, so callers never flush per record
and an asyncio handler simply ``await``s :meth:`KafkaProducer.send` — the answer comes only after the broker
acknowledged the record (acks=all) or refused it. ``send`` resolves an asyncio future in batches
(:mod:`bcx.kafka.deliveries`); ``produce`` returns a thread-safe ``concurrent.futures.Future``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaError as _ForeignKafkaError
from confluent_kafka import KafkaException, Producer

from bcx.kafka.deliveries import DeliveryBatcher
from bcx.kafka.errors import ProduceError, ProducerQueueFull

Headers = Sequence[tuple[str, bytes]]


@dataclass(frozen=True)
class Delivered:
    """Where the broker stored a record."""

    topic: str
    partition: int
    offset: int


def _translate(err: Any) -> ProduceError:
    return ProduceError(
        f"delivery failed: {err.str()}",
        retriable=bool(err.retriable()) or err.code() == _ForeignKafkaError._MSG_TIMED_OUT,
        code=err.name(),
    )


def _delivered(msg: Any) -> Delivered:
    return Delivered(msg.topic(), msg.partition(), msg.offset())


class KafkaProducer:
    """Thread-safe; one per process is enough. ``close()`` flushes what is queued."""

    def __init__(self, config: dict[str, Any], *, poll_interval: float = 0.05) -> None:
        self._producer = Producer(config)
        self._poll_interval = poll_interval
        self._closed = threading.Event()
        self._deliveries: DeliveryBatcher[Delivered] = DeliveryBatcher(_delivered, _translate)
        self._thread = threading.Thread(target=self._poll_loop, name="kafka-producer-poll", daemon=True)
        self._thread.start()

    def _poll_loop(self) -> None:
        while not self._closed.is_set():
            self._producer.poll(self._poll_interval)
            self._deliveries.flush()

    def produce(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | str | None = None,
        headers: Headers | None = None,
        partition: int | None = None,
    ) -> concurrent.futures.Future[Delivered]:
        """Queue a record; the future resolves once the broker acknowledged it, or fails with ProduceError."""
        future: concurrent.futures.Future[Delivered] = concurrent.futures.Future()

        def on_delivery(err: Any, msg: Any) -> None:
            # The awaiting task may have been cancelled (a deadline, a lost partition); setting the result
            # of its cancelled future would raise here, on the poll thread, and kill it: no delivery report
            # would ever be handed out again and every later send would wait for good.
            if future.cancelled():
                return
            with contextlib.suppress(concurrent.futures.InvalidStateError):
                if err is not None:
                    future.set_exception(_translate(err))
                else:
                    future.set_result(_delivered(msg))

        self._produce(topic, value, key, headers, partition, on_delivery)
        return future

    def _produce(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | str | None,
        headers: Headers | None,
        partition: int | None,
        on_delivery: Any,
    ) -> None:
        kwargs: dict[str, Any] = {"value": value, "key": key, "on_delivery": on_delivery}
        if headers:
            kwargs["headers"] = list(headers)
        if partition is not None:
            kwargs["partition"] = partition
        try:
            self._producer.produce(topic, **kwargs)
        except BufferError as exc:
            raise ProducerQueueFull() from exc
        except KafkaException as exc:
            raise _translate(exc.args[0]) from exc

    async def send(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | str | None = None,
        headers: Headers | None = None,
    ) -> Delivered:
        future, on_delivery = self._deliveries.future(asyncio.get_running_loop())
        self._produce(topic, value, key, headers, None, on_delivery)
        return await future

    def flush(self, timeout: float = 30.0) -> int:
        """Wait for queued records; returns how many are still undelivered."""
        remaining: int = self._producer.flush(timeout)
        self._deliveries.flush()  # reports served by this flush, on this thread
        return remaining

    def queue_length(self) -> int:
        return len(self._producer)

    def list_topics(self, timeout: float = 5.0) -> Any:
        """Cluster metadata through the producer's own connections (a cheap readiness probe)."""
        try:
            return self._producer.list_topics(timeout=timeout)
        except KafkaException as exc:
            raise _translate(exc.args[0]) from exc

    def close(self, timeout: float = 30.0) -> int:
        remaining = self.flush(timeout)
        self._closed.set()
        self._thread.join(timeout=5)
        return remaining
