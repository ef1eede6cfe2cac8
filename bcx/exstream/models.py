"""Typed results of Exstream calls: generated documents, jobs and their states."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class GeneratedDocument:
    """One output of a generation (one per output queue/channel of the communication)."""

    content: bytes
    mime_type: str
    name: str
    queue_name: str | None = None
    customer_number: str | None = None

    def __repr__(self) -> str:  # the bytes are a customer's document: never dump them
        return (
            f"GeneratedDocument(name={self.name!r}, mime_type={self.mime_type!r}, "
            f"size={len(self.content)}, queue_name={self.queue_name!r})"
        )


@dataclass(frozen=True)
class GenerationResult:
    """What an on-demand generation returned."""

    documents: tuple[GeneratedDocument, ...]
    job_id: str | None = None
    trace_id: str | None = None
    details: str | None = None
    interactive_document_id: str | None = None

    def first(self, mime_type: str) -> GeneratedDocument | None:
        return next((d for d in self.documents if d.mime_type == mime_type), None)


class JobState(enum.Enum):
    """Exstream's eight job statuses folded into what a caller acts on."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (JobState.COMPLETED, JobState.FAILED)


# Orchestration Job.status (OAS json) → JobState.
_JOB_STATES: dict[str, JobState] = {
    "uninitialized": JobState.QUEUED,
    "waiting": JobState.QUEUED,
    "started": JobState.RUNNING,
    "holding": JobState.RUNNING,
    "complete": JobState.COMPLETED,
    "error": JobState.FAILED,
    "canceled": JobState.FAILED,
    "deleted": JobState.FAILED,
}


def job_state(status: str) -> JobState:
    """Map an Exstream job status; unknown ones count as running (the poll deadline decides)."""
    return _JOB_STATES.get(status.lower(), JobState.RUNNING)


@dataclass(frozen=True)
class JobStatus:
    """An Orchestration runtime ``Job``."""

    id: str
    status: str
    state: JobState
    mode: str | None = None
    channel: str | None = None
    external_id: str | None = None
    message: str | None = None
    trace_id: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


@dataclass(frozen=True)
class BatchSubmission:
    """The reply to a batch input submission: the job and the flow instances it started."""

    job_id: str
    status: str
    flow_instance_ids: tuple[str, ...] = field(default_factory=tuple)
    trace_id: str | None = None
