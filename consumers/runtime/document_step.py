"""The reusable document step: ledger check → Exstream generate → store → results → ledger outcome.

A use case maps its snapshot to routing facts, asks :func:`routing.evaluate` which documents are due, and
for each one calls :meth:`DocumentStep.run` with the driver data. The step makes the document
*effectively once* per idempotency key:

1. ledger GENERATED/DELIVERED → skip (no call, no new result: the results were acknowledged before the
   ledger said so);
2. ledger STARTED/FAILED (a call may have happened) → find the Exstream job by reference; a completed
   job's outputs are adopted instead of calling again; a running one is waited for (retry);
3. otherwise write STARTED (acknowledged) *before* calling Exstream, then generate, store the output,
   publish GENERATED and DELIVERED/FAILED per channel (acknowledged), and only then write the final state.

A crash anywhere leaves STARTED, which step 2 resolves. A permanent failure writes FAILED; every failure
registers (:meth:`RecordContext.on_give_up`) the FAILED result the runtime publishes if it gives the
record up.

A request in ``batch`` mode obtains its outputs from a batch job instead of ``generate``
(:mod:`consumers.runtime.batch`: STARTED → submit → SUBMITTED(job id) → poll → fetch); storing, results and
the final ledger write are the same.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from bcx.contracts.document_result import (
    DocumentResult,
    DocumentStatus,
    OutputRef,
)
from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from bcx.exstream.client import ExstreamClient
from bcx.exstream.models import GenerationResult, JobState, JobStatus
from bcx.exstream.poller import JobPoller
from bcx.exstream.storage.base import OutputStorage
from bcx.logging import get_logger
from consumers.runtime.batch import BatchJob, BatchJobs
from consumers.runtime.classify import classify
from consumers.runtime.delivery import parse_delivery
from consumers.runtime.document_request import DocumentOutcome, DocumentRequest, JobFailure
from consumers.runtime.document_results import ResultBuilder
from consumers.runtime.ledger import (
    LedgerAction,
    LedgerConflict,
    action_for,
    exstream_reference,
    next_attempt,
)
from consumers.runtime.ledger_store import Ledger
from consumers.runtime.metrics import DocumentMetrics
from consumers.runtime.results import ResultPublisher, publish_failure_reason
from consumers.stream.errors import PermanentError, RetryableError
from consumers.stream.processor import RecordContext
from consumers.stream.transactions import Outgoing
from routing.facts import Channel as RoutingChannel

log = get_logger(__name__)


# sends records so that no transaction commit separates them (TransactionalSender.send_many)
class Atomic(Protocol):
    """Produces records in one transaction (``TransactionalSender.send_many``); ``on_commit`` runs once it
    committed."""

    def __call__(
        self, records: Sequence[Outgoing], *, on_commit: Callable[[], None] | None = None
    ) -> Awaitable[None]: ...


@runtime_checkable
class TransactionalLedger(Protocol):
    def outgoing(self, entry: LedgerEntry) -> Outgoing: ...

    def applied(self, entry: LedgerEntry) -> None: ...


# states in which a permanent failure is written down as FAILED
_IN_PROGRESS = frozenset({LedgerState.STARTED, LedgerState.SUBMITTED})


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DocumentStep:
    def __init__(
        self,
        *,
        use_case: str,
        exstream: ExstreamClient,
        storage: OutputStorage,
        ledger: Ledger,
        results: ResultPublisher,
        owner: str,
        producer_version: str,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        metrics: DocumentMetrics | None = None,
        poller: JobPoller | None = None,
        atomic: Atomic | None = None,
    ) -> None:
        self.use_case = use_case
        self._exstream = exstream
        self._storage = storage
        self._ledger = ledger
        self._results = results
        self._owner = owner
        self._records = ResultBuilder(use_case, producer_version, now)
        self._clock = clock
        self._now = now
        self._metrics = metrics
        self._atomic = atomic
        self._batch = BatchJobs(
            use_case=use_case,
            exstream=exstream,
            write=self._put,
            make_entry=self._entry,
            now=now,
            poller=poller,
            metrics=metrics,
        )

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        decision = request.decision
        key = decision.idempotency_key
        if not decision.due or key is None:
            raise PermanentError(
                "document is not due or has no key", error_class="data.not_due", stage="route"
            )
        entry = self._ledger.get(key)
        action = action_for(entry)
        if action is LedgerAction.SKIP:
            log.info("document.skipped", idempotency_key=key, state=entry.state if entry else None)
            return DocumentOutcome(True, entry)
        started_at = self._now()
        attempt = entry.attempt if entry is not None else 0
        stage = "resolve"
        try:
            generated: GenerationResult | None = None
            exstream_ms: int | None = None
            if isinstance(request.prepared, JobFailure):
                stage = "batch"
                raise request.prepared.error
            if request.prepared is not None:  # its share of a multi-record job the use case ran
                if entry is None or entry.state is LedgerState.FAILED:  # the ledger starts at STARTED
                    attempt = next_attempt(entry)
                    stage = "ledger"
                    await self._put(self._entry(key, LedgerState.STARTED, attempt, ctx))
                generated, attempt = request.prepared, max(attempt, 1)
            elif request.mode == "batch":
                stage = "batch"
                batch = await self._batch.run(key, entry, self._batch_job(request), ctx)
                generated, attempt, exstream_ms = batch.generated, batch.attempt, batch.job_ms
            elif action is not LedgerAction.PROCEED:  # RESOLVE, or RESUME of a key once sent as batch
                generated = await self._resolve(key)
            if generated is None:
                attempt = next_attempt(entry)
                stage = "ledger"
                entry = self._entry(key, LedgerState.STARTED, attempt, ctx)
                await self._put(entry)
                stage = "generate"
                t0 = self._clock()
                generated = await self._exstream.generate(
                    communication_id=decision.communication_id,
                    driver_data_source=decision.driver_data_source,
                    driver_data=self._driver_data(request),
                    reference=exstream_reference(key),
                )
                exstream_ms = int((self._clock() - t0) * 1000)
            stage = "store"
            output = await self._store(key, generated, every=request.mode == "batch")
            stage = "deliver"
            deliveries = (
                parse_delivery(generated.details)
                if request.prepared is not None
                else await self._deliveries(key, generated)
            )
            stage = "publish"
            results = self._records.for_outcome(
                request, ctx, generated, output, deliveries, attempt, started_at, exstream_ms
            )
            delivered = [
                r.channel.value for r in results if r.status is DocumentStatus.DELIVERED and r.channel
            ]
            final = self._entry(
                key,
                LedgerState.DELIVERED if delivered else LedgerState.GENERATED,
                max(attempt, 1),
                ctx,
                job_id=generated.job_id,
                trace_id=generated.trace_id,
                output_uri=output.uri,
                channels=delivered,
            )
            await self._finish(results, final)
            log.info(
                "document.done",
                idempotency_key=key,
                state=final.state,
                job_id=generated.job_id,
                channels=delivered,
                attempt=attempt,
            )
            return DocumentOutcome(False, final, tuple(results))
        except Exception as exc:
            error = classify(exc, stage)
            current = self._ledger.get(key)
            attempt = max(attempt, current.attempt if current is not None else 0)
            job_id = current.job_id if current is not None else None
            if isinstance(request.prepared, JobFailure):
                job_id = request.prepared.job_id
            failed = self._records.failed(request, ctx, error, max(attempt, 1), started_at, job_id=job_id)
            if not error.retryable and current is not None and current.state in _IN_PROGRESS:
                await self._put(
                    self._entry(
                        key,
                        LedgerState.FAILED,
                        current.attempt,
                        ctx,
                        error_class=error.error_class,
                        job_id=current.job_id,
                    )
                )
            ctx.on_give_up(lambda: self._publish_failed(failed))
            raise error from exc

    @property
    def batch_jobs(self) -> BatchJobs:
        """The step's batch-job runner, for a use case that submits many documents as one job."""
        return self._batch

    async def _publish_failed(self, failed: DocumentResult) -> None:
        await self._results.publish(failed)

    async def _finish(self, results: Sequence[DocumentResult], final: LedgerEntry) -> None:
        """Publish the results, then the final ledger entry; in one transaction when there is one."""
        ledger = self._ledger
        if self._atomic is None or not isinstance(ledger, TransactionalLedger):
            for result in results:
                await self._results.publish(result)
            await self._put(final)
            return
        records = [*(self._results.outgoing(r) for r in results), ledger.outgoing(final)]
        publisher = self._results

        def committed() -> None:  # counted at the commit: a failed transaction's results are redone
            for result in results:
                publisher.counted(result)

        try:
            await self._atomic(records, on_commit=committed)
        except Exception as exc:
            for result in results:
                self._results.failed(result, exc)
            raise
        ledger.applied(final)

    async def _put(self, entry: LedgerEntry) -> None:
        try:
            await self._ledger.put(entry)
        except LedgerConflict:
            raise  # a refused transition, not a failed write
        except Exception as exc:
            if self._metrics is not None:
                self._metrics.publish_failure(self.use_case, "ledger", publish_failure_reason(exc))
            raise

    async def _resolve(self, key: str) -> GenerationResult | None:
        """The outputs of an earlier call for ``key`` if Exstream completed it; None if it never happened."""
        job = await self._exstream.find_job(exstream_reference(key))
        if job is None or job.state is JobState.FAILED:
            return None
        if job.state is not JobState.COMPLETED:
            raise RetryableError(
                f"job {job.id} is still {job.status}", error_class="exstream.job_running", stage="resolve"
            )
        documents = await self._exstream.fetch_job_outputs(job.id)
        log.info("document.adopted", idempotency_key=key, job_id=job.id)
        return GenerationResult(tuple(documents), job_id=job.id, trace_id=job.trace_id, details=job.message)

    def _batch_job(self, request: DocumentRequest) -> BatchJob:
        if not request.batch_input:
            raise PermanentError(
                "a batch document needs the batch input's name", error_class="data.invalid", stage="route"
            )
        return BatchJob(
            input_name=request.batch_input,
            communication_id=request.decision.communication_id,
            driver_data_source=request.decision.driver_data_source,
            payload=self._driver_data(request),
        )

    async def _store(self, key: str, generated: GenerationResult, *, every: bool = False) -> OutputRef:
        """Store the primary output (the PDF, else the first); ``every`` stores the others too (batch)."""
        document = generated.first("application/pdf") or (
            generated.documents[0] if generated.documents else None
        )
        if document is None:
            raise PermanentError(
                "Exstream returned no output", error_class="exstream.no_output", stage="store"
            )
        if every:
            for other in generated.documents:
                if other is not document:
                    await self._storage.store(key, other.name, other.content, other.mime_type)
        uri = await self._storage.store(key, document.name, document.content, document.mime_type)
        return OutputRef(
            uri=uri,
            mime_type=document.mime_type,
            size_bytes=len(document.content),
            sha256=_sha256(document.content),
        )

    async def _deliveries(self, key: str, generated: GenerationResult) -> dict[str, str]:
        job: JobStatus | None
        if generated.job_id is not None:
            job = await self._exstream.get_job(generated.job_id)
        else:
            job = await self._exstream.find_job(exstream_reference(key))
        return parse_delivery(job.message if job is not None else generated.details)

    def _driver_data(self, request: DocumentRequest) -> dict[str, Any]:
        channels = [c.value for c in request.decision.channels if c is not RoutingChannel.ARCHIVE]
        return {**request.driver_data, "deliveryChannels": channels}

    def _entry(
        self,
        key: str,
        state: LedgerState,
        attempt: int,
        ctx: RecordContext,
        **fields: Any,
    ) -> LedgerEntry:
        topic, partition, offset = ctx.record.origin
        return LedgerEntry(
            idempotency_key=key,
            state=state,
            attempt=attempt,
            exstream_reference=exstream_reference(key),
            updated_at=self._now(),
            owner=self._owner,
            source_topic=topic,
            source_partition=partition,
            source_offset=offset,
            **fields,
        )
