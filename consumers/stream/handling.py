"""What happens to one record: its attempts, each under a deadline, in-process retries with back-off, then
the retry topic or the dead-letter topic (under the DLQ cap).

The executor (:mod:`consumers.stream.executor`) decides when a record runs and reports it finished; this
decides how: decode, process, classify a failure (the pipeline's classifier for its own adapters), retry
what is retryable within the policy's attempts and budget, and reroute the rest with its context.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bcx.logging import get_logger
from consumers.stream.attempts import AttemptDeadlines
from consumers.stream.backoff import RetryPolicy
from consumers.stream.classify import Classifier, classify
from consumers.stream.dead_letters import Rerouter
from consumers.stream.dlq_limit import DlqLimit
from consumers.stream.errors import DlqCapExceeded, ProcessingError, RetryableError
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.processor import Decoder, Processor, RecordContext
from consumers.stream.records import H_RETRY_ATTEMPTS, H_RETRY_ROUNDS, SourceRecord

log = get_logger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class RetrySetup:
    policy: RetryPolicy
    topic_rounds: int
    topic_delay_s: float


class RecordHandler(Generic[T]):
    def __init__(
        self,
        *,
        group: str,
        decoder: Decoder[T],
        processor: Processor[T],
        rerouter: Rerouter,
        retry: RetrySetup,
        dlq_limit: DlqLimit,
        metrics: RuntimeMetrics,
        attempt_timeout_s: float,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        classifier: Classifier = classify,
    ) -> None:
        self.group = group
        self._decoder = decoder
        self._processor = processor
        self._rerouter = rerouter
        self._classify = classifier  # a pipeline's own adapters' failures (documents: Exstream, ledger)
        self._retry = retry
        self._dlq_limit = dlq_limit
        self._metrics = metrics
        self._attempt_timeout_s = attempt_timeout_s
        self._deadlines = AttemptDeadlines(attempt_timeout_s, clock)
        self._clock = clock
        self._wall = wall_clock

    def _deadline_error(self) -> RetryableError:
        limit = f"{self._attempt_timeout_s:.0f} s"
        return RetryableError(f"attempt exceeded {limit}", error_class="runtime.deadline", stage="process")

    async def handle(self, record: SourceRecord, task: asyncio.Task[Any]) -> str:
        """Run ``record``'s attempts in ``task`` (the one running it: its deadline cancels it) until one
        succeeds or the record is rerouted; its outcome: ``ok``, ``retry_topic`` or ``dead_letter``.

        Raises what stops the process (:class:`DlqCapExceeded`), :class:`TransactionAborted` from a
        reroute into a failed transaction, and the task's own cancellation."""
        previous_attempts = record.int_header(H_RETRY_ATTEMPTS)
        rounds = record.int_header(H_RETRY_ROUNDS)
        first_try = self._clock()
        tries = 0
        while True:
            tries += 1
            attempt = previous_attempts + tries
            ctx = RecordContext(record, attempt, self.group)
            try:
                value = self._decoder(record)
            except Exception as exc:
                error = self._classify(exc, "decode")
            else:
                deadlines = self._deadlines
                deadlines.start(task)
                try:
                    await self._processor.process(value, ctx)
                    return "ok"
                except asyncio.CancelledError:
                    if not deadlines.timed_out(task):  # a revocation or shutdown: not this attempt's failure
                        raise
                    error = self._deadline_error()
                except Exception as exc:
                    # the deadline no attempt outlives: whatever it awaited (a reply, an ack, a job), the
                    # record comes back as a retryable failure instead of holding its slot for good
                    timed_out = deadlines.timed_out(task)
                    error = self._deadline_error() if timed_out else self._classify(exc, "process")
                finally:
                    deadlines.end(task)
            if not error.retryable:
                break
            delay = self._retry.policy.delay(tries, retry_after_s=error.retry_after_s)
            if self._retry.policy.should_retry(tries, self._clock() - first_try, delay):
                self._metrics.retry(error.error_class)
                log.info(
                    "runtime.retry",
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    error_class=error.error_class,
                    attempt=attempt,
                    delay_s=round(delay, 3),
                )
                await asyncio.sleep(delay)
                continue
            if self._rerouter.retry_topic is not None and rounds < self._retry.topic_rounds:
                not_before = int((self._wall() + self._retry.topic_delay_s) * 1000)
                await self._rerouter.retry_later(
                    record, attempts=attempt, rounds=rounds + 1, not_before_ms=not_before
                )
                log.warning(
                    "runtime.to_retry_topic",
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    error_class=error.error_class,
                    attempts=attempt,
                    round=rounds + 1,
                )
                return "retry_topic"
            break
        await self._dead_letter(record, error, attempt, ctx)
        return "dead_letter"

    async def _dead_letter(
        self, record: SourceRecord, error: ProcessingError, attempts: int, ctx: RecordContext
    ) -> None:
        now = self._clock()
        if not self._dlq_limit.allows(now):
            self._metrics.dlq_cap_tripped.set(1)
            log.critical(
                "runtime.dlq_cap_exceeded",
                max_count=self._dlq_limit.max_count,
                window_s=self._dlq_limit.window_s,
                error_class=error.error_class,
            )
            raise DlqCapExceeded(
                f"more than {self._dlq_limit.max_count} dead letters within {self._dlq_limit.window_s:.0f} s "
                f"(latest: {error.error_class}); stopping instead of dead-lettering everything"
            )
        self._dlq_limit.record(now)
        await self._rerouter.dead_letter(record, error, attempts=attempts, now_ms=int(self._wall() * 1000))
        for hook in ctx.give_up_hooks:  # e.g. one FAILED result per failed document of the record
            await hook()
        self._metrics.dead_letter(error.stage, error.error_class)
        log.error(
            "runtime.dead_letter",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            stage=error.stage,
            error_class=error.error_class,
            attempts=attempts,
            message=str(error)[:300],
        )
