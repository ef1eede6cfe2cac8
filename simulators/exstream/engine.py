"""Producing documents the way an Exstream job would: render, deliver, record — one job per request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from simulators.exstream.config import SimulatorConfig
from simulators.exstream.delivery import deliver, requested_channels
from simulators.exstream.render import benchmark_pdf
from simulators.exstream.state import Artifact, DocumentRecord, JobRecord, SimulatorState, iso_now
from simulators.exstream.templates import TemplateRegistry

_BENCHMARK_HTML = "<!DOCTYPE html><html><body><p>Benchmark document</p></body></html>"


@dataclass(frozen=True)
class Output:
    name: str
    content: bytes
    mime_type: str
    queue_name: str
    customer_number: str


def _customer_number(record: Any, index: int) -> str:
    if isinstance(record, dict):
        for key in ("customerNumber", "customer_id", "customerId", "id"):
            value = record.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)
    return str(index + 1)


def _record_reference(record: Any, job_reference: str | None) -> str | None:
    if isinstance(record, dict) and isinstance(record.get("customerNumber"), str):
        return str(record["customerNumber"])
    return job_reference


class Engine:
    def __init__(self, config: SimulatorConfig, registry: TemplateRegistry, state: SimulatorState) -> None:
        self.config = config
        self.registry = registry
        self.state = state

    def run(
        self,
        *,
        domain: str,
        channel: str,
        mode: str,
        communication_id: str,
        records: list[Any],
        reference: str | None,
        triggered_by: str,
        ready_at: float,
        design_version: int | None = None,
    ) -> tuple[JobRecord, list[Output]]:
        """Render every record, deliver as the data asks, record it all under a new job."""
        job = JobRecord(
            id=str(uuid.uuid4()),
            domain=domain,
            channel=channel,
            mode=mode,
            status="started" if mode == "BATCH" else "complete",
            external_id=reference,
            trace_id=uuid.uuid4().hex,
            triggered_by=triggered_by,
            start_date=iso_now(),
            ready_at=ready_at,
            msg="",
        )
        outputs: list[Output] = []
        deliveries: list[str] = []
        for index, record in enumerate(records):
            customer = _customer_number(record, index)
            keyed = (
                mode == "BATCH" and isinstance(record, dict) and isinstance(record.get("customerNumber"), str)
            )
            record_reference = _record_reference(record, reference) if keyed else reference
            if self.config.benchmark:
                pdf, html, subject = benchmark_pdf(), _BENCHMARK_HTML, "Benchmark document"
            else:
                rendered = self.registry.get(communication_id).render(
                    record, communication_id=communication_id, reference=reference, version=design_version
                )
                pdf, html, subject = rendered.pdf, rendered.html, rendered.subject
            stem = f"{job.id[:8]}-{index + 1}"
            if keyed:
                # a batch record with its own key (the delivery manifest's customer/key) names its files
                # and its document by that key, so the caller can tell whose output is whose
                stem = f"{stem}-{customer}"
            pdf_name, html_name = f"{stem}.pdf", f"{stem}.html"
            channels = () if self.config.benchmark else requested_channels(record)
            outcome = deliver(
                self.config.outbox,
                channels,
                job_id=job.id,
                index=index + 1,
                reference=record_reference,
                driver_data=record,
                sender=self.config.email_from,
                subject=subject,
                html=html,
                pdf=pdf,
                pdf_name=pdf_name,
            )
            # a keyed batch record's deliveries are reported under its key (``C1/email=…``)
            prefix = f"{customer}/" if keyed else ""
            deliveries.extend(f"{prefix}{ch}={result}" for ch, result in outcome.items())
            outputs.append(Output(pdf_name, pdf, "application/pdf", "PDF", customer))
            outputs.append(Output(html_name, html.encode(), "text/html", "HTML", customer))
            for output in outputs[-2:]:
                job.artifacts[output.name] = Artifact(output.name, output.content, output.mime_type)
            # One record per document (the PDF), so tests can count documents per idempotency key; a keyed
            # batch record's document is known by its record's key.
            self.state.add_document(
                DocumentRecord(
                    id=str(uuid.uuid4()),
                    reference=record_reference,
                    communication_id=communication_id,
                    job_id=job.id,
                    mode=mode,
                    name=pdf_name,
                    mime_type="application/pdf",
                    size=len(pdf),
                    channels=tuple(ch for ch, r in outcome.items() if r == "delivered"),
                    created_at=job.start_date,
                )
            )
        summary = f"{len(records)} record(s)"
        if mode != "BATCH":
            job.end_date = iso_now()
        job.msg = summary + (f"; delivery: {', '.join(deliveries)}" if deliveries else "")
        self.state.add_job(job)
        return job, outputs
