"""The order-exceptions processor: snapshot → detected exception state → notices via the document step."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, cast

import pytest

from bcx.contracts.commerce_common import Trigger
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.webhook_event import DELAYED_ORDER_SCOPE
from consumers.documents.orders.context import OrderContext
from consumers.order_exceptions.policy import load_policy
from consumers.order_exceptions.processor import OrderExceptionsProcessor
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext, SourceRecord
from producers.enricher.mapping import Context, Envelope, order_record
from producers.enricher.profile_mapping import store_profile
from routing import load_rules
from tests.consumers.order_documents.factories import hand_made, simulated

NOW = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
CTX = RecordContext(SourceRecord("commerce.orders.v1", 0, 7, b"k", b"v"), 1, "bcx-order-exceptions")


def record(
    context: OrderContext,
    *,
    scope: str = "store/order/statusUpdated",
    previous: int | None = 11,
    new: int | None = None,
    data: dict[str, Any] | None = None,
) -> OrderSnapshotRecord:
    status = context.snapshot.order.status_id
    transition = scope == "store/order/statusUpdated"
    event = Trigger(
        event_id="evt-1",
        scope=scope,
        resource_type="order",
        resource_id=str(context.snapshot.order.id),
        created_at=NOW,
        previous_status_id=previous if transition else None,
        new_status_id=(status if new is None else new) if transition else None,
        data_json=json.dumps(data or {}),
    )
    env = Envelope(context.store.id, "order", str(context.snapshot.order.id), NOW, event, "test")
    return cast(
        OrderSnapshotRecord, order_record(env, context.snapshot, Context(store=store_profile(context.store)))
    )


class FakeStep:
    def __init__(self) -> None:
        self.requests: list[DocumentRequest] = []

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        self.requests.append(request)
        return DocumentOutcome(False, None)

    def keys(self) -> list[str]:
        return [r.decision.idempotency_key or "" for r in self.requests]


def run(
    value: OrderSnapshotRecord,
    sent: frozenset[str] = frozenset(),
    erased: Callable[[str, str | None], bool] = lambda _store, _customer: False,
) -> FakeStep:
    step = FakeStep()
    processor = OrderExceptionsProcessor(
        rules=load_rules(None),
        policy=load_policy(),
        step=step,
        is_sent=lambda key: key in sent,
        erased=erased,
    )
    asyncio.run(processor.process(value, CTX))
    return step


def shipped(
    context: OrderContext, shipments: list[dict[str, Any]], quantities: dict[int, int]
) -> OrderContext:
    """``context`` with these shipments and per-line shipped quantities."""
    raw = context.snapshot.model_dump(mode="json")
    for line in raw["products"]:
        line["quantity_shipped"] = quantities.get(line["id"], 0)
    raw["shipments"] = shipments
    return hand_made(snapshot=raw)


def shipment(shipment_id: int, line_id: int, quantity: int) -> dict[str, Any]:
    return {
        "id": shipment_id,
        "order_id": 250,
        "date_created": "Tue, 03 Mar 2026 10:00:00 +0000",
        "tracking_number": f"1Z{shipment_id}",
        "tracking_carrier": "ups",
        "items": [{"order_product_id": line_id, "product_id": 1, "quantity": quantity}],
    }


def two_lines() -> OrderContext:
    base = hand_made()
    raw = base.snapshot.model_dump(mode="json")
    second = {
        **raw["products"][0],
        "id": raw["products"][0]["id"] + 1,
        "name": "Second line",
        "sku": "SKU-2",
        "quantity": 2,
    }
    raw["products"].append(second)
    return hand_made(snapshot=raw)


class TestStatusExceptions:
    @pytest.mark.parametrize(
        ("order_id", "document"),
        [
            (6, "cancellation_notice"),
            (7, "payment_declined_notice"),
            (13, "order_on_hold_notice"),
            (14, "dispute_notice"),
        ],
    )
    def test_transition_into_an_exception_status_sends_its_notice(self, order_id: int, document: str) -> None:
        """Cancelled, declined, manual verification and disputed orders get their notice on the transition."""
        step = run(record(simulated(order_id)))
        assert [r.decision.document_type for r in step.requests] == [document]

    def test_status_seen_again_is_not_a_new_notice(self) -> None:
        """A later event on a disputed order whose notice the ledger holds sends nothing more."""
        context = simulated(14)
        first = run(record(context))
        again = run(record(context, scope="store/order/updated"), sent=frozenset(first.keys()))
        assert first.keys()
        assert again.requests == []

    def test_a_replayed_old_transition_sends_nothing(self) -> None:
        """A transition into Declined replayed after the order moved on (its status differs) is ignored."""
        step = run(record(simulated(11), new=6))
        assert step.requests == []

    def test_cancelled_checkout_gets_no_notice(self) -> None:
        """Cancelling an incomplete checkout (0 → 5) is not a notice."""
        assert run(record(simulated(6), previous=0)).requests == []

    def test_orders_without_an_exception_get_nothing(self) -> None:
        """Completed, shipped and awaiting orders get no notice."""
        for order_id in (2, 3, 10, 11, 12):
            assert run(record(simulated(order_id))).requests == [], order_id


class TestPartialFulfilment:
    def test_a_split_sends_one_notice_listing_shipped_and_pending(self) -> None:
        """A shipment leaving a line unshipped sends a notice with the tracking and what is still to come."""
        base = two_lines()
        first_line = base.snapshot.products[0]
        context = shipped(
            base, [shipment(31, first_line.id, first_line.quantity)], {first_line.id: first_line.quantity}
        )
        step = run(record(context, scope="store/shipment/created"))
        (request,) = step.requests
        assert (
            request.decision.idempotency_key == "order_exceptions:abc123:order:250:partial_shipment_notice:31"
        )
        data = request.driver_data
        assert data["shipped"][0]["trackingNumber"] == "1Z31"
        assert [p["sku"] for p in data["pending"]] == ["SKU-2"]

    def test_completing_shipment_sends_nothing_and_a_second_split_is_new(self) -> None:
        """The shipment that completes the order ends the exception; a second split is a new state."""
        base = two_lines()
        one, two = base.snapshot.products
        done = shipped(
            base,
            [shipment(31, one.id, one.quantity), shipment(32, two.id, two.quantity)],
            {one.id: one.quantity, two.id: two.quantity},
        )
        assert run(record(done, scope="store/shipment/created")).requests == []
        again = shipped(
            base,
            [shipment(31, one.id, one.quantity), shipment(32, two.id, 1)],
            {one.id: one.quantity, two.id: 1},
        )
        (request,) = run(record(again, scope="store/shipment/created")).requests
        assert (
            request.decision.idempotency_key
            == "order_exceptions:abc123:order:250:partial_shipment_notice:31+32"
        )


class TestDelays:
    def test_sweep_event_sends_a_numbered_delay_notice_with_dates_from_the_policy(self) -> None:
        """A delay event gets a notice whose promise and new date come from the order date and the rules."""
        context = hand_made(status_id=11, date_created="Fri, 27 Feb 2026 23:30:00 +0000")
        step = run(record(context, scope=DELAYED_ORDER_SCOPE, data={"type": "order", "id": 250, "delay": 2}))
        (request,) = step.requests
        assert request.decision.idempotency_key == "order_exceptions:abc123:order:250:order_delay_notice:2"
        delay = request.driver_data["delay"]
        # placed Friday (London); 2 business days → Tuesday 3 March; + 2 × 3 → Wednesday 11 March
        assert delay["promisedOn"]["iso"] == date(2026, 3, 3).isoformat()
        assert request.driver_data["exception"]["expectedResolution"]["iso"] == "2026-03-11"

    def test_shipped_order_gets_no_delay_notice(self) -> None:
        """A delay event for an order that has shipped since sends nothing."""
        context = hand_made(status_id=2)
        assert run(record(context, scope=DELAYED_ORDER_SCOPE, data={"delay": 1})).requests == []


class TestErasureAndExplanation:
    def test_an_erased_customers_order_gets_no_notice(self) -> None:
        """Once the order's customer was erased (bcx erase, store/customer/deleted), a transition into
        Disputed sends nothing; another customer's erasure does not stop it."""
        base = simulated(14)
        order = base.snapshot.order.model_copy(update={"customer_id": 42})
        context = base.model_copy(update={"snapshot": base.snapshot.model_copy(update={"order": order})})
        store = context.store.id
        assert run(record(context), erased=lambda s, c: (s, c) == (store, "42")).requests == []
        assert run(record(context), erased=lambda _s, c: c == "someone-else").requests

    def test_a_notice_carries_the_decisions_explanation(self) -> None:
        """The notice's request names the rule that asked for it, why, and the digest of the rules."""
        (request,) = run(record(simulated(14))).requests
        explanation = request.explanation
        assert explanation is not None
        assert explanation.rules == [request.decision.rule]
        assert explanation.rules_digest == load_rules(None).digest
        assert f"rule {request.decision.rule} matched" in explanation.reason
