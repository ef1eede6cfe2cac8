"""Exactly-once result events: a transactional producer committing results, final ledger entries, dead
letters, retry records and the consumer offsets together.

Why: results used to be acknowledged one by one and the offsets committed later; a crash between a
document's results and its final ledger entry made the next owner adopt the Exstream job and publish the
same results again (same ``result_id``, a second record). Now they are produced in the open transaction
and become visible to ``read_committed`` readers only with the offsets of the records that caused them.
A crash aborts (by timeout) everything since the last commit: the next owner redoes those records, and
finds STARTED in the ledger (written *outside* the transaction, durable at once, so it still resolves the
Exstream job by reference and never calls twice), adopts the job's outputs and publishes the results once.

Performance: nothing blocks or waits per record. A send produces into the open transaction and returns: it
does not await the record's delivery report, because a record of a transaction counts only once the
transaction commits, and ``commit_transaction`` flushes and acknowledges every record of it at once (a
record it could not deliver fails the commit). Its offset is therefore never committed without its
results: a record's results are produced before it completes, and its offset joins the open transaction or
a later one. No delivery callback is registered at all: a record the transaction could not deliver fails
its commit (librdkafka counts failed deliveries, and ``commit_transaction`` then requires an abort), and
a produce refused for good leaves the transaction abortable, so later sends are refused at once.
Per-record futures and callbacks were about a third of the processing thread's py-spy samples at window
2,048; a callback for failures only (``delivery.report.only.error``) still made confluent-kafka take the
GIL for every record's report, which it filters itself. The producer's own thread serves the reports in
bulk (:data:`POLL_INTERVAL_S`) to free their records. For the same reason the producer may linger longer
than a plain one (``TRANSACTION_LINGER_MS`` in :mod:`consumers.stream.assembly`): the commit sends what
lingers at once, so larger batches delay nothing a ``read_committed`` reader sees. The poll loop commits
every ``commit_interval_s``. While librdkafka commits (it refuses produce meanwhile), a sender awaits an
event the commit sets when it ends, so the processing loop never blocks.
:meth:`send_many` produces a document's results and its final ledger entry in one synchronous run, which a
commit waits for, so no commit ever separates them.

A transaction that fails (an abortable or fatal error, a failed delivery, offsets that could not be sent,
a commit that did not return) marks the sender *failed*: every later send raises
:class:`TransactionAborted`. The runner then recovers in place (:mod:`consumers.stream.recovery`) and
calls :meth:`TransactionalSender.renew`: the failed producer is aborted if it can be, retired, and a new
librdkafka producer with the **same** ``transactional.id`` is initialised — ``init_transactions`` fences
the old one and has the coordinator abort (or finish) its open transaction. A new producer rather than
the old one after an abort: librdkafka's ``send_offsets_to_transaction`` can hang past its timeout when
retried after a failure while the broker restarts (librdkafka #5456), and a fenced or fatal producer
cannot be used again at all. A retired producer is destroyed once no call is inside it any more.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

from confluent_kafka import KafkaException, Producer, TopicPartition

from bcx.kafka.errors import KafkaError, ProduceError
from bcx.kafka.producer import Headers
from bcx.logging import get_logger
from consumers.stream.deadline import call_with_deadline

log = get_logger(__name__)

RETIRED_WAIT_S = 300.0  # a retired producer still inside a (hung) call is destroyed once it returns


class Sender(Protocol):
    """What publishes a record: ``KafkaProducer`` (returns after the broker's ack) or a transaction (returns
    once the record is in the open transaction, which its commit acknowledges with the offsets)."""

    async def send(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | str | None = None,
        headers: Headers | None = None,
    ) -> object: ...


class Outgoing(NamedTuple):
    """A record to produce (a named tuple: one is made per result, and cheaply)."""

    topic: str
    value: bytes | None
    key: bytes | str | None = None
    headers: Headers | None = None


class TransactionAborted(KafkaError):
    """The open transaction failed: what it held is gone; the runner recovers and redoes those records."""


def _aborted(err: Any) -> TransactionAborted:
    return TransactionAborted(f"transaction aborted: {err.str()}", retriable=True, code=err.name())


POLL_INTERVAL_S = 0.05  # how often a transactional producer's delivery reports and errors are served


class _Generation:
    """One librdkafka producer of the sender; a failed transaction retires it for a new one."""

    def __init__(self, config: dict[str, Any], number: int) -> None:
        self.number = number
        # No delivery callback: a record the transaction could not deliver fails its commit (librdkafka
        # counts failed deliveries and ``commit_transaction`` then requires an abort), and a permanent
        # produce error puts the transaction in its abortable state, where ``produce`` refuses at once.
        # With a callback, confluent-kafka takes the GIL for every record's report, even with
        # ``delivery.report.only.error`` (it filters successes itself, after taking the GIL).
        self.producer = Producer(config)
        self.failed: str | None = None  # the open transaction cannot commit any more
        self.on_commit: list[Callable[[], None]] = []  # what the open transaction's commit makes true
        self.abortable = False  # abort_transaction may be called (not fatal, not hung)
        self.dirty = False
        self.committing = False  # a commit timed out: only commit_transaction may be called again
        self._busy = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._poll_loop, name=f"kafka-txn-poll-{number}", daemon=True)
        self._thread.start()

    def _poll_loop(self) -> None:
        # Reports are served in bulk, POLL_INTERVAL_S apart, not as each arrives: every return from
        # ``poll`` takes the GIL, and a poll waking per report (~1,000 times a second at 15,000 records/s)
        # took it from the processing loop as often. Served reports free their records, so librdkafka holds
        # at most an interval's worth of records beyond the ones in flight.
        while not self._closed.wait(POLL_INTERVAL_S):
            try:
                self.producer.poll(0)
            except KafkaException as exc:  # a fatal error (fenced): this producer is done, not the thread
                self.fail(f"producer: {exc.args[0].str()}", abortable=False)
                self._closed.wait(0.5)

    def call(self, method: str, *args: Any) -> Any:
        """A transactional call; while one runs (or hangs) the producer must not be destroyed."""
        with self._lock:
            self._busy += 1
        try:
            return getattr(self.producer, method)(*args)
        finally:
            with self._lock:
                self._busy -= 1

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._busy > 0

    def fail(self, reason: str, *, abortable: bool) -> None:
        if self.failed is None:
            self.failed = reason
            self.abortable = abortable

    def stop(self) -> None:
        self._closed.set()
        self._thread.join(timeout=5)


def _retire(gen: _Generation) -> None:
    """Destroy ``gen`` on a thread of its own once no call is inside it (a hung one may return late)."""

    def reap() -> None:
        deadline = time.monotonic() + RETIRED_WAIT_S
        while gen.busy and time.monotonic() < deadline:
            time.sleep(0.5)
        if gen.busy:  # its call never returned: leave it to that call's thread
            log.warning("runtime.txn_producer_still_busy", generation=gen.number)
        gen.stop()

    threading.Thread(target=reap, name=f"kafka-txn-retire-{gen.number}", daemon=True).start()


class TransactionalSender:
    """Produces into one open transaction at a time; :meth:`commit` is called by the poll loop."""

    def __init__(self, config: dict[str, Any], transactional_id: str, *, timeout_s: float = 10.0) -> None:
        self.transactional_id = transactional_id
        self._config = {**config, "transactional.id": transactional_id}
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._producing = 0  # senders inside their (synchronous) produce calls
        self._commit_running = False
        self._over = asyncio.Event()  # set when a running commit ends (binds to the loop on first wait)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._generations = 0
        self._gen = _Generation(self._config, self._next_number())
        try:
            self._gen.call("init_transactions", timeout_s)
            self._gen.producer.begin_transaction()
        except BaseException:
            _retire(self._gen)
            raise

    def _next_number(self) -> int:
        self._generations += 1
        return self._generations

    @property
    def failed(self) -> str | None:
        """Why the open transaction cannot commit (the runner must recover), or None."""
        return self._gen.failed

    @property
    def generation(self) -> int:
        """How many producers this sender has had (1 + recoveries)."""
        return self._generations

    # the processing side
    async def send(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | str | None = None,
        headers: Headers | None = None,
        *,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        """Produce into the open transaction (its commit acknowledges it: see the module docstring).

        ``on_commit`` runs (on the poll loop's thread) once that transaction has committed, never if it
        fails: the record is then redone, and sent again with its own ``on_commit``."""
        if self._loop is None or not self._enter():
            await self._await_turn()
        try:
            gen = self._open()
            self._produce(gen, topic, value, key, headers)
            if on_commit is not None:
                gen.on_commit.append(on_commit)
        finally:
            self._leave()

    async def send_many(
        self, records: Sequence[Outgoing], *, on_commit: Callable[[], None] | None = None
    ) -> None:
        """Produce ``records`` into the same transaction: no commit separates them (``on_commit``: as
        :meth:`send`)."""
        if self._loop is None or not self._enter():
            await self._await_turn()
        try:
            gen = self._open()
            for record in records:  # synchronous: no commit cuts through
                self._produce(gen, *record)
            if on_commit is not None:
                gen.on_commit.append(on_commit)
        finally:
            self._leave()

    async def _await_turn(self) -> None:
        """Enter (as :meth:`_enter`) once no commit runs."""
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

    def _open(self) -> _Generation:
        """The producer of the open transaction, which the caller (entered) is about to produce into."""
        gen = self._gen
        if gen.failed is not None:
            raise TransactionAborted(f"transaction aborted: {gen.failed}", retriable=True)
        gen.dirty = True  # before producing: a commit that races a failed produce still aborts it
        return gen

    def _announce_over(self) -> None:
        """Wake senders waiting for the commit to end, on the processing loop they all run on."""
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is already closed at shutdown
                self._loop.call_soon_threadsafe(self._over.set)

    # the bare lock on the per-record path (``Condition.__enter__`` is a Python call); the condition shares it
    def _enter(self) -> bool:
        with self._lock:
            if self._commit_running:
                return False
            self._producing += 1
            return True

    def _leave(self) -> None:
        with self._lock:
            self._producing -= 1
            if self._commit_running:  # set under this lock before a commit waits: nobody else to wake
                self._cond.notify_all()

    @staticmethod
    def _produce(
        gen: _Generation,
        topic: str,
        value: bytes | None,
        key: bytes | str | None = None,
        headers: Headers | None = None,
    ) -> None:
        try:
            if headers:
                gen.producer.produce(topic, value, key, headers=list(headers))
            else:
                gen.producer.produce(topic, value, key)
        except BufferError as exc:
            raise ProduceError("producer queue full", retriable=True, code="QUEUE_FULL") from exc
        except KafkaException as exc:
            err = exc.args[0]
            gen.fail(f"produce refused: {err.str()}", abortable=not err.fatal())
            raise _aborted(err) from exc

    # the poll-loop side
    def commit(self, offsets: list[TopicPartition], group_metadata: Any) -> bool:
        """Commit what was produced plus ``offsets``; False if the commit timed out (retry next turn).

        Raises :class:`TransactionAborted` when the transaction failed (the runner must recover)."""
        with self._cond:
            self._commit_running = True
            self._cond.wait_for(lambda: self._producing == 0)  # producing takes microseconds, no awaits
        gen = self._gen
        try:
            return self._commit(gen, offsets, group_metadata)
        finally:
            with self._cond:
                if self._gen is gen:  # a hung commit returning after a renewal must not open the gate
                    self._commit_running = False
            self._announce_over()

    def _commit(self, gen: _Generation, offsets: list[TopicPartition], group_metadata: Any) -> bool:
        if gen.failed is not None:
            raise TransactionAborted(f"transaction aborted: {gen.failed}")
        if not offsets and not gen.dirty and not gen.committing:
            return True
        if offsets and not gen.committing:
            try:
                gen.call("send_offsets_to_transaction", offsets, group_metadata, self._timeout_s)
            except KafkaException as exc:
                # never retried on this producer: a retry after a failure can hang (librdkafka #5456)
                err = exc.args[0]
                gen.fail(f"offsets not sent: {err.str()}", abortable=not err.fatal())
                raise _aborted(err) from exc
        gen.committing = True
        try:
            gen.call("commit_transaction", self._timeout_s)
        except KafkaException as exc:
            err = exc.args[0]
            if err.retriable() and not err.txn_requires_abort() and not err.fatal():
                log.warning("runtime.txn_commit_retry", error=err.str())
                return False
            gen.fail(err.str(), abortable=bool(err.txn_requires_abort()) and not err.fatal())
            raise _aborted(err) from exc
        gen.committing = False
        gen.dirty = False
        committed, gen.on_commit = gen.on_commit, []
        for callback in committed:
            try:
                callback()
            except Exception:  # what it reports (a metric) must not undo a commit that happened
                log.exception("runtime.txn_on_commit_failed")
        gen.producer.begin_transaction()
        return True

    def fail(self, reason: str, *, abortable: bool = False) -> None:
        """Give the transaction up (e.g. its commit did not return): later sends and commits are refused."""
        self._gen.fail(reason, abortable=abortable)
        log.error("runtime.txn_failed", reason=reason, generation=self._gen.number)

    def renew(self) -> bool:
        """Replace the failed producer with a new one of the same ``transactional.id`` and begin a
        transaction; False if that did not succeed in time (call again)."""
        old = self._gen
        if old.abortable and not old.busy:
            old.abortable = False  # one try: with the broker gone it only times out
            with contextlib.suppress(KafkaException):
                call_with_deadline("txn-abort", lambda: old.call("abort_transaction", self._timeout_s), 30)
        gen = _Generation(self._config, self._next_number())
        ready: list[bool] = []

        def init() -> None:
            gen.call("init_transactions", self._timeout_s)
            gen.producer.begin_transaction()
            ready.append(True)

        try:
            call_with_deadline("txn-init", init, self._timeout_s * 3)
        except KafkaException as exc:
            log.warning("runtime.txn_init_failed", error=str(exc), generation=gen.number)
        if not ready:
            _retire(gen)
            return False
        with self._cond:
            self._commit_running = True  # no sender enters meanwhile, and the last one out wakes us
            self._cond.wait_for(lambda: self._producing == 0, timeout=5)
            self._gen = gen
            self._commit_running = False
        self._announce_over()
        _retire(old)
        log.info("runtime.txn_producer_renewed", generation=gen.number)
        return True

    def close(self) -> None:
        """Abort whatever is still open (the runner committed what it could), then stop polling."""
        with self._cond:
            self._commit_running = True
            self._cond.wait_for(lambda: self._producing == 0)
        gen = self._gen
        if not self._closed and gen.failed is None and not gen.busy:
            gen.fail("closed", abortable=False)
            with contextlib.suppress(KafkaException):
                gen.call("abort_transaction", self._timeout_s)
        self._closed = True
        gen.stop()
