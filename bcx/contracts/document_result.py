"""``documents.results.v1``: the public contract — what happened to one customer document."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis

TOPIC = "documents.results.v1"


class DocumentStatus(StrEnum):
    GENERATED = "GENERATED"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class Channel(StrEnum):
    EMAIL = "EMAIL"
    PORTAL = "PORTAL"
    PRINT = "PRINT"
    ARCHIVE = "ARCHIVE"


class DocumentRef(Record):
    idempotency_key: str
    use_case: str
    document_type: str
    communication_id: str | None = None
    driver_data_source: str | None = None
    locale: str | None = None


class Recipient(Record):
    store_hash: str
    customer_id: str | None = None
    entity_type: str
    entity_id: str
    order_id: str | None = None
    cart_id: str | None = None
    company_id: str | None = None


class OutputRef(Record):
    uri: str
    mime_type: str
    size_bytes: int
    sha256: str


class ExstreamRef(Record):
    job_id: str | None = None
    trace_id: str | None = None


class Timing(Record):
    event_created_at: UtcMillis | None = None
    started_at: UtcMillis
    completed_at: UtcMillis
    exstream_ms: int | None = None


class ErrorInfo(Record):
    error_class: str
    retryable: bool
    message: str
    stage: str


class Lineage(Record):
    source_event_id: str
    source_topic: str
    source_partition: int
    source_offset: int


class Explanation(Record):
    """Why a document was produced: the rule(s), the reason and the digest of the rules that decided."""

    rules: list[str] = Field(default_factory=list)
    reason: str = ""
    rules_digest: str | None = None
    reissue_of: str | None = None


class DocumentResult(Record):
    result_id: str
    status: DocumentStatus
    occurred_at: UtcMillis
    document: DocumentRef
    recipient: Recipient
    channel: Channel | None = None
    output: OutputRef | None = None
    exstream: ExstreamRef = ExstreamRef()
    timing: Timing
    attempt: int
    error: ErrorInfo | None = None
    lineage: Lineage
    producer_version: str
    explanation: Explanation | None = None

    @property
    def key(self) -> str:
        """Keyed by idempotency key: every outcome of one document lands on one partition, in order."""
        return self.document.idempotency_key
