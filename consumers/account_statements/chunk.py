"""A chunk request's documents as one Exstream batch job per communication, then one result per document.

A chunk (``subject_type`` ``chunk``, planned for runs above the batch threshold) lists up to
``BCX_ACCOUNT_STATEMENTS__BATCH_CHUNK`` companies. Their due documents are grouped by communication (a
batch input renders one communication: statements, summaries and aging notices are three) and each group
is **one** job on the named batch input, whose driver data is ``{"records": [...]}`` — one record per
document, its ``customerNumber`` the document's Exstream reference, so the job's outputs and per-record
deliveries (``delivery: <ref>/email=delivered``) say whose they are.

Each group's job runs through the runtime's :class:`~consumers.runtime.batch.BatchJobs` under the group's
own ledger key (``…:chunk-<n>:v<version>:<communication>``): STARTED → submit → SUBMITTED(job id) → poll
off the Kafka poll loop → fetch. A consumer killed meanwhile resumes the same job from the ledger (never a
second submission); a job found by its reference after a crash before SUBMITTED is adopted. Then every
document goes through the document step with its share of the outputs (``prepared``): the step stores it,
publishes GENERATED/DELIVERED/FAILED with the job id and writes the document's ledger state, so each
document stays effectively once per its own idempotency key. A job that failed for good writes its group
key FAILED (the next attempt submits anew) and every document of the group gets a FAILED result naming
the job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from bcx.contracts.commerce_schedules import ScheduleRequestRecord
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.exstream.models import GenerationResult
from consumers.runtime import DocumentOutcome, DocumentRequest, JobFailure, RecordContext
from consumers.runtime.batch import BatchJob, BatchJobs
from consumers.runtime.classify import classify
from consumers.runtime.delivery import record_deliveries
from consumers.runtime.ledger import exstream_reference
from routing.facts import Channel

Prepared = GenerationResult | JobFailure


class ChunkStep(Protocol):
    @property
    def batch_jobs(self) -> BatchJobs: ...

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome: ...


def job_key(use_case: str, value: ScheduleRequestRecord, communication_id: str) -> str:
    """The ledger key of one chunk's job for one communication (stable across re-deliveries)."""
    return (
        f"{use_case}:{value.store_hash}:{value.subject_id}:{value.period}:v{value.version}:{communication_id}"
    )


def job_record(request: DocumentRequest) -> dict[str, Any]:
    """One document as a record of the batch input: its driver data, channels and reference key."""
    key = request.decision.idempotency_key or ""
    channels = [c.value for c in request.decision.channels if c is not Channel.ARCHIVE]
    return {**request.driver_data, "deliveryChannels": channels, "customerNumber": exstream_reference(key)}


def share(generated: GenerationResult, request: DocumentRequest) -> GenerationResult:
    """The part of a multi-record job's outputs and deliveries that belongs to ``request``'s document."""
    ref = exstream_reference(request.decision.idempotency_key or "")
    documents = tuple(d for d in generated.documents if d.name.rsplit(".", 1)[0].endswith(f"-{ref}"))
    outcomes = record_deliveries(generated.details).get(ref, {})
    details = "delivery: " + ", ".join(f"{ch}={o}" for ch, o in outcomes.items()) if outcomes else None
    return GenerationResult(documents, job_id=generated.job_id, trace_id=generated.trace_id, details=details)


class ChunkJobs:
    def __init__(
        self,
        *,
        use_case: str,
        step: ChunkStep,
        batch_input: str,
        ledger_get: Callable[[str], LedgerEntry | None],
    ) -> None:
        self._use_case = use_case
        self._step = step
        self._input = batch_input
        self._get = ledger_get

    async def prepare(
        self, value: ScheduleRequestRecord, requests: list[DocumentRequest], ctx: RecordContext
    ) -> list[DocumentRequest]:
        """``requests`` with their share of their communication's job (or its failure) as ``prepared``."""
        groups: dict[tuple[str, str], list[DocumentRequest]] = {}
        for request in requests:
            d = request.decision
            groups.setdefault((d.communication_id, d.driver_data_source), []).append(request)
        prepared: dict[str, Prepared] = {}
        for (communication_id, source), group in groups.items():
            for key, outcome in (await self._group(value, communication_id, source, group, ctx)).items():
                prepared[key] = outcome
        return [
            replace(
                r,
                mode="batch",
                batch_input=self._input,
                prepared=prepared[r.decision.idempotency_key or ""],
            )
            for r in requests
        ]

    async def _group(
        self,
        value: ScheduleRequestRecord,
        communication_id: str,
        source: str,
        group: list[DocumentRequest],
        ctx: RecordContext,
    ) -> dict[str, Prepared]:
        key = job_key(self._use_case, value, communication_id)
        jobs = self._step.batch_jobs
        job = BatchJob(
            input_name=self._input,
            communication_id=communication_id,
            driver_data_source=source,
            payload={"records": [job_record(r) for r in group]},
        )
        try:
            outcome = await jobs.run(key, self._get(key), job, ctx)
        except Exception as exc:
            error = classify(exc, "batch")
            entry = self._get(key)
            job_id = entry.job_id if entry is not None else None
            if not error.retryable and entry is not None:
                await jobs.mark_failed(key, entry.attempt, ctx, error_class=error.error_class, job_id=job_id)
            return {r.decision.idempotency_key or "": JobFailure(error, job_id) for r in group}
        return {r.decision.idempotency_key or "": share(outcome.generated, r) for r in group}
