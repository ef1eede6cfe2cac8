"""The result records of one document attempt: GENERATED, then DELIVERED or FAILED per channel. Pure.

The archive channel is bcx's own output storage, so an archived document is delivered once it is stored;
other channels report their outcome through Exstream's delivery report (:mod:`consumers.runtime.delivery`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bcx.contracts.document_result import (
    Channel,
    DocumentRef,
    DocumentResult,
    DocumentStatus,
    ErrorInfo,
    ExstreamRef,
    Lineage,
    OutputRef,
    Timing,
)
from bcx.exstream.models import GenerationResult
from consumers.runtime.document_request import DocumentRequest
from consumers.runtime.results import result_id
from consumers.stream.errors import ProcessingError
from consumers.stream.processor import RecordContext
from routing.facts import Channel as RoutingChannel


class ResultBuilder:
    """Builds result records for one use case; ``now`` is injected so tests need no clock."""

    def __init__(self, use_case: str, producer_version: str, now: Callable[[], datetime]) -> None:
        self._use_case = use_case
        self._version = producer_version
        self._now = now

    def for_outcome(
        self,
        request: DocumentRequest,
        ctx: RecordContext,
        generated: GenerationResult,
        output: OutputRef,
        deliveries: Mapping[str, str],
        attempt: int,
        started_at: datetime,
        exstream_ms: int | None,
    ) -> list[DocumentResult]:
        attempt = max(attempt, 1)
        ref = ExstreamRef(job_id=generated.job_id, trace_id=generated.trace_id)
        common: dict[str, Any] = {"output": output, "exstream": ref, "exstream_ms": exstream_ms}
        results = [self.result(request, ctx, DocumentStatus.GENERATED, None, attempt, started_at, **common)]
        for channel in request.decision.channels:
            target = Channel(channel.value.upper())
            archived = channel is RoutingChannel.ARCHIVE  # bcx's own storage is the archive
            outcome = "delivered" if archived else deliveries.get(channel.value, "")
            if outcome == "delivered":
                results.append(
                    self.result(request, ctx, DocumentStatus.DELIVERED, target, attempt, started_at, **common)
                )
            elif outcome:
                error = ErrorInfo(
                    error_class="delivery.failed", retryable=False, message=outcome[:300], stage="deliver"
                )
                results.append(
                    self.result(
                        request,
                        ctx,
                        DocumentStatus.FAILED,
                        target,
                        attempt,
                        started_at,
                        error=error,
                        **common,
                    )
                )
        return results

    def result(
        self,
        request: DocumentRequest,
        ctx: RecordContext,
        status: DocumentStatus,
        channel: Channel | None,
        attempt: int,
        started_at: datetime,
        *,
        output: OutputRef | None = None,
        exstream: ExstreamRef | None = None,
        exstream_ms: int | None = None,
        error: ErrorInfo | None = None,
    ) -> DocumentResult:
        d = request.decision
        key = d.idempotency_key or ""
        topic, partition, offset = ctx.record.origin
        now = self._now()
        return DocumentResult(
            result_id=result_id(key, status, channel, attempt),
            status=status,
            occurred_at=now,
            document=DocumentRef(
                idempotency_key=key,
                use_case=self._use_case,
                document_type=d.document_type,
                communication_id=d.communication_id,
                driver_data_source=d.driver_data_source,
                locale=d.locale,
            ),
            recipient=request.recipient,
            channel=channel,
            output=output,
            exstream=exstream or ExstreamRef(),
            timing=Timing(
                event_created_at=request.event_created_at,
                started_at=started_at,
                completed_at=now,
                exstream_ms=exstream_ms,
            ),
            attempt=attempt,
            error=error,
            lineage=Lineage(
                source_event_id=request.source_event_id,
                source_topic=topic,
                source_partition=partition,
                source_offset=offset,
            ),
            producer_version=self._version,
            explanation=request.explanation,
        )

    def failed(
        self,
        request: DocumentRequest,
        ctx: RecordContext,
        error: ProcessingError,
        attempt: int,
        started: datetime,
        *,
        job_id: str | None = None,
    ) -> DocumentResult:
        info = ErrorInfo(
            error_class=error.error_class,
            retryable=error.retryable,
            message=str(error)[:300],
            stage=error.stage,
        )
        exstream = ExstreamRef(job_id=job_id) if job_id else None
        return self.result(
            request, ctx, DocumentStatus.FAILED, None, attempt, started, error=info, exstream=exstream
        )
