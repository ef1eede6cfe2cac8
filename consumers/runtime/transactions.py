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
While librdkafka commits (it refuses produce meanwhile), a sender awaits an event the commit sets when
it ends, so the processing loop never blocks. :meth:`send_many` produces a document's results and its
final ledger entry in one synchronous run, which a commit waits for, so no commit ever separates them.

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
        self._cond = threading.Condition()
        self._producing = 0  # senders inside their (synchronous) produce calls
        self._commit_running = False
        self._over = asyncio.Event()  # set when a running commit ends (binds to the loop on first wait)
        self._loop: asyncio.AbstractEventLoop | None = None
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
        # Wait out a commit on an event, never by blocking a thread on a lock for this coroutine: a task
        # cancelled while such a thread waited would leave the lock taken for good once it got it.
        if self._loop is None:  # known before any commit can need to wake this loop
            self._loop = asyncio.get_running_loop()
        while not self._enter():
            over = self._over
            # cleared here, on the loop, right after seeing the commit run: the commit's "set" is queued
            # only after that, so it cannot be lost, and a stale "set" cannot make this loop spin
            over.clear()
            await over.wait()
        try:
            if self._failed is not None:
                raise TransactionAborted(f"transaction aborted: {self._failed}", retriable=True)
            futures = [self._produce(r) for r in records]  # synchronous: a commit cannot cut through
            self._dirty = True
        finally:
            self._leave()
        return [await asyncio.wrap_future(f) for f in futures]

    def _announce_over(self) -> None:
        """Wake senders waiting for the commit to end, on the processing loop they all run on."""
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is already closed at shutdown
                self._loop.call_soon_threadsafe(self._over.set)

    def _enter(self) -> bool:
        with self._cond:
            if self._commit_running:
                return False
            self._producing += 1
            return True

    def _leave(self) -> None:
        with self._cond:
            self._producing -= 1
            self._cond.notify_all()

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
        with self._cond:
            self._commit_running = True
            self._cond.wait_for(lambda: self._producing == 0)  # producing takes microseconds, no awaits
        try:
            return self._commit(offsets, group_metadata)
        finally:
            with self._cond:
                self._commit_running = False
            self._announce_over()

    def _commit(self, offsets: list[TopicPartition], group_metadata: Any) -> bool:
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

    def fail(self, reason: str) -> None:
        """Give the transaction up (its commit did not return): every later send and commit is refused."""
        self._failed = RuntimeError(reason)
        log.error("runtime.txn_given_up", reason=reason)

    def _abort(self, err: Any) -> None:
        self._failed = RuntimeError(err.str())
        log.error("runtime.txn_aborted", error=err.str(), fatal=bool(err.fatal()))
        if not err.fatal():
            with contextlib.suppress(KafkaException):
                self._producer.abort_transaction(self._timeout_s)

    def close(self) -> None:
        """Abort whatever is still open (the runner committed what it could), then stop polling."""
        with self._cond:
            self._commit_running = True
            self._cond.wait_for(lambda: self._producing == 0)
        if self._failed is None:
            self._failed = RuntimeError("closed")
            with contextlib.suppress(KafkaException):
                self._producer.abort_transaction(self._timeout_s)
        self._closed.set()
        self._thread.join(timeout=5)
