"""Decoding Orchestration replies: envelopes, bare PDFs, jobs and batch submissions."""

from __future__ import annotations

import base64
import json

import pytest

from bcx.exstream.envelope import (
    decode_generate_response,
    parse_batch_submission,
    parse_job_page,
    parse_job_response,
)
from bcx.exstream.errors import ExstreamRequestError, ExstreamUnavailableError, InvalidResponseError
from bcx.exstream.models import JobState, job_state


def _json(body: object) -> bytes:
    return json.dumps(body).encode()


class TestGenerateEnvelope:
    def test_decodes_every_output(self) -> None:
        """Each data[] element becomes a document with decoded bytes, mime type and engine file name."""
        body = {
            "status": "success",
            "details": "ok",
            "data": [
                {
                    "content": base64.b64encode(b"%PDF-1.4").decode(),
                    "mimeType": "application/pdf",
                    "engineOutputContext": {"queueName": "PDF", "fileName": "a.pdf", "customerNumber": "7"},
                },
                {"content": base64.b64encode(b"<p>hi</p>").decode(), "mimeType": "text/html"},
            ],
        }
        result = decode_generate_response("application/json", _json(body), {"x-b3-traceid": "tr"})
        pdf, html = result.documents
        assert (pdf.content, pdf.mime_type, pdf.name, pdf.queue_name, pdf.customer_number) == (
            b"%PDF-1.4",
            "application/pdf",
            "a.pdf",
            "PDF",
            "7",
        )
        assert (html.content, html.name) == (b"<p>hi</p>", "output-2.html")
        assert result.trace_id == "tr"
        assert result.first("text/html") is html

    def test_bare_pdf_reply(self) -> None:
        """An application/pdf reply is one document named from Content-Disposition."""
        result = decode_generate_response(
            "application/pdf", b"%PDF-1.7", {"content-disposition": 'attachment; filename="x.pdf"'}
        )
        assert result.documents[0].name == "x.pdf"
        assert result.documents[0].content == b"%PDF-1.7"

    def test_job_and_trace_from_body(self) -> None:
        """jobId and traceId in the envelope are surfaced when present."""
        body = {
            "status": "success",
            "jobId": "j",
            "traceId": "t",
            "data": [{"content": "", "mimeType": "text/html"}],
        }
        result = decode_generate_response("application/json", _json(body), {})
        assert (result.job_id, result.trace_id) == ("j", "t")

    def test_interactive_document_id(self) -> None:
        """The Interactive document-id reply yields the id and no documents."""
        result = decode_generate_response("application/json", _json({"documentId": "d-1"}), {})
        assert result.interactive_document_id == "d-1"
        assert result.documents == ()

    @pytest.mark.parametrize(
        "content",
        [
            b"not json",
            _json({"status": "success", "data": []}),
            _json({"status": "success", "data": [{"content": "@@notbase64@@"}]}),
            _json({"data": [{"content": ""}]}),
            _json([1, 2]),
        ],
    )
    def test_undecodable_replies_are_invalid(self, content: bytes) -> None:
        """Bad JSON, no outputs, bad base64 or a missing status are InvalidResponseError (permanent)."""
        with pytest.raises(InvalidResponseError) as info:
            decode_generate_response("application/json", content, {})
        assert not info.value.retryable

    def test_error_envelope_with_data_problem(self) -> None:
        """status:error with a 4xx statusCode in data is a permanent request error."""
        body = {"status": "error", "data": [{"errorMessage": "bad data", "statusCode": 400}]}
        with pytest.raises(ExstreamRequestError, match="bad data"):
            decode_generate_response("application/json", _json(body), {})

    def test_error_envelope_with_server_problem(self) -> None:
        """status:error with a 5xx statusCode is retryable."""
        body = {"status": "error", "data": [{"errorMessage": "engine down", "statusCode": "503"}]}
        with pytest.raises(ExstreamUnavailableError):
            decode_generate_response("application/json", _json(body), {})


class TestJobs:
    def test_job_with_epoch_millis(self) -> None:
        """The observed job body (epoch-millisecond dates) parses with its state mapped."""
        body = {
            "status": "success",
            "data": {
                "id": "j1",
                "status": "complete",
                "mode": "BATCH",
                "channel": "in",
                "externalId": None,
                "startDate": 1757584405639,
                "endDate": 1757584411005,
                "traceId": "t",
            },
        }
        job = parse_job_response(body)
        assert job.state is JobState.COMPLETED
        assert job.start_date is not None
        assert job.start_date.year == 2025
        assert job.external_id is None
        assert job.trace_id == "t"

    def test_job_data_as_array_and_iso_dates(self) -> None:
        """data arriving as a one-element array and ISO dates are both tolerated."""
        job = parse_job_response(
            {"data": [{"id": "j", "status": "started", "startDate": "2025-01-02T03:04:05Z"}]}
        )
        assert job.state is JobState.RUNNING
        assert job.start_date is not None
        assert job.start_date.hour == 3

    @pytest.mark.parametrize(
        ("status", "state"),
        [
            ("uninitialized", JobState.QUEUED),
            ("waiting", JobState.QUEUED),
            ("started", JobState.RUNNING),
            ("holding", JobState.RUNNING),
            ("complete", JobState.COMPLETED),
            ("error", JobState.FAILED),
            ("canceled", JobState.FAILED),
            ("deleted", JobState.FAILED),
            ("brand-new", JobState.RUNNING),
        ],
    )
    def test_state_mapping(self, status: str, state: JobState) -> None:
        """Every documented job status folds into the small enum; unknown ones count as running."""
        assert job_state(status) is state

    def test_job_page(self) -> None:
        """A PageResponseJob yields its jobs; a missing data list means none."""
        assert [j.id for j in parse_job_page({"data": [{"id": "a", "status": "complete"}]})] == ["a"]
        assert parse_job_page({"status": "success"}) == []

    def test_batch_submission(self) -> None:
        """The observed 201 batch reply yields the job id and flow instance ids."""
        body = {"status": "success", "data": [{"id": "fi", "jobId": "j", "status": "started"}]}
        submission = parse_batch_submission(body, {})
        assert (submission.job_id, submission.flow_instance_ids, submission.status) == (
            "j",
            ("fi",),
            "started",
        )

    def test_batch_submission_without_job_is_invalid(self) -> None:
        """A batch reply without a job id cannot be tracked and is invalid."""
        with pytest.raises(InvalidResponseError):
            parse_batch_submission({"status": "success", "data": [{"id": "fi"}]}, {})
