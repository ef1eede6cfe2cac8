"""The Exstream client against the real simulator over HTTP on loopback."""

from __future__ import annotations

import email
import json
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest

from bcx.exstream import ExstreamClient, ExstreamSettings, JobPoller, JobState
from bcx.exstream.errors import (
    ExstreamRateLimitedError,
    ExstreamRequestError,
    InvalidResponseError,
    OutcomeUnknownError,
    PermanentExstreamError,
    RetryableExstreamError,
)
from simulators.exstream import FaultConfig, RunningSimulator
from tests.support.pdf import pdf_text
from tests.support.required import reference

CLAIM_COMM = "e0421aa8-c1ce-41d9-a10a-cb830ebd4beb"


async def _generate(client: ExstreamClient, data: Any, **kwargs: Any) -> Any:
    return await client.generate(
        communication_id=kwargs.pop("communication_id", "order-confirmation"),
        driver_data_source="Driver",
        driver_data=data,
        **kwargs,
    )


class TestOnDemand:
    async def test_generates_a_real_pdf_with_the_driver_data(self, client_settings: ExstreamSettings) -> None:
        """The PDF starts with %PDF and its text contains the posted driver data."""
        async with ExstreamClient(client_settings) as client:
            result = await _generate(client, {"order": {"id": "ORD-4711", "total": "99.90"}}, reference="k-1")
        pdf = result.first("application/pdf")
        assert pdf is not None
        assert pdf.content.startswith(b"%PDF")
        text = pdf_text(pdf.content)
        assert "ORD-4711" in text
        assert "99.90" in text
        html = result.first("text/html")
        assert html is not None
        assert b"ORD-4711" in html.content
        assert result.job_id is not None
        assert result.trace_id is not None

    async def test_template_for_a_known_communication(self, client_settings: ExstreamSettings) -> None:
        """OpenText's sample claim communication renders through its own template."""
        async with ExstreamClient(client_settings) as client:
            sample = json.loads(reference("exstream", "sample-driver-data.json").read_text())
            result = await _generate(client, sample, communication_id=CLAIM_COMM, accept="pdf")
        (pdf,) = result.documents
        text = pdf_text(pdf.content)
        assert "Claim acknowledgement" in text
        assert "000-00-000203" in text
        assert "Allen Robertson" in text

    async def test_bad_driver_data_is_permanent(self, client_settings: ExstreamSettings) -> None:
        """A request Exstream rejects with 400 raises PermanentExstreamError with the status."""
        async with ExstreamClient(client_settings) as client:
            with pytest.raises(PermanentExstreamError) as info:
                await _generate(client, {}, communication_id="")
        assert info.value.status_code == 400
        assert isinstance(info.value, ExstreamRequestError)

    async def test_503_is_retryable(self, sim: RunningSimulator, client_settings: ExstreamSettings) -> None:
        """An injected 503 raises RetryableExstreamError and generates nothing."""
        sim.simulator.set_faults(FaultConfig(error_rate=1.0))
        async with ExstreamClient(client_settings) as client:
            with pytest.raises(RetryableExstreamError) as info:
                await _generate(client, {"a": 1}, reference="k-503")
        assert info.value.status_code == 503
        assert sim.simulator.count_for("k-503") == 0

    async def test_429_carries_retry_after(
        self, sim: RunningSimulator, client_settings: ExstreamSettings
    ) -> None:
        """An injected 429 raises ExstreamRateLimitedError with the server's Retry-After."""
        sim.simulator.set_faults(FaultConfig(rate_limit_rate=1.0, retry_after_s=3))
        async with ExstreamClient(client_settings) as client:
            with pytest.raises(ExstreamRateLimitedError) as info:
                await _generate(client, {"a": 1})
        assert info.value.retry_after == 3

    async def test_malformed_reply_is_invalid(
        self, sim: RunningSimulator, client_settings: ExstreamSettings
    ) -> None:
        """A corrupted 200 reply raises InvalidResponseError."""
        sim.simulator.set_faults(FaultConfig(malformed_rate=1.0))
        async with ExstreamClient(client_settings) as client:
            with pytest.raises(InvalidResponseError):
                await _generate(client, {"a": 1})

    async def test_expired_token_is_refreshed_transparently(
        self, sim: RunningSimulator, client_settings: ExstreamSettings
    ) -> None:
        """After the simulator expires every token, the next call refreshes once and succeeds."""
        async with ExstreamClient(client_settings) as client:
            await _generate(client, {"a": 1})
            sim.simulator.expire_tokens()
            result = await _generate(client, {"a": 2})
        assert result.documents
        assert sim.simulator.state.stats["tokens_issued"] == 2
        assert sim.simulator.state.stats["rejected_tokens"] == 1

    async def test_timeout_after_send_is_outcome_unknown_and_findable(
        self, sim: RunningSimulator, client_settings: ExstreamSettings
    ) -> None:
        """A reply withheld past the timeout is OutcomeUnknownError; find_job shows it was processed."""
        sim.simulator.set_faults(FaultConfig(hang_rate=1.0, hang_s=3))
        settings = client_settings.model_copy(update={"generate_timeout_s": 0.5})
        async with ExstreamClient(settings) as client:
            with pytest.raises(OutcomeUnknownError):
                await _generate(client, {"a": 1}, reference="k-unknown")
            sim.simulator.set_faults(FaultConfig())
            job = await client.find_job("k-unknown")
            assert await client.find_job("k-never-sent") is None
        assert job is not None
        assert job.external_id == "k-unknown"
        assert job.state is JobState.COMPLETED
        assert sim.simulator.count_for("k-unknown") == 1


class TestDelivery:
    async def test_email_is_written_as_eml_with_pdf_attachment(
        self, sim: RunningSimulator, client_settings: ExstreamSettings
    ) -> None:
        """deliveryPreference=email writes an .eml (HTML body, PDF attached), reported on the job."""
        data = {"deliveryPreference": "email", "email": "buyer@example.com", "order": {"id": "ORD-9"}}
        async with ExstreamClient(client_settings) as client:
            result = await _generate(client, data, reference="k-mail")
            assert result.job_id is not None
            job = await client.get_job(result.job_id)
        assert job.message is not None
        assert "email=delivered" in job.message
        (eml,) = (sim.simulator.config.outbox / "email").glob("*.eml")
        message = email.message_from_bytes(eml.read_bytes(), policy=default_policy)
        assert isinstance(message, EmailMessage)
        assert message["To"] == "buyer@example.com"
        body = message.get_body(preferencelist=("html",))
        assert body is not None
        assert "ORD-9" in body.get_content()
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content().startswith(b"%PDF")

    async def test_print_and_portal_folders(
        self, sim: RunningSimulator, client_settings: ExstreamSettings
    ) -> None:
        """Print and portal channels drop the PDF into their folders."""
        data = {"deliveryChannels": ["print", "portal"], "n": 1}
        async with ExstreamClient(client_settings) as client:
            await _generate(client, data, reference="k-print")
        outbox = sim.simulator.config.outbox
        assert len(list((outbox / "print").glob("*.pdf"))) == 1
        assert len(list((outbox / "portal" / "k-print").glob("*.pdf"))) == 1


class TestBatch:
    async def test_submit_poll_and_fetch_outputs(self, client_settings: ExstreamSettings) -> None:
        """A batch job runs to completion under the poller and its per-record outputs can be downloaded."""
        records = [{"customerNumber": "C1", "amount": "10"}, {"customerNumber": "C2", "amount": "20"}]
        async with ExstreamClient(client_settings) as client:
            submission = await client.submit_batch("statements", {"records": records}, reference="batch-1")
            first = await client.get_job(submission.job_id)
            final = await JobPoller.from_settings(client.get_job, client_settings).wait(submission.job_id)
            outputs = await client.fetch_job_outputs(submission.job_id)
        assert first.state is JobState.RUNNING
        assert final.state is JobState.COMPLETED
        assert final.external_id == "batch-1"
        pdfs = [d for d in outputs if d.mime_type == "application/pdf"]
        assert len(pdfs) == 2
        assert any("C2" in pdf_text(p.content) for p in pdfs)

    async def test_keyed_records_name_their_outputs_and_documents(
        self, sim: RunningSimulator, client_settings: ExstreamSettings
    ) -> None:
        """Records keyed by customerNumber: each one's files carry its key and its document its reference."""
        records = [{"customerNumber": "bcx-a", "n": 1}, {"customerNumber": "bcx-b", "n": 2}]
        async with ExstreamClient(client_settings) as client:
            submission = await client.submit_batch("statements", {"records": records}, reference="chunk-1")
            await JobPoller.from_settings(client.get_job, client_settings).wait(submission.job_id)
            outputs = await client.fetch_job_outputs(submission.job_id)
        pdfs = sorted(d.name for d in outputs if d.mime_type == "application/pdf")
        assert [name.split("-", 2)[1:] for name in pdfs] == [["1", "bcx-a.pdf"], ["2", "bcx-b.pdf"]]
        assert (sim.simulator.count_for("bcx-a"), sim.simulator.count_for("bcx-b")) == (1, 1)
        assert sim.simulator.count_for("chunk-1") == 0


class TestSimulatorOnlyInspection:
    async def test_documents_are_counted_per_reference(
        self, sim: RunningSimulator, client_settings: ExstreamSettings
    ) -> None:
        """The simulator does not deduplicate: two sends with one key make two documents, visible in /_sim."""
        async with ExstreamClient(client_settings) as client:
            await _generate(client, {"a": 1}, reference="dup")
            await _generate(client, {"a": 1}, reference="dup")
            reply = await client.http._http.get(f"{sim.base_url}/_sim/documents", params={"reference": "dup"})
        assert reply.json()["count"] == 2
        assert reply.json()["simulatorOnly"] is True
        assert sim.simulator.count_for("dup") == 2
