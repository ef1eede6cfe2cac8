"""A document use case for batch tests: a JSON record → one routed document, on demand or through a batch job.

Input value: ``{"store": s, "statement_id": n, "mode": "batch"|"on_demand", "batch_input": name,
"channels": [...], "communication_id": c}``. Used in-process (threads) and by ``bcx consume --module``
subprocesses (``tests.consumers.runtime.batch_usecase:build``).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from bcx.contracts.document_result import Recipient
from consumers.runtime.app import Services, UseCase
from consumers.runtime.document_request import DocumentRequest
from consumers.runtime.document_step import DocumentStep
from consumers.stream.processor import RecordContext
from consumers.stream.records import SourceRecord
from routing.decision import DocumentDecision, DocumentOutcome
from routing.facts import Channel
from routing.idempotency import idempotency_key

USE_CASE = "test-statements"
BATCH_INPUT = "statements"


def statement_key(store: str, statement_id: str) -> str:
    return idempotency_key(USE_CASE, store, "customer", statement_id, "statement", "1")


def decode(record: SourceRecord) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(record.value or b"{}")
    return value


class Statements:
    def __init__(self, step: DocumentStep) -> None:
        self._step = step

    async def process(self, value: dict[str, Any], ctx: RecordContext) -> None:
        store, statement_id = str(value["store"]), str(value["statement_id"])
        mode: Literal["on_demand", "batch"] = "batch" if value.get("mode") == "batch" else "on_demand"
        decision = DocumentDecision(
            document_type="statement",
            category="transactional",
            rule="test",
            outcome=DocumentOutcome.DUE,
            idempotency_key=statement_key(store, statement_id),
            version="1",
            communication_id=str(value.get("communication_id", "order-confirmation")),
            driver_data_source="Driver",
            communication_reason="test",
            locale="en-US",
            channels=tuple(Channel(c) for c in value.get("channels", ["email", "archive"])),
        )
        request = DocumentRequest(
            decision=decision,
            recipient=Recipient(store_hash=store, entity_type="customer", entity_id=statement_id),
            driver_data={"order": {"id": statement_id}, "email": "buyer@example.invalid"},
            source_event_id=f"e-{statement_id}",
            mode=mode,
            batch_input=value.get("batch_input", BATCH_INPUT if mode == "batch" else None),
        )
        await self._step.run(request, ctx)


def build(services: Services) -> UseCase[dict[str, Any]]:
    return UseCase(USE_CASE, (), decode, Statements(services.document_step(USE_CASE)))
