"""The order-documents processor: snapshot record → decisions → driver data → the runtime's document step."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from bcx.bigcommerce.models import OrderSnapshot
from bcx.contracts.commerce_common import Trigger
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.snapshot import order_context, order_snapshot, trigger
from consumers.documents.reissue import Reissue, reissue_key
from consumers.order_documents.processor import OrderDocumentsProcessor
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext, SourceRecord
from consumers.stream.errors import PermanentError, RetryableError
from producers.enricher.mapping import Context, Envelope, order_record
from producers.enricher.profile_mapping import customer_profile, store_profile
from routing import load_rules
from tests.consumers.order_documents.factories import hand_made, simulated

NOW = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
CTX = RecordContext(SourceRecord("commerce.orders.v1", 0, 7, b"k", b"v"), 1, "bcx-order-documents")


def record(
    context: OrderContext, scope: str = "store/order/statusUpdated", data_json: str = "{}"
) -> OrderSnapshotRecord:
    event = Trigger(
        event_id="evt-1",
        scope=scope,
        resource_type="order",
        resource_id=str(context.snapshot.order.id),
        created_at=NOW,
        previous_status_id=1,
        new_status_id=context.snapshot.order.status_id,
        data_json=data_json,
    )
    env = Envelope(context.store.id, "order", str(context.snapshot.order.id), NOW, event, "test")
    customer = customer_profile(context.customer, None) if context.customer is not None else None
    profiles = Context(store=store_profile(context.store), customer=customer)
    return cast(OrderSnapshotRecord, order_record(env, context.snapshot, profiles))


class FakeStep:
    """Records every request; fails the document types listed in ``failures``."""

    def __init__(self, failures: dict[str, Exception] | None = None) -> None:
        self.requests: list[DocumentRequest] = []
        self.failures = failures or {}

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        self.requests.append(request)
        failure = self.failures.get(request.decision.document_type)
        if failure is not None:
            raise failure
        return DocumentOutcome(False, None)

    def types(self) -> list[str]:
        return [r.decision.document_type for r in self.requests]


def run(context: OrderContext, step: FakeStep, value: OrderSnapshotRecord | None = None, **kw: Any) -> None:
    ctx = kw.get("ctx", CTX)
    processor = OrderDocumentsProcessor(
        rules=load_rules(None),
        step=step,
        is_sent=kw.get("is_sent", lambda _key: False),
        erased=kw.get("erased", lambda _store, _customer: False),
    )
    asyncio.run(processor.process(value or record(context), ctx))


class TestProcessor:
    def test_paid_accepted_order_gets_confirmation_invoice_and_receipt(self) -> None:
        """A captured, accepted order with a live payment produces all three documents once each."""
        step = FakeStep()
        run(hand_made(), step)
        assert step.types() == ["order_confirmation", "order_invoice", "payment_receipt"]
        keys = [r.decision.idempotency_key for r in step.requests]
        assert keys == [
            "order_documents:abc123:order:250:order_confirmation:1",
            "order_documents:abc123:order:250:order_invoice:1",
            "order_documents:abc123:order:250:payment_receipt:901",
        ]

    def test_request_carries_driver_data_recipient_and_lineage(self) -> None:
        """Each request has the mapped driver data, the order as recipient and the source event id."""
        step = FakeStep()
        run(hand_made(), step)
        receipt = step.requests[-1]
        assert receipt.driver_data["receipt"]["number"] == "RCT-901"
        assert receipt.driver_data["document"]["reference"] == receipt.decision.idempotency_key
        assert receipt.recipient.order_id == "250"
        assert receipt.recipient.store_hash == "abc123"
        assert receipt.source_event_id == "evt-1"
        assert receipt.event_created_at == NOW

    def test_request_carries_the_decisions_explanation(self) -> None:
        """Each request names the rule that asked for it, why, and the digest of the rules that decided."""
        step = FakeStep()
        run(hand_made(), step)
        rules = load_rules(None)
        for request in step.requests:
            explanation = request.explanation
            assert explanation is not None
            assert explanation.rules == [request.decision.rule]
            assert explanation.rules_digest == rules.digest
            assert f"rule {request.decision.rule} matched" in explanation.reason
            assert request.decision.communication_id in explanation.reason

    @pytest.mark.parametrize("order_id", [1, 2, 6, 7, 8])
    def test_incomplete_pending_cancelled_declined_orders_get_nothing(self, order_id: int) -> None:
        """Orders that are incomplete, pending, cancelled, declined or awaiting payment get no document."""
        step = FakeStep()
        run(simulated(order_id), step)
        assert step.requests == []

    def test_order_created_alone_does_not_confirm_an_incomplete_order(self) -> None:
        """``store/order/created`` for an incomplete checkout produces nothing."""
        step = FakeStep()
        context = simulated(1)
        run(context, step, record(context, scope="store/order/created"))
        assert step.requests == []

    def test_documents_the_ledger_knows_are_not_requested_again(self) -> None:
        """Keys already GENERATED/DELIVERED are suppressed by routing and never reach the step."""
        step = FakeStep()
        sent = {"order_documents:abc123:order:250:order_confirmation:1"}
        run(hand_made(), step, is_sent=lambda key: key in sent)
        assert step.types() == ["order_invoice", "payment_receipt"]

    def test_an_erased_customer_gets_no_document(self) -> None:
        """Once the customer was erased (bcx erase, store/customer/deleted), their order produces nothing;
        another customer's would."""
        base = hand_made()
        order = base.snapshot.order.model_copy(update={"customer_id": 42})
        context = base.model_copy(update={"snapshot": base.snapshot.model_copy(update={"order": order})})
        customer = "42"
        step = FakeStep()
        run(context, step, erased=lambda store, c: (store, c) == ("abc123", customer))
        assert step.requests == []
        run(context, step, erased=lambda _store, c: c == "someone-else")
        assert step.requests

    def test_a_reissue_request_produces_the_named_documents_under_new_keys(self) -> None:
        """A snapshot carrying a re-issue request yields only the named documents, even though the ledger
        knows them, under keys that name the re-issue, explained with who and why."""
        invoice = "order_documents:abc123:order:250:order_invoice:1"
        request = Reissue(frozenset({invoice}), "template fix", "alice")
        ctx = RecordContext(
            SourceRecord("commerce.orders.v1", 0, 8, b"k", b"v", tuple(request.headers())),
            1,
            "bcx-order-documents",
        )
        step = FakeStep()
        run(hand_made(), step, ctx=ctx, is_sent=lambda _key: True)
        assert [r.decision.idempotency_key for r in step.requests] == [reissue_key(invoice, "template fix")]
        why = step.requests[0].explanation
        assert why is not None
        assert why.reissue_of == invoice
        assert why.reason.startswith("re-issue by alice: template fix. rule ")

    def test_deleted_orders_are_skipped(self) -> None:
        """A deleted order's snapshot is acknowledged without documents."""
        context = hand_made()
        env = Envelope("abc123", "order", "250", NOW, record(context).trigger, "test")
        step = FakeStep()
        run(context, step, cast(OrderSnapshotRecord, order_record(env, None)))
        assert step.requests == []

    def test_every_document_is_attempted_and_retryable_failure_wins(self) -> None:
        """A failing confirmation does not stop the invoice and receipt; the retryable error is raised."""
        step = FakeStep(
            {
                "order_confirmation": PermanentError("bad", error_class="x"),
                "order_invoice": RetryableError("later", error_class="y"),
            }
        )
        with pytest.raises(RetryableError):
            run(hand_made(), step)
        assert step.types() == ["order_confirmation", "order_invoice", "payment_receipt"]

    def test_permanent_failure_is_raised_when_nothing_is_retryable(self) -> None:
        """With only permanent failures, the record fails permanently (dead letter + FAILED result)."""
        step = FakeStep({"payment_receipt": PermanentError("bad", error_class="x")})
        with pytest.raises(PermanentError):
            run(hand_made(), step)


class TestSnapshotConversion:
    def test_contract_record_converts_back_to_the_client_models(self) -> None:
        """The enricher's record holds the same order, lines, taxes and payments as the API snapshot."""
        context = simulated(12)
        converted = order_snapshot(record(context))
        assert isinstance(converted, OrderSnapshot)
        assert converted.order.total_inc_tax == context.snapshot.order.total_inc_tax
        assert converted.order.date_created == context.snapshot.order.date_created
        assert [p.sku for p in converted.products] == [p.sku for p in context.snapshot.products]
        assert [t.id for t in converted.transactions] == [t.id for t in context.snapshot.transactions]

    def test_store_and_customer_come_from_the_snapshot(self) -> None:
        """The store and the customer documents use are the ones the enricher carried in the record."""
        context = simulated(12)
        converted = order_context(record(context))
        assert converted.store.name == context.store.name
        assert converted.store.timezone.name == context.store.timezone.name
        assert converted.store.currency == context.store.currency
        if context.customer is not None:
            assert converted.customer is not None
            assert converted.customer.customer.email == context.customer.customer.email
            assert converted.customer.attributes == context.customer.attributes

    def test_older_snapshot_without_profiles_still_converts(self) -> None:
        """A record written before profiles were carried gets a default store (its hash) and no customer."""
        context = simulated(12)
        env = Envelope(
            context.store.id, "order", str(context.snapshot.order.id), NOW, record(context).trigger, "t"
        )
        bare = cast(OrderSnapshotRecord, order_record(env, context.snapshot))
        converted = order_context(bare)
        assert (converted.store.id, converted.customer, converted.company) == (context.store.id, None, None)

    def test_transaction_events_name_their_transaction(self) -> None:
        """A ``store/order/transaction/created`` trigger carries the transaction id from the webhook data."""
        value = record(
            hand_made(),
            "store/order/transaction/created",
            '{"type": "transaction", "id": 901, "order_id": 250}',
        )
        assert trigger(value).transaction_id == "901"
        assert trigger(record(hand_made())).transaction_id is None
