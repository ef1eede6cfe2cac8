"""Recovering in place from a failed Kafka transaction: rewind its work, new producer, go on.

A transaction holds the results, final ledger entries, dead letters and retry records of every record
finished since the last commit, plus their offsets. When it fails (abortable or fatal error, a delivery
it could not make, offsets it could not send, a commit that did not return — a broker outage does all of
these), none of that is visible to ``read_committed`` readers, so those records must be processed again.
The runner treats it like the loss of every assigned partition, without leaving the group:

1. **abandon** — every in-flight record is cancelled and every assigned partition paused; once all have
   reported back, the ledger's tentative entries (acknowledged inside the failed transaction) are rolled
   back to each key's last committed state (STARTED/SUBMITTED/FAILED are written outside transactions, so
   a redone record resolves its Exstream job by reference and adopts it: no second document);
2. **producer** — :meth:`TransactionalSender.renew`: a new producer with the same ``transactional.id``
   (``init_transactions`` fences the old one and completes its open transaction on the coordinator);
3. **rewind** — every assigned partition is sought to its committed offset, asked from the coordinator
   *after* step 2 (so even a commit whose outcome was unknown is settled), and its offsets start over;
4. **ledger** — the ledger reader catches up (entries of transactions that did commit come back).

Each poll-loop turn runs at most one step (each bounded) and then polls, so rebalances are still served
and SIGTERM is honoured. A step that fails is tried again a second later. The process stops (exit 3)
only when one recovery takes longer than ``transaction_recovery_timeout_s`` or
``MAX_RECOVERIES_WITHOUT_COMMIT`` recoveries follow one another without a commit in between.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaException, TopicPartition

from bcx.logging import get_logger
from consumers.stream.consumer import StreamConsumer
from consumers.stream.executor import Executor
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.offsets import OffsetTracker
from consumers.stream.records import TopicPartition as TP
from consumers.stream.transactions import TransactionalSender

log = get_logger(__name__)

MAX_RECOVERIES_WITHOUT_COMMIT = 5
RETRY_PAUSE_S = 1.0
COMMITTED_TIMEOUT_S = 10.0
ABANDON_TIMEOUT_S = 5.0


class RecoveryFailed(RuntimeError):
    """Recovery from a failed transaction did not succeed within its budget."""


class Step(enum.Enum):
    ABANDON = "abandon"
    PRODUCER = "producer"
    REWIND = "rewind"
    LEDGER = "ledger"


@dataclass
class _Attempt:
    reason: str
    started: float
    rewind: dict[TP, int]
    step: Step = Step.ABANDON
    not_before: float = 0.0
    rolled_back: int = field(default=0)


class TransactionRecovery:
    def __init__(
        self,
        *,
        consumer: StreamConsumer,
        executor: Executor[Any],
        transactions: TransactionalSender,
        metrics: RuntimeMetrics,
        budget_s: float,
        clock: Callable[[], float],
        ledger_rollback: Callable[[], int] | None = None,
        ledger_ready: Callable[[float], bool] | None = None,
        ledger_timeout_s: float = 60.0,
    ) -> None:
        self._consumer = consumer
        self._executor = executor
        self._txn = transactions
        self._metrics = metrics
        self._budget_s = budget_s
        self._clock = clock
        self._ledger_rollback = ledger_rollback
        self._ledger_ready = ledger_ready
        self._ledger_timeout_s = ledger_timeout_s
        self._attempt: _Attempt | None = None
        self._without_commit = 0

    @property
    def active(self) -> bool:
        return self._attempt is not None

    def committed(self) -> None:
        """Offsets were committed in a transaction: the work goes on."""
        self._without_commit = 0

    def begin(self, reason: str, trackers: dict[TP, OffsetTracker]) -> None:
        """Start recovering (no-op if already): cancel all work. Raises :class:`RecoveryFailed` when
        transactions keep failing right after recoveries."""
        if self._attempt is not None:
            return
        if self._txn.failed is None:
            self._txn.fail(reason)
        self._without_commit += 1
        self._metrics.txn_recovery("started")
        log.error("runtime.txn_recovery_started", reason=reason[:300], recoveries=self._without_commit)
        if self._without_commit > MAX_RECOVERIES_WITHOUT_COMMIT:
            self._metrics.txn_recovery("failed")
            raise RecoveryFailed(
                f"{MAX_RECOVERIES_WITHOUT_COMMIT} transaction recoveries without a commit; latest: {reason}"
            )
        rewind = {tp: p for tp, t in trackers.items() if (p := t.rewind_point()) is not None}
        self._attempt = _Attempt(reason, self._clock(), rewind)
        self._executor.abandon_all(ABANDON_TIMEOUT_S)

    def advance(self, trackers: dict[TP, OffsetTracker], in_flight: int) -> bool:
        """Run the next step (at most one bounded blocking call); True once recovered."""
        attempt = self._attempt
        assert attempt is not None
        now = self._clock()
        if now - attempt.started > self._budget_s:
            self._metrics.txn_recovery("failed")
            raise RecoveryFailed(
                f"no recovery from a failed transaction within {self._budget_s:.0f} s "
                f"(stuck at {attempt.step.value}): {attempt.reason}"
            )
        if now < attempt.not_before:
            return False
        if attempt.step is Step.ABANDON:
            if in_flight > 0:
                return False  # cancelled tasks still reporting back (the runner collects each turn)
            attempt.rolled_back = self._ledger_rollback() if self._ledger_rollback is not None else 0
            attempt.step = Step.PRODUCER
        if attempt.step is Step.PRODUCER:
            if self._txn.renew():
                attempt.step = Step.REWIND
            else:
                attempt.not_before = now + RETRY_PAUSE_S
            return False
        if attempt.step is Step.REWIND:
            if self._rewind(trackers, attempt.rewind):
                attempt.step = Step.LEDGER
            else:
                attempt.not_before = now + RETRY_PAUSE_S
            return False
        ready = self._ledger_ready
        if ready is not None and not ready(self._ledger_timeout_s):
            attempt.not_before = now + RETRY_PAUSE_S
            return False
        self._attempt = None
        self._metrics.txn_recovery("recovered")
        log.warning(
            "runtime.txn_recovered",
            seconds=round(self._clock() - attempt.started, 1),
            ledger_entries_rolled_back=attempt.rolled_back,
            partitions=len(trackers),
            generation=self._txn.generation,
        )
        return True

    def _rewind(self, trackers: dict[TP, OffsetTracker], known: dict[TP, int]) -> bool:
        """Seek every assigned partition to its committed offset (else to where this process started
        reading it); offsets tracked so far start over."""
        tps = list(trackers)
        if tps:
            try:
                found = self._consumer.committed(
                    [TopicPartition(t, p) for t, p in tps], timeout=COMMITTED_TIMEOUT_S
                )
                for part in found:
                    if part.error is not None:
                        raise KafkaException(part.error)
                    offset = part.offset if part.offset >= 0 else known.get((part.topic, part.partition))
                    if offset is not None:
                        self._consumer.seek(TopicPartition(part.topic, part.partition, offset))
            except KafkaException as exc:
                log.warning("runtime.txn_rewind_failed", error=str(exc))
                return False
        for tp in tps:
            trackers[tp] = OffsetTracker()
        return True
