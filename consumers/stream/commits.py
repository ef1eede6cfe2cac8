"""What the poll loop does every commit interval: commit the finished prefix, and measure lag.

- :class:`Committer`: offsets of the contiguous finished prefix, inside the open transaction when there is
  one (``send_offsets_to_transaction``; a failed transaction is handed to ``on_txn_failed``: the runner
  recovers, :mod:`consumers.stream.recovery`), else as plain commits —
  asynchronous, or synchronous under a deadline (librdkafka waits for the coordinator without bound).
  A tracker is marked committed only once its offset really was.
- :class:`LagMeter`: lag per assigned partition from the high watermark and where the partition stands
  (its committable offset, else the fetch position, else its committed offset — a paused or idle partition
  has no position, and its lag must still count, or a stall on it would go unseen).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from confluent_kafka import KafkaException, TopicPartition

from bcx.logging import get_logger
from consumers.stream.consumer import StreamConsumer
from consumers.stream.deadline import call_with_deadline
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.offsets import OffsetTracker
from consumers.stream.records import TopicPartition as TP
from consumers.stream.transactions import TransactionAborted, TransactionalSender

log = get_logger(__name__)

COMMIT_DEADLINE_S = 10.0  # a synchronous commit (revocation, shutdown) waits no longer
TXN_COMMIT_DEADLINE_S = 45.0  # a transaction commit (its own timeout is 10 s; librdkafka may take longer)
_INVALID_OFFSET = -1001
_COMMITTED_REFRESH_S = 10.0


class Committer:
    def __init__(
        self,
        consumer: StreamConsumer,
        metrics: RuntimeMetrics,
        transactions: TransactionalSender | None,
        on_txn_failed: Callable[[BaseException], None],
    ) -> None:
        self._consumer = consumer
        self._metrics = metrics
        self._txn = transactions
        self._on_txn_failed = on_txn_failed

    def commit(self, trackers: dict[TP, OffsetTracker], *, asynchronous: bool, only: set[TP] | None) -> bool:
        """Commit the finished prefixes; True if offsets were committed inside a transaction."""
        offsets: list[TopicPartition] = []
        marks: list[tuple[OffsetTracker, int]] = []
        self._skip_undelivered(trackers, only)
        for tp, tracker in trackers.items():
            if only is not None and tp not in only:
                continue
            offset = tracker.to_commit()
            if offset is not None:
                offsets.append(TopicPartition(tp[0], tp[1], offset))
                marks.append((tracker, offset))
        if self._txn is not None:
            return self._in_transaction(offsets, marks)
        if not offsets:
            return False
        for tracker, offset in marks:
            tracker.mark_committed(offset)
        try:
            if asynchronous:
                self._consumer.commit(offsets=offsets, asynchronous=True)
                self._metrics.commit("ok")
            elif call_with_deadline(
                "commit",
                lambda: self._consumer.commit(offsets=offsets, asynchronous=False),
                COMMIT_DEADLINE_S,
            ):
                self._metrics.commit("ok")
            else:
                self._metrics.commit("failed")
        except KafkaException as exc:
            self._metrics.commit("failed")
            log.warning("runtime.commit_failed", error=str(exc))
        return False

    def _skip_undelivered(self, trackers: dict[TP, OffsetTracker], only: set[TP] | None) -> None:
        """Idle partitions commit the consumer's position, which librdkafka moves past the offsets it
        never hands out (transaction markers): the last record + 1 would leave a lag of one per marker."""
        idle = [tp for tp, tracker in trackers.items() if tracker.idle and (only is None or tp in only)]
        if not idle:
            return
        try:
            positions = self._consumer.position([TopicPartition(*tp) for tp in idle])
        except KafkaException:
            return  # the next commit turn tries again; the record offsets alone are always safe
        for found in positions:
            tracker = trackers.get((found.topic, found.partition))
            if tracker is not None and found.error is None:
                tracker.skip_to(found.offset)

    def _in_transaction(self, offsets: list[TopicPartition], marks: list[tuple[OffsetTracker, int]]) -> bool:
        """Results, dead letters and retry records produced so far, plus ``offsets``, in one commit."""
        txn = self._txn
        assert txn is not None
        if txn.failed is not None:
            return False  # being recovered: nothing of that transaction can commit
        outcome: list[bool] = []
        try:
            metadata = self._consumer.consumer_group_metadata()
            returned = call_with_deadline(
                "txn-commit", lambda: outcome.append(txn.commit(offsets, metadata)), TXN_COMMIT_DEADLINE_S
            )
            if not returned:
                # librdkafka's transactional calls can outlive their timeout by a request timeout (30 s
                # seen with the broker gone); a poll loop blocked there is a stall, so give up instead
                txn.fail("a transaction commit did not return in time")
                raise TransactionAborted("transaction commit did not return in time")
        except (TransactionAborted, KafkaException) as exc:
            self._metrics.commit("failed")
            self._on_txn_failed(exc)
            return False
        committed = bool(outcome and outcome[0])
        if not committed:
            self._metrics.commit("failed")
            return False
        for tracker, offset in marks:
            tracker.mark_committed(offset)
        if offsets:
            self._metrics.commit("ok")
        return bool(offsets)


class LagMeter:
    def __init__(self, consumer: StreamConsumer, metrics: RuntimeMetrics, clock: Callable[[], float]) -> None:
        self._consumer = consumer
        self._metrics = metrics
        self._clock = clock
        self._committed: dict[TP, int] = {}
        self._committed_at = -_COMMITTED_REFRESH_S

    def measure(self, trackers: dict[TP, OffsetTracker]) -> int:
        """Report each partition's lag; the total."""
        total = 0
        for tp, tracker in trackers.items():
            try:
                _, high = self._consumer.get_watermark_offsets(TopicPartition(*tp), cached=True)
            except KafkaException:
                continue
            position = tracker.committable()
            if position is None:
                position = self._position_of(tp, trackers)
            if high >= 0 and position is not None:
                lag = max(0, high - position)
                total += lag
                self._metrics.lag(tp[0], tp[1], lag)
        return total

    def forget(self, tp: TP) -> None:
        self._committed.pop(tp, None)

    def _position_of(self, tp: TP, trackers: dict[TP, Any]) -> int | None:
        try:
            (found,) = self._consumer.position([TopicPartition(*tp)])
            if found.offset >= 0:
                return int(found.offset)
        except KafkaException:
            pass
        now = self._clock()
        if tp not in self._committed and now - self._committed_at > _COMMITTED_REFRESH_S:
            # ask the coordinator now and then (not per turn) for partitions without a position
            self._committed_at = now
            unknown = [TopicPartition(*t) for t in trackers if t not in self._committed]
            try:
                for found in self._consumer.committed(unknown, timeout=2):
                    if found.offset != _INVALID_OFFSET:
                        self._committed[(found.topic, found.partition)] = max(0, found.offset)
            except KafkaException:
                return None
        return self._committed.get(tp)
