"""``<group>.ledger.v1``: one state of a document's idempotency key in a consumer group's ledger.

The schema file is ``schemas/consumer.ledger.v1.avsc``; every group's ledger topic uses it under its own
subject (``<group>.ledger.v1-value``), see :func:`bcx.contracts.codecs.ledger_entry_codec`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis

SCHEMA = "consumer.ledger.v1"


class LedgerState(StrEnum):
    STARTED = "STARTED"
    GENERATED = "GENERATED"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    # A batch job was accepted; ``job_id`` says which one to keep polling after a crash.
    SUBMITTED = "SUBMITTED"


class LedgerEntry(Record):
    idempotency_key: str
    state: LedgerState
    attempt: int
    exstream_reference: str
    job_id: str | None = None
    trace_id: str | None = None
    output_uri: str | None = None
    channels: list[str] = Field(default_factory=list)
    error_class: str | None = None
    updated_at: UtcMillis
    owner: str
    source_topic: str
    source_partition: int
    source_offset: int
