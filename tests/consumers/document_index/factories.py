"""Result records for the index tests, built by the runtime's own :class:`ResultBuilder` (the same code
that builds them in production), for an order through every outcome."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from confluent_kafka import Producer

from bcx.avro.codec import AvroCodec
from bcx.contracts.document_result import DocumentResult, Explanation, OutputRef, Recipient
from bcx.exstream.models import GenerationResult
from bcx.settings import KafkaSettings
from consumers.runtime.document_request import DocumentRequest
from consumers.runtime.document_results import ResultBuilder
from consumers.stream.errors import PermanentError
from consumers.stream.processor import RecordContext
from consumers.stream.records import SourceRecord
from routing.decision import DocumentDecision, DocumentOutcome
from routing.facts import Channel

T0 = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
STORE = "abc123"


def decision(
    order: str, document_type: str, version: str = "1", channels: Iterable[Channel] = ()
) -> DocumentDecision:
    return DocumentDecision(
        document_type=document_type,
        category="transactional",
        rule=f"{document_type}_rule",
        outcome=DocumentOutcome.DUE,
        idempotency_key=f"order_documents:{STORE}:order:{order}:{document_type}:{version}",
        version=version,
        communication_id=f"comm-{document_type}",
        driver_data_source="order",
        communication_reason="default communication",
        locale="en-US",
        channels=tuple(channels) or (Channel.EMAIL, Channel.ARCHIVE),
    )


def request(order: str, customer: str, document_type: str, **kw: Any) -> DocumentRequest:
    d = decision(order, document_type, **kw)
    return DocumentRequest(
        decision=d,
        recipient=Recipient(
            store_hash=STORE, customer_id=customer, entity_type="order", entity_id=order, order_id=order
        ),
        driver_data={},
        source_event_id=f"evt-{order}",
        event_created_at=T0,
        explanation=Explanation(
            rules=[d.rule], reason=f"rule {d.rule} matched (all conditions hold)", rules_digest="d1g3st"
        ),
    )


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def order_results(
    order: str,
    customer: str,
    offset: int = 7,
    *,
    uri: str | None = None,
    use_case: str = "order_documents",
    email: str = "someone@example.com",
) -> list[DocumentResult]:
    """An order's confirmation (generated, emailed, archived), invoice (generated, email failed, the
    address in Exstream's message) and a receipt whose generation failed permanently."""
    builder = ResultBuilder(use_case, "test", Clock())
    ctx = RecordContext(SourceRecord("commerce.orders.v1", 0, offset, b"k", b"v"), 1, "bcx-order-documents")
    uri = uri or f"file:///var/docs/{order}.pdf"
    output = OutputRef(
        uri=uri, mime_type="application/pdf", size_bytes=10, sha256=hashlib.sha256(b"x").hexdigest()
    )
    generated = GenerationResult(documents=(), job_id=f"job-{order}", trace_id="tr")
    results = builder.for_outcome(
        request(order, customer, "order_confirmation"),
        ctx,
        generated,
        output,
        {"email": "delivered"},
        1,
        T0,
        40,
    )
    results += builder.for_outcome(
        request(order, customer, "order_invoice"),
        ctx,
        generated,
        output,
        {"email": f"mailbox unavailable: {email}"},
        1,
        T0,
        40,
    )
    error = PermanentError(
        "template refused the driver data", error_class="exstream.bad_request", stage="generate"
    )
    results.append(
        builder.failed(request(order, customer, "payment_receipt", version="901"), ctx, error, 1, T0)
    )
    return results


def publish(
    kafka: KafkaSettings, topic: str, codec: AvroCodec[DocumentResult], results: list[DocumentResult]
) -> None:
    producer = Producer(kafka.client_config())
    for result in results:
        producer.produce(topic, codec.encode(result), key=result.key.encode())
    assert producer.flush(30) == 0


def publish_dead_letter(kafka: KafkaSettings, topic: str, order: str) -> None:
    """A dead letter as the runtime writes it: the snapshot's key and the error headers."""
    headers = {
        "bcx.error.topic": "commerce.orders.v1",
        "bcx.error.partition": "0",
        "bcx.error.offset": "9",
        "bcx.error.stage": "map",
        "bcx.error.class": "data.driver_data",
        "bcx.error.exception.message": "order has no billing address",
        "bcx.error.attempts": "1",
        "bcx.error.timestamp": str(int((T0 + timedelta(minutes=5)).timestamp() * 1000)),
        "bcx.error.group": "bcx-order-documents",
    }
    producer = Producer(kafka.client_config())
    producer.produce(
        topic,
        json.dumps({"personal": "data"}).encode(),
        key=f"{STORE}:order:{order}".encode(),
        headers=[(k, v.encode()) for k, v in headers.items()],
    )
    assert producer.flush(30) == 0
