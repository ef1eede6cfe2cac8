"""What a use case hands the document step, and what the step reports back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bcx.contracts.document_result import DocumentResult, Explanation, Recipient
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.exstream.models import GenerationResult
from routing.decision import DocumentDecision


@dataclass(frozen=True)
class JobFailure:
    """Why a multi-record batch job gave no output for a document, and the job (for the FAILED result)."""

    error: BaseException
    job_id: str | None = None


@dataclass(frozen=True)
class DocumentRequest:
    """One due document (a routing decision), who it is for, and the driver data Exstream needs.

    ``mode="batch"`` (statements, catalogs: large work) submits the driver data to the named batch input
    ``batch_input`` and polls the job instead of generating on demand.
    """

    decision: DocumentDecision
    recipient: Recipient
    driver_data: Mapping[str, Any]
    source_event_id: str
    event_created_at: datetime | None = None
    mode: Literal["on_demand", "batch"] = "on_demand"
    batch_input: str | None = None
    #: why the document is due (rules, reason, rules digest), carried into every result record
    explanation: Explanation | None = None
    #: this document's share of a multi-record batch job the use case already ran (its outputs, its
    #: deliveries in ``details``), or why that job failed: the step then calls no Exstream for it
    prepared: GenerationResult | JobFailure | None = None


@dataclass(frozen=True)
class DocumentOutcome:
    skipped: bool
    entry: LedgerEntry | None
    results: tuple[DocumentResult, ...] = ()
