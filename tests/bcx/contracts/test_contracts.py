"""Each contract model and its Avro schema agree field by field, and round-trip exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from bcx.avro.schemas import load_schema
from bcx.contracts.codecs import document_result_codec, webhook_event_codec
from bcx.contracts.commerce import SNAPSHOT_TOPICS
from bcx.contracts.document_result import (
    Channel,
    DocumentRef,
    DocumentResult,
    DocumentStatus,
    ErrorInfo,
    ExstreamRef,
    Lineage,
    OutputRef,
    Recipient,
    Timing,
)
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.contracts.webhook_event import WebhookAuthentication, WebhookEvent

NOW = datetime(2026, 11, 26, 10, 30, 15, 123000, tzinfo=UTC)


def sample_result(**overrides: Any) -> DocumentResult:
    values: dict[str, Any] = {
        "result_id": "5f1c",
        "status": DocumentStatus.DELIVERED,
        "occurred_at": NOW,
        "document": DocumentRef(
            idempotency_key="order-documents:abc:order:100:invoice:1",
            use_case="order-documents",
            document_type="invoice",
            communication_id="bcx.invoice",
            driver_data_source="order",
            locale="fr-CA",
        ),
        "recipient": Recipient(
            store_hash="abc", customer_id="7", entity_type="order", entity_id="100", order_id="100"
        ),
        "channel": Channel.EMAIL,
        "output": OutputRef(
            uri="file:///o/1.pdf", mime_type="application/pdf", size_bytes=1234, sha256="ab" * 32
        ),
        "exstream": ExstreamRef(job_id="j-1", trace_id="t-1"),
        "timing": Timing(event_created_at=NOW, started_at=NOW, completed_at=NOW, exstream_ms=120),
        "attempt": 2,
        "error": None,
        "lineage": Lineage(
            source_event_id="e-1", source_topic="commerce.orders.v1", source_partition=3, source_offset=42
        ),
        "producer_version": "0.1.0",
    }
    values.update(overrides)
    return DocumentResult(**values)


def sample_event() -> WebhookEvent:
    return WebhookEvent(
        event_id="e-1",
        store_hash="abc",
        store_id="1001",
        producer="stores/abc",
        scope="store/order/statusUpdated",
        resource_type="order",
        resource_id="100",
        data_json='{"type":"order","id":100,"status":{"previous_status_id":1,"new_status_id":11}}',
        hash="3f2a",
        created_at=NOW,
        received_at=NOW,
        authentication=WebhookAuthentication.BOTH,
    )


def _avro_fields(schema: Any) -> dict[str, Any]:
    return {field["name"]: field["type"] for field in schema["fields"]}


def _record_of(avro_type: Any) -> Any:
    """The record schema inside a field type (itself, or the non-null branch of a union)."""
    if isinstance(avro_type, list):
        branches = [b for b in avro_type if b != "null"]
        return _record_of(branches[0]) if len(branches) == 1 else None
    if isinstance(avro_type, dict) and avro_type.get("type") == "record":
        return avro_type
    return None


def _assert_same_fields(model: type[BaseModel], avro_record: Any, where: str) -> None:
    avro = _avro_fields(avro_record)
    assert set(model.model_fields) == set(avro), f"{where}: model and schema fields differ"
    for name, info in model.model_fields.items():
        nested = _record_of(avro[name])
        annotation = info.annotation
        inner = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
        models = [a for a in inner if issubclass(a, BaseModel)]
        if nested is not None:
            assert models, f"{where}.{name}: schema has a record, model has no model"
            _assert_same_fields(models[0], nested, f"{where}.{name}")


class TestSchemasMatchModels:
    @pytest.mark.parametrize(
        ("model", "topic"),
        [
            (WebhookEvent, "bigcommerce.webhooks.v1"),
            (DocumentResult, "documents.results.v1"),
            (LedgerEntry, "consumer.ledger.v1"),
            *((spec.model, spec.topic) for spec in SNAPSHOT_TOPICS.values()),
        ],
    )
    def test_fields_agree(self, model: type[BaseModel], topic: str) -> None:
        """Every model field is an Avro field of the same name, recursively, and nothing else is."""
        _assert_same_fields(model, load_schema(topic).parsed, model.__name__)


class TestRoundTrip:
    def test_document_result(self, mock_registry: Any) -> None:
        """A fully populated result encodes to Confluent framing and decodes to an equal model."""
        codec = document_result_codec(mock_registry)
        result = sample_result()
        data = codec.encode(result)
        assert data[0] == 0
        assert int.from_bytes(data[1:5], "big") == codec.schema_id()
        assert codec.decode(data) == result

    def test_failed_result_with_error(self, mock_registry: Any) -> None:
        """A FAILED result keeps its error class, retryability and stage."""
        codec = document_result_codec(mock_registry)
        result = sample_result(
            status=DocumentStatus.FAILED,
            channel=None,
            output=None,
            error=ErrorInfo(
                error_class="exstream.bad_request", retryable=False, message="400", stage="generate"
            ),
        )
        assert codec.decode(codec.encode(result)) == result

    def test_webhook_event(self, mock_registry: Any) -> None:
        """A webhook event round-trips and is keyed store:type:id."""
        codec = webhook_event_codec(mock_registry)
        event = sample_event()
        assert codec.decode(codec.encode(event)) == event
        assert event.key == "abc:order:100"

    def test_timestamps_normalise_to_utc_millis(self) -> None:
        """Naive or sub-millisecond datetimes are stored as UTC milliseconds, so equality survives Avro."""
        result = sample_result(occurred_at=datetime(2026, 1, 1, 12, 0, 0, 999999))
        assert result.occurred_at == datetime(2026, 1, 1, 12, 0, 0, 999000, tzinfo=UTC)
