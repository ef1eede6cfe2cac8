"""The simulator's memory: tokens, jobs with their flow instance/step/artifacts, and every document made.

Shared between the server thread and tests in the same process, so every access takes the lock. Job status
is advanced lazily from the clock (a batch job is ``started`` until its ``ready_at``), so nothing runs in
the background.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class DocumentRecord:
    """One generated document, as the simulator-only inspection endpoint reports it (no content)."""

    id: str
    reference: str | None
    communication_id: str
    job_id: str
    mode: str
    name: str
    mime_type: str
    size: int
    channels: tuple[str, ...]
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "communicationId": self.communication_id,
            "jobId": self.job_id,
            "mode": self.mode,
            "name": self.name,
            "mimeType": self.mime_type,
            "size": self.size,
            "channels": list(self.channels),
            "createdAt": self.created_at,
        }


@dataclass(frozen=True)
class Artifact:
    name: str
    content: bytes
    mime_type: str


@dataclass
class JobRecord:
    id: str
    domain: str
    channel: str
    mode: str
    status: str
    external_id: str | None
    trace_id: str
    triggered_by: str
    start_date: str
    ready_at: float
    msg: str
    end_date: str | None = None
    flow_instance_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    flow_model_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    output_step_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    artifacts: dict[str, Artifact] = field(default_factory=dict)

    def advance(self, now: float) -> None:
        if self.status == "started" and now >= self.ready_at:
            self.status = "complete"
            self.end_date = iso_now()

    def job_json(self) -> dict[str, Any]:
        """The spec's ``Job`` (OAS json) plus the observed ``traceId``."""
        job: dict[str, Any] = {
            "id": self.id,
            "domainId": self.domain,
            "channel": self.channel,
            "mode": self.mode,
            "status": self.status,
            "flowModelType": "COMMUNICATION",
            "msg": self.msg,
            "triggeredBy": self.triggered_by,
            "startDate": self.start_date,
            "traceId": self.trace_id,
        }
        if self.external_id is not None:
            job["externalId"] = self.external_id
        if self.end_date is not None:
            job["endDate"] = self.end_date
        return job

    def flow_instance_json(self) -> dict[str, Any]:
        status = {"complete": "complete", "error": "error", "canceled": "canceled"}.get(
            self.status, "started"
        )
        instance: dict[str, Any] = {
            "id": self.flow_instance_id,
            "jobId": self.id,
            "flowModelId": self.flow_model_id,
            "flowModelSnapshotId": self.flow_model_id,
            "domainId": self.domain,
            "status": status,
            "startDate": self.start_date,
            "flowModelType": "COMMUNICATION",
            "executingLongRunningOp": False,
            "inputRetrievable": False,
        }
        if self.external_id is not None:
            instance["externalId"] = self.external_id
        if self.end_date is not None:
            instance["endDate"] = self.end_date
        return instance

    def output_step_json(self) -> dict[str, Any]:
        status = {"complete": "complete", "error": "error", "canceled": "canceled"}.get(
            self.status, "started"
        )
        return {
            "id": self.output_step_id,
            "flowInstanceId": self.flow_instance_id,
            "stepName": "output",
            "displayName": "Output",
            "status": status,
            "stepType": "output",
            "startDate": self.start_date,
            "deliveryFileRetrievable": status == "complete",
            "messageFileRetrievable": False,
        }


class SimulatorState:
    def __init__(self, clock: Callable[[], float], max_records: int = 100_000) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._jobs: dict[str, JobRecord] = {}
        self._documents: deque[DocumentRecord] = deque(maxlen=max_records)
        self._per_reference: Counter[str] = Counter()
        self.stats: Counter[str] = Counter()

    # tokens
    def issue_token(self, ttl_s: float) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = self._clock() + ttl_s
            self.stats["tokens_issued"] += 1
        return token

    def token_state(self, token: str) -> str:
        """``valid``, ``expired`` or ``unknown``."""
        with self._lock:
            expires_at = self._tokens.get(token)
        if expires_at is None:
            return "unknown"
        return "valid" if self._clock() < expires_at else "expired"

    def expire_tokens(self) -> int:
        with self._lock:
            now = self._clock()
            for token in self._tokens:
                self._tokens[token] = now
            return len(self._tokens)

    # jobs
    def add_job(self, job: JobRecord) -> None:
        with self._lock:
            self._jobs[job.id] = job

    def job(self, domain: str, job_id: str) -> JobRecord | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.domain != domain:
                return None
            job.advance(self._clock())
            return job

    def jobs(self, domain: str) -> list[JobRecord]:
        with self._lock:
            now = self._clock()
            found = [j for j in self._jobs.values() if j.domain == domain]
            for job in found:
                job.advance(now)
            return found

    def job_by_step(self, domain: str, step_id: str) -> JobRecord | None:
        with self._lock:
            for job in self._jobs.values():
                if job.domain == domain and job.output_step_id == step_id:
                    job.advance(self._clock())
                    return job
        return None

    # documents
    def add_document(self, record: DocumentRecord) -> None:
        with self._lock:
            self._documents.append(record)
            self._per_reference[record.reference or ""] += 1
            self.stats["documents"] += 1

    def documents(
        self, *, reference: str | None = None, communication_id: str | None = None
    ) -> list[DocumentRecord]:
        with self._lock:
            return [
                d
                for d in self._documents
                if (reference is None or d.reference == reference)
                and (communication_id is None or d.communication_id == communication_id)
            ]

    def count_for(self, reference: str) -> int:
        """Documents generated for ``reference`` since start (not capped by ``max_records``)."""
        with self._lock:
            return self._per_reference[reference]

    def count(self, stat: str) -> None:
        with self._lock:
            self.stats[stat] += 1

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._jobs.clear()
            self._documents.clear()
            self._per_reference.clear()
            self.stats.clear()
