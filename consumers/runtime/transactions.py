"""Exactly-once result events: a transactional producer committing results, final ledger entries, dead
letters, retry records and the consumer offsets together.

Why: results used to be acknowledged one by one and the offsets committed later; a crash between a
document's results and its final ledger entry made the next owner adopt the Exstream job and publish the
same results again (same ``result_id``, a second record). Now they are produced in the open transaction
and become visible to ``read_committed`` readers only with the offsets of the records that caused them.
A crash aborts (by timeout) everything since the last commit: the next owner redoes those records, and
finds STARTED in the ledger (written *outside* the transaction, durable at once, so it still resolves the
Exstream job by reference and never calls twice), adopts the job's outputs and publishes the results once.

Performance: nothing blocks per record. Records are produced into the open transaction as before (the
processing loop awaits the broker's ack, not a commit); the poll loop commits every ``commit_interval_s``.
A commit holds a lock only while librdkafka commits; a sender that finds it taken waits on a worker
thread, so the processing loop never blocks. :meth:`send_many` produces a document's results and its
final ledger entry under one hold of that lock, so no commit ever separates them.

A transaction that must be aborted stops the process (exit 3): records the aborted transaction covered
are then redone by whoever owns their partitions next, from the committed ledger. A commit that times
out (broker unreachable) is retried on the next turn.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from confluent_kafka import KafkaException, Producer, TopicPartition

from bcx.kafka.errors import KafkaError, ProduceError
from bcx.kafka.producer import Delivered, Headers
from bcx.logging import get_logger

log = get_logger(__name__)


class Sender(Protocol):
    """What publishes a record and returns after the broker's ack: ``KafkaProducer`` or a transaction."""

    async def send(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | str | None = None,
        headers: Headers | None = None,
    ) -> Delivered: ...


@dataclass(frozen=True)
class Outgoing:
    topic: str
    value: bytes | None
    key: bytes | str | None = None
    headers: Headers | None = None


class TransactionAborted(KafkaError):
    """The open transaction was aborted: what it held is gone; the process must stop and be redone."""


def _translate(err: Any) -> ProduceError:
    return ProduceError(f"delivery failed: {err.str()}", retriable=bool(err.retriable()), code=err.name())


class TransactionalSender:
    """Produces into one open transaction at a time; :meth:`commit` is called by the poll loop."""

    def __init__(self, config: dict[str, Any], transactional_id: str, *, timeout_s: float = 10.0) -> None:
        self.transactional_id = transactional_id
        self._timeout_s = timeout_s
        self._producer = Producer({**config, "transactional.id": transactional_id})
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._failed: BaseException | None = None
        self._dirty = False
        self._committing = False  # a commit timed out: only commit_transaction may be called again
        self._thread = threading.Thread(target=self._poll_loop, name="kafka-txn-poll", daemon=True)
        self._thread.start()
        self._producer.init_transactions(timeout_s)
        self._producer.begin_transaction()

    def _poll_loop(self) -> None:
        while not self._closed.is_set():
            self._producer.poll(0.05)

    # the processing side
    async def send(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | str | None = None,
        headers: Headers | None = None,
    ) -> Delivered:
        [delivered] = await self.send_many([Outgoing(topic, value, key, headers)])
        return delivered

    async def send_many(self, records: Sequence[Outgoing]) -> list[Delivered]:
        """Produce ``records`` into the same transaction (no commit between them); await every ack."""
        if not self._lock.acquire(blocking=False):
            await asyncio.get_running_loop().run_in_executor(None, self._lock.acquire)
        try:
            if self._failed is not None:
                raise TransactionAborted(f"transaction aborted: {self._failed}", retriable=True)
            futures = [self._produce(r) for r in records]
            self._dirty = True
        finally:
            self._lock.release()
        return [await asyncio.wrap_future(f) for f in futures]

    def _produce(self, record: Outgoing) -> concurrent.futures.Future[Delivered]:
        future: concurrent.futures.Future[Delivered] = concurrent.futures.Future()

        def on_delivery(err: Any, msg: Any) -> None:
            if future.cancelled():  # the awaiting task gave up; never raise on the poll thread
                return
            with contextlib.suppress(concurrent.futures.InvalidStateError):
                if err is not None:
                    future.set_exception(_translate(err))
                else:
                    future.set_result(Delivered(msg.topic(), msg.partition(), msg.offset()))

        kwargs: dict[str, Any] = {"value": record.value, "key": record.key, "on_delivery": on_delivery}
        if record.headers:
            kwargs["headers"] = list(record.headers)
        try:
            self._producer.produce(record.topic, **kwargs)
        except BufferError as exc:
            raise ProduceError("producer queue full", retriable=True, code="QUEUE_FULL") from exc
        except KafkaException as exc:
            raise _translate(exc.args[0]) from exc
        return future

    # the poll-loop side
    def commit(self, offsets: list[TopicPartition], group_metadata: Any) -> bool:
        """Commit what was produced plus ``offsets``; False if it timed out (retry on the next turn).

        Raises :class:`TransactionAborted` when the transaction had to be aborted."""
        with self._lock:
            if self._failed is not None:
                raise TransactionAborted(f"transaction aborted: {self._failed}")
            if not offsets and not self._dirty and not self._committing:
                return True
            try:
                if offsets and not self._committing:
                    self._producer.send_offsets_to_transaction(offsets, group_metadata, self._timeout_s)
                self._committing = True
                self._producer.commit_transaction(self._timeout_s)
            except KafkaException as exc:
                err = exc.args[0]
                if err.retriable() and not err.txn_requires_abort() and not err.fatal():
                    log.warning("runtime.txn_commit_retry", error=err.str())
                    return False
                self._abort(err)
                raise TransactionAborted(f"transaction aborted: {err.str()}") from exc
            self._committing = False
            self._dirty = False
            self._producer.begin_transaction()
            return True

    def _abort(self, err: Any) -> None:
        self._failed = RuntimeError(err.str())
        log.error("runtime.txn_aborted", error=err.str(), fatal=bool(err.fatal()))
        if not err.fatal():
            with contextlib.suppress(KafkaException):
                self._producer.abort_transaction(self._timeout_s)

    def close(self) -> None:
        """Abort whatever is still open (the runner committed what it could), then stop polling."""
        with self._lock:
            if self._failed is None:
                self._failed = RuntimeError("closed")
                with contextlib.suppress(KafkaException):
                    self._producer.abort_transaction(self._timeout_s)
        self._closed.set()
        self._thread.join(timeout=5)
