"""Batch documents' pure parts: the SUBMITTED ledger state, job durations, batch metrics, schema evolution."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fastavro
import pytest
from prometheus_client import CollectorRegistry

from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from bcx.exstream.models import JobState, JobStatus
from consumers.runtime.batch import job_duration_s
from consumers.runtime.ledger import (
    LedgerAction,
    LedgerConflict,
    action_for,
    check_transition,
    exstream_reference,
)
from consumers.runtime.metrics import DocumentMetrics

SCHEMA = Path(__file__).resolve().parents[3] / "schemas" / "consumer.ledger.v1.avsc"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def entry(state: LedgerState, attempt: int = 1, job_id: str | None = None) -> LedgerEntry:
    return LedgerEntry(
        idempotency_key="k",
        state=state,
        attempt=attempt,
        exstream_reference=exstream_reference("k"),
        job_id=job_id,
        updated_at=T0,
        owner="test",
        source_topic="t",
        source_partition=0,
        source_offset=0,
    )


class TestSubmittedState:
    def test_submitted_with_a_job_is_resumed(self) -> None:
        """A key whose batch job id is recorded is resumed (polled), not resolved or submitted again."""
        assert action_for(entry(LedgerState.SUBMITTED, job_id="j-1")) is LedgerAction.RESUME

    def test_submitted_without_a_job_is_resolved(self) -> None:
        """A SUBMITTED entry missing its job id falls back to a look-up by reference."""
        assert action_for(entry(LedgerState.SUBMITTED)) is LedgerAction.RESOLVE

    @pytest.mark.parametrize(
        ("current", "new"),
        [
            (LedgerState.STARTED, LedgerState.SUBMITTED),
            (LedgerState.FAILED, LedgerState.SUBMITTED),
            (LedgerState.SUBMITTED, LedgerState.GENERATED),
            (LedgerState.SUBMITTED, LedgerState.DELIVERED),
            (LedgerState.SUBMITTED, LedgerState.FAILED),
            (LedgerState.SUBMITTED, LedgerState.STARTED),
        ],
    )
    def test_allowed_transitions(self, current: LedgerState, new: LedgerState) -> None:
        """Submitting after STARTED, adopting after FAILED, and every outcome after SUBMITTED pass."""
        check_transition(entry(current, job_id="j-1"), entry(new, attempt=2, job_id="j-1"))

    @pytest.mark.parametrize(
        ("current", "new"),
        [
            (None, LedgerState.SUBMITTED),
            (LedgerState.SUBMITTED, LedgerState.SUBMITTED),
            (LedgerState.GENERATED, LedgerState.SUBMITTED),
            (LedgerState.DELIVERED, LedgerState.SUBMITTED),
        ],
    )
    def test_forbidden_transitions(self, current: LedgerState | None, new: LedgerState) -> None:
        """No submission without STARTED first, no second job for a key, nothing after a document exists."""
        with pytest.raises(LedgerConflict):
            check_transition(entry(current) if current else None, entry(new, attempt=2, job_id="j-2"))


class TestJobDuration:
    def test_exstream_dates_win(self) -> None:
        """With both job dates reported, the duration is Exstream's own, whatever bcx's clock says."""
        job = JobStatus(
            id="j",
            status="complete",
            state=JobState.COMPLETED,
            start_date=T0,
            end_date=T0 + timedelta(seconds=42),
        )
        assert job_duration_s(job, T0 - timedelta(hours=1), T0 + timedelta(hours=2)) == 42

    def test_falls_back_to_the_submission_time(self) -> None:
        """Without an end date, the duration runs from bcx's submission to now (never negative)."""
        job = JobStatus(id="j", status="complete", state=JobState.COMPLETED, start_date=T0)
        assert job_duration_s(job, T0, T0 + timedelta(seconds=5)) == 5
        assert job_duration_s(job, T0, T0 - timedelta(seconds=5)) == 0


class TestBatchMetrics:
    def test_in_flight_and_durations_by_use_case(self) -> None:
        """The gauge follows polling starts and stops; durations land in the outcome's histogram series."""
        registry = CollectorRegistry()
        metrics = DocumentMetrics(registry, "g")
        metrics.batch_job_polling("statements", +1)
        metrics.batch_job_polling("statements", +1)
        metrics.batch_job_polling("statements", -1)
        metrics.batch_job_finished("statements", "completed", 12.0)
        assert registry.get_sample_value("bcx_batch_jobs_in_flight", {"use_case": "statements"}) == 1
        count = registry.get_sample_value(
            "bcx_batch_job_duration_seconds_count", {"use_case": "statements", "outcome": "completed"}
        )
        assert count == 1

    def test_outcome_label_is_bounded(self) -> None:
        """An outcome outside completed/failed is refused rather than creating a new series."""
        with pytest.raises(ValueError, match="unknown batch outcome"):
            DocumentMetrics(CollectorRegistry(), "g").batch_job_finished("statements", "weird", 1.0)


def _roundtrip(writer: dict[str, Any], reader: dict[str, Any], record: dict[str, Any]) -> Any:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(writer), record)
    buffer.seek(0)
    return fastavro.schemaless_reader(buffer, fastavro.parse_schema(writer), fastavro.parse_schema(reader))


class TestSchemaEvolution:
    def _schemas(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        new = json.loads(SCHEMA.read_text())
        old = copy.deepcopy(new)
        state = next(f for f in old["fields"] if f["name"] == "state")
        state["type"]["symbols"] = ["STARTED", "GENERATED", "DELIVERED", "FAILED"]
        record = entry(LedgerState.SUBMITTED, job_id="j-1").model_dump(mode="python")
        record["state"] = "SUBMITTED"
        return new, old, record

    def test_new_reader_reads_old_entries(self) -> None:
        """Entries written before SUBMITTED existed still decode with the new schema (BACKWARD)."""
        new, old, record = self._schemas()
        record["state"] = "STARTED"
        assert _roundtrip(old, new, record)["state"] == "STARTED"

    def test_reader_without_the_symbol_falls_back_to_started(self) -> None:
        """A reader whose schema lacks SUBMITTED (but has the enum default) reads STARTED: it looks up."""
        new, old, record = self._schemas()
        state = next(f for f in old["fields"] if f["name"] == "state")
        assert state["type"]["default"] == "STARTED"
        assert _roundtrip(new, old, record)["state"] == "STARTED"
