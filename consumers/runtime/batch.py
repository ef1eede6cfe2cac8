"""Batch documents (statements, catalogs): submit to a named batch input, record the job, poll it, fetch.

The document step calls :meth:`BatchJobs.run` for a request in ``batch`` mode; it returns what an on-demand
call would have (a :class:`~bcx.exstream.models.GenerationResult`), and the step stores, publishes and
writes the final ledger state exactly as for on-demand documents. Effectively once across crashes:

- ledger ``SUBMITTED`` (job id known) → **resume**: poll that job again, never submit a second one;
- ``STARTED`` / ``FAILED`` (a submission may have happened) → ``find_job`` by reference first; a live or
  completed job is adopted (``SUBMITTED`` with its id), a failed one or none → submit again (attempt + 1);
- nothing → write ``STARTED`` (acknowledged), ``submit_batch`` with the key's reference, write ``SUBMITTED``
  with the job id (acknowledged), then poll.

Polling is :class:`~bcx.exstream.poller.JobPoller`: ``await``-ed backoff on the runtime's asyncio loop, so
it never blocks the Kafka poll loop (another thread) or other records; the record keeps its in-flight slot
(and its key's turn) meanwhile. A failed job is permanent (``exstream.job_failed``: FAILED result, dead
letter); a job still running at ``poll_timeout_s`` is retryable (``exstream.job_timeout``): the next
attempt resumes the same job.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from bcx.exstream.client import ExstreamClient
from bcx.exstream.errors import JobFailedError, JobPollTimeoutError
from bcx.exstream.models import GenerationResult, JobState, JobStatus
from bcx.exstream.poller import JobPoller
from bcx.logging import get_logger
from consumers.runtime.classify import classify
from consumers.runtime.ledger import LedgerAction, action_for, exstream_reference, next_attempt
from consumers.runtime.metrics import DocumentMetrics
from consumers.stream.errors import RetryableError
from consumers.stream.processor import RecordContext

log = get_logger(__name__)


class EntryFactory(Protocol):
    def __call__(
        self, key: str, state: LedgerState, attempt: int, ctx: RecordContext, **fields: Any
    ) -> LedgerEntry: ...


@dataclass(frozen=True)
class BatchJob:
    """What to submit for one document: the named batch input, the headers' values, the payload."""

    input_name: str
    communication_id: str
    driver_data_source: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class BatchOutcome:
    generated: GenerationResult
    attempt: int
    job_ms: int | None


@dataclass(frozen=True)
class _Tracked:
    job_id: str
    attempt: int
    submitted_at: datetime


def job_duration_s(status: JobStatus, submitted_at: datetime, now: datetime) -> float:
    """Exstream's own start→end when it reports both (true across crashes), else since bcx's submission."""
    if status.start_date is not None and status.end_date is not None:
        return max(0.0, (status.end_date - status.start_date).total_seconds())
    return max(0.0, (now - submitted_at).total_seconds())


class BatchJobs:
    def __init__(
        self,
        *,
        use_case: str,
        exstream: ExstreamClient,
        write: Callable[[LedgerEntry], Awaitable[None]],
        make_entry: EntryFactory,
        now: Callable[[], datetime],
        poller: JobPoller | None = None,
        metrics: DocumentMetrics | None = None,
    ) -> None:
        self.use_case = use_case
        self._exstream = exstream
        self._write = write
        self._entry = make_entry
        self._now = now
        self._poller = poller or JobPoller.from_settings(exstream.get_job, exstream.settings)
        self._metrics = metrics

    async def run(
        self, key: str, entry: LedgerEntry | None, job: BatchJob, ctx: RecordContext
    ) -> BatchOutcome:
        """The finished job's outputs for ``key``: resumed, adopted or newly submitted (see the module)."""
        tracked = await self._track(key, entry, job, ctx)
        status = await self._wait(key, tracked)
        try:
            documents = await self._exstream.fetch_job_outputs(tracked.job_id)
        except Exception as exc:
            raise classify(exc, "fetch") from exc
        duration = job_duration_s(status, tracked.submitted_at, self._now())
        generated = GenerationResult(
            tuple(documents), job_id=status.id, trace_id=status.trace_id, details=status.message
        )
        return BatchOutcome(generated, tracked.attempt, int(duration * 1000))

    async def mark_failed(
        self, key: str, attempt: int, ctx: RecordContext, *, error_class: str, job_id: str | None
    ) -> None:
        """Write ``key`` FAILED (a multi-record job failed for good), so the next attempt submits anew."""
        entry = self._entry(key, LedgerState.FAILED, attempt, ctx, error_class=error_class, job_id=job_id)
        await self._record(entry)

    async def _track(
        self, key: str, entry: LedgerEntry | None, job: BatchJob, ctx: RecordContext
    ) -> _Tracked:
        action = action_for(entry)
        if action is LedgerAction.RESUME and entry is not None and entry.job_id:
            log.info("batch.resumed", idempotency_key=key, job_id=entry.job_id, attempt=entry.attempt)
            return _Tracked(entry.job_id, entry.attempt, entry.updated_at)
        if entry is not None:  # STARTED / FAILED / SUBMITTED without an id: a submission may have happened
            found = await self._find(key)
            if found is not None and found.state is not JobState.FAILED:
                await self._record(
                    self._entry(
                        key,
                        LedgerState.SUBMITTED,
                        entry.attempt,
                        ctx,
                        job_id=found.id,
                        trace_id=found.trace_id,
                    )
                )
                log.info("batch.adopted", idempotency_key=key, job_id=found.id, status=found.status)
                return _Tracked(found.id, entry.attempt, found.start_date or self._now())
        attempt = next_attempt(entry)
        await self._record(self._entry(key, LedgerState.STARTED, attempt, ctx))
        try:
            submission = await self._exstream.submit_batch(
                job.input_name,
                job.payload,
                reference=exstream_reference(key),
                communication_id=job.communication_id,
                driver_data_source=job.driver_data_source,
            )
        except Exception as exc:
            raise classify(exc, "submit") from exc
        submitted_at = self._now()
        await self._record(
            self._entry(
                key,
                LedgerState.SUBMITTED,
                attempt,
                ctx,
                job_id=submission.job_id,
                trace_id=submission.trace_id,
            )
        )
        log.info("batch.submitted", idempotency_key=key, job_id=submission.job_id, attempt=attempt)
        return _Tracked(submission.job_id, attempt, submitted_at)

    async def _find(self, key: str) -> JobStatus | None:
        try:
            return await self._exstream.find_job(exstream_reference(key))
        except Exception as exc:
            raise classify(exc, "resolve") from exc

    async def _record(self, entry: LedgerEntry) -> None:
        try:
            await self._write(entry)
        except Exception as exc:
            raise classify(exc, "ledger") from exc

    async def _wait(self, key: str, tracked: _Tracked) -> JobStatus:
        if self._metrics is not None:
            self._metrics.batch_job_polling(self.use_case, +1)
        try:
            status = await self._poller.wait(tracked.job_id)
        except JobFailedError as exc:
            if self._metrics is not None:
                self._metrics.batch_job_finished(
                    self.use_case, "failed", (self._now() - tracked.submitted_at).total_seconds()
                )
            log.warning("batch.job_failed", idempotency_key=key, job_id=tracked.job_id, status=exc.job_status)
            raise classify(exc, "poll") from exc
        except JobPollTimeoutError as exc:
            raise RetryableError(str(exc), error_class="exstream.job_timeout", stage="poll") from exc
        except Exception as exc:
            raise classify(exc, "poll") from exc
        finally:
            if self._metrics is not None:
                self._metrics.batch_job_polling(self.use_case, -1)
        if self._metrics is not None:
            self._metrics.batch_job_finished(
                self.use_case, "completed", job_duration_s(status, tracked.submitted_at, self._now())
            )
        log.info("batch.completed", idempotency_key=key, job_id=tracked.job_id)
        return status
