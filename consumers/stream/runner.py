"""The poll loop: owns the Kafka consumer, offsets, backpressure, rebalances and shutdown.

Runs on the main thread and never blocks longer than one ``consume`` timeout (≤ 0.2 s), a revocation
drain (``drain_timeout_s``) or the shutdown drain — each validated to stay well below
``max.poll.interval.ms`` — whatever Exstream does, because processing happens on the executor's loop.

- Offsets: an :class:`OffsetTracker` per partition; the contiguous finished prefix is committed every
  ``commit_interval_s``, at once when the process has drained (nothing held), and on revocation and
  shutdown (:mod:`consumers.stream.commits`: inside the transaction when there is one); a partition
  with ``max_uncommitted_per_partition`` records past its committable offset (by default 1,000 or twice
  the window, whichever is larger) is paused (bounds what a crash replays).
- Backpressure: at most ``max_in_flight + max_waiting_records`` records and ``max_held_kbytes`` held
  (:class:`HoldBudget`), of which the executor runs at most ``max_in_flight`` at once
  (:mod:`consumers.stream.dispatch`); a partition holding more than its share of the budget
  (:class:`PartitionShares`, or ``max_in_flight_per_partition``) is paused until it drained. A full budget
  first stops consuming (librdkafka's prefetch is bounded by ``fetch_queue_kbytes``); if it stays full for
  ``pause_after_s``, partitions are paused (``consumer.pause``) and the loop keeps polling for rebalances —
  memory stays flat, nothing is dropped — until the budget drains to its low-water mark.
- Retry topic: a record whose ``not_before`` is in the future pauses its partition (seeking back to it)
  until it is due, so delayed retries cost no window slots.
- Rebalances (KIP-848, incremental): revoked partitions are drained (deadline), committed, then let go;
  lost partitions are abandoned without a commit; assigned partitions wait for the ledger to catch up.
  librdkafka keeps a partition's pause across revoke and re-assign, so every partition is resumed when it
  is let go and again when it is assigned; otherwise a partition paused for backpressure comes back
  paused and is never read again.
- No blocking call without a deadline: synchronous commits and ``close()`` (which wait for the group
  coordinator without bound) run under :func:`call_with_deadline`.
- Stall watch: assigned partitions with lag and no record consumed or finished for ``stall_timeout_s``
  fail ``/livez`` (:class:`ProgressWatch`).
- A failed transaction is recovered from in place (:mod:`consumers.stream.recovery`): no commit and no
  record handed out until its work is rewound; meanwhile the loop keeps polling for rebalances.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from confluent_kafka import KafkaException, TopicPartition

from bcx.logging import get_logger
from consumers.stream.commits import Committer, LagMeter
from consumers.stream.consumer import ConsumedMessage, ConsumerFactory, StreamConsumer, kafka_consumer
from consumers.stream.deadline import call_with_deadline
from consumers.stream.executor import Executor
from consumers.stream.holding import HoldBudget, PartitionShares, record_bytes
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.offsets import OffsetTracker
from consumers.stream.progress import ProgressWatch
from consumers.stream.records import H_RETRY_NOT_BEFORE, SourceRecord
from consumers.stream.records import TopicPartition as TP
from consumers.stream.recovery import RecoveryFailed, TransactionRecovery
from consumers.stream.settings import RuntimeSettings
from consumers.stream.transactions import TransactionalSender

log = get_logger(__name__)

EXIT_OK = 0
EXIT_FATAL = 3
CLOSE_DEADLINE_S = 10.0
IDLE_COMMIT_GAP_S = 0.1  # a drained process commits at once, but no more often than this
ROOM_WAIT_S = 0.005  # with the budget (nearly) full, how often finished records are collected


class ConsumerRunner:
    def __init__(
        self,
        *,
        consumer_config: dict[str, Any],
        topics: list[str],
        executor: Executor[Any],
        settings: RuntimeSettings,
        metrics: RuntimeMetrics,
        retry_topic: str | None = None,
        ledger_ready: Callable[[float], bool] | None = None,
        shutdown: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        transactions: TransactionalSender | None = None,
        ledger_rollback: Callable[[], int] | None = None,
        consumer_factory: ConsumerFactory = kafka_consumer,
    ) -> None:
        self._settings = settings
        self._topics = topics
        self._retry_topic = retry_topic
        self._executor = executor
        self._metrics = metrics
        self._ledger_ready = ledger_ready
        self.shutdown = shutdown or threading.Event()
        self._clock = clock
        self._wall = wall_clock
        self._consumer: StreamConsumer = consumer_factory(
            {
                **consumer_config,
                "max.poll.interval.ms": settings.max_poll_interval_ms,
                "queued.max.messages.kbytes": settings.fetch_queue_kbytes,
            }
        )
        self._trackers: dict[TP, OffsetTracker] = {}
        self._paused: set[TP] = set()
        self._delayed: dict[TP, float] = {}  # retry-topic partitions waiting until a wall-clock time
        self._in_flight = 0  # records held: handed to the executor, running or waiting
        self._budget = HoldBudget(
            settings.max_in_flight + settings.max_waiting_records,
            settings.max_held_kbytes * 1024,
            refill_at=min(settings.consume_batch, settings.max_waiting_records // 4),
        )
        self._space_paused = False  # paused for a full budget: until it drained to its low-water mark
        self._shares: PartitionShares[TP] = PartitionShares(
            settings.max_in_flight, self._budget.max_records, settings.max_in_flight_per_partition
        )
        self._full_since: float | None = None
        self._last_commit = clock()
        self._finished_since_commit = False  # records finished since the last commit of every partition
        self.last_poll = clock()
        self.progress = ProgressWatch(settings.stall_timeout_s, clock())
        self._txn = transactions
        self._committer = Committer(self._consumer, metrics, transactions, self._on_txn_failed)
        self._recovery = (
            TransactionRecovery(
                consumer=self._consumer,
                executor=executor,
                transactions=transactions,
                metrics=metrics,
                budget_s=settings.transaction_recovery_timeout_s,
                clock=clock,
                ledger_rollback=ledger_rollback,
                ledger_ready=ledger_ready,
                ledger_timeout_s=settings.ledger_catch_up_timeout_s,
            )
            if transactions is not None
            else None
        )
        self._lag = LagMeter(self._consumer, metrics, clock)
        self.ready = False
        self.fatal: BaseException | None = None
        executor.on_fatal = self._on_fatal

    # health
    def alive(self) -> bool:
        """The poll loop turned recently, the processing loop runs and the work is not stalled."""
        now = self._clock()
        stale = now - self.last_poll > self._settings.max_poll_interval_ms / 2000
        stalled = self.progress.stalled(now)
        self._metrics.stalled.set(1 if stalled else 0)
        return not stale and not stalled and self._executor.alive()

    def _on_fatal(self, exc: BaseException) -> None:
        self.fatal = exc
        self.shutdown.set()

    def _on_txn_failed(self, exc: BaseException) -> None:
        if self._recovery is None:
            self._on_fatal(exc)
            return
        try:
            self._recovery.begin(str(exc), self._trackers)
        except RecoveryFailed as failed:
            self._on_fatal(failed)

    def _recovering(self) -> bool:
        """Recovery from a failed transaction under way: advance it, poll without taking records."""
        recovery = self._recovery
        if recovery is None:
            return False
        if not recovery.active and self._txn is not None and self._txn.failed is not None:
            self._on_txn_failed(RuntimeError(self._txn.failed))  # failed outside a commit (a delivery)
        if not recovery.active:
            return False
        try:
            done = recovery.advance(self._trackers, self._in_flight)
        except RecoveryFailed as exc:
            self._on_fatal(exc)
            return True
        if done:
            self._delayed.clear()  # retry-topic partitions were rewound: their holds come back when due
            self._full_since = None
            for tp in self._trackers:
                self._lag.forget(tp)
            self.progress.moved(self._clock())
            return False
        hold = set(self._trackers) - self._paused
        if hold:
            self._consumer.pause([TopicPartition(t, p) for t, p in hold])
            self._paused |= hold
        try:
            messages = self._consumer.consume(self._settings.consume_batch, 0.1)
        except KafkaException as exc:
            log.warning("runtime.consume_failed", error=str(exc))
            messages = []
        for msg in messages:  # fetched before the pause took effect: read again once recovered
            if msg.error() is None and (record := SourceRecord.from_message(msg)).tp in self._trackers:
                self._consumer.seek(TopicPartition(record.topic, record.partition, record.offset))
        self.last_poll = self._clock()
        return True

    # the loop
    def run(self) -> int:
        self._consumer.subscribe(
            self._topics + ([self._retry_topic] if self._retry_topic else []),
            on_assign=self._on_assign,
            on_revoke=self._on_revoke,
            on_lost=self._on_lost,
        )
        self.ready = True
        log.info("runtime.started", group=self._executor.group, topics=self._topics)
        try:
            while not self.shutdown.is_set():
                self._turn()
        finally:
            self.ready = False
            self._close()
        return EXIT_FATAL if self.fatal is not None else EXIT_OK

    def _turn(self) -> None:
        self._collect()
        if self._recovering():
            return
        now = self._clock()
        since = now - self._last_commit
        # Drained: nothing held and something finished since the last commit. Committing now, not at the
        # interval, makes the end of a burst visible at once (a read_committed reader waited up to a
        # whole interval for the last results); at most one commit per IDLE_COMMIT_GAP_S.
        idle = self._in_flight == 0 and self._finished_since_commit and since >= IDLE_COMMIT_GAP_S
        if idle or since >= self._settings.commit_interval_s:
            self._commit(asynchronous=True)
            self._report_lag()
            self._last_commit = now
        if self._budget.full or (not self._budget.roomy and self._executor.saturated()):
            # Budget full: wait for completions rather than consuming. Pausing at once would make
            # librdkafka drop its prefetched records and fetch them again on resume, a round trip per
            # window; partitions are paused only when the window stays full (Exstream is really slow).
            # Nearly full with every slot busy: wait too, for room worth a consume (and that counts as
            # full for pause_after_s: every slot busy that long means Exstream is the bottleneck). The
            # wait is in steps, not until the next hand-back: woken by each (~600 a second at window
            # 2,048, ~25 records each), this thread took the GIL from the processing loop as often and
            # handed it records in as many small batches, which would only have waited for a slot.
            self._full_since = self._full_since if self._full_since is not None else now
            if now - self._full_since < self._settings.pause_after_s:
                self.shutdown.wait(ROOM_WAIT_S)
                self._collect()
                self.last_poll = self._clock()
                return
        else:
            self._full_since = None
        self._apply_backpressure()
        free = self._budget.free
        wanted = max(1, min(self._settings.consume_batch, free))
        timeout = 0.01 if self._in_flight else 0.2
        try:
            messages = self._take(wanted, timeout)
        except KafkaException as exc:
            log.error("runtime.consume_failed", error=str(exc))
            messages = []
        self.last_poll = self._clock()
        batch: list[SourceRecord] = []
        held: set[TP] = set()
        redelivered = 0
        size = 0
        trackers = self._trackers
        for msg in messages:
            err = msg.error()
            if err is not None:
                log.warning("runtime.consume_error", error=err.str())
                continue
            record = SourceRecord.from_message(msg)
            tp = (record.topic, record.partition)
            tracker = trackers.get(tp)
            if tracker is None or tp in held:
                continue  # revoked meanwhile, or behind a delayed retry record in this batch
            if tracker.handed_out(record.offset):
                # a defence (never seen in tests): an offset the client hands out again, e.g. re-fetched
                # across the pauses the buffer shares make frequent, must not run a second time behind
                # later records of its key; rewinds (recovery, assignment) start a new tracker instead
                redelivered += 1
                continue
            if record.topic == self._retry_topic and self._hold_until_due(record):
                held.add(tp)
                continue
            tracker.add(record.offset)
            size += record_bytes(record)
            batch.append(record)
        # the budget and the in-flight count move once per batch (the loop above runs once a record)
        self._in_flight += len(batch)
        self._budget.take(size, len(batch))
        if redelivered:
            log.warning("runtime.redelivered_skipped", records=redelivered)
        if batch:
            self.progress.moved(self.last_poll)
        self._executor.submit(batch)
        self._metrics.in_flight.set(self._in_flight)

    def _take(self, wanted: int, timeout: float) -> Sequence[ConsumedMessage]:
        """Up to ``wanted`` records, waiting at most ``timeout`` for the first one only.

        librdkafka's ``consume(n, timeout)`` returns early only once it has ``n`` records: a record reaching
        an idle consumer waited out the whole timeout (0–200 ms added to its latency at low rates)."""
        consumer = self._consumer
        messages = consumer.consume(wanted, 0)
        if messages:
            return messages
        first = consumer.consume(1, timeout)
        if not first or wanted == 1:
            return first
        return [*first, *consumer.consume(wanted - 1, 0)]

    def _hold_until_due(self, record: SourceRecord) -> bool:
        due_ms = record.int_header(H_RETRY_NOT_BEFORE)
        if due_ms <= self._wall() * 1000:
            return False
        self._consumer.seek(TopicPartition(record.topic, record.partition, record.offset))
        self._delayed[record.tp] = due_ms / 1000
        return True

    def _collect(self, block_s: float = 0.0) -> None:
        """Apply finished records reported by the executor (waiting up to ``block_s`` for the first)."""
        completions = self._executor.completions
        try:
            batch = completions.get(timeout=block_s) if block_s else completions.get_nowait()
        except queue.Empty:
            return
        trackers = self._trackers
        while True:
            freed = 0
            for completion in batch:
                tracker = trackers.get(completion.tp)
                freed += completion.size
                if tracker is not None and completion.abandoned:
                    tracker.abandon(completion.offset)
                elif tracker is not None:
                    tracker.done(completion.offset)
            self._budget.give(freed, len(batch))
            self._in_flight -= len(batch)
            self._finished_since_commit = True
            try:
                batch = completions.get_nowait()
            except queue.Empty:
                break
        self.progress.moved(self._clock())

    def _apply_backpressure(self) -> None:
        over_share = self._shares.over({tp: t.in_flight for tp, t in self._trackers.items()})
        if self._full_since is not None and self._budget.full:
            self._space_paused = True
        elif self._space_paused and self._budget.drained:
            self._space_paused = False
        full = self._space_paused
        now = self._wall()
        for tp, until in list(self._delayed.items()):
            if until <= now:
                del self._delayed[tp]
        replay = self._settings.replay_bound
        # a slow record holds the commit back while later ones finish; bounding that distance bounds what
        # a crash makes the next owner redo (the enricher re-enriching, a consumer re-checking its ledger)
        wanted = (
            {tp for tp, t in self._trackers.items() if full or t.uncommitted() >= replay}
            | set(self._delayed)
            | over_share
        )
        wanted &= set(self._trackers)
        to_pause = wanted - self._paused
        to_resume = self._paused - wanted
        if to_pause:
            self._consumer.pause([TopicPartition(t, p) for t, p in to_pause])
        if to_resume:
            self._consumer.resume([TopicPartition(t, p) for t, p in to_resume])
        self._paused = wanted
        self._metrics.paused_partitions.set(len(wanted))

    def _commit(self, *, asynchronous: bool, only: set[TP] | None = None) -> None:
        if self._recovery is not None and self._recovery.active:
            return  # the trackers still count work of the failed transaction: committing would skip it
        if only is None:
            self._finished_since_commit = False
        committed = self._committer.commit(self._trackers, asynchronous=asynchronous, only=only)
        if committed and self._recovery is not None:
            self._recovery.committed()

    def _report_lag(self) -> None:
        total = self._lag.measure(self._trackers)
        now = self._clock()
        self.progress.observe_lag(total, len(self._trackers), now)
        self._metrics.seconds_since_progress.set(self.progress.idle_s(now))
        self._metrics.stalled.set(1 if self.progress.stalled(now) else 0)

    def _drain(self, partitions: set[TP], timeout_s: float) -> bool:
        """Wait until no record of ``partitions`` is in flight; False at the deadline."""
        deadline = self._clock() + timeout_s
        while any(self._trackers[tp].in_flight for tp in partitions if tp in self._trackers):
            remaining = deadline - self._clock()
            if remaining <= 0:
                return False
            self._collect(block_s=min(remaining, 0.1))
        return True

    # rebalance callbacks (run inside consume, on this thread)
    def _on_assign(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        self._metrics.rebalance("assigned", len(partitions))
        ready = self._ledger_ready
        if ready is not None and partitions and not ready(self._settings.ledger_catch_up_timeout_s):
            self._on_fatal(RuntimeError("the ledger did not catch up in time; refusing to process"))
        for p in partitions:
            self._trackers[(p.topic, p.partition)] = OffsetTracker()
            self._lag.forget((p.topic, p.partition))
        self._resume(partitions)
        log.info("runtime.assigned", partitions=[f"{p.topic}[{p.partition}]" for p in partitions])

    def _on_revoke(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        tps = {(p.topic, p.partition) for p in partitions}
        self._metrics.rebalance("revoked", len(tps))
        drained = self._drain(tps, self._settings.drain_timeout_s)
        if not drained:
            log.warning("runtime.drain_deadline", partitions=sorted(tps))
            self._executor.abandon(tps, timeout=5)
            self._collect()
        self._commit(asynchronous=False, only=tps)
        self._forget(tps)
        log.info("runtime.revoked", partitions=sorted(tps), drained=drained)

    def _on_lost(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        tps = {(p.topic, p.partition) for p in partitions}
        self._metrics.rebalance("lost", len(tps))
        self._executor.abandon(tps, timeout=5)
        self._collect()
        self._forget(tps)
        log.warning("runtime.lost", partitions=sorted(tps))

    def _resume(self, partitions: list[TopicPartition]) -> None:
        """Clear librdkafka's pause flag, which survives revoke and re-assign (a re-assigned partition
        paused for backpressure would otherwise never deliver again)."""
        if not partitions:
            return
        try:
            self._consumer.resume([TopicPartition(p.topic, p.partition) for p in partitions])
        except KafkaException as exc:
            log.warning("runtime.resume_failed", error=str(exc))

    def _forget(self, tps: set[TP]) -> None:
        self._resume([TopicPartition(t, p) for t, p in tps])
        for tp in tps:
            self._trackers.pop(tp, None)
            self._paused.discard(tp)
            self._delayed.pop(tp, None)
            self._lag.forget(tp)
            self._metrics.forget_lag(*tp)

    def _close(self) -> None:
        everything = set(self._trackers)
        if not self._drain(everything, self._settings.shutdown_timeout_s):
            log.warning("runtime.shutdown_deadline", in_flight=self._in_flight)
            self._executor.abandon(everything, timeout=5)
            self._collect()
        self._commit(asynchronous=False)
        try:
            call_with_deadline("close", self._consumer.close, CLOSE_DEADLINE_S)
        except KafkaException as exc:
            log.warning("runtime.close_failed", error=str(exc))
        log.info(
            "runtime.stopped", group=self._executor.group, fatal=repr(self.fatal) if self.fatal else None
        )
