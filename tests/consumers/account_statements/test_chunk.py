"""Splitting a multi-record batch job's outputs and deliveries per document, and the job's records."""

from __future__ import annotations

from datetime import UTC, datetime

from bcx.contracts.commerce_schedules import ScheduleRequestRecord
from bcx.contracts.document_result import Recipient
from bcx.exstream.models import GeneratedDocument, GenerationResult
from consumers.account_statements.chunk import job_key, job_record, share
from consumers.runtime import DocumentRequest
from consumers.runtime.ledger import exstream_reference
from routing import DocumentDecision
from routing.decision import DocumentOutcome
from routing.facts import Channel


def request(key: str) -> DocumentRequest:
    decision = DocumentDecision(
        document_type="account_statement",
        category="transactional",
        rule="test",
        outcome=DocumentOutcome.DUE,
        idempotency_key=key,
        version="2026-11",
        communication_id="comm-1",
        driver_data_source="StatementDriver",
        communication_reason="test",
        locale="en-US",
        channels=(Channel.EMAIL, Channel.ARCHIVE),
    )
    recipient = Recipient(store_hash="s1", entity_type="company", entity_id="1")
    return DocumentRequest(decision, recipient, {"reference": key}, source_event_id="r1")


class TestShare:
    def test_each_document_gets_only_its_own_outputs_and_deliveries(self) -> None:
        """Outputs and delivery outcomes named by a record's reference go to that record's document only."""
        a, b = request("k:a"), request("k:b")
        ra, rb = exstream_reference("k:a"), exstream_reference("k:b")
        job = GenerationResult(
            (
                GeneratedDocument(b"%PDF-a", "application/pdf", f"abcd1234-1-{ra}.pdf"),
                GeneratedDocument(b"<a>", "text/html", f"abcd1234-1-{ra}.html"),
                GeneratedDocument(b"%PDF-b", "application/pdf", f"abcd1234-2-{rb}.pdf"),
            ),
            job_id="job-1",
            trace_id="t-1",
            details=f"2 record(s); delivery: {ra}/email=delivered, {rb}/email=failed: no address",
        )
        mine = share(job, a)
        assert [d.name for d in mine.documents] == [f"abcd1234-1-{ra}.pdf", f"abcd1234-1-{ra}.html"]
        assert (mine.job_id, mine.details) == ("job-1", "delivery: email=delivered")
        theirs = share(job, b)
        assert [d.content for d in theirs.documents] == [b"%PDF-b"]
        assert theirs.details == "delivery: email=failed: no address"

    def test_a_document_missing_from_the_job_gets_no_output(self) -> None:
        """A document whose reference the job does not name gets nothing (the step then fails it)."""
        job = GenerationResult((GeneratedDocument(b"x", "application/pdf", "abcd1234-1-bcx-other.pdf"),))
        assert share(job, request("k:a")).documents == ()


class TestJobRecord:
    def test_the_record_carries_its_reference_and_channels_without_archive(self) -> None:
        """A job record is the driver data, its delivery channels (archive is bcx's) and its reference key."""
        record = job_record(request("k:a"))
        assert record == {
            "reference": "k:a",
            "deliveryChannels": ["email"],
            "customerNumber": exstream_reference("k:a"),
        }

    def test_the_job_key_names_store_chunk_period_version_and_communication(self) -> None:
        """Each chunk's job per communication has its own stable ledger key."""
        value = ScheduleRequestRecord(
            request_id="s1:chunk-2:2026-11:v1",
            schedule="monthly_statement",
            store_hash="s1",
            subject_type="chunk",
            subject_id="chunk-2",
            period="2026-11",
            requested_at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        assert (
            job_key("account_statements", value, "comm-1")
            == "account_statements:s1:chunk-2:2026-11:v1:comm-1"
        )
