"""A minimal document use case for runtime tests: a JSON record → one routed document via the step.

Input value: ``{"store": s, "order_id": n, "document_type": t, "communication_id": c, "channels": [...],
"email": ..., "event_id": e}``; ``"document_types": [t, ...]`` asks for several documents of one record,
each attempted even when an earlier one fails, the first failure raised (as order-documents does).
Used in-process (threads) and by ``bcx consume --module`` subprocesses.
"""

from __future__ import annotations

import json
from typing import Any

from bcx.contracts.document_result import Recipient
from consumers.runtime.app import Services, UseCase
from consumers.runtime.document_request import DocumentRequest
from consumers.runtime.document_step import DocumentStep
from consumers.stream.errors import ProcessingError
from consumers.stream.processor import RecordContext
from consumers.stream.records import SourceRecord
from routing.decision import DocumentDecision, DocumentOutcome
from routing.facts import Channel
from routing.idempotency import idempotency_key

USE_CASE = "test-documents"


def document_key(store: str, order_id: str, document_type: str = "invoice") -> str:
    return idempotency_key(USE_CASE, store, "order", order_id, document_type, "1")


def decode(record: SourceRecord) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(record.value or b"{}")
    return value


class OrderDocument:
    def __init__(self, step: DocumentStep) -> None:
        self._step = step

    async def process(self, value: dict[str, Any], ctx: RecordContext) -> None:
        failures: list[ProcessingError] = []
        for document_type in value.get("document_types", [value.get("document_type", "invoice")]):
            try:
                await self._one(value, str(document_type), ctx)
            except ProcessingError as exc:
                failures.append(exc)
        if failures:
            raise next((f for f in failures if f.retryable), failures[0])

    async def _one(self, value: dict[str, Any], document_type: str, ctx: RecordContext) -> None:
        store, order_id = str(value["store"]), str(value["order_id"])
        decision = DocumentDecision(
            document_type=document_type,
            category="transactional",
            rule="test",
            outcome=DocumentOutcome.DUE,
            idempotency_key=document_key(store, order_id, document_type),
            version="1",
            communication_id=str(value.get("communication_id", "order-confirmation")),
            driver_data_source="Driver",
            communication_reason="test",
            locale="en-US",
            channels=tuple(Channel(c) for c in value.get("channels", ["email"])),
        )
        request = DocumentRequest(
            decision=decision,
            recipient=Recipient(store_hash=store, entity_type="order", entity_id=order_id, order_id=order_id),
            driver_data={"order": {"id": order_id}, "email": value.get("email", "buyer@example.invalid")},
            source_event_id=str(value.get("event_id", f"e-{order_id}")),
        )
        await self._step.run(request, ctx)


def build(services: Services) -> UseCase[dict[str, Any]]:
    return UseCase(USE_CASE, (), decode, OrderDocument(services.document_step(USE_CASE)))
